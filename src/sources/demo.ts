/**
 * `DemoSource`: a simulated fleet in memory, so `<cs-active-sessions demo>` runs on a static page
 * with no backend (docs, demos, tests). Every case the element diagnoses shows up over time:
 * connections and disconnections, a takeover loop (two devices fighting over one client ID), a
 * client ID held on both nodes, stuck sessions (nothing received, queue growing, in-flight window
 * full) and sessions without keep-alive.
 *
 * The simulation is driven by a clock (`now`, default `Date.now`) and a seed: the fleet at a given
 * time depends only on the seed, the start time and what was done to it (disconnects, bans,
 * `connect`), so tests can step time and get exact results.
 */
import type { SourceMessageId } from './messages.js';
import { isFilter, topicMatches } from '../analysis/topic.js';
import { DEMO_CAPABILITIES, DEMO_ID, DEMO_LABEL } from './demo-info.js';
import {
  DEFAULT_USERNAME_SUFFIX,
  sessionKey,
  stripUsernameSuffix,
  transportFromListener,
  type ProtocolVersion,
  type Session,
  type Subscription,
} from '../model/session.js';
import {
  SourceError,
  type BanOptions,
  type DisconnectOutcome,
  type ListOptions,
  type RequestOptions,
  type SessionList,
  type SessionSource,
  type SourceCapabilities,
  type SourceErrorKind,
  type SubscriberRef,
} from './source.js';

export interface DemoSourceOptions {
  /** About how many sessions the fleet holds (default 120). */
  size?: number;
  /** Seed of the pseudo-random generator: the same seed gives the same fleet (default 1). */
  seed?: number;
  /** The simulation's clock, epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** Identity of this source in session keys (default `demo`). */
  id?: string;
  /** Name in messages (default `Demo fleet (simulated)`). */
  label?: string;
  /** Workspace stamped on each session. */
  workspace?: string;
  /** The organisation suffix removed from usernames for display. */
  usernameSuffix?: RegExp;
  /** Simulated answer time of each call in milliseconds (default 0: the next task). */
  latencyMs?: number;
  /** Make every call fail with this kind of error, to show what a failure looks like. */
  failure?: SourceErrorKind;
}

/** A client put on the simulated fleet by hand (`connect`): it stays until disconnected. */
export interface DemoClientSpec {
  clientId: string;
  username?: string;
  subscriptions?: { topic: string; qos: 0 | 1 | 2 }[];
  transport?: 'tcp' | 'ws';
  tls?: boolean;
  protocol?: ProtocolVersion;
  ip?: string;
  /** 0 or 1: which of the two nodes. */
  node?: 0 | 1;
  keepAlive?: number;
  cleanSession?: boolean;
}

/** The two simulated cluster nodes. */
export const DEMO_NODES = ['emqx@10.0.1.11', 'emqx@10.0.1.12'] as const;

/** One simulated step; events happen on these ticks. */
const TICK_MS = 1000;
/** A clock jump further than this is not simulated second by second (a sleeping laptop). */
const MAX_CATCH_UP_MS = 6 * 3600_000;
/** Mean connection lifetime of an ordinary client. */
const MEAN_LIFETIME_S = 3600;
/** The seconds between two reconnects of the takeover loop's devices. */
const FLIP_MIN_S = 2;
const FLIP_MAX_S = 12;

const ORGS = ['@org_k7xm4pqr2n5t', '@org_p3n8w2qz6d1v'];

/** mulberry32: small, fast and good enough for a simulation. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Role = 'ordinary' | 'takeover' | 'duplicate' | 'stuck' | 'slow' | 'manual';

/** Who a client is: what stays the same across its connections. */
interface Identity {
  clientId: string;
  username: string | undefined;
  protocol: ProtocolVersion;
  listener: string;
  keepAlive: number;
  cleanSession: boolean;
  subscriptions: Subscription[];
  /** Addresses it connects from (two for the takeover loop's two devices). */
  ips: string[];
  /** Messages per second it publishes, and that the broker delivers to it. */
  publishRate: number;
  deliverRate: number;
  payloadBytes: number;
  role: Role;
}

/** One simulated connection. */
interface Connection {
  identity: Identity;
  node: string;
  connectedAt: number;
  ip: string;
  port: number;
  /** Messages it published right after connecting (its state, a birth message). */
  burst: number;
  /** When it went silent (stuck sessions): counters stop there. */
  silentSince?: number;
}

function delay(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const aborted = () => SourceError.of('aborted', 'cancelled');
    if (signal?.aborted) {
      reject(aborted());
      return;
    }
    const done = () => {
      signal?.removeEventListener('abort', stop);
      if (signal?.aborted) reject(aborted());
      else resolve();
    };
    const timer = setTimeout(done, ms);
    function stop() {
      clearTimeout(timer);
      done();
    }
    signal?.addEventListener('abort', stop, { once: true });
  });
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

export class DemoSource implements SessionSource {
  readonly label: string;
  readonly id: string;
  readonly capabilities: SourceCapabilities = { ...DEMO_CAPABILITIES };
  /** When set, every call fails with this kind of error (an outage, refused credentials). */
  failure: SourceErrorKind | undefined;

  readonly #now: () => number;
  readonly #random: () => number;
  readonly #size: number;
  readonly #workspace: string | undefined;
  readonly #suffix: RegExp;
  readonly #latencyMs: number;
  /** Connections by session key. */
  readonly #connections = new Map<string, Connection>();
  /** Clients offline that will come back, and when. */
  readonly #returning = new Map<string, { identity: Identity; at: number }>();
  /** Ordinary clients offline, who may come back some time. */
  readonly #offline: Identity[] = [];
  /** Banned client IDs and until when. */
  readonly #banned = new Map<string, number>();
  /** The takeover loop's next reconnect. */
  readonly #flips = new Map<string, { identity: Identity; at: number; device: number }>();
  /** The last simulated tick. */
  #clock: number;
  #serial = 0;

  constructor(options: DemoSourceOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#random = generator(options.seed ?? 1);
    this.#size = Math.max(8, Math.floor(options.size ?? 120));
    this.id = options.id ?? DEMO_ID;
    this.label = options.label ?? DEMO_LABEL;
    this.#workspace = options.workspace;
    this.#suffix = options.usernameSuffix ?? DEFAULT_USERNAME_SUFFIX;
    this.#latencyMs = Math.max(0, options.latencyMs ?? 0);
    this.failure = options.failure;
    this.#clock = this.#now();
    this.#populate();
  }

  // ---- The SessionSource ----

  async list(options: ListOptions = {}): Promise<SessionList> {
    await this.#answer(options.signal);
    const sessions = this.#snapshot();
    options.onPage?.(sessions);
    return { sessions, skipped: 0 };
  }

  async get(clientId: string, options: RequestOptions = {}): Promise<Session> {
    await this.#answer(options.signal);
    const connection = this.#find(clientId)[0];
    if (!connection) throw this.#notFound(clientId);
    return this.#session(connection, this.#now());
  }

  async subscriptions(clientId: string, options: RequestOptions = {}): Promise<Subscription[]> {
    await this.#answer(options.signal);
    const connection = this.#find(clientId)[0];
    if (!connection) throw this.#notFound(clientId);
    return connection.identity.subscriptions.map((s) => ({ ...s }));
  }

  async disconnect(clientId: string, options: RequestOptions = {}): Promise<DisconnectOutcome> {
    await this.#answer(options.signal);
    return this.#kick(clientId) ? 'disconnected' : 'already-gone';
  }

  async disconnectMany(clientIds: readonly string[], options: RequestOptions = {}): Promise<void> {
    await this.#answer(options.signal);
    for (const id of clientIds) this.#kick(id);
  }

  async ban(clientId: string, options: BanOptions): Promise<void> {
    await this.#answer(options.signal);
    this.#banned.set(clientId, this.#now() + options.durationSeconds * 1000);
  }

  async subscribersOf(topic: string, options: RequestOptions = {}): Promise<SubscriberRef[]> {
    await this.#answer(options.signal);
    const filter = isFilter(topic);
    const out: SubscriberRef[] = [];
    for (const c of this.#connections.values()) {
      const hit = c.identity.subscriptions.some((s) =>
        filter ? s.topic === topic : topicMatches(s.topic, topic),
      );
      if (hit) out.push({ clientId: c.identity.clientId, node: c.node });
    }
    return out;
  }

  // ---- Steering the simulation (docs pages, tests) ----

  /** Puts a client on the fleet, replacing a connection of its client ID on the same node. */
  connect(spec: DemoClientSpec): Session {
    const now = this.#now();
    this.#advance(now);
    const tls = spec.tls ?? false;
    const ws = spec.transport === 'ws';
    const identity: Identity = {
      clientId: spec.clientId,
      username: spec.username,
      protocol: spec.protocol ?? '3.1.1',
      listener: `${ws ? (tls ? 'wss' : 'ws') : tls ? 'ssl' : 'tcp'}:default`,
      keepAlive: spec.keepAlive ?? 60,
      cleanSession: spec.cleanSession ?? true,
      subscriptions: (spec.subscriptions ?? []).map((s) => ({ topic: s.topic, qos: s.qos })),
      ips: [spec.ip ?? '192.0.2.10'],
      publishRate: 0.2,
      deliverRate: 0.2,
      payloadBytes: 64,
      role: 'manual',
    };
    const connection = this.#open(identity, now, DEMO_NODES[spec.node ?? 0], 0);
    return this.#session(connection, now);
  }

  /** Whether a client ID is connected now (on any node). */
  isConnected(clientId: string): boolean {
    this.#advance(this.#now());
    return this.#find(clientId).length > 0;
  }

  // ---- The simulation ----

  /** What every call does first: wait the simulated answer time, then move the fleet on. */
  async #answer(signal: AbortSignal | undefined): Promise<void> {
    await delay(this.#latencyMs, signal);
    if (this.failure) throw this.#failureError(this.failure);
    this.#advance(this.#now());
  }

  #failureError(kind: SourceErrorKind): SourceError {
    const messages: Partial<Record<SourceErrorKind, SourceMessageId>> = {
      auth: 'simulatedRefusal',
      forbidden: 'simulatedForbidden',
      network: 'simulatedUnreachable',
      timeout: 'simulatedTimeout',
      'rate-limited': 'simulatedRateLimit',
    };
    return SourceError.of(kind, messages[kind] ?? 'simulatedFailure', { label: this.label, kind });
  }

  #notFound(clientId: string): SourceError {
    return SourceError.of(
      'not-found',
      'notConnected',
      { who: `Client ${JSON.stringify(clientId)}` },
      { code: 'CLIENTID_NOT_FOUND' },
    );
  }

  #find(clientId: string): Connection[] {
    return [...this.#connections.values()].filter((c) => c.identity.clientId === clientId);
  }

  #kick(clientId: string): boolean {
    const found = this.#find(clientId);
    if (!found.length) return false;
    const now = this.#now();
    for (const c of found) this.#connections.delete(this.#keyOf(c));
    const identity = found[0]!.identity;
    switch (identity.role) {
      case 'takeover':
        // Both devices keep trying: the loop goes on after a few seconds.
        this.#flips.set(identity.clientId, {
          identity,
          at: now + this.#between(FLIP_MIN_S, FLIP_MAX_S) * 1000,
          device: 0,
        });
        break;
      case 'manual':
        break;
      default:
        // Most clients reconnect after a while (their backoff); some do not.
        if (this.#random() < 0.5) {
          this.#returning.set(identity.clientId, {
            identity,
            at: now + this.#between(45, 240) * 1000,
          });
        } else if (identity.role === 'ordinary') this.#offline.push(identity);
    }
    return true;
  }

  #keyOf(c: Connection): string {
    return sessionKey(c.node, c.identity.clientId, this.id);
  }

  #between(min: number, max: number): number {
    return min + Math.floor(this.#random() * (max - min + 1));
  }

  #pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.#random() * items.length)]!;
  }

  #banActive(clientId: string, at: number): boolean {
    const until = this.#banned.get(clientId);
    if (until === undefined) return false;
    if (until > at) return true;
    this.#banned.delete(clientId);
    return false;
  }

  /** Opens a connection, replacing one of the same client ID on that node. */
  #open(identity: Identity, at: number, node: string, device: number): Connection {
    const connection: Connection = {
      identity,
      node,
      connectedAt: at,
      ip: identity.ips[device % identity.ips.length]!,
      port: this.#between(30_000, 65_000),
      burst: this.#between(0, 40),
    };
    const key = this.#keyOf(connection);
    this.#connections.delete(key);
    this.#connections.set(key, connection);
    return connection;
  }

  /** Steps the simulation to `now`, one tick at a time. */
  #advance(now: number): void {
    if (now - this.#clock > MAX_CATCH_UP_MS) {
      this.#clock = now - MAX_CATCH_UP_MS;
    }
    while (this.#clock + TICK_MS <= now) {
      this.#clock += TICK_MS;
      this.#step(this.#clock);
    }
  }

  #step(at: number): void {
    // The takeover loop: the other device connects, taking the client ID over.
    for (const [clientId, flip] of this.#flips) {
      if (flip.at > at) continue;
      flip.device = 1 - flip.device;
      flip.at = at + this.#between(FLIP_MIN_S, FLIP_MAX_S) * 1000;
      if (this.#banActive(clientId, at)) continue;
      for (const c of this.#find(clientId)) this.#connections.delete(this.#keyOf(c));
      this.#open(flip.identity, at, this.#pick(DEMO_NODES), flip.device);
    }
    // Kicked clients coming back after their backoff.
    for (const [clientId, back] of this.#returning) {
      if (back.at > at) continue;
      this.#returning.delete(clientId);
      if (this.#banActive(clientId, at)) continue;
      if (this.#find(clientId).length) continue;
      this.#open(back.identity, at, this.#pick(DEMO_NODES), this.#between(0, 1));
    }
    // Ordinary churn: each ordinary client leaves with a mean lifetime; arrivals keep the fleet
    // near its size.
    let ordinary = 0;
    for (const c of this.#connections.values()) if (c.identity.role === 'ordinary') ordinary++;
    const target = this.#size - this.#specialCount;
    if (this.#random() < ordinary / MEAN_LIFETIME_S) {
      const keys = [...this.#connections]
        .filter(([, c]) => c.identity.role === 'ordinary')
        .map(([k]) => k);
      if (keys.length) {
        const key = this.#pick(keys);
        const gone = this.#connections.get(key)!;
        this.#connections.delete(key);
        this.#offline.push(gone.identity);
      }
    }
    if (this.#random() < target / MEAN_LIFETIME_S) {
      // Someone who was here before, or a newcomer.
      const back = this.#offline.length > 0 && this.#random() < 0.6;
      const identity = back
        ? this.#offline.splice(Math.floor(this.#random() * this.#offline.length), 1)[0]!
        : this.#ordinary();
      if (!this.#banActive(identity.clientId, at) && !this.#find(identity.clientId).length) {
        this.#open(identity, at, this.#pick(DEMO_NODES), this.#between(0, 1));
      }
    }
  }

  /** How many special clients the fleet carries besides the ordinary ones. */
  #specialCount = 0;

  /** The fleet at the start: ordinary clients and one of each case the element diagnoses. */
  #populate(): void {
    const start = this.#clock;
    const ago = (maxSeconds: number) => start - this.#between(30, maxSeconds) * 1000;
    const special: Connection[] = [];

    // Two devices sharing one client ID: they take it from each other every few seconds.
    const takeover = this.#identity('gateway-line-4', 'gateway', 'takeover');
    takeover.ips = ['203.0.113.41', '198.51.100.77'];
    special.push(this.#open(takeover, start - 3000, DEMO_NODES[0], 0));
    this.#flips.set(takeover.clientId, {
      identity: takeover,
      at: start + this.#between(FLIP_MIN_S, FLIP_MAX_S) * 1000,
      device: 0,
    });

    // One client ID on both nodes (a split cluster).
    const duplicate = this.#identity('gateway-eu-west-01', 'gateway', 'duplicate');
    duplicate.ips = ['10.20.1.15', '10.20.1.16'];
    special.push(this.#open(duplicate, ago(86_400), DEMO_NODES[0], 0));
    special.push(this.#open(duplicate, ago(3_600), DEMO_NODES[1], 1));

    // Half-open connections the broker missed: nothing received, the queue growing.
    for (const clientId of ['pump-controller-hall-b-3', 'sensor-cold-room-07']) {
      const stuck = this.#identity(clientId, 'sensor', 'stuck');
      stuck.keepAlive = 30;
      stuck.cleanSession = false;
      const silentSince = start - this.#between(600, 7200) * 1000;
      const connectedAt = silentSince - this.#between(60, 86_400) * 1000;
      const c = this.#open(stuck, connectedAt, this.#pick(DEMO_NODES), 0);
      c.silentSince = silentSince;
      special.push(c);
    }

    // Slow consumers: persistent sessions with messages waiting.
    for (const clientId of ['backend-processor-prod', 'analytics-ingest-eu']) {
      const slow = this.#identity(clientId, 'backend', 'slow');
      slow.cleanSession = false;
      special.push(this.#open(slow, ago(259_200), this.#pick(DEMO_NODES), 0));
    }
    this.#specialCount = special.length;

    // Ordinary clients, a few of them without keep-alive.
    const ordinary = this.#size - this.#specialCount;
    for (let i = 0; i < ordinary; i++) {
      const identity = this.#ordinary();
      if (i % 29 === 3) identity.keepAlive = 0;
      this.#open(identity, ago(259_200), this.#pick(DEMO_NODES), 0);
    }
  }

  /** A newcomer of one of the fleet's kinds, with a client ID not used yet. */
  #ordinary(): Identity {
    const n = ++this.#serial;
    const r = this.#random();
    if (r < 0.25) {
      const roles = ['Summarizer', 'Planner', 'Retriever', 'Translator', 'Classifier'];
      return this.#identity(`Agent-${this.#pick(roles)}-${pad(n, 3)}`, 'agent', 'ordinary');
    }
    if (r < 0.55) {
      const kinds = ['temp', 'humidity', 'pressure', 'flow', 'vibration'];
      const sites = ['hall-a', 'hall-b', 'greenhouse', 'roof', 'cold-room'];
      const id = `sensor-${this.#pick(kinds)}-${this.#pick(sites)}-${pad(n, 3)}`;
      return this.#identity(id, 'sensor', 'ordinary');
    }
    if (r < 0.8) {
      return this.#identity(`mobile-app-user-${10_000 + n * 37}`, 'mobile', 'ordinary');
    }
    if (r < 0.9) {
      const regions = ['eu-west', 'eu-central', 'us-east', 'ap-south'];
      return this.#identity(`gateway-${this.#pick(regions)}-${pad(n, 2)}`, 'gateway', 'ordinary');
    }
    // Unclear client IDs, as real fleets have them.
    const hex = () =>
      Math.floor(this.#random() * 0xffffffff)
        .toString(16)
        .padStart(8, '0');
    const unclear = [
      `client${n}`,
      `abc${n}`,
      `mqttjs_${hex()}`,
      `${hex()}-${hex().slice(0, 4)}-4${hex().slice(0, 3)}-a${hex().slice(0, 3)}-${hex()}${hex().slice(0, 4)}`,
      `device${n}`,
    ];
    return this.#identity(this.#pick(unclear), 'other', 'ordinary');
  }

  #identity(
    clientId: string,
    kind: 'agent' | 'sensor' | 'mobile' | 'gateway' | 'backend' | 'other',
    role: Role,
  ): Identity {
    const org = this.#pick(ORGS);
    const short = clientId.toLowerCase();
    const r = this.#random();
    const protocol: ProtocolVersion = r < 0.5 ? '5.0' : r < 0.95 ? '3.1.1' : '3.1';
    const tls = this.#random() < 0.6;
    const ws = kind === 'mobile' ? this.#random() < 0.8 : this.#random() < 0.08;
    const listener = `${ws ? (tls ? 'wss' : 'ws') : tls ? 'ssl' : 'tcp'}:default`;
    const keepAlive = this.#pick([30, 60, 60, 60, 120]);
    let username: string | undefined;
    let subscriptions: Subscription[];
    let ip: string;
    switch (kind) {
      case 'agent':
        username = `${short.replace(/-\d+$/, '')}${org}`;
        subscriptions = [
          { topic: 'agents/+/state', qos: 1 },
          { topic: `agents/${short}/#`, qos: 0 },
          { topic: 'config/updates', qos: 1 },
        ];
        ip = `10.0.${this.#between(2, 9)}.${this.#between(10, 250)}`;
        break;
      case 'sensor':
        username = `sensor-fleet${org}`;
        subscriptions = [
          { topic: `commands/${short}`, qos: 1 },
          { topic: 'config/sensors/#', qos: 0 },
        ];
        ip = `10.${this.#between(20, 40)}.${this.#between(0, 255)}.${this.#between(2, 250)}`;
        break;
      case 'mobile':
        username =
          this.#random() < 0.2
            ? `user${this.#between(100, 999)}@example.com`
            : `${short.replace('mobile-app-user-', 'user')}${org}`;
        subscriptions = [
          { topic: `users/${short.replace('mobile-app-user-', '')}/notifications`, qos: 1 },
          { topic: 'broadcast/#', qos: 0 },
        ];
        ip =
          this.#random() < 0.15
            ? `2001:db8:${this.#between(1, 0xfff).toString(16)}::${this.#between(1, 0xfff).toString(16)}`
            : `${this.#pick(['203.0.113', '198.51.100', '192.0.2'])}.${this.#between(1, 254)}`;
        break;
      case 'gateway':
        username = `gateway${org}`;
        subscriptions = [
          { topic: `gateways/${short}/downlink/#`, qos: 2 },
          { topic: 'config/updates', qos: 1 },
        ];
        ip = `10.20.${this.#between(0, 9)}.${this.#between(2, 250)}`;
        break;
      case 'backend':
        username = `backend${org}`;
        subscriptions = [
          { topic: '$share/processors/telemetry/#', qos: 1 },
          { topic: 'alarms/critical', qos: 2 },
        ];
        ip = `10.0.1.${this.#between(20, 60)}`;
        break;
      default:
        username = this.#random() < 0.5 ? undefined : `test${org}`;
        subscriptions = this.#random() < 0.5 ? [] : [{ topic: '#', qos: 0 }];
        ip = `${this.#pick(['203.0.113', '198.51.100'])}.${this.#between(1, 254)}`;
    }
    return {
      clientId,
      username,
      protocol,
      listener,
      keepAlive,
      cleanSession: kind === 'agent' || kind === 'mobile' || kind === 'other',
      subscriptions,
      ips: [ip],
      publishRate: kind === 'sensor' ? 0.2 : kind === 'backend' ? 0.05 : this.#random() * 0.3,
      deliverRate: kind === 'backend' ? 5 : this.#random() * 0.5,
      payloadBytes: this.#between(24, 600),
      role,
    };
  }

  /** The list as the broker would give it now. */
  #snapshot(): Session[] {
    const now = this.#now();
    return [...this.#connections.values()].map((c) => this.#session(c, now));
  }

  /** A connection as a `Session`, its counters grown with the time it has been up. */
  #session(c: Connection, now: number): Session {
    const id = c.identity;
    const { transport, tls } = transportFromListener(id.listener);
    const persistent = !id.cleanSession;
    // Counters stop where a stuck client went silent.
    const until = c.silentSince !== undefined ? Math.min(now, c.silentSince) : now;
    const up = Math.max(0, (until - c.connectedAt) / 1000);
    const subs = id.subscriptions.length;
    const recvMessages = c.burst + Math.floor(up * id.publishRate);
    // A client sends something at least once per keep-alive (PINGREQ when idle).
    const pings = Math.floor(up / (id.keepAlive || 60));
    const sentMessages = Math.floor(up * id.deliverRate);
    const recvPackets = 1 + subs + recvMessages + pings;
    const sentPackets = 1 + subs + sentMessages + pings;
    const queueMax = 1000;
    let queued = 0;
    let inflight = 0;
    let dropped = 0;
    if (c.silentSince !== undefined) {
      // The broker fills the in-flight window, then queues the rest until the queue is full.
      const waiting = 40 + Math.floor(Math.max(0, now - c.silentSince) / 20_000);
      inflight = 32;
      queued = Math.min(queueMax, waiting);
      dropped = Math.max(0, waiting - queueMax);
    } else if (id.role === 'slow') {
      queued = 5 + (Math.floor((now - c.connectedAt) / 7000) % 40);
      inflight = Math.min(32, queued);
    }
    return {
      key: this.#keyOf(c),
      clientId: id.clientId,
      username: id.username,
      displayUsername: stripUsernameSuffix(id.username, this.#suffix),
      workspace: this.#workspace,
      node: c.node,
      connected: true,
      connectedAt: c.connectedAt,
      ip: c.ip,
      port: c.port,
      protocol: id.protocol,
      transport,
      tls,
      listener: id.listener,
      subscriptions: subs,
      cleanSession: id.cleanSession,
      keepAlive: id.keepAlive,
      expiryInterval: persistent ? 7200 : 0,
      queuedMessages: queued,
      queueMax,
      queueDropped: dropped,
      inflight,
      inflightMax: 32,
      recvMessages,
      sentMessages,
      recvPackets,
      sentPackets,
      recvBytes: recvPackets * 4 + recvMessages * id.payloadBytes + (subs ? 40 : 0),
      sentBytes: sentPackets * 4 + sentMessages * id.payloadBytes,
    };
  }
}
