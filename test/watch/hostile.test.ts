/**
 * Issue 11 on the extension's own paths, which the element's tests do not reach: every hostile
 * client ID of the corpus raises alerts in the background watch (on WXT's fake browser, polling
 * an EMQX-shaped API through an injected `fetch`, so NUL, lone surrogates and 65,535-byte IDs
 * come too), and each notification, its click, the badge's tooltip and the stored alerts are
 * checked against the display policy of `src/watch/display.ts`. Then a run with distinctive
 * credentials and failing polls, whose traces are scanned for the secret.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { BackgroundWatch } from '../../src/watch/background-watch.js';
import { CONFIG_KEY, RECENT_ALERTS_KEY, type WatchedWorkspace } from '../../src/watch/config.js';
import {
  focusFromQuery,
  notificationId,
  parseNotificationId,
  POPUP_FOCUS_KEY,
} from '../../src/watch/messages.js';
import type { PopupWindowOptions, WatchApi } from '../../src/watch/watch-api.js';
import { EmqxSource } from '../../src/sources/emqx.js';
import { base64Utf8, basicAuthorization } from '../../src/sources/http.js';
import { MemoryStorage } from '../../src/storage/db.js';
import type { AlertRule } from '../../src/alerts/rules.js';
import { recordHardening } from '../support/hardening-report.js';
import { HOSTILE_STRINGS } from '../support/hostile-strings.js';

const api = fakeBrowser as unknown as WatchApi;
const NODE = 'emqx@127.0.0.1';
const LABEL = 'Production';

/**
 * Every distinct value of the corpus, as client IDs (and usernames), but the empty string: the
 * EMQX source counts a session without an ID as skipped, so no alert can be about it.
 */
const IDS = [...new Set(HOSTILE_STRINGS.map((s) => s.value))].filter((v) => v !== '');

/**
 * The policy, written out again independently of `src/watch/display.ts`: what may never appear
 * raw in a notification or tooltip (C0/C1 controls, DEL, bidi formatting, line and paragraph
 * separators, a lone surrogate), checked one UTF-16 unit at a time.
 */
const FORBIDDEN_UNIT = (unit: number) =>
  unit <= 0x1f ||
  (unit >= 0x7f && unit <= 0x9f) ||
  unit === 0x061c ||
  unit === 0x200e ||
  unit === 0x200f ||
  (unit >= 0x202a && unit <= 0x202e) ||
  (unit >= 0x2066 && unit <= 0x2069) ||
  unit === 0x2028 ||
  unit === 0x2029;

/** What the policy says a client ID looks like in a message: at most 100 code points, escaped, isolated. */
function expectedId(id: string): string {
  let points = Array.from(id);
  if (points.length > 100) points = [...points.slice(0, 99), '\u2026'];
  const shown = points
    .map((p) => {
      const unit = p.charCodeAt(0);
      const lone = p.length === 1 && unit >= 0xd800 && unit <= 0xdfff;
      return lone || FORBIDDEN_UNIT(unit)
        ? `[U+${unit.toString(16).toUpperCase().padStart(4, '0')}]`
        : p;
    })
    .join('');
  return `\u2068${shown}\u2069`;
}

/** No forbidden character (nor lone surrogate) in `text`, apart from `isolates` FSI…PDI pairs. */
function assertClean(text: string, where: string, isolates = 0): void {
  let fsi = 0;
  let pdi = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit === 0x2068) {
      fsi++;
      continue;
    }
    if (unit === 0x2069) {
      pdi++;
      assert.ok(pdi <= fsi, `${where}: a PDI before its FSI`);
      continue;
    }
    assert.ok(!FORBIDDEN_UNIT(unit), `${where}: raw U+${unit.toString(16)} at ${i}`);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      assert.ok(next >= 0xdc00 && next <= 0xdfff, `${where}: a lone surrogate at ${i}`);
      i++;
    } else {
      assert.ok(!(unit >= 0xdc00 && unit <= 0xdfff), `${where}: a lone surrogate at ${i}`);
    }
  }
  assert.equal(fsi, isolates, `${where}: FSI count`);
  assert.equal(pdi, isolates, `${where}: PDI count`);
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });

function emqxClient(clientId: string, i: number) {
  const at = new Date(Date.UTC(2024, 3, 5, 12, 0, 0, i)).toISOString();
  return {
    clientid: clientId,
    username: clientId,
    node: NODE,
    // A distinct address each, outside 192.168.0.0/16: one unexpected-network alert per client.
    ip_address: `10.${(i >> 8) & 255}.${i & 255}.7`,
    port: 40_000 + i,
    proto_name: 'MQTT',
    proto_ver: 5,
    connected: true,
    connected_at: at,
    created_at: at,
    clean_start: true,
    keepalive: 60,
    expiry_interval: 0,
    subscriptions_cnt: 0,
    mqueue_len: 0,
    recv_msg: 0,
    send_msg: 0,
  };
}

type Answer = (url: URL, init: RequestInit | undefined) => Response | Promise<Response>;

describe('background watch: hostile client IDs and secrets', { timeout: 120_000 }, () => {
  let history: MemoryStorage;
  let now: number;
  let answer: Answer;
  let opened: PopupWindowOptions[];

  beforeEach(() => {
    fakeBrowser.reset();
    history = new MemoryStorage();
    now = Date.UTC(2026, 10, 27, 12);
    opened = [];
  });
  afterEach(() => fakeBrowser.reset());

  /** The clients an EMQX answer lists (`/clients_v2`, one page). */
  const listing =
    (ids: readonly string[]): Answer =>
    (url) => {
      if (url.pathname.endsWith('/clients_v2') || url.pathname.endsWith('/clients')) {
        const data = ids.map((id) => emqxClient(id, IDS.indexOf(id)));
        return json({ data, meta: { count: data.length, limit: 10_000, hasnext: false } });
      }
      return json({ code: 'NOT_FOUND', message: 'Not found' }, 404);
    };

  const workspace = (over: Partial<WatchedWorkspace> = {}): WatchedWorkspace => ({
    id: 'prod',
    label: LABEL,
    source: {
      kind: 'emqx',
      baseUrl: 'http://emqx.invalid/api/v5',
      apiKey: 'key',
      apiSecret: 'secret',
    },
    refreshSeconds: 60,
    alertRules: [],
    ...over,
  });

  const watch = () =>
    new BackgroundWatch(
      {
        ...api,
        windows: {
          create: (options) => {
            opened.push(options);
            return fakeBrowser.windows.create(options);
          },
        },
      },
      {
        now: () => now,
        openStorage: async () => history,
        createSource: (w) =>
          new EmqxSource({
            baseUrl: w.source.baseUrl!,
            apiKey: w.source.apiKey,
            apiSecret: w.source.apiSecret,
            pageSize: 10_000,
            fetch: async (input, init) => answer(new URL(String(input)), init),
          }),
      },
    );

  const store = (...workspaces: WatchedWorkspace[]) =>
    fakeBrowser.storage.local.set({ [CONFIG_KEY]: { workspaces } } as Record<string, unknown>);

  /** A copy: the fake browser hands out its own record, which later notifications change. */
  const notifications = async () =>
    structuredClone(await fakeBrowser.notifications.getAll()) as Record<
      string,
      { title: string; message: string }
    >;

  it('notifies about every corpus client ID: isolated, escaped, shortened as documented, and the click opens that exact client', async () => {
    const rules: AlertRule[] = [
      {
        id: 'net',
        kind: 'unexpected-network',
        allowed: ['192.168.0.0/16'],
        learningMinutes: 0,
      },
      { id: 'crit', kind: 'critical-disconnect', clients: ['*'] },
    ];
    await store(workspace({ alertRules: rules }));
    const w = watch();
    answer = listing([]);
    assert.deepEqual(await w.pollAll(), [{ workspace: 'prod', count: 0, alerts: 0 }]);

    // Every client connects from an address outside the allowed network ...
    now += 60_000;
    answer = listing(IDS);
    assert.deepEqual(await w.pollAll(), [
      { workspace: 'prod', count: IDS.length, alerts: IDS.length },
    ]);
    const network = await notifications();
    // ... and then every one of them, each critical, disconnects.
    for (const id of Object.keys(network)) await fakeBrowser.notifications.clear(id);
    now += 60_000;
    answer = listing([]);
    assert.deepEqual(await w.pollAll(), [{ workspace: 'prod', count: 0, alerts: IDS.length }]);
    const critical = await notifications();

    let checked = 0;
    const check = async (
      shown: Record<string, { title: string; message: string }>,
      message: (id: string) => string,
    ) => {
      const byClient = new Map<string, string>();
      for (const [nid, n] of Object.entries(shown)) {
        const parsed = parseNotificationId(nid);
        assert.ok(parsed?.clientId !== undefined, `notification id ${nid.slice(0, 80)} parses`);
        const id = parsed.clientId;
        assert.ok(!byClient.has(id), 'one notification per client');
        byClient.set(id, nid);
        const where = `notification of ${JSON.stringify(id.slice(0, 40))}`;
        assert.equal(n.title, `${LABEL}: alert`, where);
        assert.ok(
          n.message === message(id),
          `${where}: ${JSON.stringify(n.message.slice(0, 200))}`,
        );
        assertClean(n.message, where, 1);
        // An ID is at most 100 code points on screen, however long it is.
        assert.ok(Array.from(n.message).length < 100 * 8 + 120, `${where}: too long`);
        // Plain ASCII: survives the browser's own conversions (UTF-8, no lone surrogates).
        assert.match(nid, /^[\x21-\x7e]+$/, `${where}: id not ASCII`);

        // The click opens the popup on exactly this client (a window, in the fake browser).
        opened = [];
        await w.onNotificationClicked(nid);
        const focus = (await fakeBrowser.storage.session.get(POPUP_FOCUS_KEY))[POPUP_FOCUS_KEY] as {
          clientId?: string;
          workspace: string;
        };
        assert.ok(focus.clientId === id, `${where}: the stored focus changed the ID`);
        assert.equal(opened.length, 1, `${where}: a window`);
        const url = new URL(opened[0]!.url);
        assert.equal(url.pathname, '/popup.html');
        const fromUrl = focusFromQuery(url.search);
        assert.equal(fromUrl?.workspace, 'prod');
        assert.ok(fromUrl?.clientId === id, `${where}: the popup URL changed the ID`);
        checked++;
      }
      assert.deepEqual([...byClient.keys()].sort(), [...IDS].sort(), 'a notification per client');
    };
    await check(
      network,
      (id) =>
        `${expectedId(id)} connected from ${emqxClient(id, IDS.indexOf(id)).ip_address}, outside the allowed networks (192.168.0.0/16).`,
    );
    await check(critical, (id) => `Critical client ${expectedId(id)} disconnected.`);
    assert.deepEqual(await notifications(), {}, 'each click cleared its notification');
    // An empty client ID would round-trip too, were a broker to list one.
    assert.deepEqual(parseNotificationId(notificationId('a', 'prod', '')), {
      alertId: 'a',
      workspace: 'prod',
      clientId: '',
    });

    // The options page's list: the newest alerts, with the IDs exact and the same messages.
    const recent = (await fakeBrowser.storage.local.get(RECENT_ALERTS_KEY))[RECENT_ALERTS_KEY] as {
      clientIds: string[];
      message: string;
      workspaceLabel: string;
    }[];
    assert.equal(recent.length, 50);
    for (const a of recent) {
      const id = a.clientIds[0]!;
      assert.ok(IDS.includes(id), 'a stored alert keeps the exact client ID');
      assert.ok(a.message === `Critical client ${expectedId(id)} disconnected.`);
      assertClean(a.message, 'stored alert', 1);
    }
    recordHardening('extension notifications', {
      strings: IDS.length * 2,
      sessions: checked + recent.length,
    });
  });

  it('keeps the badge tooltip to one clean, bounded line whatever a failing broker says', async () => {
    await store(workspace());
    const w = watch();
    const bodies: [string, (value: string) => Response][] = [
      ['500 JSON', (v) => json({ code: 'INTERNAL_ERROR', message: v }, 500)],
      ['401 JSON', (v) => json({ code: v, message: v }, 401)],
      [
        '200 not JSON',
        (v) =>
          new Response(`oops ${v}`, { status: 200, headers: { 'content-type': 'text/plain' } }),
      ],
      [
        '502 HTML',
        (v) =>
          new Response(`<html><head><title>${v}</title></head></html>`, {
            status: 502,
            headers: { 'content-type': 'text/html' },
          }),
      ],
    ];
    let faults = 0;
    for (const [kind, body] of bodies) {
      for (const value of IDS) {
        answer = () => body(value);
        const [result] = await w.pollAll();
        assert.ok(result && 'error' in result, `${kind}: an error`);
        const title = await fakeBrowser.action.getTitle({});
        const where = `${kind} saying ${JSON.stringify(value.slice(0, 40))}`;
        assert.ok(title.startsWith(`${LABEL}: `), `${where}: ${title.slice(0, 80)}`);
        assertClean(title, where);
        assert.ok(Array.from(title).length <= LABEL.length + 2 + 300 * 8, `${where}: too long`);
        assert.equal(await fakeBrowser.action.getBadgeText({}), '!');
        faults++;
      }
    }
    recordHardening('extension badge tooltip', { strings: IDS.length * bodies.length, faults });
  });

  it('keeps the API secret out of notifications, badge, alerts, stored state and the console', async () => {
    const KEY = 'ext-key-4e1a';
    const SECRET = 'Ex-apisecret-8c3f1d27';
    const WRONG = 'Ex-wrongsecret-51b9e0';
    const forms = (secret: string) => [
      secret,
      base64Utf8(secret),
      base64Utf8(`${KEY}:${secret}`),
      basicAuthorization(KEY, secret).slice('Basic '.length),
      encodeURIComponent(secret),
    ];
    const good = workspace({
      source: {
        kind: 'emqx',
        baseUrl: 'http://emqx.invalid/api/v5',
        apiKey: KEY,
        apiSecret: SECRET,
      },
      alertRules: [
        { id: 'low', kind: 'count-below', threshold: 5 },
        { id: 'crit', kind: 'critical-disconnect', clients: ['*'] },
      ],
    });
    const wrong = { ...good, source: { ...good.source, apiSecret: WRONG } };
    const logged: string[] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
    const originals = methods.map((m) => console[m]);
    for (const m of methods) {
      console[m] = (...args: unknown[]) => {
        logged.push(
          args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(' '),
        );
      };
    }
    const traces: string[] = [];
    let faults = 0;
    /** Every way a broker could echo what it was sent. */
    const echo = (init: RequestInit | undefined) => {
      const auth = new Headers(init?.headers).get('authorization') ?? '';
      const decoded = Buffer.from(auth.replace(/^Basic /, ''), 'base64').toString('utf8');
      return `auth=${auth} token=${auth.slice(6)} creds=${decoded} pass=${decoded.split(':')[1]}`;
    };
    const failures: Answer[] = [
      (_u, init) => json({ code: 'BAD_API_KEY_OR_SECRET', message: echo(init) }, 401),
      (_u, init) => json({ code: echo(init), message: echo(init) }, 500),
      (_u, init) =>
        new Response(
          `<html><head><title>Error ${echo(init)}</title></head><body>${echo(init)}</body></html>`,
          {
            status: 500,
            headers: { 'content-type': 'text/html' },
          },
        ),
      (_u, init) => new Response(`upstream said ${echo(init)}`, { status: 503 }),
      (_u, init) => json({ message: echo(init) }, 429, { 'retry-after': '1' }),
      (_u, init) => json({ code: 'FORBIDDEN', message: echo(init) }, 403),
      (_u, init) => new Response(`not json ${echo(init)}`, { status: 200 }),
      (_u, init) => new Response(`{"data": [${echo(init)}`, { status: 200 }),
      () => {
        throw new TypeError(`fetch failed (${SECRET})`);
      },
    ];
    try {
      const w = watch();
      w.start();
      // A poll with the wrong secret, then the right one, through every failure.
      for (const config of [wrong, good]) {
        await store(config);
        for (const failure of failures) {
          answer = failure;
          const [result] = await w.pollAll();
          assert.ok(result && 'error' in result, 'a failure');
          traces.push(JSON.stringify(result), await fakeBrowser.action.getTitle({}));
          faults++;
        }
      }
      // Polls that work raise alerts (a critical client leaves, the count falls) among failures.
      answer = listing(['ext-critical-1', 'ext-other-2']);
      await w.pollAll();
      now += 60_000;
      answer = listing([]);
      const [raised] = await w.pollAll();
      assert.ok(raised && 'alerts' in raised && raised.alerts >= 2, 'alerts raised');
      answer = failures[1]!;
      await w.pollAll();
      traces.push(await fakeBrowser.action.getTitle({}));
    } finally {
      methods.forEach((m, i) => (console[m] = originals[i] as never));
    }

    const local = await fakeBrowser.storage.local.get(null);
    delete local[CONFIG_KEY]; // The credentials' own entry.
    const stored = {
      notifications: await fakeBrowser.notifications.getAll(),
      local,
      session: await fakeBrowser.storage.session.get(null),
      history: await history.samples('prod', 0),
      watchState: await history.watchState('prod'),
    };
    const haystacks: [string, string][] = [
      ['notifications', JSON.stringify(stored.notifications)],
      ['storage.local (but the config)', JSON.stringify(stored.local)],
      ['storage.session', JSON.stringify(stored.session)],
      ['history', JSON.stringify(stored.history)],
      ['watch state', JSON.stringify(stored.watchState)],
      ['badge titles and poll results', traces.join('\n')],
      ['console', logged.join('\n')],
    ];
    assert.ok(JSON.stringify(stored.local).includes('ext-critical-1'), 'the alerts were stored');
    for (const secret of [SECRET, WRONG]) {
      for (const form of forms(secret)) {
        for (const [where, text] of haystacks) {
          assert.ok(!text.includes(form), `${where} holds ${form}: ${text}`);
        }
      }
    }
    recordHardening('extension secrets', { faults, sessions: 2 });
  });
});
