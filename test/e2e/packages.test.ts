/**
 * The packages as a portal or docs page uses them: `npm run build`, then each demo page loaded
 * from the built files in Chromium, with no backend (`demo`). The single-file script leaves
 * MQTT.js, the exports with Papa Parse, the simulated fleet, the RabbitMQ and HiveMQ sources, the
 * evaluation of alert rules and IP matching out and loads each from its companion file, beside the
 * script, only when used: live updates, an export, `demo`, a workspace of that broker, alert
 * rules, an IP filter.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import mqtt from 'mqtt';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startDevBroker, type DevBroker } from '../../demo/dev-broker/broker.js';
import { CHROME_ARGS, ensureChrome } from '../../scripts/find-chrome.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dist = join(root, 'dist');

/** Serves dist/ as a static site would, recording every path asked for. */
function serveDist(requests: string[]): Promise<Server> {
  const types: Record<string, string> = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.json': 'application/json',
    '.map': 'application/json',
  };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const file = normalize(join(dist, path));
    if (!file.startsWith(dist) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

const COMPANION = {
  mqtt: '/cdn/cs-active-sessions.mqtt.js',
  export: '/cdn/cs-active-sessions.export.js',
  demo: '/cdn/cs-active-sessions.demo.js',
  rabbitmq: '/cdn/cs-active-sessions.rabbitmq.js',
  hivemq: '/cdn/cs-active-sessions.hivemq.js',
  alerts: '/cdn/cs-active-sessions.alerts.js',
  ip: '/cdn/cs-active-sessions.ip.js',
};

/** The text of the element's live region (what it announced last). */
const announced = (page: Page) =>
  page.evaluate(
    `document.querySelector('cs-active-sessions')?.shadowRoot?.querySelector('[aria-live="polite"]')?.textContent ?? ''`,
  ) as Promise<string>;

/** Starts a CSV export from the menu; resolves to what the `cs-export` event carried. */
async function exportCsv(page: Page): Promise<{ format: string; count: number; text: string }> {
  // As page code, not a compiled function (tsx would wrap its functions in a helper).
  await page.evaluate(`(() => {
    const element = document.querySelector('cs-active-sessions');
    window.__exported = new Promise((resolve) =>
      element.addEventListener(
        'cs-export',
        (e) => e.detail.blob.text().then((text) =>
          resolve({ format: e.detail.format, count: e.detail.count, text })),
        { once: true },
      ),
    );
  })()`);
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  await page.getByRole('menuitem', { name: 'CSV' }).click();
  return page.evaluate('window.__exported') as Promise<{
    format: string;
    count: number;
    text: string;
  }>;
}

/** The grid's rows (without the header row) once the element has listed its sessions. */
async function rowsOf(page: Page): Promise<string[]> {
  const grid = page.getByRole('grid', { name: 'Active sessions' });
  await grid.getByRole('row').nth(1).waitFor();
  return grid.getByRole('row').allInnerTexts();
}

describe('packages', () => {
  let server: Server;
  let base: string;
  let browser: Browser;
  const requests: string[] = [];

  before(async () => {
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
    server = await serveDist(requests);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: ensureChrome(), args: CHROME_ARGS });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  it('builds ES modules with types, an exports map that resolves, and a manifest', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, string | { types: string; import: string }>;
    };
    for (const [name, target] of Object.entries(pkg.exports)) {
      const files = typeof target === 'string' ? [target] : [target.types, target.import];
      for (const file of files) assert.ok(existsSync(join(root, file)), `${name} → ${file}`);
    }
    const manifest = JSON.parse(readFileSync(join(dist, 'custom-elements.json'), 'utf8')) as {
      modules: {
        declarations?: {
          tagName?: string;
          summary?: string;
          events?: { name: string }[];
          cssParts?: { name: string }[];
          cssProperties?: { name: string }[];
        }[];
      }[];
    };
    const element = manifest.modules
      .flatMap((m) => m.declarations ?? [])
      .find((d) => d.tagName === 'cs-active-sessions');
    assert.ok(element, 'the element is in the manifest');
    const events = element.events?.map((e) => e.name) ?? [];
    for (const name of [
      'cs-session-select',
      'cs-disconnect',
      'cs-refresh',
      'cs-error',
      'cs-export',
    ]) {
      assert.ok(events.includes(name), `event ${name} documented`);
    }
    const parts = element.cssParts?.map((p) => p.name) ?? [];
    for (const name of [
      'toolbar',
      'search',
      'table',
      'header-cell',
      'row',
      'cell',
      'details',
      'dialog',
      'status',
    ]) {
      assert.ok(parts.includes(name), `part ${name} documented`);
    }
    assert.ok(element.summary && element.summary.length > 20, 'a summary');
    assert.ok((element.cssProperties ?? []).length > 0, 'custom properties documented');
  });

  it('runs the plain page from one script tag, without MQTT.js until live updates are on', async () => {
    const page = await browser.newPage();
    try {
      requests.length = 0;
      await page.goto(`${base}/demo/iife.html`);
      const rows = await rowsOf(page);
      assert.ok(rows.length > 10, `demo rows shown (${rows.length})`);
      assert.ok(
        !requests.some((p) => p.includes('mqtt')),
        `no MQTT.js loaded yet: ${requests.join(', ')}`,
      );
      assert.ok(!requests.includes(COMPANION.export), `no exports yet: ${requests.join(', ')}`);
      // The page says `demo`: the simulated fleet comes from beside the script.
      assert.ok(requests.includes(COMPANION.demo), requests.join(', '));
      const script = readFileSync(join(dist, 'cdn', 'cs-active-sessions.iife.js'), 'utf8');
      assert.ok(!/connack/i.test(script), 'MQTT.js is not inside the script');
      assert.ok(!script.includes('UndetectableDelimiter'), 'Papa Parse is not inside the script');
      assert.ok(!script.includes('unclearId'), 'the exports are not inside the script');
      assert.ok(!script.includes('emqx@10.0.1.11'), 'the simulated fleet is not inside the script');
      // A page script can reach the element class through the global the script defines.
      assert.equal(
        await page.evaluate(
          () =>
            typeof (window as unknown as { CsActiveSessions?: { CsActiveSessions?: unknown } })
              .CsActiveSessions?.CsActiveSessions,
        ),
        'function',
      );
    } finally {
      await page.close();
    }
  });

  it('loads MQTT.js from beside the script (not the page) when live updates start', async () => {
    const broker: DevBroker = await startDevBroker({
      mqttPort: 0,
      wsPort: 0,
      tlsPort: 0,
      apiPort: 0,
    });
    const page = await browser.newPage();
    const client = mqtt.connect(`mqtt://127.0.0.1:${broker.mqttPort}`, {
      clientId: 'package-live-check',
      reconnectPeriod: 0,
    });
    try {
      requests.length = 0;
      // A page in another directory than the script: the companion is found from the script's URL.
      await page.goto(`${base}/demo/iife.html`);
      await rowsOf(page);
      // As page code, not a compiled function (tsx would wrap its functions in a helper).
      const live = { url: `ws://127.0.0.1:${broker.wsPort}/mqtt`, password: broker.apiSecret };
      await page.evaluate(`(() => {
        const old = document.querySelector('cs-active-sessions');
        const element = document.createElement('cs-active-sessions');
        // A source with nothing listed: what appears comes from the broker's live events.
        element.source = {
          label: 'Nothing listed',
          list: async () => ({ sessions: [], skipped: 0 }),
          get: async () => { throw new Error('not listed'); },
          subscriptions: async () => [],
          disconnect: async () => 'already-gone',
        };
        element.liveUrl = ${JSON.stringify(live.url)};
        element.liveCredentials = { username: 'dashboard', password: ${JSON.stringify(live.password)} };
        element.live = true;
        old.replaceWith(element);
      })()`);
      await page.waitForFunction(() =>
        performance
          .getEntriesByType('resource')
          .some((r) => r.name.includes('cs-active-sessions.mqtt.js')),
      );
      assert.ok(requests.includes('/cdn/cs-active-sessions.mqtt.js'), requests.join(', '));
      // Subscribed to the broker's events (a connect before that would only reach a poll).
      await page.waitForFunction(
        () =>
          document
            .querySelector('cs-active-sessions')
            ?.shadowRoot?.querySelector('[part="live-status"]')
            ?.textContent?.trim() === 'Live',
      );
      // A client that connects now arrives through the live feed.
      await new Promise<void>((resolve, reject) => {
        client.once('error', reject);
        if (client.connected) resolve();
        else client.once('connect', () => resolve());
      });
      client.end(true);
      const again = mqtt.connect(`mqtt://127.0.0.1:${broker.mqttPort}`, {
        clientId: 'package-live-arrival',
        reconnectPeriod: 0,
      });
      try {
        await page
          .getByRole('grid', { name: 'Active sessions' })
          .getByRole('row', { name: /package-live-arrival/ })
          .waitFor({ timeout: 15_000 });
      } finally {
        again.end(true);
      }
    } finally {
      client.end(true);
      await page.close();
      await broker.close();
    }
  });

  it('loads no companion file for a page that uses none, and the simulated fleet for `demo`', async () => {
    const page = await browser.newPage();
    try {
      requests.length = 0;
      // The plain page without `demo` (served by the test, the script by the static server).
      await page.route(`${base}/demo/no-demo.html`, (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: '<!doctype html><cs-active-sessions></cs-active-sessions><script src="../cdn/cs-active-sessions.iife.js"></script>',
        }),
      );
      await page.goto(`${base}/demo/no-demo.html`);
      await page.waitForFunction(
        () => document.querySelector('cs-active-sessions')?.shadowRoot?.childElementCount,
      );
      await page.waitForTimeout(500);
      assert.ok(requests.includes('/cdn/cs-active-sessions.iife.js'), requests.join(', '));
      for (const file of Object.values(COMPANION)) {
        assert.ok(!requests.includes(file), `${file} not loaded: ${requests.join(', ')}`);
      }
      await page.evaluate(`document.querySelector('cs-active-sessions').demo = true`);
      assert.ok((await rowsOf(page)).length > 10);
      assert.ok(requests.includes(COMPANION.demo), requests.join(', '));
      assert.ok(!requests.includes(COMPANION.export), requests.join(', '));
    } finally {
      await page.close();
    }
  });

  it("makes the demo companion's errors the script's own SourceError", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/demo/iife.html`);
      // What scripts/iife/load-demo.ts does, with a stand-in class to recognise.
      const result = await page.evaluate(`(async () => {
        const fleet = await import(${JSON.stringify(`${base}${COMPANION.demo}`)});
        class Given extends Error {
          constructor(kind, message, details = {}) { super(message); this.kind = kind; this.details = details; }
          static of(kind, id, values = {}, details = {}) { return new Given(kind, id, { ...details, text: { id, values } }); }
        }
        fleet.provide({ SourceError: Given });
        try {
          await new fleet.DemoSource({ failure: 'auth' }).list();
          return 'no error';
        } catch (e) {
          return e instanceof Given ? e.kind : 'another class: ' + String(e);
        }
      })()`);
      assert.equal(result, 'auth');
    } finally {
      await page.close();
    }
  });

  it('loads the RabbitMQ source from beside the script for a RabbitMQ workspace, and shows its errors', async () => {
    const page = await browser.newPage();
    try {
      // The broker's management API, refusing the credentials as RabbitMQ does.
      const asked: string[] = [];
      await page.route(`${base}/rabbit/api/**`, (route) => {
        asked.push(new URL(route.request().url()).pathname);
        return route.fulfill({
          status: 401,
          contentType: 'application/json',
          body: '{"error":"not_authorized","reason":"Login failed"}',
        });
      });
      await page.goto(`${base}/demo/iife.html`);
      await rowsOf(page);
      requests.length = 0;
      await page.evaluate(`(() => {
        const element = document.querySelector('cs-active-sessions');
        element.demo = false;
        element.workspaces = [
          { id: 'rabbit', label: 'Rabbit', source: { kind: 'rabbitmq', baseUrl: '/rabbit/api', apiKey: 'ops', apiSecret: 'wrong' } },
        ];
      })()`);
      const banner = page.locator('cs-active-sessions [part="error"]');
      await banner.waitFor();
      // The element's own words for the source's error: it is the script's `SourceError` (an
      // error of another class would read `Unexpected error: …`).
      const text = await banner.innerText();
      assert.doesNotMatch(text, /Unexpected error/);
      assert.match(
        text,
        /RabbitMQ at \/rabbit\/api refused the credentials .*management user name and password/,
      );
      assert.ok(
        asked.some((p) => p.startsWith('/rabbit/api/connections')),
        asked.join(', '),
      );
      assert.ok(requests.includes(COMPANION.rabbitmq), requests.join(', '));
      assert.ok(!requests.includes(COMPANION.hivemq), requests.join(', '));
      const script = readFileSync(join(dist, 'cdn', 'cs-active-sessions.iife.js'), 'utf8');
      assert.ok(!script.includes('columns=name,vhost,messages'), 'RabbitMQ is not in the script');
    } finally {
      await page.close();
    }
  });

  it('loads IP matching for an IP filter and the evaluation of alert rules for rules, from beside the script', async () => {
    const page = await browser.newPage();
    try {
      requests.length = 0;
      await page.goto(`${base}/demo/iife.html`);
      await rowsOf(page);
      assert.ok(!requests.includes(COMPANION.ip), requests.join(', '));
      assert.ok(!requests.includes(COMPANION.alerts), requests.join(', '));

      await page.getByRole('textbox', { name: 'IP or CIDR' }).fill('10.0.0.0/8');
      await page.getByRole('button', { name: 'Add IP filter' }).click();
      await page.getByRole('button', { name: 'Remove filter IP: 10.0.0.0/8' }).waitFor();
      assert.ok(requests.includes(COMPANION.ip), requests.join(', '));
      await page.getByRole('textbox', { name: 'IP or CIDR' }).fill('10.0.0.300');
      await page.getByRole('button', { name: 'Add IP filter' }).click();
      await page.getByText('"10.0.0.300" is not an IP address or CIDR range').waitFor();

      // A rule that holds at once: the next poll raises its alert.
      const alert = page.evaluate(`(async () => {
        const element = document.querySelector('cs-active-sessions');
        const raised = new Promise((resolve) =>
          element.addEventListener('cs-alert', (e) => resolve(e.detail.message), { once: true }),
        );
        element.alertRules = [{ id: 'few', kind: 'count-below', threshold: 1000000 }];
        await element.updateComplete;
        await element.refresh();
        return raised;
      })()`) as Promise<string>;
      assert.match(await alert, /below 1,000,000|below 1000000/);
      assert.ok(requests.includes(COMPANION.alerts), requests.join(', '));
      const script = readFileSync(join(dist, 'cdn', 'cs-active-sessions.iife.js'), 'utf8');
      assert.ok(!script.includes('isIPv4MappedAddress'), 'ipaddr.js is not in the script');
    } finally {
      await page.close();
    }
  });

  it('says so when the IP or alerts companion cannot be loaded, and uses it once it can', async () => {
    const page = await browser.newPage();
    try {
      let blocked = true;
      for (const file of [COMPANION.ip, COMPANION.alerts]) {
        await page.route(`${base}${file}`, (route) => (blocked ? route.abort() : route.continue()));
      }
      await page.goto(`${base}/demo/iife.html`);
      await rowsOf(page);
      await page.getByRole('textbox', { name: 'IP or CIDR' }).fill('10.0.0.0/8');
      await page.getByRole('button', { name: 'Add IP filter' }).click();
      await page
        .getByText(
          'IP addresses and ranges cannot be read: the code that reads them could not be loaded',
        )
        .waitFor();
      const rules = `(() => {
        const element = document.querySelector('cs-active-sessions');
        element.alertRules = [{ id: 'few', kind: 'count-below', threshold: 1000000 }];
        return element.updateComplete.then(() => element.refresh());
      })()`;
      await page.evaluate(rules);
      const notice = page.getByText('Alert rules are not checked: their code could not be loaded');
      await notice.waitFor();

      blocked = false;
      const raised = page.evaluate(`new Promise((resolve) =>
        document.querySelector('cs-active-sessions').addEventListener('cs-alert', (e) => resolve(e.detail.message), { once: true }))`);
      await page.evaluate(`document.querySelector('cs-active-sessions').refresh()`);
      assert.match((await raised) as string, /below 1000000/);
      await notice.waitFor({ state: 'detached' });
      await page.getByRole('button', { name: 'Add IP filter' }).click();
      await page.getByRole('button', { name: 'Remove filter IP: 10.0.0.0/8' }).waitFor();
    } finally {
      await page.close();
    }
  });

  it('exports CSV from the single-file script, loading the exports from beside it then', async () => {
    const page = await browser.newPage();
    try {
      requests.length = 0;
      await page.goto(`${base}/demo/iife.html`);
      const rows = await rowsOf(page);
      assert.ok(!requests.includes(COMPANION.export), `no exports yet: ${requests.join(', ')}`);
      const exported = await exportCsv(page);
      assert.ok(requests.includes(COMPANION.export), requests.join(', '));
      assert.equal(exported.format, 'csv');
      assert.ok(exported.count >= rows.length - 1, `${exported.count} sessions exported`);
      const lines = exported.text.trimEnd().split('\r\n');
      assert.ok(lines[0]!.startsWith('clientId,username,displayUsername,'), lines[0]);
      assert.equal(lines.length, exported.count + 1);
      await page.waitForFunction(
        `/Exported .* sessions as CSV/.test(document.querySelector('cs-active-sessions').shadowRoot.querySelector('[aria-live="polite"]').textContent)`,
      );
    } finally {
      await page.close();
    }
  });

  it('says so when the export companion cannot be loaded, keeps everything else and tries again', async () => {
    const page = await browser.newPage();
    try {
      let blocked = true;
      await page.route(`${base}${COMPANION.export}`, (route) =>
        blocked ? route.abort() : route.continue(),
      );
      await page.goto(`${base}/demo/iife.html`);
      const rows = await rowsOf(page);
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      await page.getByRole('menuitem', { name: 'CSV' }).click();
      await page.waitForFunction(
        `/Export failed/.test(document.querySelector('cs-active-sessions').shadowRoot.querySelector('[aria-live="polite"]').textContent)`,
      );
      const message = await announced(page);
      assert.match(message, /the export code could not be loaded/);
      assert.match(message, /cs-active-sessions\.export\.js/);
      // The list is still there, and the next export loads the companion once it can.
      assert.ok((await rowsOf(page)).length >= Math.min(rows.length, 10));
      blocked = false;
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      await page.getByRole('menuitem', { name: 'JSON' }).click();
      await page.waitForFunction(
        `/Exported .* sessions as JSON/.test(document.querySelector('cs-active-sessions').shadowRoot.querySelector('[aria-live="polite"]').textContent)`,
      );
    } finally {
      await page.close();
    }
  });

  it('runs the ES-module page built from the package', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/demo/esm.html`);
      assert.ok((await rowsOf(page)).length > 10);
    } finally {
      await page.close();
    }
  });

  it('renders the React wrapper, whose typed event prop reaches React state', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${base}/demo/react.html`);
      const grid = page.getByRole('grid', { name: 'Active sessions' });
      await rowsOf(page);
      const row = grid.getByRole('row').nth(1);
      const clientId = (await row.getByRole('gridcell').nth(1).innerText()).trim().split(/\s/)[0]!;
      await row.getByRole('gridcell').nth(1).click();
      await page
        .getByRole('status')
        .filter({ hasText: `Selected in React: ${clientId}` })
        .waitFor();
    } finally {
      await page.close();
    }
  });
});
