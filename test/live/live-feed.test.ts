import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { LiveEvent } from '../../src/live/emqx-events.js';
import { LiveFeed, type LiveStatus } from '../../src/live/live-feed.js';
import { startTestBroker, waitFor, type TestBroker } from '../support/node-broker.js';

describe('LiveFeed against the dev broker', () => {
  let t: TestBroker;
  const feeds: LiveFeed[] = [];
  before(async () => {
    t = await startTestBroker();
  });
  after(async () => {
    // A failed test must not leave a feed reconnecting forever.
    for (const f of feeds) f.stop();
    await t.close();
  });

  function feed(username = 'dashboard', password = 'demo-secret') {
    const events: LiveEvent[] = [];
    const statuses: LiveStatus[] = [];
    let resyncs = 0;
    const f = new LiveFeed({
      url: t.broker.wsUrl,
      username,
      password,
      onEvent: (e) => events.push(e),
      onStatus: (s) => statuses.push(s),
      onResync: () => resyncs++,
    });
    feeds.push(f);
    return { f, events, statuses, resyncs: () => resyncs };
  }

  it('should deliver connect and disconnect events with their reasons', async () => {
    const live = feed();
    await live.f.start();
    await waitFor(() => live.statuses.at(-1) === 'live', 'the feed to be live');
    const [c] = await t.connect({ clientId: 'watched-1', reconnect: false });
    await waitFor(
      () => live.events.some((e) => e.clientId === 'watched-1' && e.kind === 'connected'),
      'connected event',
    );
    await t.api('/clients/watched-1', { method: 'DELETE' });
    await waitFor(
      () => live.events.some((e) => e.clientId === 'watched-1' && e.reason === 'kicked'),
      'kicked event',
    );
    assert.ok(c!.closes > 0);
    const [n] = await t.connect({ clientId: 'watched-2', reconnect: false });
    await n!.mqtt.endAsync(); // a clean DISCONNECT
    await waitFor(
      () => live.events.some((e) => e.clientId === 'watched-2' && e.reason === 'normal'),
      'normal event',
    );
    live.f.stop();
  });

  it('should say it is down when the user may not read $SYS, and stop', async () => {
    const live = feed('someone', 'whatever');
    await live.f.start();
    await waitFor(() => live.statuses.at(-1) === 'down', 'the feed to give up');
    assert.ok(!live.statuses.includes('live'));
  });

  it('should come back after its connection is dropped and ask for a resync', async () => {
    const live = feed();
    await live.f.start();
    await waitFor(() => live.statuses.at(-1) === 'live', 'live');
    const before = live.resyncs();
    const list = (await (
      await t.api('/clients?like_clientid=cs-active-sessions-live-')
    ).json()) as {
      data: { clientid: string }[];
    };
    for (const c of list.data) await t.api(`/clients/${c.clientid}`, { method: 'DELETE' });
    await waitFor(() => live.statuses.includes('down'), 'down after the drop');
    assert.equal(before, 1, 'the first subscription asked for a resync too');
    await waitFor(
      () => live.resyncs() === before + 1 && live.statuses.at(-1) === 'live',
      'back, with a resync',
      10_000,
    );
    live.f.stop();
  });
});
