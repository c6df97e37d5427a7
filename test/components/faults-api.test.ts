/**
 * Broker API faults injected through the dev broker's control interface: wrong credentials,
 * a 404 on a kick, a 429 with Retry-After, 5xx answers and timeouts.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { DisconnectDetail } from '../../components/cs-active-sessions/events.js';
import { EmqxSource } from '../../src/sources/emqx.js';
import {
  connectClients,
  plain,
  requestsOf,
  setFaults,
  sourceFor,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, queryByRole } from '../support/by-role.js';
import { dialogOf, openDetails, rowsOf, uniqueKey, waitForRows } from '../support/element.js';
import { hardening } from '../support/hardening.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LIST = /^\/api\/v5\/clients(_v2)?$/;

async function render(broker: BrokerInfo, options: { interval?: number; timeoutMs?: number } = {}) {
  const source =
    options.timeoutMs === undefined
      ? sourceFor(broker)
      : new EmqxSource({
          baseUrl: broker.apiUrl,
          apiKey: broker.apiKey,
          apiSecret: broker.apiSecret,
          timeoutMs: options.timeoutMs,
        });
  return fixture<CsActiveSessions>(
    html`<cs-active-sessions
      .source=${source}
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

/** List requests the broker saw from `since` on. */
const listRequests = async (broker: BrokerInfo, since: number) =>
  (await requestsOf(broker, since)).filter((r) => LIST.test(r.path));

describe('<cs-active-sessions> broker API faults', () => {
  let broker: BrokerInfo | undefined;
  const figures = { faults: 0, sessions: 0, actionsLost: 0 };

  afterEach(async () => {
    if (broker) await stopBroker(broker);
    broker = undefined;
  });
  after(async () => {
    await hardening('faults: broker API errors (browser)', figures);
  });

  it('should say the credentials are refused (401, 403) and not retry them rapidly', async function () {
    this.timeout(40_000);
    broker = await startBroker();
    await connectClients(broker, [plain('cred-1'), plain('cred-2')]);
    await setFaults(broker, { apiFaults: [{ status: 401 }] });
    figures.faults++;
    const started = Date.now();
    const el = await render(broker, { interval: 5 });
    await waitUntil(() => bannerOf(el).includes('refused the credentials'), 'a 401 message', {
      timeout: 8000,
    });
    expect(bannerOf(el)).to.include('Check the API key and secret');
    expect(bannerOf(el)).not.to.include(broker.apiSecret);
    await sleep(4000);
    // One poll saw the 401; nothing retried it within the next 4 s.
    expect((await listRequests(broker, started)).length).to.equal(1);

    // Credentials fixed: a refresh lists, then a 403 keeps the list, marked stale.
    await setFaults(broker, { apiFaults: [] });
    await el.refresh();
    await waitForRows(el, 2);
    expect(bannerOf(el)).to.equal('');
    await setFaults(broker, { apiFaults: [{ status: 403 }] });
    figures.faults++;
    const forbiddenAt = Date.now();
    await el.refresh();
    await waitUntil(() => bannerOf(el).includes('does not allow these credentials'), 'a 403', {
      timeout: 8000,
    });
    expect(rowsOf(el).size).to.equal(2);
    expect(isStale(el)).to.equal(true);
    await sleep(4000);
    expect((await listRequests(broker, forbiddenAt)).length).to.equal(1);
    figures.sessions += 2;

    await setFaults(broker, { apiFaults: [] });
    await el.refresh();
    await waitUntil(() => bannerOf(el) === '' && !isStale(el), 'recovers');
  });

  it('should take a 404 on disconnect as already gone, not as an error', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('gone-1'), plain('stay-1')]);
    const el = await render(broker);
    await waitForRows(el, 2);
    await setFaults(broker, {
      apiFaults: [{ status: 404, path: '/api/v5/clients/*', method: 'DELETE', times: 1 }],
    });
    figures.faults++;
    const errors: unknown[] = [];
    el.addEventListener('cs-error', (e) => errors.push(e));
    const details = await openDetails(el, 'gone-1');
    getByRole(details, 'button', 'Disconnect').click();
    await el.updateComplete;
    const done = oneEvent(el, 'cs-disconnect');
    getByRole(dialogOf(el), 'button', 'Disconnect').click();
    const { results } = (await done).detail as DisconnectDetail;
    // Counted before any assertion: an action that ends without a known outcome is lost.
    figures.actionsLost += results.filter(
      (r) => r.outcome !== 'already-gone' && r.outcome !== 'disconnected',
    ).length;
    expect(results).to.deep.equal([{ clientId: 'gone-1', outcome: 'already-gone' }]);
    await el.updateComplete;
    expect(errors).to.have.length(0);
    expect(el.shadowRoot!.textContent).not.to.match(/Could not disconnect/);
    await waitUntil(
      () => el.shadowRoot!.querySelector('[aria-live="polite"]')?.textContent?.includes('gone-1'),
      'announced',
    );
    expect(el.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent).to.include(
      'had already disconnected',
    );

    getByRole(el.shadowRoot!, 'button', 'Audit log').click();
    await waitUntil(
      () => queryByRole(el.shadowRoot!, 'region', 'Audit log')?.textContent?.includes('gone-1'),
      'the audit log lists it',
    );
    const audit = getByRole(el.shadowRoot!, 'region', 'Audit log').textContent!;
    expect(audit.replace(/\s+/g, ' ')).to.include('gone-1: already gone');
    figures.sessions++;
  });

  it('should wait at least Retry-After after a 429 before asking again', async function () {
    this.timeout(30_000);
    broker = await startBroker();
    await connectClients(broker, [plain('rate-1')]);
    const el = await render(broker);
    await waitForRows(el, 1);
    await setFaults(broker, {
      apiFaults: [
        { status: 429, path: '/api/v5/clients_v2', method: 'GET', times: 1, retryAfter: 4 },
      ],
    });
    figures.faults++;
    const since = Date.now();
    await el.refresh();
    await waitUntil(() => bannerOf(el).includes('rate-limiting'), 'a 429 message');
    expect(rowsOf(el).size).to.equal(1);
    let log = await listRequests(broker, since);
    await waitUntil(
      async () => {
        log = await listRequests(broker!, since);
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

  it('should back off with jitter on 5xx and timeouts, keep the data stale, and recover', async function () {
    this.timeout(60_000);
    broker = await startBroker();
    await connectClients(broker, [plain('steady-1'), plain('steady-2')]);
    const el = await render(broker, { timeoutMs: 1000 });
    await waitForRows(el, 2);
    const path = '/api/v5/clients_v2';
    await setFaults(broker, {
      apiFaults: [
        { status: 500, path, method: 'GET', times: 1 },
        { status: 503, path, method: 'GET', times: 1 },
        { hangMs: 3000, path, method: 'GET', times: 1 },
      ],
    });
    figures.faults += 3;
    const since = Date.now();
    await el.refresh();
    await waitUntil(() => isStale(el), 'stale', { timeout: 5000 });
    expect(bannerOf(el)).to.match(/failed to answer \(HTTP 500/);
    expect(rowsOf(el).size).to.equal(2);
    // A client that connects during the outage shows up once the broker answers again.
    await connectClients(broker, [plain('during-outage')]);
    await waitUntil(() => bannerOf(el).includes('did not answer within 1 s'), 'a timeout', {
      timeout: 20_000,
      interval: 100,
    });
    expect(isStale(el)).to.equal(true);
    expect(rowsOf(el).size).to.equal(2);
    await waitUntil(() => rowsOf(el).size === 3, 'recovered without a reload', {
      timeout: 20_000,
    });
    await waitUntil(() => !isStale(el) && bannerOf(el) === '', 'no longer stale');

    const times = (await listRequests(broker, since)).map((r) => r.t);
    expect(times.length).to.equal(4);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    // 2 s, 4 s, 8 s, each ±25 %, counted from the start of each attempt.
    const bases = [2000, 4000, 8000];
    gaps.forEach((gap, i) => {
      expect(gap, `gap ${i}`).to.be.within(bases[i]! * 0.75 - 50, bases[i]! * 1.25 + 400);
    });
    // Jitter: the delays are not the bare doubling.
    expect(gaps.some((gap, i) => Math.abs(gap - bases[i]!) > 20)).to.equal(true);
    figures.sessions += 3;
  });
});
