import { css } from 'lit';

export const styles = css`
  :host {
    --cs-font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
    --cs-font-size: 14px;
    --cs-color-text: #1d2330;
    --cs-color-muted: #5b6475;
    --cs-color-background: #ffffff;
    --cs-color-surface: #f5f7fa;
    --cs-color-border: #d9dee7;
    --cs-color-accent: #1f5fbf;
    --cs-color-selected: #e3edfb;
    --cs-color-danger: #b42318;
    --cs-color-warning-bg: #fff4e5;
    --cs-color-warning-text: #7a4a00;
    --cs-radius: 6px;
    --cs-spacing: 8px;
    --cs-row-height: 36px;
    --cs-table-height: 420px;
    --cs-color-ok: #1f7a3d;
    --cs-color-warning: #b26b00;

    display: block;
    font-family: var(--cs-font-family);
    font-size: var(--cs-font-size);
    color: var(--cs-color-text);
    background: var(--cs-color-background);
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
    min-width: 10rem;
    padding: 6px 10px;
    font: inherit;
    border: 1px solid var(--cs-color-border);
    border-radius: var(--cs-radius);
  }

  button {
    font: inherit;
    padding: 6px 12px;
    border-radius: var(--cs-radius);
    border: 1px solid var(--cs-color-border);
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
    color: #fff;
  }
  :focus-visible {
    outline: 2px solid var(--cs-color-accent);
    outline-offset: 1px;
  }

  .switch {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .switch .track {
    width: 28px;
    height: 16px;
    border-radius: 8px;
    background: var(--cs-color-border);
    position: relative;
  }
  .switch .track::after {
    content: '';
    position: absolute;
    top: 2px;
    left: 2px;
    width: 12px;
    height: 12px;
    border-radius: 50%;
    background: #fff;
    transition: left 0.1s;
  }
  .switch[aria-checked='true'] .track {
    background: var(--cs-color-accent);
  }
  .switch[aria-checked='true'] .track::after {
    left: 14px;
  }

  .status {
    display: flex;
    gap: var(--cs-spacing);
    color: var(--cs-color-muted);
    margin-left: auto;
  }
  .status .count {
    color: var(--cs-color-text);
    font-weight: 600;
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

  .grid {
    border: 1px solid var(--cs-color-border);
    border-radius: var(--cs-radius);
    overflow: hidden;
  }
  .grid.stale .row {
    opacity: 0.7;
  }
  .row {
    display: grid;
    grid-template-columns: var(--cs-columns);
    width: 100%;
    /* A fixed height: the virtualizer measures rows, and a row that resized on measuring
       would start a ResizeObserver loop. */
    height: var(--cs-row-height);
    align-items: center;
    border-bottom: 1px solid var(--cs-color-border);
    cursor: pointer;
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
    font-weight: 600;
  }
  .cell {
    padding: 0 var(--cs-spacing);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .numeric {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  lit-virtualizer {
    height: var(--cs-table-height);
    width: 100%;
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
    padding: calc(var(--cs-spacing) / 2) 0;
    font-size: 0.9em;
  }
  .search-note {
    flex-basis: 100%;
    order: 1;
    font-size: 0.85em;
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
    display: flex;
    align-items: center;
    justify-content: space-between;
  }
  .details h2 {
    font-size: 1.1em;
    margin: var(--cs-spacing) 0;
  }
  .details h3 {
    font-size: 1em;
    margin: calc(var(--cs-spacing) * 1.5) 0 var(--cs-spacing);
  }
  dl {
    display: grid;
    grid-template-columns: max-content 1fr;
    gap: 4px calc(var(--cs-spacing) * 2);
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
    padding-left: 1.2em;
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
    max-width: 32rem;
    border: 1px solid var(--cs-color-border);
    border-radius: var(--cs-radius);
    color: var(--cs-color-text);
    background: var(--cs-color-background);
  }
  dialog h2 {
    font-size: 1.1em;
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
    font-weight: 600;
  }
  button.sort:focus-visible {
    outline: 2px solid var(--cs-color-accent);
  }
  button.link {
    border: none;
    background: none;
    color: var(--cs-color-accent);
    text-decoration: underline;
    padding: 2px 4px;
  }
  button.secondary-danger {
    background: var(--cs-color-background);
    color: var(--cs-color-danger);
    margin-left: var(--cs-spacing);
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
    padding: 5px 8px;
    border: 1px solid var(--cs-color-border);
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
    gap: 6px;
    list-style: none;
    margin: 0 0 var(--cs-spacing);
    padding: 0;
  }
  .chip {
    display: inline-flex;
    align-items: center;
    gap: 4px;
    padding: 2px 4px 2px 10px;
    border-radius: 999px;
    background: var(--cs-color-selected);
  }
  .chip-remove {
    border: none;
    background: none;
    padding: 0 6px;
    line-height: 1;
  }

  .plan {
    display: inline-flex;
    align-items: center;
    gap: 6px;
  }
  .plan-bar {
    width: 80px;
    height: 8px;
    border-radius: 4px;
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
    font-weight: 600;
  }

  .progress {
    height: 10px;
    border-radius: 5px;
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
    padding-left: 1.2em;
  }
  .results .failed {
    color: var(--cs-color-danger);
  }
  .targets {
    padding-left: 1.2em;
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
    margin-left: 6px;
    padding: 0 6px;
    border-radius: 999px;
    font-size: 0.8em;
    background: var(--cs-color-warning-bg);
    color: var(--cs-color-warning-text);
  }
  button.toggle[aria-pressed='true'] {
    background: var(--cs-color-selected);
    border-color: var(--cs-color-accent);
  }
  .live {
    padding: 0 6px;
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
    top: calc(100% + 4px);
    left: 0;
    display: flex;
    flex-direction: column;
    min-width: 9rem;
    padding: 4px;
    border: 1px solid var(--cs-color-border);
    border-radius: var(--cs-radius);
    background: var(--cs-color-background);
    box-shadow: 0 4px 12px rgb(0 0 0 / 12%);
  }
  .menu [role^='menuitem'] {
    text-align: left;
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
    align-items: center;
    gap: 6px;
    color: var(--cs-color-accent);
  }
  .trend-label {
    color: var(--cs-color-muted);
  }
  button.small {
    padding: 2px 6px;
    font-size: 0.85em;
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
    padding-left: 1.2em;
    overflow-wrap: anywhere;
  }

  .badge {
    display: inline-block;
    min-width: 1.4em;
    padding: 0 4px;
    border-radius: 999px;
    background: var(--cs-color-danger);
    color: #fff;
    font-size: 0.85em;
    text-align: center;
  }
  .alerts,
  .rules {
    padding-left: 1.2em;
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
    gap: 2px;
  }
`;
