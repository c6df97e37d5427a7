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

/** Sessions per piece of the joined haystacks: a piece is made at once, between frames. */
const PIECE = 2048;
/**
 * Code units past which a piece ends early: a string holds at most 2^29 - 24, and a source may
 * send strings longer than MQTT allows (65,535 bytes each).
 */
const PIECE_UNITS = 1 << 26;
/**
 * How far past an edit a new list is searched for where the previous one's pieces go on (see
 * `prepare`), in sessions: past it, what is left of the list is joined afresh.
 */
const RESYNC = 4 * PIECE;

/**
 * A run of the list's sessions with their haystacks joined into one string: each session's
 * client ID, a NUL, its usernames, then U+0001.
 */
interface Piece {
  text: string;
  /** Where each session starts in `text`, and its length last (so one entry more than it has). */
  starts: Int32Array;
  /**
   * Per ASCII character, which of its sessions hold it in their haystacks, one bit each: a
   * one-character query (every search's first keystroke, matching most of a fleet) reads its
   * answer from these instead of scanning for each match. A row of bits per character some
   * session holds, one after another (see `charsOf`).
   */
  chars: Uint32Array;
  /** Per character code (below 128), its row in `chars`; -1 where no session holds it. */
  charRows: Int16Array;
}

/** Whether two versions of a session have the same haystacks (the same strings they come from). */
const sameHaystacks = (a: Session, b: Session) =>
  a.key === b.key &&
  a.clientId === b.clientId &&
  a.username === b.username &&
  a.displayUsername === b.displayUsername;

/**
 * Search over one list at a time (the view before search). The haystacks of that list are joined,
 * in its order, into a few long strings (pieces of about `PIECE` sessions), with where each
 * session starts in its piece. A keystroke is then a few `indexOf` scans, which the engine runs
 * far faster than a test of every session, and jumps from a match to the next session. A list of
 * many sessions gets its pieces between frames (`prepare`) before anyone types.
 *
 * A new list (a refresh, live events) keeps the pieces of the previous one wherever it holds
 * their runs of sessions, in their order, with the same haystacks: only the runs with sessions
 * that came, left or were renamed are joined again. A refresh of 100,000 sessions under a query
 * costs a scan, not the joining of every haystack again (30 ms and more here, inside the
 * refresh's frame). A list in another order (a sort) is joined afresh. Lists are not changed in
 * place once given (each change of the view is a new array).
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
  /** The list the pieces are of, and how many of its sessions they hold so far. */
  #hayOf: readonly Session[] | undefined;
  #pieces: Piece[] = [];
  /** Per piece, where its first session is in the list. */
  #firsts: number[] = [];
  #filled = 0;
  /**
   * The pieces of the list before, still to be matched against this one from `#next` on, that
   * list, and where each piece's first session is in it.
   */
  #previous: Piece[] = [];
  #previousList: readonly Session[] = [];
  #previousFirsts: number[] = [];
  #next = 0;
  /**
   * Sessions `#rejoin` may still look at for this list: a list in another order (a sort) has
   * no runs to reuse, and is joined afresh after a look at twice its length at most.
   */
  #budget = 0;
  /** Where the sessions being joined afresh end (`#rejoin`). */
  #joinTo = 0;
  /** Sessions whose haystacks were joined, since this was made (what reuse saves). */
  #joined = 0;
  readonly #pieceUnits: number;

  /** `pieceUnits`: where a piece ends early, in code units (smaller in tests). */
  constructor(pieceUnits = PIECE_UNITS) {
    this.#pieceUnits = pieceUnits;
  }

  /** How many sessions' haystacks have been joined so far: what a new list did not reuse. */
  get joined(): number {
    return this.#joined;
  }

  /**
   * Works out the haystacks of `base` until `until` (a `performance.now()`), for a list that
   * changed; returns whether they are all there. Without `until`, all of them.
   */
  prepare(base: readonly Session[], until = Infinity): boolean {
    if (this.#hayOf !== base) {
      // The pieces so far, in order: those of the previous list (complete or not) to reuse.
      this.#previous = this.#pieces;
      this.#previousList = this.#hayOf ?? [];
      this.#previousFirsts = this.#firsts;
      this.#next = 0;
      this.#budget = 2 * base.length;
      this.#joinTo = 0;
      this.#hayOf = base;
      this.#pieces = [];
      this.#firsts = [];
      this.#filled = 0;
    }
    const n = base.length;
    while (this.#filled < n) {
      const from = this.#filled;
      const reused = from >= this.#joinTo ? this.#reuse(base, from) : undefined;
      if (reused !== undefined) this.#push(reused, from);
      else {
        if (from >= this.#joinTo) this.#joinTo = this.#rejoin(base, from);
        if (from < this.#joinTo) this.#make(base, from, this.#joinTo);
      }
      // One piece at a time, reused or made, the clock looked at after each.
      if (performance.now() >= until) break;
    }
    if (this.#filled >= n) this.#forget();
    return this.#filled >= n;
  }

  /** Lets go of the previous list and its pieces. */
  #forget(): void {
    this.#previous = [];
    this.#previousList = [];
    this.#previousFirsts = [];
  }

  #push(piece: Piece, first: number): void {
    this.#pieces.push(piece);
    this.#firsts.push(first);
    this.#filled = first + piece.starts.length - 1;
  }

  /**
   * The next piece of the previous list if `base` holds its run of sessions, with the same
   * haystacks, from `from` on; undefined if not.
   */
  #reuse(base: readonly Session[], from: number): Piece | undefined {
    const piece = this.#previous[this.#next];
    if (piece === undefined) return undefined;
    const list = this.#previousList;
    const first = this.#previousFirsts[this.#next]!;
    const length = piece.starts.length - 1;
    if (from + length > base.length) return undefined;
    for (let k = 0; k < length; k++) {
      const was = list[first + k]!;
      const is = base[from + k]!;
      // Nearly every session is the same object: no call for it.
      if (was !== is && !sameHaystacks(was, is)) return undefined;
    }
    this.#next++;
    return piece;
  }

  /**
   * Where the sessions to join from `from` end: where the piece of the previous list that did
   * not match at `from`, or one of the few after it, starts again in `base` (after sessions that
   * came, left or changed), nearest first. Found in none within `RESYNC` sessions, or once the
   * list has been looked through twice over, at the end of the list: the previous pieces are then
   * given up.
   */
  #rejoin(base: readonly Session[], from: number): number {
    const previous = this.#previous;
    if (this.#next >= previous.length) return base.length;
    const heads = this.#previousFirsts
      .slice(this.#next, this.#next + 4)
      .map((first) => this.#previousList[first]!);
    const last = Math.min(base.length, from + RESYNC);
    // The same object first (a session that did not change), then the same key (a new version).
    for (const sameKey of [false, true]) {
      for (let i = from; i < last; i++) {
        const s = base[i]!;
        // Not the piece that did not match at `from` itself, there.
        for (let h = i === from ? 1 : 0; h < heads.length; h++) {
          const head = heads[h]!;
          if (s === head || (sameKey && s.key === head.key)) {
            this.#budget -= i - from;
            this.#next += h;
            return i;
          }
        }
      }
      if ((this.#budget -= last - from) < 0) break;
    }
    this.#forget();
    return base.length;
  }

  /** Joins the haystacks of the next piece of `base[from..to)`: at most `PIECE` sessions. */
  #make(base: readonly Session[], from: number, to: number): void {
    const end = Math.min(to, from + PIECE);
    // Made at its full size: grown part by part, it left several times its size of garbage per
    // piece, most of what a list's haystacks allocated.
    const parts = new Array<string>(4 * (end - from));
    const starts = new Int32Array(end - from + 1);
    let at = 0;
    let i = from;
    let k = 0;
    let w = 0;
    // At least one session a piece, however long.
    for (; i < end && (k === 0 || at < this.#pieceUnits); i++, k++) {
      const s = base[i]!;
      const id = clientIdNeedle(s);
      const user = usernameNeedle(s);
      starts[k] = at;
      parts[w++] = id;
      parts[w++] = '\u0000';
      parts[w++] = user;
      parts[w++] = '\u0001';
      at += id.length + user.length + 2;
    }
    starts[k] = at;
    parts.length = w;
    const text = parts.join('');
    const own = i === end ? starts : starts.slice(0, k + 1);
    this.#joined += k;
    this.#push({ text, starts: own, ...charsOf(text, own) }, from);
  }

  /** The sessions holding the ASCII character `code`, into `#at`; returns how many. */
  #holding(code: number): number {
    const at = this.#at;
    let n = 0;
    for (let p = 0; p < this.#pieces.length; p++) {
      const piece = this.#pieces[p]!;
      const row = piece.charRows[code]!;
      if (row < 0) continue;
      const bits = piece.chars;
      const words = wordsOf(piece.starts);
      const first = this.#firsts[p]!;
      for (let w = 0, from = row * words; w < words; w++) {
        let word = bits[from + w]!;
        while (word !== 0) {
          const low = word & -word;
          at[n++] = first + (w << 5) + 31 - Math.clz32(low);
          word ^= low;
        }
      }
    }
    return n;
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
    if (this.#at.length < base.length) this.#at = new Int32Array(base.length);
    const code = needle.charCodeAt(0);
    const n =
      // A query holding the separators (never typed) is tested session by session.
      needle.includes('\u0000') || needle.includes('\u0001')
        ? this.#testEach(base, needle)
        : // One ASCII character (never a narrowing: that would be the same query).
          needle.length === 1 && code < 128
          ? (this.prepare(base), this.#holding(code))
          : this.#scan(base, needle, narrow ? this.#result.length : -1);
    const at = this.#at;
    const out = new Array<Session>(n);
    for (let k = 0; k < n; k++) out[k] = base[at[k]!]!;
    this.#base = base;
    this.#needle = needle;
    this.#result = out;
    return out;
  }

  /**
   * Scans the pieces for `needle`; puts the matching positions in `#at` and returns how many.
   * Narrowing (`candidates`, the previous result's size, or -1): only the previous matches can
   * match, so pieces without one are skipped and a match elsewhere is not taken. In place: each
   * position is read before any is written over it.
   */
  #scan(base: readonly Session[], needle: string, candidates: number): number {
    this.prepare(base);
    const at = this.#at;
    const pieces = this.#pieces;
    let n = 0;
    let k = 0;
    for (let p = 0; p < pieces.length; p++) {
      const first = this.#firsts[p]!;
      const { starts, text: piece } = pieces[p]!;
      const last = first + starts.length - 1;
      if (candidates >= 0 && (k >= candidates || at[k]! >= last)) continue;
      // From the first candidate in this piece, if narrowing.
      let j = candidates >= 0 ? at[k]! - first : 0;
      let pos = piece.indexOf(needle, starts[j]!);
      while (pos >= 0) {
        while (starts[j + 1]! <= pos) j++;
        const i = first + j;
        if (candidates < 0) {
          at[n++] = i;
          pos = piece.indexOf(needle, starts[j + 1]!);
          continue;
        }
        while (k < candidates && at[k]! < i) k++;
        if (k < candidates && at[k] === i) {
          at[n++] = i;
          k++;
        }
        if (k >= candidates || at[k]! >= last) break;
        // On from the next candidate.
        j = at[k]! - first;
        pos = piece.indexOf(needle, starts[j]!);
      }
      // The candidates of this piece that did not match.
      if (candidates >= 0) while (k < candidates && at[k]! < last) k++;
    }
    return n;
  }

  /** `needle` tested in each session's haystacks; the matching positions in `#at`. */
  #testEach(base: readonly Session[], needle: string): number {
    const at = this.#at;
    let n = 0;
    for (let i = 0; i < base.length; i++) if (matchesNeedle(base[i]!, needle)) at[n++] = i;
    return n;
  }
}

/** Words of bits per character of a piece: one bit per session. */
const wordsOf = (starts: Int32Array) => (starts.length - 1 + 31) >>> 5;

/** The bits of every ASCII character of the piece being indexed, in rows (see `charsOf`). */
let scratch = new Uint32Array(0);

/**
 * Per ASCII character, the bits of the sessions of a piece whose haystacks hold it, where
 * `starts` puts them (a client ID may hold a separator itself). The separators are not indexed:
 * a query holding one is tested session by session. Set in one buffer kept from piece to piece,
 * then copied into one array of the rows of the characters held (about 40 of 126): an array of
 * its own per character was 1,800 arrays at 100,000 sessions, each an object, a buffer and its
 * bookkeeping larger than its 256 bytes of bits.
 */
function charsOf(text: string, starts: Int32Array): { chars: Uint32Array; charRows: Int16Array } {
  const words = wordsOf(starts);
  if (scratch.length < 128 * words) scratch = new Uint32Array(128 * words);
  else scratch.fill(0, 0, 128 * words);
  for (let k = 0; k + 1 < starts.length; k++) {
    const word = k >>> 5;
    const bit = 1 << (k & 31);
    for (let p = starts[k]!, end = starts[k + 1]!; p < end; p++) {
      const c = text.charCodeAt(p);
      if (c > 1 && c < 128) scratch[c * words + word]! |= bit;
    }
  }
  const charRows = new Int16Array(128).fill(-1);
  let rows = 0;
  for (let c = 2; c < 128; c++) {
    for (let w = c * words, end = w + words; w < end; w++) {
      if (scratch[w] !== 0) {
        charRows[c] = rows++;
        break;
      }
    }
  }
  const chars = new Uint32Array(rows * words);
  for (let c = 2; c < 128; c++) {
    const row = charRows[c]!;
    if (row >= 0) chars.set(scratch.subarray(c * words, (c + 1) * words), row * words);
  }
  return { chars, charRows };
}
