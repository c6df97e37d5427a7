import { hashClientId } from '../../src/analysis/client-id-map.js';

/**
 * Two client IDs with one `hashClientId`, found among generated ones (32 bits: a pair among
 * about 80,000): what the maps by client ID hash must keep apart.
 */
export function collidingClientIds(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const id = `device-${i}`;
    const h = hashClientId(id);
    const other = seen.get(h);
    if (other !== undefined) return [other, id];
    seen.set(h, id);
  }
}
