import type { HealthTracker, SessionHealth } from '../../src/analysis/health.js';
import type { SessionStore } from '../../src/model/session-store.js';
import type { Session } from '../../src/model/session.js';
import { ShardedMap } from '../../src/model/sharded-map.js';

/**
 * The health of each session as the tracker last saw them, worked out when first asked: the
 * rows on screen, a filter, an export. A poll of 100,000 sessions then costs no diagnosis of
 * 100,000 sessions before its rows can be painted.
 */
export class HealthView {
  readonly #cache = new ShardedMap<SessionHealth>();
  readonly #tracker: HealthTracker;
  readonly #store: SessionStore;
  readonly #now: number;

  constructor(tracker: HealthTracker, store: SessionStore, now: number) {
    this.#tracker = tracker;
    this.#store = store;
    this.#now = now;
  }

  /**
   * The health of a session of the list, from the object itself: no lookup of its key in the
   * store (a large first list is shown before its keys are indexed).
   */
  of(session: Session): SessionHealth {
    let h = this.#cache.get(session.key);
    if (h === undefined) {
      h = this.#tracker.healthOf(session, this.#now);
      // A session with nothing to report shares one frozen object: not worth a cache entry
      // for each of 100,000 of them.
      if (!Object.isFrozen(h)) this.#cache.set(session.key, h);
    }
    return h;
  }

  /** The health of the session the store holds for `key`; undefined when it holds none. */
  get(key: string): SessionHealth | undefined {
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached;
    const session = this.#store.get(key);
    return session && this.of(session);
  }
}
