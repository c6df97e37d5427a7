/**
 * IP and CIDR matching as the element's IP filter uses it: ip-match.ts (ipaddr.js) loads when an
 * IP filter is first typed or restored (`loadIpMatch`, see load-ip-match.ts), so a page that
 * filters by no address does not carry it. The filter's patterns are made by the loaded module,
 * so matching them (`ipMatches`, which the query runs) needs it loaded already.
 */
import type { ipMatches as ipMatchesOf, IpPattern, parseIpPattern } from './ip-match.js';
import { importIpMatch } from './load-ip-match.js';

/** What the element uses of ip-match.ts. */
export interface IpMatch {
  parseIpPattern: typeof parseIpPattern;
  ipMatches: typeof ipMatchesOf;
}

let loaded: IpMatch | undefined;
let loading: Promise<IpMatch> | undefined;

/** IP matching, loaded on the first call (tried again after a failed load). */
export function loadIpMatch(): Promise<IpMatch> {
  if (loaded) return Promise.resolve(loaded);
  loading ??= importIpMatch().then(
    (module) => (loaded = module),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/** IP matching if it has loaded already: what lets an IP filter be added at once. */
export const ipMatchLoaded = (): IpMatch | undefined => loaded;

/** Whether an address falls in any of the patterns (made by `loadIpMatch`'s `parseIpPattern`). */
export function ipMatches(ip: string | undefined, patterns: readonly IpPattern[]): boolean {
  if (!loaded) throw new Error('IP patterns were matched before IP matching was loaded');
  return loaded.ipMatches(ip, patterns);
}
