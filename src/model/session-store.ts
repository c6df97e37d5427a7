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
  /**
   * One slot per key, kept from poll to poll: a poll looks each key up once and rewrites only
   * the slots whose session changed, instead of building a new map of every key.
   */
  #slots = new Map<string, Slot>();
  /** Which poll last saw each slot: a slot not seen by the newest poll has left. */
  #round = 0;
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
    return this.#slots.get(key)?.session;
  }

  /**
   * Replaces everything with a fresh snapshot, merged by key: a session that did not change
   * keeps its object, so what was computed from it (search keys, rendered rows) still holds.
   * A key listed twice keeps its first entry.
   */
  replace(sessions: readonly Session[], at: number = Date.now()): void {
    const round = ++this.#round;
    const slots = this.#slots;
    const list: Session[] = [];
    const added: Session[] = [];
    const gone = new Set<Session>();
    for (const fresh of sessions) {
      const slot = slots.get(fresh.key);
      if (slot === undefined) {
        slots.set(fresh.key, { session: fresh, round });
        added.push(fresh);
        list.push(fresh);
        continue;
      }
      // Listed twice: the first entry stays.
      if (slot.round === round) continue;
      slot.round = round;
      if (slot.session !== fresh && !sameSession(slot.session, fresh)) {
        gone.add(slot.session);
        slot.session = fresh;
        added.push(fresh);
      }
      list.push(slot.session);
    }
    // Keys this poll did not list: only looked for when there are some.
    if (list.length < slots.size) {
      for (const [key, slot] of slots) {
        if (slot.round === round) continue;
        gone.add(slot.session);
        slots.delete(key);
      }
    }
    this.#change = { from: this.#sessions, added, gone };
    this.#sessions = list;
    this.#updatedAt = at;
  }

  /** Puts one session in (new or updated), keeping list order for an existing key. */
  upsert(session: Session): void {
    this.patch([session], new Set());
  }

  /** Puts many sessions in and takes others out, in one pass over the list. */
  patch(upserts: readonly Session[], removes: ReadonlySet<string>): void {
    const slots = this.#slots;
    const appended: Session[] = [];
    const changed: Session[] = [];
    // `gone` holds only objects that were in the list: not ones put in and taken out here.
    const fresh = new Set<Session>();
    const gone = new Set<Session>();
    for (const s of upserts) {
      const slot = slots.get(s.key);
      if (slot?.session === s) continue;
      if (slot === undefined) {
        slots.set(s.key, { session: s, round: this.#round });
        appended.push(s);
      } else {
        if (!fresh.has(slot.session)) gone.add(slot.session);
        slot.session = s;
      }
      fresh.add(s);
      changed.push(s);
    }
    for (const key of removes) {
      const slot = slots.get(key);
      if (slot === undefined) continue;
      if (!fresh.has(slot.session)) gone.add(slot.session);
      slots.delete(key);
    }
    const list: Session[] = [];
    for (const s of this.#sessions) {
      const now = slots.get(s.key)?.session;
      if (now) list.push(now);
    }
    // New keys, at the end: each as it stands after this patch (put in again, or taken out).
    for (const s of appended) {
      const now = slots.get(s.key)?.session;
      if (now) list.push(now);
    }
    this.#change = {
      from: this.#sessions,
      added: changed.filter((s) => slots.get(s.key)?.session === s),
      gone,
    };
    this.#sessions = list;
  }

  /** Removes a session; returns whether it was there. */
  remove(key: string): boolean {
    const slot = this.#slots.get(key);
    if (slot === undefined) return false;
    this.#slots.delete(key);
    const old = slot.session;
    this.#change = { from: this.#sessions, added: [], gone: new Set([old]) };
    this.#sessions = this.#sessions.filter((s) => s !== old);
    return true;
  }
}

/** A key's place in the store: its current session and the poll that last listed it. */
interface Slot {
  session: Session;
  round: number;
}
