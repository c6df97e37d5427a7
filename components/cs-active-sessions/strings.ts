/**
 * Every user-visible string and accessible name of `<cs-active-sessions>`, with English
 * defaults (`EN`). A page localises the element by setting its `strings` property to a partial
 * `CsStrings` (merged over `EN`) and its `locale` (numbers and dates go through `Intl`).
 *
 * Strings with values are functions. Numbers arrive already formatted for the locale (`n`), and
 * where a language needs the number itself to pick a plural form, it arrives too (`count`).
 * Parameters typed `unknown` are rendered content (a client ID inside `<bdi>`, `<code>`): put
 * them in the result as they are, for example in an array (`['Type ', n, ' to confirm.']`).
 *
 * Messages produced by the sources (broker errors, `src/`) stay as the sources word them.
 */
import { ALERT_MESSAGES_EN, type AlertMessages } from '../../src/alerts/messages.js';
import { NAMING_REASONS_EN, type NamingReasonId } from '../../src/analysis/naming.js';
import { SOURCE_MESSAGES_EN, type SourceMessages } from '../../src/sources/messages.js';
import type { HealthFilter } from '../../src/analysis/health.js';
import type { AlertKind } from '../../src/alerts/rules.js';
import type { SortColumn } from '../../src/model/query.js';
import {
  formatBytes,
  formatDateTime,
  UNKNOWN,
  type ProtocolVersion,
  type Transport,
} from '../../src/model/session.js';

/** English plural categories (`one`, `other`). */
const enPlural = new Intl.PluralRules('en');
const en = (count: number, one: string, other: string) =>
  enPlural.select(count) === 'one' ? one : other;

/** The element's strings. See `EN` for the English defaults. */
export interface CsStrings {
  // The element, toolbar and search
  /** The element's region and the grid. */
  activeSessions: string;
  searchLabel: string;
  searchPlaceholder: string;
  /** A broker that cannot search client IDs itself (RabbitMQ): `sources` are their labels. */
  searchNote: (sources: string) => string;
  refresh: string;
  autoRefresh: string;
  export: string;
  exportCsv: string;
  exportJson: string;
  columns: string;
  alerts: string;
  auditLog: string;
  exportHistory: string;
  workspace: string;
  allWorkspaces: (n: string) => string;
  workspaceOption: (label: string, n: string) => string;

  // Count and status line
  /** `47 active sessions`. */
  countAll: (n: string, count: number) => string;
  /** `3 of 47 active sessions` (plural by the total). */
  countFiltered: (shown: string, total: string, count: number) => string;
  /** The count while offline sessions are not yet told apart. */
  provisional: (text: string) => string;
  updatedJustNow: string;
  updatedAgo: (duration: string) => string;
  stale: (text: string) => string;
  live: string;
  liveConnecting: string;
  liveDown: (detail: string | undefined) => string;
  detailsLoadingLabel: string;
  detailsLoading: (done: string, total: string) => string;

  // Banner and messages
  /** The three names are `<code>` elements. */
  noBroker: (src: unknown, source: unknown, workspaces: unknown) => unknown;
  refreshFailed: (message: string, time: string) => string;
  loadFailed: (message: string) => string;
  /** Entries the broker sent that could not be read as sessions: `3 sessions from the broker…`. */
  skippedSessions: (n: string, count: number) => string;
  loadingSessions: string;
  noActiveSessions: string;
  /** `query` is the search text inside `<bdi>`. */
  noMatchQuery: (query: unknown) => unknown;
  noMatchFilters: string;
  unexpectedError: (error: string) => string;
  /**
   * What the sources say (broker errors, refused requests, answers that are not JSON), by
   * message id; English defaults in `src/sources/messages.ts`. Values such as the broker's label
   * and its own words (`HTTP 401 BAD_API_KEY …`) stay as they are. Override some or all.
   */
  sourceMessages: SourceMessages;
  /** The alerts the rules raise and the rules' descriptions, by id (`src/alerts/messages.ts`). */
  alertMessages: AlertMessages;
  /** Why a client ID reads as clear or unclear, by id (`src/analysis/naming.ts`). */
  namingReasons: Record<NamingReasonId, string>;
  workspaceError: (workspace: string, message: string) => string;

  // Client and server mode
  sessionsLoadingLabel: string;
  loadingEvery: (loaded: string, total: string | undefined) => string;
  clientMode: string;
  serverMode: (searching: boolean, range: string, total: string | undefined) => string;
  rowRange: (first: string, last: string) => string;
  rowRangeNone: string;
  previousPage: string;
  nextPage: string;

  // Grid
  selectAll: string;
  colClientId: string;
  colUsername: string;
  colConnectedAt: string;
  colIp: string;
  colProtocol: string;
  colSubscriptions: string;
  colWorkspace: string;
  selectRow: (clientId: string) => string;
  loadingCell: string;
  flagStuck: string;
  flagTakeover: string;
  flagDuplicate: string;
  flagNoKeepAlive: string;

  // Selection
  disconnectSelected: string;
  selectedCount: (n: string, count: number) => string;
  selectAllMatching: (n: string, count: number) => string;

  // Export
  exporting: (n: string, format: string, count: number) => string;
  exportProgress: string;
  cancel: string;

  // Announcements (the polite live region)
  announceRefreshFailed: (message: string) => string;
  announceAlert: (message: string) => string;
  announceNotConnected: (clientId: string) => string;
  announceRefreshed: (n: string, count: number) => string;
  announceSelected: (n: string, count: number) => string;
  announceNoneSelected: string;
  /** The credentials may only read: `error` is the broker's message. */
  forbiddenToDisconnect: (error: string) => string;
  announceForbidden: (clientId: string) => string;
  announceAlreadyGone: (clientId: string) => string;
  announceCancelledByPage: string;
  announceCouldNotDisconnect: (clientId: string) => string;
  announceDisconnected: (clientId: string, blocked: boolean) => string;
  announceDisconnectFinished: (summary: string) => string;
  announceExported: (n: string, format: string, count: number) => string;
  announceExportCancelled: string;
  announceExportFailed: (error: string) => string;
  announceHistoryExported: (n: string, count: number) => string;
  announceAuditExported: (n: string, count: number) => string;
  announceRuleAdded: string;
  /** Shown next to the details' buttons. */
  couldNotDisconnect: (error: string) => string;
  topicSearchUnsupported: string;

  // Plan usage
  planUsage: string;
  /** `47 / 100 (47%)`; `percent` is formatted. */
  planText: (active: string, limit: string, percent: string) => string;
  planOver: (text: string) => string;
  planNear: (text: string) => string;

  // Filters
  filters: string;
  node: string;
  anyNode: string;
  protocol: string;
  anyProtocol: string;
  protocolOption: (protocol: ProtocolVersion) => string;
  transport: string;
  anyTransport: string;
  transportOption: (transport: Transport) => string;
  tls: string;
  tlsAny: string;
  tlsOnly: string;
  tlsWithout: string;
  ipLabel: string;
  /** IP matching (the IP filter, allowed networks) could not be loaded: `reason` is the browser's. */
  ipMatchNotLoaded: (reason: string) => string;
  ipPlaceholder: string;
  addIpFilter: string;
  activeFilters: string;
  removeFilter: (filter: string) => string;
  clearFilters: string;
  chipNode: (node: string) => string;
  chipProtocol: (protocol: string) => string;
  chipTransport: (transport: string) => string;
  chipTls: (tls: boolean) => string;
  chipIp: (ip: string) => string;

  // Health filters
  health: string;
  healthStuck: string;
  healthDuplicate: string;
  healthUnclear: string;
  healthNoKeepAlive: string;
  healthQueued: string;
  /** A filter and its count: `Stuck (2)`. */
  withCount: (label: string, n: string) => string;
  topicLabel: string;
  topicPlaceholder: string;
  filterByTopic: string;
  topicChip: (topic: string) => string;

  // Session details
  sessionDetails: string;
  closeDetails: string;
  sessionEnded: string;
  connection: string;
  clientId: string;
  username: string;
  shownAs: string;
  connectedAt: string;
  /** `2024-04-05 10:00:00 (for 3 min 4 s)`. */
  connectedFor: (time: string, duration: string) => string;
  ipAndPort: string;
  tlsTerm: string;
  protocolTerm: string;
  listener: string;
  nodeTerm: string;
  subscriptions: string;
  loadingSubscriptions: string;
  noSubscriptions: string;
  qos: (qos: string) => string;
  sessionState: string;
  cleanSession: string;
  keepAlive: string;
  seconds: (n: string) => string;
  queuedMessages: string;
  droppedMessages: string;
  inFlight: string;
  ofMax: (n: string, max: string) => string;
  unlimited: string;
  traffic: string;
  messagesIn: string;
  messagesOut: string;
  bytesIn: string;
  bytesOut: string;
  packetsIn: string;
  packetsOut: string;
  yes: string;
  no: string;
  disconnect: string;
  disconnectAndBlock: string;

  // Health notes in the details
  healthHeading: string;
  stuckTitle: string;
  stuckNote: (sinceFirstSeen: boolean, time: string, keepAlive: string) => string;
  stuckStep1: string;
  stuckStep2: string;
  stuckStep3: string;
  takeoverTitle: string;
  /** `addresses` is the list of addresses (each in `<bdi>`), or `addressesNotSeen`. */
  takeoverNote: (flips: string, count: number, addresses: unknown) => unknown;
  addressesNotSeen: string;
  duplicateTitle: string;
  duplicateNote: (n: string, count: number) => string;
  noKeepAliveTitle: string;
  noKeepAliveNote: string;
  clientIdTitle: string;
  /** `reason` is one of `namingReasons`. */
  naming: (clear: boolean, reason: string) => string;

  // Durations (`2 d 3 h`, `3 h 4 min`, `4 min 5 s`, `5 s`)
  durationDays: (d: string, h: string) => string;
  durationHours: (h: string, m: string) => string;
  durationMinutes: (m: string, s: string) => string;
  durationSeconds: (s: string) => string;

  // Confirmation dialog
  confirmOneTitle: (block: boolean) => string;
  /** `clientId` is in `<bdi>`. */
  confirmOneText: (clientId: unknown, block: boolean) => unknown;
  blockFor: string;
  block5Minutes: string;
  block1Hour: string;
  block1Day: string;
  block7Days: string;
  /** The confirm button for several sessions: `Disconnect 3 sessions`. */
  disconnectSessions: (n: string, count: number) => string;
  confirmManyTitle: (n: string, count: number) => string;
  confirmManyText: (count: number) => string;
  staggered: (rate: string, seconds: string) => string;
  andMore: (n: string) => string;
  /** `n` is in `<strong>`. */
  typeToConfirm: (n: unknown) => unknown;
  typedLabel: string;
  disconnecting: (n: string, count: number) => string;
  disconnectProgress: string;
  progressDone: (done: string, total: string, summary: string | undefined) => string;
  disconnectFinished: string;
  results: string;
  retryFailed: string;
  close: string;
  outcomeDisconnected: string;
  outcomeAlreadyGone: string;
  outcomeFailed: string;
  outcomeCancelled: string;
  /** One part of a summary: `3 disconnected`. */
  outcomeCount: (n: string, outcome: string) => string;
  listSeparator: string;

  // Audit log
  exportAuditLog: string;
  closeAuditLog: string;
  auditEmpty: string;
  auditLatest: (shown: string, total: string) => string;
  auditDisconnect: string;
  auditDisconnectAndBlock: string;
  auditBulkDisconnect: string;
  auditBlockMinutes: (minutes: string) => string;
  auditBy: string;
  /** A client's outcome in the audit log. */
  auditOutcome: (outcome: 'disconnected' | 'already-gone' | 'failed' | 'cancelled') => string;
  /** Storage is unavailable (private mode, quota): `reason` is the browser's. */
  storageInMemory: (reason: string) => string;
  unnamedOperator: string;

  // Alerts
  /** The code that evaluates alert rules could not be loaded: `reason` is the browser's. */
  alertsNotLoaded: (reason: string) => string;
  /** A rule with an allowed network that is not one: `rule` is the rule in one line. */
  ruleNotChecked: (rule: string, entry: string) => string;
  acknowledgeAll: string;
  closeAlerts: string;
  noAlerts: string;
  acknowledged: string;
  acknowledge: string;
  alertRules: string;
  rulesFromPage: string;
  noRules: string;
  remove: string;
  removeRule: (rule: string) => string;
  addRule: string;
  rule: string;
  workspaceOptional: string;
  workspaceOptionalHint: string;
  ruleCountBelow: string;
  ruleSuddenDrop: string;
  ruleSpike: string;
  ruleReconnectStorm: string;
  ruleUnexpectedNetwork: string;
  ruleCriticalDisconnect: string;
  fieldThreshold: string;
  fieldPercent: string;
  fieldMinutes: string;
  fieldConnections: string;
  fieldClients: string;
  fieldReconnects: string;
  fieldAllowedNetworks: string;
  fieldLearningMinutes: string;
  fieldClientIds: string;
  errorThreshold: string;
  errorPercentMinutes: string;
  errorConnectionsMinutes: string;
  errorStorm: string;
  errorClientIds: string;
  /** An allowed network of an `unexpected-network` rule is no IP address or CIDR range. */
  errorAllowedNetwork: (text: string) => string;
  errorKind: string;

  // Trend chart
  trendSummary: (range: string, now: string, lo: string, hi: string, samples: number) => string;
  trendEmpty: (range: string) => string;
  trendRange: string;
  trendLastHour: string;
  trendLastDay: string;
  trendLastWeek: string;
  trendShortHour: string;
  trendShortDay: string;
  trendShortWeek: string;
}

/** The English defaults. */
export const EN: CsStrings = {
  activeSessions: 'Active sessions',
  searchLabel: 'Search sessions',
  searchPlaceholder: 'Search client ID or username',
  searchNote: (sources) => `Searched in this browser: ${sources} cannot search client IDs itself.`,
  refresh: 'Refresh',
  autoRefresh: 'Auto-refresh',
  export: 'Export',
  exportCsv: 'CSV',
  exportJson: 'JSON',
  columns: 'Columns',
  alerts: 'Alerts',
  auditLog: 'Audit log',
  exportHistory: 'Export history',
  workspace: 'Workspace',
  allWorkspaces: (n) => `All workspaces (${n})`,
  workspaceOption: (label, n) => `${label} (${n})`,

  countAll: (n, count) => `${n} ${en(count, 'active session', 'active sessions')}`,
  countFiltered: (shown, total, count) =>
    `${shown} of ${total} ${en(count, 'active session', 'active sessions')}`,
  provisional: (text) => `${text} (provisional)`,
  updatedJustNow: 'Updated just now',
  updatedAgo: (duration) => `Updated ${duration} ago`,
  stale: (text) => `${text} (stale)`,
  live: 'Live',
  liveConnecting: 'Live updates connecting…',
  liveDown: (detail) => `Live updates down${detail ? `: ${detail}` : ''}`,
  detailsLoadingLabel: 'Session details loading',
  detailsLoading: (done, total) => `Loading details: ${done} of ${total}`,

  noBroker: (src, source, workspaces) => [
    'No broker configured: set the ',
    src,
    ' attribute, or the ',
    source,
    ' or ',
    workspaces,
    ' property.',
  ],
  refreshFailed: (message, time) =>
    `Could not refresh: ${message} Showing the sessions as of ${time}.`,
  loadFailed: (message) => `Could not load sessions: ${message}`,
  skippedSessions: (n, count) =>
    `${n} ${en(count, 'session', 'sessions')} from the broker could not be read (no usable client ID) and ${en(count, 'is', 'are')} not shown.`,
  loadingSessions: 'Loading sessions…',
  noActiveSessions: 'No active sessions.',
  noMatchQuery: (query) => ['No sessions match “', query, '”.'],
  noMatchFilters: 'No sessions match the filters.',
  unexpectedError: (error) => `Unexpected error: ${error}`,
  sourceMessages: SOURCE_MESSAGES_EN,
  alertMessages: ALERT_MESSAGES_EN,
  namingReasons: NAMING_REASONS_EN,
  workspaceError: (workspace, message) => `Workspace ${workspace}: ${message}`,

  sessionsLoadingLabel: 'Sessions loading',
  loadingEvery: (loaded, total) =>
    `Loading every session: ${loaded}${total === undefined ? '' : ` of ${total}`}…`,
  clientMode: 'Client mode: every session is loaded; search and sort run in this browser.',
  serverMode: (searching, range, total) =>
    `Server mode: the broker pages${searching ? ' and searches' : ''}. Rows ${range}${total === undefined ? '' : ` of ${total}`}.`,
  rowRange: (first, last) => `${first}–${last}`,
  rowRangeNone: 'none',
  previousPage: 'Previous page',
  nextPage: 'Next page',

  selectAll: 'Select all',
  colClientId: 'Client ID',
  colUsername: 'Username',
  colConnectedAt: 'Connected at',
  colIp: 'IP address',
  colProtocol: 'Protocol',
  colSubscriptions: 'Subscriptions',
  colWorkspace: 'Workspace',
  selectRow: (clientId) => `Select ${clientId}`,
  loadingCell: 'Loading…',
  flagStuck: 'stuck',
  flagTakeover: 'takeover',
  flagDuplicate: 'duplicate',
  flagNoKeepAlive: 'no keep-alive',

  disconnectSelected: 'Disconnect selected',
  selectedCount: (n) => `${n} selected`,
  selectAllMatching: (n) => `Select all ${n} matching`,

  exporting: (n, format) => `Exporting ${n} sessions as ${format}…`,
  exportProgress: 'Export progress',
  cancel: 'Cancel',

  announceRefreshFailed: (message) => `Refresh failed: ${message}`,
  announceAlert: (message) => `Alert: ${message}`,
  announceNotConnected: (clientId) => `${clientId} is not connected.`,
  announceRefreshed: (n, count) =>
    `Refreshed: ${n} ${en(count, 'active session', 'active sessions')}.`,
  announceSelected: (n, count) => `${n} ${en(count, 'session', 'sessions')} selected.`,
  announceNoneSelected: 'No sessions selected.',
  forbiddenToDisconnect: (error) =>
    `these credentials may not disconnect clients (they may only read). ${error}`,
  announceForbidden: (clientId) =>
    `Could not disconnect ${clientId}: these credentials may not disconnect clients.`,
  announceAlreadyGone: (clientId) => `${clientId} had already disconnected.`,
  announceCancelledByPage: 'Disconnect cancelled by the page.',
  announceCouldNotDisconnect: (clientId) => `Could not disconnect ${clientId}.`,
  announceDisconnected: (clientId, blocked) =>
    `Disconnected ${clientId}${blocked ? ' and blocked it' : ''}.`,
  announceDisconnectFinished: (summary) => `Disconnect finished: ${summary}.`,
  announceExported: (n, format) => `Exported ${n} sessions as ${format}.`,
  announceExportCancelled: 'Export cancelled.',
  announceExportFailed: (error) => `Export failed: ${error}`,
  announceHistoryExported: (n) => `Exported ${n} history samples.`,
  announceAuditExported: (n) => `Exported ${n} audit entries.`,
  announceRuleAdded: 'Rule added.',
  couldNotDisconnect: (error) => `Could not disconnect: ${error}`,
  topicSearchUnsupported: 'This broker cannot search subscriptions.',

  planUsage: 'Plan usage',
  planText: (active, limit, percent) => `${active} / ${limit} (${percent})`,
  planOver: (text) => `${text}, at or over the plan limit`,
  planNear: (text) => `${text}, near the plan limit`,

  filters: 'Filters',
  node: 'Node',
  anyNode: 'Any node',
  protocol: 'Protocol',
  anyProtocol: 'Any protocol',
  protocolOption: (protocol) => `MQTT ${protocol}`,
  transport: 'Transport',
  anyTransport: 'Any transport',
  transportOption: (transport) => transport,
  tls: 'TLS',
  tlsAny: 'TLS or not',
  tlsOnly: 'TLS only',
  tlsWithout: 'Without TLS',
  ipLabel: 'IP or CIDR',
  ipMatchNotLoaded: (reason) =>
    `IP addresses and ranges cannot be read: the code that reads them could not be loaded (${reason}). Try again.`,
  ipPlaceholder: 'IP or CIDR, e.g. 10.0.0.0/8',
  addIpFilter: 'Add IP filter',
  activeFilters: 'Active filters',
  removeFilter: (filter) => `Remove filter ${filter}`,
  clearFilters: 'Clear filters',
  chipNode: (node) => `Node: ${node}`,
  chipProtocol: (protocol) => `Protocol: ${protocol}`,
  chipTransport: (transport) => `Transport: ${transport}`,
  chipTls: (tls) => `TLS: ${tls ? 'yes' : 'no'}`,
  chipIp: (ip) => `IP: ${ip}`,

  health: 'Health',
  healthStuck: 'Stuck',
  healthDuplicate: 'Duplicate or takeover',
  healthUnclear: 'Unclear client ID',
  healthNoKeepAlive: 'No keep-alive',
  healthQueued: 'Queued messages',
  withCount: (label, n) => `${label} (${n})`,
  topicLabel: 'Subscribed to topic',
  topicPlaceholder: 'Subscribed to topic, e.g. agents/7/state',
  filterByTopic: 'Filter by topic',
  topicChip: (topic) => `Subscribed to ${topic}`,

  sessionDetails: 'Session details',
  closeDetails: 'Close details',
  sessionEnded: 'This session has ended: the client is no longer connected.',
  connection: 'Connection',
  clientId: 'Client ID',
  username: 'Username',
  shownAs: 'Shown as',
  connectedAt: 'Connected at',
  connectedFor: (time, duration) => `${time} (for ${duration})`,
  ipAndPort: 'IP and port',
  tlsTerm: 'TLS',
  protocolTerm: 'Protocol',
  listener: 'Listener',
  nodeTerm: 'Node',
  subscriptions: 'Subscriptions',
  loadingSubscriptions: 'Loading subscriptions…',
  noSubscriptions: 'No subscriptions.',
  qos: (qos) => `(QoS ${qos})`,
  sessionState: 'Session state',
  cleanSession: 'Clean session',
  keepAlive: 'Keep alive',
  seconds: (n) => `${n} s`,
  queuedMessages: 'Queued messages',
  droppedMessages: 'Dropped messages',
  inFlight: 'In flight',
  ofMax: (n, max) => `${n} of ${max}`,
  unlimited: 'unlimited',
  traffic: 'Traffic',
  messagesIn: 'Messages in',
  messagesOut: 'Messages out',
  bytesIn: 'Bytes in',
  bytesOut: 'Bytes out',
  packetsIn: 'Packets in',
  packetsOut: 'Packets out',
  yes: 'yes',
  no: 'no',
  disconnect: 'Disconnect',
  disconnectAndBlock: 'Disconnect and block',

  healthHeading: 'Health',
  stuckTitle: 'Stuck:',
  stuckNote: (sinceFirstSeen, time, keepAlive) =>
    `nothing received from this client ${sinceFirstSeen ? 'since this view first saw it,' : 'since'} ${time}, longer than 1.5 × its keep-alive (${keepAlive} s). The connection may be half-open.`,
  stuckStep1: 'Note the "Connected at" time.',
  stuckStep2: 'Check if the keep-alive interval has passed without disconnect.',
  stuckStep3: 'If stuck, disconnect the session manually.',
  takeoverTitle: 'Two clients share this ID:',
  takeoverNote: (flips, count, addresses) => [
    `the session keeps being taken over (${flips} ${en(count, 'change', 'changes')} in the last 10 minutes) from `,
    addresses,
    '. Give each device its own client ID.',
  ],
  addressesNotSeen: 'addresses not yet seen',
  duplicateTitle: 'Duplicate:',
  duplicateNote: (n) => `${n} sessions share this client ID in this workspace. Possible causes:`,
  noKeepAliveTitle: 'No keep-alive:',
  noKeepAliveNote: 'the broker cannot detect a dead connection.',
  clientIdTitle: 'Client ID:',
  naming: (clear, reason) => `${clear ? 'clear' : 'unclear'} (${reason}).`,

  durationDays: (d, h) => `${d} d ${h} h`,
  durationHours: (h, m) => `${h} h ${m} min`,
  durationMinutes: (m, s) => `${m} min ${s} s`,
  durationSeconds: (s) => `${s} s`,

  confirmOneTitle: (block) =>
    block ? 'Disconnect and block this client?' : 'Disconnect this client?',
  confirmOneText: (clientId, block) => [
    clientId,
    ' will be disconnected at once. ',
    block
      ? 'The broker will refuse it when it tries to reconnect until the block ends.'
      : 'A client set to reconnect will start a new session.',
  ],
  blockFor: 'Block for',
  block5Minutes: '5 minutes',
  block1Hour: '1 hour',
  block1Day: '1 day',
  block7Days: '7 days',
  disconnectSessions: (n, count) => (count === 1 ? 'Disconnect' : `Disconnect ${n} sessions`),
  confirmManyTitle: (n, count) =>
    count === 1 ? 'Disconnect this client?' : `Disconnect ${n} sessions?`,
  confirmManyText: (count) =>
    `${count === 1 ? 'This client' : 'These clients'} will be disconnected.`,
  staggered: (rate, seconds) =>
    `To spare the broker a reconnection storm, they go ${rate} per second (about ${seconds} s).`,
  andMore: (n) => `and ${n} more`,
  typeToConfirm: (n) => ['That is more than half of all active sessions. Type ', n, ' to confirm.'],
  typedLabel: 'Number of sessions to disconnect',
  disconnecting: (n) => `Disconnecting ${n} sessions…`,
  disconnectProgress: 'Disconnect progress',
  progressDone: (done, total, summary) =>
    `${done} of ${total} done${summary ? `: ${summary}` : ''}.`,
  disconnectFinished: 'Disconnect finished',
  results: 'Results',
  retryFailed: 'Retry failed',
  close: 'Close',
  outcomeDisconnected: 'disconnected',
  outcomeAlreadyGone: 'already gone',
  outcomeFailed: 'failed',
  outcomeCancelled: 'not started (cancelled)',
  outcomeCount: (n, outcome) => `${n} ${outcome}`,
  listSeparator: ', ',

  exportAuditLog: 'Export audit log',
  closeAuditLog: 'Close audit log',
  auditEmpty: 'No disconnects made from this view in the last 90 days.',
  auditLatest: (shown, total) =>
    `The latest ${shown} of ${total} entries; the export has them all.`,
  auditDisconnect: 'Disconnect',
  auditDisconnectAndBlock: 'Disconnect and block',
  auditBulkDisconnect: 'Bulk disconnect',
  auditBlockMinutes: (minutes) => ` (${minutes} min)`,
  auditBy: 'by',
  auditOutcome: (outcome) =>
    ({
      disconnected: 'disconnected',
      'already-gone': 'already gone',
      failed: 'failed',
      cancelled: 'cancelled',
    })[outcome] ?? outcome,
  storageInMemory: (reason) =>
    `Settings, history and the audit log are kept in memory only: ${reason}.`,
  unnamedOperator: 'unnamed operator',

  alertsNotLoaded: (reason) =>
    `Alert rules are not checked: their code could not be loaded (${reason}). It is tried again with the next refresh.`,
  ruleNotChecked: (rule, entry) =>
    `The alert rule “${rule}” is not checked: ${JSON.stringify(entry)} is not an IP address or CIDR range. Write networks like 10.0.0.0/8 or 2001:db8::/32.`,
  acknowledgeAll: 'Acknowledge all',
  closeAlerts: 'Close alerts',
  noAlerts: 'No alerts.',
  acknowledged: '(acknowledged)',
  acknowledge: 'Acknowledge',
  alertRules: 'Alert rules',
  rulesFromPage: 'These rules are set by the page; changes here last until reload.',
  noRules: 'No rules yet.',
  remove: 'Remove',
  removeRule: (rule) => `Remove rule: ${rule}`,
  addRule: 'Add rule',
  rule: 'Rule',
  workspaceOptional: 'Workspace (optional)',
  workspaceOptionalHint: 'all',
  ruleCountBelow: 'Active sessions below a threshold',
  ruleSuddenDrop: 'Sudden drop',
  ruleSpike: 'Spike of new connections',
  ruleReconnectStorm: 'Reconnect storm',
  ruleUnexpectedNetwork: 'Connection from an unexpected network',
  ruleCriticalDisconnect: 'Critical client disconnects',
  fieldThreshold: 'Threshold',
  fieldPercent: 'Percent',
  fieldMinutes: 'Minutes',
  fieldConnections: 'Connections',
  fieldClients: 'Clients',
  fieldReconnects: 'Reconnects',
  fieldAllowedNetworks: 'Allowed networks',
  fieldLearningMinutes: 'Learning minutes',
  fieldClientIds: 'Client IDs',
  errorThreshold: 'The threshold must be a positive number.',
  errorPercentMinutes: 'Percent and minutes must be positive.',
  errorConnectionsMinutes: 'Connections and minutes must be positive.',
  errorStorm: 'Clients, reconnects and minutes must be positive.',
  errorClientIds: 'Name at least one client ID.',
  errorAllowedNetwork: (text) =>
    `${JSON.stringify(text)} is not an IP address or CIDR range: write networks like 10.0.0.0/8 or 2001:db8::/32, separated by commas.`,
  errorKind: 'Choose a kind of rule.',

  trendSummary: (range, now, lo, hi, samples) =>
    `Active sessions, ${range}: ${now} now, between ${lo} and ${hi}, ${samples} ${en(samples, 'sample', 'samples')}.`,
  trendEmpty: (range) => `Active sessions, ${range}: no history yet.`,
  trendRange: 'Trend range',
  trendLastHour: 'last hour',
  trendLastDay: 'last day',
  trendLastWeek: 'last week',
  trendShortHour: '1 h',
  trendShortDay: '1 d',
  trendShortWeek: '7 d',
};

/** Strings and locale together, with the number and date formatting of that locale. */
export interface Texts {
  readonly s: CsStrings;
  /** BCP 47 tag; undefined: the browser's locale. */
  readonly locale: string | undefined;
  /** A whole number, grouped as the locale groups (`1,234`, `1.234`). */
  num(value: number): string;
  /** A number, or an em dash when unknown. */
  count(value: number | undefined): string;
  /** A ratio as a whole percentage (`47%`). */
  percent(ratio: number): string;
  /** A time in the viewer's time zone, or an em dash when unknown. */
  dateTime(ms: number | undefined): string;
  /** A byte count as `512 B`, `1.5 KiB`. */
  bytes(value: number | undefined): string;
  /** A duration as `2 d 3 h`, `3 h 4 min`, `4 min 5 s` or `5 s`. */
  duration(ms: number): string;
  /** The header name of a column. */
  column(id: SortColumn): string;
  /** The label of a health filter. */
  healthFilter(id: HealthFilter): string;
  /** The label of a kind of alert rule. */
  ruleKind(kind: AlertKind): string;
}

const COLUMN_KEYS: Record<SortColumn, keyof CsStrings> = {
  clientId: 'colClientId',
  username: 'colUsername',
  connectedAt: 'colConnectedAt',
  ip: 'colIp',
  protocol: 'colProtocol',
  subscriptions: 'colSubscriptions',
  workspace: 'colWorkspace',
};

const HEALTH_KEYS: Record<HealthFilter, keyof CsStrings> = {
  stuck: 'healthStuck',
  duplicate: 'healthDuplicate',
  unclear: 'healthUnclear',
  'no-keepalive': 'healthNoKeepAlive',
  queued: 'healthQueued',
};

const RULE_KEYS: Record<AlertKind, keyof CsStrings> = {
  'count-below': 'ruleCountBelow',
  'sudden-drop': 'ruleSuddenDrop',
  spike: 'ruleSpike',
  'reconnect-storm': 'ruleReconnectStorm',
  'unexpected-network': 'ruleUnexpectedNetwork',
  'critical-disconnect': 'ruleCriticalDisconnect',
};

/** `EN` with the page's overrides; keys set to `undefined` keep the English default. */
/** The strings that are tables of messages by id (from the domain modules). */
const MESSAGE_TABLES = ['sourceMessages', 'alertMessages', 'namingReasons'] as const;

/** What a page may give as `strings`: any of them, and any entries of the message tables. */
export type CsStringsOverrides = Partial<Omit<CsStrings, (typeof MESSAGE_TABLES)[number]>> & {
  sourceMessages?: Partial<SourceMessages>;
  alertMessages?: Partial<AlertMessages>;
  namingReasons?: Partial<Record<NamingReasonId, string>>;
};

export function mergeStrings(overrides: CsStringsOverrides | undefined): CsStrings {
  if (!overrides) return EN;
  const merged: Record<string, unknown> = { ...EN };
  for (const [key, value] of Object.entries(overrides)) {
    if (value !== undefined && key in EN) merged[key] = value;
  }
  // The tables of messages merge entry by entry: a page may translate a few of them.
  for (const table of MESSAGE_TABLES) {
    const own = overrides[table];
    if (own) merged[table] = { ...EN[table], ...own };
  }
  return merged as unknown as CsStrings;
}

/** The strings and formatting of a locale (undefined: the browser's). */
export function texts(overrides?: CsStringsOverrides, locale?: string): Texts {
  const s = mergeStrings(overrides);
  let numbers: Intl.NumberFormat;
  let percents: Intl.NumberFormat;
  try {
    numbers = new Intl.NumberFormat(locale);
    percents = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 });
  } catch {
    // A malformed `locale` attribute: the browser's locale rather than a broken element.
    locale = undefined;
    numbers = new Intl.NumberFormat();
    percents = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
  }
  const num = (value: number) => numbers.format(value);
  return {
    s,
    locale,
    num,
    count: (value) => (value === undefined ? UNKNOWN : num(value)),
    percent: (ratio) => percents.format(ratio),
    dateTime: (ms) => formatDateTime(ms, locale),
    bytes: (value) => formatBytes(value, locale),
    duration(ms) {
      const total = Math.max(0, Math.floor(ms / 1000));
      const d = Math.floor(total / 86400);
      const h = Math.floor((total % 86400) / 3600);
      const m = Math.floor((total % 3600) / 60);
      const sec = total % 60;
      if (d > 0) return s.durationDays(num(d), num(h));
      if (h > 0) return s.durationHours(num(h), num(m));
      if (m > 0) return s.durationMinutes(num(m), num(sec));
      return s.durationSeconds(num(sec));
    },
    column: (id) => s[COLUMN_KEYS[id]] as string,
    healthFilter: (id) => s[HEALTH_KEYS[id]] as string,
    ruleKind: (kind) => s[RULE_KEYS[kind]] as string,
  };
}

/** English in the browser's locale: the default of every template. */
export const EN_TEXTS: Texts = texts();
