/**
 * `RabbitMQSource` under faults where its path differs from EMQX's (issue 11): a real RabbitMQ
 * behind a fault-injecting proxy, real MQTT clients. Wrong credentials, errors and hangs on
 * `/api/connections`, a failing `/api/queues` or `/api/bindings` (subscription counts only), a
 * 404 on `DELETE /api/connections/{name}`, a connection whose client already left, 429 with
 * `Retry-After`, HTML pages and cut-off bodies.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RabbitMQSource } from '../../src/sources/rabbitmq.js';
import { SourceError } from '../../src/sources/source.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { recordHardening } from '../support/hardening-report.js';
import { useRabbitMQ } from '../support/rabbitmq.js';

const rabbit = useRabbitMQ();
const tag = `rf-${Date.now().toString(36)}`;
const CONNECTIONS = '/api/connections';

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function failure(p: Promise<unknown>): Promise<SourceError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof SourceError, `a SourceError, not ${String(e)}`);
    return e;
  }
  assert.fail('expected a failure');
}

describe(
  'RabbitMQSource against a real RabbitMQ behind a fault proxy',
  { timeout: 120_000 },
  () => {
    let proxy: FaultProxy;
    const figures = { faults: 0, sessions: 0, actionsLost: 0 };
    const source = (options: { password?: string; timeoutMs?: number } = {}) =>
      new RabbitMQSource({
        baseUrl: proxy.url,
        username: rabbit.info().user,
        password: options.password ?? rabbit.info().password,
        timeoutMs: options.timeoutMs,
      });
    const listed = async (s: RabbitMQSource, id: string) =>
      (await s.list()).sessions.some((x) => x.clientId === id);
    const listRequests = (since: number) =>
      proxy.requests(since).filter((r) => r.path.split('?')[0] === CONNECTIONS);

    before(async () => {
      proxy = await startFaultProxy(rabbit.info().apiUrl);
    });
    after(async () => {
      await proxy?.stop();
      recordHardening('faults: RabbitMQ source behind a fault proxy (node)', figures);
    });

    it('says the management credentials are refused, once per list, without the password', async () => {
      const since = Date.now();
      const e = await failure(source({ password: 'wrong-rabbit-secret' }).list());
      figures.faults++;
      assert.equal(e.kind, 'auth');
      assert.match(e.message, /refused the credentials \(HTTP 401/);
      assert.match(e.message, /Check the management user name and password/);
      assert.doesNotMatch(e.message, /wrong-rabbit-secret/);
      // The list itself asked once; nothing retried it.
      assert.equal(listRequests(since).length, 1);
    });

    it('keeps listing when only /api/queues or /api/bindings fail (counts unknown)', async () => {
      const id = `${tag}-extras`;
      await rabbit.connect({ clientId: id, subscriptions: [{ topic: 'x/y', qos: 1 }] });
      const s = source();
      await waitFor(() => listed(s, id), `${id} listed`);
      const good = (await s.list()).sessions.find((x) => x.clientId === id)!;
      assert.equal(good.subscriptions, 1);
      proxy.setFaults([
        { path: '/api/queues', status: 500, times: 1 },
        { path: '/api/bindings', status: 503, times: 1 },
      ]);
      figures.faults += 2;
      const degraded = (await s.list()).sessions.find((x) => x.clientId === id);
      assert.ok(degraded, 'still listed');
      assert.equal(degraded.subscriptions, undefined);
      proxy.setFaults([]);
      figures.sessions++;
    });

    it('fails a list with 5xx, 429 (Retry-After), HTML pages, cut-off bodies and hangs, clearly', async () => {
      const s = source({ timeoutMs: 800 });
      const cases: [Parameters<FaultProxy['setFaults']>[0][number], RegExp, string][] = [
        [{ path: CONNECTIONS, status: 500 }, /failed to answer \(HTTP 500/, 'server'],
        [{ path: CONNECTIONS, status: 503 }, /failed to answer \(HTTP 503/, 'server'],
        [
          { path: CONNECTIONS, status: 502, html: '502 Bad Gateway' },
          /HTTP 502 — an HTML page titled "502 Bad Gateway"/,
          'server',
        ],
        [
          { path: CONNECTIONS, status: 200, html: 'Sign in – Corporate SSO' },
          /an HTML page instead of JSON \(HTTP 200, titled "Sign in – Corporate SSO"\)/,
          'invalid-response',
        ],
        [{ path: CONNECTIONS, truncate: true }, /JSON that was cut off after/, 'invalid-response'],
        [{ path: CONNECTIONS, hangMs: 3000 }, /did not answer within 1 s/, 'timeout'],
        [
          { path: CONNECTIONS, status: 429, retryAfter: 7 },
          /is rate-limiting requests \(HTTP 429/,
          'rate-limited',
        ],
      ];
      for (const [fault, message, kind] of cases) {
        proxy.setFaults([{ ...fault, method: 'GET', times: 1 }]);
        const e = await failure(s.list());
        figures.faults++;
        assert.equal(e.kind, kind, JSON.stringify(fault));
        assert.match(e.message, message);
        assert.ok(e.message.length < 400, 'a short message, not the body');
        if (fault.status === 429) assert.equal(e.details.retryAfterMs, 7000);
      }
      proxy.setFaults([]);
      // Recovers at once.
      await s.list();
    });

    it('takes a 404 on closing a connection as already gone', async () => {
      const id = `${tag}-404`;
      const c = await rabbit.connect({ clientId: id });
      const s = source();
      await waitFor(() => listed(s, id), `${id} listed`);
      proxy.setFaults([{ path: '/api/connections/*', method: 'DELETE', status: 404, times: 1 }]);
      figures.faults++;
      const outcome = await s.disconnect(id);
      assert.equal(outcome, 'already-gone');
      if (outcome !== 'already-gone') figures.actionsLost++;
      // Unharmed: a second try closes the real client.
      assert.equal(await s.disconnect(id), 'disconnected');
      await waitFor(async () => c.closed(), 'the client closed', 5000);
      figures.sessions++;
    });

    it('says a monitoring user may not close connections (RabbitMQ refuses it with a 401)', async () => {
      const { apiUrl, user, password } = rabbit.info();
      const admin = {
        authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
        'content-type': 'application/json',
      };
      const monitor = `${tag}-monitor`;
      const put = (path: string, body: unknown) =>
        fetch(`${apiUrl}${path}`, { method: 'PUT', headers: admin, body: JSON.stringify(body) });
      assert.ok((await put(`/users/${monitor}`, { password: 'mon-pw', tags: 'monitoring' })).ok);
      assert.ok(
        (await put(`/permissions/%2F/${monitor}`, { configure: '', write: '', read: '.*' })).ok,
      );
      try {
        const id = `${tag}-watched`;
        const c = await rabbit.connect({ clientId: id });
        const s = new RabbitMQSource({ baseUrl: proxy.url, username: monitor, password: 'mon-pw' });
        await waitFor(() => listed(s, id), `${id} listed`);
        const e = await failure(s.disconnect(id));
        figures.faults++;
        assert.equal(e.kind, 'forbidden');
        assert.match(e.message, /does not allow these credentials to close connections \(HTTP 401/);
        assert.match(e.message, /administrator tag/);
        assert.doesNotMatch(e.message, /mon-pw/);
        assert.equal(c.closed(), false);
        figures.sessions++;
      } finally {
        await fetch(`${apiUrl}/users/${monitor}`, { method: 'DELETE', headers: admin });
      }
    });

    it('ends a list at a page past its end (connections closed while it was walked)', async () => {
      // Two connections at least, one per page: the list asks for a second page. RabbitMQ's
      // own answer when that page no longer exists (the list shrank after the first page).
      const clients = await Promise.all(
        [1, 2].map((n) => rabbit.connect({ clientId: `${tag}-paged-${n}` })),
      );
      try {
        const paged = new RabbitMQSource({
          baseUrl: proxy.url,
          username: rabbit.info().user,
          password: rabbit.info().password,
          pageSize: 1,
        });
        await waitFor(
          async () =>
            (await paged.list()).sessions.filter((x) => x.clientId.includes(`${tag}-paged-`))
              .length === 2,
          'both listed',
        );
        proxy.setFaults([
          {
            path: CONNECTIONS,
            query: 'page=2&',
            status: 400,
            times: 1,
            body: {
              error: 'page_out_of_range',
              reason: 'Page out of range, page: 2 page size: 1, len: 1',
            },
          },
        ]);
        const since = Date.now();
        const { sessions } = await paged.list();
        assert.equal(sessions.length, 1, 'the first page');
        assert.deepEqual(
          listRequests(since).map((r) => r.fault),
          [undefined, 'status 400'],
          'the list stopped at the page past its end',
        );
        figures.faults++;
        // Any other refusal of a later page still fails the list.
        proxy.setFaults([{ path: CONNECTIONS, query: 'page=2&', status: 400, times: 1 }]);
        const e = await failure(paged.list());
        assert.equal(e.kind, 'bad-request');
        figures.faults++;
      } finally {
        proxy.setFaults([]);
        await Promise.all(clients.map((c) => c.client.endAsync(true)));
      }
    });

    it('says already gone for a connection whose client left after the list', async () => {
      const id = `${tag}-left`;
      const c = await rabbit.connect({ clientId: id });
      const s = source();
      await waitFor(() => listed(s, id), `${id} listed`);
      await c.client.endAsync(true);
      // The management API forgets the connection.
      const probe = source();
      await waitFor(async () => !(await listed(probe, id)), `${id} gone`);
      const since = Date.now();
      const outcome = await s.disconnect(id);
      assert.equal(outcome, 'already-gone');
      if (outcome !== 'already-gone') figures.actionsLost++;
      // Nothing was closed: no DELETE of a name another client may have by now.
      assert.deepEqual(
        proxy.requests(since).filter((r) => r.method === 'DELETE'),
        [],
      );
      figures.sessions++;
    });
  },
);
