/** The dev setup's defaults (`shared/docs/design.md`), each overridable by an environment variable. */
export interface DevConfig {
  host: string;
  mqttPort: number;
  wsPort: number;
  tlsPort: number;
  /** 1 or 2: the second node makes a split cluster (client IDs not unique across nodes). */
  nodes: 1 | 2;
  node2: { mqttPort: number; wsPort: number; tlsPort: number };
  apiPort: number;
  demoPort: number;
  apiKey: string;
  apiSecret: string;
  /** Password of the MQTT `dashboard` user for live events: not the API secret, since the
   * demo page must hold it. */
  dashboardPassword: string;
  fleetSize: number;
}

/** The environment variable behind each port, for messages such as "port in use". */
export const PORT_VARIABLES: Record<string, string> = {
  mqtt: 'MQTT_PORT',
  ws: 'WS_PORT',
  tls: 'TLS_PORT',
  'node2.mqtt': 'NODE2_MQTT_PORT',
  'node2.ws': 'NODE2_WS_PORT',
  'node2.tls': 'NODE2_TLS_PORT',
  api: 'API_PORT',
  demo: 'DEMO_PORT',
};

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    throw new Error(`${name} must be a whole number from 0 to 65535, not ${JSON.stringify(raw)}.`);
  }
  return n;
}

export function devConfig(env: NodeJS.ProcessEnv = process.env): DevConfig {
  return {
    host: '127.0.0.1',
    mqttPort: intFrom(env, 'MQTT_PORT', 1883),
    wsPort: intFrom(env, 'WS_PORT', 8083),
    tlsPort: intFrom(env, 'TLS_PORT', 8883),
    nodes: env['NODES'] === '1' ? 1 : 2,
    node2: {
      mqttPort: intFrom(env, 'NODE2_MQTT_PORT', 2883),
      wsPort: intFrom(env, 'NODE2_WS_PORT', 9083),
      tlsPort: intFrom(env, 'NODE2_TLS_PORT', 9883),
    },
    apiPort: intFrom(env, 'API_PORT', 18083),
    demoPort: intFrom(env, 'DEMO_PORT', 5173),
    apiKey: env['API_KEY'] || 'demo',
    apiSecret: env['API_SECRET'] || 'demo-secret',
    dashboardPassword: env['DASHBOARD_PASSWORD'] || 'demo-live',
    fleetSize: intFrom(env, 'FLEET_SIZE', 150),
  };
}

/** `npm start` against an existing broker instead of the dev broker (`CS_BROKER=...`). */
export interface ExternalBroker {
  kind: 'emqx' | 'rabbitmq' | 'hivemq';
  /** The broker's admin API, e.g. `http://127.0.0.1:15672/api`. */
  apiUrl: URL;
  user: string | undefined;
  password: string | undefined;
}

/** The path under which the demo page reaches an external broker's API (the proxy). */
export const BROKER_PROXY_PATH = '/broker';

const BROKER_KINDS = ['emqx', 'rabbitmq', 'hivemq'] as const;

/**
 * The external broker `CS_BROKER`, `CS_BROKER_API`, `CS_BROKER_USER` and `CS_BROKER_PASS` name,
 * or undefined without `CS_BROKER`. Throws a message that says what to set.
 */
export function externalBroker(env: NodeJS.ProcessEnv = process.env): ExternalBroker | undefined {
  const kind = env['CS_BROKER'];
  if (!kind) return undefined;
  if (!(BROKER_KINDS as readonly string[]).includes(kind)) {
    throw new Error(
      `CS_BROKER must be one of ${BROKER_KINDS.join(', ')}, not ${JSON.stringify(kind)}.`,
    );
  }
  const raw = env['CS_BROKER_API'];
  const example = {
    emqx: 'http://127.0.0.1:18083/api/v5',
    rabbitmq: 'http://127.0.0.1:15672/api',
    hivemq: 'http://127.0.0.1:8888/api/v1',
  }[kind as ExternalBroker['kind']];
  if (!raw) throw new Error(`Set CS_BROKER_API to the broker's admin API, e.g. ${example}.`);
  let apiUrl: URL;
  try {
    apiUrl = new URL(raw);
  } catch {
    throw new Error(
      `CS_BROKER_API must be a full URL such as ${example}, not ${JSON.stringify(raw)}.`,
    );
  }
  if (apiUrl.protocol !== 'http:' && apiUrl.protocol !== 'https:') {
    throw new Error('CS_BROKER_API must start with http:// or https://.');
  }
  return {
    kind: kind as ExternalBroker['kind'],
    apiUrl,
    user: env['CS_BROKER_USER'] || undefined,
    password: env['CS_BROKER_PASS'] || undefined,
  };
}
