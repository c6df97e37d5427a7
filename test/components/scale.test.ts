/**
 * 100,000 sessions in the virtualized table: the DOM stays small, `aria-rowcount` and
 * `aria-rowindex` stay right, and selection and keyboard focus survive scrolling and refreshes.
 */
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../support/benign-errors.js';
import '../support/fresh-storage.js';
import '../../components/cs-active-sessions/cs-active-sessions.js';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import { sessionKey } from '../../src/model/session.js';
import { keyFromAttribute } from '../../components/cs-active-sessions/session-row.js';
import { getByRole, nameOf, queryAllByRole, queryByRole } from '../support/by-role.js';
import type { LiveEvent } from '../../src/live/emqx-events.js';
import { flagsIn, rowFor, sessionRows, tick } from '../support/element.js';
import { GeneratedSource } from '../support/generated.js';
import type { SessionSource } from '../../src/sources/source.js';
import type { SessionStore } from '../../src/model/session-store.js';

const N = 100_000;

/** Generated sessions and, while `split`, a second connection of one client ID on another node. */
class SplitFleet extends GeneratedSource {
  split = true;
  override async list() {
    const answer = await super.list();
    if (!this.split) return answer;
    const one = answer.sessions[42]!;
    const twin = {
      ...one,
      node: 'node9@cluster',
      key: sessionKey('node9@cluster', one.clientId, this.id),
    };
    return { sessions: [...answer.sessions, twin], skipped: 0 };
  }
}

const healthButton = (el: CsActiveSessions, label: string) =>
  queryAllByRole(getByRole(el.shadowRoot!, 'group', 'Health'), 'button').find((b) =>
    nameOf(b).startsWith(`${label} (`),
  );

/** The element with `source` (`style` on it), once it lists all its `rows` sessions. */
async function renderWith(source: SessionSource, rows: number, style = '') {
  const el = await fixture<CsActiveSessions>(
    html`<cs-active-sessions
      style=${style}
      .source=${source}
      refresh-interval="0"
    ></cs-active-sessions>`,
  );
  const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
  await waitUntil(() => grid.getAttribute('aria-rowcount') === String(rows + 1), 'all rows', {
    timeout: 20_000,
  });
  return { el, grid };
}

/** The element with N generated sessions (`style` on it), once all of them are listed. */
const renderAll = (style = '') => renderWith(new GeneratedSource(N), N, style);

describe('<cs-active-sessions> at 100,000 sessions', () => {
  afterEach(() => fixtureCleanup());

  it('should keep the DOM small and selection, focus and row indexes right while scrolling', async () => {
    const source = new GeneratedSource(N);
    const el = await fixture<CsActiveSessions>(
      html`<cs-active-sessions .source=${source} refresh-interval="0"></cs-active-sessions>`,
    );
    const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
    await waitUntil(() => sessionRows(el).length > 0, 'the first rows', { timeout: 20_000 });
    expect(grid.getAttribute('aria-rowcount')).to.equal(String(N + 1));
    const rows = () => sessionRows(el);
    expect(rows().length).to.be.below(100);
    expect(el.shadowRoot!.querySelectorAll('*').length).to.be.below(2000);
    expect(rows()[0]!.getAttribute('aria-rowindex')).to.equal('2');
    // The node filter's choices: the whole list counted, between frames after the first rows.
    const nodes = () => {
      const node = queryByRole(el.shadowRoot!, 'combobox', 'Node') as HTMLSelectElement | null;
      return node ? [...node.options].map((o) => o.value).filter(Boolean) : [];
    };
    const fleetNodes = ['node0@cluster', 'node1@cluster', 'node2@cluster'];
    await waitUntil(() => nodes().length === 3, 'the nodes counted', { timeout: 20_000 });
    expect(nodes()).to.deep.equal(fleetNodes);

    // Select the third row, and give the fourth the keyboard focus.
    const third = rows()[2]!;
    const thirdId = third.querySelector('bdi')!.textContent!;
    tick(el, thirdId);
    await el.updateComplete;
    // Into the grid as a keyboard user comes: its one tab stop, then four rows down.
    (grid.querySelector('[role="row"][tabindex="0"]') as HTMLElement).focus();
    const focusedIndex = () =>
      (el.shadowRoot!.activeElement as HTMLElement | null)?.getAttribute('aria-rowindex');
    const start = Number(focusedIndex());
    expect(start).to.be.at.least(2);
    for (let i = 1; i <= 4; i++) {
      await sendKeys({ press: 'ArrowDown' });
      await waitUntil(() => focusedIndex() === String(start + i), `focus on row ${start + i}`);
    }

    // End of the list: the last rows carry the last indexes.
    await sendKeys({ press: 'End' });
    await waitUntil(() => focusedIndex() === String(N + 1), 'focus on the last row', {
      timeout: 10_000,
    });
    const last = rows().at(-1)!;
    expect(last.getAttribute('aria-rowindex')).to.equal(String(N + 1));
    expect(rows().length).to.be.below(100);

    // A refresh (1 % of the fleet reconnected) keeps the selection.
    source.change(0.01);
    await el.refresh();
    await el.updateComplete;
    // Counted again from what the refresh changed alone.
    expect(nodes()).to.deep.equal(fleetNodes);

    // Back to the top: the selected row is still selected.
    await sendKeys({ press: 'Home' });
    await waitUntil(() => focusedIndex() === '2', 'focus on the first row', { timeout: 10_000 });
    await waitUntil(() => !!rows().find((r) => r.textContent!.includes(thirdId)), 'row 3 again');
    expect(rowFor(el, thirdId).getAttribute('aria-selected')).to.equal('true');
    expect(getByRole(el.shadowRoot!, 'button', 'Disconnect selected')).to.exist;
  });

  it('should render the rows of a search in its own update, wherever the list was scrolled', async () => {
    const { el, grid } = await renderAll();
    // Halfway down the list, and the page's own row height.
    el.style.setProperty('--cs-row-height', '50px');
    // The scrolling rowgroup of the session rows (the header row has its own).
    const list = sessionRows(el)[0]!.closest<HTMLElement>('[role="rowgroup"]')!;
    const indexes = () => sessionRows(el).map((r) => Number(r.getAttribute('aria-rowindex')));
    await waitUntil(() => sessionRows(el)[0]!.getBoundingClientRect().height === 50, '50 px rows');
    list.scrollTop = 50_000 * 50;
    // The row at the top of the list is the 50,001st session (row 50,002, after the header).
    const topRow = () => {
      const top = list.getBoundingClientRect().top;
      return sessionRows(el).find((r) => Math.abs(r.getBoundingClientRect().top - top) < 1);
    };
    await waitUntil(() => topRow()?.getAttribute('aria-rowindex') === '50002', 'row 50,002 on top');
    expect(indexes().length).to.be.below(100);
    // Narrowed to a few sessions: the rows in view are rendered by the update that searched,
    // where the browser will have scrolled the shorter list back to (its end, a frame later).
    const search = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions') as HTMLInputElement;
    search.value = 'pump-00012';
    search.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    let expected = 0;
    for (let i = 1200; i < 1300; i++) if (i % 7 === 3) expected++;
    expect(grid.getAttribute('aria-rowcount')).to.equal(String(expected + 1));
    const inView = Math.floor((expected * 50 - list.clientHeight) / 50);
    const range = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => from + i + 2);
    expect(indexes()).to.deep.equal(range(inView, expected));
    for (const row of sessionRows(el)) expect(row.textContent).to.include('pump-00012');
    await waitUntil(() => list.scrollTop === expected * 50 - list.clientHeight, 'scrolled back');
    // Once that frame is painted, the rows beyond the edges of the list follow: here, all.
    await waitUntil(() => indexes().length === expected, 'the rest of the rows');
    expect(indexes()).to.deep.equal(range(0, expected));
    // Cleared: the rows in view of the whole list, in the same update again, and as many as fill
    // the list (not the rows of the 28 px first guess).
    search.value = '';
    search.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    expect(grid.getAttribute('aria-rowcount')).to.equal(String(N + 1));
    const top = Math.floor(list.scrollTop / 50);
    const filled = Math.ceil((list.scrollTop + list.clientHeight) / 50) - top;
    expect(indexes()).to.deep.equal(range(top, top + filled));
    // Then 400 px of rows beyond each edge.
    await waitUntil(() => indexes()[0] === 2 && indexes().length > filled + 7, 'the rows beyond');
  });

  it('should render as many first rows as fill the list, then the rows beyond, none twice', async () => {
    for (const [density, rowHeight] of [
      ['comfortable', 36],
      ['compact', 28],
    ] as const) {
      const el = await fixture<CsActiveSessions>(
        html`<cs-active-sessions density=${density} refresh-interval="0"></cs-active-sessions>`,
      );
      // How many rows each change of the DOM left, once there are rows (a change that leaves as
      // many is not counted).
      const counts: number[] = [];
      const observer = new MutationObserver(() => {
        const n = sessionRows(el).length;
        if (n > 0 && n !== counts.at(-1)) counts.push(n);
      });
      observer.observe(el.shadowRoot!, { childList: true, subtree: true });
      el.source = new GeneratedSource(N);
      await waitUntil(() => counts.length >= 2, 'the first rows, then more', { timeout: 20_000 });
      observer.disconnect();
      // The rows in view of the 420 px list, in the update that listed them: not more rows for
      // a guessed height, taken away once one is measured.
      const fill = Math.ceil(420 / rowHeight);
      expect(counts[0], density).to.equal(fill);
      // Then 400 px of rows below them, once those are painted.
      expect(counts[1], density).to.equal(Math.ceil(820 / rowHeight));
      fixtureCleanup();
    }
  });

  it('should keep the rows beyond the edges, and a focused row among them, across a refresh', async () => {
    const source = new GeneratedSource(5000);
    const { el, grid } = await renderWith(source, 5000);
    await waitUntil(() => sessionRows(el).length > 14, 'the rows beyond the edges');
    // The first row focused, then scrolled just out of view.
    const row = grid.querySelector<HTMLElement>('[role="row"][tabindex="0"]')!;
    row.focus();
    const list = row.closest<HTMLElement>('[role="rowgroup"]')!;
    list.scrollTop = 100;
    await waitUntil(() => sessionRows(el).length > 20, 'rows for the new position');
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(row);
    const before = sessionRows(el).length;
    let removed = 0;
    const observer = new MutationObserver((records) => {
      for (const r of records)
        removed += [...r.removedNodes].filter((n) => n instanceof Element).length;
    });
    observer.observe(list, { childList: true, subtree: true });
    // Refreshes (1 % of the fleet reconnected, none of it in view): the same view, kept as it is.
    for (let i = 0; i < 3; i++) {
      source.change(0.01, i + 1);
      await el.refresh();
      await el.updateComplete;
    }
    observer.disconnect();
    expect(removed).to.equal(0);
    expect(sessionRows(el).length).to.equal(before);
    expect(el.shadowRoot!.activeElement).to.equal(row);
    expect(row.getAttribute('aria-rowindex')).to.equal('2');
  });

  /** The element's store and its entry points for live events and ended sessions. */
  const controllerOf = (el: CsActiveSessions) =>
    (
      el as unknown as {
        _sessions: {
          store: SessionStore;
          totalActive: number;
          applyLive(e: LiveEvent): void;
          removeSessions(keys: readonly string[]): void;
        };
      }
    )._sessions;

  /**
   * Refreshes after 1 % of the fleet reconnected, calling `during` in each frame until the
   * refresh is done; returns how many frames went by.
   */
  async function refreshWith(el: CsActiveSessions, source: GeneratedSource, during: () => void) {
    source.change(0.01, 2);
    let frames = 0;
    let refreshing = true;
    const onFrame = () => {
      if (!refreshing) return;
      frames++;
      during();
      requestAnimationFrame(onFrame);
    };
    requestAnimationFrame(onFrame);
    await el.refresh();
    refreshing = false;
    return frames;
  }

  it('should match a poll of 100,000 sessions between frames, its rows shown once matched', async () => {
    const source = new GeneratedSource(N);
    const { el, grid } = await renderWith(source, N);
    const { store } = controllerOf(el);
    const before = store.sessions;
    const first = before[0]!;
    const seen = new Set<readonly unknown[]>();
    const frames = await refreshWith(el, source, () => seen.add(store.sessions));
    // Frames were painted while the poll was matched, each with the last poll's list.
    expect(frames).to.be.greaterThan(0);
    expect([...seen]).to.deep.equal([before]);
    // Then the poll is in: 1 % changed, the rest the same objects.
    expect(store.sessions).to.not.equal(before);
    expect(store.sessions.length).to.equal(N);
    expect(store.get(first.key)).to.not.equal(first);
    expect(store.get(first.key)!.connectedAt).to.equal(first.connectedAt! + 2000);
    expect(store.lastChange!.added.length).to.equal(N / 100);
    expect(store.get(before[1]!.key)).to.equal(before[1]);
    await el.updateComplete;
    expect(grid.getAttribute('aria-rowcount')).to.equal(String(N + 1));
  });

  it('should keep a live event or an ended session that comes while a poll is being matched', async () => {
    const source = new GeneratedSource(N);
    const { el } = await renderWith(source, N);
    const controller = controllerOf(el);
    const { store } = controller;
    const before = store.sessions;
    // A connection the poll does not know of, reported live in its first frame.
    let sent = false;
    await refreshWith(el, source, () => {
      if (sent) return;
      sent = true;
      controller.applyLive({
        kind: 'connected',
        node: 'emqx@10.0.9.1',
        clientId: 'live-newcomer',
        payload: {
          clientid: 'live-newcomer',
          ipaddress: '10.0.9.2',
          proto_ver: 4,
          connected_at: Date.now(),
        },
        reason: undefined,
      });
    });
    expect(sent).to.equal(true);
    await waitUntil(() => store.sessions.some((s) => s.clientId === 'live-newcomer'), 'live');
    expect(store.sessions.length).to.equal(N + 1);
    // Counted too: the poll's count, and the live connection on top of it.
    expect(controller.totalActive).to.equal(N + 1);
    expect(store.get(before[0]!.key)!.connectedAt).to.equal(before[0]!.connectedAt! + 2000);

    // A session ended by an action while the next poll is matched: that poll is dropped (it
    // predates the action), and the session stays out.
    const now = store.sessions;
    const ended = now[5]!;
    let removed = false;
    await refreshWith(el, source, () => {
      if (removed) return;
      removed = true;
      controller.removeSessions([ended.key]);
    });
    expect(removed).to.equal(true);
    expect(store.get(ended.key)).to.equal(undefined);
    expect(store.sessions.length).to.equal(N);
    expect(controller.totalActive).to.equal(N);
    // The dropped poll's changes are not half put in: every other session is as it was.
    expect(store.sessions.filter((s, i) => s !== now[i + (i >= 5 ? 1 : 0)])).to.deep.equal([]);
  });

  it('should sort 100,000 sessions between frames, rows and headers as they were until then', async () => {
    const { el, grid } = await renderAll();
    const { store } = controllerOf(el);
    const header = (name: string) => getByRole(grid, 'columnheader', name);
    const connectedAt = header('Connected at');
    const button = () => connectedAt.querySelector('button')!;
    // The first rows (those beyond the edges come a little later, whatever the order).
    const firstKeys = () =>
      sessionRows(el)
        .slice(0, 10)
        .map((r) => r.dataset['key']);
    const before = firstKeys();
    const timesOfRows = () =>
      sessionRows(el).map((r) => store.get(keyFromAttribute(r.dataset['key']!))!);
    // Frames while the sort is under way: the rows as they were, the header saying so.
    let frames = 0;
    let unchanged = true;
    let sorting = true;
    const onFrame = () => {
      if (!sorting) return;
      if (connectedAt.getAttribute('aria-sort') === 'ascending') return;
      frames++;
      if (grid.getAttribute('aria-busy') !== 'true') unchanged = false;
      if (JSON.stringify(firstKeys()) !== JSON.stringify(before)) unchanged = false;
      requestAnimationFrame(onFrame);
    };
    button().click();
    await el.updateComplete;
    requestAnimationFrame(onFrame);
    await waitUntil(() => connectedAt.getAttribute('aria-sort') === 'ascending', 'sorted', {
      timeout: 20_000,
    });
    sorting = false;
    expect(frames).to.be.greaterThan(0);
    expect(unchanged).to.equal(true);
    await el.updateComplete;
    expect(grid.getAttribute('aria-busy')).to.equal('false');
    const times = timesOfRows().map((s) => s.connectedAt!);
    expect(times).to.deep.equal([...times].sort((a, b) => a - b));
    expect(firstKeys()).to.not.deep.equal(before);

    // Another column clicked, then the one shown clicked before that sort is done: a click
    // acts on the order shown (turned round, at once), and the other sort is dropped.
    header('Client ID').querySelector('button')!.click();
    await el.updateComplete;
    expect(grid.getAttribute('aria-busy')).to.equal('true');
    expect(connectedAt.getAttribute('aria-sort')).to.equal('ascending');
    button().click();
    await el.updateComplete;
    expect(connectedAt.getAttribute('aria-sort')).to.equal('descending');
    await waitUntil(() => connectedAt.getAttribute('aria-sort') === 'descending', 'descending', {
      timeout: 20_000,
    });
    await waitUntil(() => grid.getAttribute('aria-busy') === 'false', 'not busy');
    const down = timesOfRows().map((s) => s.connectedAt!);
    expect(down).to.deep.equal([...down].sort((a, b) => b - a));
    expect(getByRole(grid, 'columnheader', 'Client ID').getAttribute('aria-sort')).to.equal(null);

    // Sorted while live events keep changing the list (a batch every 50 ms, far less than a
    // sort takes): the sort is done all the same, and the events are in the rows.
    const live = controllerOf(el);
    let n = 0;
    const storm = setInterval(() => {
      n++;
      live.applyLive({
        kind: 'connected',
        node: 'emqx@10.0.9.1',
        clientId: `storm-${n}`,
        payload: {
          clientid: `storm-${n}`,
          ipaddress: '10.0.9.2',
          proto_ver: 4,
          connected_at: Date.now(),
        },
        reason: undefined,
      });
    }, 20);
    try {
      const username = header('Username');
      const listed = store.sessions.length;
      // Whether a frame showed the sort still under way after events came: they do not start
      // it again (nor make it at once, holding a frame up).
      let eventsWhileSorting = false;
      let watching = true;
      const watch = () => {
        if (!watching) return;
        if (grid.getAttribute('aria-busy') === 'true' && store.sessions.length > listed) {
          eventsWhileSorting = true;
        }
        requestAnimationFrame(watch);
      };
      requestAnimationFrame(watch);
      username.querySelector('button')!.click();
      await waitUntil(() => username.getAttribute('aria-sort') === 'ascending', 'by username', {
        timeout: 20_000,
      });
      watching = false;
      expect(n).to.be.greaterThan(3);
      expect(eventsWhileSorting).to.equal(true);
    } finally {
      clearInterval(storm);
    }
    await waitUntil(
      () => store.sessions.length === N + n && grid.getAttribute('aria-busy') === 'false',
      'every event in, not busy',
    );
    await el.updateComplete;
    expect(grid.getAttribute('aria-rowcount')).to.equal(String(N + n + 1));
  });

  it('should render the rows a scroll jumps to before the rows beyond them', async () => {
    const { el } = await renderAll();
    const list = sessionRows(el)[0]!.closest<HTMLElement>('[role="rowgroup"]')!;
    await waitUntil(() => sessionRows(el).length > 14, 'the rows beyond the edges');
    const indexes = () => sessionRows(el).map((r) => Number(r.getAttribute('aria-rowindex')));
    // Far down (the scroll bar dragged): the update after the scroll renders the rows in view.
    const counts: number[] = [];
    const observer = new MutationObserver(() => {
      const first = indexes()[0]!;
      if (first > 1000 && counts.at(-1) !== indexes().length) counts.push(indexes().length);
    });
    observer.observe(list, { childList: true, subtree: true });
    list.scrollTop = 36 * 50_000;
    await waitUntil(() => counts.length >= 2, 'the rows in view, then more', { timeout: 10_000 });
    observer.disconnect();
    const fill = Math.ceil(list.clientHeight / 36);
    expect(counts[0]).to.be.within(fill, fill + 1);
    expect(counts[1]).to.be.above(fill + 10);
    expect(indexes()).to.include(50_002);
  });

  it('should reach every row of a list taller than a browser lays out', async () => {
    // 100,000 rows of 400 px: 40 million px, more than Chromium (33.5 million) or Firefox (17.9
    // million) lays out. The list scrolls through them in proportion.
    const { el, grid } = await renderAll('--cs-row-height: 400px; --cs-table-height: 800px');
    const list = sessionRows(el)[0]!.closest<HTMLElement>('[role="rowgroup"]')!;
    await waitUntil(() => list.scrollHeight === 10_000_000, 'laid out at 400 px a row');
    const box = () => list.getBoundingClientRect();
    /** The row whose top is the list's, if one is. */
    const topIndex = () =>
      sessionRows(el)
        .find((r) => Math.abs(r.getBoundingClientRect().top - box().top) < 2)
        ?.getAttribute('aria-rowindex');
    // Halfway down the scroll bar is halfway down the rows.
    list.scrollTop = (list.scrollHeight - list.clientHeight) / 2;
    await waitUntil(() => topIndex() !== undefined, 'a row at the top');
    expect(Math.abs(Number(topIndex()) - (2 + (N - 2) / 2))).to.be.below(2);
    // The keyboard reaches the last row, in view.
    (grid.querySelector('[role="row"][tabindex="0"]') as HTMLElement).focus();
    await sendKeys({ press: 'End' });
    const focused = () => el.shadowRoot!.activeElement as HTMLElement | null;
    await waitUntil(() => focused()?.getAttribute('aria-rowindex') === String(N + 1), 'the last', {
      timeout: 10_000,
    });
    const last = focused()!.getBoundingClientRect();
    expect(last.top).to.be.at.least(box().top - 1);
    expect(last.bottom).to.be.at.most(box().bottom + 1);
    // And back to the first.
    await sendKeys({ press: 'Home' });
    await waitUntil(() => focused()?.getAttribute('aria-rowindex') === '2', 'the first', {
      timeout: 10_000,
    });
    expect(topIndex()).to.equal('2');

    // Near the top, where the rows in view start above the content: 200 px of scrolling is about
    // 800 px of rows, so the third row (row 4, after the header) is at the top.
    list.scrollTop = 200;
    await waitUntil(() => topIndex() === '4', `row 4 at the top, not ${topIndex()}`);
    // The keyboard moves through rows mid-list, each key's row whole in view.
    const whole = (row: Element | null | undefined) => {
      if (row?.getAttribute('role') !== 'row') return false;
      const { top, bottom } = row.getBoundingClientRect();
      return top >= box().top - 1 && bottom <= box().bottom + 1;
    };
    const inView = () => whole(focused());
    // The grid's tab stop is a row wholly in view: focusing it does not scroll the list.
    const tabStop = () => grid.querySelector<HTMLElement>('[role="row"][tabindex="0"]');
    list.scrollTop = 3_333_333;
    await waitUntil(() => whole(tabStop()), 'the tab stop wholly in view');
    const scrolled = list.scrollTop;
    tabStop()!.focus();
    expect(list.scrollTop).to.equal(scrolled);
    let at = Number(focused()!.getAttribute('aria-rowindex'));
    for (const key of ['ArrowDown', 'ArrowDown', 'ArrowDown', 'PageDown', 'PageDown', 'PageUp']) {
      await sendKeys({ press: key });
      const before = at;
      await waitUntil(
        () => {
          const index = Number(focused()?.getAttribute('aria-rowindex'));
          return (key === 'PageUp' ? index < before : index > before) && inView();
        },
        `${key} from row ${before}: ${focused()?.getAttribute('aria-rowindex')} in view`,
      );
      at = Number(focused()!.getAttribute('aria-rowindex'));
    }
  });

  it('should keep its place in the list when its layout changes or it is put back in the page', async () => {
    const { el } = await renderAll();
    const list = () => sessionRows(el)[0]?.closest<HTMLElement>('[role="rowgroup"]');
    await waitUntil(() => sessionRows(el)[0]!.getBoundingClientRect().height === 36, '36 px');
    list()!.scrollTop = 50_000 * 36;
    /** The row at the top of the list, if any is. */
    const topIndex = () => {
      const top = list()?.getBoundingClientRect().top;
      return sessionRows(el)
        .find((r) => top !== undefined && Math.abs(r.getBoundingClientRect().top - top) < 1)
        ?.getAttribute('aria-rowindex');
    };
    await waitUntil(() => topIndex() === '50002', 'row 50,002 at the top');
    // The compact layout (an extension popup) renders the list anew: at the same place.
    el.layout = 'compact';
    await waitUntil(() => topIndex() === '50002', `still row 50,002, not ${topIndex()}`);
    // Taken out of the page and put back (the browser scrolls a list it takes out to the top).
    const parent = el.parentElement!;
    el.remove();
    parent.append(el);
    await waitUntil(() => topIndex() === '50002', `back at row 50,002, not ${topIndex()}`);
  });

  it('should search 100,000 sessions as the user types, and clear back to all of them', async () => {
    const { el, grid } = await renderAll();
    getByRole(el.shadowRoot!, 'searchbox', 'Search sessions').focus();
    await sendKeys({ type: 'pump-00012' });
    let expected = 0;
    for (let i = 1200; i < 1300; i++) if (i % 7 === 3) expected++;
    await waitUntil(
      () => grid.getAttribute('aria-rowcount') === String(expected + 1),
      'pump-00012xx',
      { timeout: 10_000 },
    );
    for (let i = 0; i < 'pump-00012'.length; i++) await sendKeys({ press: 'Backspace' });
    await waitUntil(() => grid.getAttribute('aria-rowcount') === String(N + 1), 'all again', {
      timeout: 10_000,
    });
  });

  it('should find duplicates in thousands of sessions between frames, and drop them once gone', async () => {
    const source = new SplitFleet(5000);
    const { el, grid } = await renderWith(source, 5001);
    const duplicates = () => nameOf(healthButton(el, 'Duplicate or takeover') ?? el);
    await waitUntil(() => duplicates() === 'Duplicate or takeover (2)', 'the pair found', {
      timeout: 10_000,
    });
    // A poll without the second connection: the pair is no longer one.
    source.split = false;
    source.change(0.01, 1);
    await el.refresh();
    await waitUntil(() => grid.getAttribute('aria-rowcount') === '5001', 'the twin gone');
    await waitUntil(() => duplicates() === 'Duplicate or takeover (0)', 'the pair gone', {
      timeout: 10_000,
    });
  });

  it('should flag and count a pair of one client ID while live events keep coming', async () => {
    const { el } = await renderAll();
    // The first diagnosis done (its counts shown): what follows is the live events' own.
    await waitUntil(
      () => /\(7\d,\d{3}\)/.test(nameOf(healthButton(el, 'Unclear client ID') ?? el)),
      'counted',
      { timeout: 20_000 },
    );
    // What the live feed hands over, as a busy broker's events come: a connect or a disconnect
    // every 20 ms, so that every 50 ms batch has some (the element's entry point for them).
    const live = (el as unknown as { _sessions: { applyLive(e: LiveEvent): void } })._sessions;
    const event = (kind: LiveEvent['kind'], clientId: string, at: number): LiveEvent => ({
      kind,
      node: 'emqx@10.0.9.1',
      clientId,
      payload: { clientid: clientId, ipaddress: '10.0.9.2', proto_ver: 4, connected_at: at },
      reason: kind === 'disconnected' ? 'normal' : undefined,
    });
    let n = 0;
    const storm = setInterval(() => {
      n++;
      live.applyLive(event(n % 2 ? 'connected' : 'disconnected', `churn-${n % 20}`, 1000 + n));
    }, 20);
    try {
      // A client ID of the fleet connected on another node: one client ID, two sessions.
      live.applyLive(event('connected', 'pump-0000003', 1000));
      // A second of events first: what follows is looked at while they go on.
      await waitUntil(() => n >= 50, 'a second of events', { timeout: 10_000 });
      const duplicates = () =>
        nameOf(healthButton(el, 'Duplicate or takeover') ?? el).replace(/\D/g, '');
      await waitUntil(
        () => flagsIn(el, 'pump-0000003').includes('duplicate') && duplicates() === '2',
        'the pair flagged and counted while the events keep coming',
        { timeout: 15_000 },
      );
    } finally {
      clearInterval(storm);
    }
  });
});
