/**
 * The RabbitMQ companion of the single-file script (`cs-active-sessions.rabbitmq.js`):
 * `RabbitMQSource`, with src/sources/source.ts replaced by scripts/iife/source-shared.ts (see
 * scripts/cdn.ts).
 */
export { RabbitMQSource } from '../../src/sources/rabbitmq.js';
export { provide } from './source-shared.js';
