/**
 * The export companion of the single-file script (`cs-active-sessions.export.js`): CSV and JSON
 * exports (src/export/export.ts), with Papa Parse built in (scripts/iife/papaparse-inside.ts stands
 * for src/export/load-papaparse.ts).
 */
export { auditToCsv, buildExport, exportFilename, historyToCsv } from '../../src/export/export.js';
