import type { SourceConfig } from '../model/workspace.js';
import { EmqxSource } from './emqx.js';
import type { SessionSource } from './source.js';

/** A source for a workspace's plain-data source config. */
export function createSource(config: SourceConfig, id?: string): SessionSource {
  switch (config.kind) {
    case 'emqx':
      if (!config.baseUrl) throw new Error('An EMQX source needs a baseUrl');
      return new EmqxSource({
        baseUrl: config.baseUrl,
        ...(config.auth === 'login'
          ? { login: { username: config.apiKey ?? '', password: config.apiSecret ?? '' } }
          : { apiKey: config.apiKey, apiSecret: config.apiSecret }),
        id,
      });
    default:
      throw new Error(`Sources of kind ${JSON.stringify(config.kind)} are not available yet`);
  }
}
