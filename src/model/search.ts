import { matchesNeedle } from './search-index.js';
import type { Session } from './session.js';

/**
 * Sessions whose client ID or username (as sent or without its org suffix) contains the query,
 * case-insensitively. An empty or blank query matches everything and returns the input array.
 */
export function searchSessions(sessions: readonly Session[], query: string): readonly Session[] {
  const needle = query.trim().toLowerCase();
  if (needle === '') return sessions;
  return sessions.filter((s) => matchesNeedle(s, needle));
}
