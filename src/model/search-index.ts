/**
 * Search as the user types, over up to hundreds of thousands of sessions: each session's
 * lower-cased client ID and usernames are computed once per session object (the store keeps
 * objects that did not change across refreshes), a query that extends the previous one narrows
 * the previous result instead of the whole list, and clearing the query hands back the list
 * itself. No allocation per row per keystroke: one result array per query.
 */
import type { Session } from './session.js';

const haystacks = new WeakMap<Session, string>();

/** What a query is looked for in: client ID, username as sent, username shown; lower-cased. */
export function haystackOf(s: Session): string {
  let h = haystacks.get(s);
  if (h === undefined) {
    // NUL between fields: a query (typed text) cannot match across two of them.
    const id = s.clientId.toLowerCase();
    const user = (s.username ?? '').toLowerCase();
    const shown = (s.displayUsername ?? '').toLowerCase();
    // One flat string (`join`), not a rope of the parts: read on every keystroke. The username
    // shown is left out where the one sent holds it (nearly always): whatever is found in it is
    // found there too.
    h = (user.includes(shown) ? [id, user] : [id, user, shown]).join('\u0000');
    haystacks.set(s, h);
  }
  return h;
}

/**
 * Search over one list at a time (the view before search). The haystacks of that list are kept
 * in an array in its order, so a keystroke reads each by index instead of looking it up by
 * object; a list of many sessions gets them between frames (`prepare`) before anyone types.
 */
export class IncrementalSearch {
  #base: readonly Session[] | undefined;
  #needle = '';
  #result: readonly Session[] = [];
  /** Where each session of `#result` stands in `#base`. */
  #at: number[] = [];
  /** `haystackOf` of each session of `#hayOf`, by index; filled up to `#filled`. */
  #hayOf: readonly Session[] | undefined;
  #hay: string[] = [];
  #filled = 0;

  /**
   * Works out the haystacks of `base` until `until` (a `performance.now()`), for a list that
   * changed; returns whether they are all there. Without `until`, all of them.
   */
  prepare(base: readonly Session[], until = Infinity): boolean {
    if (this.#hayOf !== base) {
      this.#hayOf = base;
      this.#hay = new Array<string>(base.length);
      this.#filled = 0;
    }
    const hay = this.#hay;
    const n = base.length;
    let i = this.#filled;
    while (i < n) {
      const end = Math.min(n, i + 512);
      for (; i < end; i++) hay[i] = haystackOf(base[i]!);
      if (performance.now() >= until) break;
    }
    this.#filled = i;
    return i >= n;
  }

  /** The sessions of `base` (in its order) whose client ID or username contains `query`. */
  search(base: readonly Session[], query: string): readonly Session[] {
    const needle = query.trim().toLowerCase();
    if (needle === '') {
      this.#base = base;
      this.#needle = '';
      this.#result = base;
      this.#at = [];
      return base;
    }
    // Anything that contains the longer query contains the shorter one it extends.
    const narrow = base === this.#base && this.#needle !== '' && needle.includes(this.#needle);
    if (narrow && needle === this.#needle) return this.#result;
    this.prepare(base);
    const hay = this.#hay;
    const out: Session[] = [];
    const at: number[] = [];
    if (narrow) {
      for (const i of this.#at) {
        if (hay[i]!.includes(needle)) {
          out.push(base[i]!);
          at.push(i);
        }
      }
    } else {
      for (let i = 0; i < hay.length; i++) {
        if (hay[i]!.includes(needle)) {
          out.push(base[i]!);
          at.push(i);
        }
      }
    }
    this.#base = base;
    this.#needle = needle;
    this.#result = out;
    this.#at = at;
    return out;
  }
}
