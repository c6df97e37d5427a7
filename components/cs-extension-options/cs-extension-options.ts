import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { badAllowedNetwork, type AlertKind, type AlertRule } from '../../src/alerts/rules.js';
import { formatDateTime } from '../../src/model/session.js';
import { matchesWorkspace, type SourceKind } from '../../src/model/workspace.js';
import { createSource } from '../../src/sources/from-config.js';
import { SourceError } from '../../src/sources/source.js';
import type { RecentAlert } from '../../src/watch/background-watch.js';
import {
  AVAILABLE_KINDS,
  badgeWorkspaceOf,
  MIN_REFRESH_SECONDS,
  newWorkspaceId,
  originPermission,
  validateWorkspace,
  type WatchConfig,
  type WatchedWorkspace,
  type WorkspaceProblems,
} from '../../src/watch/config.js';
import {
  renderRuleForm,
  renderRuleList,
  ruleFromForm,
  ruleLine,
  RULE_KINDS,
} from '../cs-active-sessions/alerts-panel.js';
import { EN, EN_TEXTS } from '../cs-active-sessions/strings.js';
import { styles } from './cs-extension-options.styles.js';

/**
 * Rules the background does not check: an allowed network that is not one (saved before this
 * page refused them). Each with the entry, in the element's words.
 */
const uncheckedRules = (rules: readonly AlertRule[]): string[] =>
  rules.flatMap((rule) => {
    const entry = badAllowedNetwork(rule);
    return entry === undefined ? [] : [EN.ruleNotChecked(ruleLine(rule, EN_TEXTS), entry)];
  });

const KINDS: { kind: SourceKind; label: string; example: string }[] = [
  { kind: 'emqx', label: 'EMQX 5 (REST API v5)', example: 'https://emqx.example.com:18083/api/v5' },
  {
    kind: 'rabbitmq',
    label: 'RabbitMQ (management API)',
    example: 'https://rabbitmq.example.com:15672/api',
  },
  {
    kind: 'hivemq',
    label: 'HiveMQ Enterprise (REST API)',
    example: 'https://hivemq.example.com:8888/api/v1',
  },
];

type Status = { kind: 'busy' | 'ok' | 'error'; text: string };

const TEST_TIMEOUT_MS = 15_000;

/**
 * The extension's options: the workspaces the background watches (broker type, admin API URL,
 * credentials, plan limit, poll interval, alert rules), which one the badge counts, a
 * `Test connection` that reports success or the exact failure, and the alerts raised lately.
 *
 * It holds no browser API: the options page gives it the stored configuration and two
 * functions, one to store a configuration and one to ask for host permissions (called within
 * the click, as browsers require).
 *
 * @summary Options of the Active sessions browser extension.
 */
export class CsExtensionOptions extends LitElement {
  static override styles = styles;

  /** The stored configuration. */
  @property({ attribute: false }) config: WatchConfig = { workspaces: [] };

  /** Alerts the background raised lately, newest first. */
  @property({ attribute: false }) recentAlerts: RecentAlert[] = [];

  /** Stores a configuration (extension `storage.local`). */
  @property({ attribute: false }) persist: (config: WatchConfig) => Promise<void> = async () => {};

  /** Asks the user for host permissions; resolves whether they were granted. */
  @property({ attribute: false }) requestOrigins: (origins: string[]) => Promise<boolean> =
    async () => true;

  @state() private _draft: WatchedWorkspace | undefined;
  @state() private _isNew = false;
  @state() private _problems: WorkspaceProblems = {};
  @state() private _status: Status | undefined;
  @state() private _confirmRemove: string | undefined;
  @state() private _ruleKind: AlertKind = 'count-below';
  @state() private _ruleError: string | undefined;
  /** A save or remove is being stored: further ones wait for it. */
  @state() private _saving = false;
  #testRun: AbortController | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#testRun?.abort();
  }

  #edit(workspace: WatchedWorkspace | undefined): void {
    this.#testRun?.abort();
    this._isNew = workspace === undefined;
    this._draft = workspace
      ? structuredClone(workspace)
      : {
          id: newWorkspaceId(this.config.workspaces),
          label: '',
          source: { kind: 'emqx', baseUrl: '' },
          refreshSeconds: 30,
          alertRules: [],
        };
    this._problems = {};
    this._status = undefined;
    this._ruleError = undefined;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLInputElement>('#ws-label')?.focus(),
    );
  }

  #update(change: (draft: WatchedWorkspace) => void): void {
    if (!this._draft) return;
    const draft = structuredClone(this._draft);
    change(draft);
    this._draft = draft;
  }

  /** Asks for the broker's origin (within the click) and resolves whether it may be reached. */
  #permission(draft: WatchedWorkspace): Promise<{ ok: true } | { ok: false; origin: string }> {
    const origin = originPermission(draft.source.baseUrl);
    if (!origin) return Promise.resolve({ ok: true });
    return this.requestOrigins([origin]).then(
      (granted) => (granted ? { ok: true } : { ok: false, origin }),
      () => ({ ok: false, origin }),
    );
  }

  private _onTest(): void {
    const draft = this._draft;
    if (!draft) return;
    const problems = validateWorkspace(draft);
    if (problems.baseUrl || problems.kind) {
      this._problems = { baseUrl: problems.baseUrl, kind: problems.kind };
      this._status = { kind: 'error', text: problems.kind ?? problems.baseUrl! };
      return;
    }
    const permission = this.#permission(draft);
    this.#testRun?.abort();
    const run = new AbortController();
    this.#testRun = run;
    this._status = { kind: 'busy', text: 'Testing the connection…' };
    void (async () => {
      const allowed = await permission;
      if (run.signal.aborted) return;
      if (!allowed.ok) {
        this._status = {
          kind: 'error',
          text: `Not tested: the extension was not allowed to reach ${allowed.origin}.`,
        };
        return;
      }
      try {
        const source = createSource(draft.source);
        const { sessions } = await source.list({
          signal: AbortSignal.any([run.signal, AbortSignal.timeout(TEST_TIMEOUT_MS)]),
        });
        if (run.signal.aborted) return;
        const count = sessions.filter((s) => matchesWorkspace(s, draft.match)).length;
        this._status = {
          kind: 'ok',
          text: `Connected to ${source.label}: ${count} active session${count === 1 ? '' : 's'}${draft.match ? ' in this workspace' : ''}.`,
        };
      } catch (e) {
        if (run.signal.aborted) return;
        this._status = {
          kind: 'error',
          text:
            e instanceof SourceError
              ? `Connection failed: ${e.message}`
              : `Connection failed: ${e instanceof Error ? e.message : String(e)}`,
        };
      }
    })();
  }

  private _onSave(): void {
    const draft = this._draft;
    if (!draft || this._saving) return;
    // A test still running would overwrite what the save says.
    this.#testRun?.abort();
    const cleaned: WatchedWorkspace = {
      ...draft,
      label: draft.label.trim(),
      source: { ...draft.source, baseUrl: draft.source.baseUrl?.trim() },
    };
    const problems = validateWorkspace(cleaned, this.config.workspaces);
    this._problems = problems;
    if (Object.keys(problems).length) {
      this._status = { kind: 'error', text: 'Not saved: correct the fields marked below.' };
      void this.updateComplete.then(() =>
        this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus(),
      );
      return;
    }
    const permission = this.#permission(cleaned);
    this._status = { kind: 'busy', text: 'Saving…' };
    this._saving = true;
    void (async () => {
      try {
        const allowed = await permission;
        if (!allowed.ok) {
          this._status = {
            kind: 'error',
            text: `Not saved: the extension needs permission to reach ${allowed.origin}.`,
          };
          return;
        }
        const exists = this.config.workspaces.some((w) => w.id === cleaned.id);
        if (!this._isNew && !exists) {
          this._status = { kind: 'error', text: 'Not saved: this workspace was removed.' };
          return;
        }
        const workspaces = exists
          ? this.config.workspaces.map((w) => (w.id === cleaned.id ? cleaned : w))
          : [...this.config.workspaces, cleaned];
        const config: WatchConfig = { ...this.config, workspaces };
        await this.persist(config);
        this.config = config;
      } catch (e) {
        this._status = {
          kind: 'error',
          text: `Not saved: ${e instanceof Error ? e.message : String(e)}`,
        };
        return;
      } finally {
        this._saving = false;
      }
      this._isNew = false;
      this._draft = undefined;
      this._status = {
        kind: 'ok',
        text: `Saved ${cleaned.label}. The extension checks it now and every ${cleaned.refreshSeconds} seconds.`,
      };
    })();
  }

  private async _onRemove(id: string): Promise<void> {
    if (this._saving) return;
    if (this._draft?.id === id) {
      this.#testRun?.abort();
      this._draft = undefined;
    }
    const removed = this.config.workspaces.find((w) => w.id === id);
    const workspaces = this.config.workspaces.filter((w) => w.id !== id);
    const config: WatchConfig = {
      workspaces,
      badgeWorkspace: this.config.badgeWorkspace === id ? undefined : this.config.badgeWorkspace,
    };
    this._confirmRemove = undefined;
    try {
      await this.persist(config);
      this.config = config;
      this._status = { kind: 'ok', text: `Removed ${removed?.label ?? 'the workspace'}.` };
    } catch (e) {
      this._status = {
        kind: 'error',
        text: `Not removed: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  }

  private async _onBadge(id: string): Promise<void> {
    const config: WatchConfig = { ...this.config, badgeWorkspace: id };
    try {
      await this.persist(config);
      this.config = config;
    } catch (e) {
      this._status = {
        kind: 'error',
        text: `Not saved: ${e instanceof Error ? e.message : String(e)}`,
      };
    }
  }

  private _onAddRule(form: HTMLFormElement): void {
    const rule = ruleFromForm(form, `rule-${Date.now().toString(36)}`);
    if (typeof rule === 'string') {
      this._ruleError = rule;
      return;
    }
    // As the element's form does: a mistyped network would leave the rule unchecked.
    const bad = badAllowedNetwork(rule);
    if (bad !== undefined) {
      this._ruleError = EN.errorAllowedNetwork(bad);
      return;
    }
    this._ruleError = undefined;
    this.#update((d) => d.alertRules.push(rule));
  }

  protected override render(): TemplateResult {
    return html`<main>
      <h1>Active sessions: options</h1>
      <section aria-labelledby="workspaces-title">
        <h2 id="workspaces-title">Workspaces</h2>
        <p class="muted">
          The extension polls each workspace in the background, counts its sessions on the toolbar
          badge, and notifies you when one of its alert rules fires. Credentials stay in this
          browser’s local extension storage; they are never synced.
        </p>
        ${this._renderList()}
        ${
          this._draft
            ? nothing
            : html`<button type="button" @click=${() => this.#edit(undefined)}>
                Add workspace
              </button>`
        }
      </section>
      ${this._draft ? this._renderEditor(this._draft) : nothing}
      <p class="status ${this._status?.kind ?? ''}" role="status">${this._status?.text ?? ''}</p>
      ${this._renderAlerts()}
    </main>`;
  }

  private _renderList(): TemplateResult {
    const { workspaces } = this.config;
    if (workspaces.length === 0) {
      return html`<p>No workspace yet: add one to start watching a broker.</p>`;
    }
    const badge = badgeWorkspaceOf(this.config)?.id;
    return html`<table class="workspaces">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Admin API</th>
          <th scope="col">Plan limit</th>
          <th scope="col">Poll every</th>
          <th scope="col">Alert rules</th>
          <th scope="col">On the badge</th>
          <th scope="col"><span class="visually-hidden">Actions</span></th>
        </tr>
      </thead>
      <tbody>
        ${workspaces.map((w) => {
          const unchecked = uncheckedRules(w.alertRules).length;
          return html`<tr>
            <th scope="row"><bdi>${w.label}</bdi></th>
            <td><bdi>${w.source.baseUrl ?? '\u2014'}</bdi></td>
            <td>${w.planLimit ?? '\u2014'}</td>
            <td>${w.refreshSeconds} s</td>
            <td>
              ${w.alertRules.length}${
                unchecked
                  ? html` <span class="error-text"
                      >(${unchecked} not checked: edit to see why)</span
                    >`
                  : nothing
              }
            </td>
            <td>
              <input
                type="radio"
                name="badge"
                aria-label=${`Show ${w.label} on the badge`}
                .checked=${w.id === badge}
                @change=${() => void this._onBadge(w.id)}
              />
            </td>
            <td class="actions">
              ${
                this._confirmRemove === w.id
                  ? html`<span role="group" aria-label=${`Remove ${w.label}?`}>
                      Remove it?
                      <button type="button" @click=${() => void this._onRemove(w.id)}>
                        Remove
                      </button>
                      <button type="button" @click=${() => (this._confirmRemove = undefined)}>
                        Keep
                      </button>
                    </span>`
                  : html`<button
                        type="button"
                        aria-label=${`Edit ${w.label}`}
                        @click=${() => this.#edit(w)}
                      >
                        Edit
                      </button>
                      <button
                        type="button"
                        aria-label=${`Remove ${w.label}`}
                        @click=${() => (this._confirmRemove = w.id)}
                      >
                        Remove
                      </button>`
              }
            </td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }

  private _field(
    id: string,
    label: string,
    problem: string | undefined,
    input: TemplateResult,
    hint?: string,
  ): TemplateResult {
    return html`<div class="field">
      <label for=${id}>${label}</label>
      ${input} ${hint ? html`<span class="muted" id=${`${id}-hint`}>${hint}</span>` : nothing}
      ${problem ? html`<span class="error-text" id=${`${id}-error`}>${problem}</span>` : nothing}
    </div>`;
  }

  /** The API key or user name, the secret or password: what signs in to the broker. */
  private _credentialField(
    id: string,
    label: string,
    key: 'apiKey' | 'apiSecret',
    type: 'text' | 'password',
    d: WatchedWorkspace,
  ): TemplateResult {
    return this._field(
      id,
      label,
      undefined,
      html`<input
        id=${id}
        type=${type}
        spellcheck="false"
        autocomplete="off"
        .value=${d.source[key] ?? ''}
        @input=${(e: Event) =>
          this.#update((w) => (w.source[key] = (e.target as HTMLInputElement).value || undefined))}
      />`,
    );
  }

  /** A field of the workspace's match (client-ID prefix, username suffix); empty: no condition. */
  private _matchField(
    id: string,
    label: string,
    key: 'clientIdPrefix' | 'usernameSuffix',
    d: WatchedWorkspace,
    placeholder = '',
  ): TemplateResult {
    return this._field(
      id,
      label,
      undefined,
      html`<input
        id=${id}
        type="text"
        spellcheck="false"
        placeholder=${placeholder}
        .value=${d.match?.[key] ?? ''}
        @input=${(e: Event) =>
          this.#update((w) => {
            const value = (e.target as HTMLInputElement).value;
            w.match = { ...w.match, [key]: value || undefined };
            if (!w.match.clientIdPrefix && !w.match.usernameSuffix) w.match = undefined;
          })}
      />`,
    );
  }

  private _renderEditor(d: WatchedWorkspace): TemplateResult {
    const p = this._problems;
    const describedBy = (id: string, hint = false) =>
      [hint ? `${id}-hint` : '', p[id.slice(3) as keyof WorkspaceProblems] ? `${id}-error` : '']
        .filter(Boolean)
        .join(' ') || nothing;
    const text = (value: string | undefined) => value ?? '';
    const num = (e: Event) => {
      const raw = (e.target as HTMLInputElement).value.trim();
      return raw === '' ? undefined : Number(raw);
    };
    // EMQX API keys are a key and a secret; everything else signs in as a user.
    const apiKeys = d.source.kind === 'emqx' && d.source.auth !== 'login';
    const apiKeyLabel = apiKeys ? 'API key' : 'User name';
    const apiSecretLabel = apiKeys ? 'API secret' : 'Password';
    return html`<section class="editor" aria-labelledby="editor-title">
      <h2 id="editor-title">${this._isNew ? 'New workspace' : html`Edit <bdi>${d.label}</bdi>`}</h2>
      ${this._field(
        'ws-label',
        'Name',
        p.label,
        html`<input
          id="ws-label"
          type="text"
          .value=${d.label}
          aria-invalid=${p.label ? 'true' : 'false'}
          aria-describedby=${describedBy('ws-label')}
          @input=${(e: Event) => this.#update((w) => (w.label = (e.target as HTMLInputElement).value))}
        />`,
      )}
      ${this._field(
        'ws-kind',
        'Broker type',
        p.kind,
        html`<select
          id="ws-kind"
          aria-invalid=${p.kind ? 'true' : 'false'}
          @change=${(e: Event) =>
            this.#update(
              (w) => (w.source.kind = (e.target as HTMLSelectElement).value as SourceKind),
            )}
        >
          ${KINDS.map(
            (k) =>
              html`<option
                value=${k.kind}
                ?selected=${d.source.kind === k.kind}
                ?disabled=${!AVAILABLE_KINDS.includes(k.kind)}
              >
                ${k.label}${AVAILABLE_KINDS.includes(k.kind) ? '' : ' (not supported yet)'}
              </option>`,
          )}
        </select>`,
      )}
      ${this._field(
        'ws-baseUrl',
        'Admin API base URL',
        p.baseUrl,
        html`<input
          id="ws-baseUrl"
          type="url"
          spellcheck="false"
          placeholder=${KINDS.find((k) => k.kind === d.source.kind)?.example ?? ''}
          .value=${text(d.source.baseUrl)}
          aria-invalid=${p.baseUrl ? 'true' : 'false'}
          aria-describedby=${describedBy('ws-baseUrl', true)}
          @input=${(e: Event) =>
            this.#update((w) => (w.source.baseUrl = (e.target as HTMLInputElement).value))}
        />`,
        'Brokers on this machine need no permission; any other asks for its address once.',
      )}
      ${
        d.source.kind === 'emqx'
          ? this._field(
              'ws-auth',
              'Sign in with',
              undefined,
              html`<select
                id="ws-auth"
                @change=${(e: Event) =>
                  this.#update(
                    (w) =>
                      (w.source.auth =
                        (e.target as HTMLSelectElement).value === 'login' ? 'login' : undefined),
                  )}
              >
                <option value="api-key" ?selected=${d.source.auth !== 'login'}>
                  An API key (HTTP Basic)
                </option>
                <option value="login" ?selected=${d.source.auth === 'login'}>
                  A dashboard user (token login)
                </option>
              </select>`,
            )
          : nothing
      }
      ${this._credentialField('ws-apiKey', apiKeyLabel, 'apiKey', 'text', d)}
      ${this._credentialField('ws-apiSecret', apiSecretLabel, 'apiSecret', 'password', d)}
      ${this._field(
        'ws-planLimit',
        'Plan limit (sessions)',
        p.planLimit,
        html`<input
          id="ws-planLimit"
          type="number"
          min="1"
          step="1"
          .value=${d.planLimit === undefined ? '' : String(d.planLimit)}
          aria-invalid=${p.planLimit ? 'true' : 'false'}
          aria-describedby=${describedBy('ws-planLimit')}
          @input=${(e: Event) => this.#update((w) => (w.planLimit = num(e)))}
        />`,
      )}
      ${this._field(
        'ws-refreshSeconds',
        'Poll every (seconds)',
        p.refreshSeconds,
        html`<input
          id="ws-refreshSeconds"
          type="number"
          min=${MIN_REFRESH_SECONDS}
          step="1"
          .value=${String(d.refreshSeconds)}
          aria-invalid=${p.refreshSeconds ? 'true' : 'false'}
          aria-describedby=${describedBy('ws-refreshSeconds', true)}
          @input=${(e: Event) => this.#update((w) => (w.refreshSeconds = num(e) ?? NaN))}
        />`,
        'Chrome runs background checks at most every 30 seconds.',
      )}
      ${this._matchField('ws-clientIdPrefix', 'Only client IDs starting with (optional)', 'clientIdPrefix', d)}
      ${this._matchField('ws-usernameSuffix', 'Only usernames ending with (optional)', 'usernameSuffix', d, '@org_k7xm4pqr2n5t')}
      <section class="rules-section" aria-labelledby="rules-title">
        <h3 id="rules-title">Alert rules</h3>
        ${uncheckedRules(d.alertRules).map((text) => html`<p class="error-text">${text}</p>`)}
        ${renderRuleList(d.alertRules, (id) =>
          this.#update((w) => (w.alertRules = w.alertRules.filter((r) => r.id !== id))),
        )}
        ${renderRuleForm(
          { kind: this._ruleKind, formError: this._ruleError, workspaceField: false },
          {
            onKind: (kind) => (this._ruleKind = kind),
            onSubmit: (form) => this._onAddRule(form),
          },
        )}
      </section>
      <div class="buttons">
        <button type="button" @click=${this._onTest}>Test connection</button>
        <button
          type="button"
          class="primary"
          aria-disabled=${this._saving ? 'true' : 'false'}
          @click=${this._onSave}
        >
          Save workspace
        </button>
        <button
          type="button"
          @click=${() => {
            this.#testRun?.abort();
            this._draft = undefined;
            this._status = undefined;
          }}
        >
          Cancel
        </button>
      </div>
    </section>`;
  }

  private _renderAlerts(): TemplateResult {
    return html`<section aria-labelledby="alerts-title">
      <h2 id="alerts-title">Recent alerts</h2>
      ${
        this.recentAlerts.length === 0
          ? html`<p class="muted">No alerts yet.</p>`
          : html`<ol class="alerts">
              ${this.recentAlerts.map(
                (a) =>
                  html`<li>
                    <strong>${formatDateTime(a.at)}</strong> <bdi>${a.workspaceLabel}</bdi>:
                    <bdi>${a.message}</bdi>
                    <span class="muted"
                      >(${RULE_KINDS.find((k) => k.kind === a.kind)?.label ?? a.kind})</span
                    >
                  </li>`,
              )}
            </ol>`
      }
    </section>`;
  }
}

if (!customElements.get('cs-extension-options')) {
  customElements.define('cs-extension-options', CsExtensionOptions);
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-extension-options': CsExtensionOptions;
  }
}
