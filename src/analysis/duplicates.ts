import type { Session } from '../model/session.js';
import { ShardedMap } from '../model/sharded-map.js';

/**
 * Client IDs held by more than one session within a workspace (two nodes of a split cluster, or
 * two brokers in one workspace). MQTT allows one connection per client ID: each group is worth a
 * look. Keyed by workspace and client ID; sessions without a workspace form one group.
 */
export function findDuplicates(sessions: readonly Session[]): Map<string, Session[]> {
  const finder = new DuplicateFinder();
  for (const s of sessions) finder.add(s);
  return finder.groups();
}

/**
 * `findDuplicates` a session at a time: a list of 100,000 is a hash of each client ID, too long
 * for one frame, so it can be given in parts between frames.
 */
export class DuplicateFinder {
  // First who stands alone (almost everyone, no array each), then only the groups of two or more.
  readonly #first = new ShardedMap<Session>();
  readonly #groups = new Map<string, Session[]>();

  add(s: Session): void {
    const key = groupKeyOf(s);
    const group = this.#groups.get(key);
    if (group) {
      group.push(s);
      return;
    }
    const earlier = this.#first.get(key);
    if (earlier) this.#groups.set(key, [earlier, s]);
    else this.#first.set(key, s);
  }

  /** Each group of two sessions or more added so far, in the order they were added. */
  forEachGroup(visit: (group: Session[]) => void): void {
    this.#groups.forEach(visit);
  }

  /** The groups of the sessions added so far, keyed as `findDuplicates` keys them. */
  groups(): Map<string, Session[]> {
    // Keys as before: workspace, NUL, client ID.
    const out = new Map<string, Session[]>();
    for (const [key, group] of this.#groups) {
      out.set(group[0]!.workspace === undefined ? `\u0000${key}` : key, group);
    }
    return out;
  }
}

/** What makes two sessions one group: their workspace and client ID. */
export const groupKeyOf = (s: Session) =>
  s.workspace === undefined ? s.clientId : `${s.workspace}\u0000${s.clientId}`;

/** The seed's possible causes of a duplicate, shown in the details. */
export const DUPLICATE_CAUSES = [
  'Client reconnected without clean disconnect',
  'Multiple instances using same client ID',
  'Persistent session + new connection',
];
