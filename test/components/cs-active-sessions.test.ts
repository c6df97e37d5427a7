import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { FleetClientSpec } from '../../demo/fleet.js';
import {
  clientState,
  configFor,
  connectClients,
  sourceFor,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, nameOf, queryAllByRole, queryByRole } from '../support/by-role.js';
import { countText, factsOf, openDetails, rowsOf, waitForRows } from '../support/element.js';

const AGENT: FleetClientSpec = {
  clientId: 'agent-summarizer-prod-001',
  username: 'mydevice@org_k7xm4pqr2n5t',
  localAddress: '127.0.0.23',
  keepalive: 60,
  subscriptions: [
    { topic: 'agents/+/state', qos: 1 },
    { topic: 'agents/agent-001/#', qos: 0 },
    { topic: 'config/updates', qos: 2 },
  ],
  reconnect: false,
};
const MOBILE: FleetClientSpec = {
  clientId: 'mobile-app-user-12345',
  username: 'ops@example.com',
  transport: 'ws',
  localAddress: '127.0.0.24',
  keepalive: 30,
  reconnect: false,
};
const LEGACY: FleetClientSpec = {
  clientId: 'client1',
  protocolVersion: 3,
  localAddress: '127.0.0.25',
  clean: false,
  subscriptions: [{ topic: 'config/updates', qos: 1 }],
  reconnect: false,
};

async function renderFor(broker: BrokerInfo, attrs: { interval?: number } = {}) {
  return fixture<CsActiveSessions>(
    html`<cs-active-sessions
      .source=${sourceFor(broker)}
      refresh-interval=${attrs.interval ?? 30}
    ></cs-active-sessions>`,
  );
}

describe('<cs-active-sessions>', () => {
  let broker: BrokerInfo;

  beforeEach(async () => {
    broker = await startBroker();
  });

  afterEach(async () => {
    await stopBroker(broker);
  });

  it('should list real MQTT clients with their fields', async () => {
    await connectClients(broker, [AGENT, MOBILE, LEGACY]);
    const el = await renderFor(broker);
    await waitForRows(el, 3);

    const rows = rowsOf(el);
    const agent = rows.get('agent-summarizer-prod-001')!;
    expect(agent[1]).to.equal('mydevice');
    expect(agent[2]).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(agent.slice(3)).to.deep.equal(['127.0.0.23', '3.1.1', '3']);
    expect(rows.get('mobile-app-user-12345')!.slice(1)).to.deep.include.members([
      'ops@example.com',
      '127.0.0.24',
      '3.1.1 WebSocket',
      '0',
    ]);
    const legacy = rows.get('client1')!;
    expect(legacy[1]).to.equal('\u2014');
    expect(legacy.slice(3)).to.deep.equal(['127.0.0.25', '3.1', '1']);

    const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
    expect(grid.getAttribute('aria-rowcount')).to.equal('4');
    const headers = queryAllByRole(grid, 'columnheader');
    expect(getByRole(headers[0]!, 'checkbox', 'Select all')).to.exist;
    expect(headers.slice(1).map((h) => nameOf(h))).to.deep.equal([
      'Client ID',
      'Username',
      'Connected at',
      'IP address',
      'Protocol',
      'Subscriptions',
    ]);
    expect(countText(el)).to.equal('3 active sessions');
    expect(getByRole(el.shadowRoot!, 'region', 'Active sessions')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('should narrow the list by client ID or username as the user types', async () => {
    await connectClients(broker, [AGENT, MOBILE, LEGACY]);
    const el = await renderFor(broker);
    await waitForRows(el, 3);

    getByRole(el.shadowRoot!, 'searchbox', 'Search sessions').focus();
    await sendKeys({ type: 'AGENT' });
    await waitForRows(el, 1);
    expect([...rowsOf(el).keys()]).to.deep.equal(['agent-summarizer-prod-001']);
    expect(countText(el)).to.equal('1 of 3 active sessions');
    expect(getByRole(el.shadowRoot!, 'grid').getAttribute('aria-rowcount')).to.equal('2');

    // The username without its org suffix, and with it.
    const search = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions') as HTMLInputElement;
    search.select();
    await sendKeys({ type: 'org_k7xm' });
    await waitForRows(el, 1);
    search.select();
    await sendKeys({ type: 'example.com' });
    await waitForRows(el, 1);
    expect([...rowsOf(el).keys()]).to.deep.equal(['mobile-app-user-12345']);

    search.select();
    await sendKeys({ type: 'nobody-here' });
    await waitForRows(el, 0);
    expect(el.shadowRoot!.textContent).to.include('No sessions match');
    await expect(el).to.be.accessible();
  });

  it('should show connection info, subscriptions with QoS and session state in the details', async () => {
    await connectClients(broker, [AGENT, LEGACY]);
    const el = await renderFor(broker);
    await waitForRows(el, 2);
    const selected = oneEvent(el, 'cs-session-select');
    const details = await openDetails(el, 'agent-summarizer-prod-001');
    expect((await selected).detail.session.clientId).to.equal('agent-summarizer-prod-001');

    expect(queryAllByRole(details, 'heading').map((h) => nameOf(h))).to.include.members([
      'Connection',
      'Subscriptions',
      'Session state',
    ]);
    await waitUntil(() => details.querySelector('.subscriptions'), 'subscriptions load');
    const topics = [...details.querySelectorAll('.subscriptions li')].map((li) =>
      li.textContent!.replace(/\s+/g, ' ').trim(),
    );
    expect(topics).to.have.members([
      'agents/+/state (QoS 1)',
      'agents/agent-001/# (QoS 0)',
      'config/updates (QoS 2)',
    ]);
    const facts = factsOf(details);
    expect(facts['Client ID']).to.equal('agent-summarizer-prod-001');
    expect(facts['Username']).to.equal('mydevice@org_k7xm4pqr2n5t');
    expect(facts['Shown as']).to.equal('mydevice');
    expect(facts['Connected at']).to.match(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(for \d+ s\)$/);
    expect(facts['IP and port']).to.match(/^127\.0\.0\.23:\d+$/);
    expect(facts['TLS']).to.equal('no');
    expect(facts['Clean session']).to.equal('yes');
    expect(facts['Keep alive']).to.equal('60 s');
    expect(facts['Queued messages']).to.equal('0 of 1,000');
    expect(getByRole(details, 'button', 'Disconnect')).to.exist;
    await expect(el).to.be.accessible();

    // A persistent MQTT 3.1 session.
    const legacy = await openDetails(el, 'client1');
    await waitUntil(() => legacy.textContent!.includes('(QoS 1)'), 'legacy subscriptions');
    expect(legacy.textContent).to.include('config/updates');
    const cleanSession = [...legacy.querySelectorAll('dt')].find(
      (dt) => dt.textContent === 'Clean session',
    );
    expect(cleanSession!.nextElementSibling!.textContent).to.equal('no');
  });

  it('should disconnect a client after confirmation, closing its real connection', async () => {
    await connectClients(broker, [AGENT, MOBILE]);
    const el = await renderFor(broker);
    await waitForRows(el, 2);
    const details = await openDetails(el, 'mobile-app-user-12345');
    getByRole(details, 'button', 'Disconnect').click();
    await el.updateComplete;

    const dialog = getByRole(el.shadowRoot!, 'alertdialog');
    expect(nameOf(dialog)).to.equal('Disconnect this client?');
    expect(getByRole(dialog, 'button', 'Cancel')).to.exist;
    await expect(el).to.be.accessible();

    const requested = oneEvent(el, 'cs-disconnect-request');
    const done = oneEvent(el, 'cs-disconnect');
    getByRole(dialog, 'button', 'Disconnect').click();
    expect((await requested).detail.clientIds).to.deep.equal(['mobile-app-user-12345']);
    expect((await done).detail.results).to.deep.equal([
      { clientId: 'mobile-app-user-12345', outcome: 'disconnected' },
    ]);
    await waitUntil(
      async () => (await clientState(broker, 'mobile-app-user-12345')).closes > 0,
      'the client sees its connection close',
    );
    await waitForRows(el, 1);
    expect(rowsOf(el).has('mobile-app-user-12345')).to.equal(false);
    expect(queryByRole(el.shadowRoot!, 'alertdialog')).to.equal(null);
    expect(details.textContent).to.include('This session has ended');
    // The client does not reconnect: after the follow-up refresh it is still gone.
    await oneEvent(el, 'cs-refresh');
    expect(rowsOf(el).has('mobile-app-user-12345')).to.equal(false);
    expect((await clientState(broker, 'agent-summarizer-prod-001')).closes).to.equal(0);
  });

  it('should show a reconnecting client come back as a new session', async () => {
    await connectClients(broker, [{ ...MOBILE, reconnect: true }]);
    const el = await renderFor(broker);
    await waitForRows(el, 1);
    const before = rowsOf(el).get('mobile-app-user-12345')![2];
    const details = await openDetails(el, 'mobile-app-user-12345');
    getByRole(details, 'button', 'Disconnect').click();
    await el.updateComplete;
    getByRole(getByRole(el.shadowRoot!, 'alertdialog'), 'button', 'Disconnect').click();
    await oneEvent(el, 'cs-disconnect');
    await waitUntil(
      async () => (await clientState(broker, 'mobile-app-user-12345')).connects >= 2,
      'the client reconnects',
      { timeout: 8000 },
    );
    await waitForRows(el, 1, 'the reconnected client is listed again');
    expect(details.textContent).not.to.include('This session has ended');
    const state = await clientState(broker, 'mobile-app-user-12345');
    expect(state.closes).to.be.greaterThan(0);
    expect(rowsOf(el).get('mobile-app-user-12345')![2] >= before!).to.equal(true);
  });

  it('should leave the client alone when the user cancels or the page vetoes', async () => {
    await connectClients(broker, [AGENT]);
    const el = await renderFor(broker);
    await waitForRows(el, 1);
    const details = await openDetails(el, 'agent-summarizer-prod-001');

    getByRole(details, 'button', 'Disconnect').click();
    await el.updateComplete;
    getByRole(getByRole(el.shadowRoot!, 'alertdialog'), 'button', 'Cancel').click();
    await el.updateComplete;
    expect(queryByRole(el.shadowRoot!, 'alertdialog')).to.equal(null);

    el.addEventListener('cs-disconnect-request', (e) => e.preventDefault(), { once: true });
    getByRole(details, 'button', 'Disconnect').click();
    await el.updateComplete;
    getByRole(getByRole(el.shadowRoot!, 'alertdialog'), 'button', 'Disconnect').click();
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 300));
    const state = await clientState(broker, 'agent-summarizer-prod-001');
    expect(state.closes).to.equal(0);
    expect(rowsOf(el).size).to.equal(1);
  });

  it('should say clearly when the API key is wrong', async () => {
    await connectClients(broker, [AGENT]);
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions .source=${sourceFor(broker, 'wrong-secret')}></cs-active-sessions>`,
    );
    const error = await oneEvent(el, 'cs-error');
    expect(error.detail.kind).to.equal('auth');
    await el.updateComplete;
    const alert = el.shadowRoot!.querySelector('[part="error"]')!;
    expect(alert.textContent).to.match(/refused the credentials \(HTTP 401 BAD_API_KEY_OR_SECRET/);
    expect(alert.textContent).to.include('Check the API key and secret');
    expect(alert.textContent).not.to.include('wrong-secret');
    expect(rowsOf(el).size).to.equal(0);
    await expect(el).to.be.accessible();
  });

  it('should keep the last good list, marked stale, when the broker goes away', async () => {
    await connectClients(broker, [AGENT, MOBILE]);
    const el = await renderFor(broker);
    await waitForRows(el, 2);
    await stopBroker(broker);
    getByRole(el.shadowRoot!, 'button', 'Refresh').click();
    const error = await oneEvent(el, 'cs-error');
    expect(error.detail.kind).to.equal('network');
    await el.updateComplete;
    expect(rowsOf(el).size).to.equal(2);
    expect(el.shadowRoot!.querySelector('[part="error"]')!.textContent).to.include(
      'Could not refresh',
    );
    expect(el.shadowRoot!.querySelector('[part="status"]')!.textContent).to.include('(stale)');
    await expect(el).to.be.accessible();
  });

  it('should refresh on its own without blanking the table or moving focus', async () => {
    await connectClients(broker, [AGENT]);
    const el = await renderFor(broker, { interval: 1 });
    await waitForRows(el, 1);
    const search = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions');
    search.focus();
    let blanked = false;
    const watch = setInterval(() => (blanked ||= rowsOf(el).size === 0), 20);
    await connectClients(broker, [MOBILE]);
    await waitForRows(el, 2, 'the new client appears without a click');
    clearInterval(watch);
    expect(blanked).to.equal(false);
    expect(el.shadowRoot!.activeElement).to.equal(search);

    const toggle = getByRole(el.shadowRoot!, 'switch', 'Auto-refresh');
    expect(toggle.getAttribute('aria-checked')).to.equal('true');
    toggle.click();
    await el.updateComplete;
    expect(toggle.getAttribute('aria-checked')).to.equal('false');
    await connectClients(broker, [LEGACY]);
    await new Promise((r) => setTimeout(r, 2500));
    expect(rowsOf(el).size).to.equal(2);
    toggle.click();
    await waitForRows(el, 3, 'auto-refresh resumes');
  });

  it('should pause auto-refresh while the page is hidden', async () => {
    await connectClients(broker, [AGENT]);
    const el = await renderFor(broker, { interval: 1 });
    await waitForRows(el, 1);
    // Headless Chromium is never hidden: shadow the getter for this test only.
    try {
      Object.defineProperty(document, 'visibilityState', {
        configurable: true,
        get: () => 'hidden',
      });
      document.dispatchEvent(new Event('visibilitychange'));
      let refreshes = 0;
      el.addEventListener('cs-refresh', () => refreshes++);
      await new Promise((r) => setTimeout(r, 2500));
      expect(refreshes).to.equal(0);
    } finally {
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
    document.dispatchEvent(new Event('visibilitychange'));
    await oneEvent(el, 'cs-refresh');
  });

  it('should say when the broker has no active sessions', async () => {
    const el = await renderFor(broker);
    await oneEvent(el, 'cs-refresh');
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.include('No active sessions.');
    expect(countText(el)).to.equal('0 active sessions');
    await expect(el).to.be.accessible();
  });

  it('should fit a popup in the compact layout and open a session asked for by client ID', async () => {
    await connectClients(broker, [AGENT, MOBILE, LEGACY]);
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        layout="compact"
        .workspaces=${[{ id: 'all', label: 'All', source: configFor(broker), planLimit: 4 }]}
      ></cs-active-sessions>`,
    );
    el.showSession('mobile-app-user-12345', 'all');
    await el.focusSearch();
    await waitUntil(
      () => queryByRole(el.shadowRoot!, 'region', 'Session details'),
      'the details of the client asked for',
    );
    const details = getByRole(el.shadowRoot!, 'region', 'Session details');
    expect(factsOf(details)['Client ID']).to.equal('mobile-app-user-12345');
    const search = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions') as HTMLInputElement;
    expect(search.value).to.equal('mobile-app-user-12345');
    // The details cover the list: focus is in them, and the list behind is inert.
    await waitUntil(
      () => el.shadowRoot!.activeElement === getByRole(details, 'button', 'Close details'),
    );
    expect(el.shadowRoot!.querySelector('.covered')!.hasAttribute('inert')).to.equal(true);
    // The workspace's own plan limit, and only what a popup has room for.
    const meter = getByRole(el.shadowRoot!, 'meter', 'Plan usage');
    expect(meter.getAttribute('aria-valuetext')).to.match(/^3 \/ 4 \(75%\)/);
    const headers = queryAllByRole(el.shadowRoot!, 'columnheader').map((h) => nameOf(h));
    expect(headers.slice(1)).to.deep.equal(['Client ID', 'Username', 'Protocol']);
    for (const name of ['Alerts', 'Audit log', 'Export history', 'Auto-refresh']) {
      expect(queryByRole(el.shadowRoot!, 'button', name), name).to.equal(null);
    }
    expect(queryByRole(el.shadowRoot!, 'switch', 'Auto-refresh')).to.equal(null);
    await expect(el).to.be.accessible();

    // A client that is not connected: the search and the live region say so, no details open.
    getByRole(details, 'button', 'Close details').click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.covered')!.hasAttribute('inert')).to.equal(false);
    el.showSession('pump-that-left');
    await waitUntil(
      () => el.shadowRoot!.textContent!.includes('No sessions match “pump-that-left”.'),
      'the empty search',
    );
    expect(el.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent).to.equal(
      'pump-that-left is not connected.',
    );
    expect(queryByRole(el.shadowRoot!, 'region', 'Session details')).to.equal(null);
  });

  it('should render hostile client IDs as text', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    await connectClients(broker, [
      { clientId: hostile, username: '=cmd|x@org_abc', reconnect: false },
    ]);
    const el = await renderFor(broker);
    await waitForRows(el, 1);
    expect(rowsOf(el).has(hostile)).to.equal(true);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    const details = await openDetails(el, hostile);
    expect(details.querySelector('img')).to.equal(null);
  });
});
