/**
 * The simulated fleet as the element and `createSource` use it: a `SessionSource` that answers its
 * label, id and capabilities at once and loads `DemoSource` (demo.ts, through load-demo.ts) on its
 * first call (see lazy-source.ts), so the element's own code does not carry the simulation. The
 * fleet starts then, as a `DemoSource` made at that moment with the same options would.
 */
import type { DemoSourceOptions } from './demo.js';
import { DEMO_CAPABILITIES, DEMO_ID, DEMO_LABEL } from './demo-info.js';
import { importDemo } from './load-demo.js';
import { LazySource } from './lazy-source.js';

export class LazyDemoSource extends LazySource {
  constructor(options: DemoSourceOptions = {}) {
    super({
      label: options.label ?? DEMO_LABEL,
      id: options.id ?? DEMO_ID,
      capabilities: DEMO_CAPABILITIES,
      methods: ['disconnectMany', 'ban', 'subscribersOf'],
      load: async () => new (await importDemo()).DemoSource(options),
      notLoaded: 'simulationNotLoaded',
    });
  }
}
