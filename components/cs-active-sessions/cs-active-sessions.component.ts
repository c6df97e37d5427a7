import '@lit-labs/virtualizer';
import { Task, TaskStatus } from '@lit/task';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { searchSessions } from '../../src/model/search.js';
import {
  formatDateTime,
  formatDuration,
  type Session,
  type Subscription,
} from '../../src/model/session.js';
import { EmqxSource } from '../../src/sources/emqx.js';
import {
  SourceError,
  type DisconnectResult,
  type SessionSource,
} from '../../src/sources/source.js';
import { csEvent, type RefreshTrigger } from './events.js';
import { styles } from './cs-active-sessions.styles.js';
import { renderSessionDetails, type SubscriptionsState } from './session-details.js';
import { COLUMNS, renderSessionRow, type RowState } from './session-row.js';
import { SessionsController } from './sessions-controller.js';

interface DetailsResult {
  fresh: Session | undefined;
  gone: boolean;
  subscriptions: SubscriptionsState;
}

const errorMessage = (error: unknown) =>
  error instanceof SourceError ? error.message : `Unexpected error: ${String(error)}`;

/**
 * Shows and manages the clients connected to an MQTT broker.
 *
 * @summary The active sessions of an MQTT broker: list, search, details, disconnect.
 *
 * @event cs-session-select - The user opened a session's details. `detail: { session }`.
 * @event cs-disconnect-request - Cancelable; fired before any disconnect. `detail: { clientIds }`.
 * @event cs-disconnect - A disconnect action finished. `detail: { results }`, one per client.
 * @event cs-refresh - A fresh list arrived. `detail: { count, trigger }`.
 * @event cs-error - A broker call failed. `detail: { message, kind, operation }`.
 *
 * @csspart toolbar - The search box, buttons and count.
 * @csspart search - The search box.
 * @csspart status - The count and the time of the last update.
 * @csspart table - The session grid.
 * @csspart header-cell - A column header.
 * @csspart row - A session row.
 * @csspart cell - A cell of a session row.
 * @csspart details - The session details region.
 * @csspart dialog - The confirmation dialog.
 *
 * @cssproperty --cs-table-height - Height of the scrolling list of rows (default 420px).
 * @cssproperty --cs-row-height - Minimum height of a row (default 36px).
 * @cssproperty --cs-columns - The grid's `grid-template-columns`.
 */
export class CsActiveSessions extends LitElement {
  static override styles = styles;

  // Controllers
  private readonly _sessions = new SessionsController(this, {
    onRefresh: (count, trigger) => this._handleRefresh(count, trigger),
    onError: (error, trigger) => {
      this.dispatchEvent(csEvent('cs-error', { ...error, operation: 'list' }));
      if (trigger === 'user') this._announce(`Refresh failed: ${error.message}`);
    },
  });

  private readonly _details = new Task(this, {
    task: async ([source, clientId], { signal }): Promise<DetailsResult | undefined> => {
      if (!source || clientId === undefined) return undefined;
      const [fresh, subs] = await Promise.allSettled([
        source.get(clientId, { signal }),
        source.subscriptions(clientId, { signal }),
      ]);
      const gone =
        fresh.status === 'rejected' &&
        fresh.reason instanceof SourceError &&
        fresh.reason.kind === 'not-found';
      let subscriptions: SubscriptionsState;
      if (subs.status === 'fulfilled') {
        subscriptions = { status: 'done', subscriptions: subs.value };
      } else if (gone) {
        subscriptions = { status: 'done', subscriptions: [] as Subscription[] };
      } else {
        subscriptions = { status: 'error', message: errorMessage(subs.reason) };
      }
      return { fresh: fresh.status === 'fulfilled' ? fresh.value : undefined, gone, subscriptions };
    },
    // A reconnect (new connected-at) reloads the details of the same client.
    args: () =>
      [this._sessions.source, this._selected?.clientId, this._selectedConnectedAt] as const,
  });

  // Queries
  @query('dialog') private _dialog?: HTMLDialogElement;
  @query('input[type="search"]') private _search?: HTMLInputElement;

  // State
  @state() private _query = '';
  @state() private _selectedKey: string | undefined;
  /** The open session as last seen, kept when it leaves the list so the details can say so. */
  @state() private _selected: Session | undefined;
  @state() private _activeKey: string | undefined;
  @state() private _confirming: Session | undefined;
  @state() private _busy = false;
  @state() private _actionError: string | undefined;
  @state() private _announcement = '';
  @state() private _autoRefresh = true;
  @state() private _now = Date.now();

  // Properties
  /** Base URL of an EMQX v5 API, typically `/api/v5` behind a same-origin proxy. */
  @property() src: string | undefined;

  /** Any `SessionSource`; wins over `src`. */
  @property({ attribute: false }) source: SessionSource | undefined;

  /** Seconds between polls; `0` turns auto-refresh off. */
  @property({ attribute: 'refresh-interval', type: Number }) refreshInterval = 30;

  #srcSource: { src: string; source: EmqxSource } | undefined;
  #lastInterval = 30;
  #visible: readonly Session[] = [];
  #visibleFrom: { sessions: readonly Session[]; query: string } | undefined;
  #renderItem: (session: Session, index: number) => TemplateResult = () => html``;
  #clock: ReturnType<typeof setInterval> | undefined;
  #focusRowAfterUpdate = false;

  // Lifecycle
  override connectedCallback(): void {
    super.connectedCallback();
    this.#clock = setInterval(() => {
      if (document.visibilityState !== 'hidden') this._now = Date.now();
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#clock);
    this.#clock = undefined;
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('source') || changed.has('src')) {
      this._sessions.setSource(this.#effectiveSource());
    }
    if (changed.has('refreshInterval')) {
      const seconds = Number.isFinite(this.refreshInterval) ? this.refreshInterval : 30;
      this._autoRefresh = seconds > 0;
      if (seconds > 0) this.#lastInterval = seconds;
    }
    this._sessions.setInterval(this._autoRefresh ? this.#lastInterval : 0);

    const sessions = this._sessions.store.sessions;
    if (this.#visibleFrom?.sessions !== sessions || this.#visibleFrom.query !== this._query) {
      this.#visible = searchSessions(sessions, this._query);
      this.#visibleFrom = { sessions, query: this._query };
    }
    if (this._selectedKey !== undefined) {
      const current = this._sessions.store.get(this._selectedKey);
      if (current && current !== this._selected) this._selected = current;
    }
    if (this._activeKey === undefined || !this.#visible.some((s) => s.key === this._activeKey)) {
      this._activeKey = this.#visible[0]?.key;
    }
    if (changed.has('_selectedKey') || changed.has('_activeKey')) {
      const rowState: RowState = { selectedKey: this._selectedKey, activeKey: this._activeKey };
      this.#renderItem = (session, index) => renderSessionRow(session, index, rowState);
    }
  }

  protected override updated(): void {
    if (this._confirming && this._dialog && !this._dialog.open) this._dialog.showModal();
    if (!this._confirming && this._dialog?.open) this._dialog.close();
    if (this.#focusRowAfterUpdate) {
      this.#focusRowAfterUpdate = false;
      void this.#focusActiveRow();
    }
  }

  private get _selectedConnectedAt(): number | undefined {
    return this._selectedKey === undefined
      ? undefined
      : this._sessions.store.get(this._selectedKey)?.connectedAt;
  }

  // Handlers
  private _handleRefresh(count: number, trigger: RefreshTrigger): void {
    this.dispatchEvent(csEvent('cs-refresh', { count, trigger }));
    if (trigger === 'user') {
      this._announce(`Refreshed: ${count} active session${count === 1 ? '' : 's'}.`);
    }
  }

  private _onSearch(event: InputEvent): void {
    this._query = (event.target as HTMLInputElement).value;
  }

  private _onRefreshClick(): void {
    void this._sessions.refresh('user');
  }

  private _onAutoRefreshClick(): void {
    this._autoRefresh = !this._autoRefresh;
  }

  private _rowFromEvent(event: Event): { index: number; session: Session } | undefined {
    for (const target of event.composedPath()) {
      if (target instanceof HTMLElement && target.dataset['index'] !== undefined) {
        const index = Number(target.dataset['index']);
        const session = this.#visible[index];
        return session ? { index, session } : undefined;
      }
      if (target === this) break;
    }
    return undefined;
  }

  private _onGridClick(event: MouseEvent): void {
    const hit = this._rowFromEvent(event);
    if (!hit) return;
    this._activeKey = hit.session.key;
    this._open(hit.session);
  }

  private _onGridKeydown(event: KeyboardEvent): void {
    const hit = this._rowFromEvent(event);
    if (!hit) return;
    const last = this.#visible.length - 1;
    let next: number | undefined;
    switch (event.key) {
      case 'ArrowDown':
        next = Math.min(last, hit.index + 1);
        break;
      case 'ArrowUp':
        next = Math.max(0, hit.index - 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = last;
        break;
      case 'PageDown':
        next = Math.min(last, hit.index + 10);
        break;
      case 'PageUp':
        next = Math.max(0, hit.index - 10);
        break;
      case 'Enter':
      case ' ':
        event.preventDefault();
        this._open(hit.session);
        return;
      default:
        return;
    }
    event.preventDefault();
    this._activeKey = this.#visible[next]?.key;
    this.#focusRowAfterUpdate = true;
  }

  private _open(session: Session): void {
    if (this._selectedKey !== session.key) this._actionError = undefined;
    this._selectedKey = session.key;
    this._selected = session;
    this.dispatchEvent(csEvent('cs-session-select', { session }));
  }

  private _closeDetails(): void {
    this._selectedKey = undefined;
    this._selected = undefined;
    this._actionError = undefined;
    this.#focusRowAfterUpdate = true;
  }

  private _askDisconnect(): void {
    if (this._selected) this._confirming = this._selected;
  }

  private _onDialogCancel(event: Event): void {
    event.preventDefault();
    if (!this._busy) this._confirming = undefined;
  }

  private async _onConfirmDisconnect(): Promise<void> {
    const target = this._confirming;
    const source = this._sessions.source;
    if (!target || !source || this._busy) return;
    const clientId = target.clientId;
    const request = csEvent('cs-disconnect-request', { clientIds: [clientId] }, true);
    if (!this.dispatchEvent(request)) {
      this._confirming = undefined;
      this._announce('Disconnect cancelled by the page.');
      return;
    }
    this._busy = true;
    let result: DisconnectResult;
    try {
      result = { clientId, outcome: await source.disconnect(clientId) };
    } catch (error) {
      result = { clientId, outcome: 'failed', error: errorMessage(error) };
    }
    this._busy = false;
    this._confirming = undefined;
    this.dispatchEvent(csEvent('cs-disconnect', { results: [result] }));
    if (result.outcome === 'failed') {
      this._actionError = `Could not disconnect: ${result.error}`;
      this.dispatchEvent(
        csEvent('cs-error', {
          message: result.error ?? 'Disconnect failed',
          kind: 'unknown',
          operation: 'disconnect',
        }),
      );
      this._announce(`Could not disconnect ${clientId}.`);
      return;
    }
    this._sessions.removeSession(target.key);
    this._announce(
      result.outcome === 'disconnected'
        ? `Disconnected ${clientId}.`
        : `${clientId} had already disconnected.`,
    );
    // Show a client that reconnects without waiting for the next poll.
    this._sessions.refreshAfterAction();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('.details-header button')?.focus();
  }

  private _announce(text: string): void {
    // Re-setting identical text is not announced again; clear first.
    this._announcement = '';
    requestAnimationFrame(() => (this._announcement = text));
  }

  async #focusActiveRow(): Promise<void> {
    const index = this.#visible.findIndex((s) => s.key === this._activeKey);
    if (index < 0) {
      this._search?.focus();
      return;
    }
    const virtualizer = this.renderRoot.querySelector('lit-virtualizer');
    virtualizer?.element(index)?.scrollIntoView({ block: 'nearest' });
    await virtualizer?.layoutComplete;
    this.renderRoot.querySelector<HTMLElement>(`[data-index="${index}"]`)?.focus();
  }

  #effectiveSource(): SessionSource | undefined {
    if (this.source) return this.source;
    if (!this.src) return undefined;
    if (this.#srcSource?.src !== this.src) {
      this.#srcSource = { src: this.src, source: new EmqxSource({ baseUrl: this.src }) };
    }
    return this.#srcSource.source;
  }

  // Public methods
  /** Fetches a fresh list now. */
  refresh(): Promise<void> {
    return this._sessions.refresh('user');
  }

  // Rendering
  private _renderStatus(): TemplateResult {
    const { store } = this._sessions;
    const total = store.sessions.length;
    const shown = this.#visible.length;
    const noun = `active session${total === 1 ? '' : 's'}`;
    const count = !store.loaded
      ? ''
      : shown === total
        ? `${total} ${noun}`
        : `${shown} of ${total} ${noun}`;
    const updated =
      store.updatedAt === undefined
        ? ''
        : this._now - store.updatedAt < 2000
          ? 'Updated just now'
          : `Updated ${formatDuration(this._now - store.updatedAt)} ago`;
    return html`<div class="status" part="status">
      <span class="count">${count}</span>
      <span class="updated" title=${store.updatedAt ? formatDateTime(store.updatedAt) : nothing}
        >${updated}${this._sessions.stale ? ' (stale)' : ''}</span
      >
    </div>`;
  }

  private _renderBanner(): TemplateResult | typeof nothing {
    const { error, store } = this._sessions;
    if (!this._sessions.source) {
      return html`<p class="banner">
        No broker configured: set the <code>src</code> attribute or the
        <code>source</code> property.
      </p>`;
    }
    if (!error) return nothing;
    return html`<div class="banner error" role="alert">
      ${
        store.loaded
          ? `Could not refresh: ${error.message} Showing the sessions as of ${formatDateTime(store.updatedAt)}.`
          : `Could not load sessions: ${error.message}`
      }
    </div>`;
  }

  private _renderMessage(): TemplateResult | typeof nothing {
    const { store, loading, source } = this._sessions;
    if (!source) return nothing;
    if (!store.loaded) {
      return loading ? html`<p class="message">Loading sessions…</p>` : nothing;
    }
    if (this.#visible.length > 0) return nothing;
    return html`<p class="message">
      ${
        store.sessions.length === 0
          ? 'No active sessions.'
          : html`No sessions match “<bdi>${this._query.trim()}</bdi>”.`
      }
    </p>`;
  }

  private _renderDialog(): TemplateResult {
    const target = this._confirming;
    return html`<dialog
      part="dialog"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-description"
      @cancel=${this._onDialogCancel}
    >
      ${
        target
          ? html`<h2 id="confirm-title">Disconnect this client?</h2>
              <p id="confirm-description">
                <bdi>${target.clientId}</bdi> will be disconnected at once. A client set to
                reconnect will start a new session.
              </p>
              <div class="actions">
                <button
                  type="button"
                  autofocus
                  ?disabled=${this._busy}
                  @click=${this._onDialogCancel}
                >
                  Cancel
                </button>
                <button
                  type="button"
                  class="danger"
                  ?disabled=${this._busy}
                  @click=${this._onConfirmDisconnect}
                >
                  ${this._busy ? html`<span aria-hidden="true">…</span>` : nothing}Disconnect
                </button>
              </div>`
          : nothing
      }
    </dialog>`;
  }

  private _renderDetails(selected: Session): TemplateResult {
    const { store } = this._sessions;
    // While the task loads another client, its value still holds the previous one's answer.
    const answer =
      this._details.value?.fresh === undefined ||
      this._details.value.fresh.clientId === selected.clientId
        ? this._details.value
        : undefined;
    let subscriptions: SubscriptionsState = { status: 'loading' };
    if (this._details.status === TaskStatus.COMPLETE && answer) {
      subscriptions = answer.subscriptions;
    } else if (this._details.status === TaskStatus.ERROR) {
      subscriptions = { status: 'error', message: errorMessage(this._details.error) };
    }
    return renderSessionDetails(
      {
        session: answer?.fresh ?? selected,
        subscriptions,
        gone: store.loaded && (!store.get(selected.key) || answer?.gone === true),
        actionError: this._actionError,
        busy: this._busy,
        now: this._now,
      },
      { onDisconnect: () => this._askDisconnect(), onClose: () => this._closeDetails() },
    );
  }

  protected override render(): TemplateResult {
    const { store, loading, stale } = this._sessions;
    return html`<section class="root" aria-label="Active sessions">
      <div class="toolbar" part="toolbar">
        <input
          type="search"
          part="search"
          aria-label="Search sessions"
          placeholder="Search client ID or username"
          .value=${this._query}
          @input=${this._onSearch}
        />
        <button
          type="button"
          @click=${this._onRefreshClick}
          aria-busy=${loading ? 'true' : 'false'}
        >
          Refresh
        </button>
        <button
          type="button"
          role="switch"
          class="switch"
          aria-checked=${this._autoRefresh ? 'true' : 'false'}
          @click=${this._onAutoRefreshClick}
        >
          <span class="track" aria-hidden="true"></span>Auto-refresh
        </button>
        ${this._renderStatus()}
      </div>
      ${this._renderBanner()}
      <div
        class="grid ${stale ? 'stale' : ''}"
        part="table"
        role="grid"
        aria-label="Active sessions"
        aria-rowcount=${this.#visible.length + 1}
        aria-busy=${loading ? 'true' : 'false'}
        @click=${this._onGridClick}
        @keydown=${this._onGridKeydown}
      >
        <div role="rowgroup">
          <div role="row" class="row header-row" aria-rowindex="1">
            ${COLUMNS.map(
              (name) =>
                html`<div role="columnheader" part="header-cell" class="cell">${name}</div>`,
            )}
          </div>
        </div>
        ${
          store.loaded && this.#visible.length > 0
            ? html`<lit-virtualizer
                role="rowgroup"
                scroller
                .items=${this.#visible}
                .keyFunction=${(s: Session) => s.key}
                .renderItem=${this.#renderItem}
              ></lit-virtualizer>`
            : nothing
        }
      </div>
      ${this._renderMessage()} ${this._selected ? this._renderDetails(this._selected) : nothing}
      ${this._renderDialog()}
      <div class="visually-hidden" aria-live="polite">${this._announcement}</div>
    </section>`;
  }
}
