/**
 * Secrets: the element runs through a realistic session with known, distinctive secrets (an
 * EMQX API key's secret, a dashboard login password, live MQTT credentials, workspace configs
 * with EMQX, dashboard-login and RabbitMQ credentials), with failures on the way (wrong
 * credentials, 500s, a broker that echoes the request's credentials in its error, a disconnect
 * that fails, a live feed refused), an export, an alert and the audit log. Then every place a
 * secret could end up is scanned for each secret and its encoded forms: the DOM (shadow roots,
 * attributes, form values), the console, every `cs-*` event, the exports, IndexedDB,
 * localStorage and sessionStorage.
 */
import { expect, fixture, fixtureCleanup, html, oneEvent, waitUntil } from '@open-wc/testing';
import { openDB } from 'idb';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { ExportDetail } from '../../components/cs-active-sessions/events.js';
import { base64Utf8, basicAuthorization } from '../../src/sources/http.js';
import { EmqxSource } from '../../src/sources/emqx.js';
import {
  connectClients,
  plain,
  setFaults,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, queryByRole } from '../support/by-role.js';
import {
  countText,
  dialogOf,
  openDetails,
  tick,
  uniqueKey,
  waitForRows,
} from '../support/element.js';
import { gatedFetch } from '../support/gated-fetch.js';
import { hardening } from '../support/hardening.js';

const API_KEY = 'ops-key-7d1c';
const API_SECRET = 'Sx-apisecret-9f4e7c1b';
const WRONG_SECRET = 'Sx-wrongsecret-2b6a90';
const LOGIN_PASSWORD = 'Lp-dashpass-3a8d2e';
const LIVE_WRONG_PASSWORD = 'Lv-livepass-5c2b71';
const WS_WRONG_SECRET = 'Ws-wrongsecret-77e1c4';
const WS_LOGIN_PASSWORD = 'Wl-loginpass-0b9c35';
const RABBIT_PASSWORD = 'Rb-rabbitpass-41f0d8';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Each secret and the forms it travels in (HTTP Basic, Base64, URL-encoded). */
function forms(user: string, secret: string): string[] {
  return [
    secret,
    base64Utf8(secret),
    base64Utf8(`${user}:${secret}`),
    basicAuthorization(user, secret).slice('Basic '.length),
    encodeURIComponent(secret),
  ];
}

/** Every text, attribute and form value under a node, shadow roots included. */
function deepText(root: Node, out: string[] = []): string[] {
  if (root.nodeType === Node.TEXT_NODE || root.nodeType === Node.COMMENT_NODE) {
    out.push(root.nodeValue ?? '');
    return out;
  }
  if (root instanceof Element) {
    for (const a of root.attributes) out.push(`${a.name}=${a.value}`);
    if (root instanceof HTMLInputElement || root instanceof HTMLTextAreaElement) {
      out.push(root.value);
    }
    if (root instanceof HTMLSelectElement) out.push(root.value);
    if (root.shadowRoot) deepText(root.shadowRoot, out);
  }
  for (const child of root.childNodes) deepText(child, out);
  return out;
}

/** Every record of every object store of every IndexedDB database of the page. */
async function indexedDbDump(): Promise<string> {
  const parts: string[] = [];
  for (const info of await indexedDB.databases()) {
    if (!info.name) continue;
    const db = await openDB(info.name);
    for (const store of db.objectStoreNames) {
      parts.push(JSON.stringify(await db.getAll(store)));
      parts.push(JSON.stringify(await db.getAllKeys(store)));
    }
    db.close();
  }
  return parts.join('\n');
}

describe('<cs-active-sessions> secrets', () => {
  let broker: BrokerInfo | undefined;
  const consoleSeen: string[] = [];
  const restore: (() => void)[] = [];

  beforeEach(() => {
    // Every console message of the page (what the test runner's browser log shows, too).
    for (const level of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const original = console[level];
      console[level] = (...args: unknown[]) => {
        consoleSeen.push(
          args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(' '),
        );
        try {
          consoleSeen.push(JSON.stringify(args));
        } catch {
          // Circular: the String() form above is kept.
        }
        original.apply(console, args);
      };
      restore.push(() => (console[level] = original));
    }
    const onError = (e: ErrorEvent) => consoleSeen.push(`${e.message} ${String(e.error)}`);
    const onRejection = (e: PromiseRejectionEvent) => consoleSeen.push(String(e.reason));
    window.addEventListener('error', onError);
    window.addEventListener('unhandledrejection', onRejection);
    restore.push(() => window.removeEventListener('error', onError));
    restore.push(() => window.removeEventListener('unhandledrejection', onRejection));
  });

  afterEach(async () => {
    for (const r of restore.splice(0)) r();
    fixtureCleanup();
    if (broker) await stopBroker(broker);
    broker = undefined;
  });

  it('should keep every secret out of the DOM, console, events, exports, storage and errors', async () => {
    broker = await startBroker();
    const b = broker;
    await connectClients(b, [
      plain('sec-ok-1'),
      plain('sec-ok-2'),
      plain('sec-fail-1'),
      plain('sec-bulk-1'),
      plain('sec-bulk-2'),
      plain('keep-1'),
    ]);
    await setFaults(b, { kickFailures: ['sec-fail-1', 'sec-bulk-2'] });

    // A proxy-like fetch: the element's distinctive credentials become the dev broker's own.
    // It can fail a list with a 500 whose body echoes the credentials it was sent.
    const brokerBasic = basicAuthorization(b.apiKey, b.apiSecret);
    let echo500 = 0;
    const tokens: string[] = [];
    const header = (init: RequestInit, name: string) =>
      new Headers(init.headers).get(name) ?? undefined;
    const proxied = gatedFetch((url, init) => {
      const headers = new Headers(init.headers);
      if (headers.get('authorization') === basicAuthorization(API_KEY, API_SECRET)) {
        headers.set('authorization', brokerBasic);
      }
      let body = init.body;
      if (url.endsWith('/login') && typeof body === 'string') {
        const login = JSON.parse(body) as { username: string; password: string };
        if (login.password === LOGIN_PASSWORD)
          body = JSON.stringify({ ...login, password: 'public' });
      }
      return { ...init, headers, body };
    });
    const fetchWithFaults: typeof fetch = async (input, init = {}) => {
      const url = String(input);
      if (echo500 > 0 && /\/clients(_v2)?\?/.test(url)) {
        echo500--;
        return new Response(
          JSON.stringify({
            code: 'INTERNAL_ERROR',
            message: `upstream refused request with authorization ${header(init, 'authorization')}`,
          }),
          { status: 500, headers: { 'content-type': 'application/json' } },
        );
      }
      const res = await proxied.fetch(input, init);
      if (url.endsWith('/login') && res.ok) {
        const copy = res.clone();
        const body = (await copy.json()) as { token?: string };
        if (body.token) tokens.push(body.token);
      }
      return res;
    };

    const key = uniqueKey();
    const events: { type: string; detail: string }[] = [];
    const blobs: Promise<string>[] = [];
    const watch = (el: HTMLElement) => {
      const dispatch = el.dispatchEvent.bind(el);
      el.dispatchEvent = (event: Event) => {
        if (event.type.startsWith('cs-')) {
          const detail = (event as CustomEvent).detail as unknown;
          events.push({ type: event.type, detail: JSON.stringify(detail) ?? '' });
          const blob = (detail as { blob?: unknown } | null)?.blob;
          if (blob instanceof Blob) blobs.push(blob.text());
        }
        return dispatch(event);
      };
    };

    // 1. The main element: an API key and secret, live credentials, an alert rule, an operator.
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${new EmqxSource({
          baseUrl: b.apiUrl,
          apiKey: API_KEY,
          apiSecret: API_SECRET,
          fetch: fetchWithFaults,
        })}
        .liveCredentials=${{ username: 'dashboard', password: b.apiSecret }}
        .alertRules=${[{ id: 'low', kind: 'count-below', threshold: 100 }]}
        live
        live-url=${b.wsUrl}
        refresh-interval="0"
        plan-limit="5"
        operator="alice@ops"
        storage-key=${key}
      ></cs-active-sessions>`,
    );
    watch(el);
    await waitForRows(el, 6);
    await waitUntil(() => el.shadowRoot!.textContent!.includes('Live'), 'the live feed', {
      timeout: 8000,
    });

    // A disconnect that fails (500), one that works, a bulk run with one failure.
    const outcomes: string[] = [];
    for (const [clientId, outcome] of [
      ['sec-fail-1', 'failed'],
      ['sec-ok-1', 'disconnected'],
    ] as const) {
      const details = await openDetails(el, clientId);
      getByRole(details, 'button', 'Disconnect').click();
      await el.updateComplete;
      const done = oneEvent(el, 'cs-disconnect');
      getByRole(dialogOf(el), 'button', 'Disconnect').click();
      const { results } = (await done).detail as { results: { outcome: string }[] };
      outcomes.push(...results.map((r) => r.outcome));
      expect(results[0]!.outcome).to.equal(outcome);
      await waitUntil(() => !queryByRole(el.shadowRoot!, 'alertdialog'), 'the dialog closes');
      await sleep(50);
    }
    tick(el, 'sec-bulk-1');
    tick(el, 'sec-bulk-2');
    await el.updateComplete;
    getByRole(el.shadowRoot!, 'button', 'Disconnect selected').click();
    await el.updateComplete;
    const bulkDone = oneEvent(el, 'cs-disconnect');
    getByRole(dialogOf(el), 'button', 'Disconnect 2 sessions').click();
    outcomes.push(
      ...((await bulkDone).detail as { results: { outcome: string }[] }).results.map(
        (r) => r.outcome,
      ),
    );
    await waitUntil(() => queryByRole(el.shadowRoot!, 'alertdialog'), 'the results');
    getByRole(dialogOf(el), 'button', 'Close').click();
    await waitUntil(() => !queryByRole(el.shadowRoot!, 'alertdialog'), 'the dialog closes');
    await sleep(100);

    // A 500 that echoes the credentials it was sent: the message is shown, the data stale.
    echo500 = 1;
    const failed = oneEvent(el, 'cs-error');
    void el.refresh();
    await failed;
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.include('HTTP 500');
    echo500 = 0;

    // Exports: CSV and JSON of the sessions.
    for (const format of ['CSV', 'JSON']) {
      await waitUntil(async () => {
        if (queryByRole(el.shadowRoot!, 'menu', 'Export')) return true;
        const open = getByRole(el.shadowRoot!, 'button', 'Export') as HTMLButtonElement;
        if (!open.disabled) open.click();
        await el.updateComplete;
        return queryByRole(el.shadowRoot!, 'menu', 'Export');
      }, 'the export menu');
      const exported = oneEvent(el, 'cs-export');
      getByRole(getByRole(el.shadowRoot!, 'menu', 'Export'), 'menuitem', format).click();
      const detail = (await exported).detail as ExportDetail;
      blobs.push(detail.blob.text());
    }
    // The audit log, opened.
    getByRole(el.shadowRoot!, 'button', 'Audit log').click();
    await waitUntil(() => queryByRole(el.shadowRoot!, 'region', 'Audit log'), 'audit log');
    await waitUntil(
      () => getByRole(el.shadowRoot!, 'region', 'Audit log').textContent!.includes('sec-bulk-2'),
      'the audit entries',
    );

    // 2. A dashboard login (POST /login with a password), and one with a wrong API secret.
    const login = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${new EmqxSource({
          baseUrl: b.apiUrl,
          login: { username: 'admin', password: LOGIN_PASSWORD },
          fetch: fetchWithFaults,
        })}
        refresh-interval="0"
        storage-key=${uniqueKey()}
      ></cs-active-sessions>`,
    );
    watch(login);
    await waitUntil(() => countText(login) === '5 active sessions', 'listed through the login');
    expect(tokens.length).to.be.greaterThan(0);

    const wrong = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${new EmqxSource({
          baseUrl: b.apiUrl,
          apiKey: API_KEY,
          apiSecret: WRONG_SECRET,
          fetch: fetchWithFaults,
        })}
        .liveCredentials=${{ username: 'dashboard', password: LIVE_WRONG_PASSWORD }}
        live
        live-url=${b.wsUrl}
        refresh-interval="0"
        storage-key=${uniqueKey()}
      ></cs-active-sessions>`,
    );
    watch(wrong);
    await waitUntil(
      () => wrong.shadowRoot!.textContent!.includes('refused the credentials'),
      'the credentials message',
    );

    // 3. Workspaces with credentials: a good one, a wrong secret, a wrong dashboard login, and
    // a RabbitMQ management API that is not there.
    const closedPort = new URL(b.apiUrl);
    closedPort.port = '9';
    const ws = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        refresh-interval="0"
        storage-key=${uniqueKey()}
      ></cs-active-sessions>`,
    );
    watch(ws);
    ws.workspaces = [
      {
        id: 'good',
        label: 'Good',
        source: { kind: 'emqx', baseUrl: b.apiUrl, apiKey: b.apiKey, apiSecret: b.apiSecret },
      },
      {
        id: 'wrong',
        label: 'Wrong',
        source: { kind: 'emqx', baseUrl: b.apiUrl, apiKey: b.apiKey, apiSecret: WS_WRONG_SECRET },
      },
      {
        id: 'login',
        label: 'Login',
        source: {
          kind: 'emqx',
          baseUrl: b.apiUrl,
          auth: 'login',
          apiKey: 'admin',
          apiSecret: WS_LOGIN_PASSWORD,
        },
      },
      {
        id: 'rabbit',
        label: 'Rabbit',
        source: {
          kind: 'rabbitmq',
          baseUrl: `${closedPort.origin}/api`,
          apiKey: 'guest',
          apiSecret: RABBIT_PASSWORD,
        },
      },
    ];
    await waitUntil(
      () => {
        const text = ws.shadowRoot!.textContent!;
        return (
          countText(ws).endsWith('active sessions') &&
          text.includes('Wrong:') &&
          text.includes('Login:') &&
          text.includes('Rabbit:')
        );
      },
      'every workspace answered or failed',
      { timeout: 10000 },
    );
    await sleep(300);

    // The scan.
    const secrets: [string, string][] = [
      [API_KEY, API_SECRET],
      [API_KEY, WRONG_SECRET],
      ['admin', LOGIN_PASSWORD],
      ['dashboard', b.apiSecret],
      ['dashboard', LIVE_WRONG_PASSWORD],
      [b.apiKey, b.apiSecret],
      [b.apiKey, WS_WRONG_SECRET],
      ['admin', WS_LOGIN_PASSWORD],
      ['guest', RABBIT_PASSWORD],
    ];
    const needles = [...new Set([...secrets.flatMap(([u, s]) => forms(u, s)), ...tokens])];
    const places: Record<string, string> = {
      'shadow DOM and attributes': [el, login, wrong, ws]
        .map((e) => deepText(e).join('\n'))
        .join('\n'),
      'light DOM and the page': deepText(document.documentElement).join('\n') + document.title,
      'outer HTML': [el, login, wrong, ws].map((e) => e.outerHTML).join('\n'),
      console: consoleSeen.join('\n'),
      'cs-* events': events.map((e) => `${e.type} ${e.detail}`).join('\n'),
      exports: (await Promise.all(blobs)).join('\n'),
      IndexedDB: await indexedDbDump(),
      localStorage: JSON.stringify({ ...localStorage }),
      sessionStorage: JSON.stringify({ ...sessionStorage }),
      location: location.href + document.cookie,
    };
    const leaks: string[] = [];
    for (const [place, text] of Object.entries(places)) {
      for (const needle of needles) {
        if (text.includes(needle)) leaks.push(`${place} holds ${needle}`);
      }
    }
    expect(leaks).to.deep.equal([]);
    // What was scanned is real: the errors are there, only the secrets are not.
    expect(places['cs-* events']).to.include('cs-error');
    expect(places['cs-* events']).to.include('cs-alert');
    expect(places['exports']).to.include('keep-1');
    expect(places['IndexedDB']).to.include('sec-bulk-2');
    expect(places['shadow DOM and attributes']).to.include('refused the credentials');

    await hardening('secrets', {
      faults: 7,
      sessions: 6 + 5 + 5,
      // Every action ends known: disconnected, already gone, or failed with its reason.
      actionsLost: outcomes.filter(
        (o) => !['disconnected', 'already-gone', 'failed', 'cancelled'].includes(o),
      ).length,
    });
  });
});
