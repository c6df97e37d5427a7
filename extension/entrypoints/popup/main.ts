import { browser } from 'wxt/browser';
import '../../../components/cs-active-sessions/cs-active-sessions.js';
import {
  CONFIG_KEY,
  elementWorkspace,
  EXTENSION_STORAGE_KEY,
  firstRunConfig,
  readConfig,
} from '../../../src/watch/config.js';
import {
  focusFromQuery,
  POPUP_FOCUS_KEY,
  type PollNowMessage,
  type PopupFocus,
} from '../../../src/watch/messages.js';

/** A notification's click asked for this session less than this long ago. */
const FOCUS_FRESH_MS = 2 * 60_000;

async function popupFocus(): Promise<PopupFocus | undefined> {
  // Taken once, whichever way the popup was opened, so a later popup does not jump to it.
  const area = browser.storage.session ?? browser.storage.local;
  const stored = (await area.get(POPUP_FOCUS_KEY))[POPUP_FOCUS_KEY] as PopupFocus | undefined;
  if (stored) await area.remove(POPUP_FOCUS_KEY);
  const fromQuery = focusFromQuery(location.search);
  if (fromQuery) return fromQuery;
  return stored && Date.now() - stored.at < FOCUS_FRESH_MS ? stored : undefined;
}

async function main(): Promise<void> {
  const stored = await browser.storage.local.get(CONFIG_KEY);
  const config = readConfig(stored[CONFIG_KEY]) ?? firstRunConfig();
  const app = document.querySelector('#app')!;
  if (config.workspaces.length === 0) {
    const note = document.createElement('p');
    note.textContent = 'No broker to watch yet: add a workspace in Options.';
    app.append(note);
    return;
  }
  const element = document.createElement('cs-active-sessions');
  element.layout = 'compact';
  element.storageKey = EXTENSION_STORAGE_KEY;
  // The background worker evaluates the alert rules and notifies; the popup only shows.
  element.alertRules = [];
  // The background records the history; a popup opened now and then would only add gaps.
  element.recordHistory = false;
  element.refreshInterval = Math.min(30, ...config.workspaces.map((w) => w.refreshSeconds));
  element.workspaces = config.workspaces.map(elementWorkspace);
  // After a disconnect the badge should not wait for the next alarm.
  element.addEventListener('cs-disconnect', () => {
    const message: PollNowMessage = { type: 'cs-watch:poll' };
    browser.runtime.sendMessage(message).catch(() => undefined);
  });
  app.append(element);

  const focus = await popupFocus();
  if (focus?.clientId !== undefined) element.showSession(focus.clientId, focus.workspace);
  await element.focusSearch();
}

document.querySelector('#options')!.addEventListener('click', () => {
  void browser.runtime.openOptionsPage();
});
void main();
