import type { MessageRef } from '../../src/sources/messages.js';
import { inBackground, sliced, SLICE_MS } from './background-work.js';
import { RowWindow } from './row-window.js';
import { Task, TaskStatus } from '@lit/task';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import { property, query, state } from 'lit/decorators.js';
import { matchesHealth, type HealthFilter, type SessionHealth } from '../../src/analysis/health.js';
import { ipMatchLoaded, loadIpMatch, type IpMatch } from '../../src/model/ip-filter.js';
import {
  mergeSorted,
  querySessions,
  sortInSteps,
  type SessionFilters,
  type SortColumn,
  type SortOrder,
} from '../../src/model/query.js';
import type { Session, Subscription } from '../../src/model/session.js';
import { sourceConfigKey, workspaceOf, type Workspace } from '../../src/model/workspace.js';
import { IncrementalSearch } from '../../src/model/search-index.js';
import { SessionStore } from '../../src/model/session-store.js';
import { HealthTracker } from '../../src/analysis/health.js';
import { HealthView } from './health-view.js';
import { bulkDisconnect } from '../../src/sources/bulk-disconnect.js';
import { LazyDemoSource as DemoSource } from '../../src/sources/lazy-demo.js';
import { EmqxSource } from '../../src/sources/emqx.js';
import { createSource } from '../../src/sources/from-config.js';
import {
  SourceError,
  type DisconnectResult,
  type SessionSource,
  type SourceErrorKind,
} from '../../src/sources/source.js';
import { ROW_HEIGHT, styles, TABLE_HEIGHT } from './cs-active-sessions.styles.js';
import {
  BLOCK_DURATIONS,
  renderDialogContent,
  summarize,
  type DialogState,
} from './disconnect-dialog.js';
import { csEvent, type RefreshTrigger } from './events.js';
import { renderFilterBar } from './filter-bar.js';
import { renderPlanMeter } from './plan-meter.js';
import { Selection } from './selection.js';
import { renderSessionDetails, type SubscriptionsState } from './session-details.js';
import {
  COLUMNS,
  COMPACT_COLUMNS,
  gridColumns,
  keyAttribute,
  keyFromAttribute,
  renderSessionRow,
  WORKSPACE_COLUMN,
  type Column,
  type RowState,
} from './session-row.js';
import { renderHealthBar, HEALTH_FILTERS } from './health-bar.js';
import { renderAuditLog } from './audit-log.js';
import { AlertsController } from './alerts-controller.js';
import { alertLine, renderAlertsPanel, ruleFromForm, ruleLine } from './alerts-panel.js';
import { badNetwork } from '../../src/alerts/rule-text.js';
import type { AlertKind, AlertRule } from '../../src/alerts/rules.js';
import { renderTrendChart } from './trend-chart.js';
import { ALL_WORKSPACES, StorageController, type TrendRange } from './storage-controller.js';
import type { ExportFormat } from '../../src/export/export.js';
import { importExporter, type Exporter } from '../../src/export/load-export.js';
import type { StoredSettings } from '../../src/storage/db.js';
import { LiveController, type LiveCredentials } from './live-controller.js';
import { SessionsController, type ListError, type SourceEntry } from './sessions-controller.js';
import { EN_TEXTS, texts, type CsStringsOverrides, type Texts } from './strings.js';

interface DetailsResult {
  clientId: string;
  fresh: Session | undefined;
  gone: boolean;
  subscriptions: SubscriptionsState;
}

/** A source's message in the element's language (its English text where it has no id). */
const sourceText = (e: { message: string; text?: MessageRef | undefined }, t: Texts): string =>
  e.text ? t.s.sourceMessages[e.text.id](e.text.values) : e.message;

/** A list failure in the element's language: one source, or each failed one after its name. */
const listErrorText = (e: Pick<ListError, 'message' | 'text' | 'parts'>, t: Texts): string =>
  e.parts ? e.parts.map((p) => `${p.who}: ${sourceText(p, t)}`).join(' ') : sourceText(e, t);

/**
 * The export code, loaded on the first export. A failure (the single-file script's companion file
 * missing or unreachable) rejects with a message that says so, for the export's error message.
 */
async function loadExporter(): Promise<Exporter> {
  try {
    return await importExporter();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`the export code could not be loaded: ${why}`, { cause: error });
  }
}

const errorMessage = (error: unknown, t: Texts = EN_TEXTS) =>
  error instanceof SourceError
    ? sourceText({ message: error.message, text: error.details.text }, t)
    : t.s.unexpectedError(String(error));

/** A row's key: its DOM (and focus) follows its session as rows scroll or the list changes. */
const keyOf = (session: Session) => session.key;

/** A sort of the view before search under way between frames (`#sortBase`). */
interface SortJob {
  /** What the view is made from: the sort is of it. */
  inputs: unknown[];
  /** The order it puts the view in. */
  sort: SortOrder | undefined;
  /** The sorted view, once done. */
  sorted: readonly Session[] | undefined;
  cancel: () => void;
}

/** The list of rows while there are none to show. */
const NO_ROWS: readonly Session[] = [];

/** Short markers shown in a row for what needs a look. */
function flagsOf(h: SessionHealth | undefined, t: Texts = EN_TEXTS): string[] {
  if (!h) return [];
  const flags: string[] = [];
  if (h.stuck) flags.push(t.s.flagStuck);
  if (h.takeover) flags.push(t.s.flagTakeover);
  else if (h.duplicate) flags.push(t.s.flagDuplicate);
  if (h.noKeepAlive) flags.push(t.s.flagNoKeepAlive);
  return flags;
}

/** The value of the workspace combobox that shows every workspace. */
const ALL = '';

/** Up to this many sessions the node and workspace counts are made at once; beyond, in the background. */
const COUNT_AT_ONCE = 5_000;

/** Up to this many sessions the health counts are made at once; beyond, in the background. */
const HEALTH_AT_ONCE = 500;

/**
 * Shows and manages the clients connected to an MQTT broker.
 *
 * @summary The active sessions of MQTT brokers: list, search, filter, sort, details, disconnect.
 *
 * @attr theme - `light` or `dark` forces that colour scheme; unset follows `prefers-color-scheme`.
 * @attr density - `compact`: shorter rows, tighter spacing, smaller type (`layout` is separate).
 * @attr layout - `full` (default) or `compact`, the small popup layout.
 *
 * @event {CustomEvent<SessionSelectDetail>} cs-session-select - The user opened a session's details. `detail: { session }`.
 * @event {CustomEvent<DisconnectRequestDetail>} cs-disconnect-request - Cancelable; fired before any disconnect, with the client IDs and any block. `detail: { clientIds, block? }`; `preventDefault()` stops it.
 * @event {CustomEvent<DisconnectDetail>} cs-disconnect - A disconnect action finished (one per action). `detail: { results }`, one result per client.
 * @event {CustomEvent<RefreshDetail>} cs-refresh - A fresh list arrived from the source. `detail: { count, trigger }`.
 * @event {CustomEvent<ErrorDetail>} cs-error - A source call failed; the message names the cause and holds no secret. `detail: { message, kind, operation }`.
 * @event {CustomEvent<AlertDetail>} cs-alert - An alert rule fired. `detail: { id, ruleId, kind, at, workspace, clientIds, message }`.
 * @event {CustomEvent<ExportDetail>} cs-export - An export was built and offered as a download. `detail: { format, filename, count, blob }`.
 *
 * @csspart toolbar - The toolbar: search box, buttons, switches and count.
 * @csspart search - The search box.
 * @csspart status - The count and the time of the last update.
 * @csspart live-status - The state of the live event feed (`Live`, or why it is down).
 * @csspart summary - The count and plan usage line of the compact layout.
 * @csspart plan-usage - The plan usage meter.
 * @csspart trend - The trend chart of active sessions.
 * @csspart filters - The filter controls.
 * @csspart health - The health filters.
 * @csspart error - The banner that says why the list could not be loaded or refreshed.
 * @csspart notice - The notice that storage is in memory only.
 * @csspart skipped - The notice of sessions the broker sent that could not be read.
 * @csspart table - The session grid.
 * @csspart header-cell - A column header.
 * @csspart row - A session row.
 * @csspart cell - A cell of a session row.
 * @csspart flag - A health marker in a row (`stuck`, `duplicate`…).
 * @csspart mode - The line under the table: client or server mode, paging.
 * @csspart details - The session details region.
 * @csspart dialog - The confirmation dialog (an alertdialog).
 * @csspart audit - The audit log region.
 * @csspart alerts - The alerts region (alerts and rules).
 *
 * @cssproperty [--cs-font-family=system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif] - Font of the element.
 * @cssproperty [--cs-font-family-mono=ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace] - Font of topics and code.
 * @cssproperty [--cs-font-size=14px] - Base font size (13px with `density="compact"`).
 * @cssproperty [--cs-font-size-small=0.85em] - Secondary text: notes, markers, small buttons.
 * @cssproperty [--cs-font-size-heading=1.1em] - Headings of the details and the dialog.
 * @cssproperty [--cs-font-weight-strong=600] - Column headers, the count, emphasis.
 * @cssproperty [--cs-line-height=1.4] - Line height.
 * @cssproperty [--cs-color-text=#1d2330] - Text (dark: #e7eaf0).
 * @cssproperty [--cs-color-muted=#535c6e] - Secondary text, at least 4.5:1 on the backgrounds (dark: #a8b0bf).
 * @cssproperty [--cs-color-background=#ffffff] - Background (dark: #14181f).
 * @cssproperty [--cs-color-surface=#f3f5f8] - Header row, buttons, hovered rows (dark: #1e242e).
 * @cssproperty [--cs-color-border=#d9dee7] - Frames and row separators (dark: #3a4352).
 * @cssproperty [--cs-color-control-border=#8a93a3] - Borders of inputs and buttons, at least 3:1 (dark: #6b7587).
 * @cssproperty [--cs-color-accent=#1f5fbf] - Links, progress, the switch when on (dark: #8ab4ff).
 * @cssproperty [--cs-color-on-accent=#ffffff] - Drawn on the accent colour (dark: #14181f).
 * @cssproperty [--cs-color-selected=#e3edfb] - Selected and current rows, chips, pressed toggles (dark: #243b5e).
 * @cssproperty [--cs-color-danger=#b42318] - Errors and destructive buttons (dark: #ff9a90).
 * @cssproperty [--cs-color-on-danger=#ffffff] - Text on destructive buttons and badges (dark: #14181f).
 * @cssproperty [--cs-color-warning-bg=#fff4e5] - Banners, notices and row markers (dark: #3b2c12).
 * @cssproperty [--cs-color-warning-text=#7a4a00] - Text on the warning background (dark: #ffd58f).
 * @cssproperty [--cs-color-ok=#1b6e37] - Plan usage below the warning level, `Live` (dark: #6fd38f).
 * @cssproperty [--cs-color-warning=#8f5600] - Plan usage from 80 % (dark: #f2b85b).
 * @cssproperty [--cs-color-switch-thumb=#ffffff] - The thumb of the `Auto-refresh` switch when off (dark: #e7eaf0).
 * @cssproperty [--cs-shadow=0 4px 12px rgb(0 0 0 / 12%)] - Shadow of menus (dark: 0 4px 12px rgb(0 0 0 / 50%)).
 * @cssproperty [--cs-focus-color=var(--cs-color-accent)] - Colour of the focus outline.
 * @cssproperty [--cs-focus-width=2px] - Width of the focus outline.
 * @cssproperty [--cs-focus-offset=1px] - Offset of the focus outline (rows draw it inside).
 * @cssproperty [--cs-radius=6px] - Corner radius of controls, panels and the table.
 * @cssproperty [--cs-radius-pill=999px] - Corner radius of chips, markers, badges and bars.
 * @cssproperty [--cs-spacing=8px] - The spacing unit; the others derive from it (5px with `density="compact"`).
 * @cssproperty [--cs-spacing-small=calc(var(--cs-spacing) / 2)] - Small gaps.
 * @cssproperty [--cs-control-padding-block=calc(var(--cs-spacing) * 0.75)] - Vertical padding of buttons and inputs.
 * @cssproperty [--cs-control-padding-inline=calc(var(--cs-spacing) * 1.5)] - Horizontal padding of buttons and inputs.
 * @cssproperty [--cs-row-height=36px] - Height of a row (28px with `density="compact"`).
 * @cssproperty [--cs-table-height=420px] - Height of the scrolling list of rows.
 * @cssproperty --cs-columns - Set by the element on the table (its visible columns); not for overriding.
 */
export class CsActiveSessions extends LitElement {
  static override styles = styles;

  // Controllers
  private readonly _sessions = new SessionsController(this, {
    onRefresh: (count, trigger) => {
      this._handleRefresh(count, trigger);
      this.#reportSkipped();
    },
    onError: (error, trigger) => {
      this.dispatchEvent(csEvent('cs-error', { ...error, operation: 'list' }));
      if (trigger === 'user') {
        this._announce(this.#texts.s.announceRefreshFailed(listErrorText(error, this.#texts)));
      }
    },
  });

  private readonly _storage = new StorageController(this);

  private readonly _alerts = new AlertsController(
    this,
    (alert) => {
      this.dispatchEvent(csEvent('cs-alert', alert));
      this._announce(this.#texts.s.announceAlert(alertLine(alert, this.#texts)));
    },
    (data) => this._storage.saveAlerts(data),
  );

  private readonly _live = new LiveController(
    this,
    (event) => {
      // Before the batch applies it, so a disconnect still finds its session's workspace.
      const workspace = this._sessions.workspaceOfEvent(event);
      this._sessions.applyLive(event);
      if (event.clientId === this._live.clientId) return;
      const p = event.payload;
      this._alerts.observe({
        kind: event.kind,
        at: Date.now(),
        session: {
          clientId: event.clientId,
          workspace,
          ip: typeof p['ipaddress'] === 'string' ? p['ipaddress'] : undefined,
          connectedAt: typeof p['connected_at'] === 'number' ? p['connected_at'] : undefined,
        },
      });
    },
    () => void this._sessions.refresh('live'),
    // The live feed's own connection is not one of the fleet's sessions: not listed.
    (clientId) => this._sessions.hideClientId(clientId),
  );

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
        subscriptions = { status: 'error', message: errorMessage(subs.reason, this.#texts) };
        if (!signal.aborted) {
          this.dispatchEvent(
            csEvent('cs-error', {
              message: subscriptions.message,
              kind: subs.reason instanceof SourceError ? subs.reason.kind : 'unknown',
              operation: 'details',
            }),
          );
        }
      }
      return {
        clientId,
        fresh: fresh.status === 'fulfilled' ? fresh.value : undefined,
        gone,
        subscriptions,
      };
    },
    // A reconnect (new connected-at) reloads the details of the same client.
    args: () =>
      [
        this._selected ? this._sessions.sourceOf(this._selected) : undefined,
        this._selected?.clientId,
        this._selectedConnectedAt,
      ] as const,
  });

  // Queries
  @query('dialog') private _dialog?: HTMLDialogElement;
  @query('input[type="search"]') private _search?: HTMLInputElement;

  // State
  @state() private _query = '';
  @state() private _filters: SessionFilters = {};
  @state() private _sort: SortOrder | undefined;
  @state() private _workspace = ALL;
  @state() private _ipDraft = '';
  @state() private _ipError: string | undefined;
  @state() private _selectedKey: string | undefined;
  /** The open session as last seen, kept when it leaves the list so the details can say so. */
  @state() private _selected: Session | undefined;
  @state() private _activeKey: string | undefined;
  @state() private _dialogState: DialogState | undefined;
  @state() private _actionError: string | undefined;
  @state() private _announcement = '';
  @state() private _autoRefresh = true;
  @state() private _now = Date.now();
  /** Bumped when the selection changes, to re-render rows. */
  @state() private _selectionVersion = 0;
  @state() private _healthFilters: readonly HealthFilter[] = [];
  /** Sessions subscribed to a topic, by node and client ID, as the broker answered. */
  @state() private _topic: { text: string; refs: Set<string> } | undefined;
  @state() private _topicDraft = '';
  @state() private _topicError: string | undefined;
  @state() private _hiddenColumns: readonly SortColumn[] = [];
  @state() private _menu: 'export' | 'columns' | undefined;
  /** A running export's progress. */
  @state() private _export: { done: number; total: number; format: ExportFormat } | undefined;
  @state() private _trendRange: TrendRange = 'hour';
  @state() private _alertsOpen = false;
  @state() private _ruleKind: AlertKind = 'count-below';
  @state() private _ruleError: string | undefined;

  // Properties
  /** Base URL of an EMQX v5 API, typically `/api/v5` behind a same-origin proxy. */
  @property() src: string | undefined;

  /** Any `SessionSource`; wins over `src`. */
  @property({ attribute: false }) source: SessionSource | undefined;

  /** Workspaces (plain data): each a whole source or a match over one; wins over `source`. */
  @property({ attribute: false }) workspaces: Workspace[] | undefined;

  /** Use a simulated fleet in memory (`DemoSource`), no backend: when no source is given. */
  @property({ type: Boolean }) demo = false;

  /** Seconds between polls; `0` turns auto-refresh off. */
  @property({ attribute: 'refresh-interval', type: Number })
  get refreshInterval(): number {
    return this.#refreshInterval;
  }
  set refreshInterval(value: number) {
    const old = this.#refreshInterval;
    this.#refreshInterval = value;
    // Set by the page (attribute or property): it wins over the remembered setting.
    this.#intervalFromPage = true;
    this.requestUpdate('refreshInterval', old);
  }
  #refreshInterval = 30;
  #intervalFromPage = false;

  /** The plan's session limit; shows the `Plan usage` meter when set. */
  @property({ attribute: 'plan-limit', type: Number }) planLimit: number | undefined;

  /**
   * Above this many sessions (the broker's own count), the broker pages and searches (server
   * mode); up to it, every session is loaded and searched here (client mode).
   */
  @property({ attribute: 'server-threshold', type: Number }) serverThreshold = 100_000;

  /** Rows per page in server mode. */
  @property({ attribute: 'page-size', type: Number }) pageSize = 100;

  /** Clients per second when disconnecting 50 or more, so the fleet does not reconnect at once. */
  @property({ attribute: 'disconnect-rate', type: Number }) disconnectRate = 20;

  /** Follow the broker's connect/disconnect events over MQTT (needs `live-url`). */
  @property({ type: Boolean }) live = false;

  /** The broker's MQTT-over-WebSocket URL for live events, e.g. `ws://host:8083/mqtt`. */
  @property({ attribute: 'live-url' }) liveUrl: string | undefined;

  /** The MQTT user allowed to read `$SYS` events (EMQX: `dashboard`). Never rendered. */
  @property({ attribute: false }) liveCredentials: LiveCredentials | undefined;

  /** Namespace of the remembered settings, history and audit log in IndexedDB. */
  @property({ attribute: 'storage-key' }) storageKey = 'default';

  /** Who is operating, as the audit log records it. */
  @property({ attribute: false }) operator = '';

  /** Alert rules (plain data); when set, they win over the rules stored by the panel. */
  @property({ attribute: false }) alertRules: AlertRule[] | undefined;

  /**
   * `compact` for small spaces such as an extension popup: count and plan usage on top, the
   * search, the list, and details that cover the list; no filters, charts or panels.
   */
  @property({ reflect: true }) layout: 'full' | 'compact' = 'full';

  /**
   * `light` or `dark` forces that colour scheme; unset follows the system
   * (`prefers-color-scheme`). Styling only: the `--cs-*` custom properties do the rest.
   */
  @property({ reflect: true }) theme: 'light' | 'dark' | undefined;

  /** `compact`: shorter rows, tighter spacing and smaller type (unlike `layout`, same parts). */
  @property({ reflect: true }) density: 'comfortable' | 'compact' | undefined;

  /**
   * Whether each refresh adds a sample to the count history; off where something else records
   * it (the extension's background) and this view only opens now and then.
   */
  @property({ attribute: false }) recordHistory = true;

  /**
   * The element's words: any of `CsStrings` (see `strings.ts`), over the English defaults.
   * Accessible names change with them.
   */
  @property({ attribute: false }) strings: CsStringsOverrides | undefined;

  /**
   * BCP 47 locale of numbers and dates (`de-DE`); default: the nearest `lang` attribute, else
   * the browser's locale. Exports stay locale-independent.
   */
  @property() locale: string | undefined;

  #textsOf: { strings: unknown; locale: string | undefined; texts: Texts } | undefined;
  /** The strings and formatting in force. */
  get #texts(): Texts {
    const locale = this.locale || (this.closest('[lang]') as HTMLElement | null)?.lang || undefined;
    const at = this.#textsOf;
    if (at && at.strings === this.strings && at.locale === locale) return at.texts;
    this.#textsOf = { strings: this.strings, locale, texts: texts(this.strings, locale) };
    return this.#textsOf.texts;
  }

  /**
   * Read-only: no action that changes the broker is offered (`Disconnect`, `Disconnect and
   * block`, bulk disconnect with its selection, `Retry failed`). Listing, search, filters,
   * details and export stay. A source whose `capabilities.actions` is `false` (an EMQX `viewer`
   * API key) is treated the same way for its own sessions.
   */
  @property({ attribute: 'read-only', type: Boolean, reflect: true }) readOnly = false;

  readonly #selection = new Selection();
  #srcSource: { src: string; source: EmqxSource } | undefined;
  #demoSource: DemoSource | undefined;
  #workspaceSources = new Map<string, SessionSource>();
  #lastInterval = 30;
  #visible: readonly Session[] = [];
  #keysOf: readonly Session[] | undefined;
  #keys: string[] = [];
  /** How many of the rows are selected: no keys are made while nothing is. */
  #selectedInView(): number {
    return this.#selection.size === 0 ? 0 : this.#selection.countIn(this.#visibleKeys);
  }
  /** The keys of the rows, in order: made when asked for (a selection), not per keystroke. */
  get #visibleKeys(): string[] {
    if (this.#keysOf !== this.#visible) {
      this.#keys = this.#visible.map((s) => s.key);
      this.#keysOf = this.#visible;
    }
    return this.#keys;
  }
  #inWorkspaceCount = 0;
  #serverSearchTimer: ReturnType<typeof setTimeout> | undefined;
  #renderedOffset: number | undefined;
  /** The view before search, and what it was computed from. */
  #base: readonly Session[] = [];
  #baseFrom: unknown[] = [];
  /** The order `#base` is in (what the headers say), and a sort of it under way, if any. */
  #baseSort: SortOrder | undefined;
  #sortJob: SortJob | undefined;
  readonly #search = new IncrementalSearch();
  #pendingFrom: readonly Session[] | undefined;
  #pendingRows = 0;
  #activeFrom: unknown[] = [];
  #perSessionsOf:
    | {
        sessions: readonly Session[];
        nodes: string[];
        nodeCounts: Map<string, number>;
        counts: Map<string, number>;
      }
    | undefined;
  /** A client `showSession` asked for, opened once the list has loaded. */
  #pendingShow: string | undefined;
  #viewFrom: unknown[] = [];
  #health = new HealthView(new HealthTracker(), new SessionStore(), 0);
  #cancelCount: (() => void) | undefined;
  /**
   * The store and workspace `#cancelCount`'s count is of, and whether to count again once it is
   * done.
   */
  #countingFor: [SessionStore, string | undefined] | undefined;
  #countAgain = false;
  #cancelSearchIndex: (() => void) | undefined;
  #cancelPerSessions: (() => void) | undefined;
  /** Cancels making the date format ahead of the first rows. */
  #cancelWarmUp: (() => void) | undefined;
  /** The list `#perSessions` is counting between frames. */
  #perSessionsCounting: readonly Session[] | undefined;
  #searchIndexedFrom: readonly Session[] | undefined;
  #renderedHealth: HealthView | undefined;
  #healthFrom: unknown[] = [];
  #healthCounts = new Map<HealthFilter, number>();
  #renderItem: (session: Session, index: number) => TemplateResult = () => html``;
  #viewport = { first: 0, last: -1 };
  readonly #rowWindow = new RowWindow(
    this,
    '.rows',
    '.rows-window > *',
    (first, last) => this.#onVisibilityChanged(first, last),
    // The heights the element's own style gives: right unless the page sets others.
    () => ({
      rowHeight: this.density === 'compact' ? ROW_HEIGHT.compact : ROW_HEIGHT.comfortable,
      listHeight: TABLE_HEIGHT,
    }),
  );
  #clock: ReturnType<typeof setInterval> | undefined;
  #focusRow = false;
  /** The row whose details are open, to give focus back to when they close. */
  #detailsFrom: string | undefined;
  /** Whether the rows rendered by `#renderItem` have checkboxes. */
  #renderedSelectable: boolean | undefined;
  #actions = new AbortController();
  #run: AbortController | undefined;
  #exportRun: AbortController | undefined;
  /** Settings applied from storage (attributes the page set win over them). */
  #settingsLoaded = false;
  /** Remembered settings the user changed before they loaded. */
  readonly #touched = new Set<string>();
  #rendered = false;

  // Lifecycle
  constructor() {
    super();
    this.addEventListener('keydown', (event) => this.#onHostKeydown(event));
    // Details of lazily listed sessions: the rows on screen first.
    this._sessions.priority = () => {
      const { first, last } = this.#viewport;
      return this.#visible
        .slice(Math.max(0, first), Math.max(first, last) + 1)
        .map((s) => s.clientId);
    };
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Put back in the page: open the storage the removal closed.
    if (this.hasUpdated) void this._storage.use(this.storageKey || 'default');
    // The date format of the rows (an `Intl.DateTimeFormat`, milliseconds to make) is made
    // while the first list is on its way, not when its rows are rendered.
    this.#cancelWarmUp = inBackground(() => {
      this.#texts.dateTime(Date.now());
      return true;
    });
    this.#actions = new AbortController();
    window.addEventListener('pagehide', this.#onPageHide);
    this.#clock = setInterval(() => {
      if (document.visibilityState !== 'hidden') this._now = Date.now();
    }, 1000);
  }

  override disconnectedCallback(): void {
    window.removeEventListener('pagehide', this.#onPageHide);
    this.#saveNow();
    super.disconnectedCallback();
    this.#cancelWarmUp?.();
    clearTimeout(this.#serverSearchTimer);
    // A count cut short is made again once the element is back.
    if (this.#cancelCount !== undefined) this.#healthFrom = [];
    this.#cancelCount?.();
    this.#cancelCount = undefined;
    this.#countAgain = false;
    this.#cancelSearchIndex?.();
    this.#searchIndexedFrom = undefined;
    // A sort cut short is made again once the element is back.
    if (this.#sortJob !== undefined) {
      this.#sortJob.cancel();
      this.#sortJob = undefined;
      this.#baseFrom = [];
    }
    this.#cancelPerSessions?.();
    this.#perSessionsCounting = undefined;
    clearInterval(this.#clock);
    this.#clock = undefined;
    this.#actions.abort();
    this.#run?.abort();
    this.#exportRun?.abort();
    this._details.abort();
  }

  /**
   * Puts `list` in `sort`'s order as `#base`, made from `inputs`. A sort of a large list (80 ms
   * and more at 100,000 sessions) is done between frames while the rows stay as they are (the
   * headers saying the order they are in, the grid busy): returns true while it is under way.
   * Only when the order alone changed (`orderOnly`: the same rows, in another order); at once
   * besides: a short list, a list turned round, and a view where no rows are shown yet (the
   * first list: its rows wait for their order rather than show an empty table).
   */
  #sortBase(
    list: readonly Session[],
    sort: SortOrder | undefined,
    inputs: unknown[],
    orderOnly: boolean,
  ): boolean {
    const step = sortInSteps(list, sort);
    const sorted =
      step(performance.now() + SLICE_MS) ??
      (!orderOnly || this.#base.length === 0 ? step(Infinity) : undefined);
    if (sorted !== undefined) {
      this.#base = sorted;
      return false;
    }
    const next: SortJob = { inputs, sort, sorted: undefined, cancel: () => undefined };
    next.cancel = inBackground(
      (until) => {
        next.sorted = step(until);
        return next.sorted !== undefined;
      },
      () => this.requestUpdate(),
      { urgent: true },
    );
    this.#sortJob = next;
    return true;
  }

  /** The order the rows are in: while a sort is under way, the one before it. */
  #shownSort(): SortOrder | undefined {
    return this.#sortJob !== undefined ? this.#baseSort : this._sort;
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('storageKey')) {
      this.#settingsLoaded = false;
      void this._storage.use(this.storageKey || 'default').then(async (settings) => {
        this.#applySettings(settings);
        this.#settingsLoaded = true;
        // What the user changed before the settings arrived (kept over them) is saved now:
        // otherwise only a later change would save it.
        if (this.#touched.size > 0) {
          this.#touched.clear();
          this.#saveSettings();
        }
        this._alerts.restore(await this._storage.alerts());
      });
    }
    if (changed.has('alertRules')) this._alerts.setPageRules(this.alertRules);
    if (
      changed.has('source') ||
      changed.has('src') ||
      changed.has('workspaces') ||
      changed.has('demo')
    ) {
      this._sessions.setSources(this.#sourceEntries());
      // The search box keeps its text across a change of sources; server mode must too.
      this._sessions.setServerSearch(this._query);
      if (!this.#workspaceList().some((w) => w.id === this._workspace)) this._workspace = ALL;
    }
    if (changed.has('pageSize')) {
      this._sessions.pageSize = Math.max(1, Math.floor(this.pageSize) || 100);
    }
    if (changed.has('serverThreshold')) {
      this._sessions.threshold = Number.isFinite(this.serverThreshold)
        ? this.serverThreshold
        : 100_000;
    }
    if (changed.has('_query')) {
      // Server mode: the broker searches, a moment after the typing stops.
      clearTimeout(this.#serverSearchTimer);
      const query = this._query;
      this.#serverSearchTimer = setTimeout(() => this._sessions.setServerSearch(query), 300);
    }
    if (changed.has('refreshInterval')) {
      const seconds = Number.isFinite(this.refreshInterval) ? this.refreshInterval : 30;
      this._autoRefresh = seconds > 0;
      if (seconds > 0) this.#lastInterval = seconds;
    }
    this._sessions.setInterval(this._autoRefresh ? this.#lastInterval : 0);
    // Live events are EMQX `$SYS` topics: a source that says it has none (RabbitMQ, HiveMQ) is
    // polled only.
    const liveCapable = this._sessions.source()?.capabilities?.liveEvents !== false;
    this._live.configure(
      this.live && this.liveUrl && liveCapable
        ? { url: this.liveUrl, credentials: this.liveCredentials }
        : undefined,
    );

    const { store } = this._sessions;
    const workspace = this._workspace === ALL ? undefined : this._workspace;
    if (this.#pendingFrom !== store.sessions) {
      // Rows whose details have not come: the counts include sessions that may be offline.
      this.#pendingFrom = store.sessions;
      this.#pendingRows = 0;
      if (this._sessions.listsDetailsLater) {
        for (const s of store.sessions) if (s.pending) this.#pendingRows++;
      }
    }
    // Health changes with observations (polls, live events), not with the clock.
    const healthInputs = [this._sessions.healthVersion, workspace];
    if (healthInputs.some((v, i) => v !== this.#healthFrom[i])) {
      this.#healthFrom = healthInputs;
      this.#health = new HealthView(this._sessions.health, store, Date.now());
      this.#countHealth(workspace);
    }
    // The view in two steps: what the filters, workspace and order give (recomputed when they
    // or the sessions change), then the search over it (incremental as the user types).
    const server = this._sessions.mode === 'server';
    const baseInputs = [
      this._sessions.mode,
      store.sessions,
      this._workspace,
      this._filters,
      this._sort,
      this._healthFilters,
      this._topic,
      // Only a health filter reads the health: without one, a new look of the health tracker
      // (after every poll) does not remake the list, nor the search's keys over it.
      this._healthFilters.length > 0 ? this.#health : undefined,
    ];
    // A sort under way: done, its view goes in as made from its inputs (what changed since is
    // taken below, as any change); still going, the view waits for it while only the sessions
    // (polls, live events) or the health changed meanwhile, which would otherwise start it
    // again and again, never done; anything else (another order, a filter) cancels it.
    const job = this.#sortJob;
    let waiting = false;
    if (job !== undefined) {
      if (job.sorted !== undefined) {
        this.#sortJob = undefined;
        this.#base = job.sorted;
        this.#baseFrom = job.inputs;
        this.#baseSort = job.sort;
      } else if (baseInputs.every((v, i) => i === 1 || i === 7 || v === job.inputs[i])) {
        waiting = true;
      } else {
        job.cancel();
        this.#sortJob = undefined;
      }
    }
    if (!waiting && baseInputs.some((v, i) => v !== this.#baseFrom[i])) {
      const previous = this.#baseFrom;
      // Left as it was while a sort is under way.
      let sorting = false;
      const healthFilters = this._healthFilters;
      const topic = this._topic;
      // A refresh alone (same view, sorted, no health or topic filter): merge the sessions that
      // changed into the sorted list instead of sorting it all again.
      const refreshOnly =
        !server &&
        this._sort !== undefined &&
        healthFilters.length === 0 &&
        !topic &&
        previous.length === baseInputs.length &&
        baseInputs.every((v, i) => i === 1 || i === 7 || v === previous[i]);
      const view = { workspace, filters: this._filters, search: '' };
      const change = store.lastChange;
      if (refreshOnly && change !== undefined && change.from === previous[1]) {
        // One change since the view was made: only what it added and took out.
        const { gone } = change;
        const added = querySessions(change.added, view);
        this.#base =
          added.length === 0 && gone.size === 0
            ? this.#base
            : mergeSorted(this.#base, gone, added, this._sort!);
      } else if (refreshOnly) {
        const kept = new Set<Session>();
        for (const s of this.#base) if (store.get(s.key) === s) kept.add(s);
        const added = querySessions(
          store.sessions.filter((s) => !kept.has(s)),
          view,
        );
        this.#base = mergeSorted(this.#base, (s) => kept.has(s), added, this._sort!);
      } else {
        const narrowed = querySessions(store.sessions, {
          workspace,
          filters: this._filters,
          search: '',
          match:
            healthFilters.length || topic
              ? (s) =>
                  healthFilters.every((f) => {
                    // A session newer than the last look of the health tracker matches none yet.
                    const h = this.#health.get(s.key);
                    return h !== undefined && matchesHealth(h, f);
                  }) &&
                  (!topic || topic.refs.has(`${s.node ?? ''}\u0000${s.clientId}`))
              : undefined,
        });
        // Server mode: the page is what the broker found, in the broker's order. Only a new
        // order is sorted between frames: a new filter or workspace shows its rows at once
        // (the rows shown and the controls that act on them must be of one view).
        const sort = server ? undefined : this._sort;
        const orderOnly =
          previous.length === baseInputs.length &&
          baseInputs.every((v, i) => i === 4 || v === previous[i]);
        sorting = this.#sortBase(narrowed, sort, baseInputs, orderOnly);
      }
      if (!sorting) {
        this.#baseFrom = baseInputs;
        this.#baseSort = server ? undefined : this._sort;
      }
      this.#inWorkspaceCount =
        workspace === undefined
          ? store.sessions.length
          : store.sessions.filter((s) => s.workspace === workspace).length;
      if (this.#selection.retain((key) => store.get(key) !== undefined)) this._selectionVersion++;
    }
    if (this.#base !== this.#searchIndexedFrom) {
      // The search's haystacks of a large view, in its order, before anyone types.
      this.#searchIndexedFrom = this.#base;
      this.#cancelSearchIndex?.();
      this.#cancelSearchIndex = undefined;
      const base = this.#base;
      if (!server && base.length > COUNT_AT_ONCE) {
        this.#cancelSearchIndex = inBackground(
          (until) => this.#search.prepare(base, until),
          () => (this.#cancelSearchIndex = undefined),
        );
      }
    }
    const visible = this.#search.search(this.#base, server ? '' : this._query);
    if (visible !== this.#visible) {
      this.#visible = visible;
      const view = [workspace, this._filters, this._query, this._healthFilters, this._topic];
      if (view.some((v, i) => v !== this.#viewFrom[i])) {
        // Never act on rows the user can no longer see: a new view keeps only its own rows.
        this.#viewFrom = view;
        if (this.#selection.size > 0) {
          const shown = new Set(this.#visibleKeys);
          if (this.#selection.retain((key) => shown.has(key))) this._selectionVersion++;
        }
      }
    }
    if (this.#pendingShow !== undefined && store.loaded && this._sessions.complete) {
      const clientId = this.#pendingShow;
      this.#pendingShow = undefined;
      const session = this.#visible.find((s) => s.clientId === clientId);
      if (session) this._open(session);
      else this._announce(this.#texts.s.announceNotConnected(clientId));
    }
    if (this._selectedKey !== undefined) {
      const current = store.get(this._selectedKey);
      if (current && current !== this._selected) this._selected = current;
    }
    // Checked when the rows or the active row change, not on every update (a scroll, a tick).
    const activeFrom = [this.#visible, this._activeKey];
    let activeGone = false;
    let hadFocus = false;
    if (activeFrom[0] !== this.#activeFrom[0] || activeFrom[1] !== this.#activeFrom[1]) {
      const key = this._activeKey;
      hadFocus = this.shadowRoot?.activeElement?.getAttribute('role') === 'row';
      // A focused row, one focus is about to go to, or the one the open details go back to is
      // looked for everywhere; the tab stop of a grid without focus stays on a row in view (as
      // a scroll leaves it), so a keystroke in the search box does not walk every row.
      activeGone =
        key === undefined ||
        (hadFocus || this.#focusRow || key === this.#detailsFrom
          ? !this.#visible.some((s) => s.key === key)
          : !this.#inViewport(key));
    }
    this.#activeFrom = activeFrom;
    if (activeGone) {
      // The focused row left (a refresh, a filter): keep focus in the grid, on its neighbour.
      this._activeKey =
        this.#visible[Math.min(this.#viewport.first, this.#visible.length - 1)]?.key;
      if (hadFocus) this.#focusRow = true;
    }
    const columns = this.#columns();
    const health = this.#health;
    const t = this.#texts;
    // Made read-only: a selection can no longer be acted on, so none is kept; nor the rows of a
    // source that may not act (Ctrl+A, a range or `Select all` may have reached them).
    if (this.#selection.size > 0 && !this.#selectable()) {
      this.#selection.clear();
      this._selectionVersion++;
    } else if (this.#selection.size > 0 && this._sessions.sources().length > 1) {
      const { store } = this._sessions;
      const keep = (key: string) => {
        const s = store.get(key);
        return s !== undefined && this.#rowSelectable(s);
      };
      if (this.#selection.retain(keep)) this._selectionVersion++;
    }
    const rowState: RowState = {
      columns,
      selectedKey: this._selectedKey,
      activeKey: this._activeKey,
      isChecked: (key) => this.#selection.has(key),
      selectable: this.#selectable(),
      canSelect: this.#rowSelectable,
      rowOffset:
        this._sessions.mode === 'server'
          ? (this._sessions.server.offsets[this._sessions.server.index] ?? 0)
          : 0,
      flagsOf: (session) => flagsOf(health.of(session), t),
      workspaceLabel: (id) => this.#workspaceLabel(id),
      texts: t,
    };
    if (
      changed.has('_selectedKey') ||
      changed.has('_activeKey') ||
      changed.has('_selectionVersion') ||
      changed.has('_workspace') ||
      changed.has('workspaces') ||
      changed.has('_hiddenColumns') ||
      changed.has('strings') ||
      changed.has('locale') ||
      this.#renderedHealth !== health ||
      this.#renderedOffset !== rowState.rowOffset ||
      this.#renderedSelectable !== rowState.selectable
    ) {
      this.#renderedSelectable = rowState.selectable;
      this.#renderedHealth = health;
      this.#renderedOffset = rowState.rowOffset;
      this.#renderItem = (session, index) => renderSessionRow(session, index, rowState);
    }
  }

  protected override updated(changed: PropertyValues): void {
    const remembered = [
      '_autoRefresh',
      '_workspace',
      '_sort',
      '_filters',
      '_hiddenColumns',
      '_trendRange',
      '_healthFilters',
      'refreshInterval',
    ];
    if (!this.#settingsLoaded && this.#rendered) {
      for (const k of remembered) if (changed.has(k)) this.#touched.add(k);
    }
    this.#rendered = true;
    // A menu that just opened takes focus on its first item, as menus do.
    // Compact details cover the list: focus moves into them, as into a dialog.
    if (
      this.layout === 'compact' &&
      changed.has('_selectedKey') &&
      this._selectedKey !== undefined &&
      changed.get('_selectedKey') === undefined
    ) {
      this.renderRoot.querySelector<HTMLButtonElement>('.details-header button')?.focus();
    }
    if (changed.has('_menu') && this._menu) {
      this.renderRoot.querySelector<HTMLElement>('[role="menu"] [role^="menuitem"]')?.focus();
    }
    // Saved as soon as changed (one small write per update): a popup closed at once keeps it.
    if (this.#settingsLoaded && remembered.some((k) => changed.has(k))) this.#saveSettings();
    if (changed.has('_workspace') || changed.has('_trendRange')) {
      void this._storage.showTrend(this.#trendSeries(), this._trendRange);
    }
    // The dialog's content changes (confirm, progress, results): keep focus inside it.
    const dialog = this._dialog;
    if (dialog?.open && !dialog.contains(this.shadowRoot!.activeElement)) {
      const target =
        dialog.querySelector<HTMLElement>('[autofocus]:not([disabled])') ??
        dialog.querySelector<HTMLElement>('button:not([disabled]), input, select');
      target?.focus();
    }
    if (this.#focusRow) {
      this.#focusRow = false;
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
    // Server mode holds one page: not the fleet, so neither history nor rules look at it.
    const server = this._sessions.mode === 'server';
    if (this.recordHistory && !server) {
      void this._storage.recordSnapshot(
        this._sessions.store.sessions,
        this.#workspaceList().map((w) => w.id),
      );
    }
    // Without rules there is nothing to evaluate (and no copy of every session to make).
    if (this._alerts.rules.length && !server) {
      this._alerts.observe({
        kind: 'snapshot',
        at: Date.now(),
        sessions: this._sessions.store.sessions.map((x) => ({
          clientId: x.clientId,
          workspace: x.workspace,
          ip: x.ip,
          connectedAt: x.connectedAt,
        })),
      });
    }
    // Subscriptions change too: ask the broker again for the topic filter's sessions.
    if (this._topic && trigger !== 'initial') void this._onTopicFilter(this._topic.text);
    this.dispatchEvent(csEvent('cs-refresh', { count, trigger }));
    if (trigger === 'user') {
      this._announce(this.#texts.s.announceRefreshed(this.#texts.num(count), count));
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

  private _onWorkspaceChange(event: Event): void {
    this._workspace = (event.target as HTMLSelectElement).value;
  }

  private _onSortClick(column: Column): void {
    // From the order the rows are in, as the headers say it (a sort may be under way).
    const shown = this.#shownSort();
    const current = shown?.column === column.id ? shown.direction : undefined;
    this._sort = {
      column: column.id,
      direction: current === 'ascending' ? 'descending' : 'ascending',
    };
  }

  /** Adds the typed IP filter; IP matching loads first if it has not (see ip-filter.ts). */
  private _onAddIp(): void {
    const text = this._ipDraft.trim();
    if (!text) return;
    const loaded = ipMatchLoaded();
    if (loaded) {
      this.#addIp(loaded, text);
      return;
    }
    loadIpMatch().then(
      (ipMatch) => {
        // Still what the box says (typing went on while it loaded: the next Add reads it).
        if (this._ipDraft.trim() === text) this.#addIp(ipMatch, text);
      },
      (error: unknown) => {
        this._ipError = this.#ipMatchNotLoaded(error);
      },
    );
  }

  #addIp(ipMatch: IpMatch, text: string): void {
    const pattern = ipMatch.parseIpPattern(text);
    if (!pattern.ok) {
      this._ipError = pattern.error;
      return;
    }
    this._ipError = undefined;
    this._ipDraft = '';
    if (!(this._filters.ip ?? []).some((p) => p.text === pattern.text)) {
      this._filters = { ...this._filters, ip: [...(this._filters.ip ?? []), pattern] };
    }
  }

  private _toggleHealth(filter: HealthFilter): void {
    this._healthFilters = this._healthFilters.includes(filter)
      ? this._healthFilters.filter((f) => f !== filter)
      : [...this._healthFilters, filter];
  }

  #topicCountFrom: unknown[] = [];
  #topicCountValue = 0;

  /** Sessions subscribed to the topic filter's topic, counted once per change. */
  #topicCount(): number {
    const topic = this._topic;
    const sessions = this._sessions.store.sessions;
    if (!topic) return 0;
    if (this.#topicCountFrom[0] !== topic || this.#topicCountFrom[1] !== sessions) {
      this.#topicCountFrom = [topic, sessions];
      this.#topicCountValue = sessions.filter((s) =>
        topic.refs.has(`${s.node ?? ''}\u0000${s.clientId}`),
      ).length;
    }
    return this.#topicCountValue;
  }

  private async _onTopicFilter(text = this._topicDraft.trim()): Promise<void> {
    if (!text) return;
    const sources = this._sessions.sources().filter((s) => typeof s.subscribersOf === 'function');
    if (sources.length === 0) {
      this._topicError = this.#texts.s.topicSearchUnsupported;
      return;
    }
    try {
      const refs = new Set<string>();
      for (const source of sources) {
        for (const r of await source.subscribersOf!(text, { signal: this.#actions.signal })) {
          refs.add(`${r.node ?? ''}\u0000${r.clientId}`);
        }
      }
      this._topic = { text, refs };
      this._topicDraft = '';
      this._topicError = undefined;
    } catch (error) {
      this._topicError = errorMessage(error, this.#texts);
    }
  }

  private _rowFromEvent(event: Event): { index: number; session: Session } | undefined {
    for (const target of event.composedPath()) {
      if (target instanceof HTMLElement && target.dataset['key'] !== undefined) {
        const session = this._sessions.store.get(keyFromAttribute(target.dataset['key']));
        const index = session ? this.#visibleKeys.indexOf(session.key) : -1;
        return session && index >= 0 ? { index, session } : undefined;
      }
      if (target === this) break;
    }
    return undefined;
  }

  private _onGridClick(event: MouseEvent): void {
    const hit = this._rowFromEvent(event);
    if (!hit) return;
    this._activeKey = hit.session.key;
    const target = event.composedPath()[0];
    if (target instanceof HTMLInputElement && target.type === 'checkbox') {
      if (event.shiftKey) this.#selection.toggleRange(this.#visibleKeys, hit.session.key);
      else this.#selection.toggle(hit.session.key, target.checked);
      this._selectionVersion++;
      return;
    }
    this._open(hit.session);
  }

  /**
   * The grid's keys (one tab stop: the active row): arrows, Home/End, PageUp/PageDown move
   * between rows (ArrowUp from the first row reaches the header's controls), Enter opens the
   * details, Space toggles the selection (Shift+Space a range), Ctrl+A / Cmd+A selects every
   * row that matches the search and filters. Escape is handled by `#onHostKeydown`.
   */
  private _onGridKeydown(event: KeyboardEvent): void {
    if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'a') {
      // Not the page's text: the rows, as `Select all <N> matching` does.
      event.preventDefault();
      if (this.#selectable() && this.#visible.length > 0) this._onSelectAllMatching();
      return;
    }
    const hit = this._rowFromEvent(event);
    if (!hit) {
      this.#onHeaderKeydown(event);
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) {
      // Ctrl+Home / Ctrl+End are the grid's first and last rows, as Home and End.
      if (!(event.ctrlKey && (event.key === 'Home' || event.key === 'End'))) return;
    }
    const last = this.#visible.length - 1;
    // A page is the rows on screen.
    const page = Math.max(1, this.#viewport.last - this.#viewport.first);
    let next: number | undefined;
    switch (event.key) {
      case 'ArrowDown':
        next = Math.min(last, hit.index + 1);
        break;
      case 'ArrowUp':
        if (hit.index === 0) {
          event.preventDefault();
          this.#headerControls()[0]?.focus();
          return;
        }
        next = hit.index - 1;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = last;
        break;
      case 'PageDown':
        next = Math.min(last, hit.index + page);
        break;
      case 'PageUp':
        next = Math.max(0, hit.index - page);
        break;
      case 'Enter':
        event.preventDefault();
        this._open(hit.session);
        return;
      case ' ':
        event.preventDefault();
        if (!this.#selectable()) return;
        if (event.shiftKey) this.#selection.toggleRange(this.#visibleKeys, hit.session.key);
        else this.#selection.toggle(hit.session.key);
        this._selectionVersion++;
        this.#announceSelection();
        return;
      default:
        return;
    }
    event.preventDefault();
    const key = this.#visible[next]?.key;
    if (key !== undefined && key !== this._activeKey) {
      this._activeKey = key;
      this.#focusRow = true;
    }
  }

  #onVisibilityChanged(first: number, last: number): void {
    this.#viewport = { first, last };
    // Keep the grid's tab stop on a row that exists in the DOM.
    const focused = this.shadowRoot?.activeElement?.getAttribute('role') === 'row';
    if (!focused && (this._activeKey === undefined || !this.#inViewport(this._activeKey))) {
      this._activeKey = this.#visible[first]?.key;
    }
  }

  /** Whether the row of `key` is among those in view: looked for there only, not in every row. */
  #inViewport(key: string): boolean {
    const { first, last } = this.#viewport;
    for (let i = Math.max(0, first); i <= last && i < this.#visible.length; i++) {
      if (this.#visible[i]!.key === key) return true;
    }
    return false;
  }

  /** The header row's controls (`Select all`, the sort buttons), reached by ArrowUp. */
  #headerControls(): HTMLElement[] {
    return [
      ...this.renderRoot.querySelectorAll<HTMLElement>(
        '[role="grid"] .header-row input, [role="grid"] .header-row button',
      ),
    ];
  }

  /** Keys in the header row: Left/Right/Home/End between its controls, Down back to the rows. */
  #onHeaderKeydown(event: KeyboardEvent): void {
    const controls = this.#headerControls();
    const at = controls.indexOf(this.shadowRoot?.activeElement as HTMLElement);
    if (at < 0 || event.altKey || event.ctrlKey || event.metaKey) return;
    let next: number;
    switch (event.key) {
      case 'ArrowLeft':
        next = Math.max(0, at - 1);
        break;
      case 'ArrowRight':
        next = Math.min(controls.length - 1, at + 1);
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = controls.length - 1;
        break;
      case 'ArrowDown':
        event.preventDefault();
        void this.#focusActiveRow();
        return;
      default:
        return;
    }
    event.preventDefault();
    controls[next]?.focus();
  }

  /**
   * Escape closes the details from the details or the grid, and focus goes back to the row they
   * were opened from. An open dialog or menu closes itself first.
   */
  #onHostKeydown(event: KeyboardEvent): void {
    if (event.key !== 'Escape' || event.defaultPrevented) return;
    if (this._dialog?.open || this._menu || this._selected === undefined) return;
    const path = event.composedPath();
    const details = this.renderRoot.querySelector('.details');
    const grid = this.renderRoot.querySelector('[role="grid"]');
    if (!path.some((t) => t === details || t === grid)) return;
    event.preventDefault();
    this._closeDetails();
  }

  /** Says how many rows are selected, after a change the user made by keyboard. */
  #announceSelection(): void {
    const n = this.#selection.size;
    this._announce(
      n === 0
        ? this.#texts.s.announceNoneSelected
        : this.#texts.s.announceSelected(this.#texts.num(n), n),
    );
  }

  /** Whether actions that change the broker may be offered for a source's sessions. */
  #canAct(source: SessionSource | undefined): boolean {
    return (
      !this.readOnly &&
      source !== undefined &&
      source.capabilities?.actions !== false &&
      !this.#refused.has(source)
    );
  }

  /** Sources that refused an action (HTTP 403): their sessions are offered no more actions. */
  readonly #refused = new WeakSet<SessionSource>();

  /** Whether a row may be selected: its own source may act (workspaces can mix sources). */
  #rowSelectable = (session: Session): boolean =>
    // One source: every row is its own, with no lookup of the row's key (asked for each row).
    this.#canAct(
      (this._sessions.sourceCount > 1 ? this._sessions.sourceOf(session) : undefined) ??
        this._sessions.source(),
    );

  /** Whether rows can be selected: selection serves only bulk disconnect. */
  #selectable(): boolean {
    return this._sessions.sources().some((s) => this.#canAct(s));
  }

  /** Whether focus fell out of the element onto the page's body (its control went or was disabled). */
  #focusLost(): boolean {
    const inside = this.shadowRoot?.activeElement;
    if (inside && !inside.matches(':disabled')) return false;
    const outside = document.activeElement;
    return !outside || outside === document.body || outside === this;
  }

  /**
   * After the dialog closed: the browser gives focus back to what opened it, but that may be
   * gone or disabled (a bulk disconnect empties the selection). Focus then goes to the details
   * or the grid, never to the page's body.
   */
  #keepFocus(): void {
    if (!this.#focusLost()) return;
    const close = this._selected
      ? this.renderRoot.querySelector<HTMLElement>('.details-header button')
      : null;
    if (close) close.focus();
    else void this.#focusActiveRow();
  }

  private _onSelectAllChange(event: Event): void {
    const box = event.target as HTMLInputElement;
    if (this.#selection.size > 0) {
      this.#selection.clear();
    } else {
      // The rows on screen; `Select all <N> matching` reaches the rest.
      const { first, last } = this.#viewport;
      this.#selection.add(this.#visibleKeys.slice(first, last + 1));
    }
    box.checked = this.#selection.size > 0;
    this._selectionVersion++;
  }

  private _onSelectAllMatching(): void {
    this.#selection.add(this.#visibleKeys);
    this._selectionVersion++;
    this.#announceSelection();
  }

  private _open(session: Session): void {
    if (this._selectedKey !== session.key) this._actionError = undefined;
    // Where focus goes back to when the details close.
    this.#detailsFrom = session.key;
    this._selectedKey = session.key;
    this._selected = session;
    this.dispatchEvent(csEvent('cs-session-select', { session }));
  }

  private _closeDetails(): void {
    const from = this.#detailsFrom;
    this.#detailsFrom = undefined;
    this._selectedKey = undefined;
    this._selected = undefined;
    this._actionError = undefined;
    // Back to the row the details were opened from, or (it left the list) the active row.
    if (from !== undefined && this.#visibleKeys.includes(from)) this._activeKey = from;
    this.#focusRow = true;
  }

  private async _openDialog(state: DialogState): Promise<void> {
    this._dialogState = state;
    await this.updateComplete;
    if (this._dialog && !this._dialog.open) this._dialog.showModal();
  }

  private _askDisconnect(block: boolean): void {
    if (!this._selected || !this.#canAct(this._sessions.sourceOf(this._selected))) return;
    void this._openDialog({
      kind: 'one',
      session: this._selected,
      block,
      duration: BLOCK_DURATIONS[1]!.seconds,
      busy: false,
    });
  }

  private _askDisconnectSelected(): void {
    const targets = this.#selection
      .keys()
      .map((k) => this._sessions.store.get(k))
      .filter((s): s is Session => s !== undefined)
      // Never sessions of a source whose credentials may only read.
      .filter((s) => this.#canAct(this._sessions.sourceOf(s) ?? this._sessions.source()));
    if (targets.length === 0) return;
    const ids = new Set(targets.map((t) => t.clientId));
    const rate = Math.max(1, this.disconnectRate || 20);
    void this._openDialog({
      kind: 'many',
      targets,
      needsTyping: targets.length > this._sessions.store.sessions.length / 2,
      typed: '',
      staggered: ids.size >= 50,
      rate,
    });
  }

  /** Escape, `Cancel` or `Close`: cancels what has not started, or closes the dialog. */
  private _onDialogCancel(event?: Event): void {
    event?.preventDefault();
    const s = this._dialogState;
    if (s?.kind === 'running') {
      this.#run?.abort();
      this._dialogState = { ...s, cancelling: true };
      return;
    }
    if (s?.kind === 'one' && s.busy) return;
    this._dialog?.close();
  }

  /** The dialog closed (also when the browser forces it shut on a repeated Escape). */
  private _onDialogClose(): void {
    // The event is queued: a dialog opened again since (a new question) is not the one closed.
    if (this._dialog?.open) return;
    if (this._dialogState?.kind === 'running') this.#run?.abort();
    this._dialogState = undefined;
    void this.updateComplete.then(() => requestAnimationFrame(() => this.#keepFocus()));
  }

  private async _onConfirm(): Promise<void> {
    const s = this._dialogState;
    // Made read-only while the question was open: nothing is sent.
    if (this.readOnly) {
      this._dialog?.close();
      return;
    }
    if (s?.kind === 'one') await this.#disconnectOne(s);
    else if (s?.kind === 'many') await this.#disconnectMany(s.targets);
  }

  private _onRetryFailed(): void {
    const s = this._dialogState;
    if (s?.kind !== 'done' || !this.#selectable()) return;
    const failed = new Set(s.results.filter((r) => r.outcome === 'failed').map((r) => r.clientId));
    const { store } = this._sessions;
    const again = s.targets.filter((t) => failed.has(t.clientId));
    // A failed client missing from the latest list has gone since.
    const targets = again.filter((t) => store.get(t.key)).map((t) => store.get(t.key)!);
    const listed = new Set(targets.map((t) => t.clientId));
    const gone: DisconnectResult[] = [...failed]
      .filter((id) => !listed.has(id))
      .map((clientId) => ({ clientId, outcome: 'already-gone' }));
    void this.#disconnectMany(targets, gone);
  }

  async #disconnectOne(s: Extract<DialogState, { kind: 'one' }>): Promise<void> {
    const target = s.session;
    const source = this._sessions.sourceOf(target);
    if (!source || s.busy) return;
    const clientId = target.clientId;
    const block = s.block ? { durationSeconds: s.duration } : undefined;
    const request = csEvent('cs-disconnect-request', { clientIds: [clientId], block }, true);
    if (!this.dispatchEvent(request)) {
      this._dialog?.close();
      this._announce(this.#texts.s.announceCancelledByPage);
      return;
    }
    this._dialogState = { ...s, busy: true };
    const signal = this.#actions.signal;
    let result: DisconnectResult;
    let failure: SourceErrorKind | 'unknown' = 'unknown';
    try {
      if (block && source.ban) {
        await source.ban(clientId, { durationSeconds: block.durationSeconds, signal });
      }
      result = { clientId, outcome: await source.disconnect(clientId, { signal }) };
    } catch (error) {
      failure = error instanceof SourceError ? error.kind : 'unknown';
      // Refused: these credentials may only read. Its sessions are offered no more actions.
      if (failure === 'forbidden') this.#refused.add(source);
      result = {
        clientId,
        outcome: 'failed',
        // A 403: the credentials may read but not act (an EMQX `viewer` API key). Say so first.
        error:
          failure === 'forbidden'
            ? this.#texts.s.forbiddenToDisconnect(errorMessage(error, this.#texts))
            : errorMessage(error, this.#texts),
      };
    }
    if (this._dialogState?.kind === 'one') this._dialog?.close();
    this.dispatchEvent(csEvent('cs-disconnect', { results: [result] }));
    this.#audit(
      block ? 'disconnect-and-block' : 'disconnect',
      [target],
      [result],
      block?.durationSeconds,
    );
    if (result.outcome === 'failed') {
      this._actionError = this.#texts.s.couldNotDisconnect(result.error ?? '');
      this.dispatchEvent(
        csEvent('cs-error', {
          message: result.error ?? 'Disconnect failed',
          kind: failure,
          operation: 'disconnect',
        }),
      );
      this._announce(
        failure === 'forbidden'
          ? this.#texts.s.announceForbidden(clientId)
          : this.#texts.s.announceCouldNotDisconnect(clientId),
      );
      return;
    }
    this._sessions.removeSessions(
      this._sessions.store.sessions
        .filter((x) => x.clientId === clientId && this._sessions.sourceOf(x) === source)
        .map((x) => x.key),
    );
    this._announce(
      result.outcome === 'disconnected'
        ? this.#texts.s.announceDisconnected(clientId, Boolean(block))
        : this.#texts.s.announceAlreadyGone(clientId),
    );
    // Show a client that reconnects without waiting for the next poll.
    this._sessions.refreshAfterAction();
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('.details-header button')?.focus();
  }

  async #disconnectMany(targets: Session[], settled: DisconnectResult[] = []): Promise<void> {
    const clientIds = [...new Set(targets.map((t) => t.clientId))];
    const request = csEvent('cs-disconnect-request', { clientIds }, true);
    if (!this.dispatchEvent(request)) {
      this._dialog?.close();
      this._announce(this.#texts.s.announceCancelledByPage);
      return;
    }
    const run = new AbortController();
    this.#run = run;
    this._dialogState = {
      kind: 'running',
      total: clientIds.length + settled.length,
      results: settled,
      cancelling: false,
    };
    // Sessions from several sources go to each source in turn.
    const bySource = new Map<SessionSource, Session[]>();
    for (const t of targets) {
      const source = this._sessions.sourceOf(t) ?? this._sessions.source();
      if (source) bySource.set(source, [...(bySource.get(source) ?? []), t]);
    }
    const results: DisconnectResult[] = [...settled];
    const goneBySource = new Map<SessionSource, Set<string>>();
    for (const [source, group] of bySource) {
      const done = results.length;
      const groupResults = await bulkDisconnect(source, group, {
        signal: run.signal,
        rate: Math.max(1, this.disconnectRate || 20),
        onProgress: (partial) => {
          // A newer run (this one's dialog was closed) owns the dialog now.
          if (this.#run === run && this._dialogState?.kind === 'running') {
            this._dialogState = {
              ...this._dialogState,
              results: [...results.slice(0, done), ...partial],
            };
          }
        },
      });
      results.push(...groupResults);
      goneBySource.set(
        source,
        new Set(
          groupResults
            .filter((r) => r.outcome === 'disconnected' || r.outcome === 'already-gone')
            .map((r) => r.clientId),
        ),
      );
    }
    // Replaced by a newer run: it reports and logs, but leaves the dialog and Cancel to that one.
    const current = this.#run === run;
    if (current) this.#run = undefined;
    this.dispatchEvent(csEvent('cs-disconnect', { results }));
    this.#audit('bulk-disconnect', targets, results);
    // Only the rows of the clients that went, on the broker they went from.
    const goneKeys = this._sessions.store.sessions
      .filter((x) => {
        const source = this._sessions.sourceOf(x);
        return source !== undefined && goneBySource.get(source)?.has(x.clientId) === true;
      })
      .map((x) => x.key);
    this.#selection.retain((key) => !goneKeys.includes(key));
    this._selectionVersion++;
    this._sessions.removeSessions(goneKeys);
    this._sessions.refreshAfterAction();
    this._announce(this.#texts.s.announceDisconnectFinished(summarize(results, this.#texts)));
    if (current && this._dialog?.open) this._dialogState = { kind: 'done', results, targets };
  }

  /** The count of unreadable entries last announced: a count is announced once, not per poll. */
  #skippedReported = 0;

  #reportSkipped(): void {
    const n = this._sessions.skipped;
    if (n === this.#skippedReported) return;
    this.#skippedReported = n;
    if (n > 0) this._announce(this.#texts.s.skippedSessions(this.#texts.num(n), n));
  }

  private _announce(text: string): void {
    // Re-setting identical text is not announced again; clear first.
    this._announcement = '';
    requestAnimationFrame(() => (this._announcement = text));
  }

  async #focusActiveRow(): Promise<void> {
    const key = this._activeKey;
    const index = this.#visibleKeys.indexOf(key ?? '');
    if (key === undefined || index < 0) {
      this._search?.focus();
      return;
    }
    const selector = `[data-key="${CSS.escape(keyAttribute(key))}"]`;
    const row = () => this.renderRoot.querySelector<HTMLElement>(selector);
    // Scrolled to it: the rows are placed anew (and a row far from the viewport rendered) in the
    // next frame; focused before, the row would be scrolled again by the browser.
    let scrolled = this.#rowWindow.scrollIntoView(index);
    for (let frame = 0; (scrolled || !row()) && frame < 30 && this.isConnected; frame++) {
      await new Promise((r) => requestAnimationFrame(r));
      await this.updateComplete;
      scrolled = false;
    }
    if (this._activeKey === key) row()?.focus();
  }

  #workspaceList(): Workspace[] {
    return this.workspaces ?? [];
  }

  #workspaceLabel(id: string | undefined): string {
    return this.#workspaceList().find((w) => w.id === id)?.label ?? '\u2014';
  }

  #sourceEntries(): SourceEntry[] {
    const workspaces = this.#workspaceList();
    if (workspaces.length) {
      const groups = new Map<string, Workspace[]>();
      for (const w of workspaces) {
        const key = sourceConfigKey(w.source);
        groups.set(key, [...(groups.get(key) ?? []), w]);
      }
      const sources = new Map<string, SessionSource>();
      const entries: SourceEntry[] = [];
      for (const [key, group] of groups) {
        let source = this.#workspaceSources.get(key);
        if (!source) {
          try {
            // The id goes into session keys (and the DOM): never the config, which has secrets.
            source = createSource(group[0]!.source, `workspace:${group[0]!.id}`);
          } catch (error) {
            this._actionError = this.#texts.s.workspaceError(
              group[0]!.label,
              error instanceof SourceError
                ? errorMessage(error, this.#texts)
                : (error as Error).message,
            );
            continue;
          }
        }
        sources.set(key, source);
        entries.push({ id: key, source, workspaces: group });
      }
      this.#workspaceSources = sources;
      return entries;
    }
    if (this.source) return [{ id: 'source', source: this.source, workspaces: [] }];
    if (!this.src) {
      if (!this.demo) return [];
      // One simulated fleet per element: switching `demo` off and on keeps it.
      this.#demoSource ??= new DemoSource();
      return [{ id: 'demo', source: this.#demoSource, workspaces: [] }];
    }
    if (this.#srcSource?.src !== this.src) {
      this.#srcSource = { src: this.src, source: new EmqxSource({ baseUrl: this.src }) };
    }
    return [{ id: 'src', source: this.#srcSource.source, workspaces: [] }];
  }

  #columns(): Column[] {
    if (this.layout === 'compact') return [...COMPACT_COLUMNS];
    const showWorkspace = this._workspace === ALL && this.#workspaceList().length > 1;
    const shown = COLUMNS.filter((c) => c.id === 'clientId' || !this._hiddenColumns.includes(c.id));
    return showWorkspace ? [shown[0]!, WORKSPACE_COLUMN, ...shown.slice(1)] : shown;
  }

  #trendSeries(): string {
    return this._workspace === ALL ? ALL_WORKSPACES : this._workspace;
  }

  #settings(): StoredSettings {
    const f = this._filters;
    return {
      refreshInterval: this.#lastInterval,
      autoRefresh: this._autoRefresh,
      workspace: this._workspace,
      sort: this._sort,
      filters: {
        node: f.node,
        protocol: f.protocol,
        transport: f.transport,
        tls: f.tls,
        // Remembered ones still being restored stay remembered.
        ip: f.ip?.length ? f.ip.map((p) => p.text) : this.#restoringIp,
      },
      columns: COLUMNS.filter((c) => !this._hiddenColumns.includes(c.id)).map((c) => c.id),
      trendRange: this._trendRange,
      health: [...this._healthFilters],
    };
  }

  /** Remembered settings, except where the page set the value: the page wins. */
  #applySettings(settings: StoredSettings): void {
    // What the user changed before the settings arrived stays as they set it.
    const keep = (key: string) => !this.#touched.has(key);
    if (!this.#intervalFromPage) {
      if (settings.refreshInterval && settings.refreshInterval > 0) {
        this.#lastInterval = settings.refreshInterval;
      }
      if (settings.autoRefresh !== undefined && keep('_autoRefresh')) {
        this._autoRefresh = settings.autoRefresh;
      }
    }
    if (
      settings.workspace !== undefined &&
      keep('_workspace') &&
      this.#workspaceList().some((w) => w.id === settings.workspace)
    ) {
      this._workspace = settings.workspace;
    }
    if (
      settings.sort &&
      keep('_sort') &&
      COLUMNS.concat(WORKSPACE_COLUMN).some((c) => c.id === settings.sort!.column)
    ) {
      this._sort = settings.sort as SortOrder;
    }
    if (settings.health && keep('_healthFilters')) {
      this._healthFilters = settings.health.filter((h): h is HealthFilter =>
        HEALTH_FILTERS.some((f) => f.id === h),
      );
    }
    if (!keep('_filters')) settings = { ...settings, filters: undefined };
    if (!keep('_hiddenColumns')) settings = { ...settings, columns: undefined };
    if (!keep('_trendRange')) settings = { ...settings, trendRange: undefined };
    if (settings.filters) {
      const f = settings.filters;
      this._filters = {
        node: f.node,
        protocol: f.protocol as SessionFilters['protocol'],
        transport: f.transport as SessionFilters['transport'],
        tls: f.tls,
        ip: undefined,
      };
      if (f.ip?.length) this.#restoreIpFilters(f.ip);
    }
    if (settings.columns) {
      this._hiddenColumns = COLUMNS.filter((c) => !settings.columns!.includes(c.id)).map(
        (c) => c.id,
      );
    }
    if (settings.trendRange) this._trendRange = settings.trendRange;
  }

  private _toggleColumn(id: SortColumn): void {
    this._hiddenColumns = this._hiddenColumns.includes(id)
      ? this._hiddenColumns.filter((c) => c !== id)
      : [...this._hiddenColumns, id];
  }

  private _toggleMenu(menu: 'export' | 'columns'): void {
    this._menu = this._menu === menu ? undefined : menu;
  }

  /** Focus left an open menu (Tab, a click elsewhere): close it. */
  private _onMenuFocusout(event: FocusEvent): void {
    const menu = event.currentTarget as HTMLElement;
    if (!menu.contains(event.relatedTarget as Node | null)) this._menu = undefined;
  }

  /** Adds a rule from the panel's form; an `unexpected-network` rule's networks checked first. */
  #addRule(rule: AlertRule, ipMatch?: IpMatch): void {
    const bad = ipMatch && badNetwork(rule, ipMatch.parseIpPattern);
    if (bad !== undefined) {
      this._ruleError = this.#texts.s.errorAllowedNetwork(bad);
      return;
    }
    this._ruleError = undefined;
    this._alerts.setRules([...this._alerts.rules, rule]);
    this._announce(this.#texts.s.announceRuleAdded);
  }

  #saveSettings(): void {
    void this._storage.saveSettings(this.#settings());
  }

  /**
   * Saves what waits to be saved, while storage is still open: a setting changed in the same
   * task (its update, which saves it, has not run) and the alerts (saved a moment after they
   * change). Called as the element is removed (the controllers close storage next) and as the
   * page goes away (`pagehide`: a closed extension popup is unloaded without removing it).
   */
  #saveNow(): void {
    if (this.#settingsLoaded && this.isUpdatePending) this.#saveSettings();
    this._alerts.flush();
  }

  readonly #onPageHide = () => this.#saveNow();

  /** What the IP filter, or the alert rule form, says when IP matching could not be loaded. */
  #ipMatchNotLoaded(error: unknown): string {
    return this.#texts.s.ipMatchNotLoaded(error instanceof Error ? error.message : String(error));
  }

  /** IP filters the settings remembered, while IP matching loads for them. */
  #restoringIp: string[] | undefined;

  /**
   * Puts back remembered IP filters once IP matching has loaded (see ip-filter.ts). Until then,
   * or if it cannot load, they stay in the saved settings; filters the user adds meanwhile win.
   */
  #restoreIpFilters(texts: string[]): void {
    this.#restoringIp = texts;
    loadIpMatch().then(
      (ipMatch) => {
        if (this.#restoringIp !== texts) return;
        this.#restoringIp = undefined;
        if (this._filters.ip?.length) return;
        const ip = texts.map(ipMatch.parseIpPattern).filter((p) => p.ok);
        if (ip.length) this._filters = { ...this._filters, ip };
      },
      (error: unknown) => {
        if (this.#restoringIp !== texts) return;
        this._ipError = this.#ipMatchNotLoaded(error);
      },
    );
  }

  /** Closes the open menu and gives focus back to its button. */
  #closeMenu(): void {
    const menu = this._menu;
    this._menu = undefined;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLElement>(`[data-menu="${menu}"]`)?.focus(),
    );
  }

  private _onMenuKeydown(event: KeyboardEvent): void {
    const items = [
      ...(event.currentTarget as HTMLElement).querySelectorAll<HTMLElement>('[role^="menuitem"]'),
    ];
    const at = items.indexOf(event.target as HTMLElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      this.#closeMenu();
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      items[event.key === 'Home' ? 0 : items.length - 1]?.focus();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const next = (at + (event.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length;
      items[next]?.focus();
    }
  }

  #viewLabel(): string {
    return this._workspace === ALL
      ? this.#workspaceList().length > 1
        ? 'all'
        : (this.#workspaceList()[0]?.label ?? 'all')
      : this.#workspaceLabel(this._workspace);
  }

  /** Exports what the view shows (everything when nothing is filtered). */
  private async _onExport(format: ExportFormat): Promise<void> {
    this.#closeMenu();
    if (this._export) return;
    // The view as it is now: a refresh during the export must not change the flags.
    const health = this.#health;
    const run = new AbortController();
    this.#exportRun = run;
    const server = this._sessions.mode === 'server';
    let sessions = this.#visible;
    // Server mode walks the whole list: its size is the broker's count (unknown for a search).
    const expected = server
      ? this._sessions.server.search
        ? 0
        : (this._sessions.brokerTotal ?? 0)
      : sessions.length;
    this._export = { done: 0, total: expected, format };
    const now = Date.now();
    const workspace = this.#viewLabel();
    try {
      const { buildExport, exportFilename } = await loadExporter();
      if (server) sessions = await this.#fetchServerView(run.signal, format);
      const tracker = this._sessions.health;
      const blob = await buildExport(sessions, {
        format,
        workspace,
        health: (s) => (server ? tracker.healthOf(s, now) : health.of(s)),
        workspaceLabel: (id) => this.#workspaceList().find((w) => w.id === id)?.label,
        signal: run.signal,
        onProgress: (done, total) => {
          if (this._export) this._export = { ...this._export, done, total };
        },
        now,
      });
      const filename = exportFilename(workspace, format, now);
      this.#download(blob, filename);
      this.dispatchEvent(csEvent('cs-export', { format, filename, count: sessions.length, blob }));
      this._announce(
        this.#texts.s.announceExported(
          this.#texts.num(sessions.length),
          format.toUpperCase(),
          sessions.length,
        ),
      );
    } catch (error) {
      if (run.signal.aborted) this._announce(this.#texts.s.announceExportCancelled);
      else this._announce(this.#texts.s.announceExportFailed(String(error)));
    } finally {
      this._export = undefined;
      this.#exportRun = undefined;
      // Export was disabled while it ran (and `Cancel` has gone): focus goes back to Export.
      void this.updateComplete.then(() => {
        if (this.#focusLost()) {
          this.renderRoot.querySelector<HTMLElement>('[data-menu="export"]')?.focus();
        }
      });
    }
  }

  /**
   * Server mode: every session of the view, paged from the broker by its cursor (or searched
   * there), with the workspace and filters applied as on screen. Progress counts the pages.
   */
  async #fetchServerView(signal: AbortSignal, format: ExportFormat): Promise<readonly Session[]> {
    const source = this._sessions.source();
    if (!source) return [];
    // What the box says now, not what the debounced broker search last sent.
    const search = this._query.trim();
    const expected = search ? undefined : this._sessions.brokerTotal;
    let done = 0;
    const onPage = (page: readonly Session[]) => {
      done += page.length;
      this._export = { done, total: Math.max(expected ?? 0, done), format };
    };
    const { sessions } =
      search && source.search
        ? await source.search(search, { signal, onPage })
        : await source.list({ signal, onPage });
    if (signal.aborted) throw new DOMException('Export cancelled', 'AbortError');
    const workspaces = this.#workspaceList();
    const listed = sessions.filter((s) => !this._sessions.isHidden(s.clientId));
    const tagged = workspaces.length
      ? listed.flatMap((s) => {
          const ws = workspaceOf(s, workspaces);
          return ws ? [{ ...s, workspace: ws.id }] : [];
        })
      : listed;
    this._export = { done: 0, total: tagged.length, format };
    // The same conditions as the rows on screen: health filters and the topic too.
    const tracker = this._sessions.health;
    const now = Date.now();
    const healthFilters = this._healthFilters;
    const topic = this._topic;
    return querySessions(tagged, {
      workspace: this._workspace === ALL ? undefined : this._workspace,
      filters: this._filters,
      search: '',
      match:
        healthFilters.length || topic
          ? (s) =>
              healthFilters.every((f) => matchesHealth(tracker.healthOf(s, now), f)) &&
              (!topic || topic.refs.has(`${s.node ?? ''}\u0000${s.clientId}`))
          : undefined,
    });
  }

  #download(blob: Blob, filename: string): void {
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    a.style.display = 'none';
    this.renderRoot.appendChild(a);
    a.click();
    a.remove();
    // Give the browser time to start the download before the URL goes.
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }

  private async _onExportHistory(): Promise<void> {
    try {
      const { exportFilename, historyToCsv } = await loadExporter();
      const series = this.#trendSeries();
      const samples = await this._storage.history(series);
      const now = Date.now();
      const stamp = exportFilename(this.#viewLabel(), 'csv', now).replace(
        'active-sessions-',
        'session-history-',
      );
      this.#download(
        new Blob([await historyToCsv(samples)], { type: 'text/csv;charset=utf-8' }),
        stamp,
      );
      this._announce(
        this.#texts.s.announceHistoryExported(this.#texts.num(samples.length), samples.length),
      );
    } catch (error) {
      // Storage closed, or the export code not loaded: said, and nothing is lost.
      this._announce(this.#texts.s.announceExportFailed(String(error)));
    }
  }

  private async _onExportAudit(): Promise<void> {
    try {
      const { auditToCsv, exportFilename } = await loadExporter();
      const entries = await this._storage.loadAudit();
      const name = exportFilename(this.#viewLabel(), 'csv', Date.now()).replace(
        'active-sessions-',
        'audit-log-',
      );
      this.#download(
        new Blob([await auditToCsv(entries)], { type: 'text/csv;charset=utf-8' }),
        name,
      );
      this._announce(
        this.#texts.s.announceAuditExported(this.#texts.num(entries.length), entries.length),
      );
    } catch (error) {
      this._announce(this.#texts.s.announceExportFailed(String(error)));
    }
  }

  #audit(
    action: 'disconnect' | 'disconnect-and-block' | 'bulk-disconnect',
    targets: readonly Session[],
    results: DisconnectResult[],
    blockSeconds?: number,
  ): void {
    const labels = [...new Set(targets.map((t) => this.#workspaceLabel(t.workspace)))];
    const workspace =
      this.#workspaceList().length === 0 ? 'default' : labels.join(', ') || this.#viewLabel();
    void this._storage.addAudit({
      t: Date.now(),
      action,
      workspace,
      operator: this.operator,
      results,
      ...(blockSeconds ? { blockSeconds } : {}),
    });
  }

  // Public methods
  /** Fetches a fresh list now. */
  refresh(): Promise<void> {
    return this._sessions.refresh('user');
  }

  /** Moves focus to the search field, as a popup does when it opens. */
  async focusSearch(): Promise<void> {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>('input[type="search"]')?.focus();
  }

  /**
   * Shows one client: its workspace, a search for its ID, and its details once it is listed
   * (or a message that it is not connected), as a notification's click asks.
   */
  showSession(clientId: string, workspace?: string): void {
    // Its own workspace, or all of them: never a remembered one it may not be in.
    this._workspace =
      workspace !== undefined && this.#workspaceList().some((w) => w.id === workspace)
        ? workspace
        : ALL;
    this._query = clientId;
    this.#pendingShow = clientId;
    this.requestUpdate();
  }

  /** Active sessions against the plan: the shown workspace's own limit, else `plan-limit`. */
  #planUsage(): { active: number; limit: number } | undefined {
    const list = this.#workspaceList();
    const workspace =
      this._workspace === ALL
        ? list.length === 1
          ? list[0]
          : undefined
        : list.find((w) => w.id === this._workspace);
    if (workspace?.planLimit !== undefined && workspace.planLimit > 0) {
      return { active: this.#inWorkspaceCount, limit: workspace.planLimit };
    }
    if (this.planLimit !== undefined && this.planLimit > 0) {
      return { active: this._sessions.totalActive, limit: this.planLimit };
    }
    return undefined;
  }

  // Rendering
  private _renderStatus(): TemplateResult {
    const { store } = this._sessions;
    const total = this.#inWorkspaceCount;
    const shown = this.#visible.length;
    const hydration = this._sessions.hydration;
    const t = this.#texts;
    const all =
      shown === total
        ? t.s.countAll(t.num(total), total)
        : t.s.countFiltered(t.num(shown), t.num(total), total);
    const count = !store.loaded
      ? ''
      : // Offline sessions are only told apart once their details arrive.
        this.#pendingRows > 0
        ? t.s.provisional(all)
        : all;
    const updated =
      store.updatedAt === undefined
        ? ''
        : this._now - store.updatedAt < 2000
          ? t.s.updatedJustNow
          : t.s.updatedAgo(t.duration(this._now - store.updatedAt));
    const live = this._live.status;
    return html`<div class="status" part="status">
      ${
        live === undefined
          ? nothing
          : html`<span class="live ${live}" part="live-status"
              >${
                live === 'live'
                  ? t.s.live
                  : live === 'connecting'
                    ? t.s.liveConnecting
                    : t.s.liveDown(this._live.detail)
              }</span
            >`
      }
      <span class="count">${count}</span>
      ${
        hydration
          ? html`<span
              class="hydration"
              role="progressbar"
              aria-label=${t.s.detailsLoadingLabel}
              aria-valuemin="0"
              aria-valuemax=${hydration.total}
              aria-valuenow=${hydration.done}
              >${t.s.detailsLoading(t.num(hydration.done), t.num(hydration.total))}</span
            >`
          : nothing
      }
      <span class="updated" title=${store.updatedAt ? t.dateTime(store.updatedAt) : nothing}
        >${this._sessions.stale ? t.s.stale(updated) : updated}</span
      >
    </div>`;
  }

  private _renderWorkspaces(): TemplateResult | typeof nothing {
    const list = this.#workspaceList();
    if (list.length < 2) return nothing;
    const { counts } = this.#perSessions(this._sessions.store.sessions);
    const t = this.#texts;
    return html`<select
      aria-label=${t.s.workspace}
      class="workspace"
      @change=${this._onWorkspaceChange}
    >
      <option value=${ALL} ?selected=${this._workspace === ALL}>
        ${t.s.allWorkspaces(t.num(this._sessions.store.sessions.length))}
      </option>
      ${list.map(
        (w) =>
          html`<option value=${w.id} ?selected=${this._workspace === w.id}>
            ${t.s.workspaceOption(w.label, t.num(counts.get(w.id) ?? 0))}
          </option>`,
      )}
    </select>`;
  }

  private _renderBanner(): TemplateResult | typeof nothing {
    const { error, store } = this._sessions;
    if (!this._sessions.hasSource) {
      return html`<p class="banner">
        ${this.#texts.s.noBroker(
          html`<code>src</code>`,
          html`<code>source</code>`,
          html`<code>workspaces</code>`,
        )}
      </p>`;
    }
    if (!error) return this._renderSkipped();
    // Not a live region: failures of automatic polls are not announced; the user's own
    // refreshes are, through the polite announcer.
    return html`<div class="banner error" part="error">
        ${
          store.loaded
            ? this.#texts.s.refreshFailed(
                listErrorText(error, this.#texts),
                this.#texts.dateTime(store.updatedAt),
              )
            : this.#texts.s.loadFailed(listErrorText(error, this.#texts))
        }
      </div>
      ${this._renderSkipped()}`;
  }

  /**
   * One notice for the entries of the last good list that could not be read as sessions (no
   * usable client ID), however many polls bring them; announced once per new count.
   */
  private _renderSkipped(): TemplateResult | typeof nothing {
    const n = this._sessions.skipped;
    if (n === 0 || !this._sessions.store.loaded) return nothing;
    return html`<p class="banner skipped" part="skipped">
      ${this.#texts.s.skippedSessions(this.#texts.num(n), n)}
    </p>`;
  }

  private _renderMessage(): TemplateResult | typeof nothing {
    const { store, loading } = this._sessions;
    if (!this._sessions.hasSource) return nothing;
    if (!store.loaded) {
      return loading ? html`<p class="message">${this.#texts.s.loadingSessions}</p>` : nothing;
    }
    if (this.#visible.length > 0) return nothing;
    const s = this.#texts.s;
    return html`<p class="message">
      ${
        this.#inWorkspaceCount === 0
          ? s.noActiveSessions
          : this._query.trim()
            ? s.noMatchQuery(html`<bdi>${this._query.trim()}</bdi>`)
            : s.noMatchFilters
      }
    </p>`;
  }

  /**
   * What the toolbar needs from every session (nodes, counts per workspace), once per list:
   * a keystroke or a scroll renders again, and must not walk 100,000 sessions.
   */
  #perSessions(sessions: readonly Session[]): { nodes: string[]; counts: Map<string, number> } {
    const before = this.#perSessionsOf;
    if (before?.sessions === sessions) return before;
    const change = this._sessions.store.lastChange;
    // One small change since they were counted: count only what it added and took out. A
    // large one (a first list of 100,000 is one change from the empty list) is counted afresh,
    // between frames, not while its rows wait.
    const delta =
      before !== undefined &&
      change?.from === before.sessions &&
      sessions === this._sessions.store.sessions &&
      change.added.length + change.gone.size <= COUNT_AT_ONCE;
    const nodeCounts = delta ? new Map(before.nodeCounts) : new Map<string, number>();
    const counts = delta ? new Map(before.counts) : new Map<string, number>();
    const count = (s: Session, by: number) => {
      if (s.node) nodeCounts.set(s.node, (nodeCounts.get(s.node) ?? 0) + by);
      if (s.workspace) counts.set(s.workspace, (counts.get(s.workspace) ?? 0) + by);
    };
    const done = () => {
      for (const map of [nodeCounts, counts]) for (const [k, n] of map) if (n <= 0) map.delete(k);
      const nodes = [...nodeCounts.keys()].sort();
      return (this.#perSessionsOf = { sessions, nodes, nodeCounts, counts });
    };
    if (delta) {
      for (const s of change.gone) count(s, -1);
      for (const s of change.added) count(s, 1);
      return done();
    }
    if (sessions.length <= COUNT_AT_ONCE) {
      for (const s of sessions) count(s, 1);
      return done();
    }
    // A large list counted afresh: between frames, after its rows are painted; the node filter
    // and workspace counts show what was counted before (nothing, on a first load) meanwhile.
    if (this.#perSessionsCounting !== sessions) {
      this.#perSessionsCounting = sessions;
      this.#cancelPerSessions?.();
      this.#cancelPerSessions = inBackground(
        sliced(sessions, (s) => count(s, 1)),
        () => {
          this.#cancelPerSessions = undefined;
          this.#perSessionsCounting = undefined;
          done();
          this.requestUpdate();
        },
      );
    }
    return before ?? { nodes: [], counts: new Map() };
  }

  /**
   * The health filters' counts. A large list is counted a slice at a time between frames, so the
   * rows stay responsive; the counts appear when done.
   */
  #countHealth(workspace: string | undefined): void {
    // Counting already, for this workspace: that count is shown once done, then the list is
    // counted again. Live events on a busy broker change the health every 50 ms or so, and a
    // count of 100,000 sessions restarted each time would never be shown.
    const store = this._sessions.store;
    if (
      this.#cancelCount !== undefined &&
      this.#countingFor?.[0] === store &&
      this.#countingFor[1] === workspace
    ) {
      this.#countAgain = true;
      return;
    }
    this.#cancelCount?.();
    this.#cancelCount = undefined;
    this.#countAgain = false;
    const health = this.#health;
    const sessions = store.sessions;
    // Over an index, not `for...of`: an array iterator for each session made 5 MB of garbage
    // at every count of 100,000 sessions.
    const tally = HEALTH_FILTERS.map(() => 0);
    const count = (s: Session) => {
      if (workspace !== undefined && s.workspace !== workspace) return;
      const h = health.of(s);
      for (let i = 0; i < HEALTH_FILTERS.length; i++) {
        if (matchesHealth(h, HEALTH_FILTERS[i]!.id)) tally[i]!++;
      }
    };
    const counts = () =>
      new Map<HealthFilter, number>(HEALTH_FILTERS.map((f, i) => [f.id, tally[i]!]));
    // A small list is counted at once; a larger one between frames, the last counts shown
    // meanwhile (the naming of each session observed is worked out once: a few microseconds each).
    if (sessions.length <= HEALTH_AT_ONCE) {
      for (const s of sessions) count(s);
      this.#healthCounts = counts();
      return;
    }
    this.#countingFor = [store, workspace];
    this.#cancelCount = inBackground(sliced(sessions, count), () => {
      this.#cancelCount = undefined;
      this.#healthCounts = counts();
      this.requestUpdate();
      if (this.#countAgain) {
        this.#countAgain = false;
        this.#countHealth(workspace);
      }
    });
  }

  /** `aria-rowcount`: every matching row and the header; -1 while the total is unknown. */
  #rowCount(): number {
    const { store, mode, server } = this._sessions;
    if (!store.loaded) return -1;
    if (mode === 'server') {
      if (this.#visible.length !== store.sessions.length) return -1;
      return server.total === undefined ? -1 : server.total + 1;
    }
    return this.#visible.length + 1;
  }

  /** Which mode the list is in, and in server mode the page and its controls. */
  private _renderMode(): TemplateResult | typeof nothing {
    const { mode, server, store, brokerTotal, loadProgress, loading } = this._sessions;
    const t = this.#texts;
    if (mode !== 'server') {
      if (loadProgress) {
        return html`<div class="mode" part="mode">
          <span
            role="progressbar"
            aria-label=${t.s.sessionsLoadingLabel}
            aria-valuemin="0"
            aria-valuemax=${loadProgress.total ?? nothing}
            aria-valuenow=${loadProgress.loaded}
            >${t.s.loadingEvery(
              t.num(loadProgress.loaded),
              loadProgress.total === undefined ? undefined : t.num(loadProgress.total),
            )}</span
          >
        </div>`;
      }
      // Said only where the broker could page instead: up to the threshold, all is here.
      return brokerTotal === undefined
        ? nothing
        : html`<div class="mode muted" part="mode">${t.s.clientMode}</div>`;
    }
    const before = server.offsets[server.index] ?? 0;
    const first = before + 1;
    const last = before + store.sessions.length;
    const range = store.sessions.length
      ? t.s.rowRange(t.num(first), t.num(last))
      : t.s.rowRangeNone;
    const of = server.total === undefined ? undefined : t.num(server.total);
    return html`<div class="mode" part="mode">
      <span>${t.s.serverMode(Boolean(server.search), range, of)}</span>
      <button
        type="button"
        ?disabled=${server.index === 0 || loading}
        @click=${() => this._sessions.turnPage(-1)}
      >
        ${t.s.previousPage}
      </button>
      <button
        type="button"
        ?disabled=${!server.next || loading}
        @click=${() => this._sessions.turnPage(1)}
      >
        ${t.s.nextPage}
      </button>
    </div>`;
  }

  private _renderHeader(columns: readonly Column[]): TemplateResult {
    const server = this._sessions.mode === 'server';
    const checked = this.#selectedInView();
    const all = checked > 0 && checked === this.#visible.length;
    const t = this.#texts;
    return html`<div role="rowgroup">
      <div role="row" class="row header-row" aria-rowindex="1">
        ${
          // The grid is one tab stop (the active row): ArrowUp reaches the header's controls.
          this.#selectable()
            ? html`<div role="columnheader" part="header-cell" class="cell check">
                <input
                  type="checkbox"
                  tabindex="-1"
                  aria-label=${t.s.selectAll}
                  .checked=${all}
                  .indeterminate=${checked > 0 && !all}
                  @change=${this._onSelectAllChange}
                />
              </div>`
            : nothing
        }
        ${columns.map((c) => {
          const shown = this.#shownSort();
          const sorted = shown?.column === c.id ? shown.direction : undefined;
          return html`<div
            role="columnheader"
            part="header-cell"
            class="cell ${c.numeric ? 'numeric' : ''}"
            aria-sort=${server ? nothing : (sorted ?? nothing)}
          >
            ${
              server
                ? // The broker gives its own order; sorting one page would mislead.
                  t.column(c.id)
                : html`<button
                    type="button"
                    class="sort"
                    tabindex="-1"
                    @click=${() => this._onSortClick(c)}
                  >
                    ${t.column(c.id)}<span class="sort-mark" aria-hidden="true"
                      >${sorted === 'ascending' ? ' ▲' : sorted === 'descending' ? ' ▼' : ''}</span
                    >
                  </button>`
            }
          </div>`;
        })}
      </div>
    </div>`;
  }

  private _renderMenus(): TemplateResult {
    const optional = COLUMNS.filter((c) => c.id !== 'clientId');
    const t = this.#texts;
    return html`<span class="menu-anchor">
        <button
          type="button"
          data-menu="export"
          aria-haspopup="menu"
          aria-expanded=${this._menu === 'export' ? 'true' : 'false'}
          ?disabled=${this._export !== undefined}
          @click=${() => this._toggleMenu('export')}
        >
          ${t.s.export}
        </button>
        ${
          this._menu === 'export'
            ? html`<div
                class="menu"
                role="menu"
                aria-label=${t.s.export}
                @keydown=${this._onMenuKeydown}
                @focusout=${this._onMenuFocusout}
              >
                <button type="button" role="menuitem" @click=${() => void this._onExport('csv')}>
                  ${t.s.exportCsv}
                </button>
                <button
                  type="button"
                  role="menuitem"
                  tabindex="-1"
                  @click=${() => void this._onExport('json')}
                >
                  ${t.s.exportJson}
                </button>
              </div>`
            : nothing
        }
      </span>
      <span class="menu-anchor">
        <button
          type="button"
          data-menu="columns"
          aria-haspopup="menu"
          aria-expanded=${this._menu === 'columns' ? 'true' : 'false'}
          @click=${() => this._toggleMenu('columns')}
        >
          ${t.s.columns}
        </button>
        ${
          this._menu === 'columns'
            ? html`<div
                class="menu"
                role="menu"
                aria-label=${t.s.columns}
                @keydown=${this._onMenuKeydown}
                @focusout=${this._onMenuFocusout}
              >
                ${optional.map(
                  (c) =>
                    html`<button
                      type="button"
                      role="menuitemcheckbox"
                      tabindex="-1"
                      aria-checked=${this._hiddenColumns.includes(c.id) ? 'false' : 'true'}
                      @click=${() => this._toggleColumn(c.id)}
                    >
                      ${t.column(c.id)}
                    </button>`,
                )}
              </div>`
            : nothing
        }
      </span>`;
  }

  private _renderAlerts(): TemplateResult {
    return renderAlertsPanel(
      {
        list: this._alerts.list,
        rules: this._alerts.rules,
        kind: this._ruleKind,
        formError: this._ruleError,
        rulesFromPage: this._alerts.rulesFromPage,
      },
      {
        onAcknowledge: (id) => this._alerts.acknowledge(id),
        onRemoveRule: (id) => this._alerts.setRules(this._alerts.rules.filter((r) => r.id !== id)),
        onAddRule: (rule) => this._alerts.setRules([...this._alerts.rules, rule]),
        onClose: () => (this._alertsOpen = false),
        onKind: (kind) => {
          this._ruleKind = kind;
          this._ruleError = undefined;
          // Its allowed networks are checked on adding: IP matching loads while they are typed.
          if (kind === 'unexpected-network') void loadIpMatch().catch(() => undefined);
        },
        onSubmit: (form) => {
          const rule = ruleFromForm(form, `rule-${Date.now().toString(36)}`, this.#texts);
          if (typeof rule === 'string') {
            this._ruleError = rule;
            return;
          }
          if (rule.kind !== 'unexpected-network' || rule.allowed.length === 0) {
            this.#addRule(rule);
            return;
          }
          const loaded = ipMatchLoaded();
          if (loaded) {
            this.#addRule(rule, loaded);
            return;
          }
          loadIpMatch().then(
            (ipMatch) => this.#addRule(rule, ipMatch),
            (error: unknown) => {
              this._ruleError = this.#ipMatchNotLoaded(error);
            },
          );
        },
      },
      this.#texts,
    );
  }

  private _renderSelectionBar(): TemplateResult | typeof nothing {
    // Read-only: selection serves only bulk disconnect, so neither is offered.
    if (!this.#selectable()) return nothing;
    const selected = this.#selection.size;
    const matching = this.#visible.length;
    const inView = this.#selectedInView();
    const t = this.#texts;
    return html`<div class="selection-bar">
      <button
        type="button"
        class="danger"
        ?disabled=${selected === 0}
        @click=${this._askDisconnectSelected}
      >
        ${t.s.disconnectSelected}
      </button>
      ${selected ? html`<span>${t.s.selectedCount(t.num(selected), selected)}</span>` : nothing}
      ${
        selected > 0 && inView < matching
          ? html`<button type="button" @click=${this._onSelectAllMatching}>
              ${t.s.selectAllMatching(t.num(matching), matching)}
            </button>`
          : nothing
      }
    </div>`;
  }

  private _renderDetails(selected: Session): TemplateResult {
    const { store } = this._sessions;
    // While the task loads another client, its value still holds the previous one's answer.
    const value = this._details.value;
    const answer = value?.clientId === selected.clientId ? value : undefined;
    // `GET /clients/{id}` answers for one node: a duplicate on another node keeps its own row.
    const fresh = answer?.fresh?.node === selected.node ? answer?.fresh : undefined;
    let subscriptions: SubscriptionsState = { status: 'loading' };
    if (this._details.status === TaskStatus.COMPLETE && answer) {
      subscriptions = answer.subscriptions;
    } else if (this._details.status === TaskStatus.ERROR) {
      subscriptions = {
        status: 'error',
        message: errorMessage(this._details.error, this.#texts),
      };
    }
    const source = this._sessions.sourceOf(selected);
    const dialog = this._dialogState;
    return renderSessionDetails(
      {
        session: fresh ?? selected,
        subscriptions,
        gone: store.loaded && (!store.get(selected.key) || answer?.gone === true),
        actionError: this._actionError,
        busy: dialog?.kind === 'one' && dialog.busy,
        canBlock: typeof source?.ban === 'function',
        canAct: this.#canAct(source),
        health: this.#health.get(selected.key),
        workspace:
          this.#workspaceList().length > 1 ? this.#workspaceLabel(selected.workspace) : undefined,
        now: this._now,
        texts: this.#texts,
      },
      {
        onDisconnect: () => this._askDisconnect(false),
        onBlock: () => this._askDisconnect(true),
        onClose: () => this._closeDetails(),
      },
    );
  }

  private _renderDialog(): TemplateResult {
    const s = this._dialogState;
    return html`<dialog
      part="dialog"
      role="alertdialog"
      aria-modal="true"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-description"
      @cancel=${this._onDialogCancel}
      @close=${this._onDialogClose}
    >
      ${
        s
          ? renderDialogContent(
              s,
              {
                onConfirm: () => void this._onConfirm(),
                onCancel: () => this._onDialogCancel(),
                onTyped: (typed) => {
                  if (this._dialogState?.kind === 'many')
                    this._dialogState = { ...this._dialogState, typed };
                },
                onDuration: (duration) => {
                  if (this._dialogState?.kind === 'one')
                    this._dialogState = { ...this._dialogState, duration };
                },
                ...(this.#selectable() ? { onRetry: () => this._onRetryFailed() } : {}),
              },
              this.#texts,
            )
          : nothing
      }
    </dialog>`;
  }

  private _renderGrid(columns: readonly Column[]): TemplateResult {
    const { store, loading, stale } = this._sessions;
    const rows = store.loaded && this.#visible.length > 0;
    return html`<div
      class="grid ${stale ? 'stale' : ''}"
      part="table"
      role="grid"
      aria-label=${this.#texts.s.activeSessions}
      aria-multiselectable=${this.#selectable() ? 'true' : nothing}
      aria-rowcount=${this.#rowCount()}
      aria-busy=${loading || this.#sortJob !== undefined ? 'true' : 'false'}
      style="--cs-columns: ${gridColumns(columns, this.#selectable())}"
      @click=${this._onGridClick}
      @keydown=${this._onGridKeydown}
    >
      ${this._renderHeader(columns)} ${this.#renderRows(rows)}
    </div>`;
  }

  /**
   * The scrolling list of rows: only those near its viewport are in the DOM (`RowWindow`), moved
   * down as far as the rows above them. Without rows it takes no room and is no rowgroup.
   */
  #renderRows(rows: boolean): TemplateResult {
    const visible = rows ? this.#visible : NO_ROWS;
    // What the user asked to see: a new search, sort, filter or page (not a refresh).
    const view = [
      this.#viewFrom,
      this.#shownSort(),
      this._sessions.mode,
      this._sessions.server.index,
    ];
    const { first, end, height, top } = this.#rowWindow.layout(visible.length, view);
    const renderItem = this.#renderItem;
    return html`<div
      class="rows ${rows ? '' : 'empty'}"
      role=${rows ? 'rowgroup' : nothing}
      @scroll=${this.#rowWindow.onScroll}
    >
      <div class="rows-sizer" style="height: ${height}px">
        <div class="rows-window" style="transform: translateY(${top}px)">
          ${guard([visible, first, end, renderItem], () =>
            repeat(visible.slice(first, end), keyOf, (session, i) =>
              renderItem(session, first + i),
            ),
          )}
        </div>
      </div>
    </div>`;
  }

  protected override render(): TemplateResult {
    const { store, loading } = this._sessions;
    const columns = this.#columns();
    const { nodes } = this.#perSessions(store.sessions);
    const compact = this.layout === 'compact';
    const plan = this.#planUsage();
    const t = this.#texts;
    const planMeter = plan ? renderPlanMeter(plan.active, plan.limit, t) : nothing;
    // A broker that cannot search client IDs (RabbitMQ) is searched here, over the full list.
    const localOnly = this._sessions
      .sources()
      .filter((s) => s.capabilities?.serverSearch === false);
    const searchNote = localOnly.length
      ? html`<span class="search-note" id="search-note"
          >${t.s.searchNote(localOnly.map((s) => s.label).join(t.s.listSeparator))}</span
        >`
      : nothing;
    const search = html`<input
        type="search"
        part="search"
        aria-label=${t.s.searchLabel}
        aria-describedby=${localOnly.length ? 'search-note' : nothing}
        placeholder=${t.s.searchPlaceholder}
        .value=${this._query}
        @input=${this._onSearch}
      />${searchNote}`;
    const refresh = html`<button
      type="button"
      @click=${this._onRefreshClick}
      aria-busy=${loading ? 'true' : 'false'}
    >
      ${t.s.refresh}
    </button>`;
    if (compact) {
      return html`<section class="root" aria-label=${t.s.activeSessions}>
        <div class="covered" ?inert=${this._selected !== undefined}>
          <div class="summary" part="summary">${this._renderStatus()} ${planMeter}</div>
          <div class="toolbar" part="toolbar">${this._renderWorkspaces()} ${search} ${refresh}</div>
          ${this._renderSelectionBar()} ${this._renderBanner()} ${this._renderGrid(columns)}
          ${this._renderMode()} ${this._renderMessage()}
        </div>
        ${this._selected ? this._renderDetails(this._selected) : nothing} ${this._renderDialog()}
        <div class="visually-hidden" aria-live="polite">${this._announcement}</div>
      </section>`;
    }
    const unchecked = this._alerts.unchecked;
    return html`<section class="root" aria-label=${t.s.activeSessions}>
      <div class="toolbar" part="toolbar">
        ${this._renderWorkspaces()} ${search} ${refresh}
        <button
          type="button"
          role="switch"
          class="switch"
          aria-checked=${this._autoRefresh ? 'true' : 'false'}
          @click=${this._onAutoRefreshClick}
        >
          <span class="track" aria-hidden="true"></span>${t.s.autoRefresh}
        </button>
        ${this._renderMenus()}
        <button
          type="button"
          aria-expanded=${this._alertsOpen ? 'true' : 'false'}
          @click=${() => (this._alertsOpen = !this._alertsOpen)}
        >
          ${t.s.alerts}${
            this._alerts.unacknowledged
              ? html` <span class="badge">${this._alerts.unacknowledged}</span>`
              : nothing
          }
        </button>
        <button
          type="button"
          aria-expanded=${this._storage.audit ? 'true' : 'false'}
          @click=${() =>
            this._storage.audit ? this._storage.closeAudit() : void this._storage.loadAudit()}
        >
          ${t.s.auditLog}
        </button>
        ${renderTrendChart(
          this._storage.trend,
          this._trendRange,
          this._now,
          (r) => {
            this._trendRange = r;
          },
          t,
        )}
        <button type="button" class="small" @click=${() => void this._onExportHistory()}>
          ${t.s.exportHistory}
        </button>
        ${planMeter} ${this._renderStatus()}
      </div>
      ${renderFilterBar(
        { filters: this._filters, nodes, ipDraft: this._ipDraft, ipError: this._ipError },
        {
          onChange: (filters) => (this._filters = filters),
          onIpDraft: (text) => {
            this._ipDraft = text;
            this._ipError = undefined;
            // IP matching loads while the filter is typed, so adding it needs no wait.
            void loadIpMatch().catch(() => undefined);
          },
          onAddIp: () => this._onAddIp(),
        },
        t,
      )}
      ${renderHealthBar(
        {
          active: this._healthFilters,
          counts: this.#healthCounts,
          topic: this._topic ? { text: this._topic.text, count: this.#topicCount() } : undefined,
          topicDraft: this._topicDraft,
          topicError: this._topicError,
        },
        {
          onToggle: (f) => this._toggleHealth(f),
          onTopicDraft: (text) => {
            this._topicDraft = text;
            this._topicError = undefined;
          },
          onTopic: () => void this._onTopicFilter(),
          onClearTopic: () => (this._topic = undefined),
        },
        t,
      )}
      ${
        this._storage.notice
          ? html`<p class="banner" part="notice">
              ${this.#texts.s.storageInMemory(this._storage.notice)}
            </p>`
          : nothing
      }
      ${
        this._alerts.notice
          ? html`<p class="banner" part="notice">
              ${this.#texts.s.alertsNotLoaded(this._alerts.notice)}
            </p>`
          : nothing
      }
      ${
        unchecked
          ? html`<p class="banner" part="notice">
              ${this.#texts.s.ruleNotChecked(ruleLine(unchecked.rule, this.#texts), unchecked.entry)}
            </p>`
          : nothing
      }
      ${
        this._export
          ? html`<div class="export-progress">
              <span
                >${t.s.exporting(
                  t.num(this._export.total),
                  this._export.format.toUpperCase(),
                  this._export.total,
                )}</span
              >
              <div
                class="progress"
                role="progressbar"
                aria-label=${t.s.exportProgress}
                aria-valuemin="0"
                aria-valuemax=${this._export.total}
                aria-valuenow=${this._export.done}
              >
                <span
                  class="progress-fill"
                  style="width: ${this._export.total ? (this._export.done / this._export.total) * 100 : 100}%"
                ></span>
              </div>
              <button type="button" @click=${() => this.#exportRun?.abort()}>${t.s.cancel}</button>
            </div>`
          : nothing
      }
      ${this._renderSelectionBar()} ${this._renderBanner()} ${this._renderGrid(columns)}
      ${this._renderMode()} ${this._renderMessage()}
      ${this._selected ? this._renderDetails(this._selected) : nothing}
      ${this._alertsOpen ? this._renderAlerts() : nothing}
      ${
        this._storage.audit
          ? renderAuditLog(
              this._storage.audit,
              {
                onExport: () => void this._onExportAudit(),
                onClose: () => this._storage.closeAudit(),
              },
              t,
            )
          : nothing
      }
      ${this._renderDialog()}
      <div class="visually-hidden" aria-live="polite">${this._announcement}</div>
    </section>`;
  }
}
