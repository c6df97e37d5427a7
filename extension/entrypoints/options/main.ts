import { browser } from 'wxt/browser';
import '../../../components/cs-extension-options/cs-extension-options.js';
import type { RecentAlert } from '../../../src/watch/background-watch.js';
import {
  CONFIG_KEY,
  firstRunConfig,
  readConfig,
  RECENT_ALERTS_KEY,
  type WatchConfig,
} from '../../../src/watch/config.js';

async function main(): Promise<void> {
  const options = document.createElement('cs-extension-options');
  const load = async () => {
    const stored = await browser.storage.local.get([CONFIG_KEY, RECENT_ALERTS_KEY]);
    options.config = readConfig(stored[CONFIG_KEY]) ?? firstRunConfig();
    const alerts = stored[RECENT_ALERTS_KEY];
    options.recentAlerts = Array.isArray(alerts) ? (alerts as RecentAlert[]) : [];
  };
  await load();
  options.persist = (config: WatchConfig) => browser.storage.local.set({ [CONFIG_KEY]: config });
  options.requestOrigins = (origins: string[]) => browser.permissions.request({ origins });
  // Alerts raised while the page is open show up without a reload.
  browser.storage.onChanged.addListener((changes, area) => {
    if (area === 'local' && RECENT_ALERTS_KEY in changes) void load();
  });
  document.body.append(options);
}

void main();
