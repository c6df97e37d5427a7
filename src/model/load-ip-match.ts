/**
 * Where IP and CIDR matching (ip-match.ts, on ipaddr.js) comes from for the element's IP filter.
 * A bundler splits this dynamic import into its own chunk, loaded only when an IP filter is first
 * typed or restored. The single-file script (`npm run build`) swaps this module for one that loads
 * the companion file shipped beside it (scripts/iife/load-ip-match.ts).
 */
import type { IpMatch } from './ip-filter.js';

export function importIpMatch(): Promise<IpMatch> {
  return import('./ip-match.js');
}
