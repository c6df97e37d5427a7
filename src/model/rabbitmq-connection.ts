/**
 * Normalisation of RabbitMQ management API payloads (`GET /api/connections`, queue bindings) for
 * the MQTT plugin onto the session model. Shapes: `shared/docs/brokers.md`, checked against a
 * real 3.10 server.
 */
import { isRecord, str, num, bool } from './json.js';
import { parseTimestamp } from './emqx-client.js';
import {
  DEFAULT_USERNAME_SUFFIX,
  sessionKey,
  stripUsernameSuffix,
  type ProtocolVersion,
  type Session,
  type Subscription,
  type Transport,
  unknownSession,
} from './session.js';

/**
 * An MQTT connection's protocol string: 3.10 writes `MQTT 3.1.1` and `Web MQTT 3.1.1`, 3.12+
 * `MQTT 3-1-1`, `MQTT 5-0`, `Web MQTT 3-1-1`. Undefined for a non-MQTT connection (AMQP, STOMP).
 */
export function mqttProtocol(
  protocol: unknown,
): { protocol: ProtocolVersion | undefined; transport: Transport } | undefined {
  if (typeof protocol !== 'string') return undefined;
  const m = /^(Web )?MQTT(?: (\d+)[.-](\d+)(?:[.-](\d+))?)?$/.exec(protocol.trim());
  if (!m) return undefined;
  const version = m[2] === undefined ? '' : [m[2], m[3], m[4]].filter(Boolean).join('.');
  return {
    protocol: version === '3.1' || version === '3.1.1' || version === '5.0' ? version : undefined,
    transport: m[1] ? 'WebSocket' : 'TCP',
  };
}

export interface RabbitNormalizeOptions {
  usernameSuffix?: RegExp;
  sourceId?: string;
}

/** A RabbitMQ connection and the management name to close it by. */
export interface RabbitConnection {
  session: Session;
  /** `ip:port -> ip:port`, what `DELETE /api/connections/{name}` takes. */
  name: string;
}

/**
 * One connection → a session, or undefined when it is not an MQTT connection or has no client
 * ID. Subscriptions and queued messages come from queues, joined by the caller.
 */
export function connectionFromRabbit(
  raw: unknown,
  options: RabbitNormalizeOptions = {},
  extra: { subscriptions?: number; queuedMessages?: number } = {},
): RabbitConnection | undefined {
  if (!isRecord(raw)) return undefined;
  const mqtt = mqttProtocol(raw['protocol']);
  if (!mqtt) return undefined;
  const props = isRecord(raw['client_properties']) ? raw['client_properties'] : {};
  const vars = isRecord(raw['variable_map']) ? raw['variable_map'] : {};
  const clientId = str(props['client_id']) ?? str(vars['client_id']);
  const name = str(raw['name']);
  if (!clientId || name === undefined) return undefined;
  const username = str(raw['user']);
  const node = str(raw['node']);
  const vhost = str(raw['vhost']);
  return {
    name,
    session: {
      // Client IDs are unique per virtual host: two vhosts may each hold the same one.
      ...unknownSession(
        sessionKey(node, clientId, `${options.sourceId ?? ''}\u0000${vhost ?? ''}`),
        clientId,
      ),
      username,
      displayUsername: stripUsernameSuffix(
        username,
        options.usernameSuffix ?? DEFAULT_USERNAME_SUFFIX,
      ),
      node,
      connected: true,
      connectedAt:
        typeof raw['connected_at'] === 'number' ? parseTimestamp(raw['connected_at']) : undefined,
      ip: str(raw['peer_host']),
      port: num(raw['peer_port']),
      protocol: mqtt.protocol,
      transport: mqtt.transport,
      tls: bool(raw['ssl']),
      listener: num(raw['port']) === undefined ? undefined : `${mqtt.transport}:${raw['port']}`,
      subscriptions: extra.subscriptions,
      // 3.12+ reports the keep-alive as `timeout`; 3.10 does not report it.
      keepAlive: num(raw['timeout']),
      queuedMessages: extra.queuedMessages,
      recvBytes: num(raw['recv_oct']),
      sentBytes: num(raw['send_oct']),
      vhost,
    },
  };
}

const QUEUE_PREFIX = 'mqtt-subscription-';

/** The subscription queue names of a client (`mqtt-subscription-<id>qos0` and `qos1`). */
export function subscriptionQueues(clientId: string): { name: string; qos: 0 | 1 }[] {
  return [
    { name: `${QUEUE_PREFIX}${clientId}qos0`, qos: 0 },
    { name: `${QUEUE_PREFIX}${clientId}qos1`, qos: 1 },
  ];
}

/** The client ID and QoS a subscription queue belongs to, or undefined for another queue. */
export function parseSubscriptionQueue(name: string): { clientId: string; qos: 0 | 1 } | undefined {
  const m = /^mqtt-subscription-([\s\S]*)qos([01])$/.exec(name);
  return m ? { clientId: m[1]!, qos: m[2] === '1' ? 1 : 0 } : undefined;
}

/**
 * An `amq.topic` routing key back to the MQTT topic filter: `.` → `/`, `*` → `+` (`#` stays).
 * RabbitMQ maps both `/` and `.` in a topic to `.`, so a filter that had dots comes back with
 * slashes: the broker keeps no way to tell them apart.
 */
export function topicFromRoutingKey(key: string): string {
  return key
    .split('.')
    .map((w) => (w === '*' ? '+' : w))
    .join('/');
}

/**
 * A queue's bindings → the client's subscriptions. The default exchange's binding (every queue
 * has one, to its own name) is not a subscription; the others come from the MQTT exchange
 * (`amq.topic` unless `mqtt.exchange` says otherwise).
 */
export function subscriptionsFromBindings(raw: unknown, qos: 0 | 1): Subscription[] {
  if (!Array.isArray(raw)) return [];
  const out: Subscription[] = [];
  for (const b of raw) {
    if (!isRecord(b) || typeof b['source'] !== 'string' || b['source'] === '') continue;
    const key = str(b['routing_key']);
    if (key === undefined) continue;
    out.push({ topic: topicFromRoutingKey(key), qos });
  }
  return out;
}
