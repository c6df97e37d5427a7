/**
 * IP and CIDR matching for the single-file script's IP filter: not inside it, but in the companion
 * file shipped beside it (`cs-active-sessions.ip.js`, built from scripts/iife/ip-entry.ts), loaded
 * only when an IP filter is first typed or restored. Replaces src/model/load-ip-match.ts in the
 * IIFE build.
 */
import type { IpMatch } from '../../src/model/ip-filter.js';
import { companionUrl } from './companion.js';

export function importIpMatch(): Promise<IpMatch> {
  return import(/* @vite-ignore */ companionUrl('cs-active-sessions.ip.js'));
}
