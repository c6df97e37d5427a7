/**
 * The element's alerts controller while the evaluation of rules loads (it is loaded with the
 * first observation there are rules for): what waits, in which order, and what a failed load
 * leaves. The host is a minimal stand-in for the element (the controller only asks it to update).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AlertsController } from '../../components/cs-active-sessions/alerts-controller.js';
import type { Alert, Observation, ObservedSession } from '../../src/alerts/rules.js';

const host = () => ({
  updates: 0,
  addController() {},
  removeController() {},
  requestUpdate() {
    this.updates++;
  },
  updateComplete: Promise.resolve(true),
});
const fleet = (n: number): ObservedSession[] =>
  Array.from({ length: n }, (_, i) => ({ clientId: `c-${i}`, ip: '10.0.0.1', connectedAt: 1 }));
const snapshot = (at: number, n: number): Observation => ({
  kind: 'snapshot',
  at,
  sessions: fleet(n),
});
const event = (kind: 'connected' | 'disconnected', at: number, clientId: string): Observation => ({
  kind,
  at,
  session: { clientId, ip: '10.0.0.1', connectedAt: at },
});
const settled = (controller: AlertsController) =>
  new Promise<void>((resolve) => {
    const check = () =>
      controller.notice !== undefined || controller.list.length > 0
        ? resolve()
        : setTimeout(check, 5);
    check();
  });

describe('AlertsController (rules evaluated once their code has loaded)', () => {
  it('evaluates what was observed while loading, in order', async () => {
    const raised: Alert[] = [];
    const controller = new AlertsController(
      host(),
      (a) => raised.push(a),
      async () => {},
    );
    controller.setPageRules([
      { id: 'drop', kind: 'sudden-drop', percent: 30, minutes: 5 },
      { id: 'crit', kind: 'critical-disconnect', clients: ['pump-*'] },
    ]);
    // Nothing has loaded yet: all of these wait, and the drop needs the first snapshot.
    controller.observe(snapshot(1000, 10));
    controller.observe(event('disconnected', 2000, 'pump-1'));
    controller.observe(snapshot(3000, 5));
    controller.observe(event('disconnected', 4000, 'pump-2'));
    assert.equal(controller.list.length, 0);
    await settled(controller);
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(
      raised.map((a) => [a.ruleId, a.at]),
      [
        ['crit', 2000],
        ['drop', 3000],
        ['crit', 4000],
      ],
    );
    // Once loaded, an observation is evaluated at once.
    controller.observe(event('disconnected', 5000, 'pump-3'));
    assert.equal(raised.length, 4);
  });

  it('keeps only the newest five snapshots waiting', async () => {
    const raised: Alert[] = [];
    const controller = new AlertsController(
      host(),
      (a) => raised.push(a),
      async () => {},
    );
    controller.setPageRules([{ id: 'low', kind: 'count-below', threshold: 5 }]);
    // Below the threshold only in the first, which gives way: no alert.
    controller.observe(snapshot(1000, 2));
    for (let i = 1; i <= 5; i++) controller.observe(snapshot(1000 + i * 1000, 10));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(raised.length, 0);
    controller.observe(snapshot(9000, 1));
    assert.deepEqual(
      raised.map((a) => [a.ruleId, a.at]),
      [['low', 9000]],
    );
  });

  it('evaluates nothing without rules, and loads nothing for it', () => {
    const controller = new AlertsController(
      host(),
      () => assert.fail('no alert'),
      async () => {},
    );
    controller.observe(snapshot(1000, 0));
    assert.equal(controller.list.length, 0);
    assert.equal(controller.notice, undefined);
  });
});
