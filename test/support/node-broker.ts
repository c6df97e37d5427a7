/** Node-side tests: a dev broker on free ports and real MQTT.js clients, cleaned up after. */
import {
  startDevBroker,
  type DevBroker,
  type DevBrokerOptions,
} from '../../demo/dev-broker/broker.js';
import {
  connectClient,
  targetOf,
  type FleetClient,
  type FleetClientSpec,
} from '../../demo/fleet.js';

export interface TestBroker {
  broker: DevBroker;
  connect(...specs: FleetClientSpec[]): Promise<FleetClient[]>;
  /** GET/DELETE on the management API with the right (or given) credentials. */
  api(path: string, init?: RequestInit & { auth?: string | null }): Promise<Response>;
  close(): Promise<void>;
}

export async function startTestBroker(options: DevBrokerOptions = {}): Promise<TestBroker> {
  const broker = await startDevBroker({
    mqttPort: 0,
    wsPort: 0,
    tlsPort: 0,
    apiPort: 0,
    ...options,
  });
  const clients: FleetClient[] = [];
  const target = targetOf(broker);
  const basic = `Basic ${Buffer.from(`${broker.apiKey}:${broker.apiSecret}`).toString('base64')}`;
  return {
    broker,
    async connect(...specs) {
      const connected = await Promise.all(specs.map((s) => connectClient(s, target)));
      clients.push(...connected);
      return connected;
    },
    api(path, init = {}) {
      const { auth, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (auth !== null) headers.set('authorization', auth ?? basic);
      return fetch(`${broker.apiUrl}${path}`, { ...rest, headers });
    },
    async close() {
      await Promise.all(clients.map((c) => c.end()));
      await broker.close();
    },
  };
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
