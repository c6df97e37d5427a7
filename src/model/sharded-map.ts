/**
 * A Map of string keys kept as sixteen Maps, picked by a few characters of the key. A Map grows by
 * copying its whole table in one call: the entry that takes a Map of string keys past 65,536
 * took 14–17 ms here, and past 32,768 about half that, a dropped frame in the middle of work
 * meant to take 4 ms a turn. The Maps of the sessions of a large list (the store's slots, the
 * health tracker's traffic, connections and naming, duplicate grouping) grow while the first
 * list is looked at between frames; split, each copy is a sixteenth of that.
 *
 * Iteration visits one Map after another: it is in insertion order within each only. Use it where
 * the order of entries means nothing.
 */

const SHARDS = 16;

/**
 * Which of the Maps a key is in: the last two characters, which vary from one client ID to the
 * next (`sensor-0001234`, `…35`), and the middle one, mixed; the length for the empty key.
 */
export function shardOf(key: string): number {
  const n = key.length;
  if (n < 2) return n === 0 ? 0 : key.charCodeAt(0) & (SHARDS - 1);
  const h = key.charCodeAt(n - 1) * 961 + key.charCodeAt(n - 2) * 31 + key.charCodeAt(n >> 1);
  return (h ^ (h >> 4) ^ (h >> 8)) & (SHARDS - 1);
}

export class ShardedMap<V> {
  readonly #maps: Map<string, V>[] = Array.from({ length: SHARDS }, () => new Map());

  get size(): number {
    let n = 0;
    for (const m of this.#maps) n += m.size;
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
