/**
 * One node of the dev broker: an aedes instance with MQTT over TCP, WebSocket (`/mqtt`) and
 * TLS listeners, and a registry of its sessions. Several nodes share nothing but the ban list,
 * like a split cluster: a client ID may be connected on two nodes at once.
 */
import { Aedes, type Client } from 'aedes';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer } from 'node:tls';
import type mqttPacket from 'mqtt-packet';
import { WebSocketServer, createWebSocketStream } from 'ws';
import type { BanList } from './bans.js';
import { isRefused, type Faults } from './faults.js';
import { SessionRegistry, type ConnectionInfo, type SessionRecord } from './session-registry.js';
import { devCertificate } from './tls.js';
import { countTraffic, TrafficCounters } from './traffic.js';

/** Which listener could not bind, so the caller can name the setting to change. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';
  constructor(
    /** e.g. `mqtt`, `ws`, `tls`, `api`, `node2.mqtt` */
    readonly listener: string,
    readonly port: number,
  ) {
    super(`Port ${port} is already in use (${listener} listener).`);
  }
}

export interface NodeOptions {
  /** EMQX-style node name, e.g. `dev@127.0.0.1`. */
  name: string;
  host: string;
  mqttPort: number;
  wsPort: number;
  tlsPort: number;
  /** Password of the `dashboard` MQTT user, who alone may read `$SYS/#`. */
  dashboardPassword: string;
  bans: BanList;
  faults: Faults;
  /** Publishes a `$SYS` event cluster-wide (on every node), as EMQX routes them. */
  publishEvent(topic: string, payload: Record<string, unknown>): void;
  /** Prefix of listener names in PortInUseError (`node2.` for the second node). */
  label?: string;
}

/** Why a connection ended, as EMQX reports it in its `disconnected` event. */
export type DisconnectReason =
  'normal' | 'kicked' | 'takenover' | 'discarded' | 'keepalive_timeout' | 'sock_closed';

export interface BrokerNode {
  readonly name: string;
  readonly mqttPort: number;
  readonly wsPort: number;
  readonly tlsPort: number;
  /** `ws://host:port/mqtt` */
  readonly wsUrl: string;
  readonly registry: SessionRegistry;
  readonly aedes: Aedes;
  close(): Promise<void>;
}

const CONNECTION = Symbol('connection');
const DASHBOARD = Symbol('dashboard');
const PACKET = Symbol('connect-packet');
const REASON = Symbol('disconnect-reason');
const RECORD = Symbol('session-record');
/** An aedes client with what the dev broker learnt about its connection. */
type TaggedClient = Client & {
  [CONNECTION]?: ConnectionInfo;
  [DASHBOARD]?: boolean;
  [PACKET]?: mqttPacket.IConnectPacket;
  [REASON]?: DisconnectReason;
  [RECORD]?: SessionRecord;
  _disconnected?: boolean;
  _keepaliveTimer?: ReturnType<typeof setTimeout> | null;
  _keepaliveInterval?: number;
};

/** Stops reaping a connected client by keep-alive (the `unreaped` fault, set at run time). */
export function unreap(client: Client): void {
  const tagged = client as TaggedClient;
  if (tagged._keepaliveTimer) clearTimeout(tagged._keepaliveTimer);
  tagged._keepaliveInterval = -1;
}

/** Marks a client as kicked through the API, for its `disconnected` event. */
export function markKicked(client: Client): void {
  (client as TaggedClient)[REASON] = 'kicked';
}

export function listen(server: Server | HttpServer, port: number, host: string, which: string) {
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

export async function startBrokerNode(options: NodeOptions): Promise<BrokerNode> {
  const { name, host, bans } = options;
  const label = options.label ?? '';
  const registry = new SessionRegistry();
  const bound = { mqttPort: 0, wsPort: 0, tlsPort: 0 };

  const aedes = await Aedes.createBroker({
    preConnect(client, packet, callback) {
      // The `mqttRefuse` fault: the connection drops before any CONNACK.
      if (isRefused(options.faults, (packet as mqttPacket.IConnectPacket).clientId ?? '')) {
        callback(new Error('connection dropped (injected fault)'), false);
        return;
      }
      // aedes keeps neither the protocol name nor the keep-alive it was asked for.
      (client as TaggedClient)[PACKET] = packet as mqttPacket.IConnectPacket;
      callback(null, true);
    },
    authenticate(client, username, password, callback) {
      const tagged = client as TaggedClient;
      if (bans.isBanned({ clientId: client.id, username, ip: tagged[CONNECTION]?.ip })) {
        // MQTT 3.1.1 has no "banned" code: EMQX answers "not authorized" (5).
        const error = Object.assign(new Error('banned'), { returnCode: 5 });
        callback(error as never, false);
        return;
      }
      // Any user may connect; only `dashboard` with its password may read `$SYS/#` (EMQX's ACL).
      tagged[DASHBOARD] =
        username === 'dashboard' && password?.toString('utf8') === options.dashboardPassword;
      // Accepted: a second connection with the same client ID now ends the first. EMQX says the
      // old session was discarded (new clean start) or taken over (session resumed).
      const previous = (aedes as unknown as { clients: Record<string, TaggedClient | undefined> })
        .clients[client.id];
      const packet = tagged[PACKET];
      if (previous && previous !== tagged) {
        previous[REASON] = packet?.clean === false ? 'takenover' : 'discarded';
      }
      callback(null, true);
    },
    authorizeSubscribe(client, subscription, callback) {
      if (subscription.topic.startsWith('$SYS') && !(client as TaggedClient)[DASHBOARD]) {
        callback(null, null);
        return;
      }
      callback(null, subscription);
    },
  });

  const eventBase = (record: SessionRecord) => ({
    clientid: record.clientId,
    username: record.username,
    ipaddress: record.ip,
    // The listener's port, as EMQX reports it (not the client's).
    sockport: record.listener.startsWith('ws')
      ? bound.wsPort
      : record.listener.startsWith('ssl')
        ? bound.tlsPort
        : bound.mqttPort,
    proto_name: record.protoName,
    proto_ver: record.protoVer,
    connected_at: record.connectedAt,
    keepalive: record.keepalive,
    clean_start: record.clean,
    expiry_interval: record.clean ? 0 : 7200,
  });
  const topic = (clientId: string, what: 'connected' | 'disconnected') =>
    `$SYS/brokers/${name}/clients/${clientId}/${what}`;

  aedes.on('keepaliveTimeout', (client) => {
    (client as TaggedClient)[REASON] = 'keepalive_timeout';
  });

  aedes.on('clientReady', (client) => {
    const tagged = client as TaggedClient;
    const info = tagged[CONNECTION];
    const packet = tagged[PACKET];
    if (!info || !packet) return;
    // A broker that missed the half-open connection: no keep-alive check any more.
    if (options.faults.unreaped.includes(client.id)) unreap(client);
    const now = Date.now();
    registry.connected({
      ...info,
      node: name,
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
    const record = registry.get(client.id)!;
    tagged[RECORD] = record;
    options.publishEvent(topic(client.id, 'connected'), { ...eventBase(record), ts: now });
  });
  aedes.on('clientDisconnect', (client) => {
    const tagged = client as TaggedClient;
    const record = tagged[RECORD];
    const now = Date.now();
    if (record) {
      const reason =
        tagged[REASON] ??
        (tagged._disconnected
          ? 'normal'
          : record.listener.startsWith('ssl')
            ? 'ssl_closed'
            : 'tcp_closed');
      options.publishEvent(topic(client.id, 'disconnected'), {
        ...eventBase(record),
        reason,
        disconnected_at: now,
        ts: now,
      });
    }
    registry.disconnected(client, now, false);
  });

  const handle = (stream: Duplex, listener: string, ip: string, port: number, req?: unknown) => {
    const counters = new TrafficCounters();
    countTraffic(stream, counters);
    const client = aedes.handle(stream, req as never) as TaggedClient;
    client[CONNECTION] = { listener, ip, port, counters };
  };

  const tcp = createNetServer((socket) => {
    socket.on('error', () => socket.destroy());
    handle(socket, 'tcp:default', socket.remoteAddress ?? '', socket.remotePort ?? 0);
  });

  const { key, cert } = await devCertificate();
  const tls = createTlsServer({ key, cert }, (socket) => {
    socket.on('error', () => socket.destroy());
    handle(socket, 'ssl:default', socket.remoteAddress ?? '', socket.remotePort ?? 0);
  });
  tls.on('tlsClientError', () => {
    // A client that fails the handshake never becomes a session.
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
    handle(stream, 'ws:default', req.socket.remoteAddress ?? '', req.socket.remotePort ?? 0, req);
  });

  const servers: (Server | HttpServer)[] = [];
  const close = async () => {
    await new Promise<void>((resolve) => aedes.close(() => resolve()));
    for (const client of wss.clients) client.terminate();
    wsHttp.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  };

  try {
    const mqttPort = await listen(tcp, options.mqttPort, host, `${label}mqtt`);
    servers.push(tcp);
    const wsPort = await listen(wsHttp, options.wsPort, host, `${label}ws`);
    servers.push(wsHttp);
    const tlsPort = await listen(tls, options.tlsPort, host, `${label}tls`);
    servers.push(tls);
    Object.assign(bound, { mqttPort, wsPort, tlsPort });
    const hostInUrl = host.includes(':') ? `[${host}]` : host;
    return {
      name,
      mqttPort,
      wsPort,
      tlsPort,
      wsUrl: `ws://${hostInUrl}:${wsPort}/mqtt`,
      registry,
      aedes,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
