import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findDuplicates } from '../../src/analysis/duplicates.js';
import { HealthTracker, matchesHealth } from '../../src/analysis/health.js';
import { sessionFromEmqx } from '../../src/model/emqx-client.js';
import { collidingClientIds } from '../support/colliding.js';
import type { Session } from '../../src/model/session.js';

const at = (s: number) => Date.UTC(2026, 0, 1, 0, 0, s);
const session = (fields: Record<string, unknown>): Session =>
  sessionFromEmqx({ node: 'n1', keepalive: 60, recv_pkt: 1, recv_oct: 10, ...fields })!;

describe('findDuplicates', () => {
  it('should group client IDs with two sessions within a workspace only', () => {
    const a1 = { ...session({ clientid: 'a', node: 'n1' }), workspace: 'w' };
    const a2 = { ...session({ clientid: 'a', node: 'n2' }), workspace: 'w' };
    const a3 = { ...session({ clientid: 'a', node: 'n3' }), workspace: 'other' };
    const b = { ...session({ clientid: 'b' }), workspace: 'w' };
    const groups = findDuplicates([a1, a2, a3, b]);
    assert.equal(groups.size, 1);
    assert.deepEqual(
      [...groups.values()][0]!.map((s) => s.node),
      ['n1', 'n2'],
    );
  });
});

describe('HealthTracker', () => {
  it('should flag a session stuck once 1.5 × keep-alive passes without received traffic', () => {
    const h = new HealthTracker();
    const s = session({ clientid: 'silent', keepalive: 10 });
    h.observe([s], at(0));
    assert.equal(h.healthOf(s, at(14)).stuck, undefined);
    h.observe([s], at(14));
    assert.equal(h.healthOf(s, at(100)).stuck, undefined, 'not without an observation past 15 s');
    h.observe([s], at(16));
    const stuck = h.healthOf(s, at(16)).stuck;
    assert.deepEqual(stuck, { lastTraffic: at(0), sinceFirstSeen: true });
    assert.equal(matchesHealth(h.healthOf(s, at(16)), 'stuck'), true);
  });

  it('should clear the flag when traffic moves, and ignore sessions without counters', () => {
    const h = new HealthTracker();
    h.observe([session({ clientid: 'c', keepalive: 10 })], at(0));
    const moved = session({ clientid: 'c', keepalive: 10, recv_pkt: 2 });
    h.observe([moved], at(12));
    h.observe([moved], at(20));
    assert.equal(h.healthOf(moved, at(20)).stuck, undefined);
    h.observe([moved], at(28));
    assert.ok(h.healthOf(moved, at(28)).stuck);
    const bare = sessionFromEmqx({ clientid: 'live-only', node: 'n1', keepalive: 5 })!;
    h.observe([bare], at(0));
    h.observe([bare], at(50));
    assert.equal(h.healthOf(bare, at(100)).stuck, undefined);
  });

  it('should count a session whose counters come later from when they came', () => {
    const h = new HealthTracker();
    const bare = sessionFromEmqx({ clientid: 'late', node: 'n1', keepalive: 10 })!;
    h.observe([bare], at(0));
    h.observe([bare], at(100));
    assert.equal(h.healthOf(bare, at(100)).stuck, undefined);
    const counted = session({ clientid: 'late', keepalive: 10 });
    h.observe([counted], at(200));
    h.observe([counted], at(214));
    assert.equal(h.healthOf(counted, at(214)).stuck, undefined);
    h.observe([counted], at(216));
    assert.deepEqual(h.healthOf(counted, at(216)).stuck, {
      lastTraffic: at(200),
      sinceFirstSeen: true,
    });
  });

  it('should name the client ID of a session it never observed, and keep nothing of it', () => {
    const h = new HealthTracker();
    h.observe([session({ clientid: 'sensor-0001' })], at(0));
    const unseen = session({ clientid: 'client1', keepalive: 10 });
    assert.equal(h.healthOf(unseen, at(0)).naming.quality, 'unclear');
    assert.equal(h.healthOf(unseen, at(0)).naming.quality, 'unclear');
    // Its first observation is its first sight, whatever was asked of it before.
    h.observe([unseen], at(14));
    h.observe([unseen], at(30));
    assert.deepEqual(h.healthOf(unseen, at(30)).stuck, {
      lastTraffic: at(14),
      sinceFirstSeen: true,
    });
    assert.equal(h.healthOf(unseen, at(30)).naming.quality, 'unclear');
  });

  it('should count traffic afresh from a new connection or a disconnect', () => {
    const h = new HealthTracker();
    const s = session({ clientid: 'sensor-0002', keepalive: 10 });
    h.observe([s], at(0));
    h.observeConnect(s, at(14));
    h.observe([s], at(16));
    h.observe([s], at(20));
    assert.equal(h.healthOf(s, at(20)).stuck, undefined, 'counted from the connect');
    h.observe([s], at(32));
    assert.deepEqual(h.healthOf(s, at(32)).stuck, { lastTraffic: at(16), sinceFirstSeen: true });
    h.observeDisconnect(s.key, 'normal', at(33));
    h.observe([s], at(40));
    assert.equal(h.healthOf(s, at(40)).stuck, undefined, 'counted from the disconnect');
  });

  it('should flag keep-alive 0 and queued messages', () => {
    const h = new HealthTracker();
    const s = session({ clientid: 'k0', keepalive: 0, mqueue_len: 3 });
    h.observe([s], at(0));
    const health = h.healthOf(s, at(1000));
    assert.equal(health.noKeepAlive, true);
    assert.equal(health.stuck, undefined);
    assert.equal(health.queued, 3);
    assert.equal(matchesHealth(health, 'no-keepalive'), true);
    assert.equal(matchesHealth(health, 'queued'), true);
    // Each alone is reported too, not only with the other.
    const noKeepAlive = session({ clientid: 'k0-alone', keepalive: 0 });
    const queued = session({ clientid: 'queued-alone', mqueue_len: 2 });
    h.observe([noKeepAlive, queued], at(0));
    assert.equal(matchesHealth(h.healthOf(noKeepAlive, at(1)), 'no-keepalive'), true);
    assert.equal(matchesHealth(h.healthOf(noKeepAlive, at(1)), 'queued'), false);
    assert.equal(h.healthOf(queued, at(1)).queued, 2);
    assert.equal(matchesHealth(h.healthOf(queued, at(1)), 'no-keepalive'), false);
  });

  it('should keep apart the histories of two client IDs with one hash', () => {
    const [a, b] = collidingClientIds();
    const h = new HealthTracker();
    const seen = (clientid: string, n: number, ip: string) =>
      session({ clientid, connected_at: at(n), ip_address: ip });
    // One of them flips between two addresses; the other stays connected.
    const steady = seen(b, 0, '10.0.9.9');
    h.observe([seen(a, 1, '10.0.0.1'), steady], at(1));
    h.observe([seen(a, 2, '10.0.0.2'), steady], at(2));
    h.observe([seen(a, 3, '10.0.0.1'), steady], at(3));
    assert.equal(h.healthOf(seen(a, 3, '10.0.0.1'), at(3)).takeover?.flips, 2);
    assert.equal(h.healthOf(steady, at(3)).takeover, undefined);
    // Taken over: the other one, alone.
    const other = new HealthTracker();
    other.observe([seen(a, 1, '10.0.0.1'), seen(b, 1, '10.0.0.5')], at(1));
    other.observeDisconnect(seen(b, 1, '10.0.0.5').key, 'takenover', at(2));
    other.observeDisconnect(seen(b, 1, '10.0.0.5').key, 'takenover', at(3));
    other.observe([seen(a, 1, '10.0.0.1'), seen(b, 4, '10.0.0.5')], at(4));
    assert.equal(other.healthOf(seen(b, 4, '10.0.0.5'), at(4)).takeover?.takenOver, 2);
    assert.equal(other.healthOf(seen(a, 1, '10.0.0.1'), at(4)).takeover, undefined);
  });

  it('should find a takeover loop from connections alternating between addresses', () => {
    const h = new HealthTracker();
    const seen = (n: number, ip: string) =>
      session({ clientid: 'shared', connected_at: at(n), ip_address: ip });
    h.observe([seen(1, '10.0.0.1')], at(1));
    h.observe([seen(2, '10.0.0.2')], at(2));
    assert.equal(h.healthOf(seen(2, '10.0.0.2'), at(2)).takeover, undefined);
    h.observe([seen(3, '10.0.0.1')], at(3));
    const loop = h.healthOf(seen(3, '10.0.0.1'), at(3)).takeover!;
    assert.deepEqual(loop.addresses, ['10.0.0.1', '10.0.0.2']);
    assert.equal(loop.flips, 2);
    assert.equal(matchesHealth(h.healthOf(seen(3, '10.0.0.1'), at(3)), 'duplicate'), true);
  });

  it('should not call two sessions that stay connected on two nodes a takeover', () => {
    const h = new HealthTracker();
    const a = session({
      clientid: 'split',
      node: 'n1',
      connected_at: at(1),
      ip_address: '10.0.0.1',
    });
    const b = session({
      clientid: 'split',
      node: 'n2',
      connected_at: at(2),
      ip_address: '10.0.0.2',
    });
    for (let n = 3; n < 20; n++) h.observe([a, b], at(n));
    assert.equal(h.healthOf(a, at(20)).takeover, undefined);
    assert.ok(h.healthOf(a, at(20)).duplicate);
    // The same with connections made long before the tracker began (past what its times hold
    // as small integers) at fractions of a millisecond, the first seen by a live event.
    const old = new HealthTracker();
    const long = 40 * 86_400_000;
    const c = { ...a, connectedAt: at(1) - long + 0.25 };
    const d = { ...b, connectedAt: at(2) - long + 0.75 };
    old.observeConnect({ ...c, ip: undefined }, at(3));
    for (let n = 3; n < 20; n++) old.observe([c, d], at(n));
    assert.equal(old.healthOf(c, at(20)).takeover, undefined);
    assert.equal(old.healthOf(d, at(20)).takeover, undefined);
  });

  it('should not call a device that reconnects from one address a takeover', () => {
    const h = new HealthTracker();
    for (let n = 1; n < 10; n++) {
      h.observe(
        [session({ clientid: 'flaky', connected_at: at(n), ip_address: '10.0.0.7' })],
        at(n),
      );
    }
    assert.equal(
      h.healthOf(session({ clientid: 'flaky', connected_at: at(9) }), at(9)).takeover,
      undefined,
    );
  });

  it('should flag repeated takenover disconnects, on any node, and forget them later', () => {
    const h = new HealthTracker();
    const s = session({ clientid: 'x', connected_at: at(1), ip_address: '10.0.0.1' });
    const onOtherNode = session({ clientid: 'x', node: 'n2', connected_at: at(2) });
    h.observe([s], at(1));
    h.observeDisconnect(s.key, 'takenover', at(2));
    assert.equal(h.healthOf(s, at(3)).takeover, undefined, 'one takeover is a quick reconnect');
    h.observeDisconnect(onOtherNode.key, 'takenover', at(3));
    assert.equal(h.healthOf(s, at(4)).takeover?.takenOver, 2);
    h.observeDisconnect(s.key, 'normal', at(4));
    h.observe([s], at(700));
    assert.equal(h.healthOf(s, at(700)).takeover, undefined);
  });

  it('should find a takeover loop from live events alone, and keep it across a poll', () => {
    const h = new HealthTracker();
    const first = session({ clientid: 'y', connected_at: at(1), ip_address: '10.0.0.1' });
    h.observe([first], at(1));
    // Live connects only, no poll between: the address alternates.
    const second = session({ clientid: 'y', connected_at: at(2), ip_address: '10.0.0.2' });
    const third = session({ clientid: 'y', connected_at: at(3), ip_address: '10.0.0.1' });
    h.observeConnect(second, at(2));
    h.observeConnect(third, at(3));
    assert.equal(h.healthOf(third, at(3)).takeover?.flips, 2);
    // Another client ID taken over twice, then a poll: both within the window, both kept.
    const z = session({ clientid: 'z', connected_at: at(1) });
    h.observeDisconnect(z.key, 'takenover', at(4));
    h.observeDisconnect(z.key, 'takenover', at(5));
    h.observe([third, z], at(6));
    assert.equal(h.healthOf(third, at(6)).takeover?.flips, 2);
    assert.equal(h.healthOf(z, at(6)).takeover?.takenOver, 2);
  });

  it('should flag duplicates and naming', () => {
    const h = new HealthTracker();
    const a = session({ clientid: 'client1', node: 'n1' });
    const b = session({ clientid: 'client1', node: 'n2' });
    h.observe([a, b], at(0));
    const health = h.healthOf(a, at(0));
    assert.deepEqual(health.duplicate, {
      count: 2,
      peers: [
        { node: 'n1', ip: undefined },
        { node: 'n2', ip: undefined },
      ],
    });
    assert.equal(health.naming.quality, 'unclear');
    assert.equal(matchesHealth(health, 'unclear'), true);
  });

  it('should group duplicates of a long list a part at a time, keeping the old groups until done', () => {
    const h = new HealthTracker();
    // 5,000 sessions; every 700th client ID is also connected on a second node.
    const sessions: Session[] = [];
    for (let i = 0; i < 5000; i++) sessions.push(session({ clientid: `dev-${i}` }));
    const first = sessions.slice();
    for (let i = 0; i < 5000; i += 700)
      sessions.push(session({ clientid: `dev-${i}`, node: 'n2' }));
    h.observe(first, at(0));
    const step = h.groupsInSteps(sessions);
    let steps = 1;
    // A time already past: each step does one part.
    while (!step(0)) {
      steps++;
      assert.equal(h.healthOf(sessions[5000]!, at(0)).duplicate, undefined, 'the old groups');
    }
    assert.ok(steps >= 4, `in parts (${steps} steps)`);
    for (let i = 0; i < sessions.length; i++) {
      const s = sessions[i]!;
      const expected = Number(s.clientId.slice(4)) % 700 === 0 ? 2 : undefined;
      assert.equal(h.healthOf(s, at(0)).duplicate?.count, expected, s.key);
    }
  });

  it('should forget the traffic of sessions gone a part at a time, and only theirs', () => {
    const h = new HealthTracker();
    const sessions: Session[] = [];
    for (let i = 0; i < 5000; i++) sessions.push(session({ clientid: `dev-${i}`, keepalive: 10 }));
    h.observe(sessions, at(0));
    // The first half leaves for one poll, then comes back with the same (silent) counters.
    const rest = sessions.slice(2500);
    h.observeSlice(rest, 0, rest.length, at(5));
    const present = new Set(rest.map((s) => s.key));
    const prune = h.pruneInSteps(at(5), (key) => present.has(key));
    let steps = 1;
    while (!prune(0)) steps++;
    assert.ok(steps >= 4, `in parts (${steps} steps)`);
    h.observe(sessions, at(20));
    // Silent since 0 (20 s > 1.5 × 10 s) where remembered; first seen again at 20 s otherwise.
    for (let i = 0; i < sessions.length; i += 250) {
      const stuck = h.healthOf(sessions[i]!, at(20)).stuck;
      if (i < 2500) assert.equal(stuck, undefined, sessions[i]!.clientId);
      else assert.deepEqual(stuck, { lastTraffic: at(0), sinceFirstSeen: true });
    }
  });

  it('should group again only the client IDs a change touched, as a whole grouping would', () => {
    let seed = 5;
    const rnd = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32;
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
    let version = 0;
    // Few client IDs on several nodes, in two workspaces or none: many groups come and go.
    const make = (): Session => ({
      ...session({
        clientid: `dev-${Math.floor(rnd() * 12)}`,
        node: pick(['n1', 'n2', 'n3', 'n4']),
        ip_address: `10.0.0.${++version}`,
      }),
      workspace: pick([undefined, 'a', 'b']),
    });
    const whole = new HealthTracker();
    const part = new HealthTracker();
    let list: Session[] = [];
    for (let round = 0; round < 400; round++) {
      const next = list.slice();
      const added: Session[] = [];
      const gone: Session[] = [];
      for (let e = Math.floor(rnd() * 4); e >= 0; e--) {
        const r = rnd();
        const at = Math.floor(rnd() * next.length);
        if (r < 0.3 && next.length > 0) gone.push(...next.splice(at, 1));
        else if (r < 0.6 && next.length > 0) {
          // A new version of a session: another address, now and then another workspace.
          const old = next[at]!;
          const fresh = {
            ...old,
            ip: `10.1.0.${++version}`,
            workspace: rnd() < 0.3 ? pick([undefined, 'a', 'b']) : old.workspace,
          };
          next[at] = fresh;
          gone.push(old);
          added.push(fresh);
        } else {
          const fresh = make();
          // A key listed once: a new one on a node it is not on yet.
          if (next.some((s) => s.key === fresh.key)) continue;
          next.push(fresh);
          added.push(fresh);
        }
      }
      whole.observeGroups(next);
      part.regroupTouched(next, [...added, ...gone]);
      for (const s of next) {
        assert.deepEqual(
          part.healthOf(s, at(0)).duplicate,
          whole.healthOf(s, at(0)).duplicate,
          `round ${round}, ${s.key}`,
        );
      }
      list = next;
    }
  });
});
