import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ClientIdSieve,
  DuplicateFinder,
  DuplicateSearch,
  findDuplicates,
} from '../../src/analysis/duplicates.js';
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
  /** The groups a one-pass `DuplicateFinder` over every session finds. */
  function onePass(sessions: readonly Session[]): [string, string[]][] {
    const finder = new DuplicateFinder();
    for (const s of sessions) finder.add(s);
    return [...finder.groups()].map(([key, group]) => [key, group.map((s) => s.key)]);
  }

  it('should find the groups one pass over every session finds, a part at a time', () => {
    const workspaces = [undefined, '', 'w'];
    const sessions: Session[] = generatedSessions(20_000).map((s, i) => ({
      ...s,
      workspace: workspaces[i % 3],
    }));
    // Client IDs on a second node, in the same workspace and in another one.
    for (let i = 0; i < 20_000; i += 997) {
      sessions.push({ ...sessions[i]!, key: `${sessions[i]!.key}-n2`, node: 'n2' });
      sessions.push({ ...sessions[i]!, key: `${sessions[i]!.key}-w3`, workspace: 'w3' });
    }
    // Client IDs no generator makes: empty, non-ASCII, a NUL, each twice.
    for (const clientId of ['', 'Gerät-ü', '😀', 'a\u0000b']) {
      for (const node of ['n1', 'n2']) {
        sessions.push({ ...sessions[0]!, key: `x\u0000${node}\u0000${clientId}`, clientId, node });
      }
    }
    const search = new DuplicateSearch(sessions);
    let steps = 1;
    while (!search.step(0)) steps++;
    assert.ok(steps >= 4, `in parts (${steps} steps)`);
    const expected = onePass(sessions);
    assert.equal(expected.length, Math.ceil(20_000 / 997) + 4);
    assert.deepEqual(
      [...search.finder.groups()].map(([key, group]) => [key, group.map((s) => s.key)]),
      expected,
    );
    assert.deepEqual(
      [...findDuplicates(sessions)].map(([key, group]) => [key, group.map((s) => s.key)]),
      expected,
    );
  });

  it('should be done at once with an empty list', () => {
    const search = new DuplicateSearch([]);
    assert.equal(search.step(0), true);
    assert.equal(search.step(0), true);
    assert.equal(search.finder.groups().size, 0);
  });
});
