import { css } from 'lit';

/**
 * A row's height by density and the list's height, in px, as the element's style sets them (a
 * page may set others). The table renders its first rows for these before it has measured any.
 */
export const ROW_HEIGHT = { comfortable: 36, compact: 28 } as const;
export const TABLE_HEIGHT = 420;

/** The dark theme's colours: forced by `theme="dark"`, or followed from the system. */
const darkPalette = css`
  --cs-color-text: #e7eaf0;
  --cs-color-muted: #a8b0bf;
  --cs-color-background: #14181f;
  --cs-color-surface: #1e242e;
  --cs-color-border: #3a4352;
  --cs-color-control-border: #6b7587;
  --cs-color-accent: #8ab4ff;
  --cs-color-on-accent: #14181f;
  --cs-color-selected: #243b5e;
  --cs-color-danger: #ff9a90;
  --cs-color-on-danger: #14181f;
  --cs-color-warning-bg: #3b2c12;
  --cs-color-warning-text: #ffd58f;
  --cs-color-ok: #6fd38f;
  --cs-color-warning: #f2b85b;
  --cs-color-switch-thumb: #e7eaf0;
  --cs-shadow: 0 4px 12px rgb(0 0 0 / 50%);

  color-scheme: dark;
`;

export const styles = css`
  /* Design tokens. Every colour, font, spacing, radius and size the element uses is one of
     these custom properties; a page overrides them on the element (the page's rules win over
     these defaults). Light values first; the dark ones follow. */
  :host {
    --cs-font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --cs-font-family-mono: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    --cs-font-size: 14px;
    --cs-font-size-small: 0.85em;
    --cs-font-size-heading: 1.1em;
    --cs-font-weight-strong: 600;
    --cs-line-height: 1.4;
    --cs-color-text: #1d2330;
    --cs-color-muted: #535c6e;
    --cs-color-background: #ffffff;
    --cs-color-surface: #f3f5f8;
    --cs-color-border: #d9dee7;
    --cs-color-control-border: #8a93a3;
    --cs-color-accent: #1f5fbf;
    --cs-color-on-accent: #ffffff;
    --cs-color-selected: #e3edfb;
    --cs-color-danger: #b42318;
    --cs-color-on-danger: #ffffff;
    --cs-color-warning-bg: #fff4e5;
    --cs-color-warning-text: #7a4a00;
    --cs-color-ok: #1b6e37;
    --cs-color-warning: #8f5600;
    --cs-color-switch-thumb: #ffffff;
    --cs-shadow: 0 4px 12px rgb(0 0 0 / 12%);
    --cs-focus-color: var(--cs-color-accent);
    --cs-focus-width: 2px;
    --cs-focus-offset: 1px;
    --cs-radius: 6px;
    --cs-radius-pill: 999px;
    --cs-spacing: 8px;
    --cs-spacing-small: calc(var(--cs-spacing) / 2);
    --cs-control-padding-block: calc(var(--cs-spacing) * 0.75);
    --cs-control-padding-inline: calc(var(--cs-spacing) * 1.5);
    --cs-row-height: ${ROW_HEIGHT.comfortable}px;
    --cs-table-height: ${TABLE_HEIGHT}px;

    display: block;
    color-scheme: light;
    font-family: var(--cs-font-family);
    font-size: var(--cs-font-size);
    line-height: var(--cs-line-height);
    color: var(--cs-color-text);
    background: var(--cs-color-background);
  }

  /* Dark: forced by theme="dark", or followed from the system while the theme is unset. */
  :host([theme='dark']) {
    ${darkPalette}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light']):not([theme='dark'])) {
      ${darkPalette}
    }
  }

  /* Compact density (not the compact popup layout): shorter rows, tighter spacing, smaller type. */
  :host([density='compact']) {
    --cs-font-size: 13px;
    --cs-spacing: 5px;
    --cs-row-height: ${ROW_HEIGHT.compact}px;
  }

  * {
    box-sizing: border-box;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }

  .toolbar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--cs-spacing);
    padding: var(--cs-spacing) 0;
  }

  input[type='search'] {
    flex: 1 1 16rem;
    min-width: min(10rem, 100%);
    padding: var(--cs-control-padding-block) var(--cs-control-padding-inline);
    font: inherit;
    border: 1px solid var(--cs-color-control-border);
    border-radius: var(--cs-radius);
    color: var(--cs-color-text);
    background: var(--cs-color-background);
  }
  ::placeholder {
    color: var(--cs-color-muted);
    opacity: 1;
  }

  button {
    font: inherit;
    padding: var(--cs-control-padding-block) var(--cs-control-padding-inline);
    border-radius: var(--cs-radius);
    border: 1px solid var(--cs-color-control-border);
    background: var(--cs-color-surface);
    color: var(--cs-color-text);
    cursor: pointer;
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  button.danger {
    background: var(--cs-color-danger);
    border-color: var(--cs-color-danger);
    color: var(--cs-color-on-danger);
  }
  /* Every focusable thing (buttons, inputs, selects, menu items, the grid's rows) shows where
     the keyboard is. */
  :focus-visible {
    outline: var(--cs-focus-width) solid var(--cs-focus-color);
    outline-offset: var(--cs-focus-offset);
  }

  .switch {
    display: inline-flex;
    align-items: center;
    gap: var(--cs-spacing-small);
  }
  .switch .track {
    width: 28px;
    height: 16px;
    border-radius: var(--cs-radius-pill);
    background: var(--cs-color-control-border);
    position: relative;
  }
  .switch .track::after {
    content: '';
    position: absolute;
    top: 2px;
    inset-inline-start: 2px;
    width: 12px;
    height: 12px;
    border-radius: 50%;
    background: var(--cs-color-switch-thumb);
    transition: inset-inline-start 0.1s;
  }
  .switch[aria-checked='true'] .track {
    background: var(--cs-color-accent);
  }
  .switch[aria-checked='true'] .track::after {
    inset-inline-start: 14px;
    background: var(--cs-color-on-accent);
  }

  .status {
    display: flex;
    gap: var(--cs-spacing);
    flex-wrap: wrap;
    color: var(--cs-color-muted);
    margin-inline-start: auto;
  }
  .status .count {
    color: var(--cs-color-text);
    font-weight: var(--cs-font-weight-strong);
  }

  .banner {
    padding: var(--cs-spacing);
    margin-bottom: var(--cs-spacing);
    border-radius: var(--cs-radius);
    background: var(--cs-color-warning-bg);
    color: var(--cs-color-warning-text);
  }
  .banner.error {
    color: var(--cs-color-danger);
  }

  /* Narrower than its columns (a phone, 200 % zoom), the table scrolls sideways inside its
     frame, header and rows together, and never widens the page. */
  .grid {
    /* One track as wide as the frame or as the header row's columns at their minimum widths,
       whichever is wider; the list of rows (size-contained) takes the same. */
    display: grid;
    grid-template-columns: minmax(min-content, 1fr);
    border: 1px solid var(--cs-color-border);
    border-radius: var(--cs-radius);
    overflow-x: auto;
    overflow-y: hidden;
  }
  .grid.stale .row {
    opacity: 0.7;
  }
  .row {
    display: grid;
    grid-template-columns: var(--cs-columns);
    width: 100%;
    /* A fixed height: which rows are in view is worked out from it (row-window.ts). */
    height: var(--cs-row-height);
    align-items: center;
    border-bottom: 1px solid var(--cs-color-border);
    cursor: pointer;
  }
  .row:focus-visible {
    /* Inside the row: the scrolling list would clip an outline drawn outside it. */
    outline-offset: calc(-1 * var(--cs-focus-width));
  }
  .row[aria-current='true'],
  .row[aria-selected='true'] {
    background: var(--cs-color-selected);
  }
  .row:hover {
    background: var(--cs-color-surface);
  }
  .header-row {
    cursor: default;
    background: var(--cs-color-surface);
    font-weight: var(--cs-font-weight-strong);
  }
  .cell {
    padding-block: 0;
    padding-inline: var(--cs-spacing);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  /* Numbers line up at the end of their column, in either direction. */
  .numeric {
    text-align: end;
    font-variant-numeric: tabular-nums;
  }
  /* The scrolling list of rows. Size-contained: its rows do not widen the grid's track. Scroll
     anchoring off: the rendered rows move as they scroll, and the browser would scroll again to
     keep a row in place. */
  .rows {
    display: block;
    position: relative;
    height: var(--cs-table-height);
    width: 100%;
    overflow: auto;
    overflow-anchor: none;
    contain: size layout;
  }
  .rows.empty {
    height: 0;
    overflow: hidden;
  }
  /* As tall as all the rows (at most 10 million px), clipping the rendered ones to that: in a
     list scrolled in proportion, they may start above it or end below it. */
  .rows-sizer {
    overflow: clip;
  }
  .message {
    padding: calc(var(--cs-spacing) * 2);
    color: var(--cs-color-muted);
  }

  /* The compact layout (an extension popup): a summary line, the search, the list; details
     cover the list instead of following it. */
  :host([layout='compact']) .root {
    position: relative;
  }
  .loading,
  .hydration {
    color: var(--cs-color-muted);
  }
  .mode {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--cs-spacing);
    padding: var(--cs-spacing-small) 0;
    font-size: var(--cs-font-size-small);
  }
  .search-note {
    flex-basis: 100%;
    order: 1;
    font-size: var(--cs-font-size-small);
    color: var(--cs-color-muted);
  }
  .summary {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: var(--cs-spacing);
  }
  :host([layout='compact']) .toolbar {
    flex-wrap: nowrap;
  }
  :host([layout='compact']) input[type='search'] {
    min-width: 0;
  }
  :host([layout='compact']) .details {
    position: absolute;
    inset: 0;
    margin: 0;
    overflow: auto;
    background: var(--cs-color-background);
    z-index: 1;
  }

  .details {
    margin-top: var(--cs-spacing);
    padding: var(--cs-spacing) calc(var(--cs-spacing) * 2);
    border: 1px solid var(--cs-color-border);
    border-radius: var(--cs-radius);
  }
  .details-header {
    gap: var(--cs-spacing);
    display: flex;
    align-items: center;
    justify-content: space-between;
  }
  .details h2 {
    font-size: var(--cs-font-size-heading);
    margin: var(--cs-spacing) 0;
  }
  .details h3 {
    font-size: 1em;
    margin: calc(var(--cs-spacing) * 1.5) 0 var(--cs-spacing);
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: var(--cs-spacing-small) calc(var(--cs-spacing) * 2);
    margin: 0;
  }
  dt {
    color: var(--cs-color-muted);
  }
  dd {
    margin: 0;
    min-width: 0;
  }
  .full {
    overflow-wrap: anywhere;
    white-space: pre-wrap;
  }
  .subscriptions {
    margin: 0;
    padding-inline-start: 1.2em;
  }
  code {
    font-family: var(--cs-font-family-mono);
  }
  .subscriptions code {
    overflow-wrap: anywhere;
  }
  .muted {
    color: var(--cs-color-muted);
  }
  .error-text {
    color: var(--cs-color-danger);
  }
  .notice {
    background: var(--cs-color-warning-bg);
    color: var(--cs-color-warning-text);
    padding: var(--cs-spacing);
    border-radius: var(--cs-radius);
  }
  .details-actions {
    margin: calc(var(--cs-spacing) * 2) 0 var(--cs-spacing);
  }

  dialog {
    max-width: min(32rem, calc(100vw - 2 * var(--cs-spacing)));
    border: 1px solid var(--cs-color-border);
    border-radius: var(--cs-radius);
    color: var(--cs-color-text);
    background: var(--cs-color-background);
  }
  dialog h2 {
    font-size: var(--cs-font-size-heading);
    margin-top: 0;
  }
  dialog .actions {
    display: flex;
    justify-content: flex-end;
    gap: var(--cs-spacing);
  }

  .check {
    text-align: center;
  }
  .check input {
    margin: 0;
  }
  button.sort {
    all: unset;
    cursor: pointer;
    font-weight: var(--cs-font-weight-strong);
  }
  button.sort:focus-visible {
    outline: var(--cs-focus-width) solid var(--cs-focus-color);
    outline-offset: var(--cs-focus-offset);
  }
  button.link {
    border: none;
    background: none;
    color: var(--cs-color-accent);
    text-decoration: underline;
    padding: 2px var(--cs-spacing-small);
  }
  button.secondary-danger {
    background: var(--cs-color-background);
    color: var(--cs-color-danger);
    margin-inline-start: var(--cs-spacing);
  }

  .filters,
  .selection-bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--cs-spacing);
    padding-bottom: var(--cs-spacing);
  }
  select,
  .ip-input,
  dialog input {
    font: inherit;
    max-width: 100%;
    padding: calc(var(--cs-control-padding-block) - 1px) var(--cs-spacing);
    border: 1px solid var(--cs-color-control-border);
    border-radius: var(--cs-radius);
    background: var(--cs-color-background);
    color: var(--cs-color-text);
  }
  .ip-input[aria-invalid='true'] {
    border-color: var(--cs-color-danger);
  }
  .chips {
    display: flex;
    flex-wrap: wrap;
    gap: var(--cs-spacing-small);
    list-style: none;
    margin: 0 0 var(--cs-spacing);
    padding: 0;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: var(--cs-spacing-small);
    padding-block: 2px;
    padding-inline: calc(var(--cs-spacing) * 1.25) var(--cs-spacing-small);
    border-radius: var(--cs-radius-pill);
    background: var(--cs-color-selected);
  }
  .chip-remove {
    border: none;
    background: none;
    padding: 0 var(--cs-spacing-small);
    line-height: 1;
  }

  .plan {
    display: inline-flex;
    align-items: center;
    gap: var(--cs-spacing-small);
  }
  .plan-bar {
    width: 80px;
    height: 8px;
    border-radius: var(--cs-radius-pill);
    background: var(--cs-color-border);
    overflow: hidden;
  }
  .plan-fill {
    display: block;
    height: 100%;
    background: var(--cs-color-ok);
  }
  .plan.warning .plan-fill {
    background: var(--cs-color-warning);
  }
  .plan.warning .plan-text {
    color: var(--cs-color-warning);
  }
  .plan.error .plan-fill {
    background: var(--cs-color-danger);
  }
  .plan.error .plan-text {
    color: var(--cs-color-danger);
    font-weight: var(--cs-font-weight-strong);
  }

  .progress {
    height: 10px;
    border-radius: var(--cs-radius-pill);
    background: var(--cs-color-border);
    overflow: hidden;
  }
  .progress-fill {
    display: block;
    height: 100%;
    background: var(--cs-color-accent);
  }
  .results {
    max-height: 12rem;
    overflow: auto;
    padding-inline-start: 1.2em;
  }
  .results .failed {
    color: var(--cs-color-danger);
  }
  .targets {
    padding-inline-start: 1.2em;
    overflow-wrap: anywhere;
  }
  .field {
    display: flex;
    align-items: center;
    gap: var(--cs-spacing);
    margin-bottom: var(--cs-spacing);
  }

  .flag {
    display: inline-block;
    margin-inline-start: var(--cs-spacing-small);
    padding: 0 var(--cs-spacing-small);
    border-radius: var(--cs-radius-pill);
    font-size: var(--cs-font-size-small);
    background: var(--cs-color-warning-bg);
    color: var(--cs-color-warning-text);
  }
  button.toggle[aria-pressed='true'] {
    background: var(--cs-color-selected);
    border-color: var(--cs-color-accent);
  }
  .live {
    padding: 0 var(--cs-spacing-small);
    border-radius: var(--cs-radius);
  }
  .live.live {
    color: var(--cs-color-ok);
  }
  .live.down {
    color: var(--cs-color-danger);
  }
  .health-notes .warn {
    color: var(--cs-color-warning-text);
  }

  .menu-anchor {
    position: relative;
  }
  .menu {
    position: absolute;
    z-index: 2;
    top: calc(100% + var(--cs-spacing-small));
    inset-inline-start: 0;
    display: flex;
    flex-direction: column;
    min-width: 9rem;
    padding: var(--cs-spacing-small);
    border: 1px solid var(--cs-color-border);
    border-radius: var(--cs-radius);
    background: var(--cs-color-background);
    box-shadow: var(--cs-shadow);
  }
  .menu [role^='menuitem'] {
    text-align: start;
    border: none;
    background: none;
  }
  .menu [role='menuitemcheckbox']::before {
    content: '☐ ';
  }
  .menu [role='menuitemcheckbox'][aria-checked='true']::before {
    content: '☑ ';
  }
  .menu [role^='menuitem']:hover,
  .menu [role^='menuitem']:focus-visible {
    background: var(--cs-color-selected);
  }
  .trend {
    display: inline-flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--cs-spacing-small);
    color: var(--cs-color-accent);
  }
  .trend-label {
    color: var(--cs-color-muted);
  }
  button.small {
    padding: 2px var(--cs-spacing-small);
    font-size: var(--cs-font-size-small);
  }
  .export-progress {
    display: flex;
    align-items: center;
    gap: var(--cs-spacing);
    margin-bottom: var(--cs-spacing);
  }
  .export-progress .progress {
    flex: 1;
  }
  .panel {
    margin-top: var(--cs-spacing);
    padding: var(--cs-spacing) calc(var(--cs-spacing) * 2);
    border: 1px solid var(--cs-color-border);
    border-radius: var(--cs-radius);
  }
  .audit {
    padding-inline-start: 1.2em;
    overflow-wrap: anywhere;
  }

  .badge {
    display: inline-block;
    min-width: 1.4em;
    padding: 0 var(--cs-spacing-small);
    border-radius: var(--cs-radius-pill);
    background: var(--cs-color-danger);
    color: var(--cs-color-on-danger);
    font-size: var(--cs-font-size-small);
    text-align: center;
  }
  .alerts,
  .rules {
    padding-inline-start: 1.2em;
    overflow-wrap: anywhere;
  }
  .alerts .acknowledged {
    color: var(--cs-color-muted);
  }
  .rule-form {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: var(--cs-spacing);
  }
  .rule-form .field {
    flex-direction: column;
    align-items: flex-start;
    gap: calc(var(--cs-spacing-small) / 2);
  }
`;
