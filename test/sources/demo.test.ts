/** `DemoSource`: the simulated fleet, stepped by its own clock, read by the real health tracker. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthTracker, type SessionHealth } from '../../src/analysis/health.js';
import { sessionKey, type Session } from '../../src/model/session.js';
import { DEMO_NODES, DemoSource } from '../../src/sources/demo.js';
import { createSource } from '../../src/sources/from-config.js';
import { LazyDemoSource } from '../../src/sources/lazy-demo.js';
import { isAbort, SourceError } from '../../src/sources/source.js';
import { sourceContract } from './contract.js';

const START = Date.UTC(2025, 0, 15, 12, 0, 0);

/** A source on a clock the test moves. */
function simulated(options: { seed?: number; size?: number; latencyMs?: number } = {}) {
  const clock = { now: START };
  const source = new DemoSource({ ...options, now: () => clock.now });
  return { source, clock };
}

const kindOf = (e: unknown) => (e instanceof SourceError ? e.kind : String(e));

/** Polls every `everyMs` for `forMs`, as the element does, feeding a health tracker. */
async function watch(source: DemoSource, clock: { now: number }, forMs: number, everyMs = 30_000) {
  const tracker = new HealthTracker();
  const polls: Session[][] = [];
  const health: Map<string, SessionHealth>[] = [];
  for (let t = 0; t <= forMs; t += everyMs) {
    if (t > 0) clock.now += everyMs;
    const { sessions } = await source.list();
    tracker.observe(sessions, clock.now);
    polls.push(sessions);
    health.push(new Map(sessions.map((s) => [s.key, tracker.healthOf(s, clock.now)])));
  }
  return { polls, health };
}

describe('DemoSource', () => {
  it('gives the same fleet for the same seed and clock, another for another seed', async () => {
    const a = simulated({ seed: 42 });
    const b = simulated({ seed: 42 });
    const c = simulated({ seed: 43 });
    for (const step of [0, 1_000, 30_000, 5 * 60_000, 60 * 60_000]) {
      a.clock.now = b.clock.now = c.clock.now = START + step;
      const [la, lb, lc] = await Promise.all([a.source.list(), b.source.list(), c.source.list()]);
      assert.deepEqual(la, lb, `same seed, ${step} ms in`);
      assert.notDeepEqual(
        la.sessions.map((s) => s.clientId),
        lc.sessions.map((s) => s.clientId),
      );
    }
  });

  it('holds about the size asked for, with realistic fields', async () => {
    const { source } = simulated();
    const { sessions, skipped } = await source.list();
    assert.equal(skipped, 0);
    assert.equal(sessions.length, 120);
    assert.equal((await simulated({ size: 40 }).source.list()).sessions.length, 40);
    assert.equal(new Set(sessions.map((s) => s.key)).size, sessions.length, 'unique keys');
    for (const s of sessions) {
      assert.equal(s.key, sessionKey(s.node, s.clientId, 'demo'));
      assert.equal(s.connected, true);
      assert.ok(s.connectedAt! <= START, 'connected before now');
      assert.ok(DEMO_NODES.includes(s.node as (typeof DEMO_NODES)[number]));
      if (s.username?.includes('@org_')) {
        assert.equal(s.displayUsername, s.username.replace(/@org_[a-z0-9]+$/, ''));
      } else assert.equal(s.displayUsername, s.username);
      assert.ok(s.ip && s.port, 'an address');
      assert.ok(s.recvPackets! > 0 && s.sentBytes! > 0, 'traffic counters');
    }
    const ids = sessions.map((s) => s.clientId);
    assert.ok(
      ids.some((id) => /^Agent-[A-Z][a-z]+-\d{3}$/.test(id)),
      'agents',
    );
    assert.ok(
      ids.some((id) => id.startsWith('sensor-')),
      'sensors',
    );
    assert.ok(
      ids.some((id) => /^mobile-app-user-\d+$/.test(id)),
      'mobile users',
    );
    const values = <K extends keyof Session>(k: K) => new Set(sessions.map((s) => s[k]));
    assert.deepEqual([...values('node')].sort(), [...DEMO_NODES]);
    assert.deepEqual([...values('protocol')].sort(), ['3.1', '3.1.1', '5.0']);
    assert.deepEqual([...values('transport')].sort(), ['TCP', 'WebSocket']);
    assert.deepEqual([...values('tls')].sort(), [false, true]);
    assert.ok(sessions.some((s) => s.username?.endsWith('@org_k7xm4pqr2n5t')));
    assert.ok(
      sessions.some((s) => s.keepAlive === 0),
      'some without keep-alive',
    );
    assert.ok(
      sessions.some((s) => s.ip!.includes(':')),
      'an IPv6 client',
    );
  });

  it('over simulated time connects, disconnects, loops a takeover and gets stuck', async () => {
    const { source, clock } = simulated({ seed: 3 });
    const { polls, health } = await watch(source, clock, 20 * 60_000);
    const first = new Set(polls[0]!.map((s) => s.key));
    const last = polls.at(-1)!;
    const lastKeys = new Set(last.map((s) => s.key));
    assert.ok(
      last.some((s) => !first.has(s.key) && s.connectedAt! > START),
      'new connections',
    );
    assert.ok(
      [...first].some((k) => !lastKeys.has(k)),
      'disconnections',
    );
    assert.ok(last.length > 90 && last.length < 150, `stays near its size (${last.length})`);

    const flagged = (filter: (h: SessionHealth) => unknown) =>
      new Set(last.filter((s) => filter(health.at(-1)!.get(s.key)!)).map((s) => s.clientId));
    // A takeover loop: a new connection at every poll, from alternating addresses.
    assert.deepEqual([...flagged((h) => h.takeover)], ['gateway-line-4']);
    const loop = polls.map((p) => p.filter((s) => s.clientId === 'gateway-line-4'));
    assert.ok(
      loop.every((l) => l.length <= 1),
      'never two rows at once',
    );
    const times = loop.flat().map((s) => s.connectedAt);
    assert.equal(new Set(times).size, times.length, 'a new connected-at each poll');
    const takeover = health.at(-1)!.get(last.find((s) => s.clientId === 'gateway-line-4')!.key)!;
    assert.deepEqual([...takeover.takeover!.addresses].sort(), ['198.51.100.77', '203.0.113.41']);

    // One client ID on both nodes.
    assert.deepEqual([...flagged((h) => h.duplicate)], ['gateway-eu-west-01']);
    assert.deepEqual(
      last
        .filter((s) => s.clientId === 'gateway-eu-west-01')
        .map((s) => s.node)
        .sort(),
      [...DEMO_NODES],
    );

    // Stuck: nothing received, the in-flight window full, the queue growing.
    const stuck = [...flagged((h) => h.stuck)].sort();
    assert.deepEqual(stuck, ['pump-controller-hall-b-3', 'sensor-cold-room-07']);
    for (const id of stuck) {
      const seen = polls.map((p) => p.find((s) => s.clientId === id)!);
      assert.equal(new Set(seen.map((s) => s.recvPackets)).size, 1, 'receive counters still');
      assert.equal(new Set(seen.map((s) => s.recvBytes)).size, 1);
      assert.ok(seen.every((s) => s.inflight === s.inflightMax && s.keepAlive! > 0));
      const waiting = (s: Session) => s.queuedMessages! + s.queueDropped!;
      assert.ok(waiting(seen.at(-1)!) > waiting(seen[0]!), 'messages pile up');
    }
    // Nobody else looks stuck: ordinary counters move within their keep-alive.
    assert.ok(flagged((h) => h.noKeepAlive).size > 0, 'sessions without keep-alive');
    assert.ok(flagged((h) => h.queued).size >= 3, 'queued messages');
  });

  it('grows traffic counters with time', async () => {
    const { source, clock } = simulated();
    const before = (await source.list()).sessions;
    clock.now += 10 * 60_000;
    const after = new Map((await source.list()).sessions.map((s) => [s.key, s]));
    const kept = before.filter(
      (s) => after.get(s.key)?.connectedAt === s.connectedAt && !s.clientId.includes('-hall-b-3'),
    );
    assert.ok(kept.length > 80);
    const grew = kept.filter((s) => after.get(s.key)!.recvPackets! > s.recvPackets!);
    // All but the stuck one still here (its counters are still).
    assert.equal(grew.length, kept.length - 1);
    for (const s of kept) assert.ok(after.get(s.key)!.sentBytes! >= s.sentBytes!);
  });

  it('reads a session and its subscriptions with QoS', async () => {
    const { source } = simulated();
    const session = await source.get('gateway-line-4');
    assert.equal(session.clientId, 'gateway-line-4');
    const subs = await source.subscriptions('gateway-line-4');
    assert.equal(subs.length, session.subscriptions);
    assert.deepEqual(subs, [
      { topic: 'gateways/gateway-line-4/downlink/#', qos: 2 },
      { topic: 'config/updates', qos: 1 },
    ]);
    await assert.rejects(source.get('nobody-here'), (e) => kindOf(e) === 'not-found');
    await assert.rejects(source.subscriptions('nobody-here'), (e) => kindOf(e) === 'not-found');
    // Its own filter matches, and so does every `#` subscriber's; nobody else's.
    const subscribers = await source.subscribersOf('gateways/gateway-line-4/downlink/ack');
    const everything = new Set<string>();
    for (const s of (await source.list()).sessions) {
      const topics = (await source.subscriptions(s.clientId)).map((x) => x.topic);
      if (topics.includes('#')) everything.add(s.clientId);
    }
    assert.deepEqual(
      subscribers.map((s) => s.clientId).sort(),
      ['gateway-line-4', ...everything].sort(),
    );
    const exact = await source.subscribersOf('gateways/gateway-line-4/downlink/#');
    assert.deepEqual(
      exact.map((s) => s.clientId),
      ['gateway-line-4'],
    );
  });

  it('disconnects a client, then reports it already gone', async () => {
    const { source } = simulated();
    const { sessions } = await source.list();
    const victim = sessions.find((s) => s.clientId.startsWith('Agent-'))!;
    assert.equal(await source.disconnect(victim.clientId), 'disconnected');
    assert.ok(!(await source.list()).sessions.some((s) => s.clientId === victim.clientId));
    await assert.rejects(source.get(victim.clientId), (e) => kindOf(e) === 'not-found');
    assert.equal(await source.disconnect(victim.clientId), 'already-gone');
    assert.equal(await source.disconnect('never-connected'), 'already-gone');
    assert.equal(source.isConnected(victim.clientId), false);
    // A client ID on two nodes goes from both.
    assert.equal(await source.disconnect('gateway-eu-west-01'), 'disconnected');
    assert.ok(!(await source.list()).sessions.some((s) => s.clientId === 'gateway-eu-west-01'));
    assert.equal((await source.list()).sessions.length, sessions.length - 3);
  });

  it('lets a kicked takeover loop come back, unless the client ID is banned', async () => {
    const looped = simulated();
    assert.equal(await looped.source.disconnect('gateway-line-4'), 'disconnected');
    looped.clock.now += 30_000;
    assert.equal(looped.source.isConnected('gateway-line-4'), true, 'the devices reconnect');

    const banned = simulated();
    await banned.source.ban('gateway-line-4', { durationSeconds: 600 });
    assert.equal(await banned.source.disconnect('gateway-line-4'), 'disconnected');
    banned.clock.now += 5 * 60_000;
    assert.equal(banned.source.isConnected('gateway-line-4'), false, 'banned');
    banned.clock.now += 10 * 60_000;
    assert.equal(banned.source.isConnected('gateway-line-4'), true, 'the ban ran out');
  });

  it('disconnects many at once', async () => {
    const { source } = simulated();
    const ids = (await source.list()).sessions.slice(10, 15).map((s) => s.clientId);
    await source.disconnectMany(ids);
    const left = new Set((await source.list()).sessions.map((s) => s.clientId));
    assert.deepEqual(
      ids.filter((id) => left.has(id)),
      [],
    );
  });

  it('stops when aborted, before or during a call', async () => {
    const { source } = simulated({ latencyMs: 50 });
    const before = new AbortController();
    before.abort();
    await assert.rejects(source.list({ signal: before.signal }), (e) => kindOf(e) === 'aborted');
    await assert.rejects(source.disconnect('gateway-line-4', { signal: before.signal }), (e) =>
      isAbort(e),
    );
    assert.equal(source.isConnected('gateway-line-4'), true, 'an aborted disconnect did nothing');
    const during = new AbortController();
    const listing = source.list({ signal: during.signal });
    setTimeout(() => during.abort(), 5);
    await assert.rejects(listing, (e) => kindOf(e) === 'aborted');
  });

  it('can simulate a failure', async () => {
    const source = new DemoSource({ failure: 'network' });
    await assert.rejects(source.list(), (e) => kindOf(e) === 'network');
    source.failure = undefined;
    assert.ok((await source.list()).sessions.length > 0);
  });

  it('is what a workspace of kind demo gets, loaded on its first call', async () => {
    const source = createSource({ kind: 'demo' }, 'workspace:docs');
    assert.ok(source instanceof LazyDemoSource);
    assert.equal(source.id, 'workspace:docs');
    assert.equal(source.label, new DemoSource().label);
    assert.deepEqual(source.capabilities, {
      serverSearch: false,
      bulkDisconnect: true,
      banList: true,
      liveEvents: false,
      counts: false,
      lazyDetails: false,
    });
    assert.deepEqual(source.capabilities, new DemoSource().capabilities);
    const { sessions } = await source.list();
    assert.ok(sessions.length > 0);
    assert.equal(sessions[0]!.key, sessionKey(sessions[0]!.node, sessions[0]!.clientId, source.id));
  });

  it('loaded on first use, is the fleet started then, with the same errors', async () => {
    const clock = { now: START };
    const lazy = new LazyDemoSource({ seed: 42, now: () => clock.now });
    clock.now += 90_000;
    const eager = new DemoSource({ seed: 42, now: () => clock.now });
    assert.deepEqual((await lazy.list()).sessions, (await eager.list()).sessions);
    const some = (await eager.list()).sessions[0]!;
    assert.deepEqual(await lazy.get(some.clientId), await eager.get(some.clientId));
    await assert.rejects(lazy.get('nobody-here'), (e) => kindOf(e) === 'not-found');
    await assert.rejects(
      new LazyDemoSource({ failure: 'auth' }).list(),
      (e) => kindOf(e) === 'auth',
    );
    const abort = new AbortController();
    abort.abort();
    await assert.rejects(new LazyDemoSource().list({ signal: abort.signal }), (e) => isAbort(e));
  });
});

// The shared contract, with clients put on the simulated fleet by hand.
const shared = new DemoSource({ seed: 9 });
sourceContract('Demo (simulated)', () => ({
  source: () => shared,
  refusedSource: () => new DemoSource({ failure: 'auth' }),
  async connect(spec) {
    shared.connect({ ...spec, ip: '127.0.0.1', protocol: '3.1.1' });
    return { clientId: spec.clientId, closed: () => !shared.isConnected(spec.clientId) };
  },
}));
