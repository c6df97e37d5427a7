/**
 * The store against a plain model of what it promises, over random polls, live patches and
 * removals: lists in the previous order or shuffled, with sessions coming, going, changing and
 * listed twice. The store matches each poll to the previous list by position first and by key
 * only where that fails; whatever the order, the outcome must be the model's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sameSession, SessionStore } from '../../src/model/session-store.js';
import { sessionKey, type Session } from '../../src/model/session.js';
import { pendingSession } from '../../src/model/hivemq-client.js';

/** A small seeded generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A fresh object for client `id` of source `source`, as a new poll would bring it. */
const make = (source: string, id: number, version: number): Session => ({
  ...pendingSession(`c${id}`),
  pending: undefined,
  key: sessionKey('node1', `c${id}`, source),
  node: 'node1',
  connectedAt: version,
});

/** What `replace` promises, written the obvious way. */
function modelReplace(previous: readonly Session[], fresh: readonly Session[]) {
  const byKey = new Map(previous.map((s) => [s.key, s]));
  const seen = new Set<string>();
  const list: Session[] = [];
  const added: Session[] = [];
  for (const f of fresh) {
    if (seen.has(f.key)) continue;
    seen.add(f.key);
    const old = byKey.get(f.key);
    if (old && sameSession(old, f)) list.push(old);
    else {
      list.push(f);
      added.push(f);
    }
  }
  const kept = new Set(list);
  return { list, added, gone: new Set(previous.filter((s) => !kept.has(s))) };
}

/** What `patch` promises: upserts in place (new keys at the end), then removals. */
function modelPatch(previous: readonly Session[], upserts: Session[], removes: Set<string>) {
  const byKey = new Map(previous.map((s) => [s.key, s]));
  for (const u of upserts) if (byKey.get(u.key) !== u) byKey.set(u.key, u);
  for (const r of removes) byKey.delete(r);
  const list = [...byKey.values()];
  const before = new Set(previous);
  const now = new Set(list);
  return {
    list,
    added: new Set(list.filter((s) => !before.has(s))),
    gone: new Set(previous.filter((s) => !now.has(s))),
  };
}

describe('session store', () => {
  for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
    it(`keeps to its model over random polls, patches and removals (seed ${seed})`, () => {
      const rand = random(seed);
      const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
      const store = new SessionStore();
      // Two sources with the same client IDs: the same client on two brokers is two sessions.
      const sources = ['a', 'b'];
      let version = 0;
      for (let step = 0; step < 300; step++) {
        const previous = store.sessions;
        const kind = rand();
        if (kind < 0.6) {
          // A poll: most of the previous sessions, some changed, some new, perhaps reordered.
          const fresh: Session[] = [];
          for (const s of previous) {
            const r = rand();
            if (r < 0.1) continue;
            const id = Number(s.clientId.slice(1));
            const source = s.key.split('\u0000')[0]!;
            fresh.push(make(source, id, r < 0.2 ? ++version : s.connectedAt!));
          }
          const extra = Math.floor(rand() * 6);
          for (let i = 0; i < extra; i++) {
            fresh.splice(
              Math.floor(rand() * (fresh.length + 1)),
              0,
              make(pick(sources), Math.floor(rand() * 40), ++version),
            );
          }
          if (rand() < 0.2 && fresh.length > 0) fresh.push(pick(fresh)); // listed twice
          if (rand() < 0.15) fresh.reverse();
          if (rand() < 0.1) fresh.sort(() => rand() - 0.5);
          const expected = modelReplace(previous, fresh);
          const how = rand();
          if (how < 0.5) store.replace(fresh);
          else {
            // In steps, with what may come before its first step.
            const job = store.replaceInSteps(fresh);
            assert.equal(store.sessions, previous, `nothing in before its steps, step ${step}`);
            for (const s of previous) assert.equal(store.get(s.key), s);
            if (how < 0.6) {
              // Cancelled (its refresh was overtaken): the store stays as it was.
              job.cancel();
              assert.equal(job.step(Infinity), true);
              assert.equal(job.committed, false);
              assert.equal(store.sessions, previous);
              continue;
            }
            if (how < 0.7 && expected.list.length > 0) {
              // A live event before it is done: the poll first, then the event.
              const upsert = make(pick(sources), Math.floor(rand() * 40), ++version);
              const removes = new Set([pick(expected.list).key]);
              store.patch([upsert], removes);
              assert.equal(job.committed, true);
              const patched = modelPatch(expected.list, [upsert], removes);
              assert.deepEqual(store.sessions, patched.list, `patch during a poll, step ${step}`);
              assert.deepEqual(new Set(store.lastChange!.added), patched.added);
              assert.deepEqual(store.lastChange!.gone, patched.gone);
              assert.equal(job.step(Infinity), true);
              continue;
            }
            assert.equal(job.step(Infinity), true);
            assert.equal(job.committed, true);
          }
          assert.deepEqual(store.sessions, expected.list, `poll at step ${step}`);
          for (let i = 0; i < expected.list.length; i++) {
            assert.equal(store.sessions[i], expected.list[i], `object kept at ${i}, step ${step}`);
          }
          assert.deepEqual(store.lastChange!.added, expected.added);
          assert.deepEqual(store.lastChange!.gone, expected.gone);
        } else if (kind < 0.85) {
          const upserts: Session[] = [];
          for (let i = Math.floor(rand() * 4); i > 0; i--) {
            upserts.push(make(pick(sources), Math.floor(rand() * 40), ++version));
          }
          if (previous.length > 0 && rand() < 0.3) upserts.push(pick(previous));
          const removes = new Set<string>();
          for (let i = Math.floor(rand() * 3); i > 0; i--) {
            if (previous.length > 0) removes.add(pick(previous).key);
          }
          const expected = modelPatch(previous, upserts, removes);
          store.patch(upserts, removes);
          assert.deepEqual(store.sessions, expected.list, `patch at step ${step}`);
          assert.deepEqual(new Set(store.lastChange!.added), expected.added);
          assert.deepEqual(store.lastChange!.gone, expected.gone);
        } else if (previous.length > 0) {
          const victim = pick(previous);
          assert.equal(store.remove(victim.key), true);
          assert.equal(store.remove(victim.key), false);
          assert.deepEqual(
            store.sessions,
            previous.filter((s) => s !== victim),
          );
        }
        for (const s of store.sessions) assert.equal(store.get(s.key), s);
        assert.equal(new Set(store.sessions.map((s) => s.key)).size, store.sessions.length);
      }
    });
  }

  it('shows a large first list before indexing it, a slice at a time', () => {
    const store = new SessionStore();
    const first = Array.from({ length: 6000 }, (_, i) => make('a', i, 1));
    // Listed twice (no source sends it; a custom one might): the first entry stays.
    const twice = make('a', 17, 9);
    const list = [...first.slice(0, 3000), twice, ...first.slice(3000)];
    store.replace(list);
    assert.equal(store.sessions, list, 'shown as given, at once');
    assert.equal(store.indexed, false);
    assert.equal(store.lastChange!.added, list);
    let slices = 0;
    while (!store.index(performance.now() - 1)) slices++;
    assert.ok(slices > 1, 'indexed a slice at a time');
    assert.equal(store.indexed, true);
    assert.deepEqual(store.sessions, first);
    assert.deepEqual([...store.lastChange!.gone], [twice]);
    assert.equal(store.get(first[17]!.key), first[17]);
    // A poll after it is matched as any other.
    const second = first.map((_, i) => make('a', i, i === 5 ? 2 : 1));
    store.replace(second);
    assert.equal(store.lastChange!.added.length, 1);
    assert.equal(store.sessions[4], first[4]);
  });

  it('finishes indexing at once when a key is looked up, or a patch or poll comes', () => {
    for (const act of ['get', 'patch', 'remove', 'replace'] as const) {
      const store = new SessionStore();
      const first = Array.from({ length: 6000 }, (_, i) => make('a', i, 1));
      store.replace(first);
      assert.equal(store.indexed, false);
      if (act === 'get') assert.equal(store.get(first[5999]!.key), first[5999]);
      if (act === 'patch') store.patch([make('a', 7000, 1)], new Set([first[0]!.key]));
      if (act === 'remove') assert.equal(store.remove(first[1]!.key), true);
      if (act === 'replace') store.replace(first.slice(1));
      assert.equal(store.indexed, true, act);
      const expected =
        act === 'patch'
          ? first.length
          : act === 'remove' || act === 'replace'
            ? first.length - 1
            : first.length;
      assert.equal(store.sessions.length, expected, act);
      for (const x of store.sessions) assert.equal(store.get(x.key), x, act);
    }
  });

  describe('a poll put in a slice at a time', () => {
    const N = 6000;
    /** A store holding `N` sessions, and a poll of them: 1 % changed, 10 gone, 10 new. */
    function setUp() {
      const store = new SessionStore();
      const first = Array.from({ length: N }, (_, i) => make('a', i, 1));
      store.replace(first);
      store.index();
      const fresh = first
        .filter((_, i) => i % 600 !== 7)
        .map((s, i) => make('a', Number(s.clientId.slice(1)), i % 100 === 3 ? 2 : 1));
      for (let k = 0; k < 10; k++) fresh.splice(k * 500, 0, make('a', N + k, 1));
      return { store, first, fresh, expected: modelReplace(first, fresh) };
    }
    const changedKey = (fresh: Session[]) => fresh.find((s) => s.connectedAt === 2)!.key;

    it('changes nothing until its last step, then is what replace would be', () => {
      const { store, first, fresh, expected } = setUp();
      const before = store.lastChange;
      const job = store.replaceInSteps(fresh, 1234);
      let steps = 0;
      while (!job.step(performance.now() - 1)) {
        steps++;
        assert.equal(store.sessions, first);
        assert.equal(store.lastChange, before);
        assert.equal(store.get(changedKey(fresh))?.connectedAt, 1, 'the kept version');
        assert.equal(store.get(fresh[0]!.key), undefined, 'a new key is not in yet');
      }
      assert.ok(steps >= 5, `in steps (${steps})`);
      assert.equal(job.committed, true);
      assert.equal(store.updatedAt, 1234);
      assert.deepEqual(store.sessions, expected.list);
      expected.list.forEach((s, i) => assert.equal(store.sessions[i], s));
      assert.deepEqual(new Set(store.lastChange!.added), new Set(expected.added));
      assert.deepEqual(store.lastChange!.gone, expected.gone);
      assert.equal(store.lastChange!.from, first);
      for (const s of store.sessions) assert.equal(store.get(s.key), s);
      assert.equal(store.get(first[7]!.key), undefined, 'a key gone is out');
    });

    it('puts its list in first when a patch or removal comes half-way', () => {
      for (const act of ['patch', 'remove'] as const) {
        const { store, fresh, expected } = setUp();
        const job = store.replaceInSteps(fresh);
        job.step(performance.now() - 1);
        job.step(performance.now() - 1);
        assert.equal(job.committed, false);
        const key = changedKey(fresh);
        if (act === 'patch') {
          const live = make('a', N + 50, 3);
          store.patch([live], new Set([key]));
          assert.deepEqual(store.sessions, modelPatch(expected.list, [live], new Set([key])).list);
        } else {
          assert.equal(store.remove(key), true);
          assert.deepEqual(
            store.sessions,
            expected.list.filter((s) => s.key !== key),
          );
        }
        assert.equal(job.committed, true, act);
        assert.equal(job.step(performance.now() - 1), true, act);
        for (const s of store.sessions) assert.equal(store.get(s.key), s);
      }
    });

    it('leaves the store as it was when cancelled or overtaken half-way', () => {
      for (const act of ['cancel', 'replace'] as const) {
        const { store, first, fresh } = setUp();
        const job = store.replaceInSteps(fresh);
        job.step(performance.now() - 1);
        job.step(performance.now() - 1);
        if (act === 'cancel') job.cancel();
        // A newer poll, in another order (places the half-done job wrote are wrong for it):
        // every session once more, a few changed.
        const newer = first
          .map((s, i) => make('a', Number(s.clientId.slice(1)), i % 7 ? 1 : 4))
          .reverse();
        if (act === 'cancel') assert.equal(store.sessions, first, 'cancelled: as it was');
        store.replace(newer);
        assert.equal(job.step(Infinity), true);
        assert.equal(job.committed, false, act);
        const expected = modelReplace(first, newer);
        assert.deepEqual(store.sessions, expected.list, act);
        expected.list.forEach((s, i) => assert.equal(store.sessions[i], s, act));
        assert.deepEqual(store.lastChange!.gone, expected.gone, act);
        for (const s of store.sessions) assert.equal(store.get(s.key), s);
        assert.equal(store.get(fresh[0]!.key), undefined, `${act}: its new keys never went in`);
      }
    });
  });

  it('looks up only the sessions that moved when a poll keeps the order', () => {
    const store = new SessionStore();
    const first = Array.from({ length: 1000 }, (_, i) => make('a', i, 1));
    store.replace(first);
    // Every 100th reconnected, one left, one came: the rest matched by position.
    const second = first
      .filter((_, i) => i !== 500)
      .map((s, i) =>
        i % 100 === 0
          ? make('a', Number(s.clientId.slice(1)), 2)
          : make('a', Number(s.clientId.slice(1)), 1),
      );
    second.splice(700, 0, make('a', 5000, 1));
    store.replace(second);
    const change = store.lastChange!;
    assert.equal(store.sessions.length, 1000);
    assert.equal(change.added.length, 11);
    assert.equal(change.gone.size, 11);
    assert.equal(store.sessions[1], first[1], 'an unchanged session keeps its object');
  });
});
