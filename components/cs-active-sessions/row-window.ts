/**
 * The window of rows the table renders: those in its scrolling list's viewport and a few beyond
 * each edge, out of however many sessions are listed.
 *
 * Every row has the same height (`--cs-row-height`), so which rows are in view is arithmetic on
 * the list's scroll position: nothing is measured per row. The rows are rendered in the same
 * update as the rest of the element, not a frame later, and a keystroke, a refresh or a scroll
 * restyles and lays out only the rows that changed. The list's height and a row's height are read
 * from ResizeObservers, which report after layout and before paint without forcing one (a changed
 * density or zoom, a resized list).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { inBackground } from './background-work.js';

/** The first guess of a row's height, in px: the smallest default row (`density="compact"`). */
export const ROW_HEIGHT_GUESS = 28;
/**
 * Rows rendered beyond each edge of the viewport, in px, for scrolling. Rows the user has not
 * seen yet (the first rows, those of a new search, sort or filter, those a scroll jumped to) are
 * rendered without them, only the rows in view; they follow after that frame is painted.
 */
export const ROWS_OVERHANG = 400;

/**
 * The tallest the list's content is made, in px: browsers lay out nothing much taller (about
 * 17.9 million px in Firefox, 33.5 million in Chromium). A list whose rows would be taller
 * scrolls through them in proportion: the scroll bar's whole travel still covers every row.
 */
export const MAX_HEIGHT = 10_000_000;

/** What the list renders: rows `first` to `end` (not included), `top` px down its content. */
export interface RowLayout {
  first: number;
  end: number;
  /** The height of the list's content, in px. */
  height: number;
  /**
   * Where row `first` is, in px from the top of the list's content: below 0 when rows scrolled
   * through in proportion start above it (they are out of view).
   */
  top: number;
}

export class RowWindow implements ReactiveController {
  /** A row's height in px, once one has been laid out. */
  rowHeight = ROW_HEIGHT_GUESS;
  #host: ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment };
  #selector: string;
  #rowSelector: string;
  #onVisible: (first: number, last: number) => void;
  /** The list's height: as expected (see the constructor) until it has been laid out. */
  #viewportHeight = typeof innerHeight === 'number' && innerHeight > 0 ? innerHeight : 1000;
  /** The heights a row and the list are expected to have, before either is laid out. */
  #expected: (() => { rowHeight?: number; listHeight?: number }) | undefined;
  #scrollTop = 0;
  #count = 0;
  /** Px of rows rendered beyond each edge now: none for rows not yet seen until they are painted. */
  #overhang = 0;
  /** What the user asked to see, as last laid out (see `layout`). */
  #view: readonly unknown[] = [];
  /** Cancels bringing the rows beyond the edges back (see `#withoutOverhang`). */
  #cancelOverhang: (() => void) | undefined;
  #rendered: RowLayout = { first: 0, end: 0, height: 0, top: 0 };
  #visible = { first: 0, last: -1 };
  #list: HTMLElement | undefined;
  #row: Element | undefined;
  #observer: ResizeObserver | undefined;

  /**
   * `selector` finds the scrolling list in the host's render root, and `rowSelector` its first
   * row; `onVisible` is told which rows are in view when that changes. `expected` gives the
   * heights a row and the list are styled to have: the first rows are rendered as many as fill
   * the list, not corrected (and laid out again) once measured, unless the page styled others.
   */
  constructor(
    host: ReactiveControllerHost & { renderRoot: HTMLElement | DocumentFragment },
    selector: string,
    rowSelector: string,
    onVisible: (first: number, last: number) => void,
    expected?: () => { rowHeight?: number; listHeight?: number },
  ) {
    this.#host = host;
    this.#expected = expected;
    this.#selector = selector;
    this.#rowSelector = rowSelector;
    this.#onVisible = onVisible;
    host.addController(this);
  }

  /**
   * The rows to render out of `count`: those in view and `ROWS_OVERHANG` px beyond each edge.
   * The first rows, and the rows of a new `view` (values that change when the user searches,
   * sorts or filters; compared one by one), are only those in view: the rest come in an update of their own after
   * that frame, so a keystroke paints its rows without waiting for rows out of sight. A refresh
   * or a live event keeps the view: its rows stay as they are, and so does a row with focus.
   */
  layout(count: number, view: readonly unknown[] = []): RowLayout {
    const newView = view.length !== this.#view.length || view.some((v, i) => v !== this.#view[i]);
    if ((newView || (this.#count === 0 && count > 0)) && !this.#focusInList()) {
      this.#withoutOverhang();
    }
    this.#view = view;
    if (count > 0 && this.#expected !== undefined) {
      // The first rows: the heights expected, until they are measured.
      const { rowHeight, listHeight } = this.#expected();
      this.#expected = undefined;
      if (rowHeight !== undefined && rowHeight > 0) this.rowHeight = rowHeight;
      if (listHeight !== undefined && listHeight > 0) this.#viewportHeight = listHeight;
    }
    this.#count = count;
    this.#rendered = this.#rowsAt(this.#scrollTop, count, this.#overhang);
    return this.#rendered;
  }

  /**
   * For `count` rows with the list scrolled to `scrollTop`: the content's height, how many px of
   * rows a px of scrolling passes (`scale`: 1 unless the rows are taller than `MAX_HEIGHT`), the
   * scroll position (`top`: a list made shorter, by a search, is scrolled back by the browser a
   * frame later, and the rows there are rendered now) and how far down the rows it is (`at`).
   */
  #position(scrollTop: number, count: number) {
    const full = count * this.rowHeight;
    const height = Math.min(full, MAX_HEIGHT);
    const max = Math.max(0, height - this.#viewportHeight);
    const scale = max > 0 ? Math.max(0, full - this.#viewportHeight) / max : 1;
    const top = Math.min(scrollTop, max);
    return { height, scale, top, at: top * scale };
  }

  /** The rows in view at `scrollTop` and `overhang` px of them beyond each edge. */
  #rowsAt(scrollTop: number, count: number, overhang: number): RowLayout {
    const h = this.rowHeight;
    const { height, top, at } = this.#position(scrollTop, count);
    const end = Math.min(count, Math.ceil((at + this.#viewportHeight + overhang) / h));
    const first = Math.min(end, Math.max(0, Math.floor((at - overhang) / h)));
    // Row i is (i * h - at) px below the viewport's top, itself `top` px down the content.
    return { first, end, height, top: top + first * h - at };
  }

  /** Renders only the rows in view until the frame with them is painted. */
  #withoutOverhang(): void {
    this.#cancelOverhang?.();
    this.#overhang = 0;
    this.#cancelOverhang = inBackground(() => {
      this.#cancelOverhang = undefined;
      this.#withOverhang();
      this.#host.requestUpdate();
      return true;
    });
  }

  /** Whether focus is in the list (a row, its checkbox): its row must not leave the DOM. */
  #focusInList(): boolean {
    const root = this.#host.renderRoot as ShadowRoot | HTMLElement;
    const active = 'activeElement' in root ? root.activeElement : document.activeElement;
    return active != null && this.#list?.contains(active) === true;
  }

  #withOverhang(): void {
    this.#cancelOverhang?.();
    this.#cancelOverhang = undefined;
    this.#overhang = ROWS_OVERHANG;
  }

  /** For the list's `scroll` events: renders the rows now in view, if they are not yet. */
  readonly onScroll = (event: Event) => {
    const top = (event.currentTarget as HTMLElement).scrollTop;
    if (top === this.#scrollTop) return;
    this.#scrollTop = top;
    // Scrolled to rows not rendered (a jump: the scroll bar dragged, PageDown in a list
    // scrolled in proportion): those in view first, as for a new list. Otherwise the rows
    // beyond the edges, which the browser scrolls into without waiting for the page.
    const inView = this.#rowsAt(top, this.#count, 0);
    const rendered = this.#rendered;
    if (inView.first >= rendered.first && inView.end <= rendered.end) this.#withOverhang();
    else if (!this.#focusInList()) this.#withoutOverhang();
    const next = this.#rowsAt(top, this.#count, this.#overhang);
    if (next.first !== rendered.first || next.end !== rendered.end || next.top !== rendered.top) {
      this.#host.requestUpdate();
    }
    this.#report();
  };

  /**
   * Scrolls the list as little as needed to bring all of row `index` into view (rounded towards
   * it: a row cut by a pixel would be scrolled again by its `focus()`, and in a list scrolled in
   * proportion that moves the rows `scale` times as far). Whether it scrolled: the rows are
   * placed for the new position by the update after its scroll event, in the next frame.
   */
  scrollIntoView(index: number): boolean {
    const list = this.#list;
    if (!list) return false;
    const before = list.scrollTop;
    const { scale, at } = this.#position(before, this.#count);
    const top = index * this.rowHeight;
    const bottom = top + this.rowHeight;
    if (top < at) list.scrollTop = Math.floor(top / scale);
    else if (bottom > at + list.clientHeight) {
      list.scrollTop = Math.ceil((bottom - list.clientHeight) / scale);
    }
    return list.scrollTop !== before;
  }

  hostConnected(): void {
    this.#observer ??= new ResizeObserver((entries) => this.#resized(entries));
    // Put back in the page: its list is found again, and scrolled back (see `hostUpdated`).
    this.#host.requestUpdate();
  }

  hostDisconnected(): void {
    this.#withOverhang();
    this.#observer?.disconnect();
    this.#observer = undefined;
    this.#list = this.#row = undefined;
  }

  hostUpdated(): void {
    const observer = this.#observer;
    if (!observer) return;
    if (!this.#list?.isConnected) {
      if (this.#list) observer.unobserve(this.#list);
      const list = this.#host.renderRoot.querySelector<HTMLElement>(this.#selector) ?? undefined;
      this.#list = list;
      if (list) {
        observer.observe(list);
        // A new list (the other layout) or the same one put back in the page (which scrolled it
        // to the top): scrolled to where the rows rendered are; the browser says where it
        // stopped with a scroll event. (Not at the top: that would lay the page out now.)
        if (this.#scrollTop !== 0) list.scrollTop = this.#scrollTop;
      }
    }
    // One row is watched for its height: the first rendered, while it stays.
    if (!this.#row?.isConnected) {
      if (this.#row) observer.unobserve(this.#row);
      this.#row = this.#host.renderRoot.querySelector(this.#rowSelector) ?? undefined;
      if (this.#row) observer.observe(this.#row);
    }
    this.#report();
  }

  #resized(entries: ResizeObserverEntry[]): void {
    let changed = false;
    for (const entry of entries) {
      const size = entry.borderBoxSize?.[0];
      if (entry.target === this.#list) {
        const height = entry.contentRect.height;
        if (height > 0 && height !== this.#viewportHeight) {
          this.#viewportHeight = height;
          changed = true;
        }
      } else if (entry.target === this.#row && entry.target.isConnected && size) {
        if (size.blockSize > 0 && size.blockSize !== this.rowHeight) {
          this.rowHeight = size.blockSize;
          changed = true;
        }
      }
    }
    if (changed) this.#host.requestUpdate();
  }

  /** Tells `onVisible` which rows are in view, if that changed (after the update, not in it). */
  #report(): void {
    const h = this.rowHeight;
    const count = this.#count;
    const { at } = this.#position(this.#scrollTop, count);
    // The rows wholly in view (the grid's tab stop goes to the first: focusing a row cut at the
    // edge would scroll the list), or those partly in view if none is whole.
    let first = Math.ceil(at / h);
    let last = Math.floor((at + this.#viewportHeight) / h) - 1;
    if (last < first) {
      first = Math.floor(at / h);
      last = Math.ceil((at + this.#viewportHeight) / h) - 1;
    }
    first = Math.min(first, Math.max(0, count - 1));
    last = Math.min(last, count - 1);
    if (first === this.#visible.first && last === this.#visible.last) return;
    this.#visible = { first, last };
    queueMicrotask(() => this.#onVisible(first, last));
  }
}
