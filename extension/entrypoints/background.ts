import { browser } from 'wxt/browser';
import { defineBackground } from 'wxt/utils/define-background';
import { BackgroundWatch } from '../../src/watch/background-watch.js';

export default defineBackground({
  // Firefox (MV2): an event page that sleeps between alarms, as the MV3 worker does.
  persistent: false,
  main() {
    // Firefox's MV2 build has `browserAction` where Chrome's MV3 has `action`.
    const action = browser.action ?? browser.browserAction;
    new BackgroundWatch({
      alarms: browser.alarms,
      storage: browser.storage,
      action,
      notifications: browser.notifications,
      runtime: browser.runtime,
      windows: browser.windows,
    }).start();
  },
});
