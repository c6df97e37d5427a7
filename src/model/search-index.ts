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
    h = `${s.clientId}\u0000${s.username ?? ''}\u0000${s.displayUsername ?? ''}`.toLowerCase();
    haystacks.set(s, h);
  }
  return h;
}

export class IncrementalSearch {
  #base: readonly Session[] | undefined;
  #needle = '';
  #result: readonly Session[] = [];

  /** The sessions of `base` (in its order) whose client ID or username contains `query`. */
  search(base: readonly Session[], query: string): readonly Session[] {
    const needle = query.trim().toLowerCase();
    let result: readonly Session[];
    if (needle === '') {
      result = base;
    } else {
      // Anything that contains the longer query contains the shorter one it extends.
      const from =
        base === this.#base && this.#needle !== '' && needle.includes(this.#needle)
          ? this.#result
          : base;
      if (from === this.#result && needle === this.#needle) return this.#result;
      const out: Session[] = [];
      for (let i = 0; i < from.length; i++) {
        const s = from[i]!;
        if (haystackOf(s).includes(needle)) out.push(s);
      }
      result = out;
    }
    this.#base = base;
    this.#needle = needle;
    this.#result = result;
    return result;
  }
}
