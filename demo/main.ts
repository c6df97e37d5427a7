import '../components/cs-active-sessions/cs-active-sessions.js';
import type { AlertRule } from '../src/alerts/rules.js';
import type { Workspace } from '../src/model/workspace.js';
import { RabbitMQSource } from '../src/sources/rabbitmq.js';

// The dev broker's fleet belongs to three organisations (username suffixes); everything else
// (e-mail-like usernames, no username) falls into the last workspace, which matches all.
const source = { kind: 'emqx', baseUrl: '/api/v5' } as const;
const workspaces: Workspace[] = [
  { id: 'acme', label: 'Acme', source, match: { usernameSuffix: '@org_k7xm4pqr2n5t' } },
  { id: 'globex', label: 'Globex', source, match: { usernameSuffix: '@org_p2m9q4w8z1xc' } },
  { id: 'initech', label: 'Initech', source, match: { usernameSuffix: '@org_h5j3n8v2b6rt' } },
  { id: 'other', label: 'Other users', source },
];

declare const __DEMO_LIVE__: { url: string; username: string; password: string };
/** Set by `CS_BROKER=... npm start`: an existing broker behind the demo server's proxy. */
declare const __DEMO_BROKER__: {
  kind: 'emqx' | 'rabbitmq' | 'hivemq';
  baseUrl: string;
  label: string;
} | null;

const element = document.querySelector('cs-active-sessions');
if (element && __DEMO_BROKER__) {
  const broker = __DEMO_BROKER__;
  const names = { emqx: 'EMQX', rabbitmq: 'RabbitMQ', hivemq: 'HiveMQ' };
  document.querySelector('#dev-broker-intro')?.remove();
  const intro = document.querySelector('#broker-intro');
  if (intro) {
    intro.textContent = `The sessions of ${names[broker.kind]} at ${broker.label}, read through this page's server, which holds the credentials.`;
  }
  element.planLimit = undefined;
  const whole: Workspace = {
    id: 'broker',
    label: `${names[broker.kind]} at ${broker.label}`,
    source: { kind: broker.kind, baseUrl: broker.baseUrl },
  };
  element.workspaces = [whole];
  if (broker.kind === 'rabbitmq') {
    // RabbitMQ's virtual hosts become workspaces.
    void new RabbitMQSource({ baseUrl: broker.baseUrl }).vhosts().then(
      (vhosts) => {
        if (vhosts.length > 1) {
          element.workspaces = vhosts.map((vhost) => ({
            id: `vhost:${vhost}`,
            label: `vhost ${vhost}`,
            source: whole.source,
            match: { vhost },
          }));
        }
      },
      () => undefined,
    );
  }
} else if (element) {
  element.workspaces = workspaces;
  // Connects and disconnects show as they happen; the 30 s poll stays as the safety net.
  element.liveUrl = __DEMO_LIVE__.url;
  element.liveCredentials = { username: __DEMO_LIVE__.username, password: __DEMO_LIVE__.password };
  element.live = true;
  element.operator = 'demo operator';
  // Sensible defaults for this fleet; each demo button below makes one of them fire.
  const rules: AlertRule[] = [
    { id: 'count-below', kind: 'count-below', threshold: 100 },
    { id: 'sudden-drop', kind: 'sudden-drop', percent: 20, minutes: 2 },
    { id: 'spike', kind: 'spike', connections: 15, minutes: 1 },
    { id: 'storm', kind: 'reconnect-storm', clients: 3, reconnects: 3, minutes: 2 },
    { id: 'network', kind: 'unexpected-network', allowed: ['127.0.0.0/25'], learningMinutes: 0 },
    { id: 'critical', kind: 'critical-disconnect', clients: ['gateway-eu-west-split'] },
  ];
  element.alertRules = rules;
}

/** The demo buttons: kick a critical client, start a storm, connect from a new network. */
const status = document.querySelector('#demo-status');
async function act(label: string, run: () => Promise<Response>) {
  const res = await run();
  if (status) status.textContent = `${label}: ${res.ok ? 'done' : `failed (HTTP ${res.status})`}`;
}
document
  .querySelector('#kick-critical')
  ?.addEventListener('click', () =>
    act('Kicked gateway-eu-west-split', () =>
      fetch('/api/v5/clients/gateway-eu-west-split', { method: 'DELETE' }),
    ),
  );
document
  .querySelector('#storm')
  ?.addEventListener('click', () =>
    act('Reconnect storm (8 clients, 3 rounds)', () =>
      fetch('/dev/fleet/storm', { method: 'POST' }),
    ),
  );
document
  .querySelector('#new-network')
  ?.addEventListener('click', () =>
    act('A client connected from 127.0.0.200', () =>
      fetch('/dev/fleet/new-network', { method: 'POST' }),
    ),
  );
document
  .querySelector('#outage')
  ?.addEventListener('click', () =>
    act('70 clients dropped for a minute (count rules fire at the next poll or Refresh)', () =>
      fetch('/dev/fleet/outage', { method: 'POST' }),
    ),
  );
