/**
 * What the simulated fleet (`DemoSource`) says about itself before it runs: shared by demo.ts and
 * by lazy-demo.ts, which answers these at once and loads the simulation on its first call.
 */
import type { SourceCapabilities } from './source.js';

/** Identity of the simulated fleet in session keys, unless given another. */
export const DEMO_ID = 'demo';

/** Its name in messages, unless given another. */
export const DEMO_LABEL = 'Demo fleet (simulated)';

export const DEMO_CAPABILITIES: Readonly<SourceCapabilities> = Object.freeze({
  serverSearch: false,
  bulkDisconnect: true,
  banList: true,
  liveEvents: false,
  counts: false,
  lazyDetails: false,
});
