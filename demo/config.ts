/** The dev setup's defaults (`shared/docs/design.md`), each overridable by an environment variable. */
export interface DevConfig {
  host: string;
  mqttPort: number;
  wsPort: number;
  apiPort: number;
  demoPort: number;
  apiKey: string;
  apiSecret: string;
  fleetSize: number;
}

/** The environment variable behind each port, for messages such as "port in use". */
export const PORT_VARIABLES = {
  mqtt: 'MQTT_PORT',
  ws: 'WS_PORT',
  api: 'API_PORT',
  demo: 'DEMO_PORT',
} as const;

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
    apiPort: intFrom(env, 'API_PORT', 18083),
    demoPort: intFrom(env, 'DEMO_PORT', 5173),
    apiKey: env['API_KEY'] || 'demo',
    apiSecret: env['API_SECRET'] || 'demo-secret',
    fleetSize: intFrom(env, 'FLEET_SIZE', 150),
  };
}
