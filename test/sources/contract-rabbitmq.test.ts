/** The source contract against a real RabbitMQ (management, MQTT and Web MQTT plugins). */
import { RabbitMQSource } from '../../src/sources/rabbitmq.js';
import { useRabbitMQ } from '../support/rabbitmq.js';
import { sourceContract } from './contract.js';

const rabbit = useRabbitMQ();

sourceContract('RabbitMQ', () => ({
  source: () =>
    new RabbitMQSource({
      baseUrl: rabbit.info().apiUrl,
      username: rabbit.info().user,
      password: rabbit.info().password,
      pageSize: 3,
    }),
  refusedSource: () =>
    new RabbitMQSource({
      baseUrl: rabbit.info().apiUrl,
      username: rabbit.info().user,
      password: 'wrong-secret',
    }),
  connect: async (spec) => {
    const c = await rabbit.connect(spec);
    return { clientId: spec.clientId, closed: c.closed };
  },
  // New connections show once the management stats have been collected.
  listLagMs: 5000,
  // RabbitMQ keeps QoS 2 subscriptions as QoS 1.
  qos2As: 1,
}));
