/**
 * The real RabbitMQ of this test run: the one `npm test` started (its URLs in the environment),
 * or, when a test file runs alone, one started here and stopped after. Never skipped: without
 * RabbitMQ installed this fails with the command to install it.
 */
import { after, before } from 'node:test';
import type { MqttClient } from 'mqtt';
import { startRabbitMQ } from '../../scripts/rabbitmq.mjs';
import { connectToRabbit, type RabbitInfo } from './rabbit-client.js';

export type { RabbitInfo } from './rabbit-client.js';

/**
 * Registers before/after hooks; gives the running RabbitMQ, and connects clients that are ended
 * after the file's tests.
 */
export function useRabbitMQ(): {
  info(): RabbitInfo;
  connect(spec: Parameters<typeof connectToRabbit>[1]): ReturnType<typeof connectToRabbit>;
} {
  let info: RabbitInfo | undefined;
  let stop: (() => Promise<void>) | undefined;
  const clients: MqttClient[] = [];
  before(async () => {
    const env = process.env;
    if (env['RABBITMQ_API'] && env['RABBITMQ_MQTT_URL'] && env['RABBITMQ_WS_URL']) {
      info = {
        apiUrl: env['RABBITMQ_API'],
        mqttUrl: env['RABBITMQ_MQTT_URL'],
        wsUrl: env['RABBITMQ_WS_URL'],
        user: env['RABBITMQ_USER'] ?? 'guest',
        password: env['RABBITMQ_PASSWORD'] ?? 'guest',
      };
    } else {
      const started = await startRabbitMQ();
      info = started;
      stop = started.stop;
    }
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true)));
    await stop?.();
  });
  const running = () => {
    if (!info) throw new Error('RabbitMQ is not running');
    return info;
  };
  return {
    info: running,
    async connect(spec) {
      const c = await connectToRabbit(running(), spec);
      clients.push(c.client);
      return c;
    },
  };
}
