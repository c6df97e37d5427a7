import type { Session } from '../model/session.js';

/**
 * Client IDs held by more than one session within a workspace (two nodes of a split cluster, or
 * two brokers in one workspace). MQTT allows one connection per client ID: each group is worth a
 * look. Keyed by workspace and client ID; sessions without a workspace form one group.
 */
export function findDuplicates(sessions: readonly Session[]): Map<string, Session[]> {
  // First who stands alone (almost everyone, no array each), then only the groups of two or more.
  const first = new Map<string, Session>();
  const groups = new Map<string, Session[]>();
  for (const s of sessions) {
    const key = s.workspace === undefined ? s.clientId : `${s.workspace}\u0000${s.clientId}`;
    const group = groups.get(key);
    if (group) {
      group.push(s);
      continue;
    }
    const earlier = first.get(key);
    if (earlier) groups.set(key, [earlier, s]);
    else first.set(key, s);
  }
  // Keys as before: workspace, NUL, client ID.
  const out = new Map<string, Session[]>();
  for (const [key, group] of groups) {
    out.set(group[0]!.workspace === undefined ? `\u0000${key}` : key, group);
  }
  return out;
}

/** The seed's possible causes of a duplicate, shown in the details. */
export const DUPLICATE_CAUSES = [
  'Client reconnected without clean disconnect',
  'Multiple instances using same client ID',
  'Persistent session + new connection',
];
