/** Reading and driving `<cs-active-sessions>` the way a person does, for browser tests. */
import { waitUntil } from '@open-wc/testing';
import type { CsActiveSessions } from '../../components/cs-active-sessions/cs-active-sessions.js';
import { getByRole, nameOf, queryAllByRole } from './by-role.js';

/**
 * The session rows in the DOM (not the header row), in grid order: the table renders only
 * the rows near the viewport, so order by `aria-rowindex` rather than trust the DOM's order.
 */
export function sessionRows(el: CsActiveSessions): HTMLElement[] {
  const grid = getByRole(el.shadowRoot!, 'grid', 'Active sessions');
  const index = (r: HTMLElement) => Number(r.getAttribute('aria-rowindex'));
  return queryAllByRole(grid, 'row')
    .filter((r) => index(r) > 1)
    .sort((a, b) => index(a) - index(b));
}

/** A row's cells without the checkbox cell (a read-only element has none). */
const dataCells = (row: HTMLElement) =>
  queryAllByRole(row, 'gridcell').filter((c) => !c.classList.contains('check'));

/** The client ID in a row (its cell may also hold health markers). */
const clientIdOf = (row: HTMLElement) => dataCells(row)[0]?.querySelector('bdi')?.textContent ?? '';

/** The cell texts of each session row on screen, by client ID, without the checkbox cell. */
export function rowsOf(el: CsActiveSessions): Map<string, string[]> {
  return new Map(
    sessionRows(el).map((row) => {
      const cells = dataCells(row).map((c) => nameOf(c));
      return [clientIdOf(row), cells];
    }),
  );
}

/** Health markers shown in a client's row. */
export const flagsIn = (el: CsActiveSessions, clientId: string) =>
  [...rowFor(el, clientId).querySelectorAll('.flag')].map((f) => f.textContent!.trim());

/** Client IDs in the order on screen. */
export const orderOf = (el: CsActiveSessions) => [...rowsOf(el).keys()];

export const countText = (el: CsActiveSessions) =>
  el.shadowRoot!.querySelector('[part="status"] .count')!.textContent!.trim();

export async function waitForRows(el: CsActiveSessions, n: number, message?: string) {
  await waitUntil(() => rowsOf(el).size === n, message ?? `expected ${n} rows`, { timeout: 8000 });
}

export function rowFor(el: CsActiveSessions, clientId: string): HTMLElement {
  const row = sessionRows(el).find((r) => clientIdOf(r) === clientId);
  if (!row) throw new Error(`no row for ${clientId}`);
  return row;
}

/** Clicks a row and returns the details region. */
export async function openDetails(el: CsActiveSessions, clientId: string) {
  rowFor(el, clientId).click();
  await el.updateComplete;
  return getByRole(el.shadowRoot!, 'region', 'Session details');
}

/** The term → value pairs of a details region. */
export function factsOf(details: HTMLElement): Record<string, string> {
  return Object.fromEntries(
    [...details.querySelectorAll('dt')].map((dt) => [
      dt.textContent!.trim(),
      dt.nextElementSibling!.textContent!.replace(/\s+/g, ' ').trim(),
    ]),
  );
}

/** Ticks a row's checkbox as a click would, optionally with Shift held. */
export function tick(el: CsActiveSessions, clientId: string, shiftKey = false) {
  const box = getByRole(rowFor(el, clientId), 'checkbox', `Select ${clientId}`) as HTMLInputElement;
  box.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, shiftKey }));
}

/** The open alertdialog. */
export const dialogOf = (el: CsActiveSessions) => getByRole(el.shadowRoot!, 'alertdialog');

/** A fresh `storage-key`, so each test starts from an empty IndexedDB. */
export const uniqueKey = () => `test-${Math.random().toString(36).slice(2)}`;
