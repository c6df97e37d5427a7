/**
 * The simulated fleet: real MQTT.js clients that connect to the dev broker and show every case
 * of the seed (clear and unclear IDs, org-suffixed usernames, TCP and WebSocket, MQTT 3.1 and
 * 3.1.1, QoS 0/1/2 subscriptions, clients that come back after a kick and clients that do not).
 * Tests use `connectClient` to put exactly the clients they need on their own broker.
 */
import mqtt, { MqttClient, type IClientOptions } from 'mqtt';
import { spawn } from 'node:child_process';
import { createServer, connect as netConnect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { connect as tlsConnect } from 'node:tls';
import type { DevBroker } from './dev-broker/broker.js';

/** One simulated client. */
export interface FleetClientSpec {
  clientId: string;
  username?: string;
  password?: string;
  transport?: 'tcp' | 'ws' | 'tls';
  /** Which broker node to connect to (0 = the first). */
  node?: number;
  /** 3 = MQTT 3.1, 4 = MQTT 3.1.1 (aedes refuses 5). */
  protocolVersion?: 3 | 4;
  /** A loopback address to connect from (127.0.0.x), so clients show distinct IPs. */
  localAddress?: string;
  clean?: boolean;
  keepalive?: number;
  subscriptions?: { topic: string; qos: 0 | 1 | 2 }[];
  /** Whether the client reconnects after it is kicked (MQTT.js `reconnectPeriod`). */
  reconnect?: boolean;
  /** Publish a telemetry message this often, so traffic counters move. */
  publishEveryMs?: number;
  /** Publish to this topic (QoS 1) instead of `telemetry/<client ID>` (QoS 0). */
  publishTopic?: string;
  /** Stop reading from the socket once subscribed, so messages pile up unacknowledged. */
  slowConsumer?: boolean;
  /**
   * Go silent once connected: no pings, no packets, the socket left open, like a device that
   * lost power behind a NAT. Unless the broker reaps it by keep-alive, it looks connected.
   */
  silent?: boolean;
}

/** The fleet's silent client, which `npm start` asks the broker not to reap (a stuck session). */
export const FLEET_STUCK_CLIENT = 'pump-controller-hall-b-3';

/** One node's listeners. */
export interface NodeTarget {
  mqttPort: number;
  wsUrl: string;
  tlsPort?: number;
}

/** Where the fleet connects. */
export interface BrokerTarget {
  host: string;
  nodes: NodeTarget[];
}

/** The fleet's view of a running dev broker. */
export function targetOf(broker: DevBroker): BrokerTarget {
  return {
    host: broker.host,
    nodes: broker.nodes.map((n) => ({ mqttPort: n.mqttPort, wsUrl: n.wsUrl, tlsPort: n.tlsPort })),
  };
}

/** A connected simulated client and what it has seen. */
export interface FleetClient {
  readonly spec: FleetClientSpec;
  readonly mqtt: MqttClient;
  /** How many times the connection closed (a kick shows here). */
  readonly closes: number;
  /** How many times it (re)connected. */
  readonly connects: number;
  /** Stops the client for good. */
  end(): Promise<void>;
}

/** Connects one client and resolves once the broker accepted it (CONNACK and SUBACK). */
export function connectClient(spec: FleetClientSpec, target: BrokerTarget): Promise<FleetClient> {
  const options: IClientOptions = {
    clientId: spec.clientId,
    username: spec.username,
    password: spec.password,
    protocolVersion: spec.protocolVersion ?? 4,
    protocolId: spec.protocolVersion === 3 ? 'MQIsdp' : 'MQTT',
    clean: spec.clean ?? true,
    keepalive: spec.keepalive ?? 60,
    reconnectPeriod: spec.reconnect === false ? 0 : 1500 + Math.floor(Math.random() * 1500),
    connectTimeout: 10_000,
  };
  const node = target.nodes[spec.node ?? 0];
  if (!node) return Promise.reject(new Error(`${spec.clientId}: no broker node ${spec.node}`));
  let client: MqttClient;
  if (spec.transport === 'ws') {
    client = mqtt.connect(node.wsUrl, {
      ...options,
      wsOptions: spec.localAddress ? { localAddress: spec.localAddress } : {},
    });
  } else if (spec.transport === 'tls') {
    const port = node.tlsPort;
    if (port === undefined) return Promise.reject(new Error(`${spec.clientId}: no TLS listener`));
    // The dev broker's certificate is self-signed, made at start.
    client = new MqttClient(
      () =>
        tlsConnect({
          socket: netConnect({ host: target.host, port, localAddress: spec.localAddress }),
          rejectUnauthorized: false,
        }),
      options,
    );
  } else {
    // mqtt.connect() ignores localAddress, so dial the socket ourselves.
    client = new MqttClient(
      () => netConnect({ host: target.host, port: node.mqttPort, localAddress: spec.localAddress }),
      options,
    );
  }
  let closes = 0;
  let connects = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  const state: FleetClient = {
    spec,
    mqtt: client,
    get closes() {
      return closes;
    },
    get connects() {
      return connects;
    },
    end: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        client.end(true, {}, () => resolve());
      }),
  };
  const subscribeAll = (done: (error?: Error | null) => void) => {
    const subs = spec.subscriptions ?? [];
    if (subs.length === 0) return done();
    client.subscribe(Object.fromEntries(subs.map((s) => [s.topic, { qos: s.qos }])), done);
  };
  client.on('close', () => closes++);
  client.on('error', () => {
    // Errors end in 'close'; the reconnect policy decides what happens next.
  });
  return new Promise<FleetClient>((resolve, reject) => {
    const fail = (error: Error) => {
      client.end(true);
      reject(error);
    };
    client.once('error', fail);
    // A broker that drops the CONNECT (e.g. an unsupported protocol) closes without an error.
    client.once('close', () => {
      if (connects === 0) fail(new Error(`${spec.clientId}: connection closed before CONNACK`));
    });
    client.on('connect', (connack) => {
      connects++;
      // A clean session comes back empty after a kick: subscribe again, as a real device would.
      const first = connects === 1;
      if (first) client.off('error', fail);
      if (connack.sessionPresent) return first ? ready() : undefined;
      subscribeAll((error) => {
        if (!first) return;
        if (error) fail(error);
        else ready();
      });
    });
    function ready() {
      if (spec.publishEveryMs) {
        timer = setInterval(() => {
          if (!client.connected) return;
          const payload = JSON.stringify({ t: Date.now() });
          if (spec.publishTopic) client.publish(spec.publishTopic, payload, { qos: 1 });
          else client.publish(`telemetry/${spec.clientId}`, payload);
        }, spec.publishEveryMs);
        timer.unref?.();
      }
      // Stops acknowledging: the broker's unacknowledged (and then queued) count grows.
      if (spec.slowConsumer) client.stream.pause();
      if (spec.silent) {
        client.keepaliveManager?.destroy();
        client.options.reconnectPeriod = 0;
      }
      resolve(state);
    }
  });
}

export const ORGS = ['org_k7xm4pqr2n5t', 'org_p2m9q4w8z1xc', 'org_h5j3n8v2b6rt'];
const CLEAR_PREFIXES = [
  'agent-summarizer-prod',
  'mobile-app-user',
  'backend-processor-prod',
  'sensor-hall-a',
  'gateway-eu-west',
  'agent-router-staging',
  'dashboard-kiosk-lobby',
];
const UNCLEAR_IDS = ['client1', 'abc123', 'test', 'device', 'esp32', 'x1', 'mqttjs_4f2a9c'];
const TOPICS: { topic: string; qos: 0 | 1 | 2 }[] = [
  { topic: 'agents/+/state', qos: 1 },
  { topic: 'config/updates', qos: 1 },
  { topic: 'alerts/#', qos: 2 },
  { topic: 'telemetry/+/temperature', qos: 0 },
  { topic: 'commands/broadcast', qos: 2 },
];

/** A small deterministic generator, so the demo fleet looks the same on every start. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The specs of a fleet of `size` clients: every case of the seed, in stable proportions. */
export function fleetSpecs(size: number, nodes = 1, seed = 42): FleetClientSpec[] {
  const rnd = random(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;
  const specs: FleetClientSpec[] = [];
  const used = new Set<string>();
  for (let i = 0; i < size; i++) {
    const org = ORGS[i % ORGS.length]!;
    let clientId: string;
    if (i % 10 === 7) {
      clientId = UNCLEAR_IDS[((i / 10) % UNCLEAR_IDS.length) | 0]!;
    } else if (i % 10 === 9) {
      clientId = Array.from({ length: 12 }, () => pick([...'0123456789abcdef'])).join(''); // random: unclear
    } else {
      clientId = `${pick(CLEAR_PREFIXES)}-${String(i + 1).padStart(3, '0')}`;
    }
    if (used.has(clientId)) clientId = `${clientId}-${i}`;
    used.add(clientId);
    // MQTT 3.1 allows client IDs of at most 23 characters.
    const protocolVersion = i % 6 === 5 && clientId.length <= 23 ? 3 : 4;
    const user =
      i % 13 === 4
        ? 'ops@example.com'
        : i % 17 === 3
          ? undefined
          : `${clientId.split('-')[0]}@${org}`;
    const subscriptions = TOPICS.filter(() => rnd() < 0.4);
    if (clientId.startsWith('agent')) {
      subscriptions.push({ topic: `agents/${clientId}/#`, qos: 0 });
    }
    const persistent = i % 11 === 6;
    if (persistent) subscriptions.push({ topic: 'alerts/#', qos: 1 });
    specs.push({
      clientId,
      username: user,
      transport: i % 9 === 4 ? 'tls' : i % 3 === 2 ? 'ws' : 'tcp',
      node: nodes > 1 && i % 4 === 3 ? 1 : 0,
      protocolVersion,
      localAddress: `127.0.0.${2 + (i % 40)}`,
      clean: !persistent,
      keepalive: pick([30, 60, 60, 120]),
      subscriptions,
      reconnect: i % 7 !== 3,
      publishEveryMs: 10_000 + Math.floor(rnd() * 20_000),
      // One persistent client in three stops reading: its unacknowledged messages queue up.
      ...(persistent && i % 3 === 0 ? { slowConsumer: true, keepalive: 900 } : {}),
    });
  }
  if (size >= 10) {
    // Publishes QoS 1 alerts, which the persistent subscribers receive (or queue).
    specs.push({
      clientId: 'alerts-publisher-prod',
      username: `alerts@${ORGS[0]}`,
      localAddress: '127.0.0.60',
      publishEveryMs: 2000,
      publishTopic: 'alerts/fleet/health',
    });
    // Two devices flashed with the same client ID keep taking the session from each other.
    for (const n of [70, 71]) {
      specs.push({
        clientId: 'dock-scanner-bay-4',
        username: `scanner@${ORGS[2]}`,
        localAddress: `127.0.0.${n}`,
        reconnect: true,
      });
    }
    specs.push({
      clientId: FLEET_STUCK_CLIENT,
      username: `pump@${ORGS[0]}`,
      localAddress: '127.0.0.72',
      keepalive: 20,
      silent: true,
      reconnect: false,
    });
    specs.push({
      clientId: 'legacy-meter-basement-1',
      username: `meter@${ORGS[1]}`,
      localAddress: '127.0.0.73',
      keepalive: 0,
    });
    if (nodes > 1) {
      // A split cluster: the same client ID connected on both nodes.
      for (const node of [0, 1]) {
        specs.push({
          clientId: 'gateway-eu-west-split',
          username: `gateway@${ORGS[1]}`,
          node,
          localAddress: `127.0.0.${61 + node}`,
          subscriptions: [{ topic: 'config/updates', qos: 1 }],
        });
      }
    }
  }
  return specs;
}

/** A running fleet. */
export interface Fleet {
  readonly clients: FleetClient[];
  /** Spec clients that failed to connect, with the reason. */
  readonly failures: { clientId: string; error: string }[];
  /**
   * A reconnection storm: `count` reconnecting clients drop their connections `rounds` times,
   * a few seconds apart, and come back each time.
   */
  storm(count: number, rounds: number): Promise<string[]>;
  /** `count` clients lose their connections and stay away for `seconds` (a partial outage). */
  outage(count: number, seconds: number): Promise<string[]>;
  /** Connects one more client from a loopback address the fleet never uses (a new network). */
  connectFrom(localAddress: string): Promise<string>;
  stop(): Promise<void>;
}

/** Whether this machine can connect from loopback addresses other than 127.0.0.1 (macOS cannot). */
async function canUseLoopbackRange(): Promise<boolean> {
  const probe = createServer();
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false));
    probe.listen(0, '127.0.0.2', () => probe.close(() => resolve(true)));
  });
}

/** Connects a fleet a few clients at a time, so the broker never sees one connection storm. */
export async function startFleet(target: BrokerTarget, size = 150): Promise<Fleet> {
  const clients: FleetClient[] = [];
  const failures: { clientId: string; error: string }[] = [];
  let specs = fleetSpecs(size, target.nodes.length);
  if (!(await canUseLoopbackRange())) {
    specs = specs.map(({ localAddress: _, ...spec }) => spec);
  }
  // Ten at a time keeps a small fleet gentle; a large one (FLEET_SIZE=10000) needs bigger steps.
  const step = specs.length > 1000 ? 200 : 10;
  for (let i = 0; i < specs.length; i += step) {
    const batch = specs.slice(i, i + step);
    const results = await Promise.allSettled(batch.map((spec) => connectClient(spec, target)));
    results.forEach((result, j) => {
      if (result.status === 'fulfilled') clients.push(result.value);
      else failures.push({ clientId: batch[j]!.clientId, error: String(result.reason) });
    });
  }
  let visitors = 0;
  return {
    clients,
    failures,
    async storm(count, rounds) {
      const stormers = clients
        .filter(
          (c) =>
            c.spec.reconnect !== false &&
            !c.spec.silent &&
            c.spec.clientId !== 'dock-scanner-bay-4',
        )
        .slice(0, count);
      for (let round = 0; round < rounds; round++) {
        // The socket drops under the client, as on a flaky network; MQTT.js reconnects.
        for (const c of stormers) c.mqtt.stream?.destroy();
        await new Promise((r) => setTimeout(r, 4000));
      }
      return stormers.map((c) => c.spec.clientId);
    },
    async outage(count, seconds) {
      const gone = clients
        .filter((c) => c.spec.reconnect !== false && !c.spec.silent && c.mqtt.connected)
        .slice(0, count);
      for (const c of gone) {
        const period = c.mqtt.options.reconnectPeriod;
        c.mqtt.options.reconnectPeriod = seconds * 1000;
        c.mqtt.stream?.destroy();
        // Back to its usual retry once it has reconnected.
        c.mqtt.once('connect', () => (c.mqtt.options.reconnectPeriod = period));
      }
      return gone.map((c) => c.spec.clientId);
    },
    async connectFrom(localAddress) {
      const spec: FleetClientSpec = {
        clientId: `visiting-laptop-${++visitors}`,
        username: `visitor@${ORGS[0]}`,
        localAddress,
        reconnect: false,
      };
      clients.push(await connectClient(spec, target));
      return spec.clientId;
    },
    stop: async () => {
      await Promise.all(clients.map((c) => c.end()));
    },
  };
}

/** A fleet of plain clients running in a child process (see `fleet-process.ts`). */
export interface FleetProcess {
  /** Resolves with how many connected, once they all have; rejects if the fleet fails. */
  readonly ready: Promise<number>;
  /** Ends the clients and the process (at any time, also while they are connecting). */
  stop(): Promise<void>;
}

/**
 * Starts `count` plain clients (`<prefix>00000`…) in a child process with its own descriptor
 * limit raised. The handle comes at once, so a caller stopped early can end it.
 */
export function startFleetProcess(
  target: BrokerTarget,
  count: number,
  prefix = 'bulk-',
  onProgress?: (connected: number) => void,
): FleetProcess {
  const script = fileURLToPath(new URL('./fleet-process.ts', import.meta.url));
  const child = spawn(
    'sh',
    [
      '-c',
      'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"',
      'sh',
      process.execPath,
      '--import',
      'tsx',
      script,
    ],
    {
      env: {
        ...process.env,
        FLEET_TARGET: JSON.stringify(target),
        FLEET_COUNT: String(count),
        FLEET_PREFIX: prefix,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
  };
  const ready = new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        const [word, ...rest] = line.split(' ');
        if (word === 'progress') onProgress?.(Number(rest[0]));
        if (word === 'connected') resolve(Number(rest[0]));
        if (word === 'failed') {
          void stop();
          reject(new Error(rest.join(' ')));
        }
      }
    });
    child.on('exit', (code) =>
      reject(new Error(`The fleet process ended (${code}) before connecting`)),
    );
  });
  // A caller that stops before `ready` settles must not see an unhandled rejection.
  ready.catch(() => undefined);
  return { ready, stop };
}
