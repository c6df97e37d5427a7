/**
 * A small HTTP server speaking the HiveMQ Enterprise REST API as its OpenAPI spec (4.23) shapes
 * it: client IDs by cursor (`limit` 50..2500, `_links.next`, 410 once a cursor expires), one
 * client's details (with the `password` HiveMQ returns, which no source may read), its
 * subscriptions with QoS enums, and closing its connection. Basic auth; CORS for loopback pages.
 * Tests talk to it over real HTTP rather than through a stubbed `fetch`.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HiveClientFixture {
  id: string;
  connected?: boolean;
  username?: string;
  /** HiveMQ returns the password it was given; it must never reach the model. */
  password?: string;
  sourceIp?: string;
  mqttVersion?: string;
  listener?: string;
  tls?: boolean;
  keepAlive?: number;
  cleanStart?: boolean;
  sessionExpiryInterval?: number;
  messageQueueSize?: number;
  node?: string;
  subscriptions?: { topicFilter: string; qos: 'AT_MOST_ONCE' | 'AT_LEAST_ONCE' | 'EXACTLY_ONCE' }[];
}

export interface HiveFixture {
  /** `http://127.0.0.1:<port>/api/v1` */
  apiUrl: string;
  user: string;
  password: string;
  add(...clients: HiveClientFixture[]): void;
  /** Whether a client's connection was closed through the API. */
  closed(id: string): boolean;
  /** Makes every cursor handed out so far expire (the next use answers 410). */
  expireCursors(): void;
  /** Delay of each details answer, to watch them arrive. */
  detailsDelayMs: number;
  /** The most details requests that were in flight at once, and the order they came in. */
  readonly stats: { mostInFlight: number; detailsOrder: string[]; listPages: number };
  close(): Promise<void>;
}

const LOOPBACK_ORIGIN = /^https?:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

export async function startHiveFixture(
  options: { user?: string; password?: string } = {},
): Promise<HiveFixture> {
  const user = options.user ?? 'hive-admin';
  const password = options.password ?? 'hive-secret';
  const clients = new Map<string, HiveClientFixture>();
  const closedIds = new Set<string>();
  const cursors = new Map<string, number>();
  const stats = { mostInFlight: 0, detailsOrder: [] as string[], listPages: 0 };
  let inFlight = 0;
  const fixture = { detailsDelayMs: 0 };
  const expected = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  const error = (res: ServerResponse, status: number, title: string, detail: string) =>
    json(res, status, { errors: [{ title, detail }] });
  const json = (res: ServerResponse, status: number, body?: unknown) => {
    const origin = res.req.headers.origin;
    res.writeHead(status, {
      ...(origin && LOOPBACK_ORIGIN.test(origin) ? { 'access-control-allow-origin': origin } : {}),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.headers.authorization !== expected) {
      return error(res, 401, 'Unauthorized', 'Authentication failed');
    }
    const url = new URL(req.url ?? '/', 'http://fixture');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/api/v1/mqtt/clients') {
      const limit = Number(url.searchParams.get('limit') ?? 500);
      if (!Number.isInteger(limit) || limit < 50 || limit > 2500) {
        return error(res, 400, 'Query parameter is invalid', 'limit must be between 50 and 2500');
      }
      const cursor = url.searchParams.get('cursor');
      let offset = 0;
      if (cursor !== null) {
        const at = cursors.get(cursor);
        if (at === undefined) {
          return error(res, 410, 'Cursor expired', 'The cursor is no longer valid, start again');
        }
        offset = at;
      }
      stats.listPages++;
      const ids = [...clients.keys()].sort();
      const items = ids.slice(offset, offset + limit).map((id) => ({ id }));
      const body: Record<string, unknown> = { items };
      if (offset + limit < ids.length) {
        const next = randomBytes(12).toString('base64url');
        cursors.set(next, offset + limit);
        body['_links'] = { next: `/api/v1/mqtt/clients?cursor=${next}&limit=${limit}` };
      }
      return json(res, 200, body);
    }
    const m = /^\/api\/v1\/mqtt\/clients\/([^/]+)(\/subscriptions|\/connection)?$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      const client = clients.get(id);
      const notFound = () =>
        error(res, 404, 'Resource not found', `Client with id ${JSON.stringify(id)} not found`);
      if (!client) return notFound();
      if (req.method === 'GET' && !m[2]) {
        stats.detailsOrder.push(id);
        stats.mostInFlight = Math.max(stats.mostInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, fixture.detailsDelayMs));
        inFlight--;
        const connected = client.connected !== false;
        return json(res, 200, {
          client: {
            id,
            connected,
            connectedAt: connected ? new Date(Date.now() - 60_000).toISOString() : undefined,
            sessionExpiryInterval: client.sessionExpiryInterval ?? 0,
            messageQueueSize: client.messageQueueSize ?? 0,
            connection: connected
              ? {
                  keepAlive: client.keepAlive ?? 60,
                  mqttVersion: client.mqttVersion ?? 'MQTTv5',
                  connectedListenerId: client.listener ?? 'tcp-listener-1883',
                  connectedNodeId: client.node ?? 'hive-node-a',
                  cleanStart: client.cleanStart ?? true,
                  sourceIp: client.sourceIp ?? '127.0.0.1',
                  username: client.username,
                  password: client.password,
                  ...(client.tls
                    ? {
                        tlsInformation: {
                          cipherSuite: 'TLS_AES_128_GCM_SHA256',
                          tlsVersion: 'TLSv1.3',
                        },
                      }
                    : {}),
                }
              : undefined,
          },
        });
      }
      if (req.method === 'GET' && m[2] === '/subscriptions') {
        return json(res, 200, { items: client.subscriptions ?? [] });
      }
      if (req.method === 'DELETE' && m[2] === '/connection') {
        if (client.connected === false) return notFound();
        closedIds.add(id);
        // A session that does not outlive its connection goes with it.
        if (!client.sessionExpiryInterval) clients.delete(id);
        else client.connected = false;
        return json(res, 204);
      }
    }
    return error(res, 404, 'Resource not found', `No resource at ${path}`);
  };

  const server = createServer((req, res) => {
    // Preflight needs its own headers; everything else goes through `handle`.
    if (req.method === 'OPTIONS') {
      const origin = req.headers.origin;
      res.writeHead(origin && LOOPBACK_ORIGIN.test(origin) ? 204 : 405, {
        'access-control-allow-origin': origin ?? '',
        'access-control-allow-methods': 'GET, DELETE, OPTIONS',
        'access-control-allow-headers': 'authorization, accept, content-type',
      });
      res.end();
      return;
    }
    void handle(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    apiUrl: `http://127.0.0.1:${port}/api/v1`,
    user,
    password,
    add(...list) {
      for (const c of list) clients.set(c.id, { ...c });
    },
    closed: (id) => closedIds.has(id),
    expireCursors: () => cursors.clear(),
    get detailsDelayMs() {
      return fixture.detailsDelayMs;
    },
    set detailsDelayMs(ms: number) {
      fixture.detailsDelayMs = ms;
    },
    stats,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
