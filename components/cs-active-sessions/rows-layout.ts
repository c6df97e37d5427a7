/**
 * The table's layout: the virtualizer's flow layout, told what it would otherwise learn a frame
 * late. Its stock first guess is 100 px per item, so it renders a few rows, measures them, and
 * renders the rest of the screen in a second pass; rows are never taller than
 * `--cs-row-height`'s smallest default (28 px, `density="compact"`), so this guess renders at
 * least a screenful in the first pass. It also keeps fewer rows beyond the viewport (stock:
 * 1,000 px each side, about 30 rows at 36 px): each row rendered there is restyled, laid out
 * and measured again on every keystroke of a search.
 */
import { FlowLayout } from '@lit-labs/virtualizer/layouts/flow.js';

/** The first guess of a row's height, in px: the smallest default row. */
export const ROW_HEIGHT_GUESS = 28;
/** Rows rendered beyond each edge of the viewport, in px. */
export const ROWS_OVERHANG = 400;

export class RowsLayout extends FlowLayout {
  constructor(...args: ConstructorParameters<typeof FlowLayout>) {
    super(...args);
    this._itemSize = { width: 100, height: ROW_HEIGHT_GUESS };
    this._overhang = ROWS_OVERHANG;
  }
}

/**
 * The layout the table's virtualizer is given, rather than left to it: it would import its default
 * layout when first connected, and rows that arrived before that import had loaded would wait for
 * it and a frame more. One object, so no update reconfigures it.
 */
export const ROWS_LAYOUT = { type: RowsLayout, direction: 'vertical' } as const;
