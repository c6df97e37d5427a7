/**
 * The EMQX v5 management API subset the dev broker speaks, with EMQX's field names, status codes
 * and error bodies (`shared/docs/brokers.md`). Unknown query parameters are ignored, as in EMQX.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { BanKind, BanList } from './bans.js';
import { faultBody, isRefused, takeApiFault, updateFaults, type Faults } from './faults.js';
import { markKicked, unreap, type BrokerNode } from './node.js';
import type { SessionRecord } from './session-registry.js';
import { INFLIGHT_MAX } from './traffic.js';
import { parseShared, topicMatches } from '../../src/analysis/topic.js';

/** The slice of aedes persistence the API reads for disconnected persistent sessions. */
export interface PersistenceReader {
  subscriptionsByClient(client: { id: string }): Promise<unknown>;
  outgoingStream(client: { id: string }): AsyncIterable<unknown>;
  cleanSubscriptions(client: { id: string; clean: boolean }): Promise<unknown>;
}

export interface EmqxApiOptions {
  /** The cluster's nodes; the API answers for all of them, as any EMQX node does. */
  nodes: readonly BrokerNode[];
  apiKey: string;
  apiSecret: string;
  /**
   * A second API key with EMQX's `viewer` role: it reads everything, and every call that would
   * change state (any method but `GET`) gets EMQX's 403 `UNAUTHORIZED_ROLE`.
   */
  viewer?: { apiKey: string; apiSecret: string };
  bans: BanList;
  faults: Faults;
  fleetActions?: Map<string, (body: unknown) => Promise<unknown>>;
  /** The dashboard user of `POST /login` (EMQX's default: admin / public). */
  login?: { username: string; password: string };
  /** How long a login token lives (EMQX: 60 minutes). */
  tokenTtlMs?: number;
  /** Where every management API request is recorded (not `/dev/` nor preflight); newest last. */
  requestLog?: RequestLogEntry[];
}

/** One management API request as the broker saw it (`GET /dev/requests`). */
export interface RequestLogEntry {
  /** When it arrived, epoch milliseconds. */
  t: number;
  method: string;
  path: string;
  /** The status answered; 0 while none has been (a hang, or a connection dropped first). */
  status: number;
  /** Whether an injected API fault hit it. */
  fault?: boolean;
}

/** Requests kept in the log; older ones are dropped. */
const REQUEST_LOG_MAX = 20_000;

/** Bearer tokens issued by `POST /login`, with when they expire. */
class Tokens {
  readonly #expiry = new Map<string, number>();
  /** Logins so far (successful, and all tried), for tests of token renewal. */
  issued = 0;
  attempts = 0;
  constructor(readonly ttlMs: number) {}
  issue(): string {
    const token = randomBytes(24).toString('base64url');
    this.#expiry.set(token, Date.now() + this.ttlMs);
    this.issued++;
    return token;
  }
  valid(token: string): boolean {
    const expiry = this.#expiry.get(token);
    if (expiry === undefined) return false;
    if (Date.now() < expiry) return true;
    this.#expiry.delete(token);
    return false;
  }
}

/** Every field of a client object, in EMQX's order; `fields=` may pick a subset. */
const CLIENT_FIELDS = [
  'clientid',
  'username',
  'node',
  'ip_address',
  'port',
  'listener',
  'proto_name',
  'proto_ver',
  'connected',
  'connected_at',
  'created_at',
  'disconnected_at',
  'clean_start',
  'keepalive',
  'expiry_interval',
  'is_bridge',
  'is_persistent',
  'subscriptions_cnt',
  'subscriptions_max',
  'mqueue_len',
  'mqueue_max',
  'mqueue_dropped',
  'inflight_cnt',
  'inflight_max',
  'awaiting_rel_cnt',
  'awaiting_rel_max',
  'heap_size',
  'mailbox_len',
  'recv_oct',
  'recv_pkt',
  'recv_cnt',
  'recv_msg',
  'send_oct',
  'send_pkt',
  'send_cnt',
  'send_msg',
  'mountpoint',
] as const;

const BAN_KINDS: readonly BanKind[] = ['clientid', 'username', 'peerhost'];

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const LOOPBACK_ORIGIN = /^https?:\/\/(127(?:\.\d{1,3}){3}|localhost|\[::1\])(:\d+)?$/;

/** RFC 3339 with milliseconds and the local offset, as EMQX prints times. */
export function rfc3339(ms: number): string {
  const date = new Date(ms);
  const offset = -date.getTimezoneOffset();
  const local = new Date(ms + offset * 60_000).toISOString().slice(0, 23);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${sign}${hh}:${mm}`;
}

interface ClientFilters {
  connState?: string;
  node?: string;
  clientIds: string[];
  usernames: string[];
  ipAddress?: string;
  protoVer?: number;
  cleanStart?: boolean;
  likeClientId?: string;
  likeUsername?: string;
  gteConnectedAt?: number;
  lteConnectedAt?: number;
  gteCreatedAt?: number;
  lteCreatedAt?: number;
}

function positiveInt(params: URLSearchParams, name: string, fallback: number, max?: number) {
  const raw = params.get(name);
  if (raw === null) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || (max !== undefined && Number(raw) > max)) {
    throw new ApiError(
      400,
      'BAD_REQUEST',
      `${name}: expected an integer from 1${max !== undefined ? ` to ${max}` : ''}, got ${JSON.stringify(raw)}`,
    );
  }
  return Number(raw);
}

function timestamp(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null) return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (Number.isNaN(ms)) {
    throw new ApiError(400, 'BAD_REQUEST', `${name}: expected epoch milliseconds or RFC 3339`);
  }
  return ms;
}

function parseFilters(params: URLSearchParams): ClientFilters {
  const connState = params.get('conn_state') ?? undefined;
  if (connState !== undefined && !['connected', 'idle', 'disconnected'].includes(connState)) {
    throw new ApiError(400, 'BAD_REQUEST', 'conn_state: expected connected, idle or disconnected');
  }
  const ipAddress = params.get('ip_address') ?? undefined;
  if (ipAddress !== undefined && isIP(ipAddress) === 0) {
    throw new ApiError(
      400,
      'BAD_REQUEST',
      `ip_address: ${JSON.stringify(ipAddress)} is not an IP address`,
    );
  }
  const protoVerRaw = params.get('proto_ver');
  if (protoVerRaw !== null && !['3', '4', '5'].includes(protoVerRaw)) {
    throw new ApiError(400, 'BAD_REQUEST', 'proto_ver: expected 3, 4 or 5');
  }
  const cleanRaw = params.get('clean_start');
  if (cleanRaw !== null && cleanRaw !== 'true' && cleanRaw !== 'false') {
    throw new ApiError(400, 'BAD_REQUEST', 'clean_start: expected true or false');
  }
  return {
    connState,
    node: params.get('node') ?? undefined,
    clientIds: params.getAll('clientid'),
    usernames: params.getAll('username'),
    ipAddress,
    protoVer: protoVerRaw === null ? undefined : Number(protoVerRaw),
    cleanStart: cleanRaw === null ? undefined : cleanRaw === 'true',
    likeClientId: params.get('like_clientid') ?? undefined,
    likeUsername: params.get('like_username') ?? undefined,
    gteConnectedAt: timestamp(params, 'gte_connected_at'),
    lteConnectedAt: timestamp(params, 'lte_connected_at'),
    gteCreatedAt: timestamp(params, 'gte_created_at'),
    lteCreatedAt: timestamp(params, 'lte_created_at'),
  };
}

function matches(r: SessionRecord, f: ClientFilters): boolean {
  const connected = r.client !== undefined;
  if (f.connState === 'connected' && !connected) return false;
  if (f.connState === 'disconnected' && connected) return false;
  // aedes never reports a session between CONNECT and CONNACK, so nothing is ever idle.
  if (f.connState === 'idle') return false;
  if (f.node !== undefined && f.node !== r.node) return false;
  if (f.clientIds.length && !f.clientIds.includes(r.clientId)) return false;
  if (f.usernames.length && (r.username === null || !f.usernames.includes(r.username)))
    return false;
  if (f.ipAddress !== undefined && r.ip !== f.ipAddress) return false;
  if (f.protoVer !== undefined && r.protoVer !== f.protoVer) return false;
  if (f.cleanStart !== undefined && r.clean !== f.cleanStart) return false;
  // EMQX's like_* is a case-sensitive substring match.
  if (f.likeClientId !== undefined && !r.clientId.includes(f.likeClientId)) return false;
  if (f.likeUsername !== undefined && !(r.username ?? '').includes(f.likeUsername)) return false;
  if (f.gteConnectedAt !== undefined && r.connectedAt < f.gteConnectedAt) return false;
  if (f.lteConnectedAt !== undefined && r.connectedAt > f.lteConnectedAt) return false;
  if (f.gteCreatedAt !== undefined && r.createdAt < f.gteCreatedAt) return false;
  if (f.lteCreatedAt !== undefined && r.createdAt > f.lteCreatedAt) return false;
  return true;
}

interface PersistenceOf {
  persistence: PersistenceReader;
}

interface SubscriptionJson {
  topic: string;
  qos: number;
  nl: number;
  rap: number;
  rh: number;
}

function subscriptionJson(
  topic: string,
  s: { qos: number; nl?: boolean; rap?: boolean; rh?: number },
): SubscriptionJson {
  return { topic, qos: s.qos, nl: s.nl ? 1 : 0, rap: s.rap ? 1 : 0, rh: s.rh ?? 0 };
}

async function readBodyText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1_000_000) throw new ApiError(413, 'BAD_REQUEST', 'Request body too large');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'BAD_REQUEST', 'Request body is not valid JSON');
  }
}

export function createEmqxApi(options: EmqxApiOptions) {
  const { nodes, bans, faults } = options;
  const login = options.login ?? { username: 'admin', password: 'public' };
  const tokens = new Tokens(options.tokenTtlMs ?? 60 * 60_000);
  const requestLog = options.requestLog ?? [];

  /** Faults set at run time reach clients already connected: unreaped, or dropped. */
  function applyToConnected(): void {
    for (const r of allRecords()) {
      if (!r.client) continue;
      if (faults.unreaped.includes(r.clientId)) unreap(r.client);
      if (isRefused(faults, r.clientId)) r.client.close();
    }
  }

  const nodeOf = (r: SessionRecord) => nodes.find((n) => n.name === r.node)!;
  const persistenceOf = (r: SessionRecord) =>
    (nodeOf(r).aedes as unknown as PersistenceOf).persistence;
  const allRecords = () => nodes.flatMap((n) => n.registry.all());
  const recordsOf = (clientId: string) =>
    nodes.map((n) => n.registry.get(clientId)).filter((r): r is SessionRecord => r !== undefined);

  /** Messages waiting for a client: unacknowledged beyond the in-flight window, or stored offline. */
  async function pending(r: SessionRecord): Promise<{ inflight: number; queued: number }> {
    if (r.client) {
      const unacked = r.counters.unacked.size;
      return {
        inflight: Math.min(unacked, INFLIGHT_MAX),
        queued: Math.max(0, unacked - INFLIGHT_MAX),
      };
    }
    let n = 0;
    for await (const _ of persistenceOf(r).outgoingStream({ id: r.clientId })) n++;
    return { inflight: 0, queued: n };
  }

  async function subscriptionsOf(r: SessionRecord): Promise<SubscriptionJson[]> {
    if (r.client) {
      const subs = (r.client as unknown as { subscriptions: Record<string, { qos: number }> })
        .subscriptions;
      return Object.entries(subs).map(([topic, sub]) => subscriptionJson(topic, sub));
    }
    const stored = await persistenceOf(r).subscriptionsByClient({ id: r.clientId });
    const list = Array.isArray(stored) ? (stored as { topic: string; qos: number }[]) : [];
    return list.map((sub) => subscriptionJson(sub.topic, sub));
  }

  async function clientJson(r: SessionRecord, fields?: readonly string[]) {
    const subscriptions = await subscriptionsOf(r);
    const { inflight, queued } = await pending(r);
    const c = r.counters;
    const all: Record<string, unknown> = {
      clientid: r.clientId,
      username: r.username,
      node: r.node,
      ip_address: r.ip,
      port: r.port,
      listener: r.listener,
      proto_name: r.protoName,
      proto_ver: r.protoVer,
      connected: r.client !== undefined,
      connected_at: rfc3339(r.connectedAt),
      created_at: rfc3339(r.createdAt),
      disconnected_at: r.disconnectedAt === undefined ? undefined : rfc3339(r.disconnectedAt),
      clean_start: r.clean,
      keepalive: r.keepalive,
      // MQTT 3: a clean session ends with the connection; EMQX's default expiry is 2 h.
      expiry_interval: r.clean ? 0 : 7200,
      is_bridge: false,
      is_persistent: !r.clean,
      subscriptions_cnt: subscriptions.length,
      subscriptions_max: 'infinity',
      mqueue_len: queued,
      mqueue_max: 1000,
      // aedes never drops a queued message, so nothing is ever dropped here.
      mqueue_dropped: 0,
      inflight_cnt: inflight,
      inflight_max: INFLIGHT_MAX,
      awaiting_rel_cnt: c.awaitingRel.size,
      awaiting_rel_max: 100,
      heap_size: 0,
      mailbox_len: 0,
      recv_oct: c.recv_oct,
      recv_pkt: c.recv_pkt,
      recv_cnt: c.recv_cnt,
      recv_msg: c.recv_msg,
      send_oct: c.send_oct,
      send_pkt: c.send_pkt,
      send_cnt: c.send_cnt,
      send_msg: c.send_msg,
    };
    const out: Record<string, unknown> = {};
    for (const key of fields ?? CLIENT_FIELDS) if (all[key] !== undefined) out[key] = all[key];
    return out;
  }

  function parseFields(params: URLSearchParams): readonly string[] | undefined {
    const raw = params.get('fields');
    if (raw === null || raw === 'all') return undefined;
    const fields = raw
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean);
    const unknown = fields.filter((f) => !(CLIENT_FIELDS as readonly string[]).includes(f));
    if (unknown.length || fields.length === 0) {
      throw new ApiError(
        400,
        'BAD_REQUEST',
        `fields: unknown field ${JSON.stringify(unknown[0] ?? raw)}`,
      );
    }
    return fields;
  }

  function find(clientId: string): SessionRecord {
    const r = recordsOf(clientId)[0];
    if (!r) throw new ApiError(404, 'CLIENTID_NOT_FOUND', 'Client ID not found');
    return r;
  }

  /**
   * Kicks a client now, or after the answer when the `kickDelayMs` fault is set (the client
   * stays connected and listed until then).
   */
  async function kickAsAnswered(clientId: string): Promise<void> {
    const delay = faults.kickDelayMs;
    if (!delay) {
      await kick(clientId);
      return;
    }
    setTimeout(() => {
      kick(clientId).catch(() => undefined);
    }, delay);
  }

  /** Kicks a client on every node that holds it (a kick discards the session, as in EMQX). */
  async function kick(clientId: string): Promise<boolean> {
    const records = recordsOf(clientId);
    await Promise.all(
      records.map(async (r) => {
        nodeOf(r).registry.delete(clientId);
        const client = r.client;
        if (client) {
          markKicked(client);
          await new Promise<void>((resolve) => client.close(() => resolve()));
        }
        // A kick discards the session: a persistent client comes back to a fresh one.
        if (!r.clean) await persistenceOf(r).cleanSubscriptions({ id: clientId, clean: false });
      }),
    );
    return records.length > 0;
  }

  async function listClients(params: URLSearchParams) {
    const page = positiveInt(params, 'page', 1);
    const limit = positiveInt(params, 'limit', 100, 10_000);
    const filters = parseFilters(params);
    const fields = parseFields(params);
    const all = allRecords().filter((r) => matches(r, filters));
    const start = (page - 1) * limit;
    const data = await Promise.all(
      all.slice(start, start + limit).map((r) => clientJson(r, fields)),
    );
    const fuzzy = filters.likeClientId !== undefined || filters.likeUsername !== undefined;
    const meta: Record<string, unknown> = { page, limit, hasnext: start + limit < all.length };
    // EMQX leaves the total out whenever a fuzzy (like_*) filter is in use.
    if (!fuzzy) meta['count'] = all.length;
    return { data, meta };
  }

  /**
   * `GET /clients_v2` (EMQX 5.7+): cursor paging. The cursor is opaque to callers; here it
   * names the last client returned, so a page never repeats or skips a client that stays
   * connected while others come and go.
   */
  async function listClientsByCursor(params: URLSearchParams) {
    const limit = positiveInt(params, 'limit', 100, 10_000);
    const filters = parseFilters(params);
    const fields = parseFields(params);
    let after: [string, string] | undefined;
    const cursor = params.get('cursor');
    if (cursor !== null) {
      try {
        after = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
        if (!Array.isArray(after) || after.length !== 2) throw new Error('bad cursor');
      } catch {
        throw new ApiError(400, 'BAD_REQUEST', 'cursor: not a cursor this broker gave out');
      }
    }
    // A stable order (node, client ID) that does not depend on connection order.
    const all = allRecords()
      .filter((r) => matches(r, filters))
      .sort((a, b) => (a.node === b.node ? cmp(a.clientId, b.clientId) : cmp(a.node, b.node)));
    const start = after
      ? all.findIndex(
          (r) =>
            cmp(r.node, after![0]) > 0 || (r.node === after![0] && cmp(r.clientId, after![1]) > 0),
        )
      : 0;
    const page = start < 0 ? [] : all.slice(start, start + limit);
    const data = await Promise.all(page.map((r) => clientJson(r, fields)));
    const meta: Record<string, unknown> = { count: data.length };
    const last = page.at(-1);
    if (last && start + limit < all.length) {
      meta['cursor'] = Buffer.from(JSON.stringify([last.node, last.clientId])).toString(
        'base64url',
      );
    }
    return { data, meta };
  }

  /** `GET /subscriptions`: every subscription, filtered as EMQX filters them. */
  async function listSubscriptions(params: URLSearchParams) {
    const page = positiveInt(params, 'page', 1);
    const limit = positiveInt(params, 'limit', 100, 10_000);
    const clientId = params.get('clientid');
    const topic = params.get('topic');
    const matchTopic = params.get('match_topic');
    const node = params.get('node');
    const shareGroup = params.get('share_group');
    const qosRaw = params.get('qos');
    if (qosRaw !== null && !['0', '1', '2'].includes(qosRaw)) {
      throw new ApiError(400, 'BAD_REQUEST', 'qos: expected 0, 1 or 2');
    }
    const all: Record<string, unknown>[] = [];
    for (const r of allRecords()) {
      if (r.client === undefined) continue;
      if (clientId !== null && r.clientId !== clientId) continue;
      if (node !== null && r.node !== node) continue;
      for (const sub of await subscriptionsOf(r)) {
        const shared = parseShared(sub.topic);
        if (topic !== null && sub.topic !== topic) continue;
        if (matchTopic !== null && !topicMatches(sub.topic, matchTopic)) continue;
        if (shareGroup !== null && shared.group !== shareGroup) continue;
        if (qosRaw !== null && sub.qos !== Number(qosRaw)) continue;
        all.push({ clientid: r.clientId, node: r.node, ...sub, durable: false });
      }
    }
    const start = (page - 1) * limit;
    const meta: Record<string, unknown> = { page, limit, hasnext: start + limit < all.length };
    // As with like_* on clients, a fuzzy match leaves the total out.
    if (matchTopic === null) meta['count'] = all.length;
    return { data: all.slice(start, start + limit), meta };
  }

  const peaks = new Map<string, { connections: number; live: number; subscriptions: number }>();

  async function stats(params: URLSearchParams) {
    const aggregate = params.get('aggregate');
    if (aggregate !== null && aggregate !== 'true' && aggregate !== 'false') {
      throw new ApiError(400, 'BAD_REQUEST', 'aggregate: expected true or false');
    }
    const perNode = await Promise.all(
      nodes.map(async (n) => {
        const records = n.registry.all();
        const live = records.filter((r) => r.client !== undefined).length;
        let subscriptions = 0;
        for (const r of records) subscriptions += (await subscriptionsOf(r)).length;
        // `.max` is the high-water mark since start, as in EMQX (seen when stats are asked).
        const peak = peaks.get(n.name) ?? { connections: 0, live: 0, subscriptions: 0 };
        peak.connections = Math.max(peak.connections, records.length);
        peak.live = Math.max(peak.live, live);
        peak.subscriptions = Math.max(peak.subscriptions, subscriptions);
        peaks.set(n.name, peak);
        return {
          node: n.name,
          'connections.count': records.length,
          'connections.max': peak.connections,
          'live_connections.count': live,
          'live_connections.max': peak.live,
          'sessions.count': records.length,
          'sessions.max': peak.connections,
          'subscriptions.count': subscriptions,
          'subscriptions.max': peak.subscriptions,
          'subscribers.count': subscriptions,
          'subscribers.max': peak.subscriptions,
        };
      }),
    );
    if (aggregate !== 'true') return perNode;
    const sum: Record<string, number> = {};
    for (const entry of perNode) {
      for (const [key, value] of Object.entries(entry)) {
        if (typeof value === 'number') sum[key] = (sum[key] ?? 0) + value;
      }
    }
    return sum;
  }

  const banJson = (b: {
    as: string;
    who: string;
    by: string;
    reason: string;
    at: number;
    until: number;
  }) => ({
    as: b.as,
    who: b.who,
    by: b.by,
    reason: b.reason,
    at: rfc3339(b.at),
    until: rfc3339(b.until),
  });

  async function addBan(body: unknown) {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new ApiError(400, 'BAD_REQUEST', 'expected a JSON object');
    }
    const b = body as Record<string, unknown>;
    const as = b['as'];
    const who = b['who'];
    if (typeof as !== 'string' || !BAN_KINDS.includes(as as BanKind)) {
      throw new ApiError(400, 'BAD_REQUEST', 'as: expected clientid, username or peerhost');
    }
    if (typeof who !== 'string' || who === '')
      throw new ApiError(400, 'BAD_REQUEST', 'who: required');
    const time = (v: unknown, name: string, fallback: number) => {
      if (v === undefined) return fallback;
      // RFC 3339, or epoch seconds as a number.
      const ms = typeof v === 'string' ? Date.parse(v) : typeof v === 'number' ? v * 1000 : NaN;
      if (Number.isNaN(ms)) {
        throw new ApiError(400, 'BAD_REQUEST', `${name}: expected RFC 3339 or epoch seconds`);
      }
      return ms;
    };
    const now = Date.now();
    const at = time(b['at'], 'at', now);
    const until = time(b['until'], 'until', at + 365 * 86_400_000);
    if (until <= now) throw new ApiError(400, 'BAD_REQUEST', 'until: must be in the future');
    const ban = {
      as: as as BanKind,
      who,
      by: typeof b['by'] === 'string' ? b['by'] : 'mgmt_api',
      reason: typeof b['reason'] === 'string' ? b['reason'] : '',
      at,
      until,
    };
    if (!bans.add(ban)) throw new ApiError(400, 'ALREADY_EXISTS', 'Banned object already exists');
    return banJson(ban);
  }

  async function route(
    req: IncomingMessage,
    method: string,
    path: string,
    params: URLSearchParams,
  ) {
    const notAllowed = () => new ApiError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
    const slow = () =>
      faults.listDelayMs ? new Promise((r) => setTimeout(r, faults.listDelayMs)) : undefined;
    if (path === '/api/v5/clients') {
      if (method !== 'GET') throw notAllowed();
      await slow();
      return { status: 200, body: await listClients(params) };
    }
    if (path === '/api/v5/clients_v2') {
      if (method !== 'GET') throw notAllowed();
      await slow();
      return { status: 200, body: await listClientsByCursor(params) };
    }
    if (path === '/api/v5/clients/kickout/bulk') {
      if (method !== 'POST') throw notAllowed();
      const ids = await readBody(req);
      if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
        throw new ApiError(400, 'BAD_REQUEST', 'expected a JSON array of client IDs');
      }
      // Like EMQX, 204 whatever happened to each client: callers confirm from the list.
      await Promise.all(ids.filter((id) => !faults.kickFailures.includes(id)).map(kickAsAnswered));
      return { status: 204, body: undefined };
    }
    if (path === '/api/v5/subscriptions') {
      if (method !== 'GET') throw notAllowed();
      return { status: 200, body: await listSubscriptions(params) };
    }
    if (path === '/api/v5/stats') {
      if (method !== 'GET') throw notAllowed();
      return { status: 200, body: await stats(params) };
    }
    if (path === '/api/v5/banned') {
      if (method === 'GET') {
        const page = positiveInt(params, 'page', 1);
        const limit = positiveInt(params, 'limit', 100, 10_000);
        const active = bans.active();
        const start = (page - 1) * limit;
        return {
          status: 200,
          body: {
            data: active.slice(start, start + limit).map(banJson),
            meta: { page, limit, hasnext: start + limit < active.length, count: active.length },
          },
        };
      }
      if (method === 'POST') return { status: 200, body: await addBan(await readBody(req)) };
      if (method === 'DELETE') {
        bans.clear();
        return { status: 204, body: undefined };
      }
      throw notAllowed();
    }
    const ban = /^\/api\/v5\/banned\/([^/]+)\/([^/]+)$/.exec(path);
    if (ban) {
      if (method !== 'DELETE') throw notAllowed();
      const as = decode(ban[1]!, 'as') as BanKind;
      if (!BAN_KINDS.includes(as)) {
        throw new ApiError(400, 'BAD_REQUEST', 'as: expected clientid, username or peerhost');
      }
      if (!bans.remove(as, decode(ban[2]!, 'who'))) {
        throw new ApiError(404, 'NOT_FOUND', 'Banned object not found');
      }
      return { status: 204, body: undefined };
    }
    const m = /^\/api\/v5\/clients\/([^/]+)(\/subscriptions)?$/.exec(path);
    if (m) {
      const clientId = decode(m[1]!, 'clientid');
      if (m[2]) {
        if (method !== 'GET') throw notAllowed();
        const r = find(clientId);
        const subs = await subscriptionsOf(r);
        return {
          status: 200,
          body: subs.map((sub) => ({ ...sub, clientid: r.clientId, node: r.node, durable: false })),
        };
      }
      if (method === 'GET') return { status: 200, body: await clientJson(find(clientId)) };
      if (method === 'DELETE') {
        find(clientId);
        if (faults.kickFailures.includes(clientId)) {
          throw new ApiError(500, 'INTERNAL_ERROR', 'Kick failed (injected fault)');
        }
        await kickAsAnswered(clientId);
        return { status: 204, body: undefined };
      }
      throw notAllowed();
    }
    const action = /^\/dev\/fleet\/([a-z-]+)$/.exec(path);
    if (action) {
      if (method !== 'POST') throw notAllowed();
      const handler = options.fleetActions?.get(action[1]!);
      if (!handler)
        throw new ApiError(404, 'NOT_FOUND', `No fleet action ${action[1]} (is a fleet running?)`);
      const text = await readBodyText(req);
      return { status: 200, body: (await handler(text ? JSON.parse(text) : {})) ?? {} };
    }
    if (path === '/dev/faults') {
      if (method === 'GET') return { status: 200, body: faults };
      if (method === 'PUT') {
        const error = updateFaults(faults, await readBody(req));
        if (error) throw new ApiError(400, 'BAD_REQUEST', error);
        // Clients already connected stop being reaped too, and refused ones are dropped.
        applyToConnected();
        return { status: 200, body: faults };
      }
      throw notAllowed();
    }
    if (path === '/dev/requests') {
      if (method === 'GET') return { status: 200, body: requestLog };
      if (method === 'DELETE') {
        requestLog.length = 0;
        return { status: 204, body: undefined };
      }
      throw notAllowed();
    }
    throw new ApiError(404, 'NOT_FOUND', 'Request path not found');
  }

  return function handle(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    const cors: Record<string, string> =
      origin && LOOPBACK_ORIGIN.test(origin)
        ? {
            'access-control-allow-origin': origin,
            // A page may read when to come back after a 429 or 503.
            'access-control-expose-headers': 'Retry-After',
            vary: 'Origin',
          }
        : {};
    let logged: RequestLogEntry | undefined;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      if (logged) logged.status = status;
      // A connection dropped meanwhile (a restart, a client that gave up): nothing to answer.
      if (res.destroyed || res.headersSent) return;
      const text = body === undefined ? '' : JSON.stringify(body);
      res.writeHead(status, {
        ...cors,
        ...headers,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      });
      res.end(text);
    };

    if (req.method === 'OPTIONS') {
      // Unlike EMQX (405), answer preflight for loopback pages so tests can call the API directly.
      if (!cors['access-control-allow-origin']) return send(405, undefined);
      return send(204, undefined, {
        'access-control-allow-methods': 'GET, POST, PUT, DELETE, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type, accept',
        'access-control-max-age': '600',
      });
    }

    const url = new URL(req.url ?? '/', 'http://dev-broker');
    const method = req.method ?? 'GET';
    if (!url.pathname.startsWith('/dev/')) {
      logged = { t: Date.now(), method, path: url.pathname, status: 0 };
      requestLog.push(logged);
      if (requestLog.length > REQUEST_LOG_MAX)
        requestLog.splice(0, requestLog.length - REQUEST_LOG_MAX);
    }
    const fault = takeApiFault(faults, method, url.pathname);
    if (!fault) return serve(url);
    if (logged) logged.fault = true;
    const answer = () => {
      if (fault.status === undefined) return serve(url);
      const retryAfter: Record<string, string> =
        fault.retryAfter !== undefined ? { 'retry-after': String(fault.retryAfter) } : {};
      const auth: Record<string, string> =
        fault.status === 401 ? { 'www-authenticate': 'Basic Realm="emqx-dashboard"' } : {};
      send(fault.status, faultBody(fault, url.pathname), { ...retryAfter, ...auth });
    };
    // A hang: no answer at all for a while (the client may give up first).
    if (fault.hangMs) setTimeout(answer, fault.hangMs);
    else answer();

    /** Answers a request no fault hit. */
    function serve(url: URL): void {
      if (url.pathname === '/api/v5/login') {
        if (req.method !== 'POST') return send(405, { code: 'METHOD_NOT_ALLOWED', message: '' });
        void readBody(req).then(
          (body) => {
            const b = (body ?? {}) as { username?: unknown; password?: unknown };
            tokens.attempts++;
            if (b.username !== login.username || b.password !== login.password) {
              return send(401, { code: 'BAD_USERNAME_OR_PWD', message: 'Auth failed' });
            }
            send(200, {
              token: tokens.issue(),
              version: '5.8.0',
              license: { edition: 'opensource' },
              role: 'administrator',
            });
          },
          () => send(400, { code: 'BAD_REQUEST', message: 'Bad JSON' }),
        );
        return;
      }
      if (url.pathname === '/dev/logins' && req.method === 'GET') {
        return send(200, { issued: tokens.issued, attempts: tokens.attempts });
      }
      const viewer = options.viewer;
      // The viewer is an API key (HTTP Basic); Bearer tokens belong to the dashboard login.
      const asViewer =
        viewer !== undefined &&
        /^basic\s/i.test(req.headers.authorization ?? '') &&
        checkAuthorization(req.headers.authorization, viewer.apiKey, viewer.apiSecret, tokens) ===
          undefined;
      const refused = asViewer
        ? undefined
        : checkAuthorization(req.headers.authorization, options.apiKey, options.apiSecret, tokens);
      if (refused) {
        return send(401, refused, { 'www-authenticate': 'Basic Realm="emqx-dashboard"' });
      }
      // EMQX's RBAC lets a viewer do GETs only, before any handler runs.
      if (asViewer && req.method !== 'GET') {
        return send(403, {
          code: 'UNAUTHORIZED_ROLE',
          message: "This API Key don't have permission to access this resource",
        });
      }
      route(req, req.method ?? 'GET', url.pathname, url.searchParams).then(
        ({ status, body }) => send(status, body),
        (error: unknown) => {
          if (error instanceof ApiError) {
            send(error.status, { code: error.code, message: error.message });
          } else {
            send(500, { code: 'INTERNAL_ERROR', message: String(error) });
          }
        },
      );
    }
  };
}

/** Compares by UTF-16 code units, the same everywhere (no locale). */
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function decode(segment: string, name: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, 'BAD_REQUEST', `${name}: not a valid URL-encoded string`);
  }
}

/** EMQX's answers to a missing, malformed or wrong `Authorization` header; undefined if good. */
function checkAuthorization(
  header: string | undefined,
  apiKey: string,
  apiSecret: string,
  tokens: Tokens,
): { code: string; message: string } | undefined {
  if (!header)
    return { code: 'AUTHORIZATION_HEADER_ERROR', message: 'Support authorization: basic/bearer' };
  const [scheme, value = ''] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') {
    return tokens.valid(value)
      ? undefined
      : { code: 'BAD_TOKEN', message: 'Token expired or not valid' };
  }
  if (scheme?.toLowerCase() !== 'basic') {
    return { code: 'AUTHORIZATION_HEADER_ERROR', message: 'Support authorization: basic/bearer' };
  }
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = decoded.slice(0, colon);
  const secret = decoded.slice(colon + 1);
  if (colon < 0 || key !== apiKey || secret !== apiSecret) {
    return { code: 'BAD_API_KEY_OR_SECRET', message: 'Check api_key/api_secret' };
  }
  return undefined;
}
