import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { DisconnectDetail } from '../../components/cs-active-sessions/events.js';
import {
  bansOf,
  clientState,
  configFor,
  connectClients,
  plain,
  setFaults,
  sourceFor,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, nameOf, queryAllByRole, queryByRole } from '../support/by-role.js';
import {
  countText,
  dialogOf,
  factsOf,
  openDetails,
  orderOf,
  rowsOf,
  tick,
  waitForRows,
} from '../support/element.js';

async function render(broker: BrokerInfo, attrs: { planLimit?: number; rate?: number } = {}) {
  return fixture<CsActiveSessions>(
    html`<cs-active-sessions
      .source=${sourceFor(broker)}
      plan-limit=${attrs.planLimit ?? ''}
      disconnect-rate=${attrs.rate ?? 20}
    ></cs-active-sessions>`,
  );
}

const click = (el: HTMLElement) => el.click();
const button = (root: ParentNode, name: string | RegExp) => getByRole(root, 'button', name);

async function search(el: CsActiveSessions, text: string) {
  const box = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions') as HTMLInputElement;
  box.focus();
  box.select();
  await sendKeys({ type: text });
}

describe('<cs-active-sessions> operating a fleet', () => {
  let broker: BrokerInfo | undefined;

  afterEach(async () => {
    if (broker) await stopBroker(broker);
    broker = undefined;
  });

  it('should bulk-disconnect a real set, report the one that fails, and retry it', async () => {
    broker = await startBroker();
    const set = ['bulk-a', 'bulk-b', 'bulk-c', 'bulk-stuck'];
    await connectClients(broker, [
      ...set.map((id) => plain(id)),
      ...['keep-1', 'keep-2', 'keep-3', 'keep-4', 'keep-5'].map((id) => plain(id)),
    ]);
    await setFaults(broker, { kickFailures: ['bulk-stuck'] });
    const el = await render(broker);
    await waitForRows(el, 9);
    const disconnectSelected = button(el.shadowRoot!, 'Disconnect selected') as HTMLButtonElement;
    expect(disconnectSelected.disabled).to.equal(true);

    tick(el, 'bulk-a');
    tick(el, 'bulk-stuck', true); // Shift-click: the range from bulk-a to bulk-stuck
    await el.updateComplete;
    const selectAll = getByRole(el.shadowRoot!, 'checkbox', 'Select all') as HTMLInputElement;
    expect(selectAll.indeterminate).to.equal(true);
    expect(el.shadowRoot!.textContent).to.include('4 selected');

    const events: DisconnectDetail[] = [];
    el.addEventListener('cs-disconnect', (e) => events.push(e.detail));
    const requested = oneEvent(el, 'cs-disconnect-request');
    click(disconnectSelected);
    await el.updateComplete;
    const dialog = dialogOf(el);
    expect(nameOf(dialog)).to.equal('Disconnect 4 sessions?');
    await expect(el).to.be.accessible();
    click(button(dialog, 'Disconnect 4 sessions'));
    expect((await requested).detail.clientIds).to.have.members(set);

    await waitUntil(() => queryByRole(dialogOf(el), 'button', 'Retry failed'), 'results', {
      timeout: 8000,
    });
    expect(events).to.have.length(1);
    const outcome = Object.fromEntries(events[0]!.results.map((r) => [r.clientId, r.outcome]));
    expect(outcome).to.deep.equal({
      'bulk-a': 'disconnected',
      'bulk-b': 'disconnected',
      'bulk-c': 'disconnected',
      'bulk-stuck': 'failed',
    });
    const summary = dialogOf(el).textContent!.replace(/\s+/g, ' ');
    expect(summary).to.include('3 disconnected, 1 failed');
    expect(summary).to.match(/bulk-stuck: failed — Still connected/);
    for (const id of ['bulk-a', 'bulk-b', 'bulk-c']) {
      await waitUntil(async () => (await clientState(broker!, id)).closes > 0, `${id} closes`);
    }
    expect((await clientState(broker, 'bulk-stuck')).closes).to.equal(0);
    await expect(el).to.be.accessible();

    await setFaults(broker, { kickFailures: [] });
    click(button(dialogOf(el), 'Retry failed'));
    await waitUntil(() => events.length === 2, 'the retry finishes', { timeout: 8000 });
    expect(events[1]!.results).to.deep.equal([{ clientId: 'bulk-stuck', outcome: 'disconnected' }]);
    await waitUntil(
      async () => (await clientState(broker!, 'bulk-stuck')).closes > 0,
      'bulk-stuck closes',
    );
    click(button(dialogOf(el), 'Close'));
    await waitForRows(el, 5);
  });

  it('should ask for the number when disconnecting more than half, stagger, and cancel what has not started', async () => {
    broker = await startBroker();
    const storm = Array.from({ length: 60 }, (_, i) =>
      plain(`storm-${String(i).padStart(2, '0')}`),
    );
    await connectClients(broker, [...storm, plain('bystander-1'), plain('bystander-2')]);
    const el = await render(broker, { rate: 10 });
    await waitUntil(() => countText(el) === '62 active sessions', 'all listed');
    await search(el, 'storm-');
    await waitUntil(() => countText(el) === '60 of 62 active sessions', 'search narrows');

    // The header box takes the rows on screen; the button reaches every match.
    click(getByRole(el.shadowRoot!, 'checkbox', 'Select all'));
    await el.updateComplete;
    click(button(el.shadowRoot!, 'Select all 60 matching'));
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.include('60 selected');
    expect(
      (getByRole(el.shadowRoot!, 'checkbox', 'Select all') as HTMLInputElement).checked,
    ).to.equal(true);

    click(button(el.shadowRoot!, 'Disconnect selected'));
    await el.updateComplete;
    const confirm = button(dialogOf(el), 'Disconnect 60 sessions') as HTMLButtonElement;
    expect(confirm.disabled).to.equal(true);
    expect(dialogOf(el).textContent).to.include('10 per second');
    const typed = getByRole(
      dialogOf(el),
      'textbox',
      'Number of sessions to disconnect',
    ) as HTMLInputElement;
    typed.focus();
    await sendKeys({ type: '59' });
    await el.updateComplete;
    expect(confirm.disabled).to.equal(true);
    typed.select();
    await sendKeys({ type: '60' });
    await el.updateComplete;
    expect(confirm.disabled).to.equal(false);

    const finished = oneEvent(el, 'cs-disconnect');
    click(confirm);
    await waitUntil(() => {
      const bar = queryByRole(el.shadowRoot!, 'progressbar', 'Disconnect progress');
      return bar && Number(bar.getAttribute('aria-valuenow')) >= 10;
    }, 'the first batch is done');
    await expect(el).to.be.accessible();
    click(button(dialogOf(el), 'Cancel'));
    const { results } = (await finished).detail as DisconnectDetail;
    expect(results).to.have.length(60);
    const done = results.filter((r) => r.outcome === 'disconnected').length;
    const cancelled = results.filter((r) => r.outcome === 'cancelled').length;
    expect(done).to.be.within(10, 50);
    expect(done + cancelled).to.equal(60);
    const untouched = results.find((r) => r.outcome === 'cancelled')!.clientId;
    expect((await clientState(broker, untouched)).closes).to.equal(0);
    expect((await clientState(broker, 'bystander-1')).closes).to.equal(0);
  });

  it('should disconnect and block a client that reconnects at once, keeping it out', async () => {
    broker = await startBroker();
    await connectClients(broker, [{ clientId: 'flapper', reconnect: true }, plain('calm')]);
    const el = await render(broker);
    await waitForRows(el, 2);
    const details = await openDetails(el, 'flapper');
    click(button(details, 'Disconnect and block'));
    await el.updateComplete;
    const dialog = dialogOf(el);
    expect(nameOf(dialog)).to.equal('Disconnect and block this client?');
    const duration = dialog.querySelector('select')!;
    duration.value = '300';
    duration.dispatchEvent(new Event('change'));
    await expect(el).to.be.accessible();
    const request = oneEvent(el, 'cs-disconnect-request');
    click(button(dialog, 'Disconnect and block'));
    expect((await request).detail.block).to.deep.equal({ durationSeconds: 300 });
    await oneEvent(el, 'cs-disconnect');

    const bans = await bansOf(broker);
    expect(bans.map((b) => [b.as, b.who])).to.deep.equal([['clientid', 'flapper']]);
    expect(bans[0]!.until - Date.now()).to.be.within(250_000, 301_000);
    // It tries to come back (MQTT.js retries within 3 s) and is refused each time.
    await new Promise((r) => setTimeout(r, 4000));
    const state = await clientState(broker, 'flapper');
    expect(state.connected).to.equal(false);
    expect(state.connects).to.equal(1);
    await waitForRows(el, 1);
    expect(rowsOf(el).has('flapper')).to.equal(false);
  });

  it('should filter by workspace and node across a two-node broker', async () => {
    broker = await startBroker({ secondNode: true });
    await connectClients(broker, [
      plain('a-1', { username: 'dev@org_aaa' }),
      plain('a-2', { username: 'dev@org_aaa', node: 1 }),
      plain('b-1', { username: 'dev@org_bbb' }),
      plain('b-2', { username: 'dev@org_bbb', node: 1 }),
      plain('b-3', { username: 'dev@org_bbb', node: 1 }),
      plain('nobody', { username: 'other' }),
    ]);
    const source = configFor(broker);
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .workspaces=${[
          { id: 'a', label: 'Org A', source, match: { usernameSuffix: '@org_aaa' } },
          { id: 'b', label: 'Org B', source, match: { usernameSuffix: '@org_bbb' } },
        ]}
      ></cs-active-sessions>`,
    );
    await waitForRows(el, 5, 'the sessions of both workspaces');
    const workspace = getByRole(el.shadowRoot!, 'combobox', 'Workspace') as HTMLSelectElement;
    expect([...workspace.options].map((o) => o.textContent!.trim())).to.deep.equal([
      'All workspaces (5)',
      'Org A (2)',
      'Org B (3)',
    ]);
    const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
    expect(queryAllByRole(grid, 'columnheader').map((h) => nameOf(h))).to.include('Workspace');
    expect(rowsOf(el).get('b-2')![1]).to.equal('Org B');
    await expect(el).to.be.accessible();

    workspace.value = 'a';
    workspace.dispatchEvent(new Event('change'));
    await waitForRows(el, 2);
    expect(queryAllByRole(grid, 'columnheader').map((h) => nameOf(h))).not.to.include('Workspace');
    expect(countText(el)).to.equal('2 active sessions');

    workspace.value = '';
    workspace.dispatchEvent(new Event('change'));
    const node = getByRole(el.shadowRoot!, 'combobox', 'Node') as HTMLSelectElement;
    await waitForRows(el, 5);
    node.value = 'dev2@127.0.0.1';
    node.dispatchEvent(new Event('change'));
    await waitForRows(el, 3);
    expect(orderOf(el).sort()).to.deep.equal(['a-2', 'b-2', 'b-3']);
    expect(countText(el)).to.equal('3 of 5 active sessions');
    const remove = button(el.shadowRoot!, 'Remove filter Node: dev2@127.0.0.1');
    await expect(el).to.be.accessible();
    click(remove);
    await waitForRows(el, 5);
  });

  it('should filter by IP and CIDR, IPv4 and IPv6 notations, and refuse bad input', async () => {
    broker = await startBroker();
    await connectClients(broker, [
      plain('ten', { localAddress: '127.0.0.10' }),
      plain('eleven', { localAddress: '127.0.0.11' }),
      plain('twenty', { localAddress: '127.0.0.20' }),
    ]);
    const el = await render(broker);
    await waitForRows(el, 3);
    const ip = getByRole(el.shadowRoot!, 'textbox', 'IP or CIDR') as HTMLInputElement;
    const add = async (text: string) => {
      ip.focus();
      ip.select();
      await sendKeys({ type: text });
      click(button(el.shadowRoot!, 'Add IP filter'));
      await el.updateComplete;
    };

    await add('127.0.0.8/29'); // .8 – .15
    await waitForRows(el, 2);
    expect(orderOf(el).sort()).to.deep.equal(['eleven', 'ten']);
    click(button(el.shadowRoot!, 'Remove filter IP: 127.0.0.8/29'));
    await waitForRows(el, 3);

    // IPv6 notation of the same IPv4 range (IPv4-mapped), and a plain IPv6 range.
    await add('::ffff:127.0.0.16/124'); // .16 – .31
    await waitForRows(el, 1);
    expect(orderOf(el)).to.deep.equal(['twenty']);
    await add('2001:db8::/32');
    await waitForRows(el, 1, 'an IPv6 range matches no IPv4 client but ORs with the other');
    click(button(el.shadowRoot!, 'Remove filter IP: ::ffff:127.0.0.16/124'));
    await waitForRows(el, 0);
    expect(el.shadowRoot!.textContent).to.include('No sessions match the filters.');
    click(button(el.shadowRoot!, 'Clear filters'));
    await waitForRows(el, 3);

    await add('127.0.0.300');
    expect(ip.getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.textContent).to.include('is not an IP address or CIDR range');
    expect(rowsOf(el).size).to.equal(3);
    await add('10.0.0.0/33');
    expect(ip.getAttribute('aria-invalid')).to.equal('true');
  });

  it('should keep the sort order across a refresh, with aria-sort on the sorted column only', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('m-5'), plain('m-10'), plain('m-1')]);
    const el = await render(broker);
    await waitForRows(el, 3);
    const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
    const header = (name: string) =>
      queryAllByRole(grid, 'columnheader').find((h) => nameOf(h) === name)!;

    click(button(header('Client ID'), 'Client ID'));
    await el.updateComplete;
    expect(header('Client ID').getAttribute('aria-sort')).to.equal('ascending');
    await waitUntil(() => orderOf(el).join() === 'm-1,m-5,m-10', 'ascending natural order');
    click(button(header('Client ID'), 'Client ID'));
    await el.updateComplete;
    expect(header('Client ID').getAttribute('aria-sort')).to.equal('descending');
    expect(header('Username').hasAttribute('aria-sort')).to.equal(false);
    await waitUntil(() => orderOf(el).join() === 'm-10,m-5,m-1', 'descending order');

    await connectClients(broker, [plain('m-7')]);
    click(button(el.shadowRoot!, 'Refresh'));
    await waitUntil(() => orderOf(el).join() === 'm-10,m-7,m-5,m-1', 'still sorted after refresh');
    expect(header('Client ID').getAttribute('aria-sort')).to.equal('descending');
    await expect(el).to.be.accessible();
  });

  it('should show TLS for a client on the TLS listener, and filter on it', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('secure-1', { transport: 'tls' }), plain('plain-1')]);
    const el = await render(broker);
    await waitForRows(el, 2);
    expect(factsOf(await openDetails(el, 'secure-1'))['TLS']).to.equal('yes');
    expect(factsOf(await openDetails(el, 'plain-1'))['TLS']).to.equal('no');
    const tls = getByRole(el.shadowRoot!, 'combobox', 'TLS') as HTMLSelectElement;
    tls.value = 'yes';
    tls.dispatchEvent(new Event('change'));
    await waitForRows(el, 1);
    expect(orderOf(el)).to.deep.equal(['secure-1']);
  });

  it('should show plan usage at 0 %, warn from 80 % and show the real figures over 100 %', async () => {
    broker = await startBroker();
    const el = await render(broker, { planLimit: 5 });
    await oneEvent(el, 'cs-refresh');
    await el.updateComplete;
    const meter = () => getByRole(el.shadowRoot!, 'meter', 'Plan usage');
    expect(meter().textContent!.trim()).to.equal('0 / 5 (0%)');
    expect(meter().getAttribute('aria-valuenow')).to.equal('0');
    expect(meter().getAttribute('aria-valuemax')).to.equal('5');
    await expect(el).to.be.accessible();

    await connectClients(
      broker,
      ['p1', 'p2', 'p3', 'p4'].map((id) => plain(id)),
    );
    click(button(el.shadowRoot!, 'Refresh'));
    await waitForRows(el, 4);
    expect(meter().textContent!.trim()).to.equal('4 / 5 (80%)');
    expect(meter().classList.contains('warning')).to.equal(true);

    await connectClients(
      broker,
      ['p5', 'p6'].map((id) => plain(id)),
    );
    click(button(el.shadowRoot!, 'Refresh'));
    await waitForRows(el, 6);
    expect(meter().textContent!.trim()).to.equal('6 / 5 (120%)');
    expect(meter().classList.contains('error')).to.equal(true);
    expect(meter().getAttribute('aria-valuenow')).to.equal('6');
    await expect(el).to.be.accessible();
  });

  it('should show traffic counters, in-flight and queued messages in the details', async () => {
    broker = await startBroker();
    await connectClients(broker, [
      plain('slow-reader', {
        clean: false,
        keepalive: 600,
        subscriptions: [{ topic: 'load/#', qos: 1 }],
        slowConsumer: true,
      }),
      plain('loader', { publishTopic: 'load/x', publishEveryMs: 20 }),
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    const el = await render(broker);
    await waitForRows(el, 2);
    const facts = factsOf(await openDetails(el, 'slow-reader'));
    expect(facts['In flight']).to.equal('32 of 32');
    expect(Number(facts['Queued messages']!.split(' ')[0])).to.be.greaterThan(0);
    expect(Number(facts['Messages out']!.replace(/,/g, ''))).to.be.greaterThan(32);
    expect(facts['Bytes out']).to.match(/\d+(\.\d)? (B|KiB)/);
    expect(facts['Dropped messages']).to.equal('0');
  });
});
