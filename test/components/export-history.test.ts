import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import { expect, fixture, fixtureCleanup, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { openDB } from 'idb';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { ExportDetail } from '../../components/cs-active-sessions/events.js';
import { sessionsFromJsonExport } from '../../src/export/export.js';
import { sessionFromEmqx } from '../../src/model/emqx-client.js';
import type { Session } from '../../src/model/session.js';
import {
  dbName,
  openStorage,
  type HistorySample,
  type StoredSettings,
} from '../../src/storage/db.js';
import type { SessionSource } from '../../src/sources/source.js';
import {
  connectClients,
  plain,
  sourceFor,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, nameOf, queryAllByRole, queryByRole } from '../support/by-role.js';
import {
  countText,
  dialogOf,
  openDetails,
  orderOf,
  waitForRows,
  uniqueKey,
} from '../support/element.js';
import { parseCsv } from '../support/csv.js';

async function render(broker: BrokerInfo, storageKey: string, extra: { operator?: string } = {}) {
  return fixture<CsActiveSessions>(
    html`<cs-active-sessions
      .source=${sourceFor(broker)}
      .operator=${extra.operator ?? ''}
      storage-key=${storageKey}
    ></cs-active-sessions>`,
  );
}

/** Waits until the settings stored for `storageKey` pass `check` (as saved by the element). */
async function savedSettings(
  storageKey: string,
  check: (settings: StoredSettings) => boolean,
  what: string,
) {
  const storage = await openStorage(storageKey);
  try {
    await waitUntil(async () => check(await storage.settings()), what, { timeout: 10_000 });
  } finally {
    storage.close();
  }
}

/** Opens the Export menu and picks a format, as a person would; resolves with the event. */
async function exportAs(el: CsActiveSessions, format: 'CSV' | 'JSON') {
  getByRole(el.shadowRoot!, 'button', 'Export').click();
  await el.updateComplete;
  const menu = getByRole(el.shadowRoot!, 'menu', 'Export');
  const done = oneEvent(el, 'cs-export');
  getByRole(menu, 'menuitem', format).click();
  return (await done).detail as ExportDetail;
}

const trendSummary = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('[part="trend"] svg')!.getAttribute('aria-label')!;

describe('<cs-active-sessions> export, history, audit and settings', () => {
  let broker: BrokerInfo | undefined;

  afterEach(async () => {
    fixtureCleanup();
    if (broker) await stopBroker(broker);
    broker = undefined;
  });

  it('should export exactly the filtered view as CSV, with spreadsheet formulas neutralised', async () => {
    broker = await startBroker();
    await connectClients(broker, [
      plain('=HYPERLINK("http://evil")', { username: '+cmd@org_x' }),
      plain('@SUM(A1)', { username: '-2+3' }),
      plain('\tlead-tab'),
      plain('agent-summarizer-prod-001', { username: 'plain' }),
    ]);
    const el = await render(broker, uniqueKey());
    await waitForRows(el, 4);
    const all = await exportAs(el, 'CSV');
    expect(all.count).to.equal(4);
    expect(all.filename).to.match(/^active-sessions-all-\d{8}T\d{6}Z\.csv$/);
    const rows = parseCsv(await all.blob.text());
    expect(rows[0]!.slice(0, 4)).to.deep.equal([
      'clientId',
      'username',
      'displayUsername',
      'workspace',
    ]);
    const ids = rows.slice(1).map((r) => r[0]);
    expect(ids).to.have.members([
      `'=HYPERLINK("http://evil")`,
      "'@SUM(A1)",
      "'\tlead-tab",
      'agent-summarizer-prod-001',
    ]);
    const usernames = rows.slice(1).map((r) => r[1]);
    expect(usernames).to.include("'+cmd@org_x");
    expect(usernames).to.include("'-2+3");

    getByRole(el.shadowRoot!, 'searchbox', 'Search sessions').focus();
    await sendKeys({ type: 'agent' });
    await waitUntil(() => countText(el) === '1 of 4 active sessions', 'filtered');
    const filtered = parseCsv(await (await exportAs(el, 'CSV')).blob.text());
    expect(filtered.map((r) => r[0])).to.deep.equal(['clientId', 'agent-summarizer-prod-001']);
    await expect(el).to.be.accessible();
  });

  it('should work the Export and Columns menus from the keyboard', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('k-1')]);
    const el = await render(broker, uniqueKey());
    await waitForRows(el, 1);
    const root = el.shadowRoot!;
    const exportButton = getByRole(root, 'button', 'Export');
    exportButton.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(exportButton.getAttribute('aria-expanded')).to.equal('true');
    expect(nameOf(root.activeElement!)).to.equal('CSV');
    await sendKeys({ press: 'ArrowDown' });
    expect(nameOf(root.activeElement!)).to.equal('JSON');
    await sendKeys({ press: 'Escape' });
    await el.updateComplete;
    await el.updateComplete;
    expect(queryByRole(root, 'menu', 'Export')).to.equal(null);
    expect(root.activeElement).to.equal(exportButton);

    const columns = getByRole(root, 'button', 'Columns');
    columns.focus();
    await sendKeys({ press: 'Enter' });
    await el.updateComplete;
    expect(root.activeElement!.getAttribute('role')).to.equal('menuitemcheckbox');
    await sendKeys({ press: 'Tab' });
    await el.updateComplete;
    expect(queryByRole(root, 'menu', 'Columns'), 'Tab leaves and closes the menu').to.equal(null);
  });

  it('should export JSON that reads back to the same sessions', async () => {
    broker = await startBroker();
    await connectClients(broker, [
      plain('agent-1', {
        username: 'a@org_k7xm4pqr2n5t',
        subscriptions: [{ topic: 'x/+', qos: 1 }],
      }),
      plain('legacy', { protocolVersion: 3, transport: 'ws' }),
    ]);
    const el = await render(broker, uniqueKey());
    await waitForRows(el, 2);
    const detail = await exportAs(el, 'JSON');
    expect(detail.filename).to.match(/\.json$/);
    const back = sessionsFromJsonExport(await detail.blob.text());
    const listed = (await sourceFor(broker).list()).sessions;
    const strip = ({ key: _k, workspace: _w, ...rest }: Session) => rest;
    const byId = (list: Session[]) => Object.fromEntries(list.map((s) => [s.clientId, strip(s)]));
    const fromFile = byId(back);
    const fromBroker = byId(listed);
    // Traffic counters move between the two reads; everything else must match exactly.
    for (const id of ['agent-1', 'legacy']) {
      const a = {
        ...fromFile[id]!,
        recvBytes: 0,
        recvPackets: 0,
        sentBytes: 0,
        sentPackets: 0,
        recvMessages: 0,
        sentMessages: 0,
      };
      const b = {
        ...fromBroker[id]!,
        recvBytes: 0,
        recvPackets: 0,
        sentBytes: 0,
        sentPackets: 0,
        recvMessages: 0,
        sentMessages: 0,
      };
      expect(a).to.deep.equal(b);
    }
  });

  it('should export 100,000 sessions in chunks while the page keeps handling input, and cancel', async () => {
    // The broker side is not under test here: a source of 100,000 generated sessions.
    const generated: Session[] = Array.from({ length: 100_000 }, (_, i) =>
      sessionFromEmqx({
        clientid: `device-${i}`,
        username: `user${i}@org_abc`,
        node: 'n1',
        ip_address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
        port: 1024 + (i % 50000),
        listener: 'tcp:default',
        proto_ver: 4,
        connected_at: new Date(1_767_225_600_000 + i * 1000).toISOString(),
        keepalive: 60,
        subscriptions_cnt: i % 5,
      })!,
    );
    const source: SessionSource = {
      label: 'generated',
      list: async () => ({ sessions: generated, skipped: 0 }),
      get: async () => generated[0]!,
      subscriptions: async () => [],
      disconnect: async () => 'disconnected',
    };
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions .source=${source} storage-key=${uniqueKey()}></cs-active-sessions>`,
    );
    await waitUntil(() => countText(el) === '100,000 active sessions', 'all listed', {
      timeout: 20_000,
    });

    // Input during the export: typing in the search box must take effect before it ends.
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    const exported = oneEvent(el, 'cs-export');
    getByRole(el.shadowRoot!, 'button', 'Export').click();
    await el.updateComplete;
    getByRole(getByRole(el.shadowRoot!, 'menu', 'Export'), 'menuitem', 'CSV').click();
    await waitUntil(
      () => {
        const bar = queryByRole(el.shadowRoot!, 'progressbar', 'Export progress');
        return bar && Number(bar.getAttribute('aria-valuenow')) > 0;
      },
      'the export starts',
      { interval: 5, timeout: 10_000 },
    );
    const search = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions') as HTMLInputElement;
    search.value = 'device-99999';
    search.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await waitUntil(
      () => countText(el) === '1 of 100,000 active sessions',
      'search applied mid-export',
    );
    const stillRunning = queryByRole(el.shadowRoot!, 'progressbar', 'Export progress');
    expect(stillRunning, 'the export was still running when the input was handled').to.exist;
    const { detail } = (await exported) as CustomEvent<ExportDetail>;
    clearInterval(ticker);
    expect(detail.count).to.equal(100_000);
    expect(ticks).to.be.greaterThan(10);
    const text = await detail.blob.text();
    expect(text.split('\r\n').length).to.equal(100_002); // header + rows + final newline

    // Cancel: no file, no event, the view as it was.
    search.value = '';
    search.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    let exports = 0;
    el.addEventListener('cs-export', () => exports++);
    getByRole(el.shadowRoot!, 'button', 'Export').click();
    await el.updateComplete;
    getByRole(getByRole(el.shadowRoot!, 'menu', 'Export'), 'menuitem', 'JSON').click();
    await waitUntil(() => queryByRole(el.shadowRoot!, 'button', 'Cancel'), 'cancel offered');
    getByRole(el.shadowRoot!, 'button', 'Cancel').click();
    await waitUntil(() => !queryByRole(el.shadowRoot!, 'progressbar', 'Export progress'), 'gone');
    await new Promise((r) => setTimeout(r, 200));
    expect(exports).to.equal(0);
    expect(el.shadowRoot!.querySelector('[aria-live]')!.textContent).to.include('Export cancelled');
  });

  it('should keep the count history across a reload, and chart it with a text alternative', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('h-1'), plain('h-2')]);
    const key = uniqueKey();
    const el = await render(broker, key);
    await waitForRows(el, 2);
    for (let i = 0; i < 2; i++) {
      const refreshed = oneEvent(el, 'cs-refresh');
      getByRole(el.shadowRoot!, 'button', 'Refresh').click();
      await refreshed;
    }
    await waitUntil(() => /3 samples/.test(trendSummary(el)), 'three samples charted');
    expect(trendSummary(el)).to.equal(
      'Active sessions, last hour: 2 now, between 2 and 2, 3 samples.',
    );
    expect(el.shadowRoot!.querySelector('[part="trend"]')!.textContent).to.include('last hour');
    fixtureCleanup();

    await connectClients(broker, [plain('h-3')]);
    const again = await render(broker, key);
    await waitForRows(again, 3);
    await waitUntil(() => /4 samples/.test(trendSummary(again)), 'old samples survive the reload');
    expect(trendSummary(again)).to.include('3 now, between 2 and 3');
    getByRole(getByRole(again.shadowRoot!, 'group', 'Trend range'), 'button', '7 d').click();
    await waitUntil(() => trendSummary(again).includes('last week'), 'range changes');
    await expect(again).to.be.accessible();
  });

  it('should compact history in real IndexedDB', async () => {
    const key = uniqueKey();
    const storage = await openStorage(key);
    expect(storage.degraded).to.equal(undefined);
    const now = Date.now();
    const sample = (t: number, active: number): HistorySample => ({
      workspace: '*',
      t,
      resolution: 'raw',
      active,
      min: active,
      max: active,
      new: 0,
      gone: 0,
    });
    const day = 86_400_000;
    const t0 = Math.floor((now - 2 * day) / 3_600_000) * 3_600_000;
    for (const [t, a] of [
      [t0, 5],
      [t0 + 30_000, 7],
      [t0 + 120_000, 6],
      [now - 40 * day, 1],
      [now - 1000, 9],
    ] as const) {
      await storage.addSample(sample(t, a));
    }
    await storage.compact(now);
    await storage.compact(now);
    const after = await storage.samples('*', 0);
    expect(after.map((s) => [s.resolution, s.active, s.min, s.max])).to.deep.equal([
      ['hour', 6, 5, 7],
      ['raw', 9, 9, 9],
    ]);
    storage.close();
  });

  it('should record a real disconnect in the audit log with the operator, kept across a reload', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('audited-1'), plain('bystander')]);
    const key = uniqueKey();
    const el = await render(broker, key, { operator: 'alice@ops' });
    await waitForRows(el, 2);
    const details = await openDetails(el, 'audited-1');
    getByRole(details, 'button', 'Disconnect').click();
    await el.updateComplete;
    getByRole(dialogOf(el), 'button', 'Disconnect').click();
    await oneEvent(el, 'cs-disconnect');
    fixtureCleanup();

    const again = await render(broker, key);
    await waitForRows(again, 1);
    getByRole(again.shadowRoot!, 'button', 'Audit log').click();
    await waitUntil(() => queryByRole(again.shadowRoot!, 'region', 'Audit log'), 'audit log');
    const region = getByRole(again.shadowRoot!, 'region', 'Audit log');
    await waitUntil(() => region.textContent!.includes('audited-1'), 'the entry is listed');
    const text = region.textContent!.replace(/\s+/g, ' ');
    expect(text).to.include('Disconnect');
    expect(text).to.include('by alice@ops');
    expect(text).to.include('audited-1: disconnected');
    expect(getByRole(region, 'button', 'Export audit log')).to.exist;
    await expect(again).to.be.accessible();
  });

  it('should remember a sort chosen before the remembered settings were read', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('b-2'), plain('a-1'), plain('c-3')]);
    const key = uniqueKey();
    const el = await render(broker, key);
    // At once after the first render: the settings are still being read from storage.
    const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
    getByRole(grid, 'button', 'Client ID').click();
    await waitForRows(el, 3);
    await waitUntil(() => orderOf(el).join() === 'a-1,b-2,c-3', 'sorted');
    await savedSettings(key, (s) => s.sort?.column === 'clientId', 'the sort saved');
    fixtureCleanup();

    const again = await render(broker, key);
    await waitForRows(again, 3);
    await waitUntil(() => orderOf(again).join() === 'a-1,b-2,c-3', 'sorted as before');
    const header = getByRole(
      getByRole(again.shadowRoot!, 'grid', 'Active sessions'),
      'columnheader',
      'Client ID',
    );
    expect(header.getAttribute('aria-sort')).to.equal('ascending');
  });

  it('should remember sort and columns per storage key, with attributes winning', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('b-2'), plain('a-1'), plain('c-3')]);
    const key = uniqueKey();
    const el = await render(broker, key);
    await waitForRows(el, 3);
    const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
    const headerNames = (g: HTMLElement) =>
      queryAllByRole(g, 'columnheader')
        .slice(1)
        .map((h) => nameOf(h));
    getByRole(grid, 'button', 'Client ID').click();
    getByRole(el.shadowRoot!, 'button', 'Columns').click();
    await el.updateComplete;
    getByRole(
      getByRole(el.shadowRoot!, 'menu', 'Columns'),
      'menuitemcheckbox',
      'IP address',
    ).click();
    await el.updateComplete;
    expect(headerNames(grid)).not.to.include('IP address');
    getByRole(el.shadowRoot!, 'switch', 'Auto-refresh').click();
    await savedSettings(
      key,
      (s) =>
        s.sort?.column === 'clientId' &&
        s.autoRefresh === false &&
        s.columns !== undefined &&
        !s.columns.includes('ip'),
      'the settings read back and these saved',
    );
    fixtureCleanup();

    const again = await render(broker, key);
    await waitForRows(again, 3);
    const grid2 = getByRole(again.shadowRoot!, 'grid', 'Active sessions');
    await waitUntil(() => orderOf(again).join() === 'a-1,b-2,c-3', 'sorted as before');
    expect(headerNames(grid2)).not.to.include('IP address');
    expect(
      getByRole(again.shadowRoot!, 'switch', 'Auto-refresh').getAttribute('aria-checked'),
    ).to.equal('false');
    fixtureCleanup();

    // The page's attribute wins over the remembered auto-refresh setting.
    const third = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${sourceFor(broker)}
        storage-key=${key}
        refresh-interval="15"
      ></cs-active-sessions>`,
    );
    await waitForRows(third, 3);
    await new Promise((r) => setTimeout(r, 300));
    expect(
      getByRole(third.shadowRoot!, 'switch', 'Auto-refresh').getAttribute('aria-checked'),
    ).to.equal('true');
  });

  it('should remember a setting changed just before the element is removed', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('b-2'), plain('a-1'), plain('c-3')]);
    const key = uniqueKey();
    const el = await render(broker, key);
    await waitForRows(el, 3);
    expect(orderOf(el).join()).not.to.equal('c-3,b-2,a-1');
    getByRole(el.shadowRoot!, 'switch', 'Auto-refresh').click();
    await savedSettings(key, (s) => s.autoRefresh === false, 'saved: the settings read back');
    const clientIdHeader = getByRole(
      getByRole(el.shadowRoot!, 'grid', 'Active sessions'),
      'button',
      'Client ID',
    );
    clientIdHeader.click();
    await el.updateComplete;
    clientIdHeader.click(); // descending
    await el.updateComplete; // its save waits a moment
    fixtureCleanup();

    const again = await render(broker, key);
    await waitForRows(again, 3);
    await waitUntil(() => orderOf(again).join() === 'c-3,b-2,a-1', 'sorted as it was left');
    const autoRefresh = (e: CsActiveSessions) =>
      getByRole(e.shadowRoot!, 'switch', 'Auto-refresh').getAttribute('aria-checked');
    expect(autoRefresh(again)).to.equal('false');
    await new Promise((r) => setTimeout(r, 600)); // nothing waits to be saved
    // Changed and removed in the same task: not even rendered yet.
    getByRole(again.shadowRoot!, 'switch', 'Auto-refresh').click();
    fixtureCleanup();

    const third = await render(broker, key);
    await waitForRows(third, 3);
    // The order says the settings are back (auto-refresh is on before they are, by default).
    await waitUntil(() => orderOf(third).join() === 'c-3,b-2,a-1', 'the settings read back');
    expect(autoRefresh(third)).to.equal('true');
  });

  it('should save a setting as soon as it changes', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('b-2'), plain('a-1')]);
    const key = uniqueKey();
    const el = await render(broker, key);
    await waitForRows(el, 2);
    await new Promise((r) => setTimeout(r, 600)); // the settings read back
    getByRole(getByRole(el.shadowRoot!, 'grid', 'Active sessions'), 'button', 'Client ID').click();
    await el.updateComplete;
    // Read at once, the element still on the page (a popup may close the next moment).
    const storage = await openStorage(key);
    const settings = await storage.settings();
    storage.close();
    expect(settings.sort).to.deep.equal({ column: 'clientId', direction: 'ascending' });
  });

  it('should remember IP filters, put back once IP matching has loaded', async () => {
    broker = await startBroker();
    await connectClients(broker, [
      plain('ten', { localAddress: '127.0.0.10' }),
      plain('twenty', { localAddress: '127.0.0.20' }),
    ]);
    const key = uniqueKey();
    const el = await render(broker, key);
    await waitForRows(el, 2);
    getByRole(el.shadowRoot!, 'textbox', 'IP or CIDR').focus();
    await sendKeys({ type: '127.0.0.16/28' });
    getByRole(el.shadowRoot!, 'button', 'Add IP filter').click();
    await waitUntil(() => orderOf(el).join() === 'twenty', 'filtered by IP');
    await savedSettings(
      key,
      (s) => s.filters?.ip?.includes('127.0.0.16/28') === true,
      'the settings read back and the filter saved',
    );
    fixtureCleanup();

    const again = await render(broker, key);
    await waitUntil(() => orderOf(again).join() === 'twenty', 'the remembered IP filter applied');
    expect(queryByRole(again.shadowRoot!, 'button', 'Remove filter IP: 127.0.0.16/28')).to.exist;
    expect(countText(again)).to.equal('1 of 2 active sessions');
  });

  it('should fall back to memory with one notice when IndexedDB cannot be opened', async () => {
    broker = await startBroker();
    await connectClients(broker, [plain('m-1')]);
    const key = uniqueKey();
    // A newer version of the database already exists: opening version 1 fails for real.
    const newer = await openDB(dbName(key), 7);
    newer.close();
    const el = await render(broker, key);
    await waitForRows(el, 1);
    await waitUntil(() => el.shadowRoot!.querySelector('[part="notice"]'), 'the notice');
    expect(el.shadowRoot!.querySelectorAll('[part="notice"]')).to.have.length(1);
    expect(el.shadowRoot!.querySelector('[part="notice"]')!.textContent).to.include(
      'kept in memory only',
    );
    // Everything still works, from memory.
    getByRole(el.shadowRoot!, 'button', 'Refresh').click();
    await waitUntil(() => /2 samples/.test(trendSummary(el)), 'history kept in memory');
    expect(orderOf(el)).to.deep.equal(['m-1']);
  });
});
