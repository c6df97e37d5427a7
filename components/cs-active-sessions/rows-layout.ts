/**
 * The table's layout: the virtualizer's flow layout, told what it would otherwise learn a frame
 * late. Its stock first guess is 100 px per item, so it renders a few rows, measures them, and
 * renders the rest of the screen in a second pass; rows are no shorter than `--cs-row-height`'s
 * smallest default (28 px, `density="compact"`), so this guess renders at least a screenful in
 * the first pass. It also keeps fewer rows beyond the viewport (stock: 1,000 px each side, about
 * 30 rows at 36 px), and measures one row per pass instead of each (`measureRow`): every row
 * rendered is restyled, laid out and measured again on every keystroke of a search.
 */
import { FlowLayout } from '@lit-labs/virtualizer/layouts/flow.js';

/** The first guess of a row's height, in px: the smallest default row. */
export const ROW_HEIGHT_GUESS = 28;
/** Rows rendered beyond each edge of the viewport, in px. */
export const ROWS_OVERHANG = 400;

/** A row's height as measured in the current measuring pass of a virtualizer. */
const passHeights = new WeakMap<object, number>();

/**
 * How the virtualizer measures a row: every row has the same fixed height (`--cs-row-height`),
 * so one row is measured per pass (one forced layout) and the rest take its height, instead of a
 * bounding box and a computed style for each row. Rows have no margins. Called with the
 * virtualizer as `this`; a pass is one synchronous loop, so the height is forgotten at the next
 * microtask.
 */
function measureRow(this: object, row: Element) {
  let height = passHeights.get(this);
  if (height === undefined) {
    height = row.getBoundingClientRect().height;
    passHeights.set(this, height);
    queueMicrotask(() => passHeights.delete(this));
  }
  return { width: 0, height, marginTop: 0, marginRight: 0, marginBottom: 0, marginLeft: 0 };
}

export class RowsLayout extends FlowLayout {
  constructor(...args: ConstructorParameters<typeof FlowLayout>) {
    super(...args);
    this._itemSize = { width: 100, height: ROW_HEIGHT_GUESS };
    this._overhang = ROWS_OVERHANG;
  }

  // @ts-expect-error -- the virtualizer's Layout interface takes a function here
  // (`MeasureChildFunction`); FlowLayout types its own getter as a boolean.
  override get measureChildren() {
    return measureRow;
  }
}

/**
 * The layout the table's virtualizer is given, rather than left to it: it would import its default
 * layout when first connected, and rows that arrived before that import had loaded would wait for
 * it and a frame more. One object, so no update reconfigures it.
 */
export const ROWS_LAYOUT = { type: RowsLayout, direction: 'vertical' } as const;
