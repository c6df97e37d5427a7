import { css } from 'lit';

export const styles = css`
  :host {
    display: block;
    max-width: 60rem;
    font-family: var(--cs-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--cs-font-size, 14px);
    color: var(--cs-color-text, #1d2330);
  }
  * {
    box-sizing: border-box;
  }
  h1 {
    font-size: 1.4em;
  }
  h2 {
    font-size: 1.15em;
    margin-top: 1.5em;
  }
  h3 {
    font-size: 1em;
  }
  .muted {
    color: var(--cs-color-muted, #5b6475);
  }
  .error-text {
    color: var(--cs-color-danger, #b42318);
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    margin-bottom: 1em;
  }
  th,
  td {
    text-align: left;
    padding: 6px 8px;
    border-bottom: 1px solid var(--cs-color-border, #d9dee7);
    overflow-wrap: anywhere;
  }
  .actions {
    white-space: nowrap;
  }
  .editor {
    border: 1px solid var(--cs-color-border, #d9dee7);
    border-radius: var(--cs-radius, 6px);
    padding: 0 16px 16px;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 4px;
    margin: 10px 0;
  }
  .field label {
    font-weight: 600;
  }
  input,
  select,
  button {
    font: inherit;
  }
  input[type='text'],
  input[type='url'],
  input[type='password'],
  input[type='number'],
  select {
    padding: 6px 8px;
    border: 1px solid var(--cs-color-border, #8a94a6);
    border-radius: var(--cs-radius, 6px);
    max-width: 32rem;
  }
  [aria-invalid='true'] {
    border-color: var(--cs-color-danger, #b42318);
  }
  .rule-form {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: 8px;
  }
  .rule-form .field {
    margin: 0;
  }
  .rules {
    padding-left: 1.2em;
  }
  .buttons {
    display: flex;
    gap: 8px;
    margin-top: 16px;
  }
  button.primary {
    background: var(--cs-color-accent, #1f5fbf);
    color: #fff;
    border: 1px solid transparent;
    border-radius: var(--cs-radius, 6px);
    padding: 6px 12px;
  }
  .status {
    min-height: 1.4em;
  }
  .status.ok {
    color: var(--cs-color-ok, #1f7a3d);
  }
  .status.error {
    color: var(--cs-color-danger, #b42318);
  }
  /* A client ID in an alert can be 100 characters without a break. */
  .alerts li {
    overflow-wrap: anywhere;
  }
`;
