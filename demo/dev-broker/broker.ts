/**
 * The dev broker: a real MQTT broker (aedes) on 127.0.0.1, over TCP and WebSocket, with the
 * EMQX v5 management API subset that `EmqxSource` speaks. `npm start` and every test start one.
 */
import { Aedes, type Client } from 'aedes';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import mqttPacket from 'mqtt-packet';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { createEmqxApi } from './emqx-api.js';
import {
  newCounters,
  SessionRegistry,
  type ConnectionInfo,
  type TrafficCounters,
} from './session-registry.js';

export interface DevBrokerOptions {
  /** Address every listener binds; loopback only. */
  host?: string;
  /** MQTT over TCP; 0 picks a free port. */
  mqttPort?: number;
  /** MQTT over WebSocket (path `/mqtt`); 0 picks a free port. */
  wsPort?: number;
  /** EMQX-shaped management API; 0 picks a free port. */
  apiPort?: number;
  /** HTTP Basic user name of the management API. */
  apiKey?: string;
  /** HTTP Basic password of the management API, also the `dashboard` MQTT user's password. */
  apiSecret?: string;
  /** Node name reported for every client, as EMQX's `node`. */
  node?: string;
}

export interface DevBroker {
  readonly host: string;
  readonly mqttPort: number;
  readonly wsPort: number;
  readonly apiPort: number;
  /** `http://127.0.0.1:<apiPort>/api/v5` */
  readonly apiUrl: string;
  /** `ws://127.0.0.1:<wsPort>/mqtt` */
  readonly wsUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
  readonly node: string;
  readonly registry: SessionRegistry;
  /** Stops every listener and closes every connection. */
  close(): Promise<void>;
}

/** Which listener could not bind, so the caller can name the setting to change. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    readonly listener: 'mqtt' | 'ws' | 'api',
    readonly port: number,
  ) {
    super(`Port ${port} is already in use (${listener} listener).`);
  }
}

const CONNECTION = Symbol('connection');
const DASHBOARD = Symbol('dashboard');
const PACKET = Symbol('connect-packet');
/** An aedes client with what the dev broker learnt about its connection. */
type TaggedClient = Client & {
  [CONNECTION]?: ConnectionInfo;
  [DASHBOARD]?: boolean;
  [PACKET]?: mqttPacket.IConnectPacket;
};

/** Counts bytes, packets and PUBLISH messages each way on a connection, as EMQX reports them. */
function countTraffic(stream: Duplex, counters: TrafficCounters): void {
  const inbound = mqttPacket.parser();
  inbound.on('packet', (packet) => {
    counters.recv_pkt++;
    if (packet.cmd === 'publish') counters.recv_msg++;
  });
  // A packet we cannot parse only stops the counting; aedes handles the bad connection itself.
  inbound.on('error', () => inbound.removeAllListeners('packet'));
  stream.on('data', (chunk: Buffer) => {
    counters.recv_oct += chunk.length;
    inbound.parse(chunk);
  });
  const outbound = mqttPacket.parser();
  outbound.on('packet', (packet) => {
    counters.send_pkt++;
    if (packet.cmd === 'publish') counters.send_msg++;
  });
  outbound.on('error', () => outbound.removeAllListeners('packet'));
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (Buffer.isBuffer(chunk)) {
      counters.send_oct += chunk.length;
      outbound.parse(chunk);
    }
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

function listen(
  server: Server | HttpServer,
  port: number,
  host: string,
  which: 'mqtt' | 'ws' | 'api',
) {
  return new Promise<number>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new PortInUseError(which, port) : error);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startDevBroker(options: DevBrokerOptions = {}): Promise<DevBroker> {
  const host = options.host ?? '127.0.0.1';
  const apiKey = options.apiKey ?? 'demo';
  const apiSecret = options.apiSecret ?? 'demo-secret';
  const node = options.node ?? 'dev@127.0.0.1';
  const registry = new SessionRegistry();

  const aedes = await Aedes.createBroker({
    authenticate(client, username, password, callback) {
      // Any user may connect; only `dashboard` with the API secret may read `$SYS/#` (EMQX's ACL).
      (client as TaggedClient)[DASHBOARD] =
        username === 'dashboard' && password?.toString('utf8') === apiSecret;
      callback(null, true);
    },
    authorizeSubscribe(client, subscription, callback) {
      if (subscription.topic.startsWith('$SYS') && !(client as TaggedClient)[DASHBOARD]) {
        callback(null, null);
        return;
      }
      callback(null, subscription);
    },
    preConnect(client, packet, callback) {
      // aedes keeps neither the protocol name nor the keep-alive it was asked for.
      (client as TaggedClient)[PACKET] = packet as mqttPacket.IConnectPacket;
      callback(null, true);
    },
  });

  aedes.on('clientReady', (client) => {
    const info = (client as TaggedClient)[CONNECTION];
    const packet = (client as TaggedClient)[PACKET];
    if (!info || !packet) return;
    const now = Date.now();
    registry.connected({
      ...info,
      clientId: client.id,
      username: packet.username ?? null,
      protoName: packet.protocolId ?? 'MQTT',
      protoVer: packet.protocolVersion ?? 4,
      clean: packet.clean !== false,
      keepalive: packet.keepalive ?? 0,
      connectedAt: now,
      createdAt: now,
      disconnectedAt: undefined,
      client,
    });
  });
  aedes.on('clientDisconnect', (client) => {
    registry.disconnected(client, Date.now(), false);
  });

  const handle = (stream: Duplex, info: ConnectionInfo, req?: unknown) => {
    countTraffic(stream, info.counters);
    const client = aedes.handle(stream, req as never) as TaggedClient;
    client[CONNECTION] = info;
  };

  const tcp = createNetServer((socket) => {
    socket.on('error', () => socket.destroy());
    handle(socket, {
      listener: 'tcp:default',
      ip: socket.remoteAddress ?? '',
      port: socket.remotePort ?? 0,
      counters: newCounters(),
    });
  });

  const wsHttp = createHttpServer((_req, res) => {
    res
      .writeHead(426, { 'content-type': 'text/plain' })
      .end('MQTT over WebSocket: connect to /mqtt');
  });
  const wss = new WebSocketServer({ server: wsHttp, path: '/mqtt' });
  wss.on('connection', (ws, req) => {
    const stream = createWebSocketStream(ws);
    stream.on('error', () => stream.destroy());
    handle(
      stream,
      {
        listener: 'ws:default',
        ip: req.socket.remoteAddress ?? '',
        port: req.socket.remotePort ?? 0,
        counters: newCounters(),
      },
      req,
    );
  });

  const api = createHttpServer(
    createEmqxApi({
      registry,
      apiKey,
      apiSecret,
      node,
      persistence: (aedes as unknown as { persistence: unknown }).persistence,
    }),
  );
  api.keepAliveTimeout = 1000;

  const servers: (Server | HttpServer)[] = [];
  const closeAll = async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    for (const client of wss.clients) client.terminate();
    (api as HttpServer).closeAllConnections?.();
    wsHttp.closeAllConnections?.();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  };

  try {
    const mqttPort = await listen(tcp, options.mqttPort ?? 1883, host, 'mqtt');
    servers.push(tcp);
    const wsPort = await listen(wsHttp, options.wsPort ?? 8083, host, 'ws');
    servers.push(wsHttp);
    const apiPort = await listen(api, options.apiPort ?? 18083, host, 'api');
    servers.push(api);
    const hostInUrl = host.includes(':') ? `[${host}]` : host;
    return {
      host,
      mqttPort,
      wsPort,
      apiPort,
      apiUrl: `http://${hostInUrl}:${apiPort}/api/v5`,
      wsUrl: `ws://${hostInUrl}:${wsPort}/mqtt`,
      apiKey,
      apiSecret,
      node,
      registry,
      close: closeAll,
    };
  } catch (error) {
    await closeAll();
    throw error;
  }
}
