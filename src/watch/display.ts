/**
 * Broker text (client IDs, error messages) as the extension shows it outside a page: in a
 * notification's message, the toolbar button's tooltip and the options page's recent alerts.
 * Those are plain text laid out by the browser or the desktop, so nothing in a client ID may
 * reorder or hide the text around it:
 *
 * - C0 and C1 controls (and DEL), the bidirectional formatting characters (U+061C, U+200E,
 *   U+200F, U+202A–U+202E, U+2066–U+2069), the line and paragraph separators (U+2028, U+2029)
 *   and lone surrogates become a visible escape, `[U+XXXX]`; everything else is kept as is
 *   (zero-width joiners, combining marks, emoji, right-to-left scripts).
 * - A client ID longer than `CLIENT_ID_SHOWN` code points keeps its first `CLIENT_ID_SHOWN - 1`
 *   and ends with `…`; the notification's id and click keep the whole ID.
 * - A client ID is wrapped in first-strong isolates (U+2068 … U+2069), so a right-to-left ID
 *   cannot pull the words around it into its direction.
 */

/** Code points of a client ID shown in a notification (the rest is cut, ending in `…`). */
export const CLIENT_ID_SHOWN = 100;
/** Code points of a tooltip's broker text (an error) shown. */
export const TEXT_SHOWN = 300;

export const FSI = '\u2068';
export const PDI = '\u2069';

/** What becomes a visible escape: controls, bidi formatting, line separators, lone surrogates. */
export const ESCAPED = /[\p{Cc}\p{Cs}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/gu;

const escapeOf = (ch: string) =>
  `[U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}]`;

/** The text with every character of `ESCAPED` as `[U+XXXX]`. */
export function escapeControls(text: string): string {
  return text.replace(ESCAPED, escapeOf);
}

/** At most `max` code points: the first `max - 1` and `…` when longer. */
export function shorten(text: string, max: number): string {
  if (text.length <= max) return text;
  const points = Array.from(text);
  return points.length > max ? `${points.slice(0, max - 1).join('')}\u2026` : text;
}

/** A client ID in a notification or alert message: shortened, escaped, isolated. */
export function displayClientId(clientId: string): string {
  return `${FSI}${escapeControls(shorten(clientId, CLIENT_ID_SHOWN))}${PDI}`;
}

/** Broker text (an error message) in a tooltip or title: shortened and escaped. */
export function displayText(text: string, max = TEXT_SHOWN): string {
  return escapeControls(shorten(text, max));
}

/**
 * One part of a notification id or the popup's URL query, in ASCII: `encodeURIComponent`, and
 * a lone surrogate (which has no UTF-8 form) as `%uXXXX`, so every client ID round-trips.
 */
export function encodePart(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.charCodeAt(0);
    out +=
      ch.length === 1 && code >= 0xd800 && code <= 0xdfff
        ? `%u${code.toString(16).toUpperCase()}`
        : encodeURIComponent(ch);
  }
  return out;
}

/** The inverse of `encodePart`; throws (URIError) on what it never writes. */
export function decodePart(encoded: string): string {
  return encoded
    .split(/(%u[0-9A-F]{4})/)
    .map((piece, i) =>
      i % 2 === 1
        ? String.fromCharCode(Number.parseInt(piece.slice(2), 16))
        : decodeURIComponent(piece),
    )
    .join('');
}
