/**
 * In the demo companion file (scripts/iife/demo-entry.ts), stands in for src/sources/source.ts:
 * its `SourceError` is the single-file script's own class, given by `provide` before the fleet is
 * made (scripts/iife/load-demo.ts), so an error of the fleet passes the element's `instanceof`.
 */
import type { SourceError as SourceErrorClass } from '../../src/sources/source.js';

/** What the single-file script gives the demo companion. */
export interface SharedWithDemo {
  SourceError: typeof SourceErrorClass;
}

export let SourceError: typeof SourceErrorClass;

export function provide(shared: SharedWithDemo): void {
  SourceError = shared.SourceError;
}
