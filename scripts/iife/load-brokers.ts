/**
 * The RabbitMQ and HiveMQ sources for the single-file script: not inside it, but each in a
 * companion file shipped beside it (`cs-active-sessions.rabbitmq.js`, `cs-active-sessions.hivemq.js`,
 * built from scripts/iife/rabbitmq-entry.ts and hivemq-entry.ts), loaded only when a source of
 * that broker is first used. Replaces src/sources/load-brokers.ts in the IIFE build.
 */
import type { HiveMQSource } from '../../src/sources/hivemq.js';
import type { RabbitMQSource } from '../../src/sources/rabbitmq.js';
import { importSourceCompanion } from './companion.js';

export function importRabbitMQ(): Promise<{ RabbitMQSource: typeof RabbitMQSource }> {
  return importSourceCompanion('cs-active-sessions.rabbitmq.js');
}

export function importHiveMQ(): Promise<{ HiveMQSource: typeof HiveMQSource }> {
  return importSourceCompanion('cs-active-sessions.hivemq.js');
}
