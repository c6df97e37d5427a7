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

/** Sessions per page of a generated answer: an EMQX source's default page size. */
const PAGE = 1000;

/**
 * A session as a source makes it from a parsed page of the broker's answer: an object literal in
 * one order of fields (so every session has the same shape), holding the strings `JSON.parse`
 * made (each one flat in memory; the generator's come out of template literals, ropes of their
 * parts, slower to compare and hash).
 */
function fromParsed(p: Session): Session {
  return {
    key: p.key,
    clientId: p.clientId,
    username: p.username ?? undefined,
    displayUsername: p.displayUsername ?? undefined,
    workspace: undefined,
    node: p.node,
    connected: p.connected,
    connectedAt: p.connectedAt,
    ip: p.ip,
    port: p.port,
    protocol: p.protocol,
    transport: p.transport,
    tls: p.tls,
    listener: p.listener,
    subscriptions: p.subscriptions,
    cleanSession: p.cleanSession,
    keepAlive: p.keepAlive,
    expiryInterval: p.expiryInterval,
    queuedMessages: p.queuedMessages,
    queueMax: p.queueMax,
    queueDropped: p.queueDropped,
    inflight: p.inflight,
    inflightMax: p.inflightMax,
    recvMessages: p.recvMessages,
    sentMessages: p.sentMessages,
    recvPackets: p.recvPackets,
    sentPackets: p.sentPackets,
    recvBytes: p.recvBytes,
    sentBytes: p.sentBytes,
  };
}

/**
 * `n` generated sessions as a source hands them over, made as the EMQX source makes its own: a
 * page at a time, each page's text parsed at once (`JSON.parse`, as a response's body is) and
 * each of its sessions made from what was parsed (`fromParsed`). The benchmark times the table's
 * work on what a broker's answer gives it. Only a page of the generator's sessions and of their
 * text is held at a time: no source holds a second copy of the whole fleet beside its answer.
 */
function receivedSessions(n: number, make: (i: number) => Session): Session[] {
  const out: Session[] = [];
  for (let from = 0; from < n; from += PAGE) {
    const page: Session[] = [];
    for (let i = from; i < Math.min(n, from + PAGE); i++) page.push(make(i));
    for (const p of JSON.parse(JSON.stringify(page)) as Session[]) out.push(fromParsed(p));
  }
  return out;
}

/**
 * A source that lists generated sessions, with `change()` to make a share of them reconnect
 * (a new connected-at) for the next list.
 */
export class GeneratedSource implements SessionSource {
  readonly label = 'Generated fleet';
  readonly id = 'generated';
  readonly size: number;
  /** Which round of reconnection each session is in. */
  readonly #rounds: Uint16Array;
  /** The next answer, made ahead of time as a broker's would be on its way (a fresh copy). */
  #answer: Session[] | undefined;
  constructor(n: number) {
    this.size = n;
    this.#rounds = new Uint16Array(n);
    this.#answer = this.#make();
  }
  #session(i: number): Session {
    return generatedSession(i, this.id, this.#rounds[i]! * 1000);
  }
  #make(): Session[] {
    return receivedSessions(this.size, (i) => this.#session(i));
  }
  /**
   * Makes `share` of the sessions reconnect (a new connected-at) in the next answer, which is
   * made here, before the list is asked for: what is timed is the element, not the generator.
   */
  change(share: number, round = 1): void {
    const step = Math.max(1, Math.round(1 / share));
    for (let i = 0; i < this.size; i += step) this.#rounds[i] = round;
    this.#answer = undefined;
    this.#answer = this.#make();
  }
  async list() {
    // New objects every time, as a broker answer is: the store decides what stayed the same.
    const sessions = this.#answer ?? this.#make();
    this.#answer = undefined;
    return { sessions, skipped: 0 };
  }
  async get(clientId: string) {
    const i = Number(/-(\d+)$/.exec(clientId)?.[1] ?? NaN);
    if (!(i >= 0 && i < this.size)) throw new Error(`No generated session ${clientId}`);
    return this.#session(i);
  }
  async subscriptions() {
    return [];
  }
  async disconnect() {
    return 'disconnected' as const;
  }
}
