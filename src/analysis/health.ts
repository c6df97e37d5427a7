/**
 * What the element notices across observations (polls and live events): stuck sessions
 * (keep-alive passed without traffic), takeover loops (two clients sharing one client ID), and
 * per snapshot: duplicates, no keep-alive, queued messages and unclear client IDs.
 */
import type { Session } from '../model/session.js';
import { findDuplicates } from './duplicates.js';
import { classifyClientId, type NamingHint } from './naming.js';

/** How far back connection changes count towards a takeover loop. */
export const TAKEOVER_WINDOW_MS = 10 * 60_000;
/** Address changes within the window that make a loop (A → B → A). */
export const TAKEOVER_FLIPS = 2;
/** Keep-alive multiple after which a silent session counts as stuck (MQTT's own 1.5). */
export const STUCK_FACTOR = 1.5;

export interface SessionHealth {
  /** Sessions sharing this client ID in the workspace: how many, and where each is. */
  duplicate?: { count: number; peers: { node: string | undefined; ip: string | undefined }[] };
  /** Two clients keep taking this ID from each other. */
  takeover?: { addresses: string[]; flips: number; takenOver: number };
  /** Connected, but nothing received across observations spanning over 1.5 × the keep-alive. */
  stuck?: { lastTraffic: number; sinceFirstSeen: boolean };
  /** Keep-alive 0: the broker cannot detect a dead connection. */
  noKeepAlive?: boolean;
  /** Messages waiting for the client. */
  queued?: number;
  naming: NamingHint;
}

export type HealthFilter = 'stuck' | 'duplicate' | 'unclear' | 'no-keepalive' | 'queued';

export function matchesHealth(h: SessionHealth, filter: HealthFilter): boolean {
  switch (filter) {
    case 'stuck':
      return h.stuck !== undefined;
    case 'duplicate':
      return h.duplicate !== undefined || h.takeover !== undefined;
    case 'unclear':
      return h.naming.quality === 'unclear';
    case 'no-keepalive':
      return h.noKeepAlive === true;
    case 'queued':
      return (h.queued ?? 0) > 0;
  }
}

interface Connection {
  connectedAt: number;
  ip: string | undefined;
  seenAt: number;
}

interface Traffic {
  /** Packets and bytes received when last seen: a change is traffic. */
  packets: number | undefined;
  bytes: number | undefined;
  changedAt: number;
  firstSeen: number;
  /** The latest observation: stuck means observed still, not merely not looked at. */
  seenAt: number;
}

/**
 * Takeover history is per broker and client ID, not per node: in a cluster the two fighting
 * devices may land on different nodes. The session key is `source \0 node \0 client ID`.
 */
const takeoverKeys = new Map<string, string>();
const takeoverKeysOf = new WeakMap<Session, string>();

/** `takeoverKey` of a session object, remembered by identity (cheaper than by its long key). */
function takeoverKeyOf(s: Session): string {
  let key = takeoverKeysOf.get(s);
  if (key === undefined) {
    // The key ends with NUL, node, NUL, client ID: cut the node out without splitting.
    const tail = `\u0000${s.node ?? ''}\u0000${s.clientId}`;
    key = s.key.endsWith(tail)
      ? `${s.key.slice(0, s.key.length - tail.length)}\u0000${s.clientId}`
      : takeoverKey(s.key);
    takeoverKeysOf.set(s, key);
  }
  return key;
}

function takeoverKey(sessionKey: string): string {
  // Asked for every session on every poll: remembered rather than split each time.
  let key = takeoverKeys.get(sessionKey);
  if (key === undefined) {
    // Without the node (the part before the client ID; MQTT client IDs hold no NUL).
    const parts = sessionKey.split('\u0000');
    parts.splice(parts.length - 2, 1);
    key = parts.join('\u0000');
    if (takeoverKeys.size > 500_000) takeoverKeys.clear();
    takeoverKeys.set(sessionKey, key);
  }
  return key;
}

export class HealthTracker {
  /** Connection history per session key (node and client ID): what a takeover loop leaves. */
  readonly #connections = new Map<string, Connection[]>();
  /** Times a session of this key was taken over or discarded by a newer connection. */
  readonly #takenOver = new Map<string, number[]>();
  /** Receive counters per session key, and when they last moved. */
  readonly #traffic = new Map<string, Traffic>();
  readonly #naming = new Map<string, NamingHint>();
  #duplicates = new Map<string, Session[]>();

  /** Records a poll's snapshot. */
  observe(sessions: readonly Session[], now: number): void {
    this.observeSlice(sessions, 0, sessions.length, now);
    const seen = new Set(sessions.map((s) => s.key));
    this.finishObserve(sessions, now, (key) => seen.has(key));
  }

  /**
   * The per-session part of `observe` for `sessions[from..to)`: a large poll is looked at a
   * slice at a time between frames, then `finishObserve` once.
   */
  observeSlice(sessions: readonly Session[], from: number, to: number, now: number): void {
    const end = Math.min(to, sessions.length);
    for (let i = from; i < end; i++) {
      const s = sessions[i]!;
      this.#observeConnection(s, now);
      if (s.recvPackets !== undefined || s.recvBytes !== undefined) {
        const t = this.#traffic.get(s.key);
        // First sight: we cannot know when it last moved, so count from now.
        if (!t)
          this.#traffic.set(s.key, {
            packets: s.recvPackets,
            bytes: s.recvBytes,
            changedAt: now,
            firstSeen: now,
            seenAt: now,
          });
        else {
          t.seenAt = now;
          if (t.packets !== s.recvPackets || t.bytes !== s.recvBytes) {
            t.packets = s.recvPackets;
            t.bytes = s.recvBytes;
            t.changedAt = now;
          }
        }
      }
    }
  }

  /** What `observe` does for the whole list: forget sessions gone, group duplicates, prune. */
  finishObserve(sessions: readonly Session[], now: number, present: (key: string) => boolean) {
    for (const key of this.#traffic.keys()) if (!present(key)) this.#traffic.delete(key);
    this.observeGroups(sessions);
    this.#prune(now);
  }

  /** Recomputes the duplicate groups (after a poll, or after live events changed the list). */
  observeGroups(sessions: readonly Session[]): void {
    this.#duplicates = new Map();
    for (const group of findDuplicates(sessions).values()) {
      for (const s of group) this.#duplicates.set(s.key, group);
    }
  }

  /** Records a live `connected` event. */
  observeConnect(session: Session, now: number): void {
    this.#observeConnection(session, now);
    // A new connection has sent its CONNECT: traffic counts from here.
    this.#traffic.delete(session.key);
  }

  /** Records a live `disconnected` event with its reason. */
  observeDisconnect(key: string, reason: string | undefined, now: number): void {
    if (reason === 'takenover' || reason === 'discarded') {
      const k = takeoverKey(key);
      this.#takenOver.set(k, [...(this.#takenOver.get(k) ?? []), now]);
    }
    this.#traffic.delete(key);
  }

  healthOf(s: Session, now: number): SessionHealth {
    let naming = this.#naming.get(s.clientId);
    if (!naming) {
      naming = classifyClientId(s.clientId);
      if (this.#naming.size > 200_000) this.#naming.clear();
      this.#naming.set(s.clientId, naming);
    }
    const h: SessionHealth = { naming };
    const group = this.#duplicates.get(s.key);
    if (group) {
      h.duplicate = { count: group.length, peers: group.map((p) => ({ node: p.node, ip: p.ip })) };
    }
    const takeover = this.#takeover(takeoverKeyOf(s), now);
    if (takeover) h.takeover = takeover;
    if (s.keepAlive === 0) h.noKeepAlive = true;
    if ((s.queuedMessages ?? 0) > 0) h.queued = s.queuedMessages;
    const t = this.#traffic.get(s.key);
    if (s.keepAlive !== undefined && s.keepAlive > 0 && t) {
      if (t.seenAt - t.changedAt > STUCK_FACTOR * s.keepAlive * 1000) {
        h.stuck = { lastTraffic: t.changedAt, sinceFirstSeen: t.changedAt === t.firstSeen };
      }
    }
    return h;
  }

  #observeConnection(s: Session, now: number): void {
    if (s.connectedAt === undefined) return;
    const key = takeoverKeyOf(s);
    const history = this.#connections.get(key) ?? [];
    // The same connection seen again (two nodes of a split cluster each hold one, so it need
    // not be the latest); a live event may have lacked the IP.
    const known = history.find((c) => c.connectedAt === s.connectedAt);
    if (known) {
      if (known.ip === undefined) known.ip = s.ip;
      return;
    }
    history.push({ connectedAt: s.connectedAt, ip: s.ip, seenAt: now });
    if (history.length > 50) history.shift();
    this.#connections.set(key, history);
  }

  #takeover(key: string, now: number): SessionHealth['takeover'] {
    // `key` is a takeover key (source and client ID).
    const since = now - TAKEOVER_WINDOW_MS;
    const all = this.#connections.get(key);
    // One connection and never taken over: nothing to look at (the common case, by far).
    if ((all?.length ?? 0) < 2 && !this.#takenOver.has(key)) return undefined;
    const history = (all ?? []).filter((c) => c.seenAt >= since);
    const takenOver = (this.#takenOver.get(key) ?? []).filter((t) => t >= since).length;
    let flips = 0;
    for (let i = 1; i < history.length; i++) {
      if (history[i]!.ip !== undefined && history[i - 1]!.ip !== undefined) {
        if (history[i]!.ip !== history[i - 1]!.ip) flips++;
      }
    }
    // One takeover alone is a device reconnecting before the broker dropped its old
    // connection; repeated ones, or addresses alternating, are two devices.
    if (Math.max(flips, takenOver) < TAKEOVER_FLIPS) return undefined;
    const addresses = [...new Set(history.map((c) => c.ip).filter((ip): ip is string => !!ip))];
    return { addresses, flips: Math.max(flips, takenOver), takenOver };
  }

  #prune(now: number): void {
    const since = now - TAKEOVER_WINDOW_MS;
    for (const [key, history] of this.#connections) {
      // Histories are in the order seen: most hold nothing old, and are left as they are.
      if (history.every((c) => c.seenAt >= since)) continue;
      const kept = history.filter((c) => c.seenAt >= since);
      if (kept.length === 0) this.#connections.delete(key);
      else if (kept.length !== history.length) this.#connections.set(key, kept);
    }
    for (const [key, times] of this.#takenOver) {
      const kept = times.filter((t) => t >= since);
      if (kept.length) this.#takenOver.set(key, kept);
      else this.#takenOver.delete(key);
    }
  }
}
