import { html, nothing, type TemplateResult } from 'lit';
import type { SortColumn } from '../../src/model/query.js';
import {
  formatCount,
  formatDateTime,
  formatProtocol,
  UNKNOWN,
  type Session,
} from '../../src/model/session.js';

/** A column of the session grid. Header names are part of the accessible contract. */
export interface Column {
  id: SortColumn;
  name: string;
  numeric?: boolean;
}

export const COLUMNS: readonly Column[] = [
  { id: 'clientId', name: 'Client ID' },
  { id: 'username', name: 'Username' },
  { id: 'connectedAt', name: 'Connected at' },
  { id: 'ip', name: 'IP address' },
  { id: 'protocol', name: 'Protocol' },
  { id: 'subscriptions', name: 'Subscriptions', numeric: true },
];

/** Shown after the client ID when all workspaces are listed together. */
export const WORKSPACE_COLUMN: Column = { id: 'workspace', name: 'Workspace' };

/** `grid-template-columns` for the columns on screen (the first is the checkbox). */
export function gridColumns(showWorkspace: boolean): string {
  return [
    '2.5rem',
    'minmax(12rem, 2fr)',
    ...(showWorkspace ? ['minmax(7rem, 1fr)'] : []),
    'minmax(8rem, 1.2fr)',
    '11rem',
    '8.5rem',
    '9rem',
    '8.5rem',
  ].join(' ');
}

/** What a row needs besides its session. */
export interface RowState {
  /** Key of the session whose details are open. */
  selectedKey: string | undefined;
  /** Key of the row that holds the grid's single tab stop. */
  activeKey: string | undefined;
  /** Whether the row's checkbox is ticked. */
  isChecked(key: string): boolean;
  /** Short health markers (`stuck`, `duplicate`...). */
  flagsOf(key: string): string[];
  /** Label of the workspace column, or undefined when that column is hidden. */
  workspaceLabel: ((id: string | undefined) => string) | undefined;
}

/** The row's key as an attribute value (keys hold NUL separators). */
export const keyAttribute = (key: string) => encodeURIComponent(key);

/**
 * One grid row. Kept apart from the element so later work can tune it: it must stay cheap
 * (no closures per row; the grid handles clicks and keys by delegation through `data-key`).
 * Every broker string is rendered as text inside `<bdi>`, so markup never runs and
 * right-to-left overrides cannot flip the rest of the row.
 */
export function renderSessionRow(session: Session, index: number, state: RowState): TemplateResult {
  const selected = session.key === state.selectedKey;
  const checked = state.isChecked(session.key);
  return html`<div
    role="row"
    part="row"
    class="row"
    aria-rowindex=${index + 2}
    aria-selected=${checked ? 'true' : 'false'}
    aria-current=${selected ? 'true' : nothing}
    tabindex=${session.key === state.activeKey ? 0 : -1}
    data-key=${keyAttribute(session.key)}
    data-index=${index}
  >
    <div role="gridcell" part="cell" class="cell check">
      <input
        type="checkbox"
        tabindex="-1"
        aria-label=${`Select ${session.clientId}`}
        .checked=${checked}
      />
    </div>
    <div role="gridcell" part="cell" class="cell" title=${session.clientId}>
      <bdi>${session.clientId}</bdi>${state
        .flagsOf(session.key)
        .map((f) => html` <span class="flag" part="flag">${f}</span>`)}
    </div>
    ${
      state.workspaceLabel
        ? html`<div role="gridcell" part="cell" class="cell">
            ${state.workspaceLabel(session.workspace)}
          </div>`
        : nothing
    }
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
