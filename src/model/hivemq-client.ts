/**
 * Normalisation of HiveMQ Enterprise REST API payloads (OpenAPI 4.23: `GET /api/v1/mqtt/clients`,
 * `/clients/{id}`, `/clients/{id}/subscriptions`) onto the session model. The client's
 * `password` is never read.
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
  unknownSession,
} from './session.js';

export interface HiveNormalizeOptions {
  usernameSuffix?: RegExp;
  sourceId?: string;
}

/**
 * HiveMQ's `mqttVersion` is free text (`MQTTv3_1_1`, `MQTTv5`, `MQTT 3.1`, `5`): the version it
 * names, or undefined.
 */
export function protocolFromHive(version: unknown): ProtocolVersion | undefined {
  if (typeof version !== 'string' && typeof version !== 'number') return undefined;
  const digits = String(version)
    .replace(/^MQTT\s*v?/i, '')
    .replace(/_/g, '.')
    .trim();
  if (/^5(\.0)?$/.test(digits)) return '5.0';
  if (/^3\.1\.1$|^4$/.test(digits)) return '3.1.1';
  if (/^3\.1$|^3$/.test(digits)) return '3.1';
  return undefined;
}

/**
 * The key of a HiveMQ session: client IDs are unique across a HiveMQ cluster, and the node is
 * not known until the details arrive, so the key leaves it out (it must not change then).
 */
export const hiveKey = (clientId: string, sourceId?: string) =>
  sessionKey(undefined, clientId, sourceId);

/** A row for a client whose details have not arrived: the client ID, everything else loading. */
export function pendingSession(clientId: string, options: HiveNormalizeOptions = {}): Session {
  return { ...unknownSession(hiveKey(clientId, options.sourceId), clientId), pending: true };
}

/** `GET /clients/{id}` (`{client: {...}}`) → a session, or undefined without a client ID. */
export function sessionFromHive(
  raw: unknown,
  options: HiveNormalizeOptions = {},
  subscriptions?: number,
): Session | undefined {
  const client = isRecord(raw) && isRecord(raw['client']) ? raw['client'] : raw;
  if (!isRecord(client)) return undefined;
  const clientId = str(client['id']);
  if (!clientId) return undefined;
  const conn = isRecord(client['connection']) ? client['connection'] : {};
  const username = str(conn['username']);
  const listener = str(conn['connectedListenerId']);
  const websocket = listener !== undefined && /websocket|\bws\b/i.test(listener);
  return {
    ...pendingSession(clientId, options),
    pending: false,
    username,
    displayUsername: stripUsernameSuffix(
      username,
      options.usernameSuffix ?? DEFAULT_USERNAME_SUFFIX,
    ),
    node: str(conn['connectedNodeId']),
    connected: bool(client['connected']),
    connectedAt: parseTimestamp(client['connectedAt']),
    ip: str(conn['sourceIp']),
    protocol: protocolFromHive(conn['mqttVersion']),
    transport: listener === undefined ? undefined : websocket ? 'WebSocket' : 'TCP',
    // `tlsInformation` is there exactly when the connection is encrypted.
    tls: 'connection' in client ? isRecord(conn['tlsInformation']) : undefined,
    listener,
    subscriptions,
    cleanSession: bool(conn['cleanStart']),
    keepAlive: num(conn['keepAlive']),
    expiryInterval: num(client['sessionExpiryInterval']),
    queuedMessages: num(client['messageQueueSize']),
  };
}

const QOS: Record<string, 0 | 1 | 2> = { AT_MOST_ONCE: 0, AT_LEAST_ONCE: 1, EXACTLY_ONCE: 2 };

/** `{items: [{topicFilter, qos}]}` → subscriptions, QoS enums mapped to 0, 1, 2. */
export function subscriptionsFromHive(raw: unknown): Subscription[] {
  const items = isRecord(raw) && Array.isArray(raw['items']) ? raw['items'] : [];
  const out: Subscription[] = [];
  for (const item of items) {
    if (!isRecord(item)) continue;
    const topic = str(item['topicFilter']);
    if (topic === undefined) continue;
    const qos = item['qos'];
    out.push({
      topic,
      qos:
        typeof qos === 'string'
          ? Object.hasOwn(QOS, qos)
            ? QOS[qos]
            : undefined
          : qos === 0 || qos === 1 || qos === 2
            ? qos
            : undefined,
    });
  }
  return out;
}
