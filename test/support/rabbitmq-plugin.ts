/**
 * A web-test-runner plugin that gives browser tests the run's real RabbitMQ (the one `npm test`
 * started, or one it starts on first use) and real MQTT.js clients of it, in Node.
 */
import type { TestRunnerPlugin } from '@web/test-runner';
import type { MqttClient } from 'mqtt';
import { startRabbitMQ } from '../../scripts/rabbitmq.mjs';
import { connectToRabbit, type RabbitInfo } from './rabbit-client.js';

export interface RabbitClientSpec {
  clientId: string;
  transport?: 'tcp' | 'ws';
  subscriptions?: { topic: string; qos: 0 | 1 | 2 }[];
}

export function rabbitMQPlugin(): TestRunnerPlugin {
  let info: Promise<RabbitInfo> | undefined;
  let stop: (() => Promise<void>) | undefined;
  const clients = new Map<string, { client: MqttClient; closed(): boolean }>();

  const rabbit = () => {
    info ??= (async () => {
      const env = process.env;
      if (env['RABBITMQ_API'] && env['RABBITMQ_MQTT_URL'] && env['RABBITMQ_WS_URL']) {
        return {
          apiUrl: env['RABBITMQ_API'],
          mqttUrl: env['RABBITMQ_MQTT_URL'],
          wsUrl: env['RABBITMQ_WS_URL'],
          user: env['RABBITMQ_USER'] ?? 'guest',
          password: env['RABBITMQ_PASSWORD'] ?? 'guest',
        };
      }
      const started = await startRabbitMQ();
      stop = started.stop;
      return started;
    })();
    return info;
  };

  return {
    name: 'rabbitmq',
    async executeCommand({ command, payload }) {
      const p = (payload ?? {}) as Record<string, unknown>;
      switch (command) {
        case 'rabbit-info': {
          const r = await rabbit();
          return { apiUrl: r.apiUrl, user: r.user, password: r.password };
        }
        case 'rabbit-connect': {
          const r = await rabbit();
          for (const spec of p['clients'] as RabbitClientSpec[]) {
            clients.set(spec.clientId, await connectToRabbit(r, spec));
          }
          return true;
        }
        case 'rabbit-client': {
          const c = clients.get(String(p['clientId']));
          if (!c) throw new Error(`No RabbitMQ test client ${String(p['clientId'])}`);
          return { closed: c.closed() };
        }
        case 'rabbit-end': {
          // The client leaves on its own (not closed by the broker).
          await clients.get(String(p['clientId']))?.client.endAsync(true);
          return true;
        }
        default:
          return undefined;
      }
    },
    async serverStop() {
      await Promise.all([...clients.values()].map((c) => c.client.endAsync(true)));
      await stop?.();
    },
  };
}
