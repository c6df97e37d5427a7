// A real RabbitMQ (Debian's rabbitmq-server) with the management, MQTT and Web MQTT plugins,
// every listener on 127.0.0.1 and free ports, all of its state in a temporary directory, so it
// never meets a RabbitMQ the machine already runs. Used by `npm test` and `npm run rabbitmq`.
//
// `npm run rabbitmq` starts one and prints its URLs; Ctrl-C stops it.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SERVER = '/usr/lib/rabbitmq/bin/rabbitmq-server';
const CTL = '/usr/lib/rabbitmq/bin/rabbitmqctl';
const INSTALL = 'sudo apt-get install -y --no-install-recommends rabbitmq-server';

/** The management user every fresh node has (loopback only). */
export const RABBITMQ_USER = 'guest';
export const RABBITMQ_PASSWORD = 'guest';

const isDebian = () => existsSync('/etc/debian_version');

/** Makes sure rabbitmq-server is installed: as root on Debian installs it, else exits with advice. */
export function ensureRabbitMQ() {
  if (existsSync(SERVER)) return;
  if (process.getuid?.() === 0 && isDebian()) {
    console.log('Installing Debian rabbitmq-server for the tests (once)…');
    const apt = (args) =>
      execFileSync('apt-get', args, {
        stdio: 'inherit',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
    try {
      apt(['install', '-y', '--no-install-recommends', 'rabbitmq-server']);
    } catch {
      // Stale package lists on a fresh machine: update them and try once more.
      apt(['update', '-qq']);
      apt(['install', '-y', '--no-install-recommends', 'rabbitmq-server']);
    }
    // The package starts no service here (policy-rc.d), and we want none: ours is private.
    if (existsSync(SERVER)) return;
  }
  console.error(`RabbitMQ is needed for the tests and is not installed. Run:\n  ${INSTALL}`);
  process.exit(1);
}

async function freePort() {
  const server = createServer();
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  await new Promise((r) => server.close(r));
  return port;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * Starts a private RabbitMQ node. Resolves once the management API answers and the MQTT and
 * Web MQTT listeners accept connections.
 */
export async function startRabbitMQ({ timeoutMs = 90_000 } = {}) {
  ensureRabbitMQ();
  const dir = mkdtempSync(join(tmpdir(), 'cs-rabbitmq-'));
  const [amqp, management, mqtt, ws, dist, epmdPort] = await Promise.all(
    Array.from({ length: 6 }, freePort),
  );
  mkdirSync(join(dir, 'mnesia'));
  mkdirSync(join(dir, 'log'));
  writeFileSync(
    join(dir, 'rabbitmq.conf'),
    [
      `listeners.tcp.1 = 127.0.0.1:${amqp}`,
      'management.tcp.ip = 127.0.0.1',
      `management.tcp.port = ${management}`,
      `mqtt.listeners.tcp.1 = 127.0.0.1:${mqtt}`,
      'web_mqtt.tcp.ip = 127.0.0.1',
      `web_mqtt.tcp.port = ${ws}`,
      // Stats of connections refresh faster (new MQTT connections still take about 5 s to
      // show in the management API of 3.10: tests poll for them).
      'collect_statistics_interval = 1000',
      // Pages on this machine (the browser tests) may call the API directly.
      'management.cors.allow_origins.1 = *',
      'management.cors.max_age = 600',
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'enabled_plugins'),
    '[rabbitmq_management,rabbitmq_mqtt,rabbitmq_web_mqtt].\n',
  );
  const node = `cs-rabbit-${process.pid}@localhost`;
  const env = {
    ...process.env,
    HOME: dir,
    ERL_EPMD_ADDRESS: '127.0.0.1',
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_NODENAME: node,
    RABBITMQ_DIST_PORT: String(dist),
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
  };
  // Our own epmd on its own port, so we end exactly what we started. Erlang would start (and
  // leave behind) a daemon of its own if ours were not listening yet: wait for its port.
  const epmd = spawn('epmd', ['-port', String(epmdPort)], { env, stdio: 'ignore' });
  let epmdFailed;
  epmd.on('error', (e) => (epmdFailed = e));
  for (let i = 0; !(await portOpen(epmdPort)); i++) {
    if (epmdFailed || i > 100) {
      epmd.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`epmd did not start: ${epmdFailed ?? 'its port stayed closed'}`);
    }
    await sleep(50);
  }
  // Many MQTT connections need file descriptors: the shell's soft limit is often 1024.
  const server = spawn('sh', ['-c', `ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "${SERVER}"`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  server.stdout.on('data', (d) => (output += d));
  server.stderr.on('data', (d) => (output += d));
  let exited = false;
  server.on('exit', () => (exited = true));

  const apiUrl = `http://127.0.0.1:${management}/api`;
  const auth = `Basic ${Buffer.from(`${RABBITMQ_USER}:${RABBITMQ_PASSWORD}`).toString('base64')}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    try {
      execFileSync(CTL, ['-n', node, 'stop'], { env, stdio: 'ignore', timeout: 30_000 });
    } catch {
      // Not up (or already down): end it by its pid below.
    }
    for (let i = 0; i < 50 && !exited; i++) await sleep(100);
    if (!exited) {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    epmd.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`rabbitmq-server exited while starting:\n${output.slice(-2000)}`);
    }
    try {
      const res = await fetch(`${apiUrl}/overview`, { headers: { authorization: auth } });
      if (res.ok && (await portOpen(mqtt)) && (await portOpen(ws))) break;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(
        `RabbitMQ did not start within ${timeoutMs / 1000} s:\n${output.slice(-2000)}`,
      );
    }
    await sleep(300);
  }
  return {
    apiUrl,
    mqttUrl: `mqtt://127.0.0.1:${mqtt}`,
    wsUrl: `ws://127.0.0.1:${ws}/ws`,
    mqttPort: mqtt,
    wsPort: ws,
    user: RABBITMQ_USER,
    password: RABBITMQ_PASSWORD,
    node,
    stop,
  };
}

/** The environment that tells test processes where the RabbitMQ of this run is. */
export function rabbitEnv(r) {
  return {
    RABBITMQ_API: r.apiUrl,
    RABBITMQ_MQTT_URL: r.mqttUrl,
    RABBITMQ_WS_URL: r.wsUrl,
    RABBITMQ_USER: r.user,
    RABBITMQ_PASSWORD: r.password,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await startRabbitMQ();
  console.log(`RabbitMQ is running, all on 127.0.0.1:
  management API  ${r.apiUrl}   (user ${r.user}, password ${r.password})
  MQTT            ${r.mqttUrl}
  MQTT over WS    ${r.wsUrl}
Ctrl-C stops it.`);
  const end = async () => {
    await r.stop();
    process.exit(0);
  };
  process.on('SIGINT', end);
  process.on('SIGTERM', end);
}
