/**
 * Exports of what the table shows, as CSV (RFC 4180, safe in a spreadsheet) or JSON. Large
 * exports are built in chunks that yield to the page, with progress and cancel.
 *
 * CSV quoting is Papa Parse's (`unparse`), a well-kept library. Its own formula guard matches
 * `^[=+\-@\t\r].*$`, which misses a cell like `=cmd\n…` because `.` stops at a line break, so it
 * gets a stricter pattern: any cell starting with `=`, `+`, `-`, `@` (also after spaces, which
 * a spreadsheet may trim), tab or carriage return is prefixed with `'` (and quoted), so a
 * spreadsheet shows it as text. Papa Parse is loaded when a CSV is first built (load-papaparse.ts),
 * so the element's own code does not carry it.
 */
import type Papa from 'papaparse';
import type { SessionHealth } from '../analysis/health.js';
import { sessionKey, type Session } from '../model/session.js';
import { importPapa } from './load-papaparse.js';

export type ExportFormat = 'csv' | 'json';

/** One exported session: every field of the model, the workspace, node and the flags. */
export type ExportRecord = Record<string, string | number | boolean | null>;

/** Formula starts, also behind leading spaces (a spreadsheet may trim them on import). */
const FORMULA = /^[\s\u00a0\u200b\ufeff]*[=+\-@]|^[\t\r]/;

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());
const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** The columns of an export, in order. */
export const EXPORT_COLUMNS = [
  'clientId',
  'username',
  'displayUsername',
  'workspace',
  'workspaceLabel',
  'node',
  'connected',
  'connectedAt',
  'ip',
  'port',
  'protocol',
  'transport',
  'tls',
  'listener',
  'subscriptions',
  'cleanSession',
  'keepAlive',
  'expiryInterval',
  'queuedMessages',
  'queueMax',
  'queueDropped',
  'inflight',
  'inflightMax',
  'recvMessages',
  'sentMessages',
  'recvPackets',
  'sentPackets',
  'recvBytes',
  'sentBytes',
  'duplicate',
  'takeover',
  'stuck',
  'unclearId',
] as const;

export function toRecord(
  s: Session,
  health: SessionHealth | undefined,
  workspaceLabel?: (id: string | undefined) => string | undefined,
): ExportRecord {
  return {
    clientId: s.clientId,
    username: orNull(s.username),
    displayUsername: orNull(s.displayUsername),
    workspace: orNull(s.workspace),
    workspaceLabel: orNull(workspaceLabel?.(s.workspace)),
    node: orNull(s.node),
    connected: orNull(s.connected),
    connectedAt: iso(s.connectedAt),
    ip: orNull(s.ip),
    port: orNull(s.port),
    protocol: orNull(s.protocol),
    transport: orNull(s.transport),
    tls: orNull(s.tls),
    listener: orNull(s.listener),
    subscriptions: orNull(s.subscriptions),
    cleanSession: orNull(s.cleanSession),
    keepAlive: orNull(s.keepAlive),
    expiryInterval: orNull(s.expiryInterval),
    queuedMessages: orNull(s.queuedMessages),
    // JSON has no Infinity: an unlimited queue is written as "infinity", as EMQX does.
    queueMax: s.queueMax === Infinity ? 'infinity' : orNull(s.queueMax),
    queueDropped: orNull(s.queueDropped),
    inflight: orNull(s.inflight),
    inflightMax: orNull(s.inflightMax),
    recvMessages: orNull(s.recvMessages),
    sentMessages: orNull(s.sentMessages),
    recvPackets: orNull(s.recvPackets),
    sentPackets: orNull(s.sentPackets),
    recvBytes: orNull(s.recvBytes),
    sentBytes: orNull(s.sentBytes),
    duplicate: health ? health.duplicate !== undefined : null,
    takeover: health ? health.takeover !== undefined : null,
    stuck: health ? health.stuck !== undefined : null,
    unclearId: health ? health.naming.quality === 'unclear' : null,
  };
}

/**
 * Papa Parse, loaded on first use. A failure (the single-file script's companion file missing or
 * unreachable) rejects with a message that says so, for the export's error message.
 */
async function loadPapa(): Promise<typeof Papa> {
  try {
    return await importPapa();
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`the CSV library (Papa Parse) could not be loaded: ${why}`, { cause: error });
  }
}

function csvOf(papa: typeof Papa, records: readonly ExportRecord[], header: boolean): string {
  return papa.unparse(
    {
      fields: [...EXPORT_COLUMNS],
      data: records.map((r) => EXPORT_COLUMNS.map((c) => r[c] ?? '')),
    },
    { header, newline: '\r\n', escapeFormulae: FORMULA, quotes: false },
  );
}

/** CSV text of records (no trailing newline), quoting per RFC 4180 and neutralising formulas. */
export async function toCsv(records: readonly ExportRecord[], header: boolean): Promise<string> {
  return csvOf(await loadPapa(), records, header);
}

/** `active-sessions-<workspace>-<UTC timestamp>.csv` */
export function exportFilename(workspace: string, format: ExportFormat, at: number): string {
  const slug =
    workspace
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .replace(/[^A-Za-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .toLowerCase()
      .slice(0, 40) || 'workspace';
  const stamp = new Date(at)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `active-sessions-${slug}-${stamp}.${format}`;
}

export interface BuildExportOptions {
  format: ExportFormat;
  /** Workspace label for the JSON header and the file name. */
  workspace: string;
  health?: (s: Session) => SessionHealth | undefined;
  workspaceLabel?: (id: string | undefined) => string | undefined;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
  /** Rows per chunk between yields to the page. */
  chunkSize?: number;
  now?: number;
}

/**
 * Lets the page handle input, timers and paint between chunks. A macrotask, not
 * `scheduler.yield()`: that continuation runs ahead of the page's own timers, starving them.
 */
function yieldToPage(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Builds the export file; rejects with an `AbortError` when cancelled. */
export async function buildExport(
  sessions: readonly Session[],
  options: BuildExportOptions,
): Promise<Blob> {
  const { format, signal } = options;
  const chunkSize = options.chunkSize ?? 2000;
  // Each chunk a Blob of its own at once. A chunk's text is a rope of its cells, many times its
  // length in memory: 100,000 rows of them held until the end would double the page's. A Blob
  // takes the text as UTF-8 and Chromium keeps its bytes in the browser process, not the page's.
  // At 100,000 rows (21 MB of CSV) the export raised the renderer's peak in the bench by 0 and
  // 15 MB, against 41 and 44 with each chunk kept as a Uint8Array until the end.
  const parts: Blob[] = [];
  const part = (text: string) => parts.push(new Blob([text]));
  // Before the first chunk: a CSV library that cannot be loaded fails the export at once.
  const papa = format === 'csv' ? await loadPapa() : undefined;
  if (format === 'json') {
    const head = {
      exportedAt: new Date(options.now ?? Date.now()).toISOString(),
      workspace: options.workspace,
      count: sessions.length,
    };
    part(`${JSON.stringify(head).slice(0, -1)},"sessions":[`);
  }
  for (let i = 0; i < sessions.length || (i === 0 && format === 'csv'); i += chunkSize) {
    signal?.throwIfAborted();
    const records = sessions
      .slice(i, i + chunkSize)
      .map((s) => toRecord(s, options.health?.(s), options.workspaceLabel));
    if (papa) {
      part((i === 0 ? '' : '\r\n') + csvOf(papa, records, i === 0));
    } else {
      part((i === 0 ? '' : ',') + records.map((r) => JSON.stringify(r)).join(','));
    }
    options.onProgress?.(Math.min(sessions.length, i + chunkSize), sessions.length);
    await yieldToPage();
  }
  signal?.throwIfAborted();
  part(format === 'json' ? ']}' : '\r\n');
  const type = format === 'csv' ? 'text/csv;charset=utf-8' : 'application/json';
  return new Blob(parts, { type });
}

/** Reads a JSON export back into sessions (keys are rebuilt; the source is not in the file). */
export function sessionsFromJsonExport(text: string): Session[] {
  const body = JSON.parse(text) as { sessions?: ExportRecord[] };
  if (!Array.isArray(body.sessions)) throw new Error('Not a cs-active-sessions JSON export');
  const u = <T>(v: unknown): T | undefined => (v === null ? undefined : (v as T));
  return body.sessions.map((r) => ({
    key: sessionKey(u<string>(r['node']), String(r['clientId'])),
    clientId: String(r['clientId']),
    username: u(r['username']),
    displayUsername: u(r['displayUsername']),
    workspace: u(r['workspace']),
    node: u(r['node']),
    connected: u(r['connected']),
    connectedAt: r['connectedAt'] === null ? undefined : Date.parse(String(r['connectedAt'])),
    ip: u(r['ip']),
    port: u(r['port']),
    protocol: u(r['protocol']),
    transport: u(r['transport']),
    tls: u(r['tls']),
    listener: u(r['listener']),
    subscriptions: u(r['subscriptions']),
    cleanSession: u(r['cleanSession']),
    keepAlive: u(r['keepAlive']),
    expiryInterval: u(r['expiryInterval']),
    queuedMessages: u(r['queuedMessages']),
    queueMax: r['queueMax'] === 'infinity' ? Infinity : u(r['queueMax']),
    queueDropped: u(r['queueDropped']),
    inflight: u(r['inflight']),
    inflightMax: u(r['inflightMax']),
    recvMessages: u(r['recvMessages']),
    sentMessages: u(r['sentMessages']),
    recvPackets: u(r['recvPackets']),
    sentPackets: u(r['sentPackets']),
    recvBytes: u(r['recvBytes']),
    sentBytes: u(r['sentBytes']),
  }));
}

const guardedCsv = async (fields: string[], data: unknown[][]) =>
  (await loadPapa()).unparse({ fields, data }, { newline: '\r\n', escapeFormulae: FORMULA }) +
  '\r\n';

/** The count history of a series as CSV (ISO 8601 UTC times). */
export function historyToCsv(
  samples: readonly {
    workspace: string;
    t: number;
    resolution: string;
    active: number;
    min: number;
    max: number;
    new: number;
    gone: number;
  }[],
): Promise<string> {
  return guardedCsv(
    ['time', 'workspace', 'resolution', 'active', 'min', 'max', 'new', 'gone'],
    samples.map((s) => [
      new Date(s.t).toISOString(),
      s.workspace,
      s.resolution,
      s.active,
      s.min,
      s.max,
      s.new,
      s.gone,
    ]),
  );
}

/** The audit log as CSV: one row per client of each action. */
export function auditToCsv(
  entries: readonly {
    t: number;
    action: string;
    workspace: string;
    operator: string;
    blockSeconds?: number;
    results: readonly { clientId: string; outcome: string; error?: string }[];
  }[],
): Promise<string> {
  return guardedCsv(
    ['time', 'action', 'workspace', 'operator', 'blockSeconds', 'clientId', 'result', 'error'],
    entries.flatMap((e) =>
      e.results.map((r) => [
        new Date(e.t).toISOString(),
        e.action,
        e.workspace,
        e.operator,
        e.blockSeconds ?? '',
        r.clientId,
        r.outcome,
        r.error ?? '',
      ]),
    ),
  );
}
