/**
 * The broker restarting mid-refresh and mid-bulk-disconnect, the live feed dropping and
 * returning, the page hidden and shown, the element removed and re-added: each injected
 * through the dev broker's control interface.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { DisconnectDetail } from '../../components/cs-active-sessions/events.js';
import {
  connectClients,
  connectionsOf,
  plain,
  requestsOf,
  restartBroker,
  setFaults,
  sourceFor,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, queryByRole } from '../support/by-role.js';
import { countText, dialogOf, rowsOf, uniqueKey } from '../support/element.js';
import { hardening } from '../support/hardening.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LIVE_ID = 'cs-active-sessions-live-';

function render(
  broker: BrokerInfo,
  options: { interval?: number; live?: boolean; rate?: number } = {},
) {
  return fixture<CsActiveSessions>(
    html`<cs-active-sessions
      .source=${sourceFor(broker)}
      storage-key=${uniqueKey()}
      refresh-interval=${options.interval ?? 30}
      disconnect-rate=${options.rate ?? 20}
      .liveCredentials=${{ username: 'dashboard', password: broker.apiSecret }}
      ?live=${options.live ?? false}
      live-url=${broker.wsUrl}
    ></cs-active-sessions>`,
  );
}

const bannerOf = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('[part="error"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const liveOf = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('[part="live-status"]')?.textContent?.trim() ?? '';
const isStale = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('.grid')?.classList.contains('stale') === true;
const listed = (el: CsActiveSessions) => [...rowsOf(el).keys()].sort();
const sorted = (ids: string[]) => [...ids].sort();
const liveClients = async (broker: BrokerInfo) =>
  (await connectionsOf(broker)).filter((id) => id.startsWith(LIVE_ID));

describe('<cs-active-sessions> restarts, dropped feeds, hidden pages, removal', () => {
  let broker: BrokerInfo | undefined;
  const figures = { faults: 0, sessions: 0, actionsLost: 0 };

  afterEach(async () => {
    if (broker) await stopBroker(broker);
    broker = undefined;
  });
  after(async () => {
    await hardening('faults: restarts, feed, visibility, removal (browser)', figures);
  });

  it('should survive a broker restart mid-refresh and resync to what came back', async function () {
    this.timeout(40_000);
    broker = await startBroker();
    const back = ['back-1', 'back-2', 'back-3'];
    const away = ['away-1', 'away-2'];
    await connectClients(broker, [
      ...back.map((id) => ({ clientId: id, reconnect: true })),
      ...away.map((id) => plain(id)),
    ]);
    const el = await render(broker, { interval: 3 });
    await waitUntil(() => rowsOf(el).size === 5, 'listed');
    // A slow list, so the restart lands while a refresh is on its way.
    await setFaults(broker, { listDelayMs: 1500 });
    void el.refresh();
    await sleep(300);
    await restartBroker(broker, { downMs: 1500 });
    figures.faults++;
    await setFaults(broker, { listDelayMs: 0 });
    await waitUntil(() => isStale(el), 'stale while down', { timeout: 5000 });
    expect(bannerOf(el)).to.include('Could not reach');
    expect(rowsOf(el).size).to.equal(5);
    await waitUntil(
      () => !isStale(el) && listed(el).join() === sorted(back).join(),
      'the list matches what came back',
      { timeout: 20_000, interval: 100 },
    );
    expect(sorted(await connectionsOf(broker))).to.deep.equal(sorted(back));
    figures.sessions += back.length + away.length;
  });

  it('should end every client of a bulk disconnect in a known state when the broker restarts mid-run', async function () {
    this.timeout(60_000);
    broker = await startBroker();
    const ids = Array.from({ length: 60 }, (_, i) => `run-${String(i).padStart(2, '0')}`);
    await connectClients(broker, [...ids.map((id) => plain(id)), plain('bystander')]);
    const el = await render(broker, { rate: 5 });
    await waitUntil(() => countText(el) === '61 active sessions', 'all listed');
    const box = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions') as HTMLInputElement;
    box.focus();
    await sendKeys({ type: 'run-' });
    await waitUntil(() => countText(el) === '60 of 61 active sessions', 'search narrows');
    getByRole(el.shadowRoot!, 'checkbox', 'Select all').click();
    await el.updateComplete;
    getByRole(el.shadowRoot!, 'button', 'Select all 60 matching').click();
    await el.updateComplete;
    getByRole(el.shadowRoot!, 'button', 'Disconnect selected').click();
    await el.updateComplete;
    const typed = getByRole(dialogOf(el), 'textbox', 'Number of sessions to disconnect');
    typed.focus();
    await sendKeys({ type: '60' });
    await el.updateComplete;
    const finished = oneEvent(el, 'cs-disconnect');
    getByRole(dialogOf(el), 'button', 'Disconnect 60 sessions').click();
    await waitUntil(
      () => {
        const bar = queryByRole(el.shadowRoot!, 'progressbar', 'Disconnect progress');
        return bar && Number(bar.getAttribute('aria-valuenow')) >= 10;
      },
      'two batches are done',
      { timeout: 8000 },
    );
    await restartBroker(broker, { downMs: 2500 });
    figures.faults++;
    const { results } = (await finished).detail as DisconnectDetail;

    // Every client: disconnected, already gone, or failed with a reason; none left running.
    const known = results.filter(
      (r) =>
        r.outcome === 'disconnected' ||
        r.outcome === 'already-gone' ||
        (r.outcome === 'failed' && (r.error ?? '').length > 0),
    );
    const connected = new Set(await connectionsOf(broker));
    // Reported gone but still connected: the outcome would be wrong.
    const wrong = results.filter((r) => r.outcome !== 'failed' && connected.has(r.clientId));
    await waitUntil(() => queryByRole(dialogOf(el), 'button', 'Close'), 'the run is done');
    expect(queryByRole(el.shadowRoot!, 'progressbar', 'Disconnect progress')).to.equal(null);

    getByRole(el.shadowRoot!, 'button', 'Audit log').click();
    await waitUntil(
      () => queryByRole(el.shadowRoot!, 'region', 'Audit log')?.textContent?.includes('run-59'),
      'the audit log lists the run',
    );
    const audit = getByRole(el.shadowRoot!, 'region', 'Audit log').textContent!.replace(
      /\s+/g,
      ' ',
    );
    const words = {
      disconnected: 'disconnected',
      'already-gone': 'already gone',
      failed: 'failed',
    };
    const unaudited = results.filter(
      (r) =>
        !(r.outcome in words) ||
        !audit.includes(`${r.clientId}: ${words[r.outcome as keyof typeof words]}`),
    );
    const lost = new Set([
      ...ids.filter((id) => !results.some((r) => r.clientId === id)),
      ...results.filter((r) => !known.includes(r)).map((r) => r.clientId),
      ...wrong.map((r) => r.clientId),
      ...unaudited.map((r) => r.clientId),
    ]);
    figures.actionsLost += lost.size;
    figures.sessions += ids.length;
    expect([...lost], 'clients whose outcome is not known').to.deep.equal([]);
    expect(results).to.have.length(60);
    // The restart happened mid-run: some kicks went before it, the rest after or failed.
    expect(results.filter((r) => r.outcome === 'disconnected').length).to.be.at.least(10);
  });

  it('should say the live feed is down and resync from a fresh poll when it returns', async function () {
    this.timeout(60_000);
    broker = await startBroker();
    await connectClients(broker, [plain('early-1')]);
    const el = await render(broker, { live: true });
    await waitUntil(() => liveOf(el) === 'Live', 'live', { timeout: 10_000 });
    await waitUntil(() => rowsOf(el).size === 1, 'listed');

    // The feed's socket drops and stays refused for a while; a client connects meanwhile.
    await setFaults(broker, { mqttRefuse: [LIVE_ID] });
    figures.faults++;
    await waitUntil(() => liveOf(el).startsWith('Live updates down'), 'down', { timeout: 5000 });
    await connectClients(broker, [plain('late-1')]);
    await sleep(1500);
    expect(listed(el)).to.deep.equal(['early-1']);
    await setFaults(broker, { mqttRefuse: [] });
    await waitUntil(() => liveOf(el) === 'Live', 'live again', { timeout: 20_000 });
    await waitUntil(() => listed(el).join() === 'early-1,late-1', 'resynced', { timeout: 5000 });

    // A restart: the feed goes down with the broker and resyncs when it comes back.
    await restartBroker(broker, { downMs: 1500 });
    figures.faults++;
    await waitUntil(() => liveOf(el).startsWith('Live updates down'), 'down', { timeout: 5000 });
    await waitUntil(() => liveOf(el) === 'Live', 'live after the restart', { timeout: 30_000 });
    await connectClients(broker, [plain('late-2')]);
    // Both earlier clients went with the restart (they do not reconnect): the poll says so.
    await waitUntil(() => listed(el).join() === 'late-2', 'resynced after the restart', {
      timeout: 8000,
    });
    expect(await liveClients(broker)).to.have.length(1);
    figures.sessions += 3;
  });

  it('should pause polling while the page is hidden and resume when shown', async function () {
    this.timeout(30_000);
    broker = await startBroker();
    await connectClients(broker, [plain('seen-1')]);
    const el = await render(broker, { interval: 1 });
    await waitUntil(() => rowsOf(el).size === 1, 'listed');
    figures.faults++;
    try {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => 'hidden',
      });
      document.dispatchEvent(new Event('visibilitychange'));
      // A poll already on its way may land; nothing starts after it.
      await sleep(500);
      const since = Date.now();
      await connectClients(broker, [plain('seen-2')]);
      await sleep(3000);
      const polls = (await requestsOf(broker, since)).filter((r) => r.path.includes('/clients'));
      expect(polls, 'no polls while hidden').to.have.length(0);
      expect(rowsOf(el).size).to.equal(1);
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
    document.dispatchEvent(new Event('visibilitychange'));
    await waitUntil(() => rowsOf(el).size === 2, 'resumes', { timeout: 5000 });
    figures.sessions += 2;
  });

  it('should leave no timers or sockets behind when removed, and work again when re-added', async function () {
    this.timeout(40_000);
    broker = await startBroker();
    await connectClients(broker, [plain('kept-1')]);
    const el = await render(broker, { interval: 1, live: true });
    await waitUntil(() => liveOf(el) === 'Live' && rowsOf(el).size === 1, 'live and listed', {
      timeout: 10_000,
    });
    expect(await liveClients(broker)).to.have.length(1);
    const parent = el.parentElement!;
    el.remove();
    figures.faults++;
    await waitUntil(async () => (await liveClients(broker!)).length === 0, 'the feed closes', {
      timeout: 3000,
    });
    await sleep(300);
    const since = Date.now();
    await sleep(3500);
    expect(await requestsOf(broker, since), 'no requests after removal').to.have.length(0);
    expect(await liveClients(broker), 'no MQTT socket after removal').to.have.length(0);

    await connectClients(broker, [plain('kept-2')]);
    parent.appendChild(el);
    await waitUntil(() => liveOf(el) === 'Live' && rowsOf(el).size === 2, 'works again', {
      timeout: 10_000,
    });
    expect(await liveClients(broker)).to.have.length(1);
    await connectClients(broker, [plain('kept-3')]);
    await waitUntil(() => rowsOf(el).size === 3, 'polls again');
    figures.sessions += 3;
  });
});
