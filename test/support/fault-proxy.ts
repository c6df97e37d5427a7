/**
 * A fault-injecting HTTP proxy in front of a real management API (RabbitMQ's, in the tests):
 * everything is forwarded as it is, except requests that match an armed fault, which get an
 * error status (with `Retry-After` if asked), an HTML error page, a body cut in half, or an
 * answer only after a long wait. Every request is logged with its time and status, so tests can
 * count retries. Node only, on 127.0.0.1 and a free port.
 *
 * Node tests call `startFaultProxy`; browser tests reach it through `faultProxyPlugin`'s
 * commands (`fault-proxy-start`, `fault-proxy-faults`, `fault-proxy-requests`,
 * `fault-proxy-stop`).
 */
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestRunnerPlugin } from '@web/test-runner';

export interface Fault {
  /** The request's path without its query; `*` matches anything (e.g. `/api/connections/*`). */
  path: string;
  /** Only requests whose query holds this text (e.g. `page=2&`). */
  query?: string;
  /** Only this method (default: any but `OPTIONS`, so CORS preflights pass). */
  method?: string;
  /** How many matching requests get the fault (default: every one). */
  times?: number;
  /** Answer with this status (401, 403, 404, 429, 500, 502, 503, ...) instead of forwarding. */
  status?: number;
  /** With `status`: this JSON body (a broker's own error), instead of an injected one. */
  body?: unknown;
  /** `Retry-After` on the status answer (seconds, or an HTTP date). */
  retryAfter?: number | string;
  /** With `status`: an HTML error page (this title) instead of a JSON error body. */
  html?: string;
  /** Wait this long, then forward (a hang the client's timeout should cut). */
  hangMs?: number;
  /** Forward, but send only the first half of the broker's body. */
  truncate?: boolean;
}

export interface LoggedRequest {
  /** When the request arrived (ms since the epoch). */
  t: number;
  method: string;
  /** Path and query as sent. */
  path: string;
  status: number;
  /** Which fault it got, if any (`status 503`, `hang 3000 ms`, `html 502`, `truncated`). */
  fault?: string;
}

export interface FaultProxy {
  /** The proxied API, e.g. `http://127.0.0.1:40123/api` for a target `http://127.0.0.1:15672/api`. */
  url: string;
  /** Replaces the armed faults. */
  setFaults(faults: Fault[]): void;
  /** Requests from `since` (ms since the epoch) on, in order of arrival. */
  requests(since?: number): LoggedRequest[];
  stop(): Promise<void>;
}

const glob = (pattern: string) =>
  new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

const HTML_PAGE = (status: number, title: string) =>
  `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n<!-- ${status} -->\r\n`;

const REASON: Record<number, string> = {
  401: 'Login failed',
  403: 'Access refused.',
  404: 'Not Found',
  429: 'Too many requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const readBody = (req: IncomingMessage) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

/** Starts a proxy forwarding to `target` (a base URL such as `http://127.0.0.1:15672/api`). */
export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const base = new URL(target);
  let armed: (Fault & { left: number; re: RegExp })[] = [];
  const log: LoggedRequest[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();

  const take = (method: string, path: string) => {
    const [pathname = '', query = ''] = path.split('?', 2);
    const i = armed.findIndex(
      (f) =>
        f.left > 0 &&
        (f.method ? f.method.toUpperCase() === method : method !== 'OPTIONS') &&
        f.re.test(pathname) &&
        (f.query === undefined || `${query}&`.includes(f.query)),
    );
    if (i < 0) return undefined;
    const fault = armed[i]!;
    fault.left--;
    return fault;
  };

  const server = createServer((req, res) => {
    void (async () => {
      const method = (req.method ?? 'GET').toUpperCase();
      const path = req.url ?? '/';
      const entry: LoggedRequest = { t: Date.now(), method, path, status: 0 };
      log.push(entry);
      const body = await readBody(req);
      const fault = take(method, path);
      // The page calls across origins: injected answers carry what RabbitMQ's CORS would.
      const cors = {
        'access-control-allow-origin': req.headers.origin ?? '*',
        'access-control-expose-headers': 'retry-after',
        vary: 'origin',
      };
      if (fault?.status !== undefined) {
        entry.status = fault.status;
        entry.fault = `${fault.html ? 'html' : 'status'} ${fault.status}`;
        const headers: Record<string, string> = { ...cors };
        if (fault.retryAfter !== undefined) headers['retry-after'] = String(fault.retryAfter);
        if (fault.html !== undefined) {
          headers['content-type'] = 'text/html';
          res.writeHead(fault.status, headers).end(HTML_PAGE(fault.status, fault.html));
        } else {
          headers['content-type'] = 'application/json';
          const said = fault.body ?? {
            error: `injected_${fault.status}`,
            reason: REASON[fault.status] ?? '',
          };
          res.writeHead(fault.status, headers).end(JSON.stringify(said));
        }
        return;
      }
      if (fault?.hangMs !== undefined) {
        entry.fault = `hang ${fault.hangMs} ms`;
        let gone = false;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            timers.delete(timer);
            resolve();
          }, fault.hangMs);
          timers.add(timer);
          // The client gave up (its timeout): nothing to forward.
          res.on('close', () => {
            gone = true;
            clearTimeout(timer);
            timers.delete(timer);
            resolve();
          });
        });
        if (gone || res.writableEnded) return;
      }
      const upstream = httpRequest(
        {
          host: base.hostname,
          port: base.port,
          method,
          path,
          headers: { ...req.headers, host: base.host },
        },
        (up) => {
          entry.status = up.statusCode ?? 0;
          if (!fault?.truncate) {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
            return;
          }
          entry.fault = 'truncated';
          void readBody(up).then((full) => {
            const half = full.subarray(0, Math.floor(full.length / 2));
            const headers = { ...up.headers, 'content-length': String(half.length) };
            delete headers['transfer-encoding'];
            res.writeHead(up.statusCode ?? 502, headers).end(half);
          });
        },
      );
      upstream.on('error', () => {
        entry.status = 502;
        if (!res.headersSent) res.writeHead(502, cors);
        res.end();
      });
      upstream.end(body);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${base.pathname.replace(/\/+$/, '')}`,
    setFaults(faults) {
      armed = faults.map((f) => ({ ...f, left: f.times ?? Infinity, re: glob(f.path) }));
    },
    requests: (since = 0) => log.filter((r) => r.t >= since),
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Browser tests' fault proxies, by id, through test-runner commands. */
export function faultProxyPlugin(): TestRunnerPlugin {
  const proxies = new Map<string, FaultProxy>();
  let next = 0;
  const proxyOf = (p: Record<string, unknown>) => {
    const proxy = proxies.get(String(p['id']));
    if (!proxy) throw new Error(`No fault proxy ${String(p['id'])}`);
    return proxy;
  };
  return {
    name: 'fault-proxy',
    async executeCommand({ command, payload }) {
      const p = (payload ?? {}) as Record<string, unknown>;
      switch (command) {
        case 'fault-proxy-start': {
          const proxy = await startFaultProxy(String(p['target']));
          const id = String(++next);
          proxies.set(id, proxy);
          return { id, url: proxy.url };
        }
        case 'fault-proxy-faults':
          proxyOf(p).setFaults((p['faults'] as Fault[]) ?? []);
          return true;
        case 'fault-proxy-requests':
          return proxyOf(p).requests(typeof p['since'] === 'number' ? p['since'] : 0);
        case 'fault-proxy-stop': {
          const proxy = proxies.get(String(p['id']));
          proxies.delete(String(p['id']));
          await proxy?.stop();
          return true;
        }
        default:
          return undefined;
      }
    },
    async serverStop() {
      await Promise.all([...proxies.values()].map((p) => p.stop()));
      proxies.clear();
    },
  };
}
