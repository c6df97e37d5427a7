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

/** Placeholders that say nothing about the client. */
const GENERIC = new Set([
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
]);

/** Prefixes MQTT libraries put before a random suffix when no client ID is given. */
const GENERATED = /^(mqttjs_|paho|mqttx_|mqtt_|auto-|emqx_|aedes_)[0-9a-f-]{4,}$/i;
const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

export function tokenize(clientId: string): string[] {
  return clientId
    .split(/[\s\-_.:/@|]+/)
    .flatMap((part) => part.split(/(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])/))
    .filter(Boolean);
}

function looksRandom(part: string): boolean {
  if (part.length < 8) return false;
  const letters = part.replace(/[^A-Za-z]/g, '').length;
  const digits = part.replace(/\D/g, '').length;
  if (/^[0-9a-f]+$/i.test(part) && digits > 0 && letters > 0) return true; // hex
  // Letters and digits interleaved, as in base62 tokens: many switches between the two.
  const switches = (part.match(/(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])/g) ?? []).length;
  return letters > 0 && digits > 0 && switches >= 3;
}

const isWord = (token: string) =>
  /^[A-Za-z]{3,}$/.test(token) && /[aeiouy]/i.test(token) && !GENERIC.has(token.toLowerCase());

export function classifyClientId(clientId: string): NamingHint {
  const id = clientId.trim();
  if (id === '') return hint('unclear', 'empty');
  if (UUID.test(id) || GENERATED.test(id)) return hint('unclear', 'random');
  const parts = id.split(/[\s\-_.:/@|]+/).filter(Boolean);
  if (parts.some(looksRandom) && parts.filter((p) => !looksRandom(p)).length <= 1) {
    return hint('unclear', 'random');
  }
  const words = new Set(
    tokenize(id)
      .filter(isWord)
      .map((t) => t.toLowerCase()),
  );
  if (words.size >= 2) return hint('clear', 'words');
  if (words.size === 1) return hint('unclear', 'oneWord');
  return hint('unclear', 'noWords');
}
