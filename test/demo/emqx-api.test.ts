import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestBroker, waitFor, type TestBroker } from '../support/node-broker.js';

describe('dev broker: EMQX v5 management API', () => {
  let t: TestBroker;

  before(async () => {
    t = await startTestBroker();
    await t.connect(
      {
        clientId: 'agent-001',
        username: 'mydevice@org_k7xm4pqr2n5t',
        localAddress: '127.0.0.23',
        subscriptions: [{ topic: 'a/+/b', qos: 2 }],
      },
      { clientId: 'agent-002', username: 'other@org_k7xm4pqr2n5t', transport: 'ws' },
      { clientId: 'legacy-31', protocolVersion: 3, keepalive: 0 },
      {
        clientId: 'persistent-1',
        clean: false,
        subscriptions: [{ topic: 'q/#', qos: 1 }],
        reconnect: false,
      },
    );
  });
  after(() => t.close());

  it('should list clients with EMQX field names and types', async () => {
    const res = await t.api('/clients');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /application\/json/);
    const body = (await res.json()) as {
      data: Record<string, unknown>[];
      meta: Record<string, unknown>;
    };
    assert.deepEqual(body.meta, { page: 1, limit: 100, hasnext: false, count: 4 });
    const agent = body.data.find((c) => c['clientid'] === 'agent-001')!;
    assert.equal(agent['username'], 'mydevice@org_k7xm4pqr2n5t');
    assert.equal(agent['node'], 'dev@127.0.0.1');
    assert.equal(agent['ip_address'], '127.0.0.23');
    assert.equal(typeof agent['port'], 'number');
    assert.equal(agent['listener'], 'tcp:default');
    assert.equal(agent['proto_name'], 'MQTT');
    assert.equal(agent['proto_ver'], 4);
    assert.equal(agent['connected'], true);
    assert.match(
      String(agent['connected_at']),
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$/,
    );
    assert.equal(agent['clean_start'], true);
    assert.equal(agent['keepalive'], 60);
    assert.equal(agent['subscriptions_cnt'], 1);
    assert.equal(agent['mqueue_len'], 0);
    for (const counter of ['recv_oct', 'recv_pkt', 'send_oct', 'send_pkt']) {
      assert.ok((agent[counter] as number) > 0, counter);
    }
    const ws = body.data.find((c) => c['clientid'] === 'agent-002')!;
    assert.equal(ws['listener'], 'ws:default');
    const legacy = body.data.find((c) => c['clientid'] === 'legacy-31')!;
    assert.deepEqual(
      [legacy['proto_name'], legacy['proto_ver'], legacy['keepalive']],
      ['MQIsdp', 3, 0],
    );
  });

  it('should page with page and limit, and report hasnext', async () => {
    const first = (await (await t.api('/clients?limit=3&page=1')).json()) as {
      data: unknown[];
      meta: object;
    };
    assert.equal(first.data.length, 3);
    assert.deepEqual(first.meta, { page: 1, limit: 3, hasnext: true, count: 4 });
    const second = (await (await t.api('/clients?limit=3&page=2')).json()) as {
      data: unknown[];
      meta: object;
    };
    assert.equal(second.data.length, 1);
    assert.deepEqual(second.meta, { page: 2, limit: 3, hasnext: false, count: 4 });
  });

  it('should filter exactly and by substring, leaving count out for like_*', async () => {
    const ids = async (q: string) => {
      const body = (await (await t.api(`/clients?${q}`)).json()) as {
        data: { clientid: string }[];
        meta: Record<string, unknown>;
      };
      return { ids: body.data.map((c) => c.clientid).sort(), meta: body.meta };
    };
    assert.deepEqual((await ids('clientid=agent-001&clientid=legacy-31')).ids, [
      'agent-001',
      'legacy-31',
    ]);
    assert.deepEqual((await ids('username=other%40org_k7xm4pqr2n5t')).ids, ['agent-002']);
    const like = await ids('like_clientid=agent');
    assert.deepEqual(like.ids, ['agent-001', 'agent-002']);
    assert.equal('count' in like.meta, false);
    assert.deepEqual((await ids('like_username=org_k7')).ids, ['agent-001', 'agent-002']);
    assert.deepEqual((await ids('like_clientid=AGENT')).ids, []); // case-sensitive, as EMQX
    assert.deepEqual((await ids('proto_ver=3')).ids, ['legacy-31']);
    assert.deepEqual((await ids('ip_address=127.0.0.23')).ids, ['agent-001']);
    assert.deepEqual((await ids('_like_clientid=zzz&whatever=1')).ids.length, 4); // unknown: ignored
  });

  it('should list a disconnected persistent session unless conn_state=connected', async () => {
    const extra = await startTestBroker();
    try {
      const [persistent] = await extra.connect({
        clientId: 'p-1',
        clean: false,
        subscriptions: [{ topic: 'q/#', qos: 1 }],
        reconnect: false,
      });
      await extra.connect({ clientId: 'c-1' });
      await persistent!.end();
      await waitFor(async () => {
        const all = (await (await extra.api('/clients')).json()) as {
          data: { clientid: string; connected: boolean }[];
        };
        return all.data.some((c) => c.clientid === 'p-1' && c.connected === false);
      }, 'the persistent session to show as disconnected');
      const connected = (await (await extra.api('/clients?conn_state=connected')).json()) as {
        data: { clientid: string }[];
      };
      assert.deepEqual(
        connected.data.map((c) => c.clientid),
        ['c-1'],
      );
      const gone = (await (await extra.api('/clients/p-1')).json()) as Record<string, unknown>;
      assert.equal(gone['connected'], false);
      assert.ok(typeof gone['disconnected_at'] === 'string');
      const subs = (await (await extra.api('/clients/p-1/subscriptions')).json()) as {
        topic: string;
        qos: number;
      }[];
      assert.deepEqual(
        subs.map((s) => [s.topic, s.qos]),
        [['q/#', 1]],
      );
    } finally {
      await extra.close();
    }
  });

  it('should answer bad parameters with 400 BAD_REQUEST', async () => {
    for (const q of [
      'page=0',
      'page=x',
      'limit=0',
      'limit=10001',
      'conn_state=online',
      'ip_address=127.0.0.1:1883',
      'proto_ver=6',
    ]) {
      const res = await t.api(`/clients?${q}`);
      assert.equal(res.status, 400, q);
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(body.code, 'BAD_REQUEST', q);
      assert.ok(body.message.length > 0);
    }
  });

  it('should refuse missing or wrong credentials with 401 and WWW-Authenticate', async () => {
    for (const auth of [null, `Basic ${Buffer.from('demo:nope').toString('base64')}`]) {
      const res = await t.api('/clients', { auth });
      assert.equal(res.status, 401);
      assert.equal(res.headers.get('www-authenticate'), 'Basic Realm="emqx-dashboard"');
      const body = (await res.json()) as { code: string };
      assert.equal(
        body.code,
        auth === null ? 'AUTHORIZATION_HEADER_ERROR' : 'BAD_API_KEY_OR_SECRET',
      );
    }
  });

  it('should read one client and its subscriptions, and 404 unknown ones', async () => {
    const one = (await (await t.api('/clients/agent-001')).json()) as Record<string, unknown>;
    assert.equal(one['clientid'], 'agent-001');
    const subs = (await (await t.api('/clients/agent-001/subscriptions')).json()) as Record<
      string,
      unknown
    >[];
    assert.deepEqual(subs, [
      {
        topic: 'a/+/b',
        qos: 2,
        nl: 0,
        rap: 0,
        rh: 0,
        clientid: 'agent-001',
        node: 'dev@127.0.0.1',
        durable: false,
      },
    ]);
    const missing = await t.api('/clients/nobody');
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), {
      code: 'CLIENTID_NOT_FOUND',
      message: 'Client ID not found',
    });
  });

  it('should kick a client with DELETE: 204, the client sees close, then 404', async () => {
    const [victim] = await t.connect({ clientId: 'to/be kicked?', reconnect: false });
    const res = await t.api(`/clients/${encodeURIComponent('to/be kicked?')}`, {
      method: 'DELETE',
    });
    assert.equal(res.status, 204);
    await waitFor(() => victim!.closes > 0, 'the kicked client to see close');
    const again = await t.api(`/clients/${encodeURIComponent('to/be kicked?')}`, {
      method: 'DELETE',
    });
    assert.equal(again.status, 404);
  });

  it('should answer CORS preflight for loopback origins only', async () => {
    const pre = await t.api('/clients', {
      method: 'OPTIONS',
      auth: null,
      headers: {
        origin: 'http://localhost:8000',
        'access-control-request-headers': 'authorization',
      },
    });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get('access-control-allow-origin'), 'http://localhost:8000');
    assert.match(pre.headers.get('access-control-allow-headers')!, /authorization/);
    const foreign = await t.api('/clients', {
      method: 'OPTIONS',
      auth: null,
      headers: { origin: 'https://evil.example' },
    });
    assert.equal(foreign.status, 405);
    assert.equal(foreign.headers.get('access-control-allow-origin'), null);
  });

  it('should let only the dashboard user with the API secret subscribe to $SYS/#', async () => {
    const [plain] = await t.connect({ clientId: 'sys-nosy', subscriptions: [] });
    // The broker grants 128 (failure), which MQTT.js reports as a subscribe error.
    await assert.rejects(plain!.mqtt.subscribeAsync('$SYS/#'), /Subscribe error/);
    const [dash] = await t.connect({
      clientId: 'sys-dash',
      username: 'dashboard',
      password: t.broker.apiSecret,
    });
    const ok = await dash!.mqtt.subscribeAsync('$SYS/#');
    assert.equal(ok[0]!.qos, 0);
  });

  it('should name the port and the listener when a port is taken', async () => {
    const { startDevBroker, PortInUseError } = await import('../../demo/dev-broker/broker.js');
    await assert.rejects(
      startDevBroker({ mqttPort: 0, wsPort: 0, tlsPort: 0, apiPort: t.broker.apiPort }),
      (error: unknown) =>
        error instanceof PortInUseError &&
        error.listener === 'api' &&
        error.port === t.broker.apiPort,
    );
  });
});
