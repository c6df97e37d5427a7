/**
 * A Map of string keys kept as sixteen Maps, picked by a few characters of the key. A Map grows by
 * copying its whole table in one call: the entry that takes a Map of string keys past 65,536
 * took 14–17 ms here, and past 32,768 about half that, a dropped frame in the middle of work
 * meant to take 4 ms a turn. The Maps of the sessions of a large list (the store's slots, the
 * health tracker's records per key, cached health) grow while the first list is looked at
 * between frames; split, each copy is a sixteenth of that.
 *
 * Iteration visits one Map after another: it is in insertion order within each only. Use it where
 * the order of entries means nothing.
 */

const SHARDS = 16;

/** One more character into a hash. */
const mix = (h: number, c: number) => (Math.imul(h, 31) + c) | 0;

/**
 * Which of the Maps a key is in: nine of its characters, mixed, from where client IDs and keys
 * differ from each other (the last six: `sensor-0001234`, `…35`, `…/00042/01`; the middle two
 * and one a quarter in: `000042-device`). Keys alike in all nine land in one Map, which is then
 * what a plain Map would be, no worse.
 */
export function shardOf(key: string): number {
  const n = key.length;
  let h = n;
  if (n < 9) {
    for (let i = 0; i < n; i++) h = mix(h, key.charCodeAt(i));
  } else {
    const m = n >> 1;
    h = mix(h, key.charCodeAt(n - 1));
    h = mix(h, key.charCodeAt(n - 2));
    h = mix(h, key.charCodeAt(n - 3));
    h = mix(h, key.charCodeAt(n - 4));
    h = mix(h, key.charCodeAt(n - 5));
    h = mix(h, key.charCodeAt(n - 6));
    h = mix(h, key.charCodeAt(m));
    h = mix(h, key.charCodeAt(m - 1));
    h = mix(h, key.charCodeAt(n >> 2));
  }
  h ^= h >>> 16;
  h ^= h >>> 8;
  return (h ^ (h >>> 4)) & (SHARDS - 1);
}

export class ShardedMap<V> {
  readonly #maps: Map<string, V>[] = Array.from({ length: SHARDS }, () => new Map());

  /**
   * Counted over an index, not `for...of`: no array iterator a call (when `size` was read for each
   * client ID seen for the first time, that made 2.6 MB of garbage over 100,000 sessions).
   */
  get size(): number {
    const maps = this.#maps;
    let n = 0;
    for (let i = 0; i < maps.length; i++) n += maps[i]!.size;
    return n;
  }

  get(key: string): V | undefined {
    return this.#maps[shardOf(key)]!.get(key);
  }

  has(key: string): boolean {
    return this.#maps[shardOf(key)]!.has(key);
  }

  set(key: string, value: V): this {
    this.#maps[shardOf(key)]!.set(key, value);
    return this;
  }

  delete(key: string): boolean {
    return this.#maps[shardOf(key)]!.delete(key);
  }

  clear(): void {
    for (const m of this.#maps) m.clear();
  }

  /** As `Map.forEach`: an entry deleted or set by `visit` is handled as a Map handles it. */
  forEach(visit: (value: V, key: string) => void): void {
    for (const m of this.#maps) m.forEach(visit);
  }

  /** The keys; as a Map's iterator, it survives entries deleted or added while it is used. */
  *keys(): IterableIterator<string> {
    for (const m of this.#maps) yield* m.keys();
  }
}
