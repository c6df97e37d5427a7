import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientIdMap, hashClientId } from '../../src/analysis/client-id-map.js';
import { collidingClientIds } from '../support/colliding.js';

interface Entry {
  clientId: string;
  n: number;
}
const entry = (clientId: string, n: number): Entry => ({ clientId, n });

describe('ClientIdMap', () => {
  const [a, b] = collidingClientIds();

  it('has two client IDs of one hash to test with', () => {
    assert.notEqual(a, b);
    assert.equal(hashClientId(a), hashClientId(b));
  });

  it('should keep client IDs that share a hash apart', () => {
    const map = new ClientIdMap<Entry>((e) => e.clientId);
    const h = hashClientId(a);
    map.set(h, a, entry(a, 1));
    assert.equal(map.get(h, b), undefined);
    map.set(h, b, entry(b, 2));
    assert.equal(map.get(h, a)?.n, 1);
    assert.equal(map.get(h, b)?.n, 2);
    assert.equal(map.size, 2);
    // Replaced where each is kept.
    map.set(h, a, entry(a, 3));
    map.set(h, b, entry(b, 4));
    assert.deepEqual([map.get(h, a)?.n, map.get(h, b)?.n, map.size], [3, 4, 2]);
    // The first gone, the second still found, and set again in one place only.
    assert.equal(map.delete(h, a), true);
    assert.equal(map.get(h, a), undefined);
    assert.equal(map.get(h, b)?.n, 4);
    map.set(h, b, entry(b, 5));
    assert.deepEqual([map.get(h, b)?.n, map.size], [5, 1]);
    assert.equal(map.delete(h, b), true);
    assert.equal(map.delete(h, b), false);
    assert.equal(map.size, 0);
  });

  it('should visit, replace and drop every entry in update, with its client ID and hash', () => {
    const map = new ClientIdMap<Entry>((e) => e.clientId);
    const ids = [a, b, ...Array.from({ length: 1000 }, (_, i) => `sensor-${i}`)];
    ids.forEach((id, i) => map.set(hashClientId(id), id, entry(id, i)));
    const visited: string[] = [];
    map.update((value, clientId, hash) => {
      assert.equal(value.clientId, clientId);
      assert.equal(hash, hashClientId(clientId));
      visited.push(clientId);
      if (value.n % 2 === 0) return undefined;
      return value.n % 3 === 0 ? entry(clientId, -value.n) : value;
    });
    assert.deepEqual(visited.sort(), [...ids].sort());
    assert.equal(map.size, ids.filter((_, i) => i % 2 === 1).length);
    ids.forEach((id, i) => {
      const expected = i % 2 === 0 ? undefined : i % 3 === 0 ? -i : i;
      assert.equal(map.get(hashClientId(id), id)?.n, expected, id);
    });
  });
});
