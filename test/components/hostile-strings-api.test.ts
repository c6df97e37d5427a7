import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import { expect, fixture, fixtureCleanup, html, oneEvent, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { AlertDetail } from '../../components/cs-active-sessions/events.js';
import { EmqxSource } from '../../src/sources/emqx.js';
import {
  connectClients,
  plain,
  sourceFor,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, nameOf, queryAllByRole } from '../support/by-role.js';
import { countText, dialogOf, sessionRows, uniqueKey, waitForRows } from '../support/element.js';
import { hardening } from '../support/hardening.js';
import {
  armCanary,
  detailsValues,
  disconnectAll,
  expectContained,
  expectCsvExport,
  expectInert,
  expectJsonExport,
  expectLayout,
  rowOf,
  searchFor,
} from '../support/hostile-checks.js';
import { MQTT_STRINGS } from '../support/hostile-broker-suite.js';
import { hasLoneSurrogate, HOSTILE_STRINGS } from '../support/hostile-strings.js';

/** What MQTT or the dev broker's URLs cannot carry: NUL, lone surrogates, huge or empty IDs. */
const API_ONLY = HOSTILE_STRINGS.filter((s) => !MQTT_STRINGS.includes(s));
const WIDTH = 1100;
/** Longer request paths get a 431, as Node's HTTP server (and proxies) answer. */
const URL_LIMIT = 8000;
const NODE = 'emqx@127.0.0.1';

function emqxClient(clientId: string, i: number) {
  const at = new Date(Date.UTC(2024, 3, 5, 12, 0, i)).toISOString();
  return {
    clientid: clientId,
    username: clientId,
    node: NODE,
    ip_address: '127.0.0.1',
    port: 50_000 + i,
    listener: 'tcp:default',
    proto_name: 'MQTT',
    proto_ver: 4,
    connected: true,
    connected_at: at,
    created_at: at,
    clean_start: true,
    keepalive: 60,
    expiry_interval: 0,
    subscriptions_cnt: 1,
    mqueue_len: 0,
    mqueue_max: 1000,
    inflight_cnt: 0,
    inflight_max: 32,
    recv_msg: 0,
    send_msg: 0,
    recv_oct: 0,
    send_oct: 0,
    recv_pkt: 1,
    send_pkt: 1,
  };
}

/** An EMQX v5 API in memory, answering with EMQX's shapes; 431 for URLs past the limit. */
function fakeEmqx(ids: string[]) {
  const present = new Set(ids);
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = new URL(String(input));
    const path = url.pathname.replace(/^\/api\/v5/, '');
    const method = init?.method ?? 'GET';
    if (url.pathname.length + url.search.length > URL_LIMIT) {
      return new Response('', { status: 431, statusText: 'Request Header Fields Too Large' });
    }
    if (path === '/stats') return json({ 'live_connections.count': present.size });
    if (path === '/clients_v2' || path === '/clients') {
      const data = ids.filter((id) => present.has(id)).map(emqxClient);
      return json({ data, meta: { count: data.length, page: 1, limit: 1000, hasnext: false } });
    }
    if (path === '/clients/kickout/bulk' && method === 'POST') {
      for (const id of JSON.parse(String(init?.body)) as string[]) present.delete(id);
      return new Response(null, { status: 204 });
    }
    const m = /^\/clients\/([^/]*)(\/subscriptions)?$/.exec(path);
    if (m) {
      const id = decodeURIComponent(m[1]!);
      if (!present.has(id)) {
        return json({ code: 'CLIENTID_NOT_FOUND', message: 'Client ID not found' }, 404);
      }
      if (m[2])
        return json([{ topic: id, clientid: id, node: NODE, qos: 1, nl: 0, rap: 0, rh: 0 }]);
      if (method === 'DELETE') {
        present.delete(id);
        return new Response(null, { status: 204 });
      }
      return json(emqxClient(id, ids.indexOf(id)));
    }
    return json({ code: 'NOT_FOUND', message: 'Not found' }, 404);
  };
  return new EmqxSource({
    baseUrl: 'http://emqx.invalid/api/v5',
    apiKey: 'key',
    apiSecret: 'secret',
    fetch,
  });
}

const requestPath = (id: string) => `/api/v5/clients/${encodeURIComponent(id)}/subscriptions`;

describe('<cs-active-sessions> hostile strings only an API answer can carry', () => {
  let broker: BrokerInfo | undefined;

  afterEach(async () => {
    fixtureCleanup();
    if (broker) await stopBroker(broker);
    broker = undefined;
  });

  it(`should show, detail, export, disconnect, audit and alert on the ${API_ONLY.length} strings MQTT cannot carry`, async function () {
    this.timeout(60_000);
    armCanary();
    // An empty client ID is no session: the element reports it once instead of a row.
    const strings = API_ONLY.filter((s) => s.value !== '');
    const n = strings.length;
    await setViewport({ width: WIDTH + 100, height: (n + 12) * 40 + 2000 });
    const host = await fixture<HTMLDivElement>(
      html`<div style="width: ${WIDTH}px">
        <cs-active-sessions
          style="--cs-table-height: ${(n + 2) * 40}px"
          .source=${fakeEmqx(API_ONLY.map((s) => s.value))}
          .alertRules=${[{ id: 'every', kind: 'critical-disconnect', clients: ['*'] }]}
          refresh-interval="3600"
          storage-key=${uniqueKey()}
        ></cs-active-sessions>
      </div>`,
    );
    const el = host.querySelector('cs-active-sessions') as CsActiveSessions;
    const alerts: AlertDetail[] = [];
    el.addEventListener('cs-alert', (e) => alerts.push(e.detail));
    await waitUntil(() => countText(el) === `${n} active sessions`, undefined, {
      timeout: 10_000,
    }).catch(() => {
      throw new Error(
        `listed: ${countText(el)}; ${el.shadowRoot!.textContent!.replace(/\s+/g, ' ').slice(0, 600)}`,
      );
    });
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.include('1 session from the broker could not be read');
    await waitUntil(() => sessionRows(el).length === n, 'every row rendered');
    let tried = 1;
    for (const s of strings) {
      const row = rowOf(el, s.value);
      expect(
        row,
        `row of ${s.label}: ${JSON.stringify(sessionRows(el).map((r) => [r.getAttribute('aria-rowindex'), r.querySelector('bdi')?.textContent?.length, r.querySelector('bdi')?.textContent?.slice(0, 5)]))}`,
      ).to.not.equal(undefined);
      expect(row!.querySelector('[title]')!.getAttribute('title') === s.value).to.equal(true);
    }
    expectInert(el, 'rows');
    expectLayout(el, 'rows', WIDTH);
    tried += n;

    for (const s of strings) {
      await searchFor(el, s.value);
      await waitUntil(() => rowOf(el, s.value), `search finds ${s.label}`);
      rowOf(el, s.value)!.click();
      await el.updateComplete;
      const details = getByRole(el.shadowRoot!, 'region', 'Session details');
      const [id, user] = detailsValues(details);
      expect(id === s.value, `details client ID of ${s.label}`).to.equal(true);
      expect(user === s.value, `details username of ${s.label}`).to.equal(true);
      await waitUntil(
        () => !details.textContent!.includes('Loading subscriptions'),
        `subscriptions of ${s.label}`,
      );
      const error = details.querySelector('.error-text')?.textContent ?? '';
      if (hasLoneSurrogate(s.value)) {
        expect(error, s.label).to.include('lone surrogate');
      } else if (requestPath(s.value).length > URL_LIMIT) {
        expect(error, s.label).to.include('URL is too long');
        expect(error.length, 'the message quotes the ID shortened').to.be.below(300);
      } else {
        const topics = [...details.querySelectorAll('.subscriptions code bdi')].map(
          (b) => b.textContent,
        );
        expect(topics.length === 1 && topics[0] === s.value, `topic of ${s.label}`).to.equal(true);
      }
      expectContained(el, details, `details ${s.label}`, WIDTH);
      expectInert(el, `details ${s.label}`);
    }
    await searchFor(el, '');
    tried += 2 * n;

    const expected = strings.map((s) => ({ clientId: s.value, username: s.value }));
    await expectJsonExport(el, expected);
    await expectCsvExport(el, expected);
    tried += 2 * n;

    // Acting on an ID the URL limit refuses: a clear message, the row stays.
    const huge = strings.find((s) => s.label === 'long 65535 bytes')!.value;
    rowOf(el, huge)!.click();
    await el.updateComplete;
    let details = getByRole(el.shadowRoot!, 'region', 'Session details');
    getByRole(details, 'button', 'Disconnect').click();
    await el.updateComplete;
    let done = oneEvent(el, 'cs-disconnect');
    getByRole(dialogOf(el), 'button', 'Disconnect').click();
    expect((await done).detail.results[0].outcome).to.equal('failed');
    await el.updateComplete;
    details = getByRole(el.shadowRoot!, 'region', 'Session details');
    const alert = getByRole(details, 'alert').textContent!;
    expect(alert).to.match(/Could not disconnect.*URL is too long.*too long to be named in a URL/s);
    expect(alert.length).to.be.below(400);
    expectContained(el, details, 'disconnect error', WIDTH);
    // A lone surrogate cannot be put in a URL at all: said before anything is sent.
    const lone = strings.find((s) => s.label === 'lone high surrogate')!.value;
    rowOf(el, lone)!.click();
    await el.updateComplete;
    details = getByRole(el.shadowRoot!, 'region', 'Session details');
    await waitUntil(() => detailsValues(details)[0] === lone, 'details of the lone surrogate');
    const button = getByRole(details, 'button', 'Disconnect') as HTMLButtonElement;
    await waitUntil(
      () => !button.disabled,
      `Disconnect enabled: ${details.textContent!.slice(0, 300)}`,
    );
    button.click();
    await el.updateComplete;
    await waitUntil(() => queryAllByRole(el.shadowRoot!, 'alertdialog').length, 'the dialog');
    done = oneEvent(el, 'cs-disconnect');
    getByRole(dialogOf(el), 'button', 'Disconnect').click();
    await done;
    await el.updateComplete;
    expect(getByRole(details, 'alert').textContent).to.include('lone surrogate');
    expect(countText(el)).to.equal(`${n} active sessions`);

    // The bulk endpoint takes IDs in its body: every one goes, and the audit log says so.
    // (First let the closed dialog's `close` event arrive, as it would before a person clicks.)
    await new Promise((r) => setTimeout(r, 50));
    await disconnectAll(el, n);
    await waitUntil(() => countText(el) === '0 active sessions', 'all gone', { timeout: 10_000 });
    getByRole(el.shadowRoot!, 'button', 'Audit log').click();
    await waitUntil(
      () => el.shadowRoot!.querySelectorAll('[part="audit"] ol.audit > li').length === 3,
      'three entries',
    );
    const audit = el.shadowRoot!.querySelector<HTMLElement>('[part="audit"]')!;
    const audited = [...audit.querySelectorAll('ol.audit li li bdi')].map((b) => b.textContent);
    for (const s of strings) expect(audited.includes(s.value), `audited ${s.label}`).to.equal(true);
    expectContained(el, audit, 'audit log', WIDTH);
    expectInert(el, 'audit log');
    tried += n;

    await waitUntil(() => new Set(alerts.map((a) => a.clientIds[0])).size === n, 'alerts', {
      timeout: 10_000,
    });
    queryAllByRole(el.shadowRoot!, 'button')
      .find((b) => /^Alerts( \d+)?$/.test(nameOf(b)))!
      .click();
    await el.updateComplete;
    const panel = el.shadowRoot!.querySelector<HTMLElement>('[part="alerts"]')!;
    const shown = new Set(
      [...panel.querySelectorAll('ol.alerts li bdi')].map((b) => b.textContent),
    );
    for (const s of strings) {
      expect(shown.has(`Critical client ${s.value} disconnected.`), `alert ${s.label}`).to.equal(
        true,
      );
    }
    expectContained(el, panel, 'alerts', WIDTH);
    expectInert(el, 'alerts');
    tried += n;
    await hardening('hostile strings from API answers', { strings: tried, sessions: n });
  });

  it('should say clearly why a 65,535-byte client ID on the real dev broker cannot be acted on', async function () {
    this.timeout(30_000);
    broker = await startBroker();
    const huge = 'q'.repeat(65_535);
    await connectClients(broker, [plain(huge), plain('bystander')]);
    const host = await fixture<HTMLDivElement>(
      html`<div style="width: ${WIDTH}px">
        <cs-active-sessions
          .source=${sourceFor(broker)}
          refresh-interval="3600"
        ></cs-active-sessions>
      </div>`,
    );
    const el = host.querySelector('cs-active-sessions') as CsActiveSessions;
    await waitForRows(el, 2);
    expectLayout(el, 'huge row', WIDTH);
    rowOf(el, huge)!.click();
    await el.updateComplete;
    const details = getByRole(el.shadowRoot!, 'region', 'Session details');
    expect(detailsValues(details)[0] === huge).to.equal(true);
    // Node answers 431 without CORS headers: the browser sees a failed fetch.
    await waitUntil(() => details.querySelector('.error-text'), 'subscriptions fail');
    expect(details.querySelector('.error-text')!.textContent).to.include('URL is');
    getByRole(details, 'button', 'Disconnect').click();
    await el.updateComplete;
    const done = oneEvent(el, 'cs-disconnect');
    getByRole(dialogOf(el), 'button', 'Disconnect').click();
    expect((await done).detail.results[0].outcome).to.equal('failed');
    await el.updateComplete;
    const message = getByRole(details, 'alert').textContent!;
    expect(message).to.include('characters long');
    expect(message).to.include('refuse URLs that long');
    expect(message.length).to.be.below(400);
    expectContained(el, details, 'huge details', WIDTH);
    expect(countText(el)).to.equal('2 active sessions');
    await hardening('hostile strings: acting on a 65,535-byte ID', { strings: 1, sessions: 1 });
  });
});
