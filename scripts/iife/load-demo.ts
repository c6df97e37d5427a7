/**
 * The simulated fleet for the single-file script: not inside it, but in the companion file shipped
 * beside it (`cs-active-sessions.demo.js`, built from scripts/iife/demo-entry.ts), loaded only when
 * a demo source is first used. Replaces src/sources/load-demo.ts in the IIFE build.
 *
 * The companion has no `SourceError` of its own: this script gives it its own class, so the errors
 * of the simulated fleet are instances of the class the element checks (`instanceof`).
 */
import type { DemoSource } from '../../src/sources/demo.js';
import { SourceError } from '../../src/sources/source.js';
import { companionUrl } from './companion.js';
import type { SharedWithDemo } from './demo-shared.js';

const companion = companionUrl('cs-active-sessions.demo.js');

export async function importDemo(): Promise<{ DemoSource: typeof DemoSource }> {
  const module = (await import(/* @vite-ignore */ companion)) as {
    DemoSource: typeof DemoSource;
    provide(shared: SharedWithDemo): void;
  };
  module.provide({ SourceError });
  return module;
}
