/**
 * What a hostile string must not do to `<cs-active-sessions>`, checked the way a page would see
 * it: nothing runs, nothing new is parsed as markup, the layout holds, and the string comes back
 * whole in details and exports, with spreadsheet formulas neutralised in CSV.
 */
import { expect, oneEvent, waitUntil } from '@open-wc/testing';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import type { ExportDetail } from '../../components/cs-active-sessions/events.js';
import { getByRole, queryByRole } from './by-role.js';
import { parseCsv } from './csv.js';
import { countText, dialogOf, sessionRows } from './element.js';
import { FORMULA_START, wellFormed } from './hostile-strings.js';

declare global {
  interface Window {
    __pwned?: unknown;
  }
}

/** Resets the canary that any injected script or handler in the corpus would set. */
export function armCanary(): void {
  window.__pwned = undefined;
}

/** Elements that only markup from a broker string could have put there. */
const FOREIGN =
  'script, img, iframe, object, embed, video, audio, source, meta, base, link, a[href], ' +
  'math, marquee, h1, b, body, details, template, cs-active-sessions, svg:not([part="trend"] svg)';

/** Every element in the element's shadow tree (and shadow trees inside it). */
function allElements(root: ParentNode): Element[] {
  const out: Element[] = [];
  for (const e of root.querySelectorAll('*')) {
    out.push(e);
    if (e.shadowRoot) out.push(...allElements(e.shadowRoot));
  }
  return out;
}

/** Nothing ran and nothing was parsed as markup. */
export function expectInert(el: CsActiveSessions, where: string): void {
  expect(window.__pwned, `${where}: an injected script or handler ran`).to.equal(undefined);
  const all = allElements(el.shadowRoot!);
  const foreign = all.filter((e) => e.matches(FOREIGN) && !e.closest('[part="trend"]'));
  expect(
    foreign.map((e) => e.outerHTML.slice(0, 80)),
    `${where}: elements from markup`,
  ).to.deep.equal([]);
  const handlers = all.flatMap((e) =>
    [...e.attributes]
      .filter((a) => a.name.startsWith('on'))
      .map((a) => `${e.localName}[${a.name}]`),
  );
  expect(handlers, `${where}: event handler attributes`).to.deep.equal([]);
  // The page outside the element is untouched too.
  expect(
    document.querySelectorAll('body script:not([type="module"]), body img, body iframe'),
  ).to.have.length(0);
}

const near = (a: number, b: number) => Math.abs(a - b) <= 1;

/**
 * Every rendered row the same height, each cell inside its row, and the grid not pushed wider
 * than its frame (nor the element wider than its container).
 */
export function expectLayout(el: CsActiveSessions, where: string, width: number): void {
  const rows = sessionRows(el);
  expect(rows.length, `${where}: rows on screen`).to.be.greaterThan(0);
  const height = rows[0]!.getBoundingClientRect().height;
  for (const row of rows) {
    const r = row.getBoundingClientRect();
    const id = row.querySelector('bdi')?.textContent?.slice(0, 40);
    expect(
      near(r.height, height),
      `${where}: row ${JSON.stringify(id)} is ${r.height}px, not ${height}px`,
    ).to.equal(true);
    for (const cell of row.children) {
      const c = cell.getBoundingClientRect();
      const inside =
        c.left >= r.left - 1 &&
        c.right <= r.right + 1 &&
        c.top >= r.top - 1 &&
        c.bottom <= r.bottom + 1;
      expect(inside, `${where}: a cell of ${JSON.stringify(id)} leaves its row`).to.equal(true);
      // Text is clipped to its cell, never painted over the next one.
      const style = getComputedStyle(cell);
      expect(style.overflowX, `${where}: cell overflow`).to.equal('hidden');
    }
  }
  const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
  expect(grid.scrollWidth, `${where}: the grid was pushed wider`).to.be.at.most(
    grid.clientWidth + 1,
  );
  expect(el.getBoundingClientRect().width, `${where}: the element widened`).to.be.at.most(
    width + 1,
  );
}

/** A region (details, audit log, alerts) that does not spill sideways. */
export function expectContained(
  el: CsActiveSessions,
  region: HTMLElement,
  where: string,
  width: number,
) {
  expect(region.scrollWidth, `${where}: content wider than the region`).to.be.at.most(
    region.clientWidth + 1,
  );
  expect(region.getBoundingClientRect().width, `${where}: region widened`).to.be.at.most(width + 1);
  expect(el.getBoundingClientRect().width, `${where}: the element widened`).to.be.at.most(
    width + 1,
  );
}

/** The row whose client ID cell holds exactly `clientId`. */
export function rowOf(el: CsActiveSessions, clientId: string): HTMLElement | undefined {
  return sessionRows(el).find(
    (r) => r.querySelector('[role="gridcell"]:not(.check) bdi')?.textContent === clientId,
  );
}

/** Types a query into the search box (as `input` events do) and waits for the view. */
export async function searchFor(el: CsActiveSessions, text: string): Promise<void> {
  const box = getByRole(el.shadowRoot!, 'searchbox', 'Search sessions') as HTMLInputElement;
  box.value = text;
  box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await el.updateComplete;
}

/** Opens the Export menu and picks a format; resolves with the export. */
export async function exportAs(
  el: CsActiveSessions,
  format: 'CSV' | 'JSON',
): Promise<ExportDetail> {
  getByRole(el.shadowRoot!, 'button', 'Export').click();
  await el.updateComplete;
  const menu = getByRole(el.shadowRoot!, 'menu', 'Export');
  const done = oneEvent(el, 'cs-export');
  getByRole(menu, 'menuitem', format).click();
  return (await done).detail as ExportDetail;
}

export interface Expected {
  clientId: string;
  username?: string;
}

/** The JSON export holds every session with its client ID and username exactly. */
export async function expectJsonExport(el: CsActiveSessions, expected: readonly Expected[]) {
  const json = JSON.parse(await (await exportAs(el, 'JSON')).blob.text()) as {
    sessions: { clientId: string; username: string | null }[];
  };
  const byId = new Map(json.sessions.map((s) => [s.clientId, s]));
  for (const e of expected) {
    const s = byId.get(e.clientId);
    expect(s, `JSON export lacks ${JSON.stringify(e.clientId.slice(0, 60))}`).to.not.equal(
      undefined,
    );
    expect(s!.clientId === e.clientId, 'client ID round-trips').to.equal(true);
    if (e.username !== undefined) {
      expect(
        s!.username === e.username,
        `username of ${JSON.stringify(e.clientId.slice(0, 40))}`,
      ).to.equal(true);
    }
  }
  return expected.length;
}

/** What a CSV cell must hold for a value: whole, with a formula start neutralised by `'`. */
export const csvCell = (value: string) =>
  wellFormed(FORMULA_START.test(value) ? `'${value}` : value);

/** The CSV export holds every value, formula starts neutralised. */
export async function expectCsvExport(el: CsActiveSessions, expected: readonly Expected[]) {
  const rows = parseCsv(await (await exportAs(el, 'CSV')).blob.text());
  const header = rows[0]!;
  const idCol = header.indexOf('clientId');
  const userCol = header.indexOf('username');
  const cells = new Set(rows.slice(1).map((r) => r[idCol]));
  const users = new Set(rows.slice(1).map((r) => r[userCol]));
  let formulas = 0;
  for (const e of expected) {
    if (FORMULA_START.test(e.clientId)) formulas++;
    expect(
      cells.has(csvCell(e.clientId)),
      `CSV client ID cell of ${JSON.stringify(e.clientId.slice(0, 60))}`,
    ).to.equal(true);
    if (e.username !== undefined) {
      expect(
        users.has(csvCell(e.username)),
        `CSV username cell of ${JSON.stringify(e.username.slice(0, 60))}`,
      ).to.equal(true);
    }
  }
  // No cell at all starts a formula unguarded.
  for (const row of rows.slice(1)) {
    for (const cell of row) {
      expect(
        FORMULA_START.test(cell),
        `unguarded CSV formula ${JSON.stringify(cell.slice(0, 40))}`,
      ).to.equal(false);
    }
  }
  return formulas;
}

/** The facts of the open details: client ID and username exactly as the broker has them. */
export function detailsValues(details: HTMLElement): string[] {
  return [...details.querySelectorAll('dd bdi.full')].map((b) => b.textContent ?? '');
}

/** Selects every listed session and disconnects them, confirming as a person would. */
export async function disconnectAll(el: CsActiveSessions, count: number): Promise<void> {
  const root = el.shadowRoot!;
  getByRole(root, 'checkbox', 'Select all').click();
  await el.updateComplete;
  const more = queryByRole(root, 'button', /^Select all \d+ matching$/);
  if (more) {
    more.click();
    await el.updateComplete;
  }
  getByRole(root, 'button', 'Disconnect selected').click();
  await el.updateComplete;
  const dialog = dialogOf(el);
  const typed = queryByRole(
    dialog,
    'textbox',
    'Number of sessions to disconnect',
  ) as HTMLInputElement | null;
  if (typed) {
    typed.value = String(count);
    typed.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await el.updateComplete;
  }
  const done = oneEvent(el, 'cs-disconnect');
  getByRole(dialog, 'button', new RegExp(`^Disconnect ${count} sessions?$`)).click();
  const { results } = (await done).detail as {
    results: { clientId: string; outcome: string; error?: string }[];
  };
  const failed = results.filter((r) => r.outcome !== 'disconnected');
  expect(
    failed.map((r) => `${r.clientId.slice(0, 30)}: ${r.outcome} ${r.error ?? ''}`),
    'every client disconnected',
  ).to.deep.equal([]);
  expect(results).to.have.length(count);
  await waitUntil(() => countText(el) !== '', 'count');
}
