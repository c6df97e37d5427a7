/**
 * Issue 11's fault and hostile-string guarantees where RabbitMQ's path differs from EMQX's: the
 * element on a real RabbitMQ, reached through a fault-injecting proxy (test/support/fault-proxy.ts),
 * with real MQTT.js clients. RabbitMQ lists clients from `/api/connections` (plus `/api/queues`
 * and `/api/bindings`), closes them by connection name (`DELETE /api/connections/{name}`, after
 * reading it), and lists a new connection about 5 s late, so tests wait for it.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand, setViewport } from '@web/test-runner-commands';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { DisconnectDetail } from '../../components/cs-active-sessions/events.js';
import { RabbitMQSource } from '../../src/sources/rabbitmq.js';
import { getByRole, queryByRole } from '../support/by-role.js';
import { countText, dialogOf, openDetails, rowsOf, uniqueKey } from '../support/element.js';
import type { Fault, LoggedRequest } from '../support/fault-proxy.js';
import { hardening } from '../support/hardening.js';
import {
  armCanary,
  detailsValues,
  disconnectAll,
  expectCsvExport,
  expectInert,
  expectJsonExport,
  expectLayout,
  rowOf,
  searchFor,
} from '../support/hostile-checks.js';

interface RabbitInfo {
  apiUrl: string;
  user: string;
  password: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const CONNECTIONS = '/api/connections';
/** RabbitMQ lists a new MQTT connection once its stats are collected. */
const LISTED = { timeout: 25_000, interval: 200 };

let proxyId: string | undefined;
let rabbit: RabbitInfo;

async function startProxy(): Promise<string> {
  rabbit = await executeServerCommand<RabbitInfo, object>('rabbit-info', {});
  const { id, url } = await executeServerCommand<{ id: string; url: string }, object>(
    'fault-proxy-start',
    { target: rabbit.apiUrl },
  );
  proxyId = id;
  return url;
}
const setFaults = (faults: Fault[]) =>
  executeServerCommand('fault-proxy-faults', { id: proxyId, faults });
const requests = (since: number) =>
  executeServerCommand<LoggedRequest[], object>('fault-proxy-requests', { id: proxyId, since });
/** The connection lists (GET /api/connections, any page) the proxy saw from `since` on. */
const listRequests = async (since: number) =>
  (await requests(since)).filter((r) => r.method === 'GET' && r.path.split('?')[0] === CONNECTIONS);
const connect = (clients: { clientId: string; subscriptions?: { topic: string; qos: 1 }[] }[]) =>
  executeServerCommand('rabbit-connect', { clients });
const closedAtBroker = async (clientId: string) =>
  (await executeServerCommand<{ closed: boolean }, object>('rabbit-client', { clientId })).closed;

/** Whether RabbitMQ itself (not through the proxy) lists a client. */
async function rabbitLists(clientId: string): Promise<boolean> {
  const res = await fetch(`${rabbit.apiUrl}/connections?columns=client_properties`, {
    headers: { authorization: `Basic ${btoa(`${rabbit.user}:${rabbit.password}`)}` },
    credentials: 'omit',
  });
  const list = (await res.json()) as { client_properties?: { client_id?: string } }[];
  return list.some((c) => c.client_properties?.client_id === clientId);
}

function render(
  url: string,
  options: { interval?: number; timeoutMs?: number; password?: string } = {},
) {
  return fixture<CsActiveSessions>(
    html`<cs-active-sessions
      .source=${new RabbitMQSource({
        baseUrl: url,
        username: rabbit.user,
        password: options.password ?? rabbit.password,
        timeoutMs: options.timeoutMs,
      })}
      storage-key=${uniqueKey()}
      refresh-interval=${options.interval ?? 30}
    ></cs-active-sessions>`,
  );
}

const bannerOf = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('[part="error"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const updatedOf = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('[part="status"] .updated')?.textContent?.trim() ?? '';
const isStale = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('.grid')?.classList.contains('stale') === true &&
  updatedOf(el).includes('(stale)');
const hasAll = (el: CsActiveSessions, ids: string[]) => {
  const rows = rowsOf(el);
  return ids.every((id) => rows.has(id));
};

/** Refreshes until RabbitMQ lists every one of `ids` (it lists new connections late). */
const waitListed = (el: CsActiveSessions, ids: string[]) =>
  waitUntil(
    async () => {
      if (hasAll(el, ids)) return true;
      await el.refresh();
      return hasAll(el, ids);
    },
    `listed: ${ids.join(', ')}`,
    { timeout: 25_000, interval: 1000 },
  );

/** Confirms the open details' `Disconnect`; resolves with the results. */
async function disconnectFromDetails(el: CsActiveSessions, clientId: string) {
  const details = await openDetails(el, clientId);
  getByRole(details, 'button', 'Disconnect').click();
  await el.updateComplete;
  const done = oneEvent(el, 'cs-disconnect');
  getByRole(dialogOf(el), 'button', 'Disconnect').click();
  return ((await done).detail as DisconnectDetail).results;
}

describe('<cs-active-sessions> on a real RabbitMQ behind a fault proxy', () => {
  const figures = { faults: 0, sessions: 0, actionsLost: 0 };
  let tag = '';

  beforeEach(() => {
    tag = `rqf-${Math.random().toString(36).slice(2, 8)}`;
  });
  afterEach(async () => {
    if (proxyId) await executeServerCommand('fault-proxy-stop', { id: proxyId });
    proxyId = undefined;
  });
  after(async () => {
    await hardening('faults: RabbitMQ through a fault proxy (browser)', figures);
  });

  it('should say the management credentials are refused (401, 403) and not retry them rapidly', async function () {
    this.timeout(60_000);
    const url = await startProxy();
    const ids = [`${tag}-cred-1`, `${tag}-cred-2`];
    await connect(ids.map((clientId) => ({ clientId })));
    // A real 401: RabbitMQ refuses a wrong password.
    const started = Date.now();
    const refused = await render(url, { interval: 5, password: 'wrong-rabbit-secret' });
    figures.faults++;
    await waitUntil(() => bannerOf(refused).includes('refused the credentials'), 'a 401', {
      timeout: 8000,
    });
    expect(bannerOf(refused)).to.include('Check the management user name and password');
    expect(bannerOf(refused)).not.to.include('wrong-rabbit-secret');
    await sleep(4000);
    // One list saw the 401; nothing retried it within the next 4 s.
    expect((await listRequests(started)).length).to.equal(1);
    refused.remove();

    const el = await render(url, { interval: 5 });
    await waitListed(el, ids);
    expect(bannerOf(el)).to.equal('');
    await setFaults([{ path: CONNECTIONS, method: 'GET', status: 403 }]);
    figures.faults++;
    const forbiddenAt = Date.now();
    await el.refresh();
    await waitUntil(() => bannerOf(el).includes('does not allow these credentials'), 'a 403', {
      timeout: 8000,
    });
    expect(hasAll(el, ids)).to.equal(true);
    expect(isStale(el)).to.equal(true);
    await sleep(4000);
    expect((await listRequests(forbiddenAt)).length).to.equal(1);
    figures.sessions += ids.length;

    await setFaults([]);
    await el.refresh();
    await waitUntil(() => bannerOf(el) === '' && !isStale(el), 'recovers');
  });

  it('should keep the last good list, marked stale, through 5xx, an HTML 502 and a hang, and recover', async function () {
    this.timeout(90_000);
    const url = await startProxy();
    const ids = [`${tag}-steady-1`, `${tag}-steady-2`];
    await connect(ids.map((clientId) => ({ clientId })));
    const el = await render(url, { timeoutMs: 1000 });
    await waitListed(el, ids);
    const fault = { path: CONNECTIONS, method: 'GET', times: 1 };
    await setFaults([
      { ...fault, status: 500 },
      { ...fault, status: 502, html: '502 Bad Gateway' },
      { ...fault, status: 503 },
      { ...fault, hangMs: 3000 },
    ]);
    figures.faults += 4;
    const since = Date.now();
    await el.refresh();
    await waitUntil(() => isStale(el), 'stale', { timeout: 5000 });
    expect(bannerOf(el)).to.match(/failed to answer \(HTTP 500/);
    expect(hasAll(el, ids)).to.equal(true);
    // A client that connects during the outage shows up once RabbitMQ answers again.
    const during = `${tag}-during-outage`;
    await connect([{ clientId: during }]);
    await waitUntil(
      () => bannerOf(el).includes('HTTP 502 — an HTML page titled "502 Bad Gateway"'),
      `the proxy's page: ${bannerOf(el)}`,
      { timeout: 10_000, interval: 100 },
    );
    expect(isStale(el)).to.equal(true);
    expect(hasAll(el, ids)).to.equal(true);
    await waitUntil(() => bannerOf(el).includes('did not answer within 1 s'), 'a timeout', {
      timeout: 20_000,
      interval: 100,
    });
    expect(isStale(el)).to.equal(true);
    expect(hasAll(el, ids)).to.equal(true);
    expect(rowsOf(el).has(during)).to.equal(false);
    await waitUntil(() => hasAll(el, [...ids, during]), 'recovered without a reload', {
      timeout: 30_000,
    });
    await waitUntil(() => !isStale(el) && bannerOf(el) === '', 'no longer stale');
    // Backed off between the attempts (2 s, 4 s, 8 s, 16 s, each ±25 %), no storm.
    const times = (await listRequests(since)).map((r) => r.t);
    expect(times.length).to.be.within(5, 6);
    const gaps = times.slice(1, 5).map((t, i) => t - times[i]!);
    gaps.forEach((gap, i) => expect(gap, `gap ${i}`).to.be.at.least(2000 * 2 ** i * 0.75 - 50));
    figures.sessions += 3;
  });

  it('should say clearly when an HTML page or a cut-off body comes instead of the list', async function () {
    this.timeout(60_000);
    const url = await startProxy();
    const id = `${tag}-page`;
    await connect([{ clientId: id }]);
    const el = await render(url);
    await waitListed(el, [id]);
    await setFaults([
      { path: CONNECTIONS, method: 'GET', times: 1, status: 200, html: 'Sign in – Corporate SSO' },
    ]);
    figures.faults++;
    await el.refresh();
    await waitUntil(() => bannerOf(el).includes('HTML page instead of JSON'), 'an HTML page');
    expect(bannerOf(el)).to.include('titled "Sign in – Corporate SSO"');
    expect(bannerOf(el)).not.to.include('<');
    expect(isStale(el)).to.equal(true);
    expect(rowsOf(el).has(id)).to.equal(true);
    await setFaults([{ path: CONNECTIONS, method: 'GET', times: 1, truncate: true }]);
    figures.faults++;
    await el.refresh();
    await waitUntil(() => bannerOf(el).includes('cut off after'), 'a cut-off body');
    expect(bannerOf(el).length).to.be.below(300);
    expect(isStale(el)).to.equal(true);
    expect(rowsOf(el).has(id)).to.equal(true);
    await el.refresh();
    await waitUntil(() => bannerOf(el) === '' && !isStale(el), 'recovers');
    figures.sessions++;
  });

  it('should take a 404 on closing a connection as already gone, not as an error', async function () {
    this.timeout(60_000);
    const url = await startProxy();
    const gone = `${tag}-gone`;
    const stay = `${tag}-stay`;
    await connect([{ clientId: gone }, { clientId: stay }]);
    const el = await render(url, { interval: 3600 });
    await waitListed(el, [gone, stay]);
    await setFaults([{ path: `${CONNECTIONS}/*`, method: 'DELETE', status: 404, times: 1 }]);
    figures.faults++;
    const errors: unknown[] = [];
    el.addEventListener('cs-error', (e) => errors.push(e));
    const results = await disconnectFromDetails(el, gone);
    expect(results).to.deep.equal([{ clientId: gone, outcome: 'already-gone' }]);
    if (results[0]?.outcome !== 'already-gone') figures.actionsLost++;
    await el.updateComplete;
    expect(errors).to.have.length(0);
    expect(el.shadowRoot!.textContent).not.to.match(/Could not disconnect/);
    await waitUntil(
      () =>
        el
          .shadowRoot!.querySelector('[aria-live="polite"]')
          ?.textContent?.includes('had already disconnected'),
      'announced',
    );
    getByRole(el.shadowRoot!, 'button', 'Audit log').click();
    await waitUntil(
      () => queryByRole(el.shadowRoot!, 'region', 'Audit log')?.textContent?.includes(gone),
      'the audit log lists it',
    );
    const audit = getByRole(el.shadowRoot!, 'region', 'Audit log').textContent!;
    expect(audit.replace(/\s+/g, ' ')).to.include(`${gone}: already gone`);
    figures.sessions++;
  });

  it('should say a monitoring user may not disconnect (RabbitMQ refuses it with a 401)', async function () {
    this.timeout(60_000);
    const url = await startProxy();
    const monitor = `${tag}-monitor`;
    const admin = {
      authorization: `Basic ${btoa(`${rabbit.user}:${rabbit.password}`)}`,
      'content-type': 'application/json',
    };
    const put = (path: string, body: unknown) =>
      fetch(`${rabbit.apiUrl}${path}`, {
        method: 'PUT',
        headers: admin,
        body: JSON.stringify(body),
        credentials: 'omit',
      });
    expect(
      (await put(`/users/${monitor}`, { password: 'mon-pw', tags: 'monitoring' })).ok,
    ).to.equal(true);
    expect(
      (await put(`/permissions/%2F/${monitor}`, { configure: '', write: '', read: '.*' })).ok,
    ).to.equal(true);
    try {
      const id = `${tag}-watched`;
      await connect([{ clientId: id }]);
      const el = await fixture<CsActiveSessions>(
        html`<cs-active-sessions
          .source=${new RabbitMQSource({ baseUrl: url, username: monitor, password: 'mon-pw' })}
          storage-key=${uniqueKey()}
          refresh-interval="3600"
        ></cs-active-sessions>`,
      );
      await waitListed(el, [id]);
      const errors: CustomEvent[] = [];
      el.addEventListener('cs-error', (e) => errors.push(e as CustomEvent));
      const results = await disconnectFromDetails(el, id);
      figures.faults++;
      expect(results[0]!.outcome).to.equal('failed');
      await el.updateComplete;
      const details = getByRole(el.shadowRoot!, 'region', 'Session details');
      const alert = getByRole(details, 'alert').textContent!;
      expect(alert).to.include('these credentials may not disconnect clients');
      expect(alert).to.include('administrator tag');
      expect(alert).not.to.include('mon-pw');
      expect(errors.map((e) => (e.detail as { kind: string }).kind)).to.deep.equal(['forbidden']);
      // The row stays and the real client is still connected.
      expect(rowsOf(el).has(id)).to.equal(true);
      expect(await closedAtBroker(id)).to.equal(false);
      // Its outcome is known (failed, with the reason): not an action lost.
      figures.sessions++;
    } finally {
      await fetch(`${rabbit.apiUrl}/users/${monitor}`, {
        method: 'DELETE',
        headers: admin,
        credentials: 'omit',
      });
    }
  });

  it('should take a connection whose client already left as already gone', async function () {
    this.timeout(60_000);
    const url = await startProxy();
    const left = `${tag}-left`;
    await connect([{ clientId: left }]);
    const el = await render(url, { interval: 3600 });
    await waitListed(el, [left]);
    // The client leaves on its own; RabbitMQ forgets its connection; the element still shows it.
    await executeServerCommand('rabbit-end', { clientId: left });
    figures.faults++;
    await waitUntil(async () => !(await rabbitLists(left)), 'RabbitMQ forgets it', LISTED);
    expect(rowsOf(el).has(left)).to.equal(true);
    const since = Date.now();
    const errors: unknown[] = [];
    el.addEventListener('cs-error', (e) => errors.push(e));
    const results = await disconnectFromDetails(el, left);
    expect(results).to.deep.equal([{ clientId: left, outcome: 'already-gone' }]);
    if (results[0]?.outcome !== 'already-gone') figures.actionsLost++;
    expect(errors).to.have.length(0);
    // Nothing was closed: a name (`ip:port -> ip:port`) may belong to another client by now.
    expect((await requests(since)).filter((r) => r.method === 'DELETE')).to.deep.equal([]);
    await waitUntil(() => !rowsOf(el).has(left), 'the row goes');
    figures.sessions++;
  });

  it('should wait at least Retry-After after a 429 before asking again', async function () {
    this.timeout(60_000);
    const url = await startProxy();
    const id = `${tag}-rate`;
    await connect([{ clientId: id }]);
    const el = await render(url);
    await waitListed(el, [id]);
    await setFaults([{ path: CONNECTIONS, method: 'GET', status: 429, retryAfter: 4, times: 1 }]);
    figures.faults++;
    const since = Date.now();
    await el.refresh();
    await waitUntil(() => bannerOf(el).includes('rate-limiting'), 'a 429 message');
    expect(rowsOf(el).has(id)).to.equal(true);
    let log = await listRequests(since);
    await waitUntil(
      async () => {
        log = await listRequests(since);
        return log.some((r) => r.status === 200);
      },
      'the retry',
      { timeout: 12_000, interval: 200 },
    );
    const limited = log.find((r) => r.status === 429)!;
    const next = log.find((r) => r.t > limited.t)!;
    expect(next.t - limited.t).to.be.at.least(4000);
    await waitUntil(() => bannerOf(el) === '', 'recovers');
    figures.sessions++;
  });

  it('should show, export and disconnect hostile client IDs that came through RabbitMQ', async function () {
    this.timeout(90_000);
    armCanary();
    const WIDTH = 1100;
    await setViewport({ width: WIDTH + 100, height: 1400 });
    const url = await startProxy();
    const hostile = [
      `<img src=x onerror="window.__pwned=1">${tag}`,
      `<script>window.__pwned=2</script>${tag}`,
      `=HYPERLINK("http://evil.example","open")${tag}`,
      `+cmd|'/C calc'!A0${tag}`,
      `@SUM(1+1)${tag}`,
      `${tag}-\u202Egnp.exe`,
      `📡🚀-${tag}-👩‍💻-🇺🇦`,
      // Its subscription queues are named after it: `/`, `%`, `?` and `#` in a URL segment.
      `../${tag}/%2F?#q`,
    ];
    hostile.push(`${tag}-${'k'.repeat(1024 - tag.length - 1)}`);
    await connect(
      hostile.map((clientId, i) => ({
        clientId,
        subscriptions:
          i < 2 || i === 7 ? [{ topic: `hostile/${i}/+`, qos: 1 as const }] : undefined,
      })),
    );
    const host = await fixture<HTMLDivElement>(
      html`<div style="width: ${WIDTH}px">
        <cs-active-sessions
          .source=${new RabbitMQSource({
            baseUrl: url,
            username: rabbit.user,
            password: rabbit.password,
          })}
          storage-key=${uniqueKey()}
          refresh-interval="3600"
        ></cs-active-sessions>
      </div>`,
    );
    const el = host.querySelector('cs-active-sessions') as CsActiveSessions;
    // RabbitMQ lists them ~5 s late: refresh until all are there.
    await waitUntil(
      async () => {
        if (hostile.every((id) => rowOf(el, id))) return true;
        await el.refresh();
        return hostile.every((id) => rowOf(el, id));
      },
      'every hostile client listed',
      { timeout: 30_000, interval: 1000 },
    );
    let tried = 0;
    await searchFor(el, tag);
    await waitUntil(() => countText(el).startsWith(`${hostile.length} of `), 'the search', {
      timeout: 5000,
    });
    for (const id of hostile) {
      const row = rowOf(el, id)!;
      expect(row, `row of ${JSON.stringify(id.slice(0, 40))}`).to.not.equal(undefined);
      expect(row.querySelector('[title]')!.getAttribute('title') === id).to.equal(true);
    }
    expectInert(el, 'rows');
    expectLayout(el, 'rows', WIDTH);
    tried += hostile.length;

    for (const [i, id] of hostile.entries()) {
      rowOf(el, id)!.click();
      await el.updateComplete;
      const details = getByRole(el.shadowRoot!, 'region', 'Session details');
      await waitUntil(() => detailsValues(details)[0] === id, `details of ${id.slice(0, 30)}`);
      // Subscriptions come from the client's queues, named after its ID (a URL segment).
      await waitUntil(
        () => !details.textContent!.includes('Loading subscriptions'),
        `subscriptions of ${id.slice(0, 30)}`,
      );
      expect(details.querySelector('.error-text'), `no error for ${id.slice(0, 30)}`).to.equal(
        null,
      );
      if (i < 2 || i === 7) expect(details.textContent).to.include(`hostile/${i}/+`);
      expectInert(el, `details ${id.slice(0, 30)}`);
    }
    tried += hostile.length;

    const expected = hostile.map((clientId) => ({ clientId, username: rabbit.user }));
    await expectJsonExport(el, expected);
    await expectCsvExport(el, expected);
    tried += 2 * hostile.length;

    await disconnectAll(el, hostile.length);
    let stillOpen = 0;
    await waitUntil(
      async () => {
        stillOpen = 0;
        for (const id of hostile) if (!(await closedAtBroker(id))) stillOpen++;
        return stillOpen === 0;
      },
      'every real client closed',
      { timeout: 10_000, interval: 250 },
    ).catch(() => undefined);
    figures.actionsLost += stillOpen;
    expect(stillOpen, 'real clients still open').to.equal(0);
    tried += hostile.length;
    expectInert(el, 'after disconnect');
    await hardening('hostile strings through RabbitMQ (browser)', {
      strings: tried,
      sessions: hostile.length,
    });
  });
});
