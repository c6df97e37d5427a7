import type { Session } from '../model/session.js';
import { ShardedMap } from '../model/sharded-map.js';
import { hashClientId } from './client-id-map.js';

/**
 * Client IDs held by more than one session within a workspace (two nodes of a split cluster, or
 * two brokers in one workspace). MQTT allows one connection per client ID: each group is worth a
 * look. Keyed by workspace and client ID; sessions without a workspace form one group.
 */
export function findDuplicates(sessions: readonly Session[]): Map<string, Session[]> {
  const search = new DuplicateSearch(sessions);
  search.step();
  return search.finder.groups();
}

/** Sessions per look at the clock in `DuplicateSearch.step`. */
const STEP = 1024;

/**
 * The duplicates of a list found a part at a time (`step(until)` until it returns true), in two
 * passes over it. The first sets a bit for the hash of each client ID, and a second bit where a
 * hash comes again; the second hands the finder only the sessions whose hash came again. Nearly
 * every client ID of a fleet is unique, so the finder's map holds a few percent of the list, not
 * all of it: a map of 100,000 client IDs is about 2 MB of the renderer, made again after every
 * poll, where the bits are 512 KB, and only the client IDs that came through are hashed by the
 * engine for the map.
 */
export class DuplicateSearch {
  readonly finder = new DuplicateFinder();
  readonly #sessions: readonly Session[];
  readonly #sieve: ClientIdSieve;
  #pass = 0;
  #i = 0;

  constructor(sessions: readonly Session[]) {
    this.#sessions = sessions;
    this.#sieve = new ClientIdSieve(sessions.length);
  }

  /** Works until `until` (a `performance.now()`); returns whether every session was looked at. */
  step(until = Infinity): boolean {
    const sessions = this.#sessions;
    const sieve = this.#sieve;
    while (this.#pass < 2) {
      let i = this.#i;
      while (i < sessions.length) {
        const end = Math.min(sessions.length, i + STEP);
        if (this.#pass === 0) {
          for (; i < end; i++) sieve.add(sessions[i]!.clientId);
        } else {
          for (; i < end; i++) {
            const s = sessions[i]!;
            if (sieve.seenTwice(s.clientId)) this.finder.add(s);
          }
        }
        if (i < sessions.length && performance.now() >= until) {
          this.#i = i;
          return false;
        }
      }
      this.#pass++;
      this.#i = 0;
    }
    return true;
  }
}

/**
 * A bit per hash of the client IDs added, and one per hash added twice or more: a client ID added
 * twice is always `seenTwice`; one added once is only where another's hash shares its bit (about
 * one in sixteen, with at least 16 bits per client ID).
 */
export class ClientIdSieve {
  readonly #mask: number;
  readonly #once: Uint32Array;
  readonly #twice: Uint32Array;

  /** For about `n` client IDs. */
  constructor(n: number) {
    let bits = 1024;
    // Up to 2^25 bits (4 MB each): past 2 million client IDs, more share a bit.
    while (bits < n * 16 && bits < 1 << 25) bits *= 2;
    this.#mask = bits - 1;
    this.#once = new Uint32Array(bits >>> 5);
    this.#twice = new Uint32Array(bits >>> 5);
  }

  add(clientId: string): void {
    const h = hashClientId(clientId) & this.#mask;
    const word = h >>> 5;
    const bit = 1 << (h & 31);
    if ((this.#once[word]! & bit) !== 0) this.#twice[word]! |= bit;
    else this.#once[word]! |= bit;
  }

  seenTwice(clientId: string): boolean {
    const h = hashClientId(clientId) & this.#mask;
    return (this.#twice[h >>> 5]! & (1 << (h & 31))) !== 0;
  }
}

/**
 * The groups of the sessions given to it one at a time, keyed by workspace and client ID (what
 * `DuplicateSearch` hands it after the sieve, and the sessions a live change touched).
 */
export class DuplicateFinder {
  // First who stands alone (almost everyone, no array each), then only the groups of two or more.
  readonly #first = new ShardedMap<Session>();
  readonly #groups = new Map<string, Session[]>();

  add(s: Session): void {
    const key = groupKeyOf(s);
    const group = this.#groups.get(key);
    if (group) {
      group.push(s);
      return;
    }
    const earlier = this.#first.get(key);
    if (earlier) this.#groups.set(key, [earlier, s]);
    else this.#first.set(key, s);
  }

  /** Each group of two sessions or more added so far, in the order they were added. */
  forEachGroup(visit: (group: Session[]) => void): void {
    this.#groups.forEach(visit);
  }

  /** The groups of the sessions added so far, keyed as `findDuplicates` keys them. */
  groups(): Map<string, Session[]> {
    // Keys as before: workspace, NUL, client ID.
    const out = new Map<string, Session[]>();
    for (const [key, group] of this.#groups) {
      out.set(group[0]!.workspace === undefined ? `\u0000${key}` : key, group);
    }
    return out;
  }
}

/** What makes two sessions one group: their workspace and client ID. */
export const groupKeyOf = (s: Session) =>
  s.workspace === undefined ? s.clientId : `${s.workspace}\u0000${s.clientId}`;

/** The seed's possible causes of a duplicate, shown in the details. */
export const DUPLICATE_CAUSES = [
  'Client reconnected without clean disconnect',
  'Multiple instances using same client ID',
  'Persistent session + new connection',
];
