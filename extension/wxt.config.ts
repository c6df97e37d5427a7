import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'wxt';
import { LOOPBACK_HOSTS } from '../src/watch/config.js';

const { version } = JSON.parse(
  readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
) as { version: string };

const GECKO = {
  id: 'active-sessions@cs-active-sessions.invalid',
  strict_min_version: '128.0',
  // Sessions go from the user's broker to the user's screen; nothing goes to us.
  data_collection_permissions: { required: ['none'] },
};

/**
 * The browser extension (WXT): `npm run build:extension` builds `dist/extension/chrome-mv3` and
 * `dist/extension/firefox-mv2` and zips them. Entrypoints only wire code from `src/` and
 * `components/` together.
 */
export default defineConfig({
  outDir: '../dist/extension',
  // Explicit imports everywhere, as in the rest of the project.
  imports: false,
  manifest: ({ browser, manifestVersion }) => {
    // The dev broker and any broker on this machine need no prompt; every other broker's origin
    // is asked for when its workspace is saved (and lets the extension reach it without CORS).
    const loopback = LOOPBACK_HOSTS.flatMap((host) => [`http://${host}/*`, `https://${host}/*`]);
    const others = ['http://*/*', 'https://*/*'];
    return {
      name: 'Active sessions for MQTT',
      version,
      short_name: 'Active sessions',
      description:
        'The clients connected to your MQTT broker: count on the toolbar, search, details, disconnect, and alerts.',
      permissions: ['storage', 'alarms', 'notifications'],
      host_permissions: loopback,
      ...(manifestVersion === 3
        ? { optional_host_permissions: others }
        : { optional_permissions: others }),
      icons: { 16: 'icon/16.png', 32: 'icon/32.png', 48: 'icon/48.png', 128: 'icon/128.png' },
      ...(browser === 'firefox' ? { browser_specific_settings: { gecko: GECKO } } : {}),
    };
  },
  zip: {
    name: 'cs-active-sessions',
    // Firefox's review builds the extension from the whole project, not from `extension/`.
    sourcesRoot: fileURLToPath(new URL('..', import.meta.url)),
    excludeSources: ['dist/**', '.test-results/**', 'extension/.wxt/**'],
  },
});
