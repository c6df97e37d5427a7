/**
 * The README's contract: `npm start` runs the dev broker, its fleet and the demo page, prints the
 * URL, and the page shows the fleet's sessions through the same-origin proxy; Ctrl-C stops it all.
 * Runs on free ports so it never meets a developer's own `npm start`.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROME_ARGS, ensureChrome } from '../../scripts/find-chrome.mjs';
import { startHiveFixture, type HiveFixture } from '../support/hivemq-fixture.js';
import { useRabbitMQ } from '../support/rabbitmq.js';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** `promise`, or an error naming `what` once `ms` have passed (page calls with no timeout). */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** The element's status line, search text and first rows, or that the page did not answer. */
async function pageState(page: Page, loads: number, errors: string[]): Promise<string> {
  const state = await within(
    5_000,
    'reading the page',
    // A string, not a function: tsx would name its inner functions with a helper the page lacks.
    page.evaluate<Record<string, unknown>>(`(() => {
      const root = document.querySelector('cs-active-sessions')?.shadowRoot;
      const text = (selector) =>
        [...(root?.querySelectorAll(selector) ?? [])].map((e) =>
          (e.textContent ?? '').replace(/\\s+/g, ' ').trim(),
        );
      return {
        status: text('[part="status"]'),
        search: root?.querySelector('input[type="search"]')?.value,
        rows: text('[role="row"]').slice(0, 6),
        banner: text('[role="alert"], [role="status"]').slice(0, 4),
      };
    })()`),
  ).then(
    (s) => JSON.stringify(s, null, 1),
    (e: unknown) => `the page did not answer (busy or crashed): ${String(e)}`,
  );
  return `page loads: ${loads}; page errors: ${JSON.stringify(errors)}\npage state: ${state}`;
}

interface Started {
  child: ChildProcess;
  output: () => string;
  /** The exit code, or the signal that ended it. */
  exited: Promise<number | string | null>;
}

function npmStart(env: Record<string, string>): Started {
  // Its own process group, so the test can send SIGINT to all of it, as Ctrl-C does.
  const child = spawn('npm', ['start'], { env: { ...process.env, ...env }, detached: true });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<number | string | null>((r) =>
    child.on('exit', (code, signal) => r(code ?? signal)),
  );
  return { child, output: () => output, exited };
}

async function waitForOutput(s: Started, pattern: RegExp, ms: number): Promise<RegExpMatchArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const m = s.output().match(pattern);
    if (m) return m;
    if (Date.now() > deadline || s.child.exitCode !== null) {
      throw new Error(`npm start did not print ${pattern}:\n${s.output()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('npm start', () => {
  let started: Started;
  let url: string;
  let env: Record<string, string>;
  let browser: Browser;

  before(async () => {
    env = {
      MQTT_PORT: String(await freePort()),
      WS_PORT: String(await freePort()),
      TLS_PORT: String(await freePort()),
      NODE2_MQTT_PORT: String(await freePort()),
      NODE2_WS_PORT: String(await freePort()),
      NODE2_TLS_PORT: String(await freePort()),
      API_PORT: String(await freePort()),
      DEMO_PORT: String(await freePort()),
      FLEET_SIZE: '40',
    };
    started = npmStart(env);
    url = (await waitForOutput(started, /Demo page: (http:\/\/\S+)/, 60_000))[1]!;
    browser = await chromium.launch({
      executablePath: ensureChrome(),
      args: CHROME_ARGS,
    });
  });

  after(async () => {
    await browser?.close();
    try {
      process.kill(-started.child.pid!, 'SIGKILL');
    } catch {
      // Already stopped, as it should be.
    }
  });

  it('should print the demo URL and proxy the EMQX API with the demo credentials', async () => {
    assert.equal(url, `http://127.0.0.1:${env['DEMO_PORT']}/`);
    // 40 clients, the alerts publisher, a takeover pair, a stuck and a no-keep-alive client, and
    // one client ID connected on both nodes.
    assert.match(started.output(), /Simulated fleet: 47 MQTT clients connected\./);
    const res = await fetch(`${url}api/v5/clients?limit=1&conn_state=connected`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('www-authenticate'), null);
    const body = (await res.json()) as { meta: { count: number } };
    // The takeover pair holds one session between them (two for an instant while they swap).
    assert.ok(body.meta.count >= 45 && body.meta.count <= 47, `count ${body.meta.count}`);
  });

  it('should show the fleet in the demo page, search it and open a session', async () => {
    const page = await within(30_000, 'a new page', browser.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    let loads = 0;
    page.on('load', () => loads++);
    let step = 'opening the page';
    try {
      await page.goto(url);
      const grid = page.getByRole('grid', { name: 'Active sessions' });
      step = 'the first rows';
      await grid.getByRole('row').nth(5).waitFor({ timeout: 20_000 });
      step = 'the count';
      const count = page.locator('[part="status"] .count');
      await count.filter({ hasText: /^\d+ active sessions$/ }).waitFor();
      const total = Number((await count.textContent())!.split(' ')[0]);
      assert.ok(total >= 45 && total <= 48, `total ${total}`); // + the page's own live connection
      step = 'live updates';
      await page
        .locator('[part="live-status"]')
        .filter({ hasText: /^Live$/ })
        .waitFor();
      step = 'the plan meter';
      await page
        .getByRole('meter', { name: 'Plan usage' })
        .getByText(/\d+ \/ 200 \(\d+%\)/)
        .waitFor();
      step = 'the workspaces';
      const workspace = page.getByRole('combobox', { name: 'Workspace' });
      const options = (
        await within(10_000, step, workspace.locator('option').allTextContents())
      ).map((t) => t.trim().replace(/\s+/g, ' '));
      assert.deepEqual(
        options.map((o) => o.replace(/ \(\d+\)$/, '')),
        ['All workspaces', 'Acme', 'Globex', 'Initech', 'Other users'],
      );
      step = 'the nodes';
      const nodes = await within(
        10_000,
        step,
        page.getByRole('combobox', { name: 'Node' }).locator('option').allTextContents(),
      );
      assert.deepEqual(
        nodes.map((t) => t.trim()),
        ['Any node', 'dev2@127.0.0.1', 'dev@127.0.0.1'],
      );
      step = 'the Stuck filter';
      await page.getByRole('button', { name: /^Stuck \(/ }).waitFor();
      step = 'searching client1';
      await page.getByRole('searchbox', { name: 'Search sessions' }).fill('client1');
      await page.getByText(/^1 of \d+ active sessions$/).waitFor();
      step = 'opening its details';
      await grid.getByRole('row').nth(1).click();
      const details = page.getByRole('region', { name: 'Session details' });
      await details.getByRole('heading', { name: 'Subscriptions' }).waitFor();
      await details
        .getByText(/\(QoS \d\)/)
        .first()
        .waitFor();
    } catch (error) {
      // What the page showed, so that a failure here says why (CI shows only this message).
      throw new Error(
        `${step}: ${String(error).split('\n')[0]}\n${await pageState(page, loads, errors)}\n` +
          `npm start printed (last lines):\n${started.output().split('\n').slice(-15).join('\n')}`,
        { cause: error },
      );
    }
    assert.deepEqual(errors, []);
    await within(10_000, 'closing the page', page.close());
  });

  it('should name the variable to change when a port is taken', async () => {
    const second = npmStart({ ...env, DEMO_PORT: String(await freePort()) });
    const code = await second.exited;
    assert.equal(code, 1);
    assert.match(
      second.output(),
      new RegExp(`Port ${env['MQTT_PORT']} is already in use: set MQTT_PORT`),
    );
  });

  it('should stop everything on Ctrl-C', async () => {
    process.kill(-started.child.pid!, 'SIGINT');
    const code = await Promise.race([
      started.exited,
      new Promise((r) => setTimeout(() => r('timeout'), 15_000)),
    ]);
    // npm itself may end by the signal it passed on; what counts is that every server stops.
    assert.ok(code === 0 || code === 'SIGINT', `exit: ${String(code)}`);
    const refused = async (port: string) => {
      for (let i = 0; i < 100; i++) {
        const ok = await fetch(`http://127.0.0.1:${port}/`).then(
          () => true,
          () => false,
        );
        if (!ok) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return false;
    };
    assert.equal(await refused(env['API_PORT']!), true, 'the management API stops');
    assert.equal(await refused(env['DEMO_PORT']!), true, 'the demo page stops');
    assert.equal(await refused(env['WS_PORT']!), true, 'the WebSocket listener stops');
  });
});

describe('npm start on your own broker (CS_BROKER)', () => {
  const rabbit = useRabbitMQ();
  let hive: HiveFixture;
  let browser: Browser;

  before(async () => {
    hive = await startHiveFixture();
    browser = await chromium.launch({ executablePath: ensureChrome(), args: CHROME_ARGS });
  });
  after(async () => {
    await browser?.close();
    await hive?.close();
  });

  /** Starts `npm start` against a broker, opens the page, returns it and the page's requests. */
  async function tryOut(env: Record<string, string>) {
    const demoPort = String(await freePort());
    const s = npmStart({ ...env, DEMO_PORT: demoPort });
    const url = (await waitForOutput(s, /Demo page: (http:\/\/\S+)/, 60_000))[1]!;
    const page = await browser.newPage();
    const requests: { url: string; authorization: string | undefined }[] = [];
    page.on('request', (r) =>
      requests.push({ url: r.url(), authorization: r.headers()['authorization'] }),
    );
    await page.goto(url);
    return { s, page, requests, demoPort };
  }

  const stop = async (s: Started) => {
    process.kill(-s.child.pid!, 'SIGINT');
    await Promise.race([s.exited, new Promise((r) => setTimeout(r, 10_000))]);
    try {
      process.kill(-s.child.pid!, 'SIGKILL');
    } catch {
      // stopped
    }
  };

  it('shows a RabbitMQ through the proxy, which keeps the credentials', async () => {
    const clientId = `try-out-${Date.now().toString(36)}`;
    await rabbit.connect({ clientId });
    const { s, page, requests } = await tryOut({
      CS_BROKER: 'rabbitmq',
      CS_BROKER_API: rabbit.info().apiUrl,
      CS_BROKER_USER: rabbit.info().user,
      CS_BROKER_PASS: rabbit.info().password,
    });
    try {
      assert.match(
        s.output(),
        /Showing rabbitmq at http:\/\/127\.0\.0\.1:\d+\/api as guest \(the credentials stay in the proxy\)/,
      );
      assert.doesNotMatch(s.output(), /Simulated fleet/);
      const grid = page.getByRole('grid', { name: 'Active sessions' });
      const row = grid.getByRole('row').filter({ hasText: clientId });
      // RabbitMQ lists a new connection after a few seconds: refresh as a user would.
      for (let i = 0; i < 30 && !(await row.count()); i++) {
        await page.getByRole('button', { name: 'Refresh' }).click();
        await page.waitForTimeout(1000);
      }
      await row.waitFor({ timeout: 5_000 });
      await page.getByText(/Searched in this browser: RabbitMQ/).waitFor();
      // The page asked its own server; no request from it carried credentials.
      assert.ok(requests.some((r) => r.url.includes('/broker/connections')));
      assert.deepEqual(
        requests.filter((r) => r.authorization !== undefined),
        [],
      );
      const html = await page.content();
      assert.doesNotMatch(
        html,
        new RegExp(rabbit.info().password === 'guest' ? 'Basic ' : rabbit.info().password),
      );
    } finally {
      await page.close();
      await stop(s);
    }
  });

  it('shows a HiveMQ the same way, and says what to set when something is missing', async () => {
    hive.add({ id: 'hive-try-out', username: 'hive-user' });
    const { s, page } = await tryOut({
      CS_BROKER: 'hivemq',
      CS_BROKER_API: hive.apiUrl,
      CS_BROKER_USER: hive.user,
      CS_BROKER_PASS: hive.password,
    });
    try {
      const grid = page.getByRole('grid', { name: 'Active sessions' });
      await grid
        .getByRole('row')
        .filter({ hasText: 'hive-try-out' })
        .filter({ hasText: 'hive-user' })
        .waitFor({ timeout: 30_000 });
    } finally {
      await page.close();
      await stop(s);
    }
    const missing = npmStart({ CS_BROKER: 'hivemq', DEMO_PORT: String(await freePort()) });
    assert.equal(await missing.exited, 1);
    assert.match(
      missing.output(),
      /Set CS_BROKER_API to the broker's admin API, e\.g\. http:\/\/127\.0\.0\.1:8888\/api\/v1\./,
    );
    const wrong = npmStart({ CS_BROKER: 'mosquitto', DEMO_PORT: String(await freePort()) });
    assert.equal(await wrong.exited, 1);
    assert.match(
      wrong.output(),
      /CS_BROKER must be one of emqx, rabbitmq, hivemq, not "mosquitto"\./,
    );
  });
});
