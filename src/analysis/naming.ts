/**
 * Client-ID naming hints, after the seed's "Naming conventions": descriptive IDs such as
 * `agent-summarizer-prod-001` or `mobile-app-user-12345` are clear; `client1`, `abc123` and
 * randomly generated strings are not.
 *
 * The heuristic, in order:
 * 1. Split the ID into tokens at separators (`- _ . / : @` and spaces), at camelCase humps and
 *    between letters and digits.
 * 2. A UUID, or a long run of hex or mixed letters and digits (`8139b733bedb`, `x7Kq9Zp2`), or
 *    a library's generated default (`mqttjs_4f2a9c`, `paho123456`) is "randomly generated".
 * 3. A word is an all-letter token of three or more letters with a vowel, not a generic
 *    placeholder (`client`, `device`, `test`, `abc`, `user`, ...). An ID with two or more
 *    words is clear: it says what the client is and where it runs.
 * 4. Anything else is unclear: one word and a number (`client1`), or no words at all.
 */

export type NamingQuality = 'clear' | 'unclear';

/** Why a client ID reads as it does, in English; the element translates them by id. */
export const NAMING_REASONS_EN = {
  empty: 'empty client ID',
  random: 'looks randomly generated',
  words: 'descriptive words',
  oneWord: 'one word: say what the client is and where it runs',
  noWords: 'no descriptive words',
};

export type NamingReasonId = keyof typeof NAMING_REASONS_EN;

export interface NamingHint {
  quality: NamingQuality;
  /** Why, in a phrase a user can act on (English). */
  reason: string;
  /** The same reason by id, for translation. */
  reasonId: NamingReasonId;
}

/** One frozen hint per verdict, shared by every session it applies to. */
const hints = new Map<NamingReasonId, NamingHint>();

const hint = (quality: NamingQuality, reasonId: NamingReasonId): NamingHint => {
  let h = hints.get(reasonId);
  if (h === undefined) {
    h = Object.freeze({ quality, reason: NAMING_REASONS_EN[reasonId], reasonId });
    hints.set(reasonId, h);
  }
  return h;
};

/** Placeholders that say nothing about the client (a list: a word is compared with each in place). */
const GENERIC = [
  'client',
  'clients',
  'device',
  'devices',
  'test',
  'tests',
  'testing',
  'user',
  'abc',
  'xyz',
  'foo',
  'bar',
  'baz',
  'mqtt',
  'mqttjs',
  'paho',
  'node',
  'demo',
  'example',
  'default',
  'temp',
  'tmp',
  'new',
  'my',
];

/** Prefixes MQTT libraries put before a random suffix when no client ID is given. */
const GENERATED = /^(mqttjs_|paho|mqttx_|mqtt_|auto-|emqx_|aedes_)[0-9a-f-]{4,}$/i;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Characters IDs are split at: `- _ . : / @ |` and whitespace (as `\s` matches it). */
function isSeparator(c: number): boolean {
  switch (c) {
    case 0x2d: // -
    case 0x5f: // _
    case 0x2e: // .
    case 0x3a: // :
    case 0x2f: // /
    case 0x40: // @
    case 0x7c: // |
    case 0x20:
    case 0x09:
    case 0x0a:
    case 0x0b:
    case 0x0c:
    case 0x0d:
    case 0xa0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x3000:
    case 0xfeff:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}

const isLower = (c: number) => c >= 0x61 && c <= 0x7a;
const isUpper = (c: number) => c >= 0x41 && c <= 0x5a;
const isLetter = (c: number) => isLower(c) || isUpper(c);
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** Whether a token ends between `id[i - 1]` and `id[i]` of one part: a camelCase hump, or letters meeting digits. */
const splitsAt = (prev: number, c: number) =>
  (isLower(prev) && isUpper(c)) || (isLetter(prev) && isDigit(c)) || (isDigit(prev) && isLetter(c));

/** Where the part of an ID at or after `i` starts: past any separators (`id.length` if none). */
function partStart(id: string, i: number): number {
  while (i < id.length && isSeparator(id.charCodeAt(i))) i++;
  return i;
}

/** Where the part of an ID that starts at `i` ends: at a separator or the end. */
function partEnd(id: string, i: number): number {
  while (i < id.length && !isSeparator(id.charCodeAt(i))) i++;
  return i;
}

/** Where the token that starts at `from`, in a part ending at `end`, ends. */
function tokenEnd(id: string, from: number, end: number): number {
  let i = from + 1;
  while (i < end && !splitsAt(id.charCodeAt(i - 1), id.charCodeAt(i))) i++;
  return i;
}

/** The ID's tokens: split at separators, camelCase humps and between letters and digits. */
export function tokenize(clientId: string): string[] {
  const tokens: string[] = [];
  for (let start = partStart(clientId, 0); start < clientId.length;) {
    const end = partEnd(clientId, start);
    for (let from = start; from < end;) {
      const to = tokenEnd(clientId, from, end);
      tokens.push(clientId.slice(from, to));
      from = to;
    }
    start = partStart(clientId, end);
  }
  return tokens;
}

/** Whether `id[start..end)` (one part) looks like a generated token: long hex, or base62-like. */
function looksRandom(id: string, start: number, end: number): boolean {
  if (end - start < 8) return false;
  let letters = 0;
  let digits = 0;
  let hex = true;
  // Letters and digits interleaved, as in base62 tokens: many switches between the two.
  let switches = 0;
  for (let i = start; i < end; i++) {
    const c = id.charCodeAt(i);
    if (isLetter(c)) letters++;
    else if (isDigit(c)) digits++;
    if (!isHex(c)) hex = false;
    if (i > start) {
      const prev = id.charCodeAt(i - 1);
      if ((isLetter(prev) && isDigit(c)) || (isDigit(prev) && isLetter(c))) switches++;
    }
  }
  if (hex && digits > 0 && letters > 0) return true;
  return letters > 0 && digits > 0 && switches >= 3;
}

/**
 * Whether `id[start..end)` (one token) is a word: three or more ASCII letters with a vowel, not
 * a generic placeholder. Read in place: no string is made for it.
 */
function isWordAt(id: string, start: number, end: number): boolean {
  if (end - start < 3) return false;
  let vowel = false;
  for (let i = start; i < end; i++) {
    const c = id.charCodeAt(i) | 0x20;
    if (c < 0x61 || c > 0x7a) return false;
    if (c === 0x61 || c === 0x65 || c === 0x69 || c === 0x6f || c === 0x75 || c === 0x79) {
      vowel = true;
    }
  }
  if (!vowel) return false;
  // An indexed loop: `for...of` may make an iterator per call.
  for (let w = 0; w < GENERIC.length; w++) {
    const word = GENERIC[w]!;
    if (word.length === end - start && sameLetters(id, start, word, 0, word.length)) return false;
  }
  return true;
}

/** Whether `a[aStart..)` and `b[bStart..)` hold the same `length` ASCII letters, case aside. */
function sameLetters(
  a: string,
  aStart: number,
  b: string,
  bStart: number,
  length: number,
): boolean {
  for (let k = 0; k < length; k++) {
    if ((a.charCodeAt(aStart + k) | 0x20) !== (b.charCodeAt(bStart + k) | 0x20)) return false;
  }
  return true;
}

/**
 * The naming hint of a client ID. Called for every session of a list (100,000 of them), so it
 * reads the ID character by character, in plain loops: it makes no array, closure or string
 * (a word is compared where it stands), only the trimmed ID where it had spaces around it.
 */
export function classifyClientId(clientId: string): NamingHint {
  const id = clientId.trim();
  if (id === '') return hint('unclear', 'empty');
  if (UUID.test(id) || GENERATED.test(id)) return hint('unclear', 'random');
  const n = id.length;
  // Parts between separators that look generated, and the others.
  let random = 0;
  let other = 0;
  for (let start = partStart(id, 0); start < n;) {
    const end = partEnd(id, start);
    if (looksRandom(id, start, end)) random++;
    else other++;
    start = partStart(id, end);
  }
  if (random > 0 && other <= 1) return hint('unclear', 'random');
  // The words among the tokens of each part: two different ones make it clear.
  let firstStart = -1;
  let firstEnd = -1;
  for (let start = partStart(id, 0); start < n;) {
    const end = partEnd(id, start);
    for (let from = start; from < end;) {
      const to = tokenEnd(id, from, end);
      if (isWordAt(id, from, to)) {
        if (firstStart < 0) {
          firstStart = from;
          firstEnd = to;
        } else if (
          to - from !== firstEnd - firstStart ||
          !sameLetters(id, from, id, firstStart, to - from)
        ) {
          return hint('clear', 'words');
        }
      }
      from = to;
    }
    start = partStart(id, end);
  }
  return firstStart >= 0 ? hint('unclear', 'oneWord') : hint('unclear', 'noWords');
}
