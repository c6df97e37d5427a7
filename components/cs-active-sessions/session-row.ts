import { html, nothing, type TemplateResult } from 'lit';
import {
  formatCount,
  formatDateTime,
  formatProtocol,
  UNKNOWN,
  type Session,
} from '../../src/model/session.js';

/** The columns of the session grid, in order. Header text is part of the accessible contract. */
export const COLUMNS = [
  'Client ID',
  'Username',
  'Connected at',
  'IP address',
  'Protocol',
  'Subscriptions',
] as const;

/** What a row needs besides its session. */
export interface RowState {
  /** Key of the session whose details are open. */
  selectedKey: string | undefined;
  /** Key of the row that holds the grid's single tab stop. */
  activeKey: string | undefined;
}

/**
 * One grid row. Kept apart from the element so later work can tune it: it must stay cheap
 * (no closures per row; the grid handles clicks and keys by delegation through `data-index`).
 * Every broker string is rendered as text inside `<bdi>`, so markup never runs and
 * right-to-left overrides cannot flip the rest of the row.
 */
export function renderSessionRow(session: Session, index: number, state: RowState): TemplateResult {
  const selected = session.key === state.selectedKey;
  return html`<div
    role="row"
    part="row"
    class="row"
    aria-rowindex=${index + 2}
    aria-selected=${selected ? 'true' : 'false'}
    tabindex=${session.key === state.activeKey ? 0 : -1}
    data-index=${index}
  >
    <div role="gridcell" part="cell" class="cell" title=${session.clientId}>
      <bdi>${session.clientId}</bdi>
    </div>
    <div role="gridcell" part="cell" class="cell" title=${session.username ?? nothing}>
      <bdi>${session.displayUsername ?? UNKNOWN}</bdi>
    </div>
    <div role="gridcell" part="cell" class="cell">${formatDateTime(session.connectedAt)}</div>
    <div role="gridcell" part="cell" class="cell">${session.ip ?? UNKNOWN}</div>
    <div role="gridcell" part="cell" class="cell">${formatProtocol(session)}</div>
    <div role="gridcell" part="cell" class="cell numeric">
      ${formatCount(session.subscriptions)}
    </div>
  </div>`;
}
