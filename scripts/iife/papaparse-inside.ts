/**
 * Papa Parse inside the export companion (scripts/iife/export-entry.ts): replaces
 * src/export/load-papaparse.ts there, so the companion needs no file of its own.
 */
import Papa from 'papaparse';

export function importPapa(): Promise<typeof Papa> {
  return Promise.resolve(Papa);
}
