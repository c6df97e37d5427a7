import { CsActiveSessions } from './cs-active-sessions.component.js';

export * from './cs-active-sessions.component.js';
export type * from './events.js';
export { EN, type CsStrings, type CsStringsOverrides } from './strings.js';

if (!customElements.get('cs-active-sessions')) {
  customElements.define('cs-active-sessions', CsActiveSessions);
}

declare global {
  interface HTMLElementTagNameMap {
    'cs-active-sessions': CsActiveSessions;
  }
}
