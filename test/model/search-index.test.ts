import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IncrementalSearch, matchesNeedle } from '../../src/model/search-index.js';
import { sameSession, SessionStore } from '../../src/model/session-store.js';
import type { Session } from '../../src/model/session.js';
import { pendingSession } from '../../src/model/hivemq-client.js';

const session = (clientId: string, username?: string): Session => ({
  ...pendingSession(clientId),
  pending: undefined,
  username,
  displayUsername: username?.replace(/@org_.*$/, ''),
});

describe('incremental search', () => {
  const base = [
    session('Agent-Summarizer-001', 'mydevice@org_k7xm4pqr2n5t'),
    session('agent-billing-002'),
    session('mobile-app-user-12345', 'ops@example.com'),
    session('client1'),
  ];

  it('matches client IDs and usernames, case-insensitively, in the order given', () => {
    const search = new IncrementalSearch();
    assert.deepEqual(
      search.search(base, 'AGENT').map((s) => s.clientId),
      ['Agent-Summarizer-001', 'agent-billing-002'],
    );
    assert.deepEqual(
      search.search(base, 'org_k7').map((s) => s.clientId),
      ['Agent-Summarizer-001'],
    );
    assert.deepEqual(
      search.search(base, ' example.com ').map((s) => s.clientId),
      ['mobile-app-user-12345'],
    );
  });

  it('narrows the previous result while typing, and hands back the list itself when cleared', () => {
    const search = new IncrementalSearch();
    const first = search.search(base, 'a');
    const narrowed = search.search(base, 'ag');
    assert.ok(narrowed.every((s) => first.includes(s)));
    // The same query again: the same array, no work.
    assert.equal(search.search(base, 'ag'), narrowed);
    assert.equal(search.search(base, ''), base);
    // Another list starts from that list, not from a result of the old one.
    const other = [session('agent-x')];
    assert.deepEqual(
      search.search(other, 'agent').map((s) => s.clientId),
      ['agent-x'],
    );
  });

  it('gives what a plain filter gives over a session of typing, backspacing and new lists', () => {
    // Seeded, so a failure repeats.
    let seed = 7;
    const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const letters = 'abcdep-01';
    const word = (n: number) =>
      Array.from({ length: n }, () => letters[Math.floor(rnd() * letters.length)]).join('');
    const list = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        session(`${word(3 + (i % 5))}-${i}`, rnd() < 0.5 ? `${word(4)}@org` : undefined),
      );
    const plain = (sessions: readonly Session[], q: string) =>
      sessions.filter((s) => matchesNeedle(s, q.trim().toLowerCase()));
    // Pieces of joined haystacks cut short every 600 code units too (as very long client IDs
    // would cut them): pieces of all sizes.
    const search = new IncrementalSearch();
    const short = new IncrementalSearch(600);
    let sessions = list(300);
    let query = '';
    for (let step = 0; step < 400; step++) {
      const r = rnd();
      if (r < 0.55) query += letters[Math.floor(rnd() * letters.length)];
      else if (r < 0.8) query = query.slice(0, -1);
      else if (r < 0.9) query = '';
      // A refresh: a new list (of another length) under the same query; now and then one of
      // several thousand sessions (more than one piece of joined haystacks).
      else
        sessions = list(
          rnd() < 0.3 ? 2000 + Math.floor(rnd() * 5000) : 100 + Math.floor(rnd() * 400),
        );
      const expected = query.trim() === '' ? sessions : plain(sessions, query);
      assert.deepEqual(
        search.search(sessions, query).map((s) => s.key),
        expected.map((s) => s.key),
        `step ${step}, query "${query}"`,
      );
      assert.deepEqual(
        short.search(sessions, query).map((s) => s.key),
        expected.map((s) => s.key),
        `step ${step}, query "${query}", short pieces`,
      );
    }
  });

  it('answers one-character queries as a plain filter does, over several pieces', () => {
    // Sessions past the first piece (2,048) and across 32-session words; IDs in capitals, with
    // accents, with a separator inside; some without a username.
    const odd = ['A\u0001Z', 'q\u0000x', 'ÉTÉ', 'Jürgen', 'X', ''];
    const sessions = Array.from({ length: 5000 }, (_, i) =>
      session(
        i % 97 === 0 ? odd[(i / 97) % odd.length]! + `-${i}` : `Dev-${(i * 7919) % 5000}`,
        i % 3 === 0 ? undefined : `U${i % 11}@org_k7xm4pqr2n5t`,
      ),
    );
    const plain = (q: string) => sessions.filter((s) => matchesNeedle(s, q.trim().toLowerCase()));
    // One whose haystacks were made only in part, between frames, before the query.
    const partly = new IncrementalSearch();
    partly.prepare(sessions, 0);
    for (const search of [new IncrementalSearch(), new IncrementalSearch(600), partly]) {
      for (const q of [
        'd',
        'D',
        'z',
        'x',
        'q',
        '9',
        '-',
        '@',
        'é',
        'ü',
        'w',
        ' u',
        '\u0001',
        '\u0000',
      ]) {
        assert.deepEqual(
          search.search(sessions, q).map((s) => s.key),
          plain(q).map((s) => s.key),
          JSON.stringify(q),
        );
      }
    }
  });

  it('joins again only the runs a new list changed, and answers it as a plain filter', () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    let made = 0;
    const make = () => {
      const i = made++;
      return session(`dev-${i}`, i % 4 === 0 ? undefined : `u${i % 13}@org_k7`);
    };
    const plain = (sessions: readonly Session[], q: string) =>
      sessions.filter((s) => matchesNeedle(s, q.trim().toLowerCase()));
    const queries = ['dev-1', 'u1', 'new', 'd', '7', '@org_k7', 'zz'];
    for (const search of [new IncrementalSearch(), new IncrementalSearch(600)]) {
      let list = Array.from({ length: 30_000 }, make);
      search.search(list, 'dev');
      for (let round = 0; round < 24; round++) {
        const next = list.slice();
        const edits = 1 + Math.floor(rnd() * 4);
        for (let e = 0; e < edits; e++) {
          const at = Math.floor(rnd() * next.length);
          const r = rnd();
          // A session that left, one that came, a new version with the same haystacks (its
          // counters moved), one with another username, a run of them moved elsewhere.
          if (r < 0.2) next.splice(at, 1);
          else if (r < 0.4) next.splice(at, 0, make());
          else if (r < 0.6) next[at] = { ...next[at]!, recvMessages: round };
          else if (r < 0.8) next[at] = { ...next[at]!, username: `new${round}@org_k7` };
          else next.splice(Math.floor(rnd() * next.length), 0, ...next.splice(at, 50));
        }
        // Now and then another order altogether (a sort): nothing to reuse.
        const sorted = round % 8 === 7;
        if (sorted) next.reverse();
        const before = search.joined;
        // Half the time the new list's haystacks are made in part first, between frames.
        if (rnd() < 0.5) search.prepare(next, 0);
        for (const q of queries) {
          assert.deepEqual(
            search.search(next, q).map((s) => s.key),
            plain(next, q).map((s) => s.key),
            `round ${round}, query "${q}"`,
          );
        }
        const joined = search.joined - before;
        if (sorted) assert.ok(joined >= next.length * 0.9, `round ${round}: ${joined} joined`);
        else assert.ok(joined <= edits * 3 * 2048, `round ${round}: ${joined} joined`);
        // A copy of it: every piece reused, none joined, still a piece at a time between frames.
        const copy = next.slice();
        const joinedBefore = search.joined;
        assert.equal(search.prepare(copy, 0), false);
        assert.equal(search.prepare(copy), true);
        assert.equal(search.joined, joinedBefore);
        list = copy;
      }
    }
  });

  it('cannot match across two sessions or two fields in the joined haystacks', () => {
    const search = new IncrementalSearch();
    const list = [session('ab'), session('cd', 'ef'), session('gh', 'ij')];
    for (const q of ['bc', 'dc', 'de', 'fg', 'hi', 'ja'])
      assert.deepEqual(search.search(list, q), [], q);
    assert.deepEqual(
      search.search(list, 'f').map((s) => s.clientId),
      ['cd'],
    );
    // A query holding the separators themselves (never typed) is still answered right.
    const odd = [session('a\u0000b'), session('c\u0001d'), session('ab')];
    assert.deepEqual(
      search.search(odd, 'a\u0000b').map((s) => s.clientId),
      ['a\u0000b'],
    );
    assert.deepEqual(
      search.search(odd, '\u0001').map((s) => s.clientId),
      ['c\u0001d'],
    );
  });

  it('cannot match across two fields', () => {
    assert.equal(matchesNeedle(session('ab', 'cd'), 'bc'), false);
    assert.equal(matchesNeedle(session('ab', 'cd'), 'cd'), true);
    // The username shown is searched too where the one sent does not hold it.
    const s = { ...session('x', 'Alice@org_1'), displayUsername: 'Ålice' };
    assert.equal(matchesNeedle(s, 'ålice'), true);
    assert.equal(matchesNeedle(s, 'alice@org'), true);
    assert.equal(matchesNeedle(s, 'org_1å'), false);
    assert.equal(matchesNeedle({ ...session('ID-Upper') }, 'id-up'), true);
  });
});

describe('session store merge', () => {
  it('keeps the object of a session that did not change across a refresh', () => {
    const store = new SessionStore();
    const a = session('a');
    const b = session('b');
    store.replace([a, b]);
    const a2 = { ...a };
    const b2 = { ...b, subscriptions: 3 };
    store.replace([a2, b2]);
    assert.equal(store.get(a.key), a);
    assert.equal(store.get(b.key), b2);
    assert.ok(sameSession(a, a2));
    assert.ok(!sameSession(b, b2));
  });
});

describe('sorted merge after a refresh', () => {
  it('finds what left by binary search, in every column, also where values are odd', async () => {
    const { comparator, mergeSorted, sortSessions } = await import('../../src/model/query.js');
    const ips = ['10.0.0.1', '10.0.0.10', 'a.b.c.d', '::1', '', '10.0.0.2', '1.2.3', 'x.1.2.3'];
    const all = Array.from({ length: 10_000 }, (_, i) => ({
      ...session(`c-${(i * 7919) % 10_000}`, `user${i % 13}`),
      ip: ips[i % ips.length],
      connectedAt: (i * 37) % 500,
      subscriptions: i % 5,
    }));
    const columns = ['clientId', 'username', 'connectedAt', 'ip', 'protocol', 'subscriptions'];
    for (const column of columns) {
      for (const direction of ['ascending', 'descending'] as const) {
        const order = { column, direction } as Parameters<typeof sortSessions>[1] & object;
        const before = sortSessions(all, order);
        // The sort (keys made once per session) orders as its comparator does.
        assert.deepEqual(
          before.map((s) => s.key),
          [...all].sort(comparator(order)).map((s) => s.key),
          `sort by ${column} ${direction}`,
        );
        // A few left (some of them never in this view), a few changed.
        const gone = new Set([...all.filter((_, i) => i % 397 === 0), session('not-in-view')]);
        const changed = all.filter((_, i) => i % 389 === 0 && i % 397 !== 0);
        for (const s of changed) gone.add(s);
        const added = changed.map((s) => ({ ...s, connectedAt: 1 }));
        const merged = mergeSorted(before, gone, added, order);
        const expected = sortSessions([...all.filter((s) => !gone.has(s)), ...added], order);
        assert.deepEqual(
          merged.map((s) => s.key),
          expected.map((s) => s.key),
          `${column} ${direction}`,
        );
        // The new versions themselves, not the old ones of the same keys.
        assert.ok(
          merged.every((s, i) => s === expected[i]),
          `${column} ${direction}: the new versions`,
        );
      }
    }
  });

  it('keeps the order of a full sort over many merges into merged lists', async () => {
    const { comparator, mergeSorted, sortSessions } = await import('../../src/model/query.js');
    // Some IDs and usernames only the collator can place (no key), some equal but for case.
    const ids = (i: number) =>
      i % 9 === 0 ? `Ünit-${i % 50}` : i % 5 === 0 ? `C-${i % 70}` : `c-${(i * 7919) % 1000}`;
    let serial = 0;
    const make = (i: number) => ({
      ...session(ids(i), i % 4 === 0 ? `Jürgen${i % 3}` : `user${i % 11}`),
      key: `k-${serial++}`,
    });
    for (const column of ['clientId', 'username'] as const) {
      for (const direction of ['ascending', 'descending'] as const) {
        const order = { column, direction };
        let all = Array.from({ length: 5000 }, (_, i) => make(i));
        let sorted: readonly Session[] = sortSessions(all, order);
        assert.deepEqual(
          sorted.map((s) => s.key),
          [...all].sort(comparator(order)).map((s) => s.key),
          `sort by ${column} ${direction}`,
        );
        for (let round = 1; round <= 6; round++) {
          // A few leave, a few change, a few are new; by a set or by a test, in turn.
          const gone = new Set(all.filter((_, i) => (i + round) % 97 === 0));
          const added: Session[] = [...gone]
            .slice(0, 10)
            .map((s) => ({ ...s, subscriptions: round }));
          for (let i = 0; i < 5; i++) added.push(make(round * 100 + i));
          all = [...all.filter((s) => !gone.has(s)), ...added];
          sorted =
            round % 2
              ? mergeSorted(sorted, gone, added, order)
              : mergeSorted(sorted, (s) => !gone.has(s), added, order);
          const expected = sortSessions(all, order);
          assert.deepEqual(
            sorted.map((s) => s.key),
            expected.map((s) => s.key),
            `${column} ${direction}, round ${round}`,
          );
          assert.ok(
            sorted.every((s, i) => s === expected[i]),
            `${column} ${direction}, round ${round}: the new versions`,
          );
        }
      }
    }
  });

  it('places a new version that sorts alike only by the collator where a full sort does', async () => {
    const { mergeSorted, sortSessions } = await import('../../src/model/query.js');
    const order = { column: 'username' as const, direction: 'ascending' as const };
    const all = Array.from({ length: 400 }, (_, i) =>
      session(`c-${i}`, ['Jurgen', 'Jürgen', 'bob', 'Zoë', 'zoe'][i % 5]! + String(i % 3)),
    );
    const before = sortSessions(all, order);
    // Usernames that change in accents or case only: the same place to the collator, though
    // one side has no key (only the collator can place it); and a counter that moved.
    const changed = all.filter((_, i) => i % 7 === 0);
    const added = changed.map((s, i) => ({
      ...s,
      displayUsername:
        i % 3 === 0
          ? s.displayUsername!.replace('ü', 'u').replace('ë', 'e')
          : i % 3 === 1
            ? s.displayUsername!.toUpperCase()
            : s.displayUsername,
      recvPackets: 99,
    }));
    const gone = new Set(changed);
    const merged = mergeSorted(before, gone, added, order);
    const expected = sortSessions([...all.filter((s) => !gone.has(s)), ...added], order);
    assert.ok(merged.every((s, i) => s === expected[i]));
    // And merged into again, with the keys it kept.
    const later = [session('c-new', 'JURGEN1'), session('c-new-2', 'zoë0')];
    const again = mergeSorted(merged, new Set(), later, order);
    assert.ok(again.every((s, i) => s === sortSessions([...expected, ...later], order)[i]));
  });

  it('merges a new version whose old one was not in the view, and a key given twice', async () => {
    const { mergeSorted, querySessions, sortSessions } = await import('../../src/model/query.js');
    const order = { column: 'clientId' as const, direction: 'ascending' as const };
    const all = Array.from({ length: 300 }, (_, i) => ({
      ...session(`c-${(i * 37) % 300}`),
      workspace: i % 2 ? 'w' : 'other',
    }));
    const view = { workspace: 'w', filters: {}, search: '', sort: order };
    const before = querySessions(all, view);
    // One moves into the view (its old version was not in it), one changes in it.
    const outside = all.find((s) => s.workspace === 'other')!;
    const inside = all.find((s) => s.workspace === 'w')!;
    const moved = { ...outside, workspace: 'w' };
    const changed = { ...inside, subscriptions: 5 };
    const merged = mergeSorted(before, new Set([outside, inside]), [moved, changed], order);
    const expected = querySessions(
      all.map((s) => (s === outside ? moved : s === inside ? changed : s)),
      view,
    );
    assert.ok(merged.length === expected.length && merged.every((s, i) => s === expected[i]));
    // Two new objects of one key (which the store never hands over) go where a sort puts them.
    const twice = [
      { ...inside, recvPackets: 1 },
      { ...inside, recvPackets: 2 },
    ];
    const both = mergeSorted(before, new Set([inside]), twice, order);
    const sortedBoth = sortSessions([...before.filter((s) => s !== inside), ...twice], order);
    assert.ok(both.every((s, i) => s === sortedBoth[i]));
  });

  it('gives the order a full sort gives', async () => {
    const { mergeSorted, sortSessions } = await import('../../src/model/query.js');
    const order = { column: 'clientId' as const, direction: 'descending' as const };
    const before = sortSessions(
      Array.from({ length: 200 }, (_, i) => session(`c-${(i * 37) % 200}`)),
      order,
    );
    // Every seventh session changed (a new object), some left, some are new.
    const current = before
      .filter((_, i) => i % 11 !== 0)
      .map((s, i) => (i % 7 === 0 ? { ...s, subscriptions: 1 } : s));
    const added = [...current.filter((s) => !before.includes(s)), session('c-new-1'), session('a')];
    const kept = new Set(current.filter((s) => before.includes(s)));
    const merged = mergeSorted(before, (s) => kept.has(s), added, order);
    assert.deepEqual(
      merged.map((s) => s.key),
      sortSessions([...kept, ...added], order).map((s) => s.key),
    );
  });
});

describe('store changes', () => {
  const s = (id: string, at = 1): Session => ({ ...session(id), key: `k-${id}`, connectedAt: at });

  it('say what a poll added and took out, relative to the list before it', () => {
    const store = new SessionStore();
    store.replace([s('a'), s('b'), s('c')]);
    const first = store.sessions;
    assert.deepEqual(
      store.lastChange?.added.map((x) => x.clientId),
      ['a', 'b', 'c'],
    );
    const [a, b] = first;
    store.replace([s('a'), s('b', 2), s('d')]);
    const change = store.lastChange!;
    assert.equal(change.from, first);
    assert.deepEqual(
      change.added.map((x) => `${x.clientId}@${x.connectedAt}`),
      ['b@2', 'd@1'],
    );
    assert.deepEqual([...change.gone].map((x) => x.clientId).sort(), ['b', 'c']);
    assert.ok(change.gone.has(b!), 'the replaced object of b');
    assert.equal(store.sessions[0], a, 'an unchanged session keeps its object');
  });

  it('say the same for a patch, without counting an object put in and taken out again', () => {
    const store = new SessionStore();
    store.replace([s('a'), s('b')]);
    const before = store.sessions;
    const e = s('e');
    store.patch([s('a', 2), e, s('e', 3)], new Set(['k-b']));
    const change = store.lastChange!;
    assert.equal(change.from, before);
    assert.deepEqual(
      store.sessions.map((x) => `${x.clientId}@${x.connectedAt}`),
      ['a@2', 'e@3'],
    );
    assert.deepEqual(
      change.added.map((x) => `${x.clientId}@${x.connectedAt}`),
      ['a@2', 'e@3'],
    );
    assert.deepEqual([...change.gone].map((x) => x.clientId).sort(), ['a', 'b']);
    assert.ok(!change.gone.has(e));
    store.patch([], new Set(['k-e']));
    assert.deepEqual(
      store.sessions.map((x) => x.clientId),
      ['a'],
    );
  });
});
