/**
 * Where the element gets the evaluation of alert rules (rules.ts, with IP matching): only once it
 * has rules to evaluate. A bundler splits this dynamic import into its own chunk. The single-file
 * script (`npm run build`) swaps this module for one that loads the companion file shipped beside
 * it (scripts/iife/load-rules.ts). The extension's background worker imports rules.ts itself.
 */
import type { badAllowedNetwork, evaluateAlerts, initialAlertState } from './rules.js';

/** What the element uses of rules.ts. */
export interface AlertEngine {
  evaluateAlerts: typeof evaluateAlerts;
  initialAlertState: typeof initialAlertState;
  badAllowedNetwork: typeof badAllowedNetwork;
}

export function importAlertEngine(): Promise<AlertEngine> {
  return import('./rules.js');
}
