import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestBroker, waitFor, type TestBroker } from '../support/node-broker.js';

type Client = Record<string, unknown>;
const json = async <T>(res: Response) => (await res.json()) as T;

describe('dev broker: two nodes, TLS, bulk kick, stats, bans, faults', () => {
  let t: TestBroker;

  before(async () => {
    t = await startTestBroker({ secondNode: true });
    await t.connect(
      { clientId: 'split-1', node: 0, localAddress: '127.0.0.31' },
      { clientId: 'split-1', node: 1, localAddress: '127.0.0.32' },
      { clientId: 'n2-only', node: 1, subscriptions: [{ topic: 'x/+', qos: 1 }] },
      { clientId: 'secure-1', transport: 'tls', localAddress: '127.0.0.33' },
    );
  });
  after(() => t.close());

  it('should list both nodes, with a client ID connected on each as a split cluster does', async () => {
    const body = await json<{ data: Client[]; meta: { count: number } }>(await t.api('/clients'));
    assert.equal(body.meta.count, 4);
    const split = body.data.filter((c) => c['clientid'] === 'split-1');
    assert.deepEqual(split.map((c) => c['node']).sort(), ['dev2@127.0.0.1', 'dev@127.0.0.1']);
    assert.deepEqual(split.map((c) => c['ip_address']).sort(), ['127.0.0.31', '127.0.0.32']);
    const node2 = await json<{ data: Client[] }>(await t.api('/clients?node=dev2%40127.0.0.1'));
    assert.deepEqual(node2.data.map((c) => c['clientid']).sort(), ['n2-only', 'split-1']);
  });

  it('should page by cursor on clients_v2 without repeating or skipping clients', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    const late: { end(): Promise<void> }[] = [];
    do {
      const q = new URLSearchParams({ limit: '2', ...(cursor ? { cursor } : {}) });
      const body = await json<{ data: Client[]; meta: { count: number; cursor?: string } }>(
        await t.api(`/clients_v2?${q}`),
      );
      assert.equal(body.meta.count, body.data.length);
      seen.push(...body.data.map((c) => `${c['node']}/${c['clientid']}`));
      cursor = body.meta.cursor;
      pages++;
      // A client joining mid-way sorts after the cursor or before it, never twice.
      if (pages === 1) late.push(...(await t.connect({ clientId: 'aaa-late', reconnect: false })));
    } while (cursor);
    for (const c of late) await c.end();
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(seen.includes('dev@127.0.0.1/secure-1'));
    assert.equal((await t.api('/clients_v2?cursor=!!')).status, 400);
  });

  it('should report a TLS client on the ssl listener', async () => {
    const c = await json<Client>(await t.api('/clients/secure-1'));
    assert.equal(c['listener'], 'ssl:default');
    assert.equal(c['ip_address'], '127.0.0.33');
  });

  it('should return only the asked fields, and refuse unknown ones', async () => {
    const body = await json<{ data: Client[] }>(
      await t.api('/clients?fields=clientid,node&limit=1'),
    );
    assert.deepEqual(Object.keys(body.data[0]!).sort(), ['clientid', 'node']);
    assert.equal((await t.api('/clients?fields=clientid,bogus')).status, 400);
  });

  it('should count connections and subscriptions per node and aggregated', async () => {
    const per = await json<Client[]>(await t.api('/stats'));
    assert.deepEqual(per.map((s) => [s['node'], s['live_connections.count']]).sort(), [
      ['dev2@127.0.0.1', 2],
      ['dev@127.0.0.1', 2],
    ]);
    const sum = await json<Client>(await t.api('/stats?aggregate=true'));
    assert.equal(sum['connections.count'], 4);
    assert.equal(sum['live_connections.count'], 4);
    assert.equal(sum['subscriptions.count'], 1);
    assert.equal('node' in sum, false);
  });

  it('should kick a list of clients with POST /clients/kickout/bulk', async () => {
    const clients = await t.connect(
      { clientId: 'bulk-a', reconnect: false },
      { clientId: 'bulk-b', reconnect: false, node: 1 },
      { clientId: 'bulk-c', reconnect: false },
    );
    const res = await t.api('/clients/kickout/bulk', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(['bulk-a', 'bulk-b', 'not-there']),
    });
    assert.equal(res.status, 204);
    await waitFor(
      () => clients[0]!.closes > 0 && clients[1]!.closes > 0,
      'both kicked clients to see close',
    );
    assert.equal(clients[2]!.closes, 0);
    assert.equal((await t.api('/clients/bulk-c')).status, 200);
    const bad = await t.api('/clients/kickout/bulk', { method: 'POST', body: '{"not":"a list"}' });
    assert.equal(bad.status, 400);
  });

  it('should fail the kicks the fault switch names, then succeed once it is cleared', async () => {
    const [c] = await t.connect({ clientId: 'stubborn', reconnect: false });
    const faultsUrl = t.broker.apiUrl.replace('/api/v5', '/dev/faults');
    const auth = `Basic ${Buffer.from('demo:demo-secret').toString('base64')}`;
    const put = (body: unknown) =>
      fetch(faultsUrl, {
        method: 'PUT',
        headers: { authorization: auth },
        body: JSON.stringify(body),
      });
    assert.equal((await put({ kickFailures: ['stubborn'] })).status, 200);
    const failed = await t.api('/clients/stubborn', { method: 'DELETE' });
    assert.equal(failed.status, 500);
    await t.api('/clients/kickout/bulk', { method: 'POST', body: '["stubborn"]' });
    assert.equal(c!.closes, 0);
    assert.equal((await t.api('/clients/stubborn')).status, 200);
    assert.equal((await put({ kickFailures: 'nope' })).status, 400);
    await put({ kickFailures: [] });
    assert.equal((await t.api('/clients/stubborn', { method: 'DELETE' })).status, 204);
  });

  it('should keep a banned client ID out until the ban is lifted', async () => {
    const until = new Date(Date.now() + 60_000).toISOString();
    const created = await t.api('/banned', {
      method: 'POST',
      body: JSON.stringify({ as: 'clientid', who: 'rogue-1', reason: 'flapping', until }),
    });
    assert.equal(created.status, 200);
    const ban = await json<Client>(created);
    assert.equal(ban['who'], 'rogue-1');
    assert.equal(ban['as'], 'clientid');
    assert.equal(ban['by'], 'mgmt_api');
    const again = await t.api('/banned', {
      method: 'POST',
      body: JSON.stringify({ as: 'clientid', who: 'rogue-1', until }),
    });
    assert.equal(again.status, 400);
    assert.equal((await json<Client>(again))['code'], 'ALREADY_EXISTS');
    const list = await json<{ data: Client[]; meta: Client }>(await t.api('/banned'));
    assert.equal(list.meta['count'], 1);

    await assert.rejects(
      t.connect({ clientId: 'rogue-1', reconnect: false }),
      /Not authorized|closed/i,
    );
    assert.equal((await t.api('/banned/clientid/rogue-1', { method: 'DELETE' })).status, 204);
    assert.equal((await t.api('/banned/clientid/rogue-1', { method: 'DELETE' })).status, 404);
    const [ok] = await t.connect({ clientId: 'rogue-1', reconnect: false });
    assert.equal(ok!.mqtt.connected, true);
  });

  it('should count unacknowledged messages of a client that stops reading as in-flight, then queued', async () => {
    const [slow] = await t.connect({
      clientId: 'slow-1',
      clean: false,
      keepalive: 600,
      subscriptions: [{ topic: 'load/#', qos: 1 }],
      slowConsumer: true,
    });
    const [pub] = await t.connect({ clientId: 'pub-1' });
    for (let i = 0; i < 40; i++) await pub!.mqtt.publishAsync('load/x', `m${i}`, { qos: 1 });
    await waitFor(async () => {
      const c = await json<Client>(await t.api('/clients/slow-1'));
      return c['inflight_cnt'] === 32 && c['mqueue_len'] === 8;
    }, 'the slow consumer to show 32 in flight and 8 queued');
    const c = await json<Client>(await t.api('/clients/slow-1'));
    assert.ok((c['send_msg'] as number) >= 40);
    assert.ok((c['send_oct'] as number) > 40 * 10);
    assert.equal(slow!.mqtt.connected, true);
  });
});
