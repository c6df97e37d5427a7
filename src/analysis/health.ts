/**
 * What the element notices across observations (polls and live events): stuck sessions
 * (keep-alive passed without traffic), takeover loops (two clients sharing one client ID), and
 * per snapshot: duplicates, no keep-alive, queued messages and unclear client IDs.
 */
import type { Session } from '../model/session.js';
import { ShardedMap } from '../model/sharded-map.js';
import { ClientIdMap, hashClientId } from './client-id-map.js';
import { DuplicateFinder, DuplicateSearch, groupKeyOf } from './duplicates.js';
import { classifyClientId, type NamingHint } from './naming.js';

/** How far back connection changes count towards a takeover loop. */
export const TAKEOVER_WINDOW_MS = 10 * 60_000;
/** Address changes within the window that make a loop (A → B → A). */
export const TAKEOVER_FLIPS = 2;
/** Keep-alive multiple after which a silent session counts as stuck (MQTT's own 1.5). */
export const STUCK_FACTOR = 1.5;
/** Entries per look at the clock in `pruneInSteps`. */
const STEP = 1024;

export interface SessionHealth {
  /** Sessions sharing this client ID in the workspace: how many, and where each is. */
  duplicate?: { count: number; peers: { node: string | undefined; ip: string | undefined }[] };
  /** Two clients keep taking this ID from each other. */
  takeover?: { addresses: string[]; flips: number; takenOver: number };
  /** Connected, but nothing received across observations spanning over 1.5 × the keep-alive. */
  stuck?: { lastTraffic: number; sinceFirstSeen: boolean };
  /** Keep-alive 0: the broker cannot detect a dead connection. */
  noKeepAlive?: boolean;
  /** Messages waiting for the client. */
  queued?: number;
  naming: NamingHint;
}

export type HealthFilter = 'stuck' | 'duplicate' | 'unclear' | 'no-keepalive' | 'queued';

export function matchesHealth(h: SessionHealth, filter: HealthFilter): boolean {
  switch (filter) {
    case 'stuck':
      return h.stuck !== undefined;
    case 'duplicate':
      return h.duplicate !== undefined || h.takeover !== undefined;
    case 'unclear':
      return h.naming.quality === 'unclear';
    case 'no-keepalive':
      return h.noKeepAlive === true;
    case 'queued':
      return (h.queued ?? 0) > 0;
  }
}

/*
 * Kept for every session, so kept small: times are milliseconds since the tracker's first
 * observation (small integers, held in the object itself, where epoch milliseconds would each
 * take a number object of their own).
 */
interface Connection {
  clientId: string;
  /** The session's connected-at, relative to the tracker's epoch. */
  connectedAt: number;
  ip: string | undefined;
  /** When first seen, relative to the tracker's epoch. */
  seenAt: number;
}

/**
 * What is kept per session key from one observation to the next: its receive counters and their
 * history, and its client ID's naming once asked for. One record and one lookup per session, not
 * a map for each: at 100,000 sessions a map of their keys is about 2 MB, and every health count
 * looked each session up in both.
 */
interface KeyState {
  /**
   * Packets and bytes received when last seen: a change is traffic. Both undefined: the broker
   * has reported no counters for the session, and the record's times stay where they were
   * made (it is never stuck).
   */
  packets: number | undefined;
  bytes: number | undefined;
  /** When the counters last moved (or were first seen), relative to the tracker's epoch. */
  changedAt: number;
  /** Whether they have moved since first seen. */
  moved: boolean;
  /** The latest observation: stuck means observed still, not merely not looked at. */
  seenAt: number;
  /** The naming of the session's client ID, worked out when its health is first asked for. */
  naming: NamingHint | undefined;
  /** `hashClientId` of its client ID: how the tracker's maps by client ID find it. */
  idHash: number;
}

/** Times a session of a client ID was taken over or discarded by a newer one. */
interface TakenOver {
  clientId: string;
  times: number[];
}

/**
 * Takeover history is per broker and client ID, not per node: in a cluster the two fighting
 * devices may land on different nodes. It is kept by source (the part of a session's key before
 * node and client ID: `source \0 node \0 client ID`), then by client ID (by its hash: see
 * client-id-map.ts), so no key of its own is made or kept per session.
 */
class BySource<T> {
  readonly #sources = new Map<string, ClientIdMap<T>>();
  readonly #clientIdOf: (value: T) => string;
  /** The source part of the last key read, reused while keys share it (no string per session). */
  #lastSource = '';

  constructor(clientIdOf: (value: T) => string) {
    this.#clientIdOf = clientIdOf;
  }

  /** The source part of a session's key; the whole key when it is not built the usual way. */
  sourceOf(s: Session): string {
    const key = s.key;
    const node = s.node ?? '';
    const length = key.length - node.length - s.clientId.length - 2;
    if (
      length < 0 ||
      key.charCodeAt(length) !== 0 ||
      key.charCodeAt(length + 1 + node.length) !== 0 ||
      !key.endsWith(s.clientId) ||
      !key.startsWith(node, length + 1)
    ) {
      return key;
    }
    const last = this.#lastSource;
    if (last.length === length && key.startsWith(last)) return last;
    this.#lastSource = key.slice(0, length);
    return this.#lastSource;
  }

  /** The value of a client ID (with its `hashClientId`) of a source. */
  get(source: string, hash: number, clientId: string): T | undefined {
    return this.#sources.get(source)?.get(hash, clientId);
  }

  set(source: string, hash: number, clientId: string, value: T): void {
    let inner = this.#sources.get(source);
    if (inner === undefined) this.#sources.set(source, (inner = new ClientIdMap(this.#clientIdOf)));
    inner.set(hash, clientId, value);
  }

  has(source: string, hash: number, clientId: string): boolean {
    return this.#sources.get(source)?.has(hash, clientId) ?? false;
  }

  /** Calls `keep` on every entry; one it returns undefined for is dropped, another replaces it. */
  update(keep: (value: T, hash: number) => T | undefined): void {
    this.#sources.forEach((inner, source) => {
      inner.update((value, _clientId, hash) => keep(value, hash));
      if (inner.size === 0) this.#sources.delete(source);
    });
  }
}

/**
 * Source and client ID of a session key from a live event (`source \0 node \0 client ID`; MQTT
 * client IDs hold no NUL).
 */
function partsOfKey(sessionKey: string): { source: string; clientId: string } {
  const parts = sessionKey.split('\u0000');
  if (parts.length < 3) return { source: sessionKey, clientId: '' };
  return { source: parts.slice(0, -2).join('\u0000'), clientId: parts[parts.length - 1]! };
}

/** A connection history: one connection alone (nearly every session), or several in order. */
type History = Connection | Connection[];
const asList = (h: History | undefined): Connection[] =>
  h === undefined ? [] : Array.isArray(h) ? h : [h];
/** The client ID of a history (a list is never empty). */
const clientIdOfHistory = (h: History) => (Array.isArray(h) ? h[0]! : h).clientId;

/** The health of a session with nothing to report but its naming: one shared object per hint. */
const plainHealth = new Map<NamingHint, SessionHealth>();
function plain(naming: NamingHint): SessionHealth {
  let h = plainHealth.get(naming);
  if (h === undefined) {
    h = Object.freeze({ naming });
    plainHealth.set(naming, h);
  }
  return h;
}

export class HealthTracker {
  /** Connection history per source and client ID: what a takeover loop leaves. */
  readonly #connections = new BySource<History>(clientIdOfHistory);
  /** Times a session of this source and client ID was taken over or discarded by a newer one. */
  readonly #takenOver = new BySource<TakenOver>((t) => t.clientId);
  /** Per session key: receive counters, when they last moved, and naming. */
  readonly #keys = new ShardedMap<KeyState>();
  #duplicates = new Map<string, Session[]>();
  /**
   * Client IDs with more than one connection in their history, or taken over (on any source):
   * only these can be in a takeover loop. Every other session is answered without looking up
   * its history by source and client ID (two lookups and a key taken apart, for each of
   * 100,000 sessions at every count of their health).
   */
  #suspects = new Set<number>();
  /** The first observation's time: what the times kept per session count from. */
  #epoch: number | undefined;

  /** `now` relative to the epoch (set by the first call). */
  #since(now: number): number {
    this.#epoch ??= now;
    const d = now - this.#epoch;
    // As an integer where it is one (within 24 days): a field that has only held those keeps
    // it in place; one that held the result of a subtraction as such boxes each value.
    return (d | 0) === d ? d | 0 : d;
  }

  /** Records a poll's snapshot. */
  observe(sessions: readonly Session[], now: number): void {
    this.observeSlice(sessions, 0, sessions.length, now);
    const seen = new Set(sessions.map((s) => s.key));
    this.finishObserve(sessions, now, (key) => seen.has(key));
  }

  /**
   * The per-session part of `observe` for `sessions[from..to)`: a large poll is looked at a
   * slice at a time between frames, then `finishObserve` once.
   */
  observeSlice(sessions: readonly Session[], from: number, to: number, now: number): void {
    const end = Math.min(to, sessions.length);
    const at = this.#since(now);
    for (let i = from; i < end; i++) {
      const s = sessions[i]!;
      const t = this.#keys.get(s.key);
      // The client ID's hash is worked out once per key, at first sight.
      const idHash = t === undefined ? hashClientId(s.clientId) : t.idHash;
      this.#observeConnection(s, now, idHash);
      if (t === undefined) {
        // First sight: we cannot know when it last moved, so count from now.
        this.#keys.set(s.key, {
          packets: s.recvPackets,
          bytes: s.recvBytes,
          changedAt: at,
          moved: false,
          seenAt: at,
          naming: undefined,
          idHash,
        });
      } else if (s.recvPackets !== undefined || s.recvBytes !== undefined) {
        t.seenAt = at;
        if (t.packets === undefined && t.bytes === undefined) {
          // Counters reported for the first time: their first sight.
          t.packets = s.recvPackets;
          t.bytes = s.recvBytes;
          t.changedAt = at;
          t.moved = false;
        } else if (t.packets !== s.recvPackets || t.bytes !== s.recvBytes) {
          t.packets = s.recvPackets;
          t.bytes = s.recvBytes;
          t.changedAt = at;
          t.moved = true;
        }
      }
    }
  }

  /** What `observe` does for the whole list: forget sessions gone, group duplicates, prune. */
  finishObserve(sessions: readonly Session[], now: number, present: (key: string) => boolean) {
    this.pruneInSteps(now, present)();
    this.observeGroups(sessions);
  }

  /**
   * The part of `finishObserve` that forgets: what is kept of sessions no longer `present`, and
   * connections and takeovers older than the takeover window. Returns a step to call until it
   * returns true, each time with a `performance.now()` to stop at (without one, to the end):
   * over a large list it is a lookup per session. Done at once with the grouping below, the two
   * held a frame up for about 30 ms after every poll of 100,000 sessions.
   */
  pruneInSteps(now: number, present: (key: string) => boolean): (until?: number) => boolean {
    const records = this.#keys;
    // The keys' iterator survives entries deleted or added between steps.
    const keys = records.keys();
    let left = true;
    return (until = Infinity) => {
      let n = 0;
      while (left) {
        const next = keys.next();
        if (next.done) {
          left = false;
          break;
        }
        if (!present(next.value)) records.delete(next.value);
        if ((++n & (STEP - 1)) === 0 && performance.now() >= until) return false;
      }
      this.#prune(now);
      return true;
    };
  }

  /** Recomputes the duplicate groups (after a poll, or after live events changed the list). */
  observeGroups(sessions: readonly Session[]): void {
    this.groupsInSteps(sessions)();
  }

  /**
   * `observeGroups` after a small change of `sessions` (live events): only the groups of the
   * client IDs of `touched` (the sessions the change put in and took out) are made again, from
   * one look at each session's client ID. Regrouping 100,000 sessions for every batch of events
   * made 5 MB of garbage each time.
   */
  regroupTouched(sessions: readonly Session[], touched: Iterable<Session>): void {
    const ids = new Set<string>();
    const hashes = new Set<number>();
    const keys = new Set<string>();
    const duplicates = this.#duplicates;
    for (const s of touched) {
      ids.add(s.clientId);
      hashes.add(hashClientId(s.clientId));
      keys.add(groupKeyOf(s));
      // Its group as it was: every member's entry goes, the group is made again below.
      const group = duplicates.get(s.key);
      if (group !== undefined) for (const member of group) duplicates.delete(member.key);
    }
    if (ids.size === 0) return;
    const finder = new DuplicateFinder();
    // The hash first: the client IDs of the whole list are not hashed by the engine (see
    // client-id-map.ts), only those that share a hash with one touched.
    for (const s of sessions) {
      if (!hashes.has(hashClientId(s.clientId))) continue;
      if (ids.has(s.clientId) && keys.has(groupKeyOf(s))) finder.add(s);
    }
    finder.forEachGroup((group) => {
      for (const s of group) duplicates.set(s.key, group);
    });
  }

  /**
   * `observeGroups` in steps, as `pruneInSteps` (grouping hashes every client ID). The groups
   * found before stay until the last step puts the new ones in place.
   */
  groupsInSteps(sessions: readonly Session[]): (until?: number) => boolean {
    const search = new DuplicateSearch(sessions);
    return (until = Infinity) => {
      if (!search.step(until)) return false;
      const duplicates = new Map<string, Session[]>();
      search.finder.forEachGroup((group) => {
        for (const s of group) duplicates.set(s.key, group);
      });
      this.#duplicates = duplicates;
      return true;
    };
  }

  /** Records a live `connected` event. */
  observeConnect(session: Session, now: number): void {
    this.#observeConnection(session, now, hashClientId(session.clientId));
    // A new connection has sent its CONNECT: traffic counts from here.
    this.#keys.delete(session.key);
  }

  /** Records a live `disconnected` event with its reason. */
  observeDisconnect(key: string, reason: string | undefined, now: number): void {
    if (reason === 'takenover' || reason === 'discarded') {
      const { source, clientId } = partsOfKey(key);
      const hash = hashClientId(clientId);
      this.#suspects.add(hash);
      const times = this.#takenOver.get(source, hash, clientId)?.times ?? [];
      this.#takenOver.set(source, hash, clientId, { clientId, times: [...times, now] });
    }
    this.#keys.delete(key);
  }

  /**
   * A session's health. Called for every session after each poll (the health filters' counts),
   * so a session with nothing to report (nearly every one) costs no allocation at all.
   */
  healthOf(s: Session, now: number): SessionHealth {
    // A session not observed (a page of the broker's in server mode, one just connected) has
    // no record: its naming is worked out again each time, and no record is made for it.
    const t = this.#keys.get(s.key);
    let naming = t?.naming;
    if (naming === undefined) {
      naming = classifyClientId(s.clientId);
      if (t !== undefined) t.naming = naming;
    }
    const group = this.#duplicates.get(s.key);
    const takeover = this.#takeover(s, now, t);
    const queued = s.queuedMessages ?? 0;
    // A record without counters keeps `seenAt === changedAt` (`seenAt` moves with counters alone).
    const stuck =
      t !== undefined &&
      s.keepAlive !== undefined &&
      s.keepAlive > 0 &&
      t.seenAt - t.changedAt > STUCK_FACTOR * s.keepAlive * 1000;
    // Nothing to report: the one shared, frozen object of its naming.
    if (!group && !takeover && s.keepAlive !== 0 && !(queued > 0) && !stuck) return plain(naming);
    const h: SessionHealth = { naming };
    if (group) {
      h.duplicate = { count: group.length, peers: group.map((p) => ({ node: p.node, ip: p.ip })) };
    }
    if (takeover) h.takeover = takeover;
    if (s.keepAlive === 0) h.noKeepAlive = true;
    if (queued > 0) h.queued = queued;
    if (stuck) h.stuck = { lastTraffic: t.changedAt + this.#epoch!, sinceFirstSeen: !t.moved };
    return h;
  }

  #observeConnection(s: Session, now: number, idHash: number): void {
    if (s.connectedAt === undefined) return;
    const seenAt = this.#since(now);
    const connectedAt = this.#since(s.connectedAt);
    const connections = this.#connections;
    const source = connections.sourceOf(s);
    const history = connections.get(source, idHash, s.clientId);
    // The same connection seen again (two nodes of a split cluster each hold one, so it need
    // not be the latest); a live event may have lacked the IP.
    const known = Array.isArray(history)
      ? history.find((c) => c.connectedAt === connectedAt)
      : history?.connectedAt === connectedAt
        ? history
        : undefined;
    if (known) {
      if (known.ip === undefined) known.ip = s.ip;
      return;
    }
    const connection: Connection = { clientId: s.clientId, connectedAt, ip: s.ip, seenAt };
    if (history === undefined) {
      connections.set(source, idHash, s.clientId, connection);
      return;
    }
    const list = asList(history);
    list.push(connection);
    if (list.length > 50) list.shift();
    connections.set(source, idHash, s.clientId, list);
    this.#suspects.add(idHash);
  }

  #takeover(s: Session, now: number, t: KeyState | undefined): SessionHealth['takeover'] {
    // `size` first: even a lookup in an empty set costs (see client-id-map.ts).
    if (this.#suspects.size === 0) return undefined;
    const idHash = t !== undefined ? t.idHash : hashClientId(s.clientId);
    // A client ID whose hash is another's suspect's is looked up all the same, and found clean.
    if (!this.#suspects.has(idHash)) return undefined;
    const source = this.#connections.sourceOf(s);
    const all = this.#connections.get(source, idHash, s.clientId);
    // One connection and never taken over: nothing to look at (the common case, by far).
    if (!Array.isArray(all) && !this.#takenOver.has(source, idHash, s.clientId)) return undefined;
    const since = now - TAKEOVER_WINDOW_MS;
    const seenSince = this.#since(since);
    const history = asList(all).filter((c) => c.seenAt >= seenSince);
    const takenOver = (this.#takenOver.get(source, idHash, s.clientId)?.times ?? []).filter(
      (at) => at >= since,
    ).length;
    let flips = 0;
    for (let i = 1; i < history.length; i++) {
      if (history[i]!.ip !== undefined && history[i - 1]!.ip !== undefined) {
        if (history[i]!.ip !== history[i - 1]!.ip) flips++;
      }
    }
    // One takeover alone is a device reconnecting before the broker dropped its old
    // connection; repeated ones, or addresses alternating, are two devices.
    if (Math.max(flips, takenOver) < TAKEOVER_FLIPS) return undefined;
    const addresses = [...new Set(history.map((c) => c.ip).filter((ip): ip is string => !!ip))];
    return { addresses, flips: Math.max(flips, takenOver), takenOver };
  }

  #prune(now: number): void {
    const since = now - TAKEOVER_WINDOW_MS;
    const seenSince = this.#since(since);
    // Made again from what is kept.
    const suspects = new Set<number>();
    this.#connections.update((history, hash) => {
      if (!Array.isArray(history)) return history.seenAt >= seenSince ? history : undefined;
      // Histories are in the order seen: most hold nothing old, and are left as they are.
      const kept = history.every((c) => c.seenAt >= seenSince)
        ? history
        : history.filter((c) => c.seenAt >= seenSince);
      if (kept.length > 1) suspects.add(hash);
      return kept.length === 0 ? undefined : kept.length === 1 ? kept[0] : kept;
    });
    this.#takenOver.update((taken, hash) => {
      const kept = taken.times.filter((t) => t >= since);
      if (kept.length === 0) return undefined;
      suspects.add(hash);
      return kept.length === taken.times.length ? taken : { clientId: taken.clientId, times: kept };
    });
    this.#suspects = suspects;
  }
}
