// The demo page: served from demo/, with /api/v5 proxied same-origin to the dev broker's
// management API. The proxy adds the API credentials, so the page never holds them. The same
// pattern fronts a real EMQX, whose API answers no CORS preflight (see README).
import { defineConfig } from 'vite';
import { BROKER_PROXY_PATH, devConfig, externalBroker } from './demo/config.js';

const config = devConfig();
const basic = Buffer.from(`${config.apiKey}:${config.apiSecret}`).toString('base64');
// `CS_BROKER=... npm start`: the page shows an existing broker through the same kind of proxy,
// which holds its credentials.
const external = externalBroker();
const externalProxy = external && {
  [BROKER_PROXY_PATH]: {
    target: external.apiUrl.origin,
    changeOrigin: true,
    rewrite: (path: string) =>
      external.apiUrl.pathname.replace(/\/+$/, '') + path.slice(BROKER_PROXY_PATH.length),
    headers:
      external.user === undefined
        ? {}
        : {
            authorization: `Basic ${Buffer.from(`${external.user}:${external.password ?? ''}`).toString('base64')}`,
          },
  },
};

export default defineConfig({
  root: 'demo',
  clearScreen: false,
  optimizeDeps: {
    // Every package the page imports, bundled before the first page is served. Left to find
    // them, Vite meets those behind a dynamic import (MQTT.js for live events, ipaddr.js with the
    // alert rules, Papa Parse for exports) only as the page asks for them, bundles again and
    // reloads the page: on a fresh install, a moment after it first opens (CI caught the reload
    // in the middle of a test).
    include: [
      'lit',
      'lit/decorators.js',
      'lit/directives/guard.js',
      'lit/directives/repeat.js',
      '@lit/task',
      'idb',
      'ipaddr.js',
      'mqtt',
      'papaparse',
    ],
  },
  define: {
    // Which broker the page shows: the dev broker's API, or an external one behind the proxy.
    __DEMO_BROKER__: JSON.stringify(
      external
        ? { kind: external.kind, baseUrl: BROKER_PROXY_PATH, label: external.apiUrl.host }
        : null,
    ),
    // Live events come over MQTT, where a proxy cannot add credentials: the demo page gets the
    // dev broker's `dashboard` MQTT user, whose password is not the API secret and which may
    // only read `$SYS` events.
    __DEMO_LIVE__: JSON.stringify({
      url: `ws://${config.host}:${config.wsPort}/mqtt`,
      username: 'dashboard',
      password: config.dashboardPassword,
    }),
  },
  server: {
    host: config.host,
    port: config.demoPort,
    strictPort: true,
    proxy: externalProxy ?? {
      '/api/v5': {
        target: `http://${config.host}:${config.apiPort}`,
        changeOrigin: true,
        headers: { authorization: `Basic ${basic}` },
      },
      // The dev broker's control API, for the demo's buttons.
      '/dev/': {
        target: `http://${config.host}:${config.apiPort}`,
        changeOrigin: true,
        headers: { authorization: `Basic ${basic}` },
      },
    },
  },
});
