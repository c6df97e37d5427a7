import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { SessionStore } from '../../src/model/session-store.js';
import {
  isAbort,
  SourceError,
  type SessionSource,
  type SourceErrorKind,
} from '../../src/sources/source.js';
import type { RefreshTrigger } from './events.js';

/** What the host hears from the controller, so it can fire its events. */
export interface SessionsControllerCallbacks {
  onRefresh(count: number, trigger: RefreshTrigger): void;
  onError(
    error: { message: string; kind: SourceErrorKind | 'unknown' },
    trigger: RefreshTrigger,
  ): void;
}

/**
 * Owns the session list: the source, the store, the poll and its timer. It keeps the last good
 * data when a refresh fails (marked stale), pauses while the page is hidden, and stops
 * everything when the host leaves the DOM, so a closed popup leaves nothing running.
 */
export class SessionsController implements ReactiveController {
  /** The current sessions; a new source starts a new store. */
  store = new SessionStore();
  /** Whether a refresh is in flight. */
  loading = false;
  /** The last refresh's failure, cleared by the next success. */
  error: { message: string; kind: SourceErrorKind | 'unknown'; at: number } | undefined;
  /** Entries the broker returned that could not be shown (no client ID). */
  skipped = 0;

  readonly #host: ReactiveControllerHost;
  readonly #callbacks: SessionsControllerCallbacks;
  #source: SessionSource | undefined;
  #intervalMs = 0;
  #abort: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastAttempt = 0;
  #connected = false;
  /** Delays of the quick refreshes that follow an action, before the normal interval resumes. */
  #followUps: number[] = [];

  constructor(host: ReactiveControllerHost, callbacks: SessionsControllerCallbacks) {
    this.#host = host;
    this.#callbacks = callbacks;
    host.addController(this);
  }

  /** Whether the data on screen is older than the last attempt to refresh it. */
  get stale(): boolean {
    return this.error !== undefined && this.store.loaded;
  }

  get source(): SessionSource | undefined {
    return this.#source;
  }

  /** Points the controller at a source; a new source starts from an empty list. */
  setSource(source: SessionSource | undefined): void {
    if (source === this.#source) return;
    this.#source = source;
    this.#abort?.abort();
    this.store = new SessionStore();
    this.error = undefined;
    if (this.#connected && source) void this.refresh('initial');
    this.#host.requestUpdate();
  }

  /** Seconds between polls; 0 stops polling. */
  setInterval(seconds: number): void {
    const ms = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 0;
    if (ms === this.#intervalMs) return;
    this.#intervalMs = ms;
    this.#schedule();
  }

  hostConnected(): void {
    this.#connected = true;
    document.addEventListener('visibilitychange', this.#onVisibility);
    if (this.#source && !this.store.loaded && !this.loading) void this.refresh('initial');
    else this.#schedule();
  }

  hostDisconnected(): void {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#abort?.abort();
  }

  /**
   * Fetches a fresh list. A newer refresh supersedes (aborts) an older one. The table keeps
   * showing the previous list until the new one has arrived, so nothing blanks.
   */
  async refresh(trigger: RefreshTrigger): Promise<void> {
    const source = this.#source;
    if (!source) return;
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    clearTimeout(this.#timer);
    this.loading = true;
    this.#lastAttempt = Date.now();
    this.#host.requestUpdate();
    try {
      const { sessions, skipped } = await source.list({ signal: abort.signal });
      if (abort.signal.aborted) return;
      this.store.replace(sessions);
      this.skipped = skipped;
      this.error = undefined;
      this.#callbacks.onRefresh(sessions.length, trigger);
    } catch (error) {
      if (abort.signal.aborted || isAbort(error)) return;
      const described =
        error instanceof SourceError
          ? { message: error.message, kind: error.kind }
          : { message: `Could not load sessions: ${String(error)}`, kind: 'unknown' as const };
      this.error = { ...described, at: Date.now() };
      this.#callbacks.onError(described, trigger);
    } finally {
      if (this.#abort === abort) {
        this.loading = false;
        this.#abort = undefined;
        this.#schedule();
        this.#host.requestUpdate();
      }
    }
  }

  /** Removes a session that an action ended, without waiting for the next poll. */
  removeSession(key: string): void {
    if (this.store.remove(key)) this.#host.requestUpdate();
  }

  /**
   * Refreshes a few times soon after an action, to show clients that reconnect (MQTT clients
   * usually retry within seconds), then returns to the normal interval.
   */
  refreshAfterAction(): void {
    this.#followUps = [1500, 3500, 7000];
    if (!this.loading) this.#schedule();
  }

  #schedule(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#connected || !this.#source || this.#intervalMs === 0 || this.loading) return;
    if (document.visibilityState === 'hidden') return;
    const followUp = this.#followUps.shift();
    if (followUp !== undefined) {
      this.#timer = setTimeout(() => void this.refresh('action'), followUp);
      return;
    }
    const due = this.#lastAttempt + this.#intervalMs - Date.now();
    this.#timer = setTimeout(() => void this.refresh('auto'), Math.max(0, due));
  }

  readonly #onVisibility = () => {
    // Hidden: stop polling. Shown again: refresh at once if a poll came due meanwhile.
    this.#schedule();
  };
}
