import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { EmqxSource } from '../../src/sources/emqx.js';
import { SourceError } from '../../src/sources/source.js';
import { startTestBroker, waitFor, type TestBroker } from '../support/node-broker.js';

const kindOf = (kind: string) => (error: unknown) =>
  error instanceof SourceError && error.kind === kind;

describe('EmqxSource against the dev broker', () => {
  let t: TestBroker;
  let source: EmqxSource;

  before(async () => {
    t = await startTestBroker();
    await t.connect(
      ...Array.from({ length: 7 }, (_, i) => ({
        clientId: `device-${i}`,
        username: `user${i}@org_abc123`,
        subscriptions:
          i === 0
            ? [
                { topic: 'agents/+/state', qos: 1 as const },
                { topic: 'config/#', qos: 2 as const },
              ]
            : [],
        reconnect: false,
      })),
    );
    source = new EmqxSource({
      baseUrl: t.broker.apiUrl,
      apiKey: t.broker.apiKey,
      apiSecret: t.broker.apiSecret,
      pageSize: 3,
    });
  });
  after(() => t.close());

  it('should list every connected session, page by page', async () => {
    const pages: number[] = [];
    const { sessions, skipped } = await source.list({ onPage: (p) => pages.push(p.length) });
    assert.deepEqual(pages, [3, 3, 1]);
    assert.equal(skipped, 0);
    assert.deepEqual(
      sessions.map((s) => s.clientId).sort(),
      Array.from({ length: 7 }, (_, i) => `device-${i}`),
    );
    const first = sessions.find((s) => s.clientId === 'device-0')!;
    assert.equal(first.displayUsername, 'user0');
    assert.equal(first.protocol, '3.1.1');
    assert.equal(first.subscriptions, 2);
  });

  it('should page by cursor (clients_v2), and by page number on a broker without it', async () => {
    const paths: string[] = [];
    const spy: typeof fetch = (input, init) => {
      paths.push(new URL(String(input)).pathname);
      return fetch(input, init);
    };
    const viaCursor = new EmqxSource({
      baseUrl: t.broker.apiUrl,
      apiKey: 'demo',
      apiSecret: 'demo-secret',
      pageSize: 3,
      fetch: spy,
    });
    const pages: number[] = [];
    await viaCursor.list({ onPage: (p) => pages.push(p.length) });
    assert.deepEqual(pages, [3, 3, 1]);
    assert.ok(paths.every((p) => p.endsWith('/clients_v2')));

    // An EMQX before 5.7 answers 404 there: the source falls back, and remembers.
    const older: typeof fetch = (input, init) => {
      const url = String(input).replace('/clients_v2', '/clients_v2_unknown');
      paths.push(new URL(url).pathname);
      return fetch(url, init);
    };
    paths.length = 0;
    const viaPages = new EmqxSource({
      baseUrl: t.broker.apiUrl,
      apiKey: 'demo',
      apiSecret: 'demo-secret',
      pageSize: 3,
      fetch: older,
    });
    assert.equal((await viaPages.list()).sessions.length, 7);
    assert.equal((await viaPages.list()).sessions.length, 7);
    assert.deepEqual(paths.filter((p) => p.endsWith('_unknown')).length, 1);
  });

  it('should list only connected sessions, not remembered persistent ones', async () => {
    const [p] = await t.connect({ clientId: 'persistent-gone', clean: false, reconnect: false });
    await p!.end();
    await waitFor(
      async () =>
        ((await (await t.api('/clients/persistent-gone')).json()) as { connected: boolean })
          .connected === false,
      'disconnect',
    );
    const { sessions } = await source.list();
    assert.equal(
      sessions.some((s) => s.clientId === 'persistent-gone'),
      false,
    );
  });

  it('should read one session and its subscriptions with QoS', async () => {
    const s = await source.get('device-0');
    assert.equal(s.clientId, 'device-0');
    assert.equal(s.keepAlive, 60);
    const subs = await source.subscriptions('device-0');
    assert.deepEqual(
      subs.sort((a, b) => a.topic.localeCompare(b.topic)),
      [
        { topic: 'agents/+/state', qos: 1 },
        { topic: 'config/#', qos: 2 },
      ],
    );
    await assert.rejects(source.get('nobody'), kindOf('not-found'));
  });

  it('should disconnect a client (it sees close) and report a second try as already gone', async () => {
    const [victim] = await t.connect({ clientId: 'a/b c%d', reconnect: false });
    assert.equal(await source.disconnect('a/b c%d'), 'disconnected');
    await waitFor(() => victim!.closes > 0, 'the client to see close');
    assert.equal(await source.disconnect('a/b c%d'), 'already-gone');
  });

  it('should turn a wrong secret into an auth error that does not hold the secret', async () => {
    const wrong = new EmqxSource({
      baseUrl: t.broker.apiUrl,
      apiKey: 'demo',
      apiSecret: 's3cr3t-wrong',
    });
    await assert.rejects(wrong.list(), (error: unknown) => {
      assert.ok(error instanceof SourceError);
      assert.equal(error.kind, 'auth');
      assert.equal(error.status, 401);
      assert.equal(error.code, 'BAD_API_KEY_OR_SECRET');
      assert.doesNotMatch(error.message, /s3cr3t/);
      return true;
    });
  });

  it("should report a bad request with the broker's code", async () => {
    const f: typeof fetch = (input, init) =>
      fetch(String(input).replace('limit=3', 'limit=0'), init);
    const bad = new EmqxSource({
      baseUrl: t.broker.apiUrl,
      apiKey: 'demo',
      apiSecret: 'demo-secret',
      pageSize: 3,
      fetch: f,
    });
    await assert.rejects(
      bad.list(),
      (e: unknown) =>
        e instanceof SourceError && e.kind === 'bad-request' && e.code === 'BAD_REQUEST',
    );
  });

  it('should stop at once when aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(source.list({ signal: controller.signal }), kindOf('aborted'));
  });

  it('should add no credentials when a proxy adds them', async () => {
    let seen: string | null = 'unset';
    const f: typeof fetch = (input, init) => {
      seen = new Headers(init?.headers).get('authorization');
      return fetch(input, init);
    };
    const proxied = new EmqxSource({ baseUrl: t.broker.apiUrl, fetch: f });
    await assert.rejects(proxied.list(), kindOf('auth'));
    assert.equal(seen, null);
  });
});

describe('EmqxSource when the broker cannot be reached', () => {
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();

  before(async () => {
    // Accepts connections and never answers: a hung broker or proxy.
    silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    silentPort = (silent.address() as { port: number }).port;
  });
  after(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((r) => silent.close(() => r()));
  });

  it('should time out with a timeout error', async () => {
    const s = new EmqxSource({ baseUrl: `http://127.0.0.1:${silentPort}/api/v5`, timeoutMs: 300 });
    await assert.rejects(
      s.list(),
      (e: unknown) => e instanceof SourceError && e.kind === 'timeout' && /within/.test(e.message),
    );
  });

  it('should report a closed port as a network error', async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as { port: number }).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const s = new EmqxSource({ baseUrl: `http://127.0.0.1:${port}/api/v5` });
    await assert.rejects(s.list(), kindOf('network'));
  });

  it('should report a non-JSON answer as an invalid response', async () => {
    const f: typeof fetch = async () =>
      new Response('<html>502 Bad Gateway</html>', { status: 200 });
    const s = new EmqxSource({ baseUrl: '/api/v5', fetch: f });
    await assert.rejects(s.list(), kindOf('invalid-response'));
    const g: typeof fetch = async () => new Response('<html>Bad Gateway</html>', { status: 502 });
    await assert.rejects(
      new EmqxSource({ baseUrl: '/api/v5', fetch: g }).list(),
      (e: unknown) => e instanceof SourceError && e.kind === 'server' && e.status === 502,
    );
  });
});

describe('EmqxSource with a dashboard login (Bearer token)', () => {
  let t: TestBroker;
  const logins = async () =>
    (
      (await (await fetch(`${t.broker.apiUrl.replace('/api/v5', '')}/dev/logins`)).json()) as {
        issued: number;
      }
    ).issued;

  before(async () => {
    t = await startTestBroker({ tokenTtlMs: 400 });
    await t.connect({ clientId: 'login-device', reconnect: false });
  });
  after(() => t.close());

  it('should log in once and send the token', async () => {
    const before = await logins();
    const source = new EmqxSource({
      baseUrl: t.broker.apiUrl,
      login: { username: 'admin', password: 'public' },
    });
    const [a, b] = await Promise.all([source.list(), source.list()]);
    assert.deepEqual(
      a.sessions.map((s) => s.clientId),
      ['login-device'],
    );
    assert.deepEqual(
      b.sessions.map((s) => s.clientId),
      ['login-device'],
    );
    assert.equal(await logins(), before + 1);
  });

  it('should log in again before the token expires', async () => {
    const source = new EmqxSource({
      baseUrl: t.broker.apiUrl,
      login: { username: 'admin', password: 'public' },
      tokenRenewMs: 200,
    });
    await source.list();
    const before = await logins();
    await new Promise((r) => setTimeout(r, 250));
    await source.list();
    assert.equal(await logins(), before + 1);
  });

  it('should log in again when the broker refuses an expired token', async () => {
    const source = new EmqxSource({
      baseUrl: t.broker.apiUrl,
      login: { username: 'admin', password: 'public' },
    });
    await source.list();
    const before = await logins();
    await new Promise((r) => setTimeout(r, 450));
    const { sessions } = await source.list();
    assert.equal(sessions.length, 1);
    assert.equal(await logins(), before + 1);
  });

  it('should say which credentials were refused, without retrying forever', async () => {
    const source = new EmqxSource({
      baseUrl: t.broker.apiUrl,
      login: { username: 'admin', password: 'wrong-password' },
    });
    const tried = async () =>
      (
        (await (await fetch(`${t.broker.apiUrl.replace('/api/v5', '')}/dev/logins`)).json()) as {
          attempts: number;
        }
      ).attempts;
    const before = await tried();
    await assert.rejects(source.list(), (e: unknown) => {
      assert.ok(kindOf('auth')(e));
      assert.match((e as Error).message, /BAD_USERNAME_OR_PWD.*Check the user name and password/);
      assert.doesNotMatch((e as Error).message, /wrong-password/);
      return true;
    });
    // One refused login, not a retry (each could count towards a dashboard lockout).
    assert.equal(await tried(), before + 1);
  });
});
