/**
 * Where Papa Parse comes from. A bundler splits this dynamic import into its own chunk, loaded only
 * when a CSV is first built. The single-file script (`npm run build`) swaps this module for one that
 * loads the companion file shipped beside it (scripts/iife/load-papaparse.ts).
 */
import type Papa from 'papaparse';

export async function importPapa(): Promise<typeof Papa> {
  return (await import('papaparse')).default;
}
