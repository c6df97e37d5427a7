/**
 * Concurrency against the dev broker with real MQTT.js clients: a refresh racing a disconnect,
 * two bulk runs on overlapping sets, a workspace switch during a slow load, a search typed during
 * a slow refresh, and a server-mode page turn racing a refresh. Races are lined up exactly with a
 * `fetch` that holds chosen answers back (test/support/gated-fetch.ts), or with the dev broker's
 * `listDelayMs` fault. The last intent wins; no answer taken before a newer one overwrites it.
 */
import { expect, fixture, fixtureCleanup, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { DisconnectDetail } from '../../components/cs-active-sessions/events.js';
import { EmqxSource } from '../../src/sources/emqx.js';
import { openStorage } from '../../src/storage/db.js';
import {
  clientState,
  configFor,
  connectClients,
  plain,
  setFaults,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, queryByRole } from '../support/by-role.js';
import { dialogOf, openDetails, rowsOf, tick, uniqueKey, waitForRows } from '../support/element.js';
import { gatedFetch, isList, type GatedFetch } from '../support/gated-fetch.js';
import { hardening } from '../support/hardening.js';

const SUITE = 'concurrency';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const button = (root: ParentNode, name: string | RegExp) =>
  getByRole(root, 'button', name) as HTMLButtonElement;
const ids = (el: CsActiveSessions) => [...rowsOf(el).keys()].sort();
const modeText = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('[part="mode"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';

const gatedSource = (broker: BrokerInfo, gf: GatedFetch) =>
  new EmqxSource({
    baseUrl: broker.apiUrl,
    apiKey: broker.apiKey,
    apiSecret: broker.apiSecret,
    fetch: gf.fetch,
  });

async function search(el: CsActiveSessions, text: string) {
  const box = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions') as HTMLInputElement;
  box.focus();
  box.select();
  await sendKeys({ type: text });
}

describe('<cs-active-sessions> concurrency', () => {
  const brokers: BrokerInfo[] = [];
  const start = async () => {
    const b = await startBroker();
    brokers.push(b);
    return b;
  };
  afterEach(async () => {
    fixtureCleanup();
    await Promise.all(brokers.splice(0).map(stopBroker));
  });

  it('should not bring a disconnected row back from a list taken before the disconnect', async () => {
    const broker = await start();
    await connectClients(broker, [plain('victim'), plain('keep-1'), plain('keep-2')]);
    const gf = gatedFetch();
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${gatedSource(broker, gf)}
        refresh-interval="0"
        storage-key=${uniqueKey()}
      ></cs-active-sessions>`,
    );
    await waitForRows(el, 3);

    // A refresh whose list is taken now, with the victim still connected; its answer is held.
    const list = gf.hold(isList);
    const refreshed = el.refresh();
    await list.reached;

    const details = await openDetails(el, 'victim');
    button(details, 'Disconnect').click();
    await el.updateComplete;
    const done = oneEvent(el, 'cs-disconnect');
    button(dialogOf(el), 'Disconnect').click();
    const { results } = (await done).detail as DisconnectDetail;
    expect(results).to.deep.equal([{ clientId: 'victim', outcome: 'disconnected' }]);
    await waitUntil(() => !rowsOf(el).has('victim'), 'the row goes');

    // The old answer arrives after the disconnect: it must not put the row back.
    list.release();
    await refreshed;
    await sleep(300);
    await el.updateComplete;
    expect(ids(el)).to.deep.equal(['keep-1', 'keep-2']);
    // Lost: an outcome the broker does not confirm (recorded before it is asserted).
    const victim = await clientState(broker, 'victim');
    const lost = results.filter((r) => r.outcome !== 'disconnected' || victim.connected).length;
    await hardening(SUITE, { faults: 1, sessions: 3, actionsLost: lost });
    expect(victim.connected).to.equal(false);
    // The follow-up refresh (1.5 s after the action) agrees with the broker.
    await sleep(2000);
    expect(ids(el)).to.deep.equal(['keep-1', 'keep-2']);
  });

  it('should give each client of two overlapping bulk runs one known outcome, and log both', async () => {
    const broker = await start();
    const all = ['o-1', 'o-2', 'o-3', 'o-4', 'o-5', 'o-6'];
    await connectClients(broker, [...all.map((id) => plain(id)), plain('keep-1'), plain('keep-2')]);
    const gf = gatedFetch();
    const key = uniqueKey();
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${gatedSource(broker, gf)}
        refresh-interval="0"
        storage-key=${key}
      ></cs-active-sessions>`,
    );
    await waitForRows(el, 8);
    const events: DisconnectDetail[] = [];
    el.addEventListener('cs-disconnect', (e) => events.push(e.detail));

    // Run A on o-1…o-4: its confirming list (after the kick) is held, so A is still running.
    const runA = ['o-1', 'o-2', 'o-3', 'o-4'];
    for (const id of runA) tick(el, id);
    await el.updateComplete;
    const aConfirm = gf.hold(
      (m, u) => isList(m, u) && gf.log.some((l) => l.startsWith('POST') && l.includes('kickout')),
    );
    button(el.shadowRoot!, 'Disconnect selected').click();
    await el.updateComplete;
    button(dialogOf(el), 'Disconnect 4 sessions').click();
    await aConfirm.reached;
    // The operator cancels and the dialog is forced shut (a second Escape), A still finishing.
    button(dialogOf(el), 'Cancel').click();
    await el.updateComplete;
    const dialog = el.shadowRoot!.querySelector('dialog')!;
    const closed = oneEvent(dialog, 'close');
    dialog.close();
    await closed;
    await el.updateComplete;

    // Run B on o-3…o-6, overlapping A: its kick is held, so both runs are in flight at once.
    const runB = ['o-3', 'o-4', 'o-5', 'o-6'];
    for (const id of ['o-1', 'o-2', 'o-5', 'o-6']) tick(el, id);
    await el.updateComplete;
    expect(el.shadowRoot!.textContent).to.include('4 selected');
    const bKick = gf.hold((m, u) => m === 'POST' && u.includes('kickout'));
    button(el.shadowRoot!, 'Disconnect selected').click();
    await el.updateComplete;
    button(dialogOf(el), 'Disconnect 4 sessions').click();
    await bKick.reached;

    // A ends while B runs: B's dialog must stay B's, still running.
    aConfirm.release();
    await waitUntil(() => events.length === 1, 'run A ends', { timeout: 8000 });
    await el.updateComplete;
    expect(queryByRole(el.shadowRoot!, 'progressbar', 'Disconnect progress'), 'B still running').to
      .exist;
    expect(queryByRole(dialogOf(el), 'button', 'Retry failed')).to.equal(null);
    expect(button(dialogOf(el), 'Cancel').disabled, "B's Cancel").to.equal(false);

    bKick.release();
    await waitUntil(() => events.length === 2, 'run B ends', { timeout: 8000 });
    await el.updateComplete;
    // Nothing stuck in progress: B's own results, each client once.
    expect(queryByRole(el.shadowRoot!, 'progressbar', 'Disconnect progress')).to.equal(null);
    const summary = dialogOf(el).textContent!.replace(/\s+/g, ' ');
    expect(summary).to.include('2 disconnected');
    expect(summary).to.match(/2 already gone/);
    button(dialogOf(el), 'Close').click();

    const [a, b] = events as [DisconnectDetail, DisconnectDetail];
    const outcomes = (d: DisconnectDetail) =>
      Object.fromEntries(d.results.map((r) => [r.clientId, r.outcome]));
    expect(a.results.map((r) => r.clientId).sort()).to.deep.equal(runA);
    expect(b.results.map((r) => r.clientId).sort()).to.deep.equal(runB);
    expect(outcomes(a)).to.deep.equal({
      'o-1': 'disconnected',
      'o-2': 'disconnected',
      'o-3': 'disconnected',
      'o-4': 'disconnected',
    });
    expect(outcomes(b)).to.deep.equal({
      'o-3': 'already-gone',
      'o-4': 'already-gone',
      'o-5': 'disconnected',
      'o-6': 'disconnected',
    });
    // No double counting: each client disconnected by exactly one run.
    const kicks = [...a.results, ...b.results].filter((r) => r.outcome === 'disconnected');
    expect(kicks.map((r) => r.clientId).sort()).to.deep.equal(all);

    // The audit log says the same, one entry per run.
    const storage = await openStorage(key);
    let audit = await storage.audit();
    await waitUntil(async () => (audit = await storage.audit()).length === 2, 'two audit entries');
    storage.close();
    const logged = audit.sort((x, y) => x.t - y.t);
    expect(logged.map((e) => e.action)).to.deep.equal(['bulk-disconnect', 'bulk-disconnect']);
    expect(logged.map((e) => e.results)).to.deep.equal([a.results, b.results]);

    // The broker agrees with every outcome; the rows follow.
    let lost = 0;
    for (const d of [a, b]) {
      for (const r of d.results) {
        const state = await clientState(broker, r.clientId);
        const known =
          (r.outcome === 'disconnected' || r.outcome === 'already-gone') && !state.connected;
        if (!known) lost++;
      }
    }
    // Recorded before the assertion, so a lost action shows in the report too.
    await hardening(SUITE, { faults: 2, sessions: 8, actionsLost: lost });
    expect(lost).to.equal(0);
    await waitForRows(el, 2);
    expect(ids(el)).to.deep.equal(['keep-1', 'keep-2']);
  });

  it('should keep the newer workspaces when the older ones answer late', async () => {
    const slow = await start();
    const fast = await start();
    await connectClients(slow, [plain('a-1'), plain('a-2')]);
    await connectClients(fast, [plain('b-1'), plain('b-2'), plain('b-3')]);
    await setFaults(slow, { listDelayMs: 1500 });
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        refresh-interval="0"
        storage-key=${uniqueKey()}
      ></cs-active-sessions>`,
    );
    el.workspaces = [{ id: 'a', label: 'A', source: configFor(slow) }];
    await el.updateComplete;
    await sleep(200);
    // Switched while A's list is on its way.
    el.workspaces = [{ id: 'b', label: 'B', source: configFor(fast) }];
    await waitForRows(el, 3);
    await sleep(2000); // A's answer has come and gone
    await el.updateComplete;
    expect(ids(el)).to.deep.equal(['b-1', 'b-2', 'b-3']);
    expect(el.shadowRoot!.textContent).not.to.include('Could not');

    // And back to A, slow again; a refresh of B started just before is superseded too.
    const pending = el.refresh();
    el.workspaces = [{ id: 'a', label: 'A', source: configFor(slow) }];
    await pending;
    await waitForRows(el, 2);
    await sleep(500);
    expect(ids(el)).to.deep.equal(['a-1', 'a-2']);
    await hardening(SUITE, { faults: 2, sessions: 5, actionsLost: 0 });
  });

  it('should keep the workspace chosen during a slow first load, over remembered settings', async () => {
    const broker = await start();
    await connectClients(broker, [plain('a-1'), plain('a-2'), plain('b-1')]);
    const key = uniqueKey();
    const storage = await openStorage(key);
    await storage.saveSettings({ workspace: 'a' });
    storage.close();
    await setFaults(broker, { listDelayMs: 1500 });
    const source = configFor(broker);
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        refresh-interval="0"
        storage-key=${key}
        .workspaces=${[
          { id: 'a', label: 'A', source, match: { clientIdPrefix: 'a-' } },
          { id: 'b', label: 'B', source, match: { clientIdPrefix: 'b-' } },
        ]}
      ></cs-active-sessions>`,
    );
    const select = getByRole(el.shadowRoot!, 'combobox', 'Workspace') as HTMLSelectElement;
    await waitUntil(() => select.value === 'a', 'the remembered workspace');
    select.value = 'b';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await waitForRows(el, 1);
    await sleep(300);
    expect(ids(el)).to.deep.equal(['b-1']);
    expect(select.value).to.equal('b');
    await hardening(SUITE, { faults: 1, sessions: 3, actionsLost: 0 });
  });

  it('should keep a search typed while a slow refresh is on its way', async () => {
    const broker = await start();
    await connectClients(broker, [plain('a-1'), plain('a-2'), plain('b-1')]);
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${new EmqxSource({
          baseUrl: broker.apiUrl,
          apiKey: broker.apiKey,
          apiSecret: broker.apiSecret,
        })}
        refresh-interval="0"
        storage-key=${uniqueKey()}
      ></cs-active-sessions>`,
    );
    await waitForRows(el, 3);
    await connectClients(broker, [plain('b-2')]);
    await setFaults(broker, { listDelayMs: 1200 });
    const refreshed = el.refresh();
    await sleep(100);
    await search(el, 'b-');
    await waitUntil(() => ids(el).join() === 'b-1', 'the search narrows at once');
    await refreshed;
    await setFaults(broker, { listDelayMs: 0 });
    await waitUntil(() => ids(el).join() === 'b-1,b-2', 'the new list, still searched');
    const box = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions') as HTMLInputElement;
    expect(box.value).to.equal('b-');
    await hardening(SUITE, { faults: 1, sessions: 4, actionsLost: 0 });
  });

  describe('in server mode', () => {
    let broker: BrokerInfo;
    let gf: GatedFetch;
    let el: CsActiveSessions;
    beforeEach(async () => {
      broker = await start();
      await connectClients(
        broker,
        Array.from({ length: 25 }, (_, i) => plain(`srv-${String(i).padStart(2, '0')}`)),
      );
      gf = gatedFetch();
      el = await fixture<CsActiveSessions>(
        html`<cs-active-sessions
          .source=${gatedSource(broker, gf)}
          refresh-interval="0"
          server-threshold="20"
          page-size="10"
          storage-key=${uniqueKey()}
        ></cs-active-sessions>`,
      );
      await waitUntil(() => modeText(el).includes('Rows 1–10 of 25'), 'the first page');
    });

    it('should keep a page turn that a refresh overtakes', async () => {
      const page1 = ids(el);
      const turn = gf.hold((m, u) => isList(m, u) && u.includes('cursor='));
      button(el.shadowRoot!, 'Next page').click();
      await turn.reached;
      // A refresh while the next page is on its way: the page turn is still what was asked for.
      await el.refresh();
      await el.updateComplete;
      expect(modeText(el)).to.include('Rows 11–20 of 25');
      await waitUntil(
        () => ids(el).length === 10 && ids(el).every((id) => !page1.includes(id)),
        'the rows of the second page',
      );
      const page2 = ids(el);
      turn.release();
      await sleep(200);
      expect(ids(el)).to.deep.equal(page2);
      // And the turn after it goes on from there.
      button(el.shadowRoot!, 'Next page').click();
      await waitUntil(() => modeText(el).includes('Rows 21–25 of 25'), 'the last page');
      await hardening(SUITE, { faults: 1, sessions: 25, actionsLost: 0 });
    });

    it('should not let a slow refresh overwrite a search typed meanwhile', async () => {
      const slowList = gf.hold(isList);
      const refreshed = el.refresh();
      await slowList.reached;
      await search(el, 'srv-1');
      await waitUntil(() => ids(el).every((id) => id.startsWith('srv-1')), 'the broker searches', {
        timeout: 4000,
      });
      slowList.release();
      await refreshed;
      await sleep(300);
      expect(ids(el)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `srv-1${i}`));
      expect(modeText(el)).to.match(/search/i);
      await hardening(SUITE, { faults: 1, sessions: 10, actionsLost: 0 });
    });
  });
});
