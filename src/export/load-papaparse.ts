/**
 * Where Papa Parse comes from. A bundler splits this dynamic import into its own chunk, loaded only
 * when a CSV is first built. In the single-file script (`npm run build`), Papa Parse is inside the
 * export companion instead (scripts/iife/papaparse-inside.ts stands for this module there).
 */
import type Papa from 'papaparse';

export async function importPapa(): Promise<typeof Papa> {
  return (await import('papaparse')).default;
}
