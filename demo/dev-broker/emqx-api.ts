/**
 * The EMQX v5 management API subset the dev broker speaks, with EMQX's field names, status codes
 * and error bodies (`shared/docs/brokers.md`). Unknown query parameters are ignored, as in EMQX.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { SessionRecord, SessionRegistry } from './session-registry.js';

/** The slice of aedes persistence the API reads for disconnected persistent sessions. */
export interface PersistenceReader {
  subscriptionsByClient(client: { id: string }): Promise<unknown>;
  outgoingStream(client: { id: string }): AsyncIterable<unknown>;
}

export interface EmqxApiOptions {
  registry: SessionRegistry;
  apiKey: string;
  apiSecret: string;
  node: string;
  persistence: unknown;
}

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

function matches(r: SessionRecord, f: ClientFilters, node: string): boolean {
  const connected = r.client !== undefined;
  if (f.connState === 'connected' && !connected) return false;
  if (f.connState === 'disconnected' && connected) return false;
  // aedes never reports a session between CONNECT and CONNACK, so nothing is ever idle.
  if (f.connState === 'idle') return false;
  if (f.node !== undefined && f.node !== node) return false;
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

export function createEmqxApi(options: EmqxApiOptions) {
  const { registry, node } = options;
  const persistence = options.persistence as PersistenceReader;
  const expected = `Basic ${Buffer.from(`${options.apiKey}:${options.apiSecret}`).toString('base64')}`;

  async function queued(r: SessionRecord): Promise<number> {
    if (r.client) return 0; // aedes delivers to a connected client at once
    let n = 0;
    for await (const _ of persistence.outgoingStream({ id: r.clientId })) n++;
    return n;
  }

  async function subscriptionsOf(
    r: SessionRecord,
  ): Promise<{ topic: string; qos: number; nl: number; rap: number; rh: number }[]> {
    if (r.client) {
      return Object.entries(
        (r.client as unknown as { subscriptions: object }).subscriptions as Record<
          string,
          { qos: number; nl?: boolean; rap?: boolean; rh?: number }
        >,
      ).map(([topic, s]) => ({
        topic,
        qos: s.qos,
        nl: s.nl ? 1 : 0,
        rap: s.rap ? 1 : 0,
        rh: s.rh ?? 0,
      }));
    }
    const stored = await persistence.subscriptionsByClient({ id: r.clientId });
    const list = Array.isArray(stored)
      ? (stored as { topic: string; qos: number; nl?: boolean; rap?: boolean; rh?: number }[])
      : [];
    return list.map((s) => ({
      topic: s.topic,
      qos: s.qos,
      nl: s.nl ? 1 : 0,
      rap: s.rap ? 1 : 0,
      rh: s.rh ?? 0,
    }));
  }

  async function clientJson(r: SessionRecord) {
    const connected = r.client !== undefined;
    const subscriptions = await subscriptionsOf(r);
    const c = r.counters;
    return {
      clientid: r.clientId,
      username: r.username,
      node,
      ip_address: r.ip,
      port: r.port,
      listener: r.listener,
      proto_name: r.protoName,
      proto_ver: r.protoVer,
      connected,
      connected_at: rfc3339(r.connectedAt),
      created_at: rfc3339(r.createdAt),
      ...(r.disconnectedAt !== undefined ? { disconnected_at: rfc3339(r.disconnectedAt) } : {}),
      clean_start: r.clean,
      keepalive: r.keepalive,
      // MQTT 3: a clean session ends with the connection; EMQX's default expiry is 2 h.
      expiry_interval: r.clean ? 0 : 7200,
      is_bridge: false,
      is_persistent: !r.clean,
      subscriptions_cnt: subscriptions.length,
      subscriptions_max: 'infinity',
      mqueue_len: await queued(r),
      mqueue_max: 1000,
      mqueue_dropped: 0,
      inflight_cnt: 0,
      inflight_max: 32,
      awaiting_rel_cnt: 0,
      awaiting_rel_max: 100,
      heap_size: 0,
      mailbox_len: 0,
      recv_oct: c.recv_oct,
      recv_pkt: c.recv_pkt,
      recv_cnt: c.recv_pkt,
      recv_msg: c.recv_msg,
      send_oct: c.send_oct,
      send_pkt: c.send_pkt,
      send_cnt: c.send_pkt,
      send_msg: c.send_msg,
    };
  }

  function find(clientId: string): SessionRecord {
    const r = registry.get(clientId);
    if (!r) throw new ApiError(404, 'CLIENTID_NOT_FOUND', 'Client ID not found');
    return r;
  }

  async function listClients(params: URLSearchParams) {
    const page = positiveInt(params, 'page', 1);
    const limit = positiveInt(params, 'limit', 100, 10_000);
    const filters = parseFilters(params);
    const all = registry.all().filter((r) => matches(r, filters, node));
    const start = (page - 1) * limit;
    const data = await Promise.all(all.slice(start, start + limit).map(clientJson));
    const fuzzy = filters.likeClientId !== undefined || filters.likeUsername !== undefined;
    const meta: Record<string, unknown> = { page, limit, hasnext: start + limit < all.length };
    // EMQX leaves the total out whenever a fuzzy (like_*) filter is in use.
    if (!fuzzy) meta['count'] = all.length;
    return { data, meta };
  }

  async function route(method: string, path: string, params: URLSearchParams) {
    if (path === '/api/v5/clients') {
      if (method !== 'GET') throw new ApiError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
      return { status: 200, body: await listClients(params) };
    }
    const m = /^\/api\/v5\/clients\/([^/]+)(\/subscriptions)?$/.exec(path);
    if (m) {
      let clientId: string;
      try {
        clientId = decodeURIComponent(m[1]!);
      } catch {
        throw new ApiError(400, 'BAD_REQUEST', 'clientid: not a valid URL-encoded string');
      }
      if (m[2]) {
        if (method !== 'GET') throw new ApiError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
        const r = find(clientId);
        const subs = await subscriptionsOf(r);
        return {
          status: 200,
          body: subs.map((s) => ({ ...s, clientid: r.clientId, node, durable: false })),
        };
      }
      if (method === 'GET') return { status: 200, body: await clientJson(find(clientId)) };
      if (method === 'DELETE') {
        const r = find(clientId);
        // A kick discards the session too, persistent or not, as EMQX does.
        registry.delete(clientId);
        const client = r.client;
        if (client) await new Promise<void>((resolve) => client.close(() => resolve()));
        return { status: 204, body: undefined };
      }
      throw new ApiError(405, 'METHOD_NOT_ALLOWED', 'Method not allowed');
    }
    throw new ApiError(404, 'NOT_FOUND', 'Request path not found');
  }

  return function handle(req: IncomingMessage, res: ServerResponse): void {
    const origin = req.headers.origin;
    const cors: Record<string, string> =
      origin && LOOPBACK_ORIGIN.test(origin)
        ? { 'access-control-allow-origin': origin, vary: 'Origin' }
        : {};
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
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
    if (req.headers.authorization !== expected) {
      const code = req.headers.authorization ? 'BAD_API_KEY_OR_SECRET' : 'UNAUTHORIZED';
      const message = req.headers.authorization
        ? 'Check api_key/api_secret'
        : 'Authorization required';
      return send(401, { code, message }, { 'www-authenticate': 'Basic Realm="emqx-dashboard"' });
    }
    route(req.method ?? 'GET', url.pathname, url.searchParams).then(
      ({ status, body }) => send(status, body),
      (error: unknown) => {
        if (error instanceof ApiError) {
          send(error.status, { code: error.code, message: error.message });
        } else {
          send(500, { code: 'INTERNAL_ERROR', message: String(error) });
        }
      },
    );
  };
}
