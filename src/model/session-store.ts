import type { Session } from './session.js';

/** Every field `sameSession` compares; the type below fails to compile if one is missing. */
type Compared =
  | 'key'
  | 'clientId'
  | 'username'
  | 'displayUsername'
  | 'workspace'
  | 'node'
  | 'connected'
  | 'connectedAt'
  | 'ip'
  | 'port'
  | 'protocol'
  | 'transport'
  | 'tls'
  | 'listener'
  | 'subscriptions'
  | 'cleanSession'
  | 'keepAlive'
  | 'expiryInterval'
  | 'queuedMessages'
  | 'queueMax'
  | 'queueDropped'
  | 'inflight'
  | 'inflightMax'
  | 'recvMessages'
  | 'sentMessages'
  | 'recvPackets'
  | 'sentPackets'
  | 'recvBytes'
  | 'sentBytes'
  | 'vhost'
  | 'pending';
const everyFieldCompared: Record<Exclude<keyof Session, Compared>, never> = {};
void everyFieldCompared;

/**
 * Whether two versions of a session hold the same values. Called for every session on every
 * poll, so each field is read by name (fast on objects of one shape) rather than enumerated.
 */
export function sameSession(a: Session, b: Session): boolean {
  return (
    a === b ||
    (a.key === b.key &&
      a.clientId === b.clientId &&
      a.username === b.username &&
      a.displayUsername === b.displayUsername &&
      a.workspace === b.workspace &&
      a.node === b.node &&
      a.connected === b.connected &&
      a.connectedAt === b.connectedAt &&
      a.ip === b.ip &&
      a.port === b.port &&
      a.protocol === b.protocol &&
      a.transport === b.transport &&
      a.tls === b.tls &&
      a.listener === b.listener &&
      a.subscriptions === b.subscriptions &&
      a.cleanSession === b.cleanSession &&
      a.keepAlive === b.keepAlive &&
      a.expiryInterval === b.expiryInterval &&
      a.queuedMessages === b.queuedMessages &&
      a.queueMax === b.queueMax &&
      a.queueDropped === b.queueDropped &&
      a.inflight === b.inflight &&
      a.inflightMax === b.inflightMax &&
      a.recvMessages === b.recvMessages &&
      a.sentMessages === b.sentMessages &&
      a.recvPackets === b.recvPackets &&
      a.sentPackets === b.sentPackets &&
      a.recvBytes === b.recvBytes &&
      a.sentBytes === b.sentBytes &&
      a.vhost === b.vhost &&
      a.pending === b.pending)
  );
}

/**
 * What one change did to the list: sessions objects new to it and objects that left it
 * (removed, or replaced by a newer object of the same key). A view made from `from` can be
 * brought up to date from these alone.
 */
export interface StoreChange {
  from: readonly Session[];
  added: readonly Session[];
  gone: ReadonlySet<Session>;
}

/**
 * The single place that knows the current sessions. A poll replaces the contents (a snapshot);
 * an action or a live event patches it. Each change makes a new `sessions` array, so a renderer
 * can compare by identity.
 */
export class SessionStore {
  #sessions: readonly Session[] = [];
  #byKey = new Map<string, Session>();
  #updatedAt: number | undefined;
  #change: StoreChange | undefined;

  /** The last change, from the list before it to `sessions`. */
  get lastChange(): StoreChange | undefined {
    return this.#change;
  }

  /** Current sessions, in the order the broker listed them. */
  get sessions(): readonly Session[] {
    return this.#sessions;
  }

  /** When the last snapshot arrived (epoch ms), or undefined before the first. */
  get updatedAt(): number | undefined {
    return this.#updatedAt;
  }

  /** Whether a snapshot has ever arrived (an empty one counts). */
  get loaded(): boolean {
    return this.#updatedAt !== undefined;
  }

  get(key: string): Session | undefined {
    return this.#byKey.get(key);
  }

  /**
   * Replaces everything with a fresh snapshot, merged by key: a session that did not change
   * keeps its object, so what was computed from it (search keys, rendered rows) still holds.
   * A key listed twice keeps its first entry.
   */
  replace(sessions: readonly Session[], at: number = Date.now()): void {
    const byKey = new Map<string, Session>();
    const list: Session[] = [];
    const before = this.#byKey;
    const added: Session[] = [];
    const gone = new Set<Session>();
    let stayed = 0;
    for (const fresh of sessions) {
      if (byKey.has(fresh.key)) continue;
      const old = before.get(fresh.key);
      let s = fresh;
      if (old !== undefined) {
        stayed++;
        if (sameSession(old, fresh)) s = old;
        else gone.add(old);
      }
      if (s !== old) added.push(s);
      byKey.set(s.key, s);
      list.push(s);
    }
    // Keys no longer listed: only looked for when some are missing.
    if (stayed < before.size) {
      for (const [key, old] of before) if (!byKey.has(key)) gone.add(old);
    }
    this.#change = { from: this.#sessions, added, gone };
    this.#byKey = byKey;
    this.#sessions = list;
    this.#updatedAt = at;
  }

  /** Puts one session in (new or updated), keeping list order for an existing key. */
  upsert(session: Session): void {
    this.patch([session], new Set());
  }

  /** Puts many sessions in and takes others out, in one pass over the list. */
  patch(upserts: readonly Session[], removes: ReadonlySet<string>): void {
    const appended: Session[] = [];
    const changed: Session[] = [];
    const gone = new Set<Session>();
    // `gone` holds only objects that were in the list: not ones put in and taken out here.
    const fresh = new Set<Session>();
    for (const s of upserts) {
      const old = this.#byKey.get(s.key);
      if (old === s) continue;
      if (old === undefined) appended.push(s);
      else if (!fresh.has(old)) gone.add(old);
      fresh.add(s);
      changed.push(s);
      this.#byKey.set(s.key, s);
    }
    for (const key of removes) {
      const old = this.#byKey.get(key);
      if (old === undefined) continue;
      if (!fresh.has(old)) gone.add(old);
      this.#byKey.delete(key);
    }
    const list: Session[] = [];
    for (const s of this.#sessions) {
      const now = this.#byKey.get(s.key);
      if (now) list.push(now);
    }
    // New keys, at the end: each as it stands after this patch (put in again, or taken out).
    for (const s of appended) {
      const now = this.#byKey.get(s.key);
      if (now) list.push(now);
    }
    this.#change = {
      from: this.#sessions,
      added: changed.filter((s) => this.#byKey.get(s.key) === s),
      gone,
    };
    this.#sessions = list;
  }

  /** Removes a session; returns whether it was there. */
  remove(key: string): boolean {
    const old = this.#byKey.get(key);
    if (old === undefined) return false;
    this.#byKey.delete(key);
    this.#change = { from: this.#sessions, added: [], gone: new Set([old]) };
    this.#sessions = this.#sessions.filter((s) => s !== old);
    return true;
  }
}
