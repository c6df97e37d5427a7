/**
 * The element driven by keyboard alone (sendKeys: real key presses in Chromium, no clicks),
 * against a dev broker with real MQTT.js clients.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import {
  clientState,
  connectClients,
  plain,
  sourceFor,
  startBroker,
  stopBroker,
  type BrokerInfo,
} from '../support/broker-commands.js';
import { getByRole, nameOf, queryByRole, roleOf } from '../support/by-role.js';
import { rowsOf, waitForRows } from '../support/element.js';

const press = (key: string) => sendKeys({ press: key });

/** What has focus inside the element (undefined when focus is outside it, e.g. on <body>). */
const focused = (el: CsActiveSessions) =>
  (el.shadowRoot!.activeElement as HTMLElement | null) ?? undefined;

const describeFocus = (el: CsActiveSessions) => {
  const f = focused(el);
  return f
    ? `${roleOf(f) ?? f.tagName} "${nameOf(f).slice(0, 40)}"`
    : `outside: ${document.activeElement?.tagName}`;
};

/** Presses `key` until `done` holds for the focused element; returns what it passed through. */
async function tabUntil(
  el: CsActiveSessions,
  done: (f: HTMLElement) => boolean,
  key = 'Tab',
  max = 60,
): Promise<HTMLElement[]> {
  const passed: HTMLElement[] = [];
  for (let i = 0; i < max; i++) {
    await press(key);
    await el.updateComplete;
    const f = focused(el);
    if (f && done(f)) return passed;
    if (f) passed.push(f);
  }
  throw new Error(`${key} never reached the target; focus is on ${describeFocus(el)}`);
}

const isRow = (f: HTMLElement) => roleOf(f) === 'row';
const clientIdOfRow = (row: HTMLElement) => row.querySelector('bdi')?.textContent ?? '';
const grid = (el: CsActiveSessions) => getByRole(el.shadowRoot!, 'grid', 'Active sessions');
const announced = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('[aria-live="polite"]')!.textContent!.trim();

async function focusedRowIs(el: CsActiveSessions, clientId: string) {
  await waitUntil(
    () => {
      const f = focused(el);
      return f !== undefined && isRow(f) && clientIdOfRow(f) === clientId;
    },
    `focus on the row of ${clientId}, not ${describeFocus(el)}`,
    { timeout: 3000 },
  );
}

describe('<cs-active-sessions> by keyboard alone', () => {
  let broker: BrokerInfo;

  beforeEach(async () => {
    broker = await startBroker();
  });

  afterEach(async () => {
    await stopBroker(broker);
  });

  async function render() {
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions
        .source=${sourceFor(broker)}
        refresh-interval="0"
      ></cs-active-sessions>`,
    );
    return el;
  }

  it('should search, move, select, open and close details, disconnect and export by keyboard', async () => {
    await connectClients(broker, [
      plain('sensor-kb-alpha-001'),
      plain('sensor-kb-beta-002'),
      plain('gateway-other-003'),
    ]);
    const el = await render();
    await waitForRows(el, 3);
    (document.activeElement as HTMLElement | null)?.blur();

    // The first Tab stop of the page is the search box.
    await press('Tab');
    expect(focused(el)).to.equal(getByRole(el.shadowRoot!, 'searchbox', 'Search sessions'));
    await sendKeys({ type: 'sensor-kb' });
    await waitForRows(el, 2);

    // Into the grid: one tab stop, a row; nothing in the header row on the way.
    const passed = await tabUntil(el, isRow);
    expect(passed.filter((f) => grid(el).contains(f))).to.deep.equal([]);
    const first = focused(el)!;
    expect(first.getAttribute('tabindex')).to.equal('0');
    expect(first.getAttribute('aria-rowindex')).to.equal('2');
    const firstId = clientIdOfRow(first);
    const secondId = [...rowsOf(el).keys()].find((id) => id !== firstId)!;
    // Only one row is in the tab order.
    const tabbable = grid(el).querySelectorAll(
      '[role="row"][tabindex="0"], [role="grid"] button:not([tabindex="-1"]), [role="grid"] input:not([tabindex="-1"])',
    );
    expect(tabbable.length).to.equal(1);

    // Tab leaves the grid; Shift+Tab comes back to the same row.
    await press('Tab');
    expect(focused(el) === undefined || !grid(el).contains(focused(el)!)).to.equal(true);
    await press('Shift+Tab');
    await focusedRowIs(el, firstId);

    // Arrows, End, Home; ArrowUp from the first row reaches the header, ArrowDown comes back.
    await press('ArrowDown');
    await focusedRowIs(el, secondId);
    expect(focused(el)!.getAttribute('tabindex')).to.equal('0');
    await press('Home');
    await focusedRowIs(el, firstId);
    await press('End');
    await focusedRowIs(el, secondId);
    await press('PageUp');
    await focusedRowIs(el, firstId);
    await press('PageDown');
    await focusedRowIs(el, secondId);
    await press('ArrowUp');
    await focusedRowIs(el, firstId);
    await press('ArrowUp');
    expect(focused(el)).to.equal(getByRole(grid(el), 'checkbox', 'Select all'));
    await press('ArrowRight');
    expect(nameOf(focused(el)!)).to.equal('Client ID');
    await press('ArrowDown');
    await focusedRowIs(el, firstId);

    // Space selects the row and says so; Space again clears it.
    await press('Space');
    await el.updateComplete;
    expect(focused(el)!.getAttribute('aria-selected')).to.equal('true');
    await waitUntil(() => announced(el) === '1 session selected.', announced(el));
    expect(getByRole(el.shadowRoot!, 'button', 'Disconnect selected')).to.have.property(
      'disabled',
      false,
    );
    await press('Space');
    await el.updateComplete;
    expect(focused(el)!.getAttribute('aria-selected')).to.equal('false');
    await waitUntil(() => announced(el) === 'No sessions selected.', announced(el));

    // Enter opens the details; Escape closes them and focus is back on the row.
    const selected = oneEvent(el, 'cs-session-select');
    await press('Enter');
    expect((await selected).detail.session.clientId).to.equal(firstId);
    await el.updateComplete;
    expect(queryByRole(el.shadowRoot!, 'region', 'Session details')).to.exist;
    await press('Escape');
    await el.updateComplete;
    expect(queryByRole(el.shadowRoot!, 'region', 'Session details')).to.equal(null);
    await focusedRowIs(el, firstId);

    // Escape from inside the details too, back to the row they were opened from.
    await press('Enter');
    await el.updateComplete;
    const details = getByRole(el.shadowRoot!, 'region', 'Session details');
    await tabUntil(el, (f) => details.contains(f));
    await press('Escape');
    await el.updateComplete;
    expect(queryByRole(el.shadowRoot!, 'region', 'Session details')).to.equal(null);
    await focusedRowIs(el, firstId);

    // Enter again, Tab to Disconnect, confirm in the alertdialog by keyboard.
    await press('Enter');
    await el.updateComplete;
    await tabUntil(el, (f) => roleOf(f) === 'button' && nameOf(f) === 'Disconnect');
    await press('Enter');
    await el.updateComplete;
    const dialog = getByRole(el.shadowRoot!, 'alertdialog');
    await waitUntil(() => dialog.contains(focused(el) ?? null), 'focus in the dialog');
    expect(nameOf(focused(el)!)).to.equal('Cancel');
    await tabUntil(el, (f) => dialog.contains(f) && nameOf(f) === 'Disconnect', 'Tab', 3);
    const done = oneEvent(el, 'cs-disconnect');
    await press('Enter');
    expect((await done).detail.results).to.deep.equal([
      { clientId: firstId, outcome: 'disconnected' },
    ]);
    await waitUntil(
      async () => (await clientState(broker, firstId)).connected === false,
      'the real client sees its connection closed',
    );
    expect((await clientState(broker, firstId)).closes).to.be.greaterThan(0);
    await waitUntil(() => announced(el) === `Disconnected ${firstId}.`, announced(el));
    await waitForRows(el, 1);
    // Focus stayed in the element (the details' close button), never on <body>.
    await waitUntil(() => focused(el) !== undefined, describeFocus(el));
    expect(nameOf(focused(el)!)).to.equal('Close details');

    // Escape: the row it was opened from has gone, so its neighbour takes focus.
    await press('Escape');
    await el.updateComplete;
    await focusedRowIs(el, secondId);

    // Export: back to the Export button, open the menu, CSV by arrow and Enter.
    await tabUntil(el, (f) => roleOf(f) === 'button' && nameOf(f) === 'Export', 'Shift+Tab');
    await press('Enter');
    await el.updateComplete;
    const menu = getByRole(el.shadowRoot!, 'menu', 'Export');
    await waitUntil(() => menu.contains(focused(el) ?? null), 'focus in the menu');
    expect(nameOf(focused(el)!)).to.equal('CSV');
    await press('ArrowDown');
    expect(nameOf(focused(el)!)).to.equal('JSON');
    await press('ArrowUp');
    expect(nameOf(focused(el)!)).to.equal('CSV');
    const exported = oneEvent(el, 'cs-export');
    await press('Enter');
    const { detail } = await exported;
    expect(detail.format).to.equal('csv');
    expect(detail.count).to.equal(1);
    expect(await (detail.blob as Blob).text()).to.include(secondId);
    await waitUntil(() => announced(el) === 'Exported 1 sessions as CSV.', announced(el));
    await waitUntil(() => focused(el) !== undefined && nameOf(focused(el)!) === 'Export');
    expect(queryByRole(el.shadowRoot!, 'menu', 'Export')).to.equal(null);
  });

  it('should select every matching row with Ctrl+A, and keep focus after a bulk disconnect', async () => {
    await connectClients(broker, [
      plain('pump-kb-001'),
      plain('pump-kb-002'),
      plain('pump-kb-003'),
      plain('valve-kb-004'),
    ]);
    const el = await render();
    await waitForRows(el, 4);
    (document.activeElement as HTMLElement | null)?.blur();
    await press('Tab');
    await sendKeys({ type: 'pump-kb' });
    await waitForRows(el, 3);
    await tabUntil(el, isRow);

    await press('Control+a');
    await el.updateComplete;
    await waitUntil(() => announced(el) === '3 sessions selected.', announced(el));
    const rows = [
      ...grid(el).querySelectorAll('[role="row"][aria-rowindex]:not([aria-rowindex="1"])'),
    ];
    expect(rows.map((r) => r.getAttribute('aria-selected'))).to.deep.equal([
      'true',
      'true',
      'true',
    ]);
    expect(el.shadowRoot!.querySelector('.selection-bar')!.textContent).to.include('3 selected');
    // Focus is still on the row: Ctrl+A did not select the page's text.
    expect(isRow(focused(el)!)).to.equal(true);
    expect(String(window.getSelection())).to.equal('');

    // Disconnect them by keyboard; once done, `Disconnect selected` is disabled, and focus
    // must land in the element rather than on <body>.
    await tabUntil(
      el,
      (f) => roleOf(f) === 'button' && nameOf(f) === 'Disconnect selected',
      'Shift+Tab',
    );
    await press('Enter');
    await el.updateComplete;
    const dialog = getByRole(el.shadowRoot!, 'alertdialog');
    // Three of four is more than half: the number is typed to confirm.
    await waitUntil(() => dialog.contains(focused(el) ?? null), 'focus in the dialog');
    await tabUntil(el, (f) => roleOf(f) === 'textbox', 'Shift+Tab', 3);
    await sendKeys({ type: '3' });
    await tabUntil(
      el,
      (f) => dialog.contains(f) && nameOf(f) === 'Disconnect 3 sessions',
      'Tab',
      3,
    );
    await press('Enter');
    await waitUntil(
      () => queryByRole(el.shadowRoot!, 'heading', 'Disconnect finished'),
      'the results',
      { timeout: 10_000 },
    );
    await waitUntil(() => announced(el) === 'Disconnect finished: 3 disconnected.', announced(el));
    for (const id of ['pump-kb-001', 'pump-kb-002', 'pump-kb-003']) {
      expect((await clientState(broker, id)).connected, id).to.equal(false);
    }
    expect((await clientState(broker, 'valve-kb-004')).connected).to.equal(true);
    await waitUntil(() => dialog.contains(focused(el) ?? null), 'focus on Close');
    await press('Escape');
    await waitUntil(
      () => !(dialog as HTMLDialogElement).open && focused(el) !== undefined,
      `focus kept in the element, not ${describeFocus(el)}`,
    );
    expect(document.activeElement).to.equal(el);
  });

  it('should page through a long list and keep one tab stop on the active row', async () => {
    await connectClients(
      broker,
      Array.from({ length: 40 }, (_, i) => plain(`meter-kb-${String(i).padStart(3, '0')}`)),
    );
    const el = await render();
    await waitUntil(() => grid(el).getAttribute('aria-rowcount') === '41', 'all 40 listed');
    (document.activeElement as HTMLElement | null)?.blur();
    await tabUntil(el, isRow);
    expect(focused(el)!.getAttribute('aria-rowindex')).to.equal('2');
    await press('PageDown');
    await waitUntil(
      () => Number(focused(el)?.getAttribute('aria-rowindex')) > 3,
      describeFocus(el),
    );
    const afterPage = Number(focused(el)!.getAttribute('aria-rowindex'));
    await press('End');
    await waitUntil(() => focused(el)?.getAttribute('aria-rowindex') === '41', describeFocus(el));
    await press('PageUp');
    await waitUntil(() => {
      // About a screenful up (the rows on screen may differ by a partly shown one).
      const at = Number(focused(el)?.getAttribute('aria-rowindex'));
      return at < 41 - (afterPage - 2) / 2 && at > 2;
    }, describeFocus(el));
    await press('Control+Home');
    await waitUntil(() => focused(el)?.getAttribute('aria-rowindex') === '2', describeFocus(el));
    expect(grid(el).querySelectorAll('[role="row"][tabindex="0"]').length).to.equal(1);
  });
});
