/**
 * The HiveMQ companion of the single-file script (`cs-active-sessions.hivemq.js`):
 * `HiveMQSource`, with src/sources/source.ts replaced by scripts/iife/source-shared.ts (see
 * scripts/cdn.ts).
 */
export { HiveMQSource } from '../../src/sources/hivemq.js';
export { provide } from './source-shared.js';
