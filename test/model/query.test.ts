import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { sessionFromEmqx } from '../../src/model/emqx-client.js';
import { ipMatchLoaded, loadIpMatch } from '../../src/model/ip-filter.js';
import { ipMatches, parseIpPattern } from '../../src/model/ip-match.js';
import { filterSessions, querySessions, sortInSteps, sortSessions } from '../../src/model/query.js';
import type { ProtocolVersion, Session, Transport } from '../../src/model/session.js';
import { matchesWorkspace } from '../../src/model/workspace.js';

const s = (fields: Record<string, unknown>): Session =>
  sessionFromEmqx({ node: 'n1', listener: 'tcp:default', proto_ver: 4, ...fields })!;

const fleet = [
  s({
    clientid: 'b-2',
    ip_address: '10.0.0.9',
    connected_at: '2024-01-01T00:00:02Z',
    subscriptions_cnt: 2,
  }),
  s({
    clientid: 'a-10',
    ip_address: '10.0.0.10',
    node: 'n2',
    listener: 'ws:default',
    connected_at: '2024-01-01T00:00:01Z',
  }),
  s({
    clientid: 'a-9',
    ip_address: '2001:db8::1',
    listener: 'ssl:default',
    proto_ver: 5,
    subscriptions_cnt: 7,
  }),
  s({ clientid: 'c', ip_address: '::ffff:192.168.1.20', proto_ver: 3 }),
  s({ clientid: 'd', ip_address: 'fe80::1%eth0' }),
];
const ids = (list: readonly Session[]) => list.map((x) => x.clientId);

describe('parseIpPattern and ipMatches', () => {
  it('should match IPv4 addresses and CIDR ranges', () => {
    const p = [parseIpPattern('10.0.0.0/28')];
    assert.equal(ipMatches('10.0.0.9', p), true);
    assert.equal(ipMatches('10.0.0.16', p), false);
    assert.equal(ipMatches('10.0.0.10', [parseIpPattern('10.0.0.10')]), true);
  });

  it('should match IPv6 ranges and keep IPv4 and IPv6 apart', () => {
    assert.equal(ipMatches('2001:db8::1', [parseIpPattern('2001:db8::/32')]), true);
    assert.equal(ipMatches('2001:db9::1', [parseIpPattern('2001:db8::/32')]), false);
    assert.equal(ipMatches('2001:db8:0:0:0:0:0:1', [parseIpPattern('2001:db8::1')]), true);
    assert.equal(ipMatches('10.0.0.1', [parseIpPattern('::/0')]), false);
    assert.equal(ipMatches('::1', [parseIpPattern('0.0.0.0/0')]), false);
  });

  it('should treat IPv4-mapped IPv6 addresses as the IPv4 address', () => {
    assert.equal(ipMatches('::ffff:192.168.1.20', [parseIpPattern('192.168.0.0/16')]), true);
    assert.equal(ipMatches('192.168.1.20', [parseIpPattern('::ffff:192.168.1.0/120')]), true);
  });

  it('should refuse what is not an address or range, and never match it', () => {
    for (const bad of ['10.0.0.0/33', 'abc', '10.0.0', '2001:db8::/129', '']) {
      const p = parseIpPattern(bad);
      assert.equal(p.ok, false, bad);
      assert.equal(ipMatches('10.0.0.1', [p]), false);
    }
    assert.equal(ipMatches('not-an-ip', [parseIpPattern('0.0.0.0/0')]), false);
    assert.equal(ipMatches(undefined, [parseIpPattern('0.0.0.0/0')]), false);
  });
});

describe('IP matching as the element loads it (ip-filter.ts)', () => {
  it('loads once, on first use, the module that makes the patterns; matching needs it loaded', async () => {
    assert.equal(ipMatchLoaded(), undefined);
    assert.throws(
      () => filterSessions(fleet, { ip: [parseIpPattern('10.0.0.0/8')] }),
      /before IP matching was loaded/,
    );
    const [a, b] = await Promise.all([loadIpMatch(), loadIpMatch()]);
    assert.equal(a, b);
    assert.equal(ipMatchLoaded(), a);
    assert.equal(a.parseIpPattern, parseIpPattern);
    assert.deepEqual(ids(filterSessions(fleet, { ip: [a.parseIpPattern('10.0.0.0/8')] })), [
      'b-2',
      'a-10',
    ]);
  });
});

describe('filterSessions', () => {
  // The element loads IP matching before it makes IP filters (see ip-filter.ts).
  before(() => loadIpMatch());

  it('should combine node, protocol, transport, TLS and IP filters', () => {
    assert.deepEqual(ids(filterSessions(fleet, { node: 'n2' })), ['a-10']);
    assert.deepEqual(ids(filterSessions(fleet, { protocol: '5.0' })), ['a-9']);
    assert.deepEqual(ids(filterSessions(fleet, { transport: 'WebSocket' })), ['a-10']);
    assert.deepEqual(ids(filterSessions(fleet, { tls: true })), ['a-9']);
    assert.deepEqual(
      ids(
        filterSessions(fleet, {
          ip: [parseIpPattern('10.0.0.0/8'), parseIpPattern('2001:db8::/32')],
        }),
      ),
      ['b-2', 'a-10', 'a-9'],
    );
    assert.deepEqual(
      ids(filterSessions(fleet, { ip: [parseIpPattern('10.0.0.0/8')], transport: 'TCP' })),
      ['b-2'],
    );
    assert.equal(filterSessions(fleet, {}), fleet);
  });
});

describe('sortSessions', () => {
  it('should sort client IDs naturally, both ways, and leave ties in a stable order', () => {
    const asc = sortSessions(fleet, { column: 'clientId', direction: 'ascending' });
    assert.deepEqual(ids(asc), ['a-9', 'a-10', 'b-2', 'c', 'd']);
    assert.deepEqual(ids(sortSessions(fleet, { column: 'clientId', direction: 'descending' })), [
      'd',
      'c',
      'b-2',
      'a-10',
      'a-9',
    ]);
  });

  it('should give the same order whatever order the broker listed', () => {
    const order = { column: 'subscriptions', direction: 'descending' } as const;
    const once = ids(sortSessions(fleet, order));
    const reversed = ids(sortSessions([...fleet].reverse(), order));
    assert.deepEqual(once, reversed);
    assert.deepEqual(once.slice(0, 2), ['a-9', 'b-2']);
  });

  it('should sort IPv4 addresses numerically and times chronologically', () => {
    assert.deepEqual(
      ids(sortSessions(fleet, { column: 'ip', direction: 'ascending' })).slice(0, 2),
      ['b-2', 'a-10'],
    );
    const byTime = ids(sortSessions(fleet, { column: 'connectedAt', direction: 'descending' }));
    assert.deepEqual(byTime.slice(0, 2), ['b-2', 'a-10']);
  });
});

/** Every column a list sorts by. */
const SORT_COLUMNS = [
  'clientId',
  'username',
  'workspace',
  'connectedAt',
  'ip',
  'protocol',
  'subscriptions',
] as const;

describe('sortSessions against its comparator', () => {
  it('orders as the comparator does, in every column either way, values odd and tied', async () => {
    const { comparator, mergeSorted } = await import('../../src/model/query.js');
    let state = 11;
    // The high bits: the low ones of this generator repeat after a few numbers.
    const pick = <T>(values: readonly T[]): T => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return values[Math.floor(state / 65536) % values.length]!;
    };
    const ips = [
      '10.0.0.9',
      '10.0.0.10',
      '9.255.255.255',
      '10.0.0.010',
      '::ffff:10.0.0.9',
      '999.1.1.1',
      '2001:db8::1',
      'a.b.c.d',
      '1.2.3',
      '',
      undefined,
    ];
    const fleet: Session[] = Array.from({ length: 3000 }, (_, i) => ({
      ...s({
        clientid: pick([
          'a-1',
          'A-1',
          'a-10',
          'b',
          'zoë',
          'Zoe',
          `c-${i % 97}`,
          `d-${i}`,
          '\u0001x',
        ]),
        node: pick(['n1', 'n2', `n${i}`]),
        username: pick([undefined, 'ops', 'OPS', 'dév', 'zoë', '', `u${i % 13}`]),
      }),
      ip: pick(ips),
      subscriptions: pick([0, 2, 7, undefined, NaN]),
      connectedAt: pick([
        undefined,
        0,
        -0,
        5,
        1.5,
        -3,
        1_700_000_000_000 + (i % 50),
        NaN,
        Infinity,
      ]),
      // Versions this element does not know, as an odd import may hold.
      protocol: pick([undefined, '3.1', '3.1.1', '5.0', '4.0', 'toString'] as const) as
        ProtocolVersion | undefined,
      // Two spellings of one text, which the collator finds equal.
      transport: pick([undefined, 'TCP', 'WebSocket', 'QUIC', 'e\u0301', '\u00e9'] as const) as
        Transport | undefined,
      workspace: pick([undefined, 'plant', 'Plant', 'office', 'ärea']),
    }));
    for (const column of SORT_COLUMNS) {
      for (const direction of ['ascending', 'descending'] as const) {
        const order = { column, direction };
        const expected = [...fleet].sort(comparator(order)).map((x) => x.key);
        assert.deepEqual(
          sortSessions([...fleet], order).map((x) => x.key),
          expected,
          `${column} ${direction}`,
        );
        // Turned round from the other way, and merged into: the same order (NaN made neither).
        const input = [...fleet];
        const other = direction === 'ascending' ? 'descending' : 'ascending';
        sortSessions(input, { column, direction: other });
        const turned = sortSessions(input, order);
        assert.deepEqual(
          turned.map((x) => x.key),
          expected,
          `${column} ${direction}, turned`,
        );
        // A slice at a time (a few hundred sessions per call here): the same order, kept to
        // be turned round as a sort's is.
        const stepped = [...fleet];
        const step = sortInSteps(stepped, order);
        let calls = 1;
        let got: readonly Session[] | undefined;
        while (!(got = step(performance.now() - 1))) calls++;
        assert.ok(calls > 6, `${column} ${direction}: in steps (${calls})`);
        assert.deepEqual(
          got.map((x) => x.key),
          expected,
          `${column} ${direction}, in steps`,
        );
        assert.equal(step(Infinity), got, 'done once');
        // Turned round at once, as a sort's result is (not sorted again in steps).
        const turnedAtOnce = sortInSteps(stepped, { column, direction: other })(-Infinity);
        assert.ok(turnedAtOnce !== undefined, `${column} ${direction}, in steps, turned at once`);
        assert.deepEqual(
          turnedAtOnce.map((x) => x.key),
          [...fleet].sort(comparator({ column, direction: other })).map((x) => x.key),
          `${column} ${direction}, in steps, turned`,
        );
        const later = fleet.slice(0, 300);
        const rest = sortInSteps(fleet.slice(300), order);
        let sortedRest: readonly Session[] | undefined;
        while (!(sortedRest = rest(performance.now() - 1)));
        assert.deepEqual(
          mergeSorted(sortedRest, new Set(), sortSessions(later, order), order).map((x) => x.key),
          [...fleet.slice(300), ...later].sort(comparator(order)).map((x) => x.key),
          `${column} ${direction}, in steps, merged`,
        );
        const merged = mergeSorted(
          sortSessions(fleet.slice(300), order),
          new Set(),
          sortSessions(later, order),
          order,
        );
        assert.deepEqual(
          merged.map((x) => x.key),
          [...fleet.slice(300), ...later].sort(comparator(order)).map((x) => x.key),
          `${column} ${direction}, merged`,
        );
      }
    }
  });
});

describe('sortSessions the other way (a second click on a header)', () => {
  /** A fleet full of ties: client IDs in two cases and on two nodes, few values per column. */
  function tiedFleet(seed: number, n: number): Session[] {
    let state = seed;
    const pick = <T>(values: readonly T[]): T => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return values[state % values.length]!;
    };
    return Array.from({ length: n }, (_, i) => ({
      ...s({
        clientid: pick(['a-1', 'A-1', 'a-10', 'b', 'zoë', 'Zoe', 'dév-2', `c-${i % 7}`]),
        node: pick(['n1', 'n2', `n${i}`]),
        username: pick([undefined, 'ops', 'OPS', 'dév', 'zoë', '']),
        ip_address: pick(['10.0.0.9', '10.0.0.10', '2001:db8::1', undefined]),
        connected_at: pick(['2024-01-01T00:00:02Z', '2024-01-01T00:00:01Z', undefined]),
        subscriptions_cnt: pick([0, 2, 7, undefined]),
        proto_ver: pick([3, 4, 5]),
        listener: pick(['tcp:default', 'ws:default', 'ssl:default']),
      }),
      workspace: pick([undefined, 'plant', 'Plant', 'office']),
    }));
  }
  const columns = SORT_COLUMNS;
  const keys = (list: readonly Session[]) => list.map((x) => x.key);

  it('should give the order a sort made that way gives, for every column and either way', () => {
    for (const seed of [1, 2, 3]) {
      const fleet = tiedFleet(seed, 400);
      for (const column of columns) {
        for (const first of ['ascending', 'descending'] as const) {
          const other = first === 'ascending' ? 'descending' : 'ascending';
          const input = [...fleet];
          sortSessions(input, { column, direction: first });
          const turned = sortSessions(input, { column, direction: other });
          const anew = sortSessions([...fleet], { column, direction: other });
          assert.deepEqual(keys(turned), keys(anew), `${column}, ${first} then ${other}`);
          // And back again.
          const back = sortSessions(input, { column, direction: first });
          const firstAnew = sortSessions([...fleet], { column, direction: first });
          assert.deepEqual(keys(back), keys(firstAnew), `${column}, back to ${first}`);
        }
      }
    }
  });

  it('should leave a turned list ready for a refresh to merge into', async () => {
    const { mergeSorted } = await import('../../src/model/query.js');
    const fleet = tiedFleet(7, 300);
    const later = tiedFleet(8, 60);
    for (const column of columns) {
      const order = { column, direction: 'descending' } as const;
      const input = [...fleet];
      sortSessions(input, { column, direction: 'ascending' });
      const turned = sortSessions(input, order);
      const merged = mergeSorted(turned, new Set(), sortSessions(later, order), order);
      const anew = sortSessions([...fleet, ...later], order);
      assert.deepEqual(keys(merged), keys(anew), column);
    }
  });
});

describe('querySessions and workspaces', () => {
  it('should apply workspace, filters, search and order together', () => {
    const tagged = fleet.map((x, i) => ({ ...x, workspace: i % 2 ? 'w2' : 'w1' }));
    const view = querySessions(tagged, {
      workspace: 'w1',
      filters: { transport: 'TCP' },
      search: '',
      sort: { column: 'clientId', direction: 'ascending' },
    });
    assert.deepEqual(ids(view), ['a-9', 'b-2', 'd']);
  });

  it('should match workspaces by username suffix and client-ID prefix', () => {
    const session = { clientId: 'plant-7-sensor', username: 'dev@org_abc' };
    assert.equal(matchesWorkspace(session, undefined), true);
    assert.equal(matchesWorkspace(session, { usernameSuffix: '@org_abc' }), true);
    assert.equal(matchesWorkspace(session, { usernameSuffix: '@org_xyz' }), false);
    assert.equal(matchesWorkspace(session, { clientIdPrefix: 'plant-7' }), true);
    assert.equal(
      matchesWorkspace(session, { clientIdPrefix: 'plant-7', usernameSuffix: '@org_xyz' }),
      false,
    );
    assert.equal(
      matchesWorkspace({ clientId: 'x', username: undefined }, { usernameSuffix: '@org_abc' }),
      false,
    );
  });
});
