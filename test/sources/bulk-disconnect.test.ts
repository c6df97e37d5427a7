import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bulkDisconnect, planBatches } from '../../src/sources/bulk-disconnect.js';
import { EmqxSource } from '../../src/sources/emqx.js';
import type { Session } from '../../src/model/session.js';
import { startTestBroker, waitFor, type TestBroker } from '../support/node-broker.js';

describe('planBatches', () => {
  it('should send fewer than the threshold at once and stagger the rest at the rate', () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => i);
    assert.deepEqual(
      planBatches(ids(49), 20, 50).map((b) => b.length),
      [49],
    );
    assert.deepEqual(
      planBatches(ids(50), 20, 50).map((b) => b.length),
      [20, 20, 10],
    );
    assert.deepEqual(
      planBatches(ids(5), 2, 3).map((b) => b.length),
      [2, 2, 1],
    );
    assert.deepEqual(planBatches([], 20, 50), []);
  });
});

describe('bulkDisconnect against the dev broker', () => {
  let t: TestBroker;
  let source: EmqxSource;
  const faults = (body: unknown) =>
    fetch(t.broker.apiUrl.replace('/api/v5', '/dev/faults'), {
      method: 'PUT',
      headers: { authorization: `Basic ${Buffer.from('demo:demo-secret').toString('base64')}` },
      body: JSON.stringify(body),
    });

  before(async () => {
    t = await startTestBroker();
    source = new EmqxSource({ baseUrl: t.broker.apiUrl, apiKey: 'demo', apiSecret: 'demo-secret' });
  });
  after(() => t.close());

  const current = async (prefix: string): Promise<Session[]> =>
    (await source.list()).sessions.filter((s) => s.clientId.startsWith(prefix));

  it('should kick a set through the bulk endpoint, report one that stays as failed, and a gone one as already gone', async () => {
    const clients = await t.connect(
      ...['a', 'b', 'c', 'stays'].map((x) => ({ clientId: `set1-${x}`, reconnect: false })),
    );
    await faults({ kickFailures: ['set1-stays'] });
    const targets = [...(await current('set1-')), { clientId: 'set1-ghost', connectedAt: 1 }];
    const progress: number[] = [];
    const results = await bulkDisconnect(source, targets, {
      onProgress: (r) => progress.push(r.length),
    });
    const outcome = Object.fromEntries(results.map((r) => [r.clientId, r.outcome]));
    assert.deepEqual(outcome, {
      'set1-a': 'disconnected',
      'set1-b': 'disconnected',
      'set1-c': 'disconnected',
      'set1-stays': 'failed',
      'set1-ghost': 'already-gone',
    });
    assert.match(results.find((r) => r.clientId === 'set1-stays')!.error!, /Still connected/);
    await waitFor(
      () => clients.slice(0, 3).every((c) => c.closes > 0),
      'the three kicked clients to close',
    );
    assert.equal(clients[3]!.closes, 0);
    assert.ok(progress.length >= 1);

    await faults({ kickFailures: [] });
    const retry = await bulkDisconnect(source, await current('set1-stays'));
    assert.deepEqual(
      retry.map((r) => r.outcome),
      ['disconnected'],
    );
  });

  it('should look again before it calls a kick that closes late failed', async () => {
    const clients = await t.connect(
      ...['a', 'b', 'c'].map((x) => ({ clientId: `set5-${x}`, reconnect: false })),
    );
    // The broker answers each kick at once and closes the connection 1.2 s later.
    await faults({ kickDelayMs: 1200 });
    try {
      const targets = await current('set5-');
      const sleeps: number[] = [];
      const sleep = (ms: number) => {
        sleeps.push(ms);
        return new Promise<void>((resolve) => setTimeout(resolve, ms));
      };
      // Through the bulk endpoint, and one by one.
      const bulk = await bulkDisconnect(source, targets.slice(0, 2), { sleep });
      const bulkSleeps = sleeps.splice(0);
      const single = await bulkDisconnect(
        {
          label: 'one by one',
          list: (o) => source.list(o),
          get: (id) => source.get(id),
          subscriptions: (id) => source.subscriptions(id),
          disconnect: (id) => source.disconnect(id),
        },
        targets.slice(2),
        { sleep },
      );
      assert.deepEqual(
        [...bulk, ...single].map((r) => [r.clientId, r.outcome, r.error]),
        [
          ['set5-a', 'disconnected', undefined],
          ['set5-b', 'disconnected', undefined],
          ['set5-c', 'disconnected', undefined],
        ],
      );
      // Each run found its clients still listed at the first look, and looked again.
      for (const waits of [bulkSleeps, sleeps]) assert.equal(waits[0], 500, `${waits}`);
      await waitFor(() => clients.every((c) => c.closes > 0), 'both clients to close');
    } finally {
      await faults({ kickDelayMs: 0 });
    }
  });

  it('should count a client that reconnected at once as disconnected', async () => {
    await t.connect({ clientId: 'set2-bouncer', reconnect: true });
    const before = await current('set2-');
    const results = await bulkDisconnect(source, [...before, ...before]);
    assert.deepEqual(
      results.map((r) => r.outcome),
      ['disconnected'],
    );
  });

  it('should stagger above the threshold and stop what has not started when cancelled', async () => {
    await t.connect(
      ...Array.from({ length: 6 }, (_, i) => ({ clientId: `set3-${i}`, reconnect: false })),
    );
    const targets = await current('set3-');
    const controller = new AbortController();
    const sleeps: number[] = [];
    const results = await bulkDisconnect(source, targets, {
      rate: 2,
      staggerFrom: 3,
      signal: controller.signal,
      sleep: async (ms) => {
        sleeps.push(ms);
        controller.abort(); // the user cancels during the first pause
      },
    });
    assert.deepEqual(sleeps, [1000]);
    assert.deepEqual(
      results.map((r) => r.outcome),
      ['disconnected', 'disconnected', 'cancelled', 'cancelled', 'cancelled', 'cancelled'],
    );
    assert.equal((await current('set3-')).length, 4);
  });

  it('should fall back to one request per client where there is no bulk endpoint', async () => {
    await t.connect(
      { clientId: 'set4-a', reconnect: false },
      { clientId: 'set4-b', reconnect: false },
    );
    const plain = {
      ...source,
      list: source.list.bind(source),
      get: source.get.bind(source),
      subscriptions: source.subscriptions.bind(source),
      disconnect: source.disconnect.bind(source),
      label: 'plain',
    };
    const targets = [...(await current('set4-')), { clientId: 'set4-gone', connectedAt: 5 }];
    const results = await bulkDisconnect(plain, targets);
    assert.deepEqual(
      results.map((r) => [r.clientId, r.outcome]),
      [
        ['set4-a', 'disconnected'],
        ['set4-b', 'disconnected'],
        ['set4-gone', 'already-gone'],
      ],
    );
  });
});
