/**
 * A web-test-runner plugin that gives browser tests their own real dev broker and real MQTT.js
 * clients (in Node), through `executeServerCommand`. Each test starts its broker on free ports.
 */
import type { TestRunnerPlugin } from '@web/test-runner';
import { startDevBroker, type DevBroker } from '../../demo/dev-broker/broker.js';
import {
  connectClient,
  startFleetProcess,
  targetOf,
  type FleetProcess,
  type FleetClient,
  type FleetClientSpec,
} from '../../demo/fleet.js';
import type { BrokerInfo, ClientState } from './broker-commands.js';

interface Running {
  broker: DevBroker;
  clients: Map<string, FleetClient>;
  processes: FleetProcess[];
}

export function devBrokerPlugin(): TestRunnerPlugin {
  const running = new Map<string, Running>();
  let nextId = 1;

  const get = (id: string): Running => {
    const r = running.get(id);
    if (!r) throw new Error(`No dev broker ${id} is running`);
    return r;
  };

  const stop = async (id: string) => {
    const r = running.get(id);
    if (!r) return;
    running.delete(id);
    await Promise.all([...r.clients.values()].map((c) => c.end()));
    await Promise.all(r.processes.map((f) => f.stop()));
    await r.broker.close();
  };

  return {
    name: 'dev-broker',
    async executeCommand({ command, payload }) {
      const p = (payload ?? {}) as Record<string, unknown>;
      switch (command) {
        case 'broker-start': {
          const broker = await startDevBroker({
            mqttPort: 0,
            wsPort: 0,
            tlsPort: 0,
            apiPort: 0,
            secondNode: p['secondNode'] === true,
          });
          const id = String(nextId++);
          running.set(id, { broker, clients: new Map(), processes: [] });
          const info: BrokerInfo = {
            id,
            apiUrl: broker.apiUrl,
            wsUrl: broker.wsUrl,
            apiKey: broker.apiKey,
            apiSecret: broker.apiSecret,
            viewerKey: broker.viewerKey,
            viewerSecret: broker.viewerSecret,
          };
          return info;
        }
        case 'broker-stop':
          await stop(String(p['broker']));
          return true;
        case 'mqtt-connect': {
          const r = get(String(p['broker']));
          const target = targetOf(r.broker);
          const specs = p['clients'] as FleetClientSpec[];
          const clients = await Promise.all(specs.map((spec) => connectClient(spec, target)));
          for (const c of clients) r.clients.set(c.spec.clientId, c);
          return true;
        }
        case 'mqtt-connect-many': {
          // Thousands of plain clients (`<prefix>00000`…) in a process of their own: each
          // connection needs a descriptor at both ends, more than one process may hold.
          const r = get(String(p['broker']));
          const fleet = startFleetProcess(
            targetOf(r.broker),
            Number(p['count']),
            String(p['prefix']),
          );
          r.processes.push(fleet);
          return fleet.ready;
        }
        case 'broker-faults': {
          // Validated as `PUT /dev/faults`, and applied to clients already connected.
          get(String(p['broker'])).broker.setFaults(p['faults']);
          return true;
        }
        case 'broker-restart': {
          // Resolves once the broker is down (or, with `wait`, once it is back).
          const broker = get(String(p['broker'])).broker;
          const downMs = typeof p['downMs'] === 'number' ? p['downMs'] : 1000;
          let back: Promise<void> | undefined;
          await new Promise<void>((resolve, reject) => {
            back = broker.restart({ downMs, onDown: resolve });
            back.catch(reject);
          });
          if (p['wait'] === true) await back;
          return true;
        }
        case 'broker-requests': {
          // The management API requests the broker saw, from `since` (epoch ms) on.
          const since = typeof p['since'] === 'number' ? p['since'] : 0;
          return get(String(p['broker'])).broker.requests.filter((r) => r.t >= since);
        }
        case 'broker-connections': {
          // Client IDs connected to the broker now, on every node.
          return get(String(p['broker']))
            .broker.nodes.flatMap((n) => n.registry.all())
            .filter((r) => r.client !== undefined)
            .map((r) => r.clientId);
        }
        case 'broker-bans': {
          return get(String(p['broker']))
            .broker.bans.active()
            .map((b) => ({ as: b.as, who: b.who, until: b.until }));
        }
        case 'mqtt-client': {
          const c = get(String(p['broker'])).clients.get(String(p['clientId']));
          if (!c) throw new Error(`No test client ${String(p['clientId'])}`);
          const state: ClientState = {
            connected: c.mqtt.connected,
            closes: c.closes,
            connects: c.connects,
          };
          return state;
        }
        default:
          return undefined;
      }
    },
    async serverStop() {
      await Promise.all([...running.keys()].map(stop));
    },
  };
}
