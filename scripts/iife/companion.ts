/**
 * Where the single-file script's companion files are: beside the script, found from its own URL
 * (read while the script runs: `document.currentScript` is null afterwards), not the page's.
 */
const base = (document.currentScript as HTMLScriptElement | null)?.src || document.baseURI;

/** The URL of a companion file shipped beside the single-file script. */
export function companionUrl(file: string): string {
  return new URL(file, base).href;
}
