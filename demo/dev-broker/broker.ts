/**
 * The dev broker: one or two real MQTT broker nodes (aedes) on 127.0.0.1, over TCP, WebSocket
 * and TLS, with the EMQX v5 management API subset that `EmqxSource` speaks, answering for the
 * whole cluster. `npm start` and every test start one.
 */
import { createServer as createHttpServer } from 'node:http';
import { BanList } from './bans.js';
import { createEmqxApi, type RequestLogEntry } from './emqx-api.js';
import { defaultFaults, isRefused, updateFaults, type Faults } from './faults.js';
import { listen, startBrokerNode, unreap, type BrokerNode } from './node.js';

export { PortInUseError } from './node.js';
export type { BrokerNode } from './node.js';
export type { RequestLogEntry } from './emqx-api.js';

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
  /**
   * Every management API request so far (not `/dev/` ones, nor CORS preflight), oldest first:
   * when it arrived, method, path, status answered, whether a fault hit it.
   */
  readonly requests: RequestLogEntry[];
  /**
   * Changes faults as `PUT /dev/faults` does (validated; applied to clients already connected);
   * throws on bad input.
   */
  setFaults(update: unknown): void;
  /**
   * A restart: drops every MQTT connection and the management API at once, stays down for
   * `downMs` (default 1000), then listens again on the same ports, with the same bans and
   * faults and no sessions (clients must reconnect). `onDown` is called once it is down.
   * Resolves when it is back.
   */
  restart(options?: { downMs?: number; onDown?: () => void }): Promise<void>;
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
  const requests: RequestLogEntry[] = [];
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
      requestLog: requests,
    }),
  );
  api.keepAliveTimeout = 1000;

  // What the nodes share: the ban list, the faults and the cluster-wide event bus.
  const shared = { host, dashboardPassword, bans, faults, publishEvent };
  /** Each node's name, label and ports; after the first start, the ports it got. */
  const plan: { name: string; label?: string; ports: Required<NodePorts> }[] = [
    {
      name: options.node ?? 'dev@127.0.0.1',
      ports: {
        mqttPort: options.mqttPort ?? 1883,
        wsPort: options.wsPort ?? 8083,
        tlsPort: options.tlsPort ?? 8883,
      },
    },
  ];
  if (options.secondNode) {
    const ports =
      options.secondNode === true ? { mqttPort: 0, wsPort: 0, tlsPort: 0 } : options.secondNode;
    plan.push({
      name: 'dev2@127.0.0.1',
      label: 'node2.',
      ports: {
        mqttPort: ports.mqttPort ?? 2883,
        wsPort: ports.wsPort ?? 9083,
        tlsPort: ports.tlsPort ?? 9883,
      },
    });
  }
  const startNodes = async () => {
    for (const p of plan) {
      const node = await startBrokerNode({ ...shared, name: p.name, label: p.label, ...p.ports });
      nodes.push(node);
      p.ports = { mqttPort: node.mqttPort, wsPort: node.wsPort, tlsPort: node.tlsPort };
    }
  };
  const closeApi = async () => {
    api.closeAllConnections();
    await new Promise<void>((resolve) => api.close(() => resolve()));
  };
  let closed = false;
  let restarting: Promise<void> = Promise.resolve();

  try {
    await startNodes();
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
      requests,
      setFaults(update: unknown) {
        const error = updateFaults(faults, update);
        if (error) throw new Error(`Bad faults: ${error}`);
        for (const r of nodes.flatMap((n) => n.registry.all())) {
          if (!r.client) continue;
          if (faults.unreaped.includes(r.clientId)) unreap(r.client);
          if (isRefused(faults, r.clientId)) r.client.close();
        }
      },
      restart({ downMs = 1000, onDown } = {}) {
        const run = async () => {
          if (closed) throw new Error('The dev broker is closed');
          await Promise.all([closeNodes(), closeApi()]);
          nodes.length = 0;
          onDown?.();
          await new Promise((resolve) => setTimeout(resolve, downMs));
          if (closed) return;
          await startNodes();
          await listen(api, apiPort, host, 'api');
        };
        // One restart at a time.
        const next = restarting.then(run, run);
        restarting = next.catch(() => undefined);
        return next;
      },
      close: async () => {
        closed = true;
        await restarting;
        await closeNodes();
        nodes.length = 0;
        if (api.listening) await closeApi();
      },
    };
  } catch (error) {
    await closeNodes();
    throw error;
  }
}
