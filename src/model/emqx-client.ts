/**
 * Normalisation of EMQX v5 payloads (`GET /api/v5/clients`, `/clients/{id}`,
 * `/clients/{id}/subscriptions`) onto the session model. Shapes: `shared/docs/brokers.md`.
 */
import { str, num, bool, type Json } from './json.js';
import {
  DEFAULT_USERNAME_SUFFIX,
  protocolFromLevel,
  sessionKey,
  stripUsernameSuffix,
  transportFromListener,
  type Session,
  type Subscription,
} from './session.js';

/** Options of the normalisation that a workspace may change. */
export interface NormalizeOptions {
  /** The organisation suffix removed from usernames for display. */
  usernameSuffix?: RegExp;
  /** Workspace stamped on each session. */
  workspace?: string;
  /** Identity of the source, so sessions of two brokers never share a key. */
  sourceId?: string;
}

/** The largest epoch ms a `Date` holds: beyond it no date can be shown. */
const MAX_TIME = 8.64e15;

/** RFC 3339 string (or epoch ms) → epoch ms; anything else, or no valid date, → undefined. */
export function parseTimestamp(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) && Math.abs(v) <= MAX_TIME ? v : undefined;
  if (typeof v !== 'string' || v === '') return undefined;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * One EMQX client object → a `Session`, or `undefined` when it has no usable client ID
 * (such an entry cannot be shown or acted on).
 */
export function sessionFromEmqx(raw: unknown, options: NormalizeOptions = {}): Session | undefined {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const c = raw as Json;
  const clientId = str(c['clientid']);
  // An empty client ID (which EMQX never lists: it assigns one) could not be acted on.
  if (!clientId) return undefined;
  const username = str(c['username']);
  const node = str(c['node']);
  const listener = str(c['listener']);
  const { transport, tls } = transportFromListener(listener);
  return {
    key: sessionKey(node, clientId, options.sourceId),
    clientId,
    username,
    displayUsername: stripUsernameSuffix(
      username,
      options.usernameSuffix ?? DEFAULT_USERNAME_SUFFIX,
    ),
    workspace: options.workspace,
    node,
    connected: bool(c['connected']),
    connectedAt: parseTimestamp(c['connected_at']),
    ip: str(c['ip_address']),
    port: num(c['port']),
    protocol: protocolFromLevel(c['proto_ver']),
    transport,
    tls,
    listener,
    subscriptions: num(c['subscriptions_cnt']),
    cleanSession: bool(c['clean_start']),
    keepAlive: num(c['keepalive']),
    expiryInterval: num(c['expiry_interval']),
    queuedMessages: num(c['mqueue_len']),
    // EMQX writes an unlimited maximum as "infinity".
    queueMax: num(c['mqueue_max']) ?? (c['mqueue_max'] === 'infinity' ? Infinity : undefined),
    queueDropped: num(c['mqueue_dropped']),
    inflight: num(c['inflight_cnt']),
    inflightMax: num(c['inflight_max']),
    recvMessages: num(c['recv_msg']),
    sentMessages: num(c['send_msg']),
    recvPackets: num(c['recv_pkt']),
    sentPackets: num(c['send_pkt']),
    recvBytes: num(c['recv_oct']),
    sentBytes: num(c['send_oct']),
  };
}

/** EMQX subscription entries (`{topic, qos, ...}`) → subscriptions; entries without a topic drop. */
export function subscriptionsFromEmqx(raw: unknown): Subscription[] {
  if (!Array.isArray(raw)) return [];
  const out: Subscription[] = [];
  for (const entry of raw) {
    if (entry === null || typeof entry !== 'object') continue;
    const topic = str((entry as Json)['topic']);
    if (topic === undefined) continue;
    const qos = (entry as Json)['qos'];
    out.push({ topic, qos: qos === 0 || qos === 1 || qos === 2 ? qos : undefined });
  }
  return out;
}

/**
 * A session from an EMQX `connected` event payload (`clientid, username, ipaddress, sockport,
 * proto_ver, connected_at, keepalive, clean_start, expiry_interval`). The event lacks the
 * client's port, listener and counters: those stay unknown until the next poll.
 */
export function sessionFromEmqxEvent(
  node: string,
  payload: Record<string, unknown>,
  options: NormalizeOptions = {},
): Session | undefined {
  // The event's fields under the client list's names; everything else stays unknown.
  return sessionFromEmqx(
    {
      clientid: payload['clientid'],
      username: payload['username'],
      node,
      ip_address: payload['ipaddress'],
      proto_ver: payload['proto_ver'],
      connected: true,
      connected_at: payload['connected_at'],
      clean_start: payload['clean_start'],
      keepalive: payload['keepalive'],
      expiry_interval: payload['expiry_interval'],
    },
    options,
  );
}
