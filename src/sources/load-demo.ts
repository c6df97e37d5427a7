/**
 * Where the simulated fleet (`DemoSource`) comes from. A bundler splits this dynamic import into
 * its own chunk, loaded only when a demo source is first used. The single-file script
 * (`npm run build`) swaps this module for one that loads the companion file shipped beside it
 * (scripts/iife/load-demo.ts).
 */
import type { DemoSource } from './demo.js';

export function importDemo(): Promise<{ DemoSource: typeof DemoSource }> {
  return import('./demo.js');
}
