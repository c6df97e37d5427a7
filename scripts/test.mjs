// `npm test`: typecheck, lint, format check, node-side tests and browser tests, in that order,
// then one plain closing line `N passed, N failed` summing every runner (a check counts as one).
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureChrome } from './find-chrome.mjs';
import { ensureRabbitMQ, rabbitEnv, startRabbitMQ } from './rabbitmq.mjs';

const NODE_TEST_DIRS = [
  'test/model',
  'test/alerts',
  'test/analysis',
  'test/sources',
  'test/live',
  'test/export',
  'test/storage',
  'test/demo',
  'test/watch',
  'test/extension',
  'test/e2e',
  'test/build',
  'test/bench',
];
const work = mkdtempSync(join(tmpdir(), 'cs-test-'));
// Every hardening test appends its figures here (test/support/hardening-report.ts).
const hardeningFile = join(work, 'hardening.jsonl');
process.env.CS_HARDENING_REPORT = hardeningFile;

function testFiles(dir) {
  let out = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out = out.concat(testFiles(path));
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out.sort();
}

/** Runs a command in its own process group, ending the whole group if it outlives its limit. */
function run(label, command, args, { env = {}, limitSeconds }) {
  console.log(`\n━━ ${label}: ${[command, ...args].join(' ')}`);
  return new Promise((resolve) => {
    // Thousands of test connections need file descriptors: raise the soft limit to the hard one.
    const child = spawn(
      'sh',
      ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$@"', 'sh', command, ...args],
      {
        stdio: 'inherit',
        env: { ...process.env, ...env },
        detached: true,
      },
    );
    const timer = setTimeout(() => {
      console.error(`${label} did not finish within ${limitSeconds} s: stopping it.`);
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, limitSeconds * 1000);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** Totals of the hardening report: one JSON line of figures per record. */
function hardeningTotals(lines) {
  const totals = { strings: 0, faults: 0, sessions: 0, actionsLost: 0 };
  for (const line of lines.split('\n')) {
    if (!line.trim()) continue;
    const f = JSON.parse(line);
    for (const k of Object.keys(totals)) totals[k] += f[k] ?? 0;
  }
  return totals;
}

const results = [];
const record = (name, passed, failed) => results.push({ name, passed, failed });
const check = async (name, command, args, limitSeconds = 300) => {
  const code = await run(name, command, args, { limitSeconds });
  record(name, code === 0 ? 1 : 0, code === 0 ? 0 : 1);
};

const chrome = ensureChrome();
console.log(`Browser for tests: ${chrome}`);
// Installed (as root on Debian) or advised before anything runs, not after the first checks.
ensureRabbitMQ();

// The project, then the extension's own project (WXT's types need bundler resolution).
await check('typecheck', 'npm', ['run', '--silent', 'typecheck']);
await check('lint', 'npx', ['eslint', '.']);
await check('format', 'npx', ['prettier', '--check', '.']);

// One real RabbitMQ for the node and browser tests of this run, on free loopback ports.
console.log('\n━━ starting RabbitMQ for the tests');
let rabbit;
try {
  rabbit = await startRabbitMQ();
  console.log(`RabbitMQ management API at ${rabbit.apiUrl}`);
  record('rabbitmq', 1, 0);
} catch (error) {
  // The RabbitMQ tests then fail on their own (they never skip); the rest still runs.
  console.error(`RabbitMQ did not start: ${error instanceof Error ? error.message : error}`);
  record('rabbitmq', 0, 1);
}
const rabbitVars = rabbit ? rabbitEnv(rabbit) : {};
const stopRabbit = async () => {
  await rabbit?.stop();
};
// Stopped however the run ends: the node runs in its own process group.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => void stopRabbit().then(() => process.exit(130)));
}
process.on('uncaughtException', (error) => {
  console.error(error);
  void stopRabbit().then(() => process.exit(1));
});

{
  const tap = join(work, 'node.tap');
  const files = NODE_TEST_DIRS.flatMap(testFiles);
  const code = await run(
    'node tests',
    'node',
    [
      '--test',
      '--import',
      'tsx',
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${tap}`,
      ...files,
    ],
    { env: { CHROME_PATH: chrome, ...rabbitVars }, limitSeconds: 900 },
  );
  let text = '';
  try {
    text = readFileSync(tap, 'utf8');
  } catch {
    // No report: the runner itself failed.
  }
  const passed = Number(/^# pass (\d+)/m.exec(text)?.[1] ?? 0);
  const failed = Number(/^# fail (\d+)/m.exec(text)?.[1] ?? 0);
  record('node tests', passed, failed || (code === 0 ? 0 : 1));
}

{
  const summary = join(work, 'wtr.json');
  const code = await run(
    'browser tests',
    'node',
    ['--import', 'tsx', 'node_modules/@web/test-runner/dist/bin.js'],
    {
      env: { WTR_SUMMARY: summary, CHROME_PATH: chrome, ...rabbitVars },
      limitSeconds: 1200,
    },
  );
  let totals = { passed: 0, failed: 0 };
  try {
    totals = JSON.parse(readFileSync(summary, 'utf8'));
  } catch {
    // No summary: the runner itself failed.
  }
  record('browser tests', totals.passed, totals.failed || (code === 0 ? 0 : 1));
}

await stopRabbit();

// The benchmark, short, end to end, so it cannot rot; it reports figures and never fails on them.
await check('bench (quick)', 'npx', ['tsx', 'bench/run.ts', '--quick'], 600);

let hardeningLines = '';
try {
  hardeningLines = readFileSync(hardeningFile, 'utf8');
} catch {
  // No hardening test ran.
}
rmSync(work, { recursive: true, force: true });
console.log('\n━━ summary');
for (const r of results)
  console.log(`  ${r.name.padEnd(15)} ${r.passed} passed, ${r.failed} failed`);
const h = hardeningTotals(hardeningLines);
console.log(
  `  hardening: ${h.strings} hostile strings tried, ${h.faults} faults injected, ${h.sessions} sessions checked, ${h.actionsLost} actions lost`,
);
// An action whose outcome was lost fails the run even if every test passed.
if (h.actionsLost > 0) record('actions lost', 0, 1);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
