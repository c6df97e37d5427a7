import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import {
  clientState,
  connectClients,
  plain,
  setFaults,
  sourceFor,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, nameOf, queryAllByRole } from '../support/by-role.js';
import { GeneratedSource } from '../support/generated.js';
import {
  countText,
  flagsIn,
  openDetails,
  orderOf,
  rowsOf,
  sessionRows,
  uniqueKey,
  waitForRows,
} from '../support/element.js';

async function render(broker: BrokerInfo, options: { live?: boolean; interval?: number } = {}) {
  return fixture<CsActiveSessions>(
    html`<cs-active-sessions
      .source=${sourceFor(broker)}
      .liveCredentials=${{ username: 'dashboard', password: broker.apiSecret }}
      ?live=${options.live ?? false}
      live-url=${broker.wsUrl}
      refresh-interval=${options.interval ?? 3600}
      storage-key=${uniqueKey()}
    ></cs-active-sessions>`,
  );
}

const liveStatus = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('[part="live-status"]')?.textContent?.trim() ?? '';

/** Calls the broker's API as an operator would, e.g. to drop the element's live connection. */
async function api(broker: BrokerInfo, path: string, method = 'GET') {
  const auth = `Basic ${btoa(`${broker.apiKey}:${broker.apiSecret}`)}`;
  return fetch(`${broker.apiUrl}${path}`, { method, headers: { authorization: auth } });
}

const healthButton = (el: CsActiveSessions, label: string) =>
  queryAllByRole(getByRole(el.shadowRoot!, 'group', 'Health'), 'button').find((b) =>
    nameOf(b).startsWith(`${label} (`),
  )!;

describe('<cs-active-sessions> diagnosis and live updates', () => {
  let broker: BrokerInfo | undefined;

  afterEach(async () => {
    if (broker) await stopBroker(broker);
    broker = undefined;
  });

  it('should show a connect and a kick live, with polling set to an hour', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('already-here')]);
    const el = await render(broker, { live: true });
    const triggers: string[] = [];
    el.addEventListener('cs-refresh', (e) => triggers.push(e.detail.trigger));
    await waitForRows(el, 1);
    await waitUntil(() => liveStatus(el) === 'Live', 'the live feed is up');
    // Subscribing resynchronises once; after that, only events change the list.
    await waitUntil(() => triggers.includes('live'), 'the resync after subscribing');
    const refreshesBefore = triggers.length;

    await connectClients(broker, [plain('newcomer-7', { localAddress: '127.0.0.27' })]);
    await waitForRows(el, 2, 'the new client appears from its connected event');
    expect(rowsOf(el).get('newcomer-7')![3]).to.equal('127.0.0.27');
    await api(broker, '/clients/already-here', 'DELETE');
    await waitForRows(el, 1, 'the kicked client leaves from its disconnected event');
    expect(triggers.length).to.equal(refreshesBefore);
    await expect(el).to.be.accessible();
  });

  it('should lose no change while the live feed is down, resynchronising when it returns', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('steady')]);
    const el = await render(broker, { live: true });
    await waitForRows(el, 1);
    await waitUntil(() => liveStatus(el) === 'Live', 'live');

    const list = (await (
      await api(broker, '/clients?like_clientid=cs-active-sessions-live-')
    ).json()) as {
      data: { clientid: string }[];
    };
    expect(list.data).to.have.length(1);
    const resync = oneEvent(el, 'cs-refresh');
    await api(broker, `/clients/${encodeURIComponent(list.data[0]!.clientid)}`, 'DELETE');
    await waitUntil(() => liveStatus(el).startsWith('Live updates down'), 'the UI says it is down');
    // A change while the feed is away: its event is lost, the resync poll must bring it.
    await connectClients(broker, [plain('during-the-gap')]);
    expect((await resync).detail.trigger).to.equal('live');
    await waitForRows(el, 2, 'the missed client appears (the element does not list itself)');
    expect(rowsOf(el).has('during-the-gap')).to.equal(true);
    await waitUntil(() => liveStatus(el) === 'Live', 'live again');
  });

  it('should keep diagnosing 100,000 sessions while live events keep coming', async () => {
    broker = await startBroker();
    // Pairs of clients taking a client ID from each other every 1.5 to 3 s (their retry):
    // connected and taken-over events without pause, one batch of them after another.
    const storm = (network: number) =>
      Array.from({ length: 40 }, (_, i) => ({
        clientId: `storm-${i + 1}`,
        localAddress: `127.0.${network}.${i + 1}`,
        reconnect: true,
      }));
    await connectClients(broker, storm(1));
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${new GeneratedSource(100_000)}
        .liveCredentials=${{ username: 'dashboard', password: broker.apiSecret }}
        live
        live-url=${broker.wsUrl}
        refresh-interval="3600"
        storage-key=${uniqueKey()}
      ></cs-active-sessions>`,
    );
    const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
    await waitUntil(() => Number(grid.getAttribute('aria-rowcount')) > 100_000, 'all rows', {
      timeout: 30_000,
    });
    await waitUntil(() => liveStatus(el) === 'Live', 'live');
    // The first diagnosis done (its counts shown): what follows is the live events' own.
    await waitUntil(
      () => /\(7\d,\d{3}\)/.test(nameOf(healthButton(el, 'Unclear client ID'))),
      'counted',
      { timeout: 20_000 },
    );
    await connectClients(broker, storm(2));
    const before = (await clientState(broker, 'storm-1')).connects;
    // A client ID of the fleet connects to the broker too: one client ID, two sessions.
    await connectClients(broker, [plain('pump-0000003')]);
    const duplicates = () =>
      Number(/\((\d+)\)/.exec(nameOf(healthButton(el, 'Duplicate or takeover')))?.[1]);
    await waitUntil(
      () => flagsIn(el, 'pump-0000003').includes('duplicate') && duplicates() >= 2,
      'the pair flagged and counted while events keep coming',
      { timeout: 20_000 },
    );
    // The storm was on meanwhile.
    let connects = before;
    await waitUntil(
      async () => {
        connects = (await clientState(broker!, 'storm-1')).connects;
        return connects > before;
      },
      'the storm goes on',
      { timeout: 10_000 },
    );
  });

  it('should find two clients fighting over one client ID', async () => {
    broker = await startBroker();
    await connectClients(broker, [
      { clientId: 'dock-scanner-bay-4', localAddress: '127.0.0.70', reconnect: true },
    ]);
    const el = await render(broker, { live: true, interval: 1 });
    await waitForRows(el, 1);
    await waitUntil(() => liveStatus(el) === 'Live', 'live');
    await connectClients(broker, [
      { clientId: 'dock-scanner-bay-4', localAddress: '127.0.0.71', reconnect: true },
    ]);
    await waitUntil(
      () => rowsOf(el).size === 1 && flagsIn(el, 'dock-scanner-bay-4').includes('takeover'),
      'the takeover loop is flagged',
      { timeout: 12_000 },
    );
    const details = await openDetails(el, 'dock-scanner-bay-4');
    await waitUntil(
      () => /127\.0\.0\.70.*127\.0\.0\.71|127\.0\.0\.71.*127\.0\.0\.70/.test(details.textContent!),
      'both addresses are named',
      { timeout: 12_000 },
    );
    expect(details.textContent).to.include('Two clients share this ID');
    expect(nameOf(healthButton(el, 'Duplicate or takeover'))).to.equal('Duplicate or takeover (1)');
    await expect(el).to.be.accessible();
  });

  it('should flag a client ID connected on two nodes as a duplicate, with the possible causes', async () => {
    broker = await startBroker({ secondNode: true });
    await connectClients(broker, [
      plain('gateway-eu-west-split', { node: 0, localAddress: '127.0.0.61' }),
      plain('gateway-eu-west-split', { node: 1, localAddress: '127.0.0.62' }),
      plain('agent-summarizer-prod-001'),
    ]);
    const el = await render(broker);
    await waitUntil(() => countText(el) === '3 active sessions', 'all three sessions');
    const dup = healthButton(el, 'Duplicate or takeover');
    expect(nameOf(dup)).to.equal('Duplicate or takeover (2)');
    dup.click();
    await el.updateComplete;
    expect(dup.getAttribute('aria-pressed')).to.equal('true');
    await waitUntil(() => countText(el) === '2 of 3 active sessions', 'the duplicates only');
    // Two rows of one client ID (rowsOf, by client ID, would count one).
    await waitUntil(() => sessionRows(el).length === 2, 'two rows');
    expect(flagsIn(el, 'gateway-eu-west-split')).to.deep.equal(['duplicate']);
    expect(sessionRows(el).map((r) => r.querySelector('.flag')?.textContent)).to.deep.equal([
      'duplicate',
      'duplicate',
    ]);
    const details = await openDetails(el, 'gateway-eu-west-split');
    expect(details.textContent).to.include('2 sessions share this client ID');
    expect(details.textContent).to.include('Multiple instances using same client ID');
    expect(details.textContent).to.include('Persistent session + new connection');
    await expect(el).to.be.accessible();
  });

  it('should find an unreaped silent client stuck, and flag a client without keep-alive', async () => {
    broker = await startBroker();
    await setFaults(broker, { unreaped: ['pump-controller-hall-b-3', 'pump-controller-hall-b-4'] });
    await connectClients(broker, [
      plain('pump-controller-hall-b-3', { keepalive: 1, silent: true }),
      plain('legacy-meter-basement-1', { keepalive: 0 }),
      plain('agent-summarizer-prod-001', { keepalive: 1 }),
    ]);
    const el = await render(broker, { interval: 1 });
    await waitForRows(el, 3);
    // The filter set before the first poll could tell (traffic is first seen then): the list
    // follows the health as later polls find the client stuck.
    healthButton(el, 'Stuck').click();
    await waitUntil(
      () => orderOf(el).join() === 'pump-controller-hall-b-3',
      'the stuck client joins the filtered list',
      { timeout: 10_000 },
    );
    healthButton(el, 'Stuck').click();
    await waitForRows(el, 3);
    expect(flagsIn(el, 'pump-controller-hall-b-3')).to.include('stuck');
    expect(flagsIn(el, 'agent-summarizer-prod-001')).to.deep.equal([]);
    expect(flagsIn(el, 'legacy-meter-basement-1')).to.deep.equal(['no keep-alive']);
    // The broker still lists it: it was never reaped.
    expect((await clientState(broker, 'pump-controller-hall-b-3')).closes).to.equal(0);
    // With no filter on, a client found stuck by a later poll (the list itself unchanged) is
    // flagged in its row all the same.
    await connectClients(broker, [
      plain('pump-controller-hall-b-4', { keepalive: 1, silent: true }),
    ]);
    await waitForRows(el, 4);
    expect(flagsIn(el, 'pump-controller-hall-b-4')).to.deep.equal([]);
    await waitUntil(
      () => flagsIn(el, 'pump-controller-hall-b-4').includes('stuck'),
      'the second silent client is flagged stuck',
      { timeout: 10_000 },
    );

    healthButton(el, 'Stuck').click();
    await waitUntil(
      () => orderOf(el).sort().join() === 'pump-controller-hall-b-3,pump-controller-hall-b-4',
      'the stuck filter',
    );
    const details = await openDetails(el, 'pump-controller-hall-b-3');
    expect(details.textContent).to.include('Stuck:');
    expect(details.textContent).to.include('If stuck, disconnect the session manually.');
    expect(getByRole(details, 'button', 'Disconnect')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('should filter unclear client IDs and sessions subscribed to a topic', async () => {
    broker = await startBroker();
    await connectClients(broker, [
      plain('agent-summarizer-prod-001', { subscriptions: [{ topic: 'agents/+/state', qos: 1 }] }),
      plain('client1', { subscriptions: [{ topic: 'config/#', qos: 0 }] }),
      plain('backend-processor-prod', {
        subscriptions: [{ topic: '$share/workers/agents/7/state', qos: 1 }],
      }),
    ]);
    const el = await render(broker);
    await waitForRows(el, 3);
    const unclear = healthButton(el, 'Unclear client ID');
    expect(nameOf(unclear)).to.equal('Unclear client ID (1)');
    unclear.click();
    await waitUntil(() => orderOf(el).join() === 'client1', 'unclear only');
    const details = await openDetails(el, 'client1');
    expect(details.textContent).to.match(/Client ID:\s*unclear/);
    unclear.click();
    await waitForRows(el, 3);

    const topic = getByRole(el.shadowRoot!, 'textbox', 'Subscribed to topic') as HTMLInputElement;
    topic.focus();
    await sendKeys({ type: 'agents/7/state' });
    getByRole(el.shadowRoot!, 'button', 'Filter by topic').click();
    await waitUntil(() => rowsOf(el).size === 2, 'the two subscribers, shared one included');
    expect(orderOf(el).sort()).to.deep.equal([
      'agent-summarizer-prod-001',
      'backend-processor-prod',
    ]);
    expect(el.shadowRoot!.textContent).to.include('Subscribed to agents/7/state');
    getByRole(el.shadowRoot!, 'button', 'Remove filter Subscribed to agents/7/state').click();
    await waitForRows(el, 3);
  });
});
