/** Reading untrusted JSON (broker answers) field by field: a wrong type reads as undefined. */

export type Json = Record<string, unknown>;

export const isRecord = (v: unknown): v is Json =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
export const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);

/** What a JSON value is, for a message about an answer of the wrong shape (`an empty list`). */
export function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length ? 'a list' : 'an empty list';
  if (typeof v === 'object') {
    return Object.keys(v).length ? 'an object without the expected fields' : 'an empty object';
  }
  return `a ${typeof v}`;
}
