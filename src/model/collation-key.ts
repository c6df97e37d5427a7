/**
 * Sorting 100,000 client IDs with `Intl.Collator` costs a collator call per comparison. For the
 * strings IDs and usernames nearly always are (printable ASCII), a key computed once per string
 * compares with plain `<` exactly as the collator would: characters are mapped to the collator's
 * own ranks (read from it when it is made, so locale data decides), case folded, and each run of
 * digits becomes its length and value, as numeric collation compares them. Anything else
 * (non-ASCII, control characters) has no key and is compared by the collator itself.
 */

/**
 * The collator every text column sorts by: numbers by value, case and accents ignored. Made on
 * the first sort by text, not when the script loads: a collator brings the locale's collation
 * data into memory (about 1 MB of the renderer here, 4 MB when it is the page's first use of
 * `Intl`), which a list left in the broker's order never needs.
 */
let made: Intl.Collator | undefined;
export function collator(): Intl.Collator {
  if (made === undefined) {
    made = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
    learnRanks(made);
  }
  return made;
}

/**
 * Mapped characters' code units, by code unit (0x20..0x7e); -1 for digits and the rest. A typed
 * array: read for every character of every key.
 */
const mapped = new Int16Array(0x80).fill(-1);
/** The code unit a run of digits starts with in a key. */
let digitMark = 0;
/** Whether the collator behaves as the keys assume; if not, every string goes to the collator. */
let usable = false;

function learnRanks(collator: Intl.Collator): void {
  const chars: string[] = [];
  for (let c = 0x20; c < 0x7f; c++) if (c < 0x30 || c > 0x39) chars.push(String.fromCharCode(c));
  chars.sort((a, b) => collator.compare(a, b));
  // Digits sort as one block between two of these characters: find where.
  const digitsAt = chars.findIndex((ch) => collator.compare('0', ch) < 0);
  // Ranks, the digit mark and run lengths all stay below 0x100: keys are one-byte strings.
  let rank = 0x20;
  let previous: string | undefined;
  chars.forEach((ch, i) => {
    if (i === digitsAt) {
      rank += 2;
      digitMark = rank - 1;
    } else if (previous !== undefined && collator.compare(previous, ch) !== 0) rank++;
    mapped[ch.charCodeAt(0)] = rank;
    previous = ch;
  });
  if (digitsAt < 0) digitMark = rank + 1;
  // What the digit runs rely on: numeric order, leading zeros ignored, case ignored.
  usable =
    collator.compare('2', '10') < 0 &&
    collator.compare('007', '7') === 0 &&
    collator.compare('a9', 'a10') < 0 &&
    collator.compare('A', 'a') === 0;
}

/** Longest run of digits a key encodes; a longer one leaves the string to the collator. */
const MAX_DIGITS = 0x7f;

/**
 * Code units of the key being made: one buffer for every key, no array per string. Written by
 * index and cut to the key's length at the end, so a run of keys of one length (most client IDs
 * of a fleet) neither grows nor shrinks it: emptying it for each key and pushing to it let go of
 * its storage and grew it again every time, and took 3 times as long (100,000 client IDs: 35–57
 * against 11–12 ms).
 */
const units: number[] = [];

/**
 * The key of `text`, or undefined when only the collator can place it. Made from its code units
 * in one go, so the key is one flat string (appending a character at a time makes a rope of
 * them, slower to compare and several times the memory).
 */
export function collationKey(text: string): string | undefined {
  if (made === undefined) collator();
  if (!usable) return undefined;
  const n = text.length;
  let k = 0;
  for (let i = 0; i < n;) {
    const c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      let end = i + 1;
      while (end < n) {
        const d = text.charCodeAt(end);
        if (d < 0x30 || d > 0x39) break;
        end++;
      }
      let start = i;
      while (start < end && text.charCodeAt(start) === 0x30) start++;
      if (end - start > MAX_DIGITS) return undefined;
      units[k++] = digitMark;
      units[k++] = 0x80 + end - start;
      for (let d = start; d < end; d++) units[k++] = text.charCodeAt(d);
      i = end;
      continue;
    }
    const m = c < 0x80 ? mapped[c]! : -1;
    if (m < 0) return undefined;
    units[k++] = m;
    i++;
  }
  if (units.length !== k) units.length = k;
  // Arguments are capped far above this; a longer text (a 64 KB client ID) goes in slices.
  if (units.length <= 4096) return String.fromCharCode.apply(null, units);
  let out = '';
  for (let i = 0; i < units.length; i += 4096) {
    out += String.fromCharCode.apply(null, units.slice(i, i + 4096));
  }
  return out;
}

/** `collator.compare`, through the keys where both strings have one. */
export function compareText(
  a: string,
  b: string,
  keyA: string | undefined,
  keyB: string | undefined,
): number {
  if (keyA !== undefined && keyB !== undefined) return keyA < keyB ? -1 : keyA > keyB ? 1 : 0;
  return collator().compare(a, b);
}
