/**
 * The evaluation of alert rules for the single-file script: not inside it, but in the companion
 * file shipped beside it (`cs-active-sessions.alerts.js`, built from scripts/iife/alerts-entry.ts),
 * loaded only once there are rules to evaluate. Replaces src/alerts/load-rules.ts in the IIFE
 * build.
 */
import type { AlertEngine } from '../../src/alerts/load-rules.js';
import { companionUrl } from './companion.js';

export function importAlertEngine(): Promise<AlertEngine> {
  return import(/* @vite-ignore */ companionUrl('cs-active-sessions.alerts.js'));
}
