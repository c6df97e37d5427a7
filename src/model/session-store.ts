import type { Session } from './session.js';
import { ShardedMap } from './sharded-map.js';

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
    (a.key === b.key && a.clientId === b.clientId && a.node === b.node && sameValues(a, b))
  );
}

/** `sameSession` for two sessions already known to have the same key, client ID and node. */
function sameValues(a: Session, b: Session): boolean {
  return (
    a.username === b.username &&
    a.displayUsername === b.displayUsername &&
    a.workspace === b.workspace &&
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
    a.pending === b.pending
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
  #slots = new ShardedMap<Slot>();
  /** The slots of `sessions`, in its order (what the next poll is compared with first). */
  #order: Slot[] = [];
  /** A large first list not yet given slots, from `#indexedUpTo` on (see `index`). */
  #unindexed: readonly Session[] | undefined;
  #indexedUpTo = 0;
  /** Sessions of it whose key came earlier in it. */
  #twice: Session[] = [];
  /** Which poll last saw each slot: a slot not seen by the newest poll has left. */
  #round = 0;
  #updatedAt: number | undefined;
  #change: StoreChange | undefined;
  /** A `replaceInSteps` not done yet. */
  #pending: ReplaceJob | undefined;

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
    if (this.#unindexed !== undefined) this.index();
    return this.#slots.get(key)?.session;
  }

  /** Whether every session has its slot (see `index`). */
  get indexed(): boolean {
    return this.#unindexed === undefined;
  }

  /**
   * Gives the sessions of a large first list their slots, until `until` (a `performance.now()`;
   * all of them without it). Such a list is shown before it is indexed: its rows can be painted
   * first, and this runs between frames. Anything that needs a key looked up (`get`, a poll, a
   * patch) finishes it at once. Returns whether it is done. A key listed twice (which the
   * sources do not send) keeps its first entry then, and the change says what left.
   */
  index(until = Infinity): boolean {
    const pending = this.#unindexed;
    if (pending === undefined) return true;
    const slots = this.#slots;
    const order = this.#order;
    const round = this.#round;
    let i = this.#indexedUpTo;
    while (i < pending.length) {
      const end = Math.min(pending.length, i + 1024);
      for (; i < end; i++) {
        const s = pending[i]!;
        if (slots.get(s.key) !== undefined) {
          this.#twice.push(s);
          continue;
        }
        const slot: Slot = { session: s, round, index: order.length };
        slots.set(s.key, slot);
        order.push(slot);
      }
      if (performance.now() >= until) break;
    }
    this.#indexedUpTo = i;
    if (i < pending.length) return false;
    this.#unindexed = undefined;
    if (this.#twice.length > 0) {
      this.#change = { from: this.#sessions, added: [], gone: new Set(this.#twice) };
      this.#sessions = order.map((slot) => slot.session);
    }
    this.#twice = [];
    return true;
  }

  /**
   * Replaces everything with a fresh snapshot, merged by key: a session that did not change
   * keeps its object, so what was computed from it (search keys, rendered rows) still holds.
   * A key listed twice keeps its first entry.
   *
   * A broker lists its sessions in much the same order every time, so each fresh session is
   * first compared with the one after the last match in the previous list (a string comparison)
   * and looked up by key only where that fails (a session came or went): a poll of 100,000
   * sessions hashes the keys of those that moved, not of all of them.
   */
  replace(sessions: readonly Session[], at: number = Date.now()): void {
    this.replaceInSteps(sessions, at).step(Infinity);
  }

  /**
   * `replace`, done a slice at a time: the returned job's `step(until)` (a `performance.now()`)
   * works until then and returns true once the list is in (or the job was cancelled). For a
   * large poll: comparing every field of 100,000 sessions with the ones kept takes 20–30 ms here,
   * which would hold up a frame; in steps, it runs between frames.
   *
   * Until the job is done, the store is as it was before it: `sessions`, `get` and `lastChange`
   * say nothing of the new list. A patch or a removal meanwhile puts the list in first (the
   * poll was taken before it), then itself; another `replace` cancels the job (a newer list
   * supersedes it).
   */
  replaceInSteps(sessions: readonly Session[], at: number = Date.now()): ReplaceJob {
    this.#pending?.cancel();
    if (this.#unindexed !== undefined) this.index();
    if (sessions.length > INDEX_LATER_FROM && this.#order.length === 0) {
      // A large first list: shown now, indexed between frames (`index`).
      ++this.#round;
      this.#unindexed = sessions;
      this.#indexedUpTo = 0;
      this.#change = { from: this.#sessions, added: sessions, gone: new Set() };
      this.#sessions = sessions;
      this.#updatedAt = at;
      return { step: () => true, cancel: () => undefined, committed: true };
    }
    const round = ++this.#round;
    const slots = this.#slots;
    const previous = this.#order;
    const order: Slot[] = [];
    const list: Session[] = [];
    const added: Session[] = [];
    const gone = new Set<Session>();
    // What the list changes in the store, put in when it is done: until then `get` answers as
    // before. Sessions that changed, with their slots; new keys, with theirs.
    const changedSlots: Slot[] = [];
    const changedTo: Session[] = [];
    const created = new Map<string, Slot>();
    let next = 0;
    let i = 0;
    let ended = false;
    const job: ReplaceJob = {
      committed: false,
      step: (until) => {
        if (ended) return true;
        const n = sessions.length;
        while (i < n) {
          const end = Math.min(n, i + 1024);
          for (; i < end; i++) {
            const fresh = sessions[i]!;
            let slot = previous[next];
            if (slot !== undefined && slot.session.key === fresh.key && slot.round !== round) {
              next++;
            } else {
              const found =
                slots.get(fresh.key) ?? (created.size > 0 ? created.get(fresh.key) : undefined);
              if (found === undefined) {
                const made: Slot = { session: fresh, round, index: order.length };
                created.set(fresh.key, made);
                order.push(made);
                added.push(fresh);
                list.push(fresh);
                continue;
              }
              // Listed twice: the first entry stays.
              if (found.round === round) continue;
              slot = found;
              next = found.index + 1;
            }
            slot.round = round;
            slot.index = order.length;
            const old = slot.session;
            order.push(slot);
            if (
              old === fresh ||
              (old.clientId === fresh.clientId && old.node === fresh.node && sameValues(old, fresh))
            ) {
              list.push(old);
            } else {
              gone.add(old);
              changedSlots.push(slot);
              changedTo.push(fresh);
              added.push(fresh);
              list.push(fresh);
            }
          }
          if (performance.now() >= until) break;
        }
        if (i < n) return false;
        // Done: the list goes in.
        ended = true;
        this.#pending = undefined;
        for (let k = 0; k < changedSlots.length; k++) changedSlots[k]!.session = changedTo[k]!;
        created.forEach((slot, key) => slots.set(key, slot));
        // Keys this poll did not list: only looked for when there are some.
        if (order.length < slots.size) {
          for (const slot of previous) {
            if (slot.round === round || slots.get(slot.session.key) !== slot) continue;
            gone.add(slot.session);
            slots.delete(slot.session.key);
            slot.round = REMOVED;
          }
        }
        // Everything new (a first poll): the list itself, not a second array of it.
        this.#change = {
          from: this.#sessions,
          added: added.length === list.length ? list : added,
          gone,
        };
        this.#sessions = list;
        this.#order = order;
        this.#updatedAt = at;
        job.committed = true;
        return true;
      },
      // Rounds and places written to slots so far are left: a later poll has a newer round,
      // and a place is only where a key is looked for first.
      cancel: () => {
        if (ended) return;
        ended = true;
        if (this.#pending === job) this.#pending = undefined;
      },
    };
    this.#pending = job;
    return job;
  }

  /** A stepped replace under way puts its list in now (before a patch or removal). */
  #finishPending(): void {
    this.#pending?.step(Infinity);
  }

  /** Puts one session in (new or updated), keeping list order for an existing key. */
  upsert(session: Session): void {
    this.patch([session], new Set());
  }

  /** Puts many sessions in and takes others out, in one pass over the list. */
  patch(upserts: readonly Session[], removes: ReadonlySet<string>): void {
    this.#finishPending();
    if (this.#unindexed !== undefined) this.index();
    const slots = this.#slots;
    const appended: Slot[] = [];
    const changed: Session[] = [];
    // `gone` holds only objects that were in the list: not ones put in and taken out here.
    const fresh = new Set<Session>();
    const gone = new Set<Session>();
    for (const s of upserts) {
      const slot = slots.get(s.key);
      if (slot?.session === s) continue;
      if (slot === undefined) {
        const created: Slot = { session: s, round: this.#round, index: -1 };
        slots.set(s.key, created);
        appended.push(created);
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
      slot.round = REMOVED;
    }
    const added: Session[] = [];
    for (const s of changed) {
      if (slots.get(s.key)?.session !== s) continue;
      // Replaced, then put back as it was: neither added nor gone.
      if (gone.delete(s)) continue;
      added.push(s);
    }
    this.#change = { from: this.#sessions, added, gone };
    // New keys at the end, each as it stands after this patch (put in again, or taken out).
    this.#reorder(appended);
  }

  /** Removes a session; returns whether it was there. */
  remove(key: string): boolean {
    this.#finishPending();
    if (this.#unindexed !== undefined) this.index();
    const slot = this.#slots.get(key);
    if (slot === undefined) return false;
    this.#slots.delete(key);
    slot.round = REMOVED;
    this.#change = { from: this.#sessions, added: [], gone: new Set([slot.session]) };
    this.#reorder([]);
    return true;
  }

  /** The list again from the slots still in it, then `appended`. */
  #reorder(appended: readonly Slot[]): void {
    const order: Slot[] = [];
    const list: Session[] = [];
    for (const from of [this.#order, appended]) {
      for (const slot of from) {
        if (slot.round === REMOVED) continue;
        slot.index = order.length;
        order.push(slot);
        list.push(slot.session);
      }
    }
    this.#order = order;
    this.#sessions = list;
  }
}

/** A `SessionStore.replaceInSteps` under way. */
export interface ReplaceJob {
  /** Works until `until` (a `performance.now()`); true once the list is in, or cancelled. */
  step(until: number): boolean;
  /** Leaves the store as it is; the list never goes in. */
  cancel(): void;
  /** Whether the list went in. */
  committed: boolean;
}

/** A key's place in the store: its current session and the poll that last listed it. */
interface Slot {
  session: Session;
  /** The poll that last listed it; `REMOVED` once taken out (the key gets a new slot). */
  round: number;
  /** Where it stands in the list, as of the change that last placed it there. */
  index: number;
}

const REMOVED = -1;

/** A first list longer than this is shown before its sessions get their slots. */
const INDEX_LATER_FROM = 5000;
