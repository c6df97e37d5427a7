import type { SourceConfig } from '../model/workspace.js';
import {
  brokerLabel,
  brokerSourceId,
  HIVEMQ_CAPABILITIES,
  RABBITMQ_CAPABILITIES,
} from './broker-info.js';
import { EmqxSource } from './emqx.js';
import { LazyDemoSource } from './lazy-demo.js';
import { LazySource } from './lazy-source.js';
import { importHiveMQ, importRabbitMQ } from './load-brokers.js';
import type { SessionSource } from './source.js';

/**
 * A source for a workspace's plain-data source config. The key and secret are the API key
 * (EMQX), or the user name and password (EMQX dashboard login, RabbitMQ management, HiveMQ
 * REST API).
 *
 * The code of a RabbitMQ or HiveMQ source, like the simulated fleet's, loads on its first call
 * (lazy-source.ts): a page carries only the sources it uses.
 */
export function createSource(config: SourceConfig, id?: string): SessionSource {
  // The simulated fleet needs no broker; its code loads when it is first asked for sessions.
  if (config.kind === 'demo') return new LazyDemoSource({ id });
  if (!config.baseUrl) throw new Error(`A ${config.kind} source needs a baseUrl`);
  const user = { username: config.apiKey, password: config.apiSecret };
  switch (config.kind) {
    case 'emqx':
      return new EmqxSource({
        baseUrl: config.baseUrl,
        ...(config.auth === 'login'
          ? { login: { username: config.apiKey ?? '', password: config.apiSecret ?? '' } }
          : { apiKey: config.apiKey, apiSecret: config.apiSecret }),
        role: config.role,
        id,
      });
    case 'rabbitmq': {
      const options = { baseUrl: config.baseUrl, ...user, id };
      return new LazySource({
        label: brokerLabel('RabbitMQ', config.baseUrl),
        id: id ?? brokerSourceId(config.baseUrl),
        capabilities: RABBITMQ_CAPABILITIES,
        methods: [],
        load: async () => new (await importRabbitMQ()).RabbitMQSource(options),
      });
    }
    case 'hivemq': {
      const options = { baseUrl: config.baseUrl, ...user, id };
      return new LazySource({
        label: brokerLabel('HiveMQ', config.baseUrl),
        id: id ?? brokerSourceId(config.baseUrl),
        capabilities: HIVEMQ_CAPABILITIES,
        methods: ['hydrate'],
        load: async () => new (await importHiveMQ()).HiveMQSource(options),
      });
    }
    default:
      throw new Error(`Sources of kind ${JSON.stringify(config.kind)} are not available yet`);
  }
}
