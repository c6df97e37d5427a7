import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientIdSieve, DuplicateSearch, findDuplicates } from '../../src/analysis/duplicates.js';
import type { Session } from '../../src/model/session.js';
import { generatedSessions } from '../support/generated.js';

describe('ClientIdSieve', () => {
  it('should let every client ID added twice through, and few of those added once', () => {
    const ids = Array.from({ length: 100_000 }, (_, i) => `sensor-${String(i).padStart(7, '0')}`);
    const sieve = new ClientIdSieve(ids.length + 100);
    for (const id of ids) sieve.add(id);
    // A hundred of them again, in other strings of the same text.
    const again = ids.filter((_, i) => i % 1000 === 7).map((id) => [...id].join(''));
    for (const id of again) sieve.add(id);
    for (const id of again) assert.equal(sieve.seenTwice(id), true, id);
    const once = ids.filter((_, i) => i % 1000 !== 7);
    const through = once.filter((id) => sieve.seenTwice(id)).length;
    // With 16 bits or more per client ID, about one in sixteen shares its bit with another.
    assert.ok(through < once.length * 0.12, `${through} of ${once.length} added once`);
  });
});

describe('DuplicateSearch', () => {
  /** Groups as a plain map of every client ID finds them, in the same order. */
  function byMap(sessions: readonly Session[]): Map<string, string[]> {
    const all = new Map<string, Session[]>();
    for (const s of sessions) {
      const key = `${s.workspace ?? ''}\u0000${s.clientId}`;
      all.set(key, [...(all.get(key) ?? []), s]);
    }
    return new Map(
      [...all].filter(([, g]) => g.length > 1).map(([k, g]) => [k, g.map((s) => s.key)]),
    );
  }

  it('should find the groups a map of every client ID finds, a part at a time', () => {
    const sessions: Session[] = generatedSessions(20_000).map((s, i) => ({
      ...s,
      workspace: i % 2 === 0 ? undefined : 'w',
    }));
    // Client IDs on a second node, in the same workspace and in another one.
    for (let i = 0; i < 20_000; i += 997) {
      sessions.push({ ...sessions[i]!, key: `${sessions[i]!.key}-n2`, node: 'n2' });
      sessions.push({ ...sessions[i]!, key: `${sessions[i]!.key}-w3`, workspace: 'w3' });
    }
    const search = new DuplicateSearch(sessions);
    let steps = 1;
    while (!search.step(0)) steps++;
    assert.ok(steps >= 4, `in parts (${steps} steps)`);
    const found = new Map<string, string[]>();
    search.finder.forEachGroup((g) =>
      found.set(
        `${g[0]!.workspace ?? ''}\u0000${g[0]!.clientId}`,
        g.map((s) => s.key),
      ),
    );
    const expected = byMap(sessions);
    assert.equal(expected.size, Math.ceil(20_000 / 997));
    assert.deepEqual(
      [...found].sort(([a], [b]) => (a < b ? -1 : 1)),
      [...expected].sort(([a], [b]) => (a < b ? -1 : 1)),
    );
    assert.equal(findDuplicates(sessions).size, expected.size);
  });
});
