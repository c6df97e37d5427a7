/**
 * Client mode and server mode against the dev broker with real MQTT.js clients: above the
 * threshold (the broker's own count), the broker pages and searches and the element says so;
 * an export in server mode walks the broker's cursor.
 */
import { expect, fixture, fixtureCleanup, html, oneEvent, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { ExportDetail } from '../../components/cs-active-sessions/events.js';
import {
  connectClients,
  plain,
  setFaults,
  sourceFor,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, queryByRole } from '../support/by-role.js';
import { parseCsv } from '../support/csv.js';
import { rowsOf } from '../support/element.js';

const grid = (el: CsActiveSessions) => getByRole(el.shadowRoot!, 'grid', 'Active sessions');
const modeText = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('[part="mode"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
const rowIndexes = (el: CsActiveSessions) =>
  [...grid(el).querySelectorAll('[role="row"]:not(.header-row)')]
    .map((r) => Number(r.getAttribute('aria-rowindex')))
    .sort((a, b) => a - b);

/** The element over 25 sessions with a threshold of 20: server mode, pages of 10. */
const inServerMode = (broker: BrokerInfo) =>
  fixture<CsActiveSessions>(
    html`<cs-active-sessions
      .source=${sourceFor(broker)}
      server-threshold="20"
      page-size="10"
    ></cs-active-sessions>`,
  );

describe('<cs-active-sessions> client mode and server mode', () => {
  let broker: BrokerInfo;
  beforeEach(async () => {
    broker = await startBroker();
    await connectClients(
      broker,
      Array.from({ length: 25 }, (_, i) => plain(`srv-${String(i).padStart(2, '0')}`)),
    );
  });
  afterEach(async () => {
    fixtureCleanup();
    await stopBroker(broker);
  });

  it('should load everything and search here up to the threshold, and say so', async () => {
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${sourceFor(broker)}
        server-threshold="100"
      ></cs-active-sessions>`,
    );
    // All 25 listed (the rows on screen and a little beyond are rendered, not all of them).
    await waitUntil(
      () => grid(el).getAttribute('aria-rowcount') === '26' && rowsOf(el).size > 0,
      '25 rows',
    );
    expect(modeText(el)).to.equal(
      'Client mode: every session is loaded; search and sort run in this browser.',
    );
    expect(grid(el).getAttribute('aria-rowcount')).to.equal('26');
  });

  it('should page and search on the broker above the threshold', async () => {
    const el = await inServerMode(broker);
    await waitUntil(() => rowsOf(el).size === 10, 'the first page');
    expect(modeText(el)).to.match(/^Server mode: the broker pages\. Rows 1–10 of 25\./);
    expect(grid(el).getAttribute('aria-rowcount')).to.equal('26');
    expect(rowIndexes(el)[0]).to.equal(2);
    // The broker's order, not sortable here: headers are not buttons.
    expect(grid(el).querySelector('[role="columnheader"] button.sort')).to.equal(null);

    // Two quick clicks turn one page: the next cursor is only known once a page has come.
    getByRole(el.shadowRoot!, 'button', 'Next page').click();
    getByRole(el.shadowRoot!, 'button', 'Next page').click();
    await waitUntil(() => modeText(el).includes('Rows 11–20 of 25'), 'the second page');
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 300));
    expect(modeText(el)).to.include('Rows 11–20 of 25');
    expect(rowIndexes(el)[0]).to.equal(12);
    expect([...rowsOf(el).keys()].sort()[0]).to.equal('srv-10');
    getByRole(el.shadowRoot!, 'button', 'Next page').click();
    await waitUntil(() => modeText(el).includes('Rows 21–25 of 25'), 'the last page');
    expect(
      (getByRole(el.shadowRoot!, 'button', 'Next page') as HTMLButtonElement).disabled,
    ).to.equal(true);

    // Search goes to the broker (`like_clientid`/`like_username`), from its first page.
    const search = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions') as HTMLInputElement;
    search.value = 'srv-1';
    search.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await waitUntil(
      () => modeText(el).startsWith('Server mode: the broker pages and searches.'),
      'the broker search',
    );
    await waitUntil(() => rowsOf(el).size === 10, 'srv-10 … srv-19');
    expect([...rowsOf(el).keys()].every((id) => id.startsWith('srv-1'))).to.equal(true);
    // EMQX gives no count for a search: the total is unknown.
    expect(grid(el).getAttribute('aria-rowcount')).to.equal('-1');

    // Export walks the broker for the whole search, not just the page on screen.
    getByRole(el.shadowRoot!, 'button', 'Export').click();
    await el.updateComplete;
    const done = oneEvent(el, 'cs-export');
    getByRole(getByRole(el.shadowRoot!, 'menu', 'Export'), 'menuitem', 'CSV').click();
    const detail = (await done).detail as ExportDetail;
    const rows = parseCsv(await detail.blob.text());
    const ids = rows.slice(1).map((r) => r[rows[0]!.indexOf('clientId')]);
    expect(ids.sort()).to.deep.equal(Array.from({ length: 10 }, (_, i) => `srv-1${i}`));
  });

  it('should show the progress of a server-mode export, and cancel it', async () => {
    const el = await inServerMode(broker);
    await waitUntil(() => rowsOf(el).size === 10, 'the first page');
    // A slow broker: each page of the export's walk takes a while.
    await setFaults(broker, { listDelayMs: 3000 });
    let exported = 0;
    el.addEventListener('cs-export', () => exported++);
    getByRole(el.shadowRoot!, 'button', 'Export').click();
    await el.updateComplete;
    getByRole(getByRole(el.shadowRoot!, 'menu', 'Export'), 'menuitem', 'CSV').click();
    await waitUntil(
      () => queryByRole(el.shadowRoot!, 'progressbar', 'Export progress'),
      'progress',
    );
    expect(
      getByRole(el.shadowRoot!, 'progressbar', 'Export progress').getAttribute('aria-valuemax'),
    ).to.equal('25');
    getByRole(el.shadowRoot!, 'button', 'Cancel').click();
    await waitUntil(
      () => !queryByRole(el.shadowRoot!, 'progressbar', 'Export progress'),
      'cancelled',
    );
    await setFaults(broker, { listDelayMs: 0 });
    expect(exported).to.equal(0);
    expect(el.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent).to.equal(
      'Export cancelled.',
    );
  });

  it('should export every session in server mode, paged through the broker', async () => {
    const el = await inServerMode(broker);
    await waitUntil(() => rowsOf(el).size === 10, 'the first page');
    getByRole(el.shadowRoot!, 'button', 'Export').click();
    await el.updateComplete;
    const done = oneEvent(el, 'cs-export');
    getByRole(getByRole(el.shadowRoot!, 'menu', 'Export'), 'menuitem', 'JSON').click();
    const detail = (await done).detail as ExportDetail;
    expect(detail.count).to.equal(25);
    const parsed = JSON.parse(await detail.blob.text()) as { sessions: { clientId: string }[] };
    expect(parsed.sessions.map((s) => s.clientId).sort()).to.deep.equal(
      Array.from({ length: 25 }, (_, i) => `srv-${String(i).padStart(2, '0')}`),
    );
  });
});

describe('<cs-active-sessions> client mode with 10,000 real connections', () => {
  let broker: BrokerInfo;
  afterEach(async () => {
    fixtureCleanup();
    await stopBroker(broker);
  });

  it('should load every one of them from the dev broker, rows usable as pages arrive', async function () {
    this.timeout(180_000);
    broker = await startBroker();
    const N = 10_000;
    await executeServerCommand('mqtt-connect-many', {
      broker: broker.id,
      prefix: 'fleet-',
      count: N,
    });
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${sourceFor(broker)}
        refresh-interval="0"
      ></cs-active-sessions>`,
    );
    const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
    // The first page is on screen before the last has arrived.
    await waitUntil(() => rowsOf(el).size > 0, 'the first rows', { timeout: 60_000 });
    await waitUntil(() => grid.getAttribute('aria-rowcount') === String(N + 1), 'all rows', {
      timeout: 120_000,
    });
    expect(modeText(el)).to.equal(
      'Client mode: every session is loaded; search and sort run in this browser.',
    );
    const search = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions') as HTMLInputElement;
    search.value = 'fleet-0999';
    search.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await waitUntil(() => grid.getAttribute('aria-rowcount') === '11', 'fleet-0999x');
  });
});
