import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ShardedMap, shardOf } from '../../src/model/sharded-map.js';
import { generatedSessions } from '../support/generated.js';

describe('ShardedMap', () => {
  it('answers as a Map does through random sets, gets and deletes', () => {
    const sharded = new ShardedMap<number>();
    const plain = new Map<string, number>();
    let state = 5;
    const next = () => (state = (state * 1103515245 + 12345) % 2147483648);
    const keyOf = () => ['', 'a', 'é', `c-${Math.floor(next() / 65536) % 700}`][next() % 4]!;
    for (let i = 0; i < 20_000; i++) {
      const key = keyOf();
      const op = Math.floor(next() / 65536) % 5;
      if (op < 2) {
        assert.equal(sharded.set(key, i), sharded);
        plain.set(key, i);
      } else if (op === 2) {
        assert.equal(sharded.delete(key), plain.delete(key));
      } else {
        assert.equal(sharded.get(key), plain.get(key));
        assert.equal(sharded.has(key), plain.has(key));
      }
      assert.equal(sharded.size, plain.size);
    }
    const visited = new Map<string, number>();
    sharded.forEach((value, key) => visited.set(key, value));
    assert.deepEqual(new Map([...visited].sort()), new Map([...plain].sort()));
    assert.deepEqual([...sharded.keys()].sort(), [...plain.keys()].sort());
    sharded.clear();
    assert.equal(sharded.size, 0);
    assert.equal(sharded.get('a'), undefined);
  });

  it('keeps its keys iterator going while entries are deleted and added', () => {
    const map = new ShardedMap<number>();
    for (let i = 0; i < 1000; i++) map.set(`k-${i}`, i);
    const visited = new Set<string>();
    const deletedFirst = new Set<string>();
    for (const key of map.keys()) {
      assert.ok(!visited.has(key), `${key} twice`);
      assert.ok(!deletedFirst.has(key), `${key} after it was deleted`);
      visited.add(key);
      if (key.startsWith('new-')) continue;
      // Another key goes (unless already visited), and a new one comes.
      const other = `k-${(Number(key.slice(2)) * 7 + 3) % 1000}`;
      if (!visited.has(other) && map.delete(other)) deletedFirst.add(other);
      map.set(`new-${key}`, 0);
    }
    for (let i = 0; i < 1000; i++) {
      const key = `k-${i}`;
      assert.equal(visited.has(key), !deletedFirst.has(key), key);
    }
    assert.ok(deletedFirst.size > 100);
  });

  it('spreads the keys and client IDs of a fleet over all its Maps', () => {
    const counts = { keys: new Array<number>(16).fill(0), ids: new Array<number>(16).fill(0) };
    for (const s of generatedSessions(100_000)) {
      counts.keys[shardOf(s.key)]!++;
      counts.ids[shardOf(s.clientId)]!++;
    }
    for (const [what, list] of Object.entries(counts)) {
      // Within half and twice an even share: none copies much more than a sixteenth at once.
      for (const n of list) assert.ok(n > 100_000 / 32 && n < 100_000 / 8, `${what}: ${list}`);
    }
    assert.ok(['', 'a', 'é', 'ab'].every((k) => shardOf(k) >= 0 && shardOf(k) < 16));
    // Fleets whose IDs differ in the middle, or only in a few digits, use every Map too.
    const fleets = {
      device: (i: number) => `${String(i).padStart(6, '0')}-device`,
      plant: (i: number) => `plant${i % 10}/line/${String(i).padStart(5, '0')}/01`,
      gateway: (i: number) => `${i}-gw`,
    };
    for (const [what, id] of Object.entries(fleets)) {
      const list = new Array<number>(16).fill(0);
      for (let i = 0; i < 100_000; i++) list[shardOf(id(i))]!++;
      for (const n of list) assert.ok(n > 0 && n < 100_000 / 4, `${what}: ${list}`);
    }
  });
});
