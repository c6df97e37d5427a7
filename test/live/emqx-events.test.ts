import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEmqxEvent } from '../../src/live/emqx-events.js';
import { sessionFromEmqxEvent } from '../../src/model/emqx-client.js';

// Shaped like EMQX's $SYS client events (shared/docs/brokers.md).
const connected = {
  clientid: 'agent/7',
  username: 'mydevice@org_k7xm4pqr2n5t',
  ipaddress: '203.0.113.7',
  sockport: 1883,
  proto_name: 'MQTT',
  proto_ver: 5,
  connected_at: 1767225600000,
  ts: 1767225600001,
  keepalive: 60,
  clean_start: true,
  expiry_interval: 0,
};

describe('parseEmqxEvent', () => {
  it('should read connected and disconnected events, client IDs with slashes included', () => {
    const e = parseEmqxEvent(
      '$SYS/brokers/emqx@10.0.0.5/clients/agent/7/connected',
      JSON.stringify(connected),
    )!;
    assert.equal(e.kind, 'connected');
    assert.equal(e.node, 'emqx@10.0.0.5');
    assert.equal(e.clientId, 'agent/7');
    const d = parseEmqxEvent(
      '$SYS/brokers/n/clients/c1/disconnected',
      new TextEncoder().encode(
        JSON.stringify({ ...connected, clientid: 'c1', reason: 'takenover', disconnected_at: 1 }),
      ),
    )!;
    assert.equal(d.kind, 'disconnected');
    assert.equal(d.reason, 'takenover');
  });

  it('should ignore other topics and bad payloads', () => {
    assert.equal(parseEmqxEvent('$SYS/brokers/n/uptime', '1'), undefined);
    assert.equal(parseEmqxEvent('$SYS/brokers/n/clients/c/subscribed', '{}'), undefined);
    assert.equal(parseEmqxEvent('$SYS/brokers/n/clients/c/connected', 'not json'), undefined);
    assert.equal(parseEmqxEvent('$SYS/brokers/n/clients/c/connected', '[1]'), undefined);
  });

  it('should make a session from a connected event, leaving what it lacks unknown', () => {
    const s = sessionFromEmqxEvent('emqx@10.0.0.5', connected, { sourceId: 'src' })!;
    assert.equal(s.clientId, 'agent/7');
    assert.equal(s.displayUsername, 'mydevice');
    assert.equal(s.ip, '203.0.113.7');
    assert.equal(s.port, undefined);
    assert.equal(s.protocol, '5.0');
    assert.equal(s.connectedAt, 1767225600000);
    assert.equal(s.keepAlive, 60);
    assert.equal(s.subscriptions, undefined);
    assert.ok(s.key.startsWith('src'));
  });
});
