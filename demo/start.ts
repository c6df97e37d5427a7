/**
 * `npm start`: the dev broker, its simulated fleet and the demo page, in one process.
 * Ctrl-C stops all of it.
 */
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import {
  devConfig,
  externalBroker,
  PORT_VARIABLES,
  type DevConfig,
  type ExternalBroker,
} from './config.js';
import { PortInUseError, startDevBroker, type DevBroker } from './dev-broker/broker.js';
import { defaultFaults } from './dev-broker/faults.js';
import {
  FLEET_STUCK_CLIENT,
  startFleet,
  startFleetProcess,
  targetOf,
  type Fleet,
  type FleetProcess,
} from './fleet.js';

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

let config: DevConfig;
let external: ExternalBroker | undefined;
try {
  config = devConfig();
  external = externalBroker();
} catch (error) {
  fail((error as Error).message);
}

/** What is running, stopped in reverse order on Ctrl-C. */
const running: {
  broker?: DevBroker;
  fleet?: Fleet;
  bulk?: FleetProcess;
  vite?: ViteDevServer;
} = {};
let stopping = false;

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  console.log('\nStopping the demo page, the fleet and the dev broker…');
  await running.vite?.close();
  await running.fleet?.stop();
  await running.bulk?.stop();
  await running.broker?.close();
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

async function startVite(): Promise<ViteDevServer> {
  try {
    const vite = (running.vite = await createServer({
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      logLevel: 'warn',
    }));
    await vite.listen();
    return vite;
  } catch (error) {
    await running.broker?.close();
    if (/port .*in use/i.test(String(error))) {
      fail(
        `Port ${config.demoPort} is already in use: set DEMO_PORT to a free port (e.g. DEMO_PORT=${config.demoPort + 1} npm start).`,
      );
    }
    throw error;
  }
}

if (external) {
  // Someone's own broker: no dev broker, no fleet; the page reaches it through the proxy.
  await startVite();
  console.log(`Showing ${external.kind} at ${external.apiUrl.origin}${external.apiUrl.pathname}${
    external.user ? ` as ${external.user} (the credentials stay in the proxy)` : ''
  }.

Demo page: http://${config.host}:${config.demoPort}/

Press Ctrl-C to stop.`);
  await new Promise(() => {});
}

let broker: DevBroker;
try {
  broker = running.broker = await startDevBroker({
    host: config.host,
    mqttPort: config.mqttPort,
    wsPort: config.wsPort,
    tlsPort: config.tlsPort,
    secondNode: config.nodes === 2 ? config.node2 : false,
    apiPort: config.apiPort,
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
    dashboardPassword: config.dashboardPassword,
    // The fleet's silent client stays listed, as a half-open connection the broker missed.
    faults: (() => {
      const faults = defaultFaults(process.env);
      return { ...faults, unreaped: [FLEET_STUCK_CLIENT, ...faults.unreaped] };
    })(),
  });
} catch (error) {
  if (error instanceof PortInUseError) {
    fail(
      `Port ${error.port} is already in use: set ${PORT_VARIABLES[error.listener]} to a free port (e.g. ${PORT_VARIABLES[error.listener]}=${error.port + 1} npm start).`,
    );
  }
  throw error;
}

await startVite();

// A large fleet: the demo's own clients here, the rest in a process of its own (each connection
// needs a descriptor at both ends, more than one process may hold).
const DEMO_FLEET = 150;
const bulk = Math.max(0, config.fleetSize - DEMO_FLEET);
const fleet = (running.fleet = await startFleet(
  targetOf(broker),
  bulk > 850 ? DEMO_FLEET : config.fleetSize,
));
let bulkConnected = 0;
if (bulk > 850) {
  console.log(`Connecting ${bulk} more clients in a fleet process…`);
  running.bulk = startFleetProcess(targetOf(broker), bulk, 'bulk-', (n) =>
    console.log(`  ${n} connected`),
  );
  bulkConnected = await running.bulk.ready;
}
// The demo page's buttons steer the fleet through the broker's control API.
broker.fleetActions.set('outage', async () => ({ clients: await fleet.outage(70, 60) }));
broker.fleetActions.set('storm', async () => ({ clients: await fleet.storm(8, 3) }));
broker.fleetActions.set('new-network', async () => ({
  clientId: await fleet.connectFrom('127.0.0.200'),
}));

const listeners = broker.nodes
  .map(
    (n) => `Node ${n.name}:
  MQTT over TCP        mqtt://${broker.host}:${n.mqttPort}
  MQTT over TLS        mqtts://${broker.host}:${n.tlsPort}  (self-signed certificate)
  MQTT over WebSocket  ${n.wsUrl}`,
  )
  .join('\n');
console.log(`${listeners}
Management API for the cluster:
  EMQX v5 API          ${broker.apiUrl}  (HTTP Basic ${broker.apiKey} / ${'*'.repeat(broker.apiSecret.length)})
Simulated fleet: ${fleet.clients.length + bulkConnected} MQTT clients connected${fleet.failures.length ? `, ${fleet.failures.length} failed (first: ${fleet.failures[0]!.error})` : ''}.

Demo page: http://${config.host}:${config.demoPort}/

Press Ctrl-C to stop.`);
