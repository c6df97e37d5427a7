/**
 * Generated sessions for the scale tests and the benchmark: many realistic, distinct rows
 * (client IDs, org usernames, IPs, protocols) from a seed, without a broker. Real brokers and
 * clients cover behaviour; this covers sizes no machine here can connect.
 */
import { sessionKey, type Session } from '../../src/model/session.js';
import type { SessionSource } from '../../src/sources/source.js';

const PREFIXES = ['agent', 'sensor', 'gateway', 'pump', 'mobile-app', 'dock-scanner', 'meter'];
const ORGS = ['org_k7xm4pqr2n5t', 'org_p2m9q4w8z1xc', 'org_h5j3n8v2b6rt'];

/** Session `i` of a generated fleet: the same every time. */
export function generatedSession(i: number, sourceId = 'generated', changed = 0): Session {
  const prefix = PREFIXES[i % PREFIXES.length]!;
  const clientId = `${prefix}-${String(i).padStart(7, '0')}`;
  const username = `${prefix.split('-')[0]}${i % 97}@${ORGS[i % ORGS.length]}`;
  return {
    key: sessionKey(`node${i % 3}@cluster`, clientId, sourceId),
    clientId,
    username,
    displayUsername: username.replace(/@org_.*$/, ''),
    workspace: undefined,
    node: `node${i % 3}@cluster`,
    connected: true,
    connectedAt: Date.UTC(2026, 10, 27) - ((i * 7919) % 86_400_000) + changed,
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    port: 1024 + (i % 60_000),
    protocol: i % 5 === 0 ? '5.0' : i % 7 === 0 ? '3.1' : '3.1.1',
    transport: i % 4 === 0 ? 'WebSocket' : 'TCP',
    tls: i % 3 === 0,
    listener: i % 4 === 0 ? 'ws:default' : 'tcp:default',
    subscriptions: i % 6,
    cleanSession: i % 2 === 0,
    keepAlive: 60,
    expiryInterval: 0,
    queuedMessages: i % 11 === 0 ? 3 : 0,
    queueMax: 1000,
    queueDropped: 0,
    inflight: 0,
    inflightMax: 32,
    recvMessages: i,
    sentMessages: i * 2,
    recvPackets: i + 3,
    sentPackets: i * 2 + 3,
    recvBytes: i * 100,
    sentBytes: i * 200,
  };
}

/** `n` generated sessions. */
export function generatedSessions(n: number, sourceId?: string): Session[] {
  return Array.from({ length: n }, (_, i) => generatedSession(i, sourceId));
}

/**
 * A source that lists generated sessions, with `change()` to make a share of them reconnect
 * (a new connected-at) for the next list.
 */
export class GeneratedSource implements SessionSource {
  readonly label = 'Generated fleet';
  readonly id = 'generated';
  sessions: Session[];
  constructor(n: number) {
    this.sessions = generatedSessions(n, this.id);
  }
  /** Makes `share` of the sessions reconnect (new objects, new connected-at). */
  change(share: number, round = 1): void {
    const step = Math.max(1, Math.round(1 / share));
    for (let i = 0; i < this.sessions.length; i += step) {
      this.sessions[i] = generatedSession(i, this.id, round * 1000);
    }
  }
  async list() {
    // A copy, as a broker answer would be: the store decides what stayed the same.
    return { sessions: this.sessions.map((s) => ({ ...s })), skipped: 0 };
  }
  async get(clientId: string) {
    const s = this.sessions.find((x) => x.clientId === clientId);
    if (!s) throw new Error(`No generated session ${clientId}`);
    return s;
  }
  async subscriptions() {
    return [];
  }
  async disconnect() {
    return 'disconnected' as const;
  }
}
