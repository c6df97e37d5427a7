/**
 * Search as the user types, over up to hundreds of thousands of sessions: each session's
 * lower-cased client ID and usernames are worked out once per list (the store keeps objects that
 * did not change across refreshes), a query that extends the previous one narrows the previous
 * result instead of the whole list, and clearing the query hands back the list itself. No
 * allocation per row per keystroke: one result array per query.
 */
import type { Session } from './session.js';

/** The usernames of sessions whose lower-cased form is a new string, remembered per object. */
const usernames = new WeakMap<Session, string>();

/**
 * The client ID, lower-cased. Most are already: `toLowerCase` then hands back the string itself,
 * so nothing is copied or kept for them.
 */
export function clientIdNeedle(s: Session): string {
  return s.clientId.toLowerCase();
}

/**
 * The username as sent, lower-cased, and the username shown after a NUL where the one sent does
 * not hold it (whatever is found in a part of it is found in the whole); usually the session's
 * own string. A query (typed text) cannot match across the NUL, nor across the client ID.
 */
export function usernameNeedle(s: Session): string {
  const user = (s.username ?? '').toLowerCase();
  if (user === s.username) {
    const shown = s.displayUsername ?? '';
    if (shown === '' || user.includes(shown)) return user;
  }
  let h = usernames.get(s);
  if (h === undefined) {
    const shown = (s.displayUsername ?? '').toLowerCase();
    // One flat string (`join`), not a rope of its parts: read on every keystroke.
    h = user.includes(shown) ? user : [user, shown].join('\u0000');
    usernames.set(s, h);
  }
  return h;
}

/** Whether a session's client ID or username contains `needle` (lower case). */
export function matchesNeedle(s: Session, needle: string): boolean {
  return clientIdNeedle(s).includes(needle) || usernameNeedle(s).includes(needle);
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
  /**
   * Where each session of `#result` stands in `#base`: its first `#result.length` entries. Kept
   * between keystrokes; a narrowing search filters it in place.
   */
  #at = new Int32Array(0);
  /** What each session of `#hayOf` is searched in, by index; filled up to `#filled`. */
  #hayOf: readonly Session[] | undefined;
  #ids: string[] = [];
  #users: string[] = [];
  #filled = 0;

  /**
   * Works out the haystacks of `base` until `until` (a `performance.now()`), for a list that
   * changed; returns whether they are all there. Without `until`, all of them.
   */
  prepare(base: readonly Session[], until = Infinity): boolean {
    if (this.#hayOf !== base) {
      this.#hayOf = base;
      this.#ids = new Array<string>(base.length);
      this.#users = new Array<string>(base.length);
      this.#filled = 0;
    }
    const ids = this.#ids;
    const users = this.#users;
    const n = base.length;
    let i = this.#filled;
    while (i < n) {
      const end = Math.min(n, i + 512);
      for (; i < end; i++) {
        const s = base[i]!;
        ids[i] = clientIdNeedle(s);
        users[i] = usernameNeedle(s);
      }
      if (performance.now() >= until) break;
    }
    this.#filled = i;
    return i >= n;
  }

  /**
   * The sessions of `base` (in its order) whose client ID or username contains `query`. The
   * positions of matches go to a buffer kept between keystrokes, and the result is made at its
   * size: no array grows match by match.
   */
  search(base: readonly Session[], query: string): readonly Session[] {
    const needle = query.trim().toLowerCase();
    if (needle === '') {
      this.#base = base;
      this.#needle = '';
      this.#result = base;
      return base;
    }
    // Anything that contains the longer query contains the shorter one it extends.
    const narrow = base === this.#base && this.#needle !== '' && needle.includes(this.#needle);
    if (narrow && needle === this.#needle) return this.#result;
    this.prepare(base);
    const ids = this.#ids;
    const users = this.#users;
    if (this.#at.length < base.length) this.#at = new Int32Array(base.length);
    const at = this.#at;
    let n = 0;
    if (narrow) {
      // In place: each position is read before any is written over it.
      const count = this.#result.length;
      for (let k = 0; k < count; k++) {
        const i = at[k]!;
        if (ids[i]!.includes(needle) || users[i]!.includes(needle)) at[n++] = i;
      }
    } else {
      const count = ids.length;
      for (let i = 0; i < count; i++) {
        if (ids[i]!.includes(needle) || users[i]!.includes(needle)) at[n++] = i;
      }
    }
    const out = new Array<Session>(n);
    for (let k = 0; k < n; k++) out[k] = base[at[k]!]!;
    this.#base = base;
    this.#needle = needle;
    this.#result = out;
    return out;
  }
}
