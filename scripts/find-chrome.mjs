// Finds a Chromium or Chrome for the browser tests and prints its path. On Debian, as root,
// installs Debian's `chromium` when none is found; otherwise says the one command to run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/opt/google/chrome/chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Flags for headless Chromium as root on a machine with no network but loopback. */
export const CHROME_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export function findChrome() {
  if (process.env.CHROME_PATH) {
    if (existsSync(process.env.CHROME_PATH)) return process.env.CHROME_PATH;
    throw new Error(`CHROME_PATH is set to ${process.env.CHROME_PATH}, which does not exist.`);
  }
  return CANDIDATES.find((p) => existsSync(p));
}

const isDebian = () => existsSync('/etc/debian_version');
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

/** The browser's path, installing Debian's chromium when allowed; exits with advice otherwise. */
export function ensureChrome() {
  let found = findChrome();
  if (found) return found;
  if (isDebian() && isRoot()) {
    console.error(
      "No Chromium or Chrome found: installing Debian's chromium (apt-get install -y chromium)…",
    );
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: 'inherit',
      env,
    });
    if (update.status === 0 && install.status === 0) found = findChrome();
  }
  if (found) return found;
  const command = isDebian()
    ? 'sudo apt-get install -y chromium'
    : 'install Chromium or Google Chrome, or set CHROME_PATH to its executable';
  console.error(`No Chromium or Chrome found for the browser tests. Run: ${command}`);
  process.exit(1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const path = ensureChrome();
  try {
    console.log(`${path} (${execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()})`);
  } catch {
    console.log(path);
  }
}
