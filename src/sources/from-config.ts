import type { SourceConfig } from '../model/workspace.js';
import { EmqxSource } from './emqx.js';
import { HiveMQSource } from './hivemq.js';
import { LazyDemoSource } from './lazy-demo.js';
import { RabbitMQSource } from './rabbitmq.js';
import type { SessionSource } from './source.js';

/**
 * A source for a workspace's plain-data source config. The key and secret are the API key
 * (EMQX), or the user name and password (EMQX dashboard login, RabbitMQ management, HiveMQ
 * REST API).
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
    case 'rabbitmq':
      return new RabbitMQSource({ baseUrl: config.baseUrl, ...user, id });
    case 'hivemq':
      return new HiveMQSource({ baseUrl: config.baseUrl, ...user, id });
    default:
      throw new Error(`Sources of kind ${JSON.stringify(config.kind)} are not available yet`);
  }
}
