import { html, nothing, type TemplateResult } from 'lit';
import type { SortColumn } from '../../src/model/query.js';
import { formatProtocol, UNKNOWN, type Session } from '../../src/model/session.js';
import { EN_TEXTS, type Texts } from './strings.js';

/** A column of the session grid. Header names are part of the accessible contract. */
export interface Column {
  id: SortColumn;
  name: string;
  /** Its `grid-template-columns` track. */
  width: string;
  numeric?: boolean;
}

export const COLUMNS: readonly Column[] = [
  { id: 'clientId', name: 'Client ID', width: 'minmax(12rem, 2fr)' },
  { id: 'username', name: 'Username', width: 'minmax(8rem, 1.2fr)' },
  { id: 'connectedAt', name: 'Connected at', width: '11rem' },
  { id: 'ip', name: 'IP address', width: '8.5rem' },
  { id: 'protocol', name: 'Protocol', width: '9rem' },
  { id: 'subscriptions', name: 'Subscriptions', width: '8.5rem', numeric: true },
];

/** The columns of the compact layout (a popup is about 400 px wide). */
export const COMPACT_COLUMNS: readonly Column[] = [
  { ...COLUMNS[0]!, width: 'minmax(7rem, 1.6fr)' },
  { ...COLUMNS[1]!, width: 'minmax(5rem, 1fr)' },
  { ...COLUMNS[4]!, width: '5.5rem' },
];

/** Shown after the client ID when all workspaces are listed together. */
export const WORKSPACE_COLUMN: Column = {
  id: 'workspace',
  name: 'Workspace',
  width: 'minmax(7rem, 1fr)',
};

/** `grid-template-columns` for the columns on screen, after the checkbox (when rows select). */
export function gridColumns(columns: readonly Column[], selectable = true): string {
  return [...(selectable ? ['2.5rem'] : []), ...columns.map((c) => c.width)].join(' ');
}

/** What a row needs besides its session. */
export interface RowState {
  /** The columns on screen, in order. */
  columns: readonly Column[];
  /** Key of the session whose details are open. */
  selectedKey: string | undefined;
  /** Rows before this page (server mode), for `aria-rowindex`. */
  rowOffset?: number;
  /** Key of the row that holds the grid's single tab stop. */
  activeKey: string | undefined;
  /** Whether the row's checkbox is ticked. */
  isChecked(key: string): boolean;
  /**
   * Whether rows can be selected (default true). Selection serves only bulk disconnect: a
   * read-only element has no checkboxes and no `aria-selected`.
   */
  selectable?: boolean;
  /** Whether this row may be selected (its source may act); every row when absent. */
  canSelect?: (session: Session) => boolean;
  /** Short health markers (`stuck`, `duplicate`...). */
  flagsOf(session: Session): string[];
  /** The label of a workspace, for the workspace column. */
  workspaceLabel(id: string | undefined): string;
  /** Strings and number and date formatting (default: English in the browser's locale). */
  texts?: Texts;
}

/**
 * The row's key as an attribute value (keys hold NUL separators): `%`, controls and surrogates
 * as `%xxxx`. Not `encodeURIComponent`, which throws on a lone surrogate (a broker's answer may
 * hold one), and would break the whole render.
 */
export const keyAttribute = (key: string) =>
  key.replace(
    // eslint-disable-next-line no-control-regex -- controls are what this encodes
    /[%\u0000-\u001f\ud800-\udfff]/g,
    (c) => `%${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );

/** The key back from `keyAttribute`. */
export const keyFromAttribute = (value: string) =>
  value.replace(/%([0-9a-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));

function cell(column: Column, s: Session, state: RowState): TemplateResult {
  const t = state.texts ?? EN_TEXTS;
  // Details still on their way (a broker that lists IDs first): say so instead of a dash.
  if (s.pending && column.id !== 'clientId' && column.id !== 'workspace') {
    return html`<div role="gridcell" part="cell" class="cell loading">${t.s.loadingCell}</div>`;
  }
  switch (column.id) {
    case 'clientId':
      return html`<div role="gridcell" part="cell" class="cell" title=${s.clientId}>
        <bdi>${s.clientId}</bdi>${state
          .flagsOf(s)
          .map((f) => html` <span class="flag" part="flag">${f}</span>`)}
      </div>`;
    case 'workspace':
      return html`<div role="gridcell" part="cell" class="cell">
        ${state.workspaceLabel(s.workspace)}
      </div>`;
    case 'username':
      return html`<div role="gridcell" part="cell" class="cell" title=${s.username ?? nothing}>
        <bdi>${s.displayUsername ?? UNKNOWN}</bdi>
      </div>`;
    case 'connectedAt':
      return html`<div role="gridcell" part="cell" class="cell">${t.dateTime(s.connectedAt)}</div>`;
    case 'ip':
      return html`<div role="gridcell" part="cell" class="cell">${s.ip ?? UNKNOWN}</div>`;
    case 'protocol':
      return html`<div role="gridcell" part="cell" class="cell">${formatProtocol(s)}</div>`;
    case 'subscriptions':
      return html`<div role="gridcell" part="cell" class="cell numeric">
        ${t.count(s.subscriptions)}
      </div>`;
  }
}

/**
 * One grid row. Kept apart from the element so later work can tune it: it must stay cheap
 * (no closures per row; the grid handles clicks and keys by delegation through `data-key`).
 * Every broker string is rendered as text inside `<bdi>`, so markup never runs and
 * right-to-left overrides cannot flip the rest of the row.
 */
export function renderSessionRow(session: Session, index: number, state: RowState): TemplateResult {
  const selectable = state.selectable !== false;
  // The column is there for every row; the checkbox only where this row's source may act.
  const own = selectable && (state.canSelect?.(session) ?? true);
  const checked = own && state.isChecked(session.key);
  return html`<div
    role="row"
    part="row"
    class="row"
    aria-rowindex=${index + 2 + (state.rowOffset ?? 0)}
    aria-selected=${own ? (checked ? 'true' : 'false') : nothing}
    aria-current=${session.key === state.selectedKey ? 'true' : nothing}
    tabindex=${session.key === state.activeKey ? 0 : -1}
    data-key=${keyAttribute(session.key)}
    data-index=${index}
  >
    ${
      own
        ? html`<div role="gridcell" part="cell" class="cell check">
            <input
              type="checkbox"
              tabindex="-1"
              aria-label=${(state.texts ?? EN_TEXTS).s.selectRow(session.clientId)}
              .checked=${checked}
            />
          </div>`
        : selectable
          ? html`<div role="gridcell" part="cell" class="cell check"></div>`
          : nothing
    }
    ${state.columns.map((c) => cell(c, session, state))}
  </div>`;
}
