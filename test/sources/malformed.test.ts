/**
 * Malformed broker answers (issue 11): every source is fed real-shaped answers (brokers.md, the
 * dev broker's and the HiveMQ fixture's payloads) with one thing broken at a time, through its
 * `fetch` option. Each call either gives the sessions that can be shown, counting the rest in
 * `skipped`, or rejects with a `SourceError` that names the cause in a short message; nothing
 * else escapes (no TypeError), wrong types never reach the model, and paging always ends.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { Session } from '../../src/model/session.js';
import { EmqxSource } from '../../src/sources/emqx.js';
import { HiveMQSource } from '../../src/sources/hivemq.js';
import { RabbitMQSource } from '../../src/sources/rabbitmq.js';
import { SourceError } from '../../src/sources/source.js';
import { recordHardening } from '../support/hardening-report.js';

// ---------------------------------------------------------------------------------------------
// Evidence: malformed answers injected, sessions checked.

let faults = 0;
let sessionsChecked = 0;
after(() =>
  recordHardening('malformed broker answers (sources)', {
    faults,
    sessions: sessionsChecked,
  }),
);

interface Answer {
  status?: number;
  body: string;
  type?: string;
}
const json = (value: unknown, status = 200): Answer => ({
  status,
  body: JSON.stringify(value),
  type: 'application/json',
});
/** A malformed answer: counted as a fault injected. */
const bad = (answer: Answer): Answer => {
  faults++;
  return answer;
};
const badJson = (value: unknown, status = 200) => bad(json(value, status));

/** A `fetch` that answers by URL, and the URLs it was asked for. */
function fakeFetch(route: (url: URL, method: string) => Answer): typeof fetch & { urls: URL[] } {
  const urls: URL[] = [];
  const f = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    urls.push(url);
    const a = route(url, init?.method ?? 'GET');
    return new Response(a.body, {
      status: a.status ?? 200,
      headers: { 'content-type': a.type ?? 'application/json' },
    });
  };
  return Object.assign(f, { urls });
}

// Wrong values put in place of a field: missing, null, and each wrong JSON type.
const MUTATIONS: [string, unknown][] = [
  ['missing', undefined],
  ['null', null],
  ['a string', '12'],
  ['a number', 12],
  ['an object', { value: 'x' }],
  ['an array', ['x']],
  ['a boolean', true],
  ['an object whose toString is not callable', { toString: 1, valueOf: 1 }],
  ['a huge number', 1e308],
  ['a prototype name', '__proto__'],
];

/** `raw` with one field (a dotted path) replaced, or removed when `value` is undefined. */
function mutate<T>(raw: T, path: string, value: unknown): T {
  const copy = structuredClone(raw) as Record<string, unknown>;
  const keys = path.split('.');
  let at: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) {
    if (typeof at[k] !== 'object' || at[k] === null) at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy as T;
}

const TYPES: Record<string, string> = {
  key: 'string',
  clientId: 'string',
  username: 'string',
  displayUsername: 'string',
  workspace: 'string',
  node: 'string',
  connected: 'boolean',
  connectedAt: 'number',
  ip: 'string',
  port: 'number',
  protocol: 'string',
  transport: 'string',
  tls: 'boolean',
  listener: 'string',
  subscriptions: 'number',
  cleanSession: 'boolean',
  keepAlive: 'number',
  expiryInterval: 'number',
  queuedMessages: 'number',
  queueMax: 'number',
  queueDropped: 'number',
  inflight: 'number',
  inflightMax: 'number',
  recvMessages: 'number',
  sentMessages: 'number',
  recvPackets: 'number',
  sentPackets: 'number',
  recvBytes: 'number',
  sentBytes: 'number',
  vhost: 'string',
  pending: 'boolean',
};

/** A session holds only the model's types: a wrong type from the broker reads as unknown. */
function checkSession(s: Session): void {
  sessionsChecked++;
  assert.equal(typeof s.clientId, 'string');
  assert.notEqual(s.clientId, '', 'a session without a client ID cannot be acted on');
  for (const [field, value] of Object.entries(s)) {
    if (value === undefined) continue;
    const type = TYPES[field];
    assert.ok(type, `unexpected field ${field}`);
    assert.equal(typeof value, type, `${field} is ${typeof value}: ${String(value).slice(0, 40)}`);
    if (type === 'number' && field !== 'queueMax') {
      assert.ok(Number.isFinite(value), `${field} is ${String(value)}`);
    }
  }
  if (s.connectedAt !== undefined) {
    assert.ok(Math.abs(s.connectedAt) <= 8.64e15, `connectedAt ${s.connectedAt} is no date`);
  }
  if (s.protocol !== undefined) assert.ok(['3.1', '3.1.1', '5.0'].includes(s.protocol));
  if (s.transport !== undefined) assert.ok(['TCP', 'WebSocket', 'QUIC'].includes(s.transport));
}

function checkSessions(list: readonly Session[]): void {
  for (const s of list) checkSession(s);
  const keys = new Set(list.map((s) => s.key));
  assert.equal(keys.size, list.length, 'no session is listed twice');
}

/**
 * Runs a call: its value, or the `SourceError` it rejected with. Anything else (a TypeError) fails
 * the test, and so does a message that is long (a body dump) or does not name the broker.
 */
async function settle<T>(
  call: () => Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: SourceError }> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    assert.ok(error instanceof SourceError, `not a SourceError: ${String(error)}`);
    assert.ok(error.message.length <= 300, `message too long: ${error.message.slice(0, 400)}`);
    assert.match(error.message, /EMQX|RabbitMQ|HiveMQ|Client "/);
    return { ok: false, error };
  }
}

async function rejects(call: () => Promise<unknown>, pattern: RegExp): Promise<SourceError> {
  const r = await settle(call);
  assert.equal(r.ok, false, 'expected the call to reject');
  const { error } = r as { error: SourceError };
  assert.match(error.message, pattern);
  return error;
}

// Non-JSON bodies, as a proxy, a login wall or a crashed broker gives them.
const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.25.3</center>\r\n</body>\r\n</html>\r\n';
const SSO_PAGE = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Sign in \u2013 Corporate SSO</title><script>var csrf="${'x'.repeat(64)}";</script></head><body>${'<div class="filler">lorem ipsum</div>'.repeat(5000)}</body></html>`;
const NOT_JSON: [string, Answer, RegExp][] = [
  ['plain text', { body: 'Internal error: badarg', type: 'text/plain' }, /not JSON.*badarg/],
  ['an empty body', { body: '', type: 'application/json' }, /empty/],
  ['an HTML login page (200)', { body: SSO_PAGE, type: 'text/html' }, /HTML page.*Sign in/],
  [
    'an HTML page served as JSON',
    { body: `\n  ${SSO_PAGE}`, type: 'application/json' },
    /HTML page.*Sign in/,
  ],
  ['an HTML error page (502)', { status: 502, body: NGINX_502, type: 'text/html' }, /HTTP 502/],
  ['an HTML error page (200)', { body: NGINX_502, type: 'text/html' }, /HTML page.*502 Bad/],
  [
    'binary junk',
    { body: '\u0000\u0001\u0002\ufffd\u001b[31m', type: 'application/octet-stream' },
    /not JSON/,
  ],
];
const truncated = (value: unknown, keep = 0.6) => {
  const text = JSON.stringify(value);
  return bad({ body: text.slice(0, Math.floor(text.length * keep)) });
};

// ---------------------------------------------------------------------------------------------
// EMQX

/** An EMQX v5 client object, every key the list returns (as the dev broker and brokers.md). */
const emqxClient = (clientid: string, extra: Record<string, unknown> = {}) => ({
  clientid,
  username: `${clientid}@org_abc123`,
  node: 'emqx@127.0.0.1',
  ip_address: '127.0.0.7',
  port: 51234,
  listener: 'tcp:default',
  proto_name: 'MQTT',
  proto_ver: 4,
  connected: true,
  connected_at: '2024-01-01T12:34:56.789+08:00',
  created_at: '2024-01-01T12:34:56.789+08:00',
  clean_start: true,
  keepalive: 60,
  expiry_interval: 0,
  is_bridge: false,
  is_persistent: false,
  subscriptions_cnt: 2,
  subscriptions_max: 'infinity',
  mqueue_len: 0,
  mqueue_max: 1000,
  mqueue_dropped: 0,
  inflight_cnt: 0,
  inflight_max: 32,
  awaiting_rel_cnt: 0,
  awaiting_rel_max: 100,
  heap_size: 0,
  mailbox_len: 0,
  recv_oct: 120,
  recv_pkt: 4,
  recv_cnt: 4,
  recv_msg: 1,
  send_oct: 80,
  send_pkt: 3,
  send_cnt: 3,
  send_msg: 1,
  ...extra,
});
const cursorPage = (data: unknown, cursor?: unknown) => ({
  data,
  meta: { count: Array.isArray(data) ? data.length : 0, ...(cursor ? { cursor } : {}) },
});
const emqx = (route: (url: URL, method: string) => Answer, extra = {}) => {
  const fetch = fakeFetch(route);
  return {
    fetch,
    source: new EmqxSource({
      baseUrl: 'http://127.0.0.1:1/api/v5',
      apiKey: 'k',
      apiSecret: 's',
      fetch,
      ...extra,
    }),
  };
};
const GOOD = ['emqx-a', 'emqx-b', 'emqx-c'].map((id) => emqxClient(id));
const EMQX_FIELDS = Object.keys(emqxClient('x'));

describe('EmqxSource with malformed answers', () => {
  it('shows every client whose fields are missing or wrongly typed, and counts those without a client ID', async () => {
    for (const field of EMQX_FIELDS) {
      for (const [what, value] of MUTATIONS) {
        const broken = mutate(emqxClient('emqx-broken'), field, value);
        const { source } = emqx(() => badJson(cursorPage([...GOOD, broken])));
        const r = await settle(() => source.list());
        assert.ok(r.ok, `${field} ${what}: ${!r.ok && r.error.message}`);
        const { sessions, skipped } = r.value;
        checkSessions(sessions);
        const idBroken = field === 'clientid' && !(typeof value === 'string' && value !== '');
        assert.equal(sessions.length, idBroken ? 3 : 4, `${field} ${what}`);
        assert.equal(skipped, idBroken ? 1 : 0, `${field} ${what}`);
      }
    }
  });

  it('keeps the readable rows of a page with junk rows and extra fields', async () => {
    const junk = [
      null,
      'emqx-a',
      42,
      [],
      {},
      { clientid: '' },
      { clientId: 'camel-case' },
      { client: { clientid: 'nested' } },
      true,
    ];
    const extra = JSON.stringify(
      emqxClient('emqx-extra', { future_field: { nested: [1, 2, 3] }, constructor: 'x', 'a.b': 1 }),
    ).replace('{', '{"__proto__":{"polluted":true},');
    const page = JSON.stringify(cursorPage([...GOOD, ...junk, 'EXTRA'])).replace('"EXTRA"', extra);
    const { source } = emqx(() => bad({ body: page }));
    const { sessions, skipped } = await source.list();
    checkSessions(sessions);
    assert.deepEqual(sessions.map((s) => s.clientId).sort(), [
      'emqx-a',
      'emqx-b',
      'emqx-c',
      'emqx-extra',
    ]);
    assert.equal(skipped, junk.length);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('rejects a page that is not an EMQX page, saying what it was', async () => {
    const pages: [string, unknown][] = [
      ['[]', []],
      ['{}', {}],
      ['null', null],
      ['a string', 'clients'],
      ['a number', 7],
      ['data an object', { data: { 0: emqxClient('x') }, meta: {} }],
      ['data a string', { data: 'emqx-a', meta: {} }],
      ['data null', { data: null, meta: {} }],
    ];
    for (const [what, body] of pages) {
      const { source } = emqx(() => badJson(body));
      await rejects(() => source.list(), /not an EMQX page/);
      const page = await settle(() => source.page({ limit: 10 }));
      assert.equal(page.ok, false, what);
    }
  });

  it('reads a page whose meta is missing or wrongly typed, and stops paging', async () => {
    const metas: unknown[] = [
      undefined,
      null,
      'meta',
      [],
      { count: '3', cursor: 5 },
      { count: -1, cursor: {} },
      { cursor: ['a'] },
      { cursor: '' },
      { cursor: null, hasnext: 'true' },
    ];
    for (const meta of metas) {
      const { source, fetch } = emqx(() => badJson({ data: GOOD, meta }));
      const { sessions, skipped } = await source.list();
      checkSessions(sessions);
      assert.equal(sessions.length, 3);
      assert.equal(skipped, 0);
      assert.equal(fetch.urls.length, 1, `one request with meta ${JSON.stringify(meta)}`);
    }
  });

  it('stops at a cursor that repeats, or a broker that keeps sending the same page', async () => {
    // The same cursor again and again.
    const same = emqx(() => badJson(cursorPage(GOOD, 'cursor-1')));
    const a = await same.source.list();
    checkSessions(a.sessions);
    assert.equal(a.sessions.length, 3);
    assert.ok(same.fetch.urls.length <= 3, `${same.fetch.urls.length} requests`);

    // A new cursor each time, but always the same rows.
    let n = 0;
    const fresh = emqx(() => badJson(cursorPage(GOOD, `cursor-${++n}`)));
    const b = await fresh.source.list();
    checkSessions(b.sessions);
    assert.equal(b.sessions.length, 3);
    assert.ok(fresh.fetch.urls.length <= 3, `${fresh.fetch.urls.length} requests`);

    // Cursors cycling between two.
    let k = 0;
    const cycle = emqx(() => {
      k++;
      return badJson(cursorPage([emqxClient(`emqx-${k % 2}`)], `cursor-${k % 2}`));
    });
    const c = await cycle.source.list();
    checkSessions(c.sessions);
    assert.ok(cycle.fetch.urls.length <= 4, `${cycle.fetch.urls.length} requests`);

    // All-junk pages, each with a new cursor: no new session, no end.
    let j = 0;
    const junk = emqx(() => badJson(cursorPage([{ junk: true }], `junk-${++j}`)));
    const d = await settle(() => junk.source.list());
    assert.ok(junk.fetch.urls.length <= 10, `${junk.fetch.urls.length} requests`);
    if (d.ok) assert.equal(d.value.sessions.length, 0);

    // Page numbers (an EMQX before 5.7): a broker that ignores `page` and always says hasnext.
    for (const hasnext of [true, 'true', 1, undefined]) {
      const ignoring = emqx(
        (url) =>
          url.pathname.endsWith('/clients_v2')
            ? json({ code: 'NOT_FOUND', message: 'Not found' }, 404)
            : badJson({ data: GOOD, meta: { page: 1, limit: 3, hasnext, count: 1e9 } }),
        { pageSize: 3 },
      );
      const e = await ignoring.source.list();
      checkSessions(e.sessions);
      assert.equal(e.sessions.length, 3);
      assert.ok(
        ignoring.fetch.urls.length <= 4,
        `hasnext ${String(hasnext)}: ${ignoring.fetch.urls.length} requests`,
      );
    }
  });

  it('lists a client ID twice in a page or across pages once, and one on two nodes twice', async () => {
    const twice = emqxClient('emqx-a', { recv_msg: 99 });
    const other = emqxClient('emqx-a', { node: 'emqx@127.0.0.2' });
    let page = 0;
    const { source } = emqx(() => {
      page++;
      return page === 1
        ? badJson(cursorPage([...GOOD, twice, other], 'next'))
        : badJson(cursorPage([emqxClient('emqx-b'), emqxClient('emqx-d')]));
    });
    const { sessions, skipped } = await source.list();
    checkSessions(sessions);
    assert.equal(skipped, 0);
    assert.deepEqual(sessions.map((s) => `${s.clientId}@${s.node}`).sort(), [
      'emqx-a@emqx@127.0.0.1',
      'emqx-a@emqx@127.0.0.2',
      'emqx-b@emqx@127.0.0.1',
      'emqx-c@emqx@127.0.0.1',
      'emqx-d@emqx@127.0.0.1',
    ]);
    // The later row of the same session wins, as a later answer is newer.
    assert.equal(
      sessions.find((s) => s.clientId === 'emqx-a' && s.node === 'emqx@127.0.0.1')!.recvMessages,
      99,
    );
  });

  it('reads duplicated object keys as JSON.parse does (the last one), without failing', async () => {
    const body = `{"data":[{"clientid":"first","clientid":"second","node":"n1","node":"n2","port":1,"port":"x"},${JSON.stringify(GOOD[0])}],"meta":{"count":2,"count":"two","cursor":"c","cursor":null}}`;
    const { source, fetch } = emqx(() => bad({ body }));
    const { sessions, skipped } = await source.list();
    checkSessions(sessions);
    assert.equal(skipped, 0);
    assert.equal(fetch.urls.length, 1);
    const s = sessions.find((x) => x.clientId === 'second')!;
    assert.equal(s.node, 'n2');
    assert.equal(s.port, undefined);
    assert.ok(!sessions.some((x) => x.clientId === 'first'));
  });

  it('rejects non-JSON, HTML and truncated bodies with a short message saying what came back', async () => {
    for (const [what, answer, pattern] of NOT_JSON) {
      const { source } = emqx(() => bad(answer));
      const error = await rejects(() => source.list(), pattern);
      assert.ok(!error.message.includes('lorem ipsum'), `${what}: no body dump`);
      assert.ok(!error.message.includes('csrf'), `${what}: no script`);
      assert.ok(!/\p{Cc}/u.test(error.message), `${what}: no control characters`);
      await rejects(() => source.get('emqx-a'), pattern);
      await rejects(() => source.subscriptions('emqx-a'), pattern);
    }
    const { source } = emqx(() => truncated(cursorPage(GOOD, 'next')));
    await rejects(() => source.list(), /cut off|incomplete/);
    const one = emqx(() => truncated(GOOD[0]));
    await rejects(() => one.source.get('emqx-a'), /cut off|incomplete/);
  });

  it('takes a huge page: 50,000 rows in one answer, and a 5 MB field', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) =>
      i % 1000 === 7 ? { username: 'no-id' } : emqxClient(`bulk-${i}`),
    );
    const body = JSON.stringify(cursorPage(rows));
    const { source } = emqx(() => bad({ body }));
    const started = performance.now();
    const { sessions, skipped } = await source.list();
    assert.ok(performance.now() - started < 10_000);
    assert.equal(sessions.length, 49_950);
    assert.equal(skipped, 50);
    checkSessions(sessions);

    const big = 'u'.repeat(5 * 1024 * 1024);
    const huge = emqx(() =>
      badJson(cursorPage([emqxClient('emqx-big', { username: big, listener: big }), ...GOOD])),
    );
    const h = await huge.source.list();
    checkSessions(h.sessions);
    assert.equal(h.sessions.length, 4);
    assert.equal(h.sessions.find((s) => s.clientId === 'emqx-big')!.username!.length, big.length);
  });

  it('gets one client, or says why not', async () => {
    for (const field of EMQX_FIELDS) {
      for (const [what, value] of MUTATIONS) {
        const { source } = emqx(() => badJson(mutate(emqxClient('emqx-a'), field, value)));
        const r = await settle(() => source.get('emqx-a'));
        // Any change to the client ID makes it another client's answer, or none.
        if (field === 'clientid') {
          assert.equal(r.ok, false, `${field} ${what}`);
        } else {
          assert.ok(r.ok, `${field} ${what}`);
          checkSession(r.value);
        }
      }
    }
    for (const body of [
      null,
      [],
      {},
      'emqx-a',
      1,
      [emqxClient('emqx-a')],
      { data: [emqxClient('emqx-a')] },
    ]) {
      const { source } = emqx(() => badJson(body));
      await rejects(() => source.get('emqx-a'), /emqx-a/);
    }
    // An answer about another client is not this client's.
    const { source } = emqx(() => badJson(emqxClient('someone-else')));
    await rejects(() => source.get('emqx-a'), /emqx-a/);
  });

  it('reads subscriptions, dropping unreadable entries', async () => {
    const { source } = emqx(() =>
      badJson([
        {
          topic: 'a/b',
          qos: 1,
          clientid: 'emqx-a',
          node: 'n',
          nl: 0,
          rap: 0,
          rh: 0,
          durable: false,
        },
        { topic: 'c/#', qos: '2' },
        { topic: 7, qos: 0 },
        { qos: 0 },
        null,
        'd/e',
        { topic: 'f', qos: 5, extra: { x: 1 } },
        { topic: 'g', qos: 0, topic2: 'x' },
      ]),
    );
    assert.deepEqual(await source.subscriptions('emqx-a'), [
      { topic: 'a/b', qos: 1 },
      { topic: 'c/#', qos: undefined },
      { topic: 'f', qos: undefined },
      { topic: 'g', qos: 0 },
    ]);
    for (const body of [null, {}, 'a/b', { data: [] }, 3]) {
      const s = emqx(() => badJson(body));
      await rejects(() => s.source.subscriptions('emqx-a'), /not a list/);
    }
  });

  it('counts only a finite, non-negative number of connections', async () => {
    for (const n of ['5', null, -3, { n: 1 }, [5]]) {
      const { source } = emqx(() => badJson({ 'live_connections.count': n }));
      await rejects(() => source.count(), /count/);
    }
    const inf = emqx(() => bad({ body: '{"live_connections.count": 1e999}' }));
    await rejects(() => inf.source.count(), /count/);
    const ok = emqx(() => badJson([{ 'connections.count': 4, extra: 'x' }]));
    assert.equal(await ok.source.count(), 4);
  });

  it('serves server-mode pages from malformed answers without looping', async () => {
    const { source } = emqx(() => badJson(cursorPage([...GOOD, { clientid: 5 }], 'same')));
    const first = await source.page({ limit: 10 });
    checkSessions(first.sessions);
    assert.equal(first.sessions.length, 3);
    assert.equal(first.skipped, 1);
    // The same cursor back: there is no next page.
    const second = await source.page({ limit: 10, cursor: 'same' });
    assert.equal(second.next, undefined);
  });
});

// ---------------------------------------------------------------------------------------------
// RabbitMQ

/** A 3.12+ MQTT connection (brokers.md; test/model/rabbitmq-connection.test.ts). */
const rabbitConnection = (clientId: string, port = 51234) => ({
  name: `10.0.0.7:${port} -> 10.0.0.2:1883`,
  node: 'rabbit@mq-1',
  user: 'mydevice@org_k7xm4pqr2n5t',
  vhost: 'prod',
  peer_host: '10.0.0.7',
  peer_port: port,
  host: '10.0.0.2',
  port: 1883,
  ssl: true,
  protocol: 'MQTT 5-0',
  client_properties: { client_id: clientId },
  timeout: 60,
  connected_at: 1767225600000,
  recv_oct: 100,
  send_oct: 50,
});
const rabbitPage = (items: unknown, extra: Record<string, unknown> = {}) => ({
  total_count: Array.isArray(items) ? items.length : 0,
  item_count: Array.isArray(items) ? items.length : 0,
  filtered_count: Array.isArray(items) ? items.length : 0,
  page: 1,
  page_size: 500,
  page_count: 1,
  items,
  ...extra,
});
const RABBIT_GOOD = ['rmq-a', 'rmq-b', 'rmq-c'].map((id, i) => rabbitConnection(id, 50000 + i));
const RABBIT_FIELDS = [
  ...Object.keys(rabbitConnection('x')).filter((k) => k !== 'client_properties'),
  'client_properties',
  'client_properties.client_id',
];
const QUEUES = [
  { name: 'mqtt-subscription-rmq-aqos1', vhost: 'prod', messages: 3 },
  { name: 'mqtt-subscription-rmq-bqos0', vhost: 'prod', messages: '7' },
  { name: 5, vhost: 'prod', messages: 1 },
  null,
];
const BINDINGS = [
  {
    source: 'amq.topic',
    vhost: 'prod',
    destination: 'mqtt-subscription-rmq-aqos1',
    destination_type: 'queue',
    routing_key: 'agents.*.state',
  },
  { source: 'amq.topic', vhost: 'prod', destination: 7, destination_type: 'queue' },
  'junk',
];
const rabbit = (
  connections: (url: URL) => Answer,
  extras: { queues?: Answer; bindings?: Answer } = {},
) => {
  const fetch = fakeFetch((url) => {
    if (url.pathname.endsWith('/api/queues')) return extras.queues ?? json(QUEUES);
    if (url.pathname.endsWith('/api/bindings')) return extras.bindings ?? json(BINDINGS);
    if (url.pathname.includes('/bindings')) return extras.bindings ?? json(BINDINGS.slice(0, 1));
    return connections(url);
  });
  return {
    fetch,
    source: new RabbitMQSource({
      baseUrl: 'http://127.0.0.1:1/api',
      username: 'u',
      password: 'p',
      fetch,
    }),
  };
};

describe('RabbitMQSource with malformed answers', () => {
  it('shows every connection whose fields are missing or wrongly typed, counting those without a client ID', async () => {
    for (const field of RABBIT_FIELDS) {
      for (const [what, value] of MUTATIONS) {
        const broken = mutate(rabbitConnection('rmq-broken', 50009), field, value);
        const { source } = rabbit(() => badJson(rabbitPage([...RABBIT_GOOD, broken])));
        const r = await settle(() => source.list());
        assert.ok(r.ok, `${field} ${what}: ${!r.ok && r.error.message}`);
        const { sessions, skipped } = r.value;
        checkSessions(sessions);
        // Not MQTT any more (protocol): not a session, and not skipped either.
        const notMqtt = field === 'protocol';
        // No client ID, or no name to close the connection by: a session that cannot be read.
        const unreadable =
          !notMqtt &&
          (field === 'client_properties' ||
            ((field === 'name' || field === 'client_properties.client_id') &&
              typeof value !== 'string'));
        assert.equal(sessions.length, notMqtt || unreadable ? 3 : 4, `${field} ${what}`);
        assert.equal(skipped, unreadable ? 1 : 0, `${field} ${what}`);
      }
    }
  });

  it('keeps the readable rows among junk items, and joins queues despite junk there', async () => {
    const junk = [null, 'rmq-a', 1, [], {}, { protocol: 'AMQP 0-9-1', name: 'amqp' }];
    const { source } = rabbit(() => badJson(rabbitPage([...RABBIT_GOOD, ...junk])));
    const { sessions, skipped } = await source.list();
    checkSessions(sessions);
    assert.equal(sessions.length, 3);
    assert.equal(skipped, 0, 'non-MQTT and shapeless entries are not sessions');
    const a = sessions.find((s) => s.clientId === 'rmq-a')!;
    assert.equal(a.subscriptions, 1);
    assert.equal(a.queuedMessages, 3);
  });

  it('lists without queue figures when queues or bindings come back malformed', async () => {
    for (const [, answer] of NOT_JSON) {
      const { source } = rabbit(() => json(rabbitPage(RABBIT_GOOD)), {
        queues: bad(answer),
        bindings: bad(answer),
      });
      const { sessions } = await source.list();
      checkSessions(sessions);
      assert.equal(sessions.length, 3);
    }
    for (const body of [{}, null, 'x', { items: [] }]) {
      const { source } = rabbit(() => json(rabbitPage(RABBIT_GOOD)), {
        queues: badJson(body),
        bindings: badJson(body),
      });
      const { sessions } = await source.list();
      checkSessions(sessions);
      assert.equal(sessions.length, 3);
    }
  });

  it('rejects a page that is not a page, and stops paging on wrong or repeating page counts', async () => {
    for (const body of [[], {}, null, 'connections', { items: {} }, { items: 'x' }, RABBIT_GOOD]) {
      const { source } = rabbit(() => badJson(body));
      await rejects(() => source.list(), /not a page/);
    }
    for (const page_count of ['3', null, -1, {}, 1e9, Infinity]) {
      const { source, fetch } = rabbit(() => badJson(rabbitPage(RABBIT_GOOD, { page_count })));
      const { sessions } = await source.list();
      checkSessions(sessions);
      assert.equal(sessions.length, 3);
      const pages = fetch.urls.filter((u) => u.pathname.endsWith('/connections')).length;
      assert.ok(pages <= 3, `page_count ${String(page_count)}: ${pages} pages`);
    }
  });

  it('lists a client ID twice in a page once, keeping both connections to close', async () => {
    const again = rabbitConnection('rmq-a', 50100);
    const { source } = rabbit(() => badJson(rabbitPage([...RABBIT_GOOD, again])));
    const { sessions } = await source.list();
    checkSessions(sessions);
    assert.equal(sessions.length, 3);
  });

  it('rejects non-JSON, HTML and truncated bodies with a short message', async () => {
    for (const [what, answer, pattern] of NOT_JSON) {
      const { source } = rabbit(() => bad(answer));
      const error = await rejects(() => source.list(), pattern);
      assert.ok(!error.message.includes('lorem ipsum'), what);
      await rejects(() => source.get('rmq-a'), pattern);
      const subs = rabbit(() => json(rabbitPage(RABBIT_GOOD)), { bindings: bad(answer) });
      await rejects(() => subs.source.subscriptions('rmq-a'), pattern);
    }
    const { source } = rabbit(() => truncated(rabbitPage(RABBIT_GOOD)));
    await rejects(() => source.list(), /cut off|incomplete/);
  });

  it('takes a huge page and a 5 MB field', async () => {
    const items = Array.from({ length: 50_000 }, (_, i) =>
      i % 1000 === 3
        ? { ...rabbitConnection('x', i), client_properties: {} }
        : rabbitConnection(`bulk-${i}`, i),
    );
    const big = 'u'.repeat(5 * 1024 * 1024);
    items.push({ ...rabbitConnection('rmq-big', 99999), user: big });
    const body = JSON.stringify(rabbitPage(items));
    const { source } = rabbit(() => bad({ body }));
    const { sessions, skipped } = await source.list();
    checkSessions(sessions);
    assert.equal(sessions.length, 49_951);
    assert.equal(skipped, 50);
  });

  it('reads duplicated object keys as the last one', async () => {
    const conn = JSON.stringify(rabbitConnection('rmq-x')).replace(
      '"client_properties":',
      '"client_properties":{"client_id":"first"},"client_properties":',
    );
    const body = `{"items":[${conn}],"items":[${conn}],"page_count":1,"page_count":"x"}`;
    const { source } = rabbit(() => bad({ body }));
    const { sessions } = await source.list();
    checkSessions(sessions);
    assert.deepEqual(
      sessions.map((s) => s.clientId),
      ['rmq-x'],
    );
  });

  it('reads subscriptions, dropping unreadable bindings', async () => {
    const { source } = rabbit(() => json(rabbitPage(RABBIT_GOOD)), {
      bindings: badJson([
        ...BINDINGS,
        { source: '', routing_key: 'default.exchange' },
        { source: 'amq.topic', routing_key: 5 },
        { source: { x: 1 }, routing_key: 'a' },
      ]),
    });
    await source.list();
    const subs = await source.subscriptions('rmq-a');
    assert.deepEqual(subs, [
      { topic: 'agents/+/state', qos: 0 },
      { topic: 'agents/+/state', qos: 1 },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// HiveMQ

/** A client's details as HiveMQ's OpenAPI shapes them (test/support/hivemq-fixture.ts). */
const hiveClient = (id: string) => ({
  client: {
    id,
    connected: true,
    connectedAt: '2024-01-01T12:34:56.789Z',
    sessionExpiryInterval: 0,
    messageQueueSize: 0,
    connection: {
      keepAlive: 60,
      mqttVersion: 'MQTTv5',
      connectedListenerId: 'tcp-listener-1883',
      connectedNodeId: 'hive-node-a',
      cleanStart: true,
      sourceIp: '127.0.0.1',
      username: `${id}@org_hive1`,
      password: 'never-read',
      tlsInformation: { cipherSuite: 'TLS_AES_128_GCM_SHA256', tlsVersion: 'TLSv1.3' },
    },
  },
});
const HIVE_FIELDS = [
  'client',
  ...Object.keys(hiveClient('x').client).map((k) => `client.${k}`),
  ...Object.keys(hiveClient('x').client.connection).map((k) => `client.connection.${k}`),
];
const hive = (route: (url: URL) => Answer) => {
  const fetch = fakeFetch(route);
  return {
    fetch,
    source: new HiveMQSource({
      baseUrl: 'http://127.0.0.1:1/api/v1',
      username: 'u',
      password: 'p',
      fetch,
    }),
  };
};
const hiveList = (ids: unknown[], next?: unknown) => ({
  items: ids.map((id) => ({ id })),
  ...(next === undefined ? {} : { _links: { next } }),
});

describe('HiveMQSource with malformed answers', () => {
  it('lists the client IDs it can read, counting the rest', async () => {
    const items = [
      { id: 'hive-a' },
      { id: 'hive-b', extra: { x: 1 } },
      { id: '' },
      { id: 5 },
      { id: null },
      { id: { id: 'x' } },
      { id: ['x'] },
      {},
      null,
      'hive-c',
      [],
    ];
    const { source } = hive(() => badJson({ items }));
    const { sessions, skipped } = await source.list();
    checkSessions(sessions);
    assert.deepEqual(
      sessions.map((s) => s.clientId),
      ['hive-a', 'hive-b'],
    );
    assert.equal(skipped, items.length - 2);
  });

  it('rejects a list that is not a page, and follows only usable next links', async () => {
    for (const body of [[], {}, null, 'x', { items: {} }, { items: null }]) {
      const { source } = hive(() => badJson(body));
      await rejects(() => source.list(), /not a page/);
    }
    const nexts: unknown[] = [
      5,
      null,
      {},
      { href: 5 },
      [],
      '',
      '/api/v1/mqtt/clients',
      '/api/v1/mqtt/clients?cursor=',
      'http://[::1',
      'http://[',
      '%%%',
    ];
    for (const next of nexts) {
      const { source, fetch } = hive(() => badJson(hiveList(['hive-a', 'hive-b'], next)));
      const r = await settle(() => source.list());
      assert.ok(fetch.urls.length <= 3, `next ${JSON.stringify(next)}: ${fetch.urls.length}`);
      if (r.ok) checkSessions(r.value.sessions);
    }
  });

  it('stops at a cursor that repeats, listing each client once', async () => {
    const same = hive(() =>
      badJson(hiveList(['hive-a', 'hive-b'], '/api/v1/mqtt/clients?cursor=c1&limit=500')),
    );
    const a = await same.source.list();
    checkSessions(a.sessions);
    assert.deepEqual(
      a.sessions.map((s) => s.clientId),
      ['hive-a', 'hive-b'],
    );
    assert.ok(same.fetch.urls.length <= 3, `${same.fetch.urls.length} requests`);

    let n = 0;
    const fresh = hive(() =>
      badJson(
        hiveList(['hive-a', 'hive-a', 'hive-b'], { href: `/api/v1/mqtt/clients?cursor=c${++n}` }),
      ),
    );
    const b = await fresh.source.list();
    checkSessions(b.sessions);
    assert.deepEqual(
      b.sessions.map((s) => s.clientId),
      ['hive-a', 'hive-b'],
    );
    assert.ok(fresh.fetch.urls.length <= 3, `${fresh.fetch.urls.length} requests`);
  });

  it('reads details whose fields are missing or wrongly typed', async () => {
    for (const field of HIVE_FIELDS) {
      for (const [what, value] of MUTATIONS) {
        const { source } = hive((url) =>
          url.pathname.endsWith('/subscriptions')
            ? json({ items: [] })
            : badJson(mutate(hiveClient('hive-a'), field, value)),
        );
        const r = await settle(() => source.get('hive-a'));
        const idBroken =
          field === 'client' ||
          (field === 'client.id' && !(typeof value === 'string' && value === 'hive-a'));
        assert.equal(r.ok, !idBroken, `${field} ${what}: ${!r.ok && r.error.message}`);
        if (r.ok) {
          checkSession(r.value);
          assert.equal(r.value.clientId, 'hive-a');
        }
      }
    }
  });

  it('hydrates through malformed details, keeping what it can read', async () => {
    const { source } = hive((url) => {
      if (url.pathname.endsWith('/mqtt/clients'))
        return json(hiveList(['hive-a', 'hive-b', 'hive-c', 'hive-d']));
      if (url.pathname.endsWith('/subscriptions')) return badJson({ items: 'x' });
      if (url.pathname.endsWith('/hive-a')) return json(hiveClient('hive-a'));
      if (url.pathname.endsWith('/hive-b'))
        return bad({ body: NGINX_502, status: 502, type: 'text/html' });
      if (url.pathname.endsWith('/hive-c')) return truncated(hiveClient('hive-c'));
      return badJson(hiveClient('someone-else'));
    });
    const { sessions } = await source.list();
    const detailed: Session[] = [];
    const errors: unknown[] = [];
    await source.hydrate(sessions, {
      onSessions: ({ detailed: d }) => detailed.push(...d),
      onError: (e) => errors.push(e),
    });
    checkSessions(detailed);
    assert.deepEqual(
      detailed.map((s) => s.clientId),
      ['hive-a'],
    );
    assert.equal(errors.length, 3);
    assert.ok(errors.every((e) => e instanceof SourceError));
  });

  it('reads subscriptions with unknown or prototype-named QoS as unknown', async () => {
    const { source } = hive(() =>
      badJson({
        items: [
          { topicFilter: 'a/b', qos: 'AT_LEAST_ONCE' },
          { topicFilter: 'c', qos: 'toString' },
          { topicFilter: 'd', qos: '__proto__' },
          { topicFilter: 'e', qos: 'constructor' },
          { topicFilter: 'f', qos: 3 },
          { topicFilter: 7, qos: 'AT_MOST_ONCE' },
          null,
          { qos: 1 },
        ],
      }),
    );
    assert.deepEqual(await source.subscriptions('hive-a'), [
      { topic: 'a/b', qos: 1 },
      { topic: 'c', qos: undefined },
      { topic: 'd', qos: undefined },
      { topic: 'e', qos: undefined },
      { topic: 'f', qos: undefined },
    ]);
  });

  it('rejects non-JSON, HTML and truncated bodies with a short message', async () => {
    for (const [what, answer, pattern] of NOT_JSON) {
      const { source } = hive(() => bad(answer));
      const error = await rejects(() => source.list(), pattern);
      assert.ok(!error.message.includes('lorem ipsum'), what);
      await rejects(() => source.get('hive-a'), pattern);
      await rejects(() => source.subscriptions('hive-a'), pattern);
    }
    const { source } = hive(() => truncated(hiveList(['hive-a'])));
    await rejects(() => source.list(), /cut off|incomplete/);
  });

  it('takes a huge page and a 5 MB client ID', async () => {
    const big = 'h'.repeat(5 * 1024 * 1024);
    const ids: unknown[] = Array.from({ length: 50_000 }, (_, i) =>
      i % 1000 === 1 ? 1 : `bulk-${i}`,
    );
    ids.push(big);
    const body = JSON.stringify(hiveList(ids));
    const { source } = hive(() => bad({ body }));
    const { sessions, skipped } = await source.list();
    checkSessions(sessions);
    assert.equal(sessions.length, 49_951);
    assert.equal(skipped, 50);
  });

  it('reads duplicated object keys as the last one', async () => {
    const body =
      '{"items":[{"id":"first","id":"second"}],"_links":{"next":"/x?cursor=a","next":null}}';
    const { source, fetch } = hive(() => bad({ body }));
    const { sessions } = await source.list();
    assert.deepEqual(
      sessions.map((s) => s.clientId),
      ['second'],
    );
    assert.equal(fetch.urls.length, 1);
  });
});
