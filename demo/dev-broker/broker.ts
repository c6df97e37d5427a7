/**
 * The dev broker: one or two real MQTT broker nodes (aedes) on 127.0.0.1, over TCP, WebSocket
 * and TLS, with the EMQX v5 management API subset that `EmqxSource` speaks, answering for the
 * whole cluster. `npm start` and every test start one.
 */
import { createServer as createHttpServer } from 'node:http';
import { BanList } from './bans.js';
import { createEmqxApi } from './emqx-api.js';
import { defaultFaults, type Faults } from './faults.js';
import { listen, startBrokerNode, type BrokerNode } from './node.js';

export { PortInUseError } from './node.js';
export type { BrokerNode } from './node.js';

/** Ports of one node; 0 picks a free port. */
export interface NodePorts {
  mqttPort?: number;
  wsPort?: number;
  tlsPort?: number;
}

export interface DevBrokerOptions extends NodePorts {
  /** Address every listener binds; loopback only. */
  host?: string;
  /** EMQX-shaped management API; 0 picks a free port. */
  apiPort?: number;
  /** HTTP Basic user name of the management API. */
  apiKey?: string;
  /** HTTP Basic password of the management API. */
  apiSecret?: string;
  /** A second API key with EMQX's `viewer` role: reads everything, 403 on every action. */
  viewerKey?: string;
  /** The viewer key's secret. */
  viewerSecret?: string;
  /** Password of the MQTT user `dashboard`, who alone may read `$SYS/#`; the API secret by default. */
  dashboardPassword?: string;
  /** Node name of the first node, as EMQX's `node`. */
  node?: string;
  /** A second node (a split cluster): its ports, or true for free ports. */
  secondNode?: NodePorts | boolean;
  /** Faults in force from the start (also settable through `PUT /dev/faults`). */
  faults?: Partial<Faults>;
  /** The dashboard user of `POST /api/v5/login` (default admin / public, as EMQX). */
  login?: { username: string; password: string };
  /** How long a login token lives (default 60 minutes, as EMQX). */
  tokenTtlMs?: number;
}

export interface DevBroker {
  readonly host: string;
  /** The first node's listeners, for the common single-node case. */
  readonly mqttPort: number;
  readonly wsPort: number;
  readonly tlsPort: number;
  /** `ws://127.0.0.1:<wsPort>/mqtt` of the first node. */
  readonly wsUrl: string;
  readonly node: string;
  readonly nodes: readonly BrokerNode[];
  readonly apiPort: number;
  /** `http://127.0.0.1:<apiPort>/api/v5` */
  readonly apiUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  /** The `viewer`-role API key (default `viewer` / `viewer-secret`). */
  readonly viewerKey: string;
  readonly viewerSecret: string;
  readonly bans: BanList;
  readonly faults: Faults;
  /**
   * Fleet steering for demo buttons and tests: `POST /dev/fleet/<name>` on the management port
   * runs the handler registered under that name (the fleet lives beside the broker).
   */
  readonly fleetActions: Map<string, (body: unknown) => Promise<unknown>>;
  /** Stops every listener and closes every connection. */
  close(): Promise<void>;
}

export async function startDevBroker(options: DevBrokerOptions = {}): Promise<DevBroker> {
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? 'demo';
  const apiSecret = options.apiSecret ?? 'demo-secret';
  const dashboardPassword = options.dashboardPassword ?? apiSecret;
  const viewerKey = options.viewerKey ?? 'viewer';
  const viewerSecret = options.viewerSecret ?? 'viewer-secret';
  const bans = new BanList();
  const faults: Faults = { ...defaultFaults(), ...options.faults };
  const nodes: BrokerNode[] = [];
  const fleetActions = new Map<string, (body: unknown) => Promise<unknown>>();
  const closeNodes = () => Promise.all(nodes.map((n) => n.close()));
  // `$SYS` events reach subscribers on every node, as in an EMQX cluster.
  const publishEvent = (topic: string, payload: Record<string, unknown>) => {
    const buffer = Buffer.from(JSON.stringify(payload));
    for (const n of nodes) {
      n.aedes.publish(
        { cmd: 'publish', topic, payload: buffer, qos: 0, retain: false, dup: false },
        () => {},
      );
    }
  };

  const api = createHttpServer(
    createEmqxApi({
      nodes,
      apiKey,
      apiSecret,
      viewer: { apiKey: viewerKey, apiSecret: viewerSecret },
      bans,
      faults,
      fleetActions,
      login: options.login,
      tokenTtlMs: options.tokenTtlMs,
    }),
  );
  api.keepAliveTimeout = 1000;

  try {
    // What the nodes share: the ban list, the faults and the cluster-wide event bus.
    const shared = { host, dashboardPassword, bans, faults, publishEvent };
    nodes.push(
      await startBrokerNode({
        ...shared,
        name: options.node ?? 'dev@127.0.0.1',
        mqttPort: options.mqttPort ?? 1883,
        wsPort: options.wsPort ?? 8083,
        tlsPort: options.tlsPort ?? 8883,
      }),
    );
    if (options.secondNode) {
      const ports =
        options.secondNode === true ? { mqttPort: 0, wsPort: 0, tlsPort: 0 } : options.secondNode;
      nodes.push(
        await startBrokerNode({
          ...shared,
          name: 'dev2@127.0.0.1',
          mqttPort: ports.mqttPort ?? 2883,
          wsPort: ports.wsPort ?? 9083,
          tlsPort: ports.tlsPort ?? 9883,
          label: 'node2.',
        }),
      );
    }
    const apiPort = await listen(api, options.apiPort ?? 18083, host, 'api');
    const first = nodes[0]!;
    const hostInUrl = host.includes(':') ? `[${host}]` : host;
    return {
      host,
      mqttPort: first.mqttPort,
      wsPort: first.wsPort,
      tlsPort: first.tlsPort,
      wsUrl: first.wsUrl,
      node: first.name,
      nodes,
      apiPort,
      apiUrl: `http://${hostInUrl}:${apiPort}/api/v5`,
      apiKey,
      apiSecret,
      viewerKey,
      viewerSecret,
      bans,
      faults,
      fleetActions,
      close: async () => {
        await closeNodes();
        api.closeAllConnections();
        await new Promise<void>((resolve) => api.close(() => resolve()));
      },
    };
  } catch (error) {
    await closeNodes();
    throw error;
  }
}
