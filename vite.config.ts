// The demo page: served from demo/, with /api/v5 proxied same-origin to the dev broker's
// management API. The proxy adds the API credentials, so the page never holds them. The same
// pattern fronts a real EMQX, whose API answers no CORS preflight (see README).
import { defineConfig } from 'vite';
import { devConfig } from './demo/config.js';

const config = devConfig();
const basic = Buffer.from(`${config.apiKey}:${config.apiSecret}`).toString('base64');

export default defineConfig({
  root: 'demo',
  clearScreen: false,
  define: {
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
    proxy: {
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
