/**
 * Where the element gets its exports (export.ts: CSV and JSON of sessions, history and the audit
 * log): only when the user first exports. A bundler splits this dynamic import into its own chunk,
 * and export.ts loads Papa Parse from another when it first writes a CSV. The single-file script
 * (`npm run build`) swaps this module for one that loads the companion file shipped beside it, with
 * Papa Parse inside (scripts/iife/load-export.ts).
 */
import type { auditToCsv, buildExport, exportFilename, historyToCsv } from './export.js';

/** What the element uses of export.ts. */
export interface Exporter {
  buildExport: typeof buildExport;
  exportFilename: typeof exportFilename;
  historyToCsv: typeof historyToCsv;
  auditToCsv: typeof auditToCsv;
}

export function importExporter(): Promise<Exporter> {
  return import('./export.js');
}
