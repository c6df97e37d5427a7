import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EmqxSource } from '../../src/sources/emqx.js';
import { createSource } from '../../src/sources/from-config.js';
import { SourceError } from '../../src/sources/source.js';
import { startTestBroker, type TestBroker } from '../support/node-broker.js';

const FORBIDDEN = {
  code: 'UNAUTHORIZED_ROLE',
  message: "This API Key don't have permission to access this resource",
};

describe('dev broker: a viewer-role API key', () => {
  let t: TestBroker;
  let viewer: string;

  before(async () => {
    t = await startTestBroker();
    viewer = `Basic ${Buffer.from(`${t.broker.viewerKey}:${t.broker.viewerSecret}`).toString('base64')}`;
    await t.connect({ clientId: 'sensor-viewer-001', reconnect: false });
  });
  after(() => t.close());

  it('should have the default viewer / viewer-secret key', () => {
    assert.equal(t.broker.viewerKey, 'viewer');
    assert.equal(t.broker.viewerSecret, 'viewer-secret');
  });

  it('should let the viewer read clients, one client, subscriptions and stats', async () => {
    for (const path of [
      '/clients',
      '/clients_v2',
      '/clients/sensor-viewer-001',
      '/clients/sensor-viewer-001/subscriptions',
      '/stats?aggregate=true',
      '/banned',
    ]) {
      const res = await t.api(path, { auth: viewer });
      assert.equal(res.status, 200, path);
    }
  });

  it("should refuse the viewer's kick with EMQX's 403 and leave the client connected", async () => {
    const res = await t.api('/clients/sensor-viewer-001', { method: 'DELETE', auth: viewer });
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), FORBIDDEN);
    const still = await t.api('/clients/sensor-viewer-001');
    assert.equal(still.status, 200);
    assert.equal(((await still.json()) as { connected: boolean }).connected, true);
  });

  it('should refuse every other action of the viewer: bulk kick, ban, unban', async () => {
    const json = { 'content-type': 'application/json' };
    const calls: [string, RequestInit][] = [
      ['/clients/kickout/bulk', { method: 'POST', headers: json, body: '["sensor-viewer-001"]' }],
      [
        '/banned',
        {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ as: 'clientid', who: 'sensor-viewer-001' }),
        },
      ],
      ['/banned/clientid/sensor-viewer-001', { method: 'DELETE' }],
    ];
    for (const [path, init] of calls) {
      const res = await t.api(path, { ...init, auth: viewer });
      assert.equal(res.status, 403, `${String(init.method)} ${path}`);
      assert.deepEqual(await res.json(), FORBIDDEN);
    }
    assert.deepEqual(t.broker.bans.active(), []);
  });

  it('should still refuse a wrong viewer secret with 401', async () => {
    const wrong = `Basic ${Buffer.from('viewer:nope').toString('base64')}`;
    const res = await t.api('/clients', { auth: wrong });
    assert.equal(res.status, 401);
  });

  it('should let the administrator key kick as before', async () => {
    await t.connect({ clientId: 'sensor-viewer-002', reconnect: false });
    const res = await t.api('/clients/sensor-viewer-002', { method: 'DELETE' });
    assert.equal(res.status, 204);
  });

  it('should make EmqxSource report actions only for a non-viewer role, and say a 403 clearly', async () => {
    const base = { baseUrl: t.broker.apiUrl };
    assert.equal(new EmqxSource(base).capabilities.actions, true);
    const source = createSource({
      kind: 'emqx',
      ...base,
      apiKey: t.broker.viewerKey,
      apiSecret: t.broker.viewerSecret,
      role: 'viewer',
    });
    assert.equal(source.capabilities?.actions, false);
    const { sessions } = await source.list();
    assert.ok(sessions.some((s) => s.clientId === 'sensor-viewer-001'));
    await assert.rejects(
      () => source.disconnect('sensor-viewer-001'),
      (error: unknown) =>
        error instanceof SourceError &&
        error.kind === 'forbidden' &&
        error.status === 403 &&
        error.code === 'UNAUTHORIZED_ROLE',
    );
  });
});
