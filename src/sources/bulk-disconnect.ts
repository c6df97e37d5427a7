/**
 * Disconnecting many clients without a reconnection storm: all at once below a threshold,
 * staggered at a set rate above it; through the broker's bulk endpoint where it has one; each
 * client's result confirmed from the list afterwards, because a bulk kick reports nothing per
 * client and a kicked client may already be back.
 */
import type { Session } from '../model/session.js';
import { SourceError, type DisconnectResult, type SessionSource } from './source.js';

/** One client to disconnect, as the user saw it (its connected-at tells a reconnect apart). */
export type DisconnectTarget = Pick<Session, 'clientId' | 'connectedAt'>;

export interface BulkDisconnectOptions {
  /** Cancels what has not started; clients already kicked stay kicked. */
  signal?: AbortSignal;
  /** Clients per second once staggering (default 20). */
  rate?: number;
  /** From this many clients on, disconnects are staggered (default 50). */
  staggerFrom?: number;
  /** Called after each batch with every result so far. */
  onProgress?: (results: readonly DisconnectResult[], total: number) => void;
  /** Waits between batches; injectable so tests of the schedule need no real time. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const describe = (error: unknown) =>
  error instanceof SourceError ? error.message : `Unexpected error: ${String(error)}`;

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}

/** Splits targets into batches: one batch below the stagger threshold, `rate` per second above. */
export function planBatches<T>(targets: readonly T[], rate = 20, staggerFrom = 50): T[][] {
  if (targets.length < staggerFrom) return targets.length ? [[...targets]] : [];
  const size = Math.max(1, Math.floor(rate));
  const batches: T[][] = [];
  for (let i = 0; i < targets.length; i += size) batches.push(targets.slice(i, i + size));
  return batches;
}

/** Runs per-client disconnects a few at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  });
  await Promise.all(workers);
}

export async function bulkDisconnect(
  source: SessionSource,
  targets: readonly DisconnectTarget[],
  options: BulkDisconnectOptions = {},
): Promise<DisconnectResult[]> {
  const { signal } = options;
  const sleep = options.sleep ?? defaultSleep;
  // One entry per client ID: a kick closes that ID on every node.
  const byId = new Map<string, DisconnectTarget[]>();
  for (const t of targets) byId.set(t.clientId, [...(byId.get(t.clientId) ?? []), t]);
  const ids = [...byId.keys()];
  const results = new Map<string, DisconnectResult>();
  const report = () => options.onProgress?.([...results.values()], ids.length);

  let pending = ids;
  if (source.disconnectMany && ids.length > 1) {
    // A bulk kick says nothing per client: find the ones already gone before kicking.
    try {
      const listed = new Set((await source.list({ signal })).sessions.map((s) => s.clientId));
      pending = ids.filter((id) => listed.has(id));
      for (const id of ids) {
        if (!listed.has(id)) results.set(id, { clientId: id, outcome: 'already-gone' });
      }
    } catch {
      // Without a list, kick them all; the confirmation below still runs.
    }
  }

  const batches = planBatches(pending, options.rate, options.staggerFrom);
  for (let b = 0; b < batches.length; b++) {
    if (signal?.aborted) break;
    const batch = batches[b]!;
    if (source.disconnectMany && batch.length > 1) {
      try {
        // No signal: a kick already sent is not taken back by Cancel, and must be reported.
        await source.disconnectMany(batch);
        for (const id of batch) results.set(id, { clientId: id, outcome: 'disconnected' });
      } catch (error) {
        for (const id of batch)
          results.set(id, { clientId: id, outcome: 'failed', error: describe(error) });
      }
    } else {
      await eachLimited(batch, 8, async (id) => {
        try {
          if (signal?.aborted) return;
          results.set(id, { clientId: id, outcome: await source.disconnect(id) });
        } catch (error) {
          results.set(id, { clientId: id, outcome: 'failed', error: describe(error) });
        }
      });
    }
    report();
    if (b < batches.length - 1) await sleep(1000, signal);
  }

  // Not cancelled with the run: the kicks already sent are confirmed all the same.
  await confirmFromList(source, byId, results, (ms) => sleep(ms));
  for (const id of ids) {
    if (!results.has(id)) {
      results.set(id, {
        clientId: id,
        outcome: 'cancelled',
        error: 'Cancelled before its turn came',
      });
    }
  }
  report();
  return ids.map((id) => results.get(id)!);
}

/**
 * Waits before each new look at a client that still seemed connected: a broker can answer a kick
 * before the connection has closed (RabbitMQ closes it from the connection's own process, EMQX
 * from the node that holds it), most so when it is busy.
 */
const CONFIRM_AGAIN_AFTER_MS = [500, 1000, 2000];

/**
 * Checks each kicked client against a fresh list: still there with the connection the user saw
 * means the kick did not take; there with a newer connection means it reconnected (the kick
 * worked). A client that was not there when we started is `already-gone`. One still there is
 * looked for again a few times over about 3.5 s before it counts as failed.
 */
async function confirmFromList(
  source: SessionSource,
  seen: ReadonlyMap<string, DisconnectTarget[]>,
  results: Map<string, DisconnectResult>,
  sleep: (ms: number) => Promise<void>,
): Promise<void> {
  let doubtful = [...results.values()].filter((r) => r.outcome === 'disconnected');
  for (let attempt = 0; doubtful.length > 0; attempt++) {
    let now: Session[];
    try {
      now = (await source.list()).sessions;
    } catch {
      // Without a list the kicks' own answers stand.
      return;
    }
    const current = new Map<string, Session[]>();
    for (const s of now) current.set(s.clientId, [...(current.get(s.clientId) ?? []), s]);
    doubtful = doubtful.filter((r) => {
      const before = seen.get(r.clientId) ?? [];
      const after = current.get(r.clientId) ?? [];
      return after.some((s) =>
        before.some((b) => b.connectedAt !== undefined && s.connectedAt === b.connectedAt),
      );
    });
    const wait = CONFIRM_AGAIN_AFTER_MS[attempt];
    if (wait === undefined) break;
    if (doubtful.length > 0) await sleep(wait);
  }
  for (const r of doubtful) {
    results.set(r.clientId, {
      clientId: r.clientId,
      outcome: 'failed',
      error: 'Still connected after the disconnect request',
    });
  }
}
