/**
 * Client IDs as keys, hashed here rather than by the engine. In Chromium, having the engine hash
 * a string (its first use as the key of a Map or a Set, a lookup in an empty Set as much as an
 * entry) costs native memory: in a blank page holding 100,000 sessions made by `JSON.parse`,
 * looking each client ID up once in an empty Set left the renderer's malloc 4.2 MB larger than
 * not looking them up (1.7 MB of it counted by V8 itself), and a Map keyed by numbers made from
 * them nothing. The session keys, which the store looks up, cost as much again. The health
 * tracker keeps what it knows of each client ID by the number `hashClientId` makes of it.
 */

/** FNV-1a of the client ID's code units, its bits mixed so that the low ones vary as the high. */
export function hashClientId(clientId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < clientId.length; i++) h = Math.imul(h ^ clientId.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x45d9f3b);
  return h ^ (h >>> 16);
}

/** Maps per shard: a Map grows by copying its whole table at once (see sharded-map.ts). */
const SHARDS = 16;

/**
 * A map from client ID to a value that names its own client ID (`clientIdOf`), looked up by the
 * client ID and its `hashClientId`. A value is kept under its hash, a number; the rare client ID
 * whose hash another one's value already holds is kept in a map by client ID of its own, so two
 * client IDs are never taken for one.
 */
export class ClientIdMap<V> {
  readonly #shards: Map<number, V>[] = Array.from({ length: SHARDS }, () => new Map());
  /** Values whose hash was taken by another client ID's value when they were set. */
  readonly #others = new Map<string, V>();
  readonly #clientIdOf: (value: V) => string;

  constructor(clientIdOf: (value: V) => string) {
    this.#clientIdOf = clientIdOf;
  }

  get size(): number {
    let n = this.#others.size;
    for (let i = 0; i < SHARDS; i++) n += this.#shards[i]!.size;
    return n;
  }

  get(hash: number, clientId: string): V | undefined {
    const value = this.#shards[hash & (SHARDS - 1)]!.get(hash);
    if (value !== undefined && this.#clientIdOf(value) === clientId) return value;
    // `size` first: even a lookup in an empty map has the engine hash the client ID.
    return this.#others.size === 0 ? undefined : this.#others.get(clientId);
  }

  has(hash: number, clientId: string): boolean {
    return this.get(hash, clientId) !== undefined;
  }

  /** Puts `value` in for `clientId` (which `clientIdOf(value)` must give). */
  set(hash: number, clientId: string, value: V): void {
    const shard = this.#shards[hash & (SHARDS - 1)]!;
    const held = shard.get(hash);
    if (held !== undefined && this.#clientIdOf(held) === clientId) shard.set(hash, value);
    else if (this.#others.size > 0 && this.#others.has(clientId)) this.#others.set(clientId, value);
    else if (held === undefined) shard.set(hash, value);
    else this.#others.set(clientId, value);
  }

  delete(hash: number, clientId: string): boolean {
    const shard = this.#shards[hash & (SHARDS - 1)]!;
    const held = shard.get(hash);
    if (held !== undefined && this.#clientIdOf(held) === clientId) return shard.delete(hash);
    return this.#others.size > 0 && this.#others.delete(clientId);
  }

  /**
   * Calls `keep` on every value, with its client ID and hash; a value it returns undefined for
   * is dropped, another (for the same client ID) replaces it. Entries are visited in no
   * particular order.
   */
  update(keep: (value: V, clientId: string, hash: number) => V | undefined): void {
    const clientIdOf = this.#clientIdOf;
    // `forEach`, not `for...of`: no entry array and result object per entry (one per session).
    // A Map may drop or replace the entry it is visiting.
    for (let i = 0; i < SHARDS; i++) {
      const shard = this.#shards[i]!;
      shard.forEach((value, hash) => {
        const kept = keep(value, clientIdOf(value), hash);
        if (kept === undefined) shard.delete(hash);
        else if (kept !== value) shard.set(hash, kept);
      });
    }
    const others = this.#others;
    others.forEach((value, clientId) => {
      const kept = keep(value, clientId, hashClientId(clientId));
      if (kept === undefined) others.delete(clientId);
      else if (kept !== value) others.set(clientId, kept);
    });
  }
}
