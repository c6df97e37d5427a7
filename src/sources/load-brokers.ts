/**
 * Where the RabbitMQ and HiveMQ sources come from for `createSource`. A bundler splits each
 * dynamic import into its own chunk, loaded only when a source of that broker is first used. The
 * single-file script (`npm run build`) swaps this module for one that loads the companion files
 * shipped beside it (scripts/iife/load-brokers.ts).
 */
import type { HiveMQSource } from './hivemq.js';
import type { RabbitMQSource } from './rabbitmq.js';

export function importRabbitMQ(): Promise<{ RabbitMQSource: typeof RabbitMQSource }> {
  return import('./rabbitmq.js');
}

export function importHiveMQ(): Promise<{ HiveMQSource: typeof HiveMQSource }> {
  return import('./hivemq.js');
}
