import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { AlertDetail } from '../../components/cs-active-sessions/events.js';
import { openDB } from 'idb';
import type { AlertRule } from '../../src/alerts/rules.js';
import { dbName, openStorage } from '../../src/storage/db.js';
import {
  clientState,
  connectClients,
  plain,
  sourceFor,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, nameOf, queryAllByRole, queryByRole } from '../support/by-role.js';
import { countText, waitForRows, uniqueKey } from '../support/element.js';
import { checkNetworkRuleForm } from '../support/rule-form.js';

async function render(
  broker: BrokerInfo,
  options: { rules?: AlertRule[]; live?: boolean; key?: string } = {},
) {
  const el = await fixture<CsActiveSessions>(
    html`<cs-active-sessions
      .source=${sourceFor(broker)}
      .alertRules=${options.rules}
      .liveCredentials=${{ username: 'dashboard', password: broker.apiSecret }}
      ?live=${options.live ?? false}
      live-url=${broker.wsUrl}
      refresh-interval="3600"
      storage-key=${options.key ?? uniqueKey()}
    ></cs-active-sessions>`,
  );
  const alerts: AlertDetail[] = [];
  el.addEventListener('cs-alert', (e) => alerts.push(e.detail));
  return { el, alerts };
}

async function kick(broker: BrokerInfo, clientId: string) {
  const auth = `Basic ${btoa(`${broker.apiKey}:${broker.apiSecret}`)}`;
  await fetch(`${broker.apiUrl}/clients/${encodeURIComponent(clientId)}`, {
    method: 'DELETE',
    headers: { authorization: auth },
  });
}

async function refresh(el: CsActiveSessions) {
  const done = new Promise((r) => el.addEventListener('cs-refresh', r, { once: true }));
  getByRole(el.shadowRoot!, 'button', 'Refresh').click();
  await done;
}

const alertsButton = (el: CsActiveSessions) =>
  queryAllByRole(el.shadowRoot!, 'button').find((b) => /^Alerts( \d+)?$/.test(nameOf(b)))!;

describe('<cs-active-sessions> alerts', () => {
  let broker: BrokerInfo | undefined;

  afterEach(async () => {
    fixtureCleanup();
    if (broker) await stopBroker(broker);
    broker = undefined;
  });

  it('should raise count-below and sudden-drop alerts from real disconnects, and acknowledge them', async () => {
    broker = await startBroker();
    const ids = ['d-1', 'd-2', 'd-3', 'd-4', 'd-5', 'd-6'];
    await connectClients(
      broker,
      ids.map((id) => plain(id)),
    );
    const key = uniqueKey();
    const rules: AlertRule[] = [
      { id: 'low', kind: 'count-below', threshold: 5 },
      { id: 'drop', kind: 'sudden-drop', percent: 30, minutes: 5 },
    ];
    const { el, alerts } = await render(broker, { rules, key });
    await waitForRows(el, 6);
    for (const id of ids.slice(0, 3)) await kick(broker, id);
    await refresh(el);
    await waitUntil(() => alerts.length === 2, 'two alerts');
    expect(alerts.map((a) => a.ruleId).sort()).to.deep.equal(['drop', 'low']);
    expect(alerts.find((a) => a.ruleId === 'low')!.message).to.include('fell to 3, below 5');
    expect(alerts.find((a) => a.ruleId === 'drop')!.message).to.include('dropped 50%');
    // Still low on the next poll: no second alert (hysteresis).
    await refresh(el);
    expect(alerts).to.have.length(2);

    expect(nameOf(alertsButton(el))).to.equal('Alerts 2');
    alertsButton(el).click();
    await el.updateComplete;
    const region = getByRole(el.shadowRoot!, 'region', 'Alerts');
    expect(queryAllByRole(region, 'button', 'Acknowledge')).to.have.length(2);
    await expect(el).to.be.accessible();
    queryAllByRole(region, 'button', 'Acknowledge')[0]!.click();
    await el.updateComplete;
    expect(nameOf(alertsButton(el))).to.equal('Alerts 1');
    getByRole(region, 'button', 'Acknowledge all').click();
    await el.updateComplete;
    expect(nameOf(alertsButton(el))).to.equal('Alerts');

    // Removed at once (a popup closed): the acknowledgements are kept all the same. (Read back
    // without the page's rules, which would evaluate again if storage answered after the list.)
    fixtureCleanup();
    const again = (await render(broker, { key })).el;
    await waitForRows(again, 3);
    alertsButton(again).click();
    await again.updateComplete;
    const list = getByRole(again.shadowRoot!, 'region', 'Alerts');
    await waitUntil(() => list.textContent!.includes('fell to 3, below 5'), 'the stored alerts');
    expect(queryAllByRole(list, 'button', 'Acknowledge')).to.have.length(0);
    expect(nameOf(alertsButton(again))).to.equal('Alerts');
  });

  it('should save acknowledgements as the page is hidden for good, the element still in it', async () => {
    // A closed extension popup: its document is unloaded, and nothing removes the element.
    broker = await startBroker();
    await connectClients(broker, [plain('p-1'), plain('p-2')]);
    const key = uniqueKey();
    const { el, alerts } = await render(broker, {
      rules: [{ id: 'low', kind: 'count-below', threshold: 5 }],
      key,
    });
    await waitUntil(() => alerts.length === 1, 'the alert');
    await waitUntil(() => nameOf(alertsButton(el)) === 'Alerts 1', 'listed');
    alertsButton(el).click();
    await el.updateComplete;
    getByRole(getByRole(el.shadowRoot!, 'region', 'Alerts'), 'button', 'Acknowledge all').click();
    await el.updateComplete;
    window.dispatchEvent(new PageTransitionEvent('pagehide'));
    // Read at once: not after the moment the element otherwise waits to save alerts.
    const storage = await openStorage(key);
    const { list } = await storage.alerts();
    storage.close();
    expect(list?.map((a) => [a.ruleId, a.acknowledged])).to.deep.equal([['low', true]]);
  });

  it('should raise spike and reconnect-storm alerts from live events, once each', async () => {
    broker = await startBroker();
    const ids = ['s-1', 's-2', 's-3'];
    await connectClients(
      broker,
      ids.map((clientId) => ({ clientId, reconnect: true })),
    );
    const { el, alerts } = await render(broker, {
      live: true,
      rules: [
        { id: 'spike', kind: 'spike', connections: 4, minutes: 1 },
        { id: 'storm', kind: 'reconnect-storm', clients: 2, reconnects: 2, minutes: 1 },
      ],
    });
    await waitForRows(el, 3);
    await waitUntil(
      () => el.shadowRoot!.querySelector('[part="live-status"]')?.textContent === 'Live',
      'live',
    );
    for (let round = 1; round <= 2; round++) {
      for (const id of ids) await kick(broker, id);
      for (const id of ids) {
        await waitUntil(
          async () => (await clientState(broker!, id)).connects > round,
          `${id} back`,
          {
            timeout: 8000,
          },
        );
      }
    }
    await waitUntil(() => alerts.length >= 2, 'spike and storm', { timeout: 8000 });
    expect(alerts.map((a) => a.ruleId).sort()).to.deep.equal(['spike', 'storm']);
    expect(alerts.find((a) => a.ruleId === 'storm')!.clientIds.length).to.be.at.least(2);
  });

  it('should flag a connection from outside the allowed networks', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('inside-1', { localAddress: '127.0.0.10' })]);
    const { el, alerts } = await render(broker, {
      rules: [
        {
          id: 'net',
          kind: 'unexpected-network',
          allowed: ['127.0.0.0/26', '2001:db8::/32'],
          learningMinutes: 0,
        },
      ],
    });
    await waitForRows(el, 1);
    await connectClients(broker, [
      plain('inside-2', { localAddress: '127.0.0.20' }),
      plain('roaming-laptop', { localAddress: '127.0.0.100' }),
    ]);
    await refresh(el);
    await waitUntil(() => alerts.length === 1, 'one alert');
    expect(alerts[0]!.clientIds).to.deep.equal(['roaming-laptop']);
    expect(alerts[0]!.message).to.include('127.0.0.100, outside the allowed networks');
  });

  it('should raise a critical-client alert at once from its live disconnect', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('pump-controller-7'), plain('bystander')]);
    const { el, alerts } = await render(broker, {
      live: true,
      rules: [{ id: 'crit', kind: 'critical-disconnect', clients: ['pump-*'] }],
    });
    await waitForRows(el, 2);
    await waitUntil(
      () => el.shadowRoot!.querySelector('[part="live-status"]')?.textContent === 'Live',
      'live',
    );
    await kick(broker, 'bystander');
    await kick(broker, 'pump-controller-7');
    await waitUntil(() => alerts.length === 1, 'the critical alert, without a poll');
    expect(alerts[0]!.message).to.equal('Critical client pump-controller-7 disconnected.');
    await waitUntil(() => countText(el) === '0 active sessions', 'both rows leave on their events');
  });

  it('should upgrade a version 1 database in place, keeping its settings', async () => {
    const key = uniqueKey();
    const v1 = await openDB(dbName(key), 1, {
      upgrade(db) {
        db.createObjectStore('history', { keyPath: ['workspace', 't', 'resolution'] }).createIndex(
          'byTime',
          't',
        );
        db.createObjectStore('audit', { keyPath: 'id', autoIncrement: true }).createIndex(
          'byTime',
          't',
        );
        db.createObjectStore('settings');
      },
    });
    await v1.put('settings', { trendRange: 'week' }, 'settings');
    v1.close();
    const storage = await openStorage(key);
    expect(storage.degraded).to.equal(undefined);
    expect(await storage.settings()).to.deep.equal({ trendRange: 'week' });
    await storage.saveAlerts({ rules: [{ id: 'x', kind: 'count-below', threshold: 1 }] });
    expect((await storage.alerts()).rules).to.have.length(1);
    storage.close();
  });

  it('should add and remove rules in the panel, kept across a reload', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('r-1'), plain('r-2')]);
    const key = uniqueKey();
    const { el } = await render(broker, { key });
    await waitForRows(el, 2);
    alertsButton(el).click();
    await el.updateComplete;
    const region = getByRole(el.shadowRoot!, 'region', 'Alerts');
    const form = getByRole(region, 'form', 'Add rule');
    const kind = getByRole(form, 'combobox', 'Rule') as HTMLSelectElement;
    kind.value = 'critical-disconnect';
    kind.dispatchEvent(new Event('change'));
    await el.updateComplete;
    getByRole(form, 'button', 'Add rule').click();
    await el.updateComplete;
    expect(getByRole(form, 'alert').textContent).to.include('Name at least one client ID');
    const clients = getByRole(form, 'textbox', 'Client IDs') as HTMLInputElement;
    clients.focus();
    await sendKeys({ type: 'gateway-1, pump-*' });
    getByRole(form, 'button', 'Add rule').click();
    await el.updateComplete;
    expect(region.textContent).to.include('Critical clients disconnect: gateway-1, pump-*');
    await expect(el).to.be.accessible();
    await new Promise((r) => setTimeout(r, 700)); // stored after a short pause
    fixtureCleanup();

    const { el: again } = await render(broker, { key });
    await waitForRows(again, 2);
    alertsButton(again).click();
    await again.updateComplete;
    const region2 = getByRole(again.shadowRoot!, 'region', 'Alerts');
    await waitUntil(() => region2.textContent!.includes('gateway-1, pump-*'), 'the rule came back');
    getByRole(
      region2,
      'button',
      'Remove rule: Critical clients disconnect: gateway-1, pump-*',
    ).click();
    await again.updateComplete;
    expect(queryByRole(region2, 'button', /^Remove rule/)).to.equal(null);
  });
  it('should refuse an unexpected-network rule whose allowed networks are not all addresses or ranges', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('n-1')]);
    const { el } = await render(broker, { key: uniqueKey() });
    await waitForRows(el, 1);
    alertsButton(el).click();
    await el.updateComplete;
    const region = getByRole(el.shadowRoot!, 'region', 'Alerts');
    await checkNetworkRuleForm(el, region);
    expect(queryByRole(getByRole(region, 'form', 'Add rule'), 'alert')).to.equal(null);
  });

  it('should not check a page-set network rule with a mistyped network, and say so', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('n-1')]); // from 127.0.0.x
    const typo: AlertRule = {
      id: 'net',
      kind: 'unexpected-network',
      allowed: ['127.0.0.0/33'],
      learningMinutes: 0,
    };
    const { el, alerts } = await render(broker, { rules: [typo] });
    await waitForRows(el, 1);
    const banner = () =>
      [...el.shadowRoot!.querySelectorAll('[part="notice"]')].map((n) => n.textContent!.trim());
    await waitUntil(() => banner().length === 1, 'the rule named');
    expect(banner()[0]).to.equal(
      'The alert rule “Connections from outside 127.0.0.0/33” is not checked: "127.0.0.0/33" is not an IP address or CIDR range. Write networks like 10.0.0.0/8 or 2001:db8::/32.',
    );
    // Left to run without the entry, it would flag a client of the network meant to be allowed.
    await connectClients(broker, [plain('n-2')]);
    await refresh(el);
    await waitForRows(el, 2);
    expect(alerts).to.deep.equal([]);

    el.alertRules = [{ ...typo, allowed: ['127.0.0.0/8'] }];
    await el.updateComplete;
    expect(banner()).to.deep.equal([]);
  });
});
