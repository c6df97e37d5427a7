import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  connectionFromRabbit,
  mqttProtocol,
  parseSubscriptionQueue,
  subscriptionsFromBindings,
  topicFromRoutingKey,
} from '../../src/model/rabbitmq-connection.js';

/** A 3.12+ MQTT connection, as `brokers.md` gives its fields. */
const RABBIT_312 = {
  name: '10.0.0.7:51234 -> 10.0.0.2:1883',
  node: 'rabbit@mq-1',
  user: 'mydevice@org_k7xm4pqr2n5t',
  vhost: 'prod',
  peer_host: '10.0.0.7',
  peer_port: 51234,
  host: '10.0.0.2',
  port: 1883,
  ssl: true,
  protocol: 'MQTT 5-0',
  client_properties: { client_id: 'agent-summarizer-prod-001' },
  timeout: 60,
  connected_at: 1767225600000,
};

describe('RabbitMQ normalisation', () => {
  it('reads the protocol strings of 3.10 and 3.12+, and nothing that is not MQTT', () => {
    assert.deepEqual(mqttProtocol('MQTT 3.1.1'), { protocol: '3.1.1', transport: 'TCP' });
    assert.deepEqual(mqttProtocol('Web MQTT 3.1.1'), { protocol: '3.1.1', transport: 'WebSocket' });
    assert.deepEqual(mqttProtocol('MQTT 3-1-1'), { protocol: '3.1.1', transport: 'TCP' });
    assert.deepEqual(mqttProtocol('MQTT 3-1'), { protocol: '3.1', transport: 'TCP' });
    assert.deepEqual(mqttProtocol('MQTT 5-0'), { protocol: '5.0', transport: 'TCP' });
    assert.deepEqual(mqttProtocol('Web MQTT 5-0'), { protocol: '5.0', transport: 'WebSocket' });
    assert.equal(mqttProtocol('AMQP 0-9-1'), undefined);
    assert.equal(mqttProtocol('STOMP 1.2'), undefined);
    assert.equal(mqttProtocol(undefined), undefined);
  });

  it('maps a 3.12+ connection onto the session model', () => {
    const c = connectionFromRabbit(
      RABBIT_312,
      { sourceId: 'r' },
      { subscriptions: 3, queuedMessages: 12 },
    )!;
    assert.equal(c.name, '10.0.0.7:51234 -> 10.0.0.2:1883');
    const s = c.session;
    assert.equal(s.clientId, 'agent-summarizer-prod-001');
    assert.equal(s.username, 'mydevice@org_k7xm4pqr2n5t');
    assert.equal(s.displayUsername, 'mydevice');
    assert.equal(s.node, 'rabbit@mq-1');
    assert.equal(s.vhost, 'prod');
    assert.equal(s.ip, '10.0.0.7');
    assert.equal(s.port, 51234);
    assert.equal(s.protocol, '5.0');
    assert.equal(s.tls, true);
    assert.equal(s.keepAlive, 60);
    assert.equal(s.connectedAt, 1767225600000);
    assert.equal(s.subscriptions, 3);
    assert.equal(s.queuedMessages, 12);
    // What RabbitMQ does not say stays unknown.
    assert.equal(s.cleanSession, undefined);
  });

  it('takes the client ID of 3.10 from its variable map too, and skips other connections', () => {
    const old = {
      ...RABBIT_312,
      protocol: 'MQTT 3.1.1',
      client_properties: {},
      variable_map: { client_id: 'old' },
    };
    assert.equal(connectionFromRabbit(old)!.session.clientId, 'old');
    assert.equal(connectionFromRabbit({ ...RABBIT_312, protocol: 'AMQP 0-9-1' }), undefined);
    assert.equal(connectionFromRabbit({ ...RABBIT_312, client_properties: {} }), undefined);
  });

  it('turns subscription queues and their bindings back into topic filters with QoS', () => {
    assert.deepEqual(parseSubscriptionQueue('mqtt-subscription-a/b+cqos1'), {
      clientId: 'a/b+c',
      qos: 1,
    });
    assert.equal(parseSubscriptionQueue('orders'), undefined);
    assert.equal(topicFromRoutingKey('agents.*.state'), 'agents/+/state');
    assert.equal(topicFromRoutingKey('config.#'), 'config/#');
    assert.deepEqual(
      subscriptionsFromBindings(
        [
          { source: '', routing_key: 'mqtt-subscription-xqos1', destination_type: 'queue' },
          { source: 'amq.topic', routing_key: 'sensors.*.temp' },
          { source: 'amq.topic', routing_key: 'alarms.#' },
        ],
        1,
      ),
      [
        { topic: 'sensors/+/temp', qos: 1 },
        { topic: 'alarms/#', qos: 1 },
      ],
    );
  });
});
