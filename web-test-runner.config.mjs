// Browser tests: real Chromium (Debian's, no browser download), each test with its own dev broker.
// Run through tsx (see package.json) so the dev-broker plugin, written in TypeScript, loads.
import { defaultReporter } from '@web/test-runner';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { CHROME_ARGS, ensureChrome } from './scripts/find-chrome.mjs';
import { devBrokerPlugin } from './test/support/dev-broker-plugin.ts';
import { rabbitMQPlugin } from './test/support/rabbitmq-plugin.ts';
import { hiveMQPlugin } from './test/support/hivemq-plugin.ts';
import { hardeningPlugin } from './test/support/hardening-report.ts';
import { faultProxyPlugin } from './test/support/fault-proxy.ts';
import { summaryReporter } from './test/support/summary-reporter.mjs';

/**
 * ipaddr.js and Papa Parse ship CommonJS (UMD) files. Vite converts it when it builds; the test server
 * serves files as they are, so give the browser an ES module that runs the file with a
 * `module` object in scope and exports what it assigns.
 */
function commonJsModule(pathEnd) {
  return {
    name: 'commonjs-module',
    transform(context) {
      if (!context.path.endsWith(pathEnd)) return undefined;
      return `const module = { exports: {} };\n(function (module, exports) {\n${context.body}\n}).call(globalThis, module, module.exports);\nexport default module.exports;\n`;
    },
  };
}

export default {
  files: ['test/components/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'development'] },
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json' }),
    commonJsModule('/node_modules/ipaddr.js/lib/ipaddr.js'),
    commonJsModule('/node_modules/papaparse/papaparse.js'),
    commonJsModule('/node_modules/papaparse/papaparse.min.js'),
    devBrokerPlugin(),
    rabbitMQPlugin(),
    hiveMQPlugin(),
    hardeningPlugin(),
    faultProxyPlugin(),
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        executablePath: ensureChrome(),
        args: CHROME_ARGS,
      },
    }),
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 10 * 60 * 1000,
  browserStartTimeout: 60 * 1000,
  reporters: [defaultReporter(), summaryReporter()],
};
