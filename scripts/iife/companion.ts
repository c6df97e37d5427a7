/**
 * Where the single-file script's companion files are: beside the script, found from its own URL
 * (read while the script runs: `document.currentScript` is null afterwards), not the page's.
 */
import { SourceError } from '../../src/sources/source.js';
import type { SharedWithSources } from './source-shared.js';

const base = (document.currentScript as HTMLScriptElement | null)?.src || document.baseURI;

/** The URL of a companion file shipped beside the single-file script. */
export function companionUrl(file: string): string {
  return new URL(file, base).href;
}

/**
 * Loads a source companion (its `SourceError` replaced by scripts/iife/source-shared.ts) and
 * gives it this script's `SourceError`, so the errors of its sources are instances of the class
 * the element checks (`instanceof`).
 */
export async function importSourceCompanion<T>(file: string): Promise<T> {
  const module = (await import(/* @vite-ignore */ companionUrl(file))) as T & {
    provide(shared: SharedWithSources): void;
  };
  module.provide({ SourceError });
  return module;
}
