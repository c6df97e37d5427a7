/**
 * Papa Parse for the single-file script: not inside it, but in the companion file shipped beside
 * it (`cs-active-sessions.csv.js`, built from scripts/iife/papaparse-entry.ts), loaded only when
 * a CSV export starts. Replaces src/export/load-papaparse.ts in the IIFE build.
 */
import type Papa from 'papaparse';
import { companionUrl } from './companion.js';

const companion = companionUrl('cs-active-sessions.csv.js');

export async function importPapa(): Promise<typeof Papa> {
  const module = (await import(/* @vite-ignore */ companion)) as { default: typeof Papa };
  return module.default;
}
