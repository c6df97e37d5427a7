/**
 * The demo companion of the single-file script (`cs-active-sessions.demo.js`): `DemoSource`, with
 * src/sources/source.ts replaced by scripts/iife/source-shared.ts (see scripts/cdn.ts).
 */
export { DemoSource } from '../../src/sources/demo.js';
export { provide } from './source-shared.js';
