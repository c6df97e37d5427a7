/**
 * In the source companion files (the simulated fleet, RabbitMQ, HiveMQ: see scripts/cdn.ts),
 * stands in for src/sources/source.ts: its `SourceError` is the single-file script's own class,
 * given by `provide` before any source is made (`importSourceCompanion` in companion.ts), so an
 * error of a source in a companion passes the element's `instanceof`.
 */
import type { SourceError as SourceErrorClass } from '../../src/sources/source.js';

/** What the single-file script gives a source companion. */
export interface SharedWithSources {
  SourceError: typeof SourceErrorClass;
}

export let SourceError: typeof SourceErrorClass;

export function provide(shared: SharedWithSources): void {
  SourceError = shared.SourceError;
}
