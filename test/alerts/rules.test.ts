import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  badAllowedNetwork,
  COOLDOWN_MS,
  evaluateAlerts,
  initialAlertState,
  type Alert,
  type AlertRule,
  type AlertState,
  type Observation,
  type ObservedSession,
} from '../../src/alerts/rules.js';

const MIN = 60_000;
const s = (clientId: string, extra: Partial<ObservedSession> = {}): ObservedSession => ({
  clientId,
  ip: '10.0.0.1',
  connectedAt: 1,
  ...extra,
});
const fleet = (n: number, prefix = 'c') => Array.from({ length: n }, (_, i) => s(`${prefix}-${i}`));

/** Feeds observations in order; returns every alert raised, with the final state. */
function run(
  rules: AlertRule[],
  observations: Observation[],
  state: AlertState = initialAlertState(),
) {
  const alerts: Alert[] = [];
  for (const o of observations) {
    const out = evaluateAlerts(rules, state, o);
    state = out.state;
    alerts.push(...out.alerts);
  }
  return { alerts, state };
}
const snap = (at: number, sessions: ObservedSession[]): Observation => ({
  kind: 'snapshot',
  at,
  sessions,
});

describe('alert rules', () => {
  it('count below a threshold: one alert on the way down, none while it hovers, again after recovery and cooldown', () => {
    const rule: AlertRule = { id: 'low', kind: 'count-below', threshold: 10 };
    const { alerts } = run(
      [rule],
      [
        snap(0, fleet(12)),
        snap(MIN, fleet(9)),
        snap(2 * MIN, fleet(10)), // back at the threshold: not clear by the margin
        snap(3 * MIN, fleet(9)),
        snap(4 * MIN, fleet(12)), // clear, with margin
        snap(5 * MIN, fleet(8)), // within the cooldown of clearing: no alert
        snap(4 * MIN + COOLDOWN_MS + 1, fleet(12)),
        snap(4 * MIN + COOLDOWN_MS + 2, fleet(8)),
      ],
    );
    // Down (alert), hovering at 10 (none), down again (none: still firing), recovered, down
    // within the cooldown (none), recovered, down after the cooldown (alert).
    assert.equal(alerts.length, 2, JSON.stringify(alerts.map((a) => a.message)));
    assert.match(alerts[0]!.message, /fell to 9, below 10/);
  });

  it('count below per workspace counts only that workspace', () => {
    const rule: AlertRule = { id: 'low-a', kind: 'count-below', threshold: 2, workspace: 'a' };
    const { alerts } = run(
      [rule],
      [
        snap(0, [
          s('x', { workspace: 'a' }),
          s('y', { workspace: 'a' }),
          s('z', { workspace: 'b' }),
        ]),
        snap(MIN, [
          s('x', { workspace: 'a' }),
          s('z', { workspace: 'b' }),
          s('w', { workspace: 'b' }),
        ]),
      ],
    );
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.workspace, 'a');
    assert.match(alerts[0]!.message, /in a fell to 1/);
  });

  it('sudden drop: more than X % within Y minutes, not a slow decline', () => {
    const rule: AlertRule = { id: 'drop', kind: 'sudden-drop', percent: 30, minutes: 5 };
    const quick = run(
      [rule],
      [snap(0, fleet(100)), snap(MIN, fleet(100)), snap(2 * MIN, fleet(60))],
    );
    assert.equal(quick.alerts.length, 1);
    assert.match(quick.alerts[0]!.message, /dropped 40% within 5 min \(from 100 to 60\)/);
    // 100 → 60 over 20 minutes, 10 % at a time: never 30 % within 5 minutes.
    const slow = run(
      [rule],
      [0, 1, 2, 3, 4].map((i) => snap(i * 5 * MIN, fleet(100 - i * 10))),
    );
    assert.equal(slow.alerts.length, 0);
  });

  it('spike: more than N new connections within Y minutes, from polls or live events', () => {
    const rule: AlertRule = { id: 'spike', kind: 'spike', connections: 5, minutes: 2 };
    const polled = run([rule], [snap(0, fleet(3)), snap(MIN, [...fleet(3), ...fleet(6, 'new')])]);
    assert.equal(polled.alerts.length, 1);
    assert.equal(polled.alerts[0]!.clientIds.length, 6);
    const events: Observation[] = Array.from({ length: 6 }, (_, i) => ({
      kind: 'connected',
      at: i * 1000,
      session: s(`e-${i}`),
    }));
    assert.equal(run([rule], events).alerts.length, 1);
    // Spread over 12 minutes they are no spike.
    const spread = events.map((e, i) => ({ ...e, at: i * 2 * MIN }));
    assert.equal(run([rule], spread).alerts.length, 0);
  });

  it('reconnect storm: the same client IDs reconnecting again and again', () => {
    const rule: AlertRule = {
      id: 'storm',
      kind: 'reconnect-storm',
      clients: 2,
      reconnects: 3,
      minutes: 1,
    };
    const events: Observation[] = [];
    for (let round = 0; round < 3; round++) {
      for (const id of ['a', 'b', 'c']) {
        events.push({ kind: 'disconnected', at: round * 10_000 + 1, session: s(id) });
        events.push({
          kind: 'connected',
          at: round * 10_000 + 2,
          session: s(id, { connectedAt: round }),
        });
      }
    }
    const { alerts } = run([rule], events);
    assert.equal(alerts.length, 1, 'one alert for the whole storm');
    // Raised as soon as two clients had reconnected three times; the third joins silently.
    assert.deepEqual(alerts[0]!.clientIds.sort(), ['a', 'b']);
  });

  it('unexpected network: outside the allowed CIDRs, IPv4 and IPv6, once per address', () => {
    const rule: AlertRule = {
      id: 'net',
      kind: 'unexpected-network',
      allowed: ['10.0.0.0/8', '2001:db8::/32'],
      learningMinutes: 0,
    };
    const connect = (at: number, id: string, ip: string): Observation => ({
      kind: 'connected',
      at,
      session: s(id, { ip }),
    });
    const { alerts } = run(
      [rule],
      [
        connect(0, 'ok-v4', '10.1.2.3'),
        connect(1, 'ok-v6', '2001:db8::7'),
        connect(2, 'ok-mapped', '::ffff:10.9.9.9'),
        connect(3, 'bad-v6', '2001:dead::1'),
        connect(4, 'bad-v4', '192.168.1.5'),
        connect(5, 'bad-v4', '192.168.1.5'), // the same address flapping: no second alert
      ],
    );
    assert.deepEqual(
      alerts.map((a) => a.clientIds[0]),
      ['bad-v6', 'bad-v4'],
    );
    assert.match(alerts[0]!.message, /2001:dead::1, outside the allowed networks/);
  });

  it('unexpected network with a mistyped allowed network: not checked at all, and named', () => {
    // `10.0.0.0/33` meant the 10.0.0.0 network: left out, the rule would flag its clients.
    const rule: AlertRule = {
      id: 'net',
      kind: 'unexpected-network',
      allowed: ['192.168.0.0/16', '10.0.0.0/33'],
      learningMinutes: 0,
    };
    assert.equal(badAllowedNetwork(rule), '10.0.0.0/33');
    assert.equal(badAllowedNetwork({ ...rule, allowed: ['10.0.0.0/8', '::1'] }), undefined);
    assert.equal(badAllowedNetwork({ id: 'low', kind: 'count-below', threshold: 1 }), undefined);
    const { alerts, state } = run(
      [rule],
      [
        snap(0, [s('a', { ip: '10.0.0.1' })]),
        { kind: 'connected', at: 1, session: s('b', { ip: '10.0.0.2' }) },
        { kind: 'connected', at: 2, session: s('c', { ip: '172.16.0.9' }) },
      ],
    );
    assert.deepEqual(alerts, []);
    assert.deepEqual(state.knownIps, {});
  });

  it('unexpected network without a list: learn first, then flag addresses never seen', () => {
    const rule: AlertRule = {
      id: 'new-net',
      kind: 'unexpected-network',
      allowed: [],
      learningMinutes: 10,
    };
    const { alerts } = run(
      [rule],
      [
        snap(0, [s('a', { ip: '10.0.0.1' }), s('b', { ip: '10.0.0.2' })]),
        { kind: 'connected', at: MIN, session: s('c', { ip: '10.0.0.3' }) }, // still learning
        { kind: 'connected', at: 11 * MIN, session: s('d', { ip: '10.0.0.1' }) }, // known
        { kind: 'connected', at: 12 * MIN, session: s('e', { ip: '172.16.0.9' }) }, // new
      ],
    );
    assert.deepEqual(
      alerts.map((a) => a.clientIds[0]),
      ['e'],
    );
    assert.match(alerts[0]!.message, /never seen before/);
  });

  it('critical client disconnects: immediately from a live event, and once while it flaps', () => {
    const rule: AlertRule = {
      id: 'crit',
      kind: 'critical-disconnect',
      clients: ['pump-*', 'gateway-1'],
    };
    const flaps: Observation[] = [];
    for (let i = 0; i < 20; i++) {
      // Each disconnect names the connection it ends (its connected-at), as EMQX's event does.
      flaps.push({ kind: 'disconnected', at: i * 5000, session: s('pump-7', { connectedAt: i }) });
      flaps.push({
        kind: 'connected',
        at: i * 5000 + 1000,
        session: s('pump-7', { connectedAt: i + 1 }),
      });
    }
    flaps.push({ kind: 'disconnected', at: 100_000, session: s('other') });
    flaps.push({
      kind: 'disconnected',
      at: COOLDOWN_MS + 200_000,
      session: s('pump-7', { connectedAt: 20 }),
    });
    const { alerts } = run([rule], flaps);
    assert.equal(alerts.length, 2, 'the first disconnect, and one after the cooldown');
    assert.match(alerts[0]!.message, /Critical client pump-7 disconnected/);
  });

  it('critical client disconnects: within a refresh when there are no live events', () => {
    const rule: AlertRule = { id: 'crit', kind: 'critical-disconnect', clients: ['gateway-1'] };
    const { alerts } = run([rule], [snap(0, [s('gateway-1'), s('x')]), snap(30_000, [s('x')])]);
    assert.deepEqual(
      alerts.map((a) => a.clientIds),
      [['gateway-1']],
    );
  });

  it('should ignore a late disconnect of an older connection, and see a reconnect between polls', () => {
    const rule: AlertRule = { id: 'crit', kind: 'critical-disconnect', clients: ['gw'] };
    const late = run(
      [rule],
      [
        { kind: 'connected', at: 1, session: s('gw', { connectedAt: 10 }) },
        { kind: 'disconnected', at: 2, session: s('gw', { connectedAt: 5 }) }, // the old one's
      ],
    );
    assert.equal(late.alerts.length, 0);
    const polled = run(
      [rule],
      [snap(0, [s('gw', { connectedAt: 1 })]), snap(30_000, [s('gw', { connectedAt: 2 })])],
    );
    assert.equal(polled.alerts.length, 1, 'a new connected-at means it went away and came back');
  });

  it('should not take a live event before the first poll for a spike of new connections', () => {
    const rule: AlertRule = { id: 'spike', kind: 'spike', connections: 2, minutes: 1 };
    const { alerts } = run(
      [rule],
      [{ kind: 'connected', at: 0, session: s('early') }, snap(1000, fleet(10))],
    );
    assert.equal(alerts.length, 0);
  });

  it('should keep its state as plain data that survives JSON', () => {
    const rule: AlertRule = { id: 'low', kind: 'count-below', threshold: 5 };
    const first = run([rule], [snap(0, fleet(10)), snap(MIN, fleet(2))]);
    const restored = JSON.parse(JSON.stringify(first.state)) as AlertState;
    const again = run([rule], [snap(2 * MIN, fleet(2))], restored);
    assert.equal(again.alerts.length, 0, 'still firing: no second alert after a restore');
  });
});
