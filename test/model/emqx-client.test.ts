import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseTimestamp,
  sessionFromEmqx,
  subscriptionsFromEmqx,
} from '../../src/model/emqx-client.js';

// Shaped exactly like EMQX v5's GET /api/v5/clients entries (shared/docs/brokers.md).
const tcp311 = {
  clientid: 'agent-summarizer-prod-001',
  username: 'mydevice@org_k7xm4pqr2n5t',
  node: 'emqx@10.0.0.5',
  ip_address: '203.0.113.7',
  port: 52114,
  listener: 'tcp:default',
  proto_name: 'MQTT',
  proto_ver: 4,
  connected: true,
  connected_at: '2024-01-01T12:34:56.789+08:00',
  created_at: '2024-01-01T12:34:56.789+08:00',
  clean_start: true,
  keepalive: 60,
  expiry_interval: 0,
  is_bridge: false,
  is_persistent: false,
  subscriptions_cnt: 3,
  subscriptions_max: 'infinity',
  mqueue_len: 0,
  mqueue_max: 1000,
  mqueue_dropped: 0,
  inflight_cnt: 0,
  inflight_max: 32,
  awaiting_rel_cnt: 0,
  awaiting_rel_max: 100,
  heap_size: 4185,
  mailbox_len: 0,
  recv_oct: 1024,
  recv_pkt: 12,
  recv_cnt: 12,
  recv_msg: 4,
  send_oct: 2048,
  send_pkt: 20,
  send_cnt: 20,
  send_msg: 10,
};

const wss5 = {
  ...tcp311,
  clientid: 'mobile-app-user-12345',
  username: 'ops@example.com',
  ip_address: '2001:db8::17',
  port: 40022,
  listener: 'wss:default',
  proto_ver: 5,
  clean_start: false,
  keepalive: 0,
  expiry_interval: 7200,
  is_persistent: true,
  mqueue_len: 17,
};

describe('sessionFromEmqx', () => {
  it('should map an MQTT 3.1.1 TCP client onto the session model', () => {
    const s = sessionFromEmqx(tcp311)!;
    assert.equal(s.clientId, 'agent-summarizer-prod-001');
    assert.equal(s.username, 'mydevice@org_k7xm4pqr2n5t');
    assert.equal(s.displayUsername, 'mydevice');
    assert.equal(s.node, 'emqx@10.0.0.5');
    assert.equal(s.connectedAt, Date.UTC(2024, 0, 1, 4, 34, 56, 789));
    assert.equal(s.ip, '203.0.113.7');
    assert.equal(s.port, 52114);
    assert.equal(s.protocol, '3.1.1');
    assert.equal(s.transport, 'TCP');
    assert.equal(s.tls, false);
    assert.equal(s.subscriptions, 3);
    assert.equal(s.cleanSession, true);
    assert.equal(s.keepAlive, 60);
    assert.equal(s.queuedMessages, 0);
    assert.deepEqual(
      [s.recvPackets, s.sentPackets, s.recvBytes, s.sentBytes],
      [12, 20, 1024, 2048],
    );
    assert.equal(s.connected, true);
  });

  it('should map an MQTT 5 client over secure WebSocket with a persistent session', () => {
    const s = sessionFromEmqx(wss5)!;
    assert.equal(s.protocol, '5.0');
    assert.equal(s.transport, 'WebSocket');
    assert.equal(s.tls, true);
    assert.equal(s.displayUsername, 'ops@example.com');
    assert.equal(s.ip, '2001:db8::17');
    assert.equal(s.cleanSession, false);
    assert.equal(s.keepAlive, 0);
    assert.equal(s.expiryInterval, 7200);
    assert.equal(s.queuedMessages, 17);
  });

  it('should key sessions by node and client ID', () => {
    const a = sessionFromEmqx(tcp311)!;
    const b = sessionFromEmqx({ ...tcp311, node: 'emqx@10.0.0.6' })!;
    assert.notEqual(a.key, b.key);
    assert.equal(a.key, sessionFromEmqx({ ...tcp311, port: 1 })!.key);
  });

  it('should leave missing or mistyped fields undefined, never 0 or false', () => {
    const s = sessionFromEmqx({
      clientid: 'bare',
      connected_at: 'not a date',
      keepalive: '60',
      clean_start: 'true',
      subscriptions_cnt: null,
    })!;
    for (const field of [
      'username',
      'displayUsername',
      'connectedAt',
      'ip',
      'port',
      'protocol',
      'transport',
      'tls',
      'subscriptions',
      'cleanSession',
      'keepAlive',
      'queuedMessages',
    ] as const) {
      assert.equal(s[field], undefined, field);
    }
  });

  it('should refuse entries that have no client ID', () => {
    assert.equal(sessionFromEmqx({ ...tcp311, clientid: undefined }), undefined);
    assert.equal(sessionFromEmqx({ ...tcp311, clientid: 42 }), undefined);
    assert.equal(sessionFromEmqx(null), undefined);
    assert.equal(sessionFromEmqx([tcp311]), undefined);
  });

  it('should stamp the workspace and honour a custom username suffix', () => {
    const s = sessionFromEmqx(
      { ...tcp311, username: 'dev@tenant-9' },
      { workspace: 'prod', usernameSuffix: /@tenant-\d+$/ },
    )!;
    assert.equal(s.workspace, 'prod');
    assert.equal(s.displayUsername, 'dev');
  });

  it('should keep hostile strings exactly as sent', () => {
    const id = '<script>alert(1)</script>\u202e=1+2';
    assert.equal(sessionFromEmqx({ ...tcp311, clientid: id })!.clientId, id);
  });
});

describe('parseTimestamp', () => {
  it('should read RFC 3339 with offsets and epoch milliseconds', () => {
    assert.equal(parseTimestamp('2024-01-01T00:00:00Z'), Date.UTC(2024, 0, 1));
    assert.equal(parseTimestamp('2024-01-01T08:00:00.000+08:00'), Date.UTC(2024, 0, 1));
    assert.equal(parseTimestamp(1704067200000), 1704067200000);
    assert.equal(parseTimestamp(''), undefined);
    assert.equal(parseTimestamp(Number.NaN), undefined);
  });
});

describe('subscriptionsFromEmqx', () => {
  it('should read topics with QoS from the plain array EMQX returns', () => {
    const subs = subscriptionsFromEmqx([
      {
        topic: 'agents/+/state',
        clientid: 'a',
        node: 'n',
        qos: 1,
        nl: 0,
        rap: 0,
        rh: 0,
        durable: false,
      },
      { topic: 'agents/agent-001/#', clientid: 'a', node: 'n', qos: 0, nl: 0, rap: 0, rh: 0 },
      { topic: 'config/updates', qos: 7 },
      { qos: 1 },
    ]);
    assert.deepEqual(subs, [
      { topic: 'agents/+/state', qos: 1 },
      { topic: 'agents/agent-001/#', qos: 0 },
      { topic: 'config/updates', qos: undefined },
    ]);
    assert.deepEqual(subscriptionsFromEmqx({ data: [] }), []);
  });
});
