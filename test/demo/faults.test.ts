import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordHardening } from '../support/hardening-report.js';
import { startTestBroker, waitFor, type TestBroker } from '../support/node-broker.js';

describe('dev broker: API faults, request log, restart', () => {
  let t: TestBroker;
  let faults = 0;
  const put = (body: unknown) =>
    fetch(t.broker.apiUrl.replace('/api/v5', '/dev/faults'), {
      method: 'PUT',
      headers: { authorization: `Basic ${Buffer.from('demo:demo-secret').toString('base64')}` },
      body: JSON.stringify(body),
    });

  before(async () => {
    t = await startTestBroker();
  });
  after(async () => {
    await t.close();
    recordHardening('dev broker faults (node)', { faults, actionsLost: 0 });
  });

  it('should refuse bad API faults with a message and change nothing', async () => {
    for (const [body, message] of [
      [{ apiFaults: {} }, /apiFaults: expected an array/],
      [{ apiFaults: [{ status: 418 }] }, /apiFaults\[0\]\.status: expected one of 401, 403/],
      [{ apiFaults: [{ path: '/api/v5/clients' }] }, /expected a status, a hangMs or both/],
      [{ apiFaults: [{ status: 500, times: 0 }] }, /times: expected a whole number from 1/],
      [{ apiFaults: [{ status: 500, method: 'get' }] }, /method: expected one of GET/],
      [{ apiFaults: [{ status: 500, path: 'clients' }] }, /path: expected a path/],
      [{ apiFaults: [{ status: 500, colour: 'red' }] }, /unknown field "colour"/],
      [{ kickFailures: ['a'], mqttRefuse: 'x' }, /mqttRefuse: expected an array/],
      [{ kickFailures: ['a'], kickDelayMs: -1 }, /kickDelayMs: expected milliseconds/],
    ] as const) {
      const res = await put(body);
      assert.equal(res.status, 400);
      const said = (await res.json()) as { code: string; message: string };
      assert.equal(said.code, 'BAD_REQUEST');
      assert.match(said.message, message);
    }
    assert.deepEqual(t.broker.faults.kickFailures, []);
    assert.equal(t.broker.faults.apiFaults, undefined);
  });

  it('should answer an injected status with an EMQX body, so many times, then be healthy', async () => {
    await t.connect({ clientId: 'dev-1', reconnect: false });
    const res = await put({
      apiFaults: [{ status: 503, path: '/api/v5/clients_v2', method: 'GET', times: 2 }],
    });
    assert.equal(res.status, 200);
    faults += 2;
    for (let i = 0; i < 2; i++) {
      const failed = await t.api('/clients_v2');
      assert.equal(failed.status, 503);
      assert.deepEqual(await failed.json(), {
        code: 'SERVICE_UNAVAILABLE',
        message: 'Service unavailable (injected fault)',
      });
    }
    // Another path and another method are not hit.
    assert.equal((await t.api('/stats')).status, 200);
    assert.equal((await t.api('/clients_v2')).status, 200);
    assert.deepEqual(t.broker.faults.apiFaults, []);
  });

  it('should send Retry-After with a 429, readable by a page, and log every request', async () => {
    const since = Date.now();
    await put({ apiFaults: [{ status: 429, retryAfter: 3, times: 1 }] });
    faults++;
    const res = await t.api('/clients_v2', { headers: { origin: 'http://127.0.0.1:9999' } });
    assert.equal(res.status, 429);
    assert.equal(res.headers.get('retry-after'), '3');
    assert.match(res.headers.get('access-control-expose-headers') ?? '', /Retry-After/i);
    assert.equal(((await res.json()) as { code: string }).code, 'TOO_MANY_REQUESTS');
    assert.equal((await t.api('/clients_v2')).status, 200);
    const log = t.broker.requests.filter((r) => r.t >= since);
    assert.deepEqual(
      log.map((r) => [r.method, r.path, r.status, r.fault ?? false]),
      [
        ['GET', '/api/v5/clients_v2', 429, true],
        ['GET', '/api/v5/clients_v2', 200, false],
      ],
    );
    const listed = await fetch(t.broker.apiUrl.replace('/api/v5', '/dev/requests'), {
      headers: { authorization: `Basic ${Buffer.from('demo:demo-secret').toString('base64')}` },
    });
    assert.equal(listed.status, 200);
    assert.ok(((await listed.json()) as unknown[]).length >= 2);
  });

  it('should answer 404 CLIENTID_NOT_FOUND on a kick and 401 with its realm', async () => {
    await put({
      apiFaults: [
        { status: 404, path: '/api/v5/clients/*', method: 'DELETE', times: 1 },
        { status: 401, path: '/api/v5/stats', times: 1 },
      ],
    });
    faults += 2;
    const kick = await t.api('/clients/dev-1', { method: 'DELETE' });
    assert.equal(kick.status, 404);
    assert.equal(((await kick.json()) as { code: string }).code, 'CLIENTID_NOT_FOUND');
    const stats = await t.api('/stats');
    assert.equal(stats.status, 401);
    assert.equal(stats.headers.get('www-authenticate'), 'Basic Realm="emqx-dashboard"');
    assert.equal(((await stats.json()) as { code: string }).code, 'BAD_API_KEY_OR_SECRET');
  });

  it('should hang for hangMs with no answer, then answer', async () => {
    await put({ apiFaults: [{ hangMs: 600, path: '/api/v5/stats', times: 1 }] });
    faults++;
    const timedOut = await t.api('/stats', { signal: AbortSignal.timeout(200) }).then(
      () => 'answered',
      (e: Error) => e.name,
    );
    assert.equal(timedOut, 'TimeoutError');
    await put({ apiFaults: [{ hangMs: 300, status: 502, times: 1 }] });
    faults++;
    const started = Date.now();
    const res = await t.api('/stats');
    assert.ok(Date.now() - started >= 280);
    assert.equal(res.status, 502);
  });

  it('should drop refused MQTT connections, now and at CONNECT, until cleared', async () => {
    const [c] = await t.connect({ clientId: 'flaky-feed-1' });
    await put({ mqttRefuse: ['flaky-feed-'] });
    faults++;
    await waitFor(() => c!.closes > 0, 'the connection drops');
    await new Promise((r) => setTimeout(r, 3500));
    assert.equal(c!.mqtt.connected, false, 'no reconnect while refused');
    await put({ mqttRefuse: [] });
    await waitFor(() => c!.mqtt.connected, 'it reconnects once cleared', 8000);
  });

  it('should restart on the same ports, dropping every connection and the API', async () => {
    const [c] = await t.connect({ clientId: 'survivor' });
    const { apiPort, mqttPort, wsPort } = t.broker;
    let down = false;
    const back = t.broker.restart({ downMs: 800, onDown: () => (down = true) });
    await waitFor(() => down, 'down');
    faults++;
    await assert.rejects(t.api('/stats'));
    await waitFor(() => c!.closes > 0, 'the client saw the drop');
    await back;
    assert.deepEqual(
      [t.broker.apiPort, t.broker.mqttPort, t.broker.wsPort],
      [apiPort, mqttPort, wsPort],
    );
    assert.equal((await t.api('/stats')).status, 200);
    await waitFor(() => c!.mqtt.connected && c!.connects > 1, 'the client is back', 8000);
    const res = await t.api('/clients?clientid=survivor');
    assert.equal(((await res.json()) as { data: unknown[] }).data.length, 1);
  });
});
