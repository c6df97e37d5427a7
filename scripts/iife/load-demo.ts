/**
 * The simulated fleet for the single-file script: not inside it, but in the companion file shipped
 * beside it (`cs-active-sessions.demo.js`, built from scripts/iife/demo-entry.ts), loaded only when
 * a demo source is first used. Replaces src/sources/load-demo.ts in the IIFE build.
 */
import type { DemoSource } from '../../src/sources/demo.js';
import { importSourceCompanion } from './companion.js';

export function importDemo(): Promise<{ DemoSource: typeof DemoSource }> {
  return importSourceCompanion('cs-active-sessions.demo.js');
}
