import type { Session } from '../model/session.js';

/**
 * Client IDs held by more than one session within a workspace (two nodes of a split cluster, or
 * two brokers in one workspace). MQTT allows one connection per client ID: each group is worth a
 * look. Keyed by workspace and client ID; sessions without a workspace form one group.
 */
export function findDuplicates(sessions: readonly Session[]): Map<string, Session[]> {
  const groups = new Map<string, Session[]>();
  for (const s of sessions) {
    const key = `${s.workspace ?? ''}\u0000${s.clientId}`;
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  for (const [key, group] of groups) if (group.length < 2) groups.delete(key);
  return groups;
}

/** The seed's possible causes of a duplicate, shown in the details. */
export const DUPLICATE_CAUSES = [
  'Client reconnected without clean disconnect',
  'Multiple instances using same client ID',
  'Persistent session + new connection',
];
