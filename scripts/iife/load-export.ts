/**
 * Exports for the single-file script: not inside it, but in the companion file shipped beside it
 * (`cs-active-sessions.export.js`, built from scripts/iife/export-entry.ts, with Papa Parse),
 * loaded only when the user first exports. Replaces src/export/load-export.ts in the IIFE build.
 */
import type { Exporter } from '../../src/export/load-export.js';
import { companionUrl } from './companion.js';

const companion = companionUrl('cs-active-sessions.export.js');

export function importExporter(): Promise<Exporter> {
  return import(/* @vite-ignore */ companion);
}
