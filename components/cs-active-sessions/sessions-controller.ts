import type { MessageRef } from '../../src/sources/messages.js';
import { inBackground, SLICE_MS } from './background-work.js';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { HealthTracker } from '../../src/analysis/health.js';
import { sessionFromEmqxEvent } from '../../src/model/emqx-client.js';
import { SessionStore, type ReplaceJob } from '../../src/model/session-store.js';
import { sessionKey } from '../../src/model/session.js';
import type { LiveEvent } from '../../src/live/emqx-events.js';
import type { Session } from '../../src/model/session.js';
import { matchesWorkspace, workspaceOf, type Workspace } from '../../src/model/workspace.js';
import {
  isAbort,
  SourceError,
  type SessionSource,
  type SourceErrorKind,
} from '../../src/sources/source.js';
import type { RefreshTrigger } from './events.js';

/** A failure the user should read, naming where it happened. */
export interface ListError {
  message: string;
  kind: SourceErrorKind | 'unknown';
  at: number;
  /** How long the broker asked to be left alone (`Retry-After` of a 429 or 503). */
  retryAfterMs?: number;
  /** The source's message by id, for translation (`message` is its English text). */
  text?: MessageRef;
  /** Several sources failed: each one's message, after the workspaces or source it concerns. */
  parts?: { who: string; message: string; text?: MessageRef }[];
}

/** A source error's message by id, where it has one. */
const textOf = (e: SourceError) => (e.details.text ? { text: e.details.text } : {});

/** Keeps when the broker asked to be tried again (`Retry-After`) with a list error. */
function withRetryAfter(error: ListError, cause: unknown): ListError {
  const ms = cause instanceof SourceError ? cause.details.retryAfterMs : undefined;
  return ms === undefined ? error : { ...error, retryAfterMs: ms };
}

/** One source and the workspaces that slice it (none: the whole source, unlabelled). */
export interface SourceEntry {
  id: string;
  source: SessionSource;
  workspaces: readonly Workspace[];
}

/** What the host hears from the controller, so it can fire its events. */
export interface SessionsControllerCallbacks {
  onRefresh(count: number, trigger: RefreshTrigger): void;
  onError(
    error: { message: string; kind: SourceErrorKind | 'unknown' },
    trigger: RefreshTrigger,
  ): void;
}

interface EntryState extends SourceEntry {
  /** The last good sessions of this source, tagged with their workspace. */
  sessions: Session[];
  /** Every active session of the source, in a workspace or not (for plan usage). */
  total: number;
  /** Entries of the source's last good list that could not be read (kept while it is stale). */
  skipped?: number;
  error: ListError | undefined;
}

/** How long live events gather before they are applied together. */
const LIVE_BATCH_MS = 50;

/** First and longest retry delay after a failed poll. */
const BACKOFF_MIN_MS = 2000;

/**
 * Owns the session list: the sources, the store, the poll and its timer. Each source keeps its
 * last good data when a refresh fails (marked stale), failed polls retry with backoff and
 * jitter, polling pauses while the page is hidden, and everything stops when the host leaves
 * the DOM, so a closed popup leaves nothing running.
 */
/** Server mode: the page on screen, how to reach the others, and what the broker searches. */
export interface ServerPaging {
  index: number;
  /** The cursor of each page reached so far (the first is undefined). */
  cursors: (string | undefined)[];
  /** Rows before each page, for `aria-rowindex` (search pages can hold more than a page). */
  offsets: number[];
  next?: string;
  search: string;
  total?: number;
}

/**
 * From this many sessions, a poll is matched with the sessions kept between frames
 * (`SessionStore.replaceInSteps`): at 20,000, comparing them takes about 5 ms here.
 */
const REPLACE_IN_STEPS_FROM = 20_000;
/** From this many sessions, the health tracker looks at a new list after its rows are painted. */
const DEFER_HEALTH_FROM = 500;
/** Sessions the health tracker looks at per slice of work. */
const HEALTH_SLICE = 500;

export class SessionsController implements ReactiveController {
  /** The current sessions of every source; a new set of sources starts a new store. */
  store = new SessionStore();
  /** Whether a refresh is in flight. */
  loading = false;
  /** Entries the brokers returned that could not be shown (no client ID). */
  skipped = 0;
  /** What polls and live events showed over time: stuck sessions, takeover loops. */
  health = new HealthTracker();

  readonly #host: ReactiveControllerHost;
  readonly #callbacks: SessionsControllerCallbacks;
  #entries: EntryState[] = [];
  /**
   * Details still loading for sources that list client IDs first (HiveMQ): how many of how
   * many; counts are provisional meanwhile.
   */
  hydration: { done: number; total: number } | undefined;
  /**
   * Whether a source lists sessions before their details (`hydrate`): only then can a row be
   * pending. The others' lists need not be read through for one (100,000 sessions take a few
   * milliseconds to touch, on every change of the list).
   */
  get listsDetailsLater(): boolean {
    return this.#entries.some((e) => e.source.hydrate !== undefined);
  }
  /**
   * Client mode lists every session and searches in the browser; above `threshold` sessions
   * (the broker's own count) the broker pages and searches: server mode.
   */
  mode: 'client' | 'server' = 'client';
  /** Sessions above which server mode starts. */
  threshold = 100_000;
  /** Rows per page in server mode. */
  pageSize = 100;
  /** The broker's count of connected sessions, when it has one. */
  brokerTotal: number | undefined;
  /** Server mode: the page shown, its cursor history, and what the broker searches. */
  server: ServerPaging = { index: 0, cursors: [undefined], offsets: [0], search: '' };
  /** A page turn asked for and not yet arrived (committed to `server` when it has). */
  #requestedPage: { index: number; cursors: (string | undefined)[] } | undefined;
  /** Whether the list holds every session (false while a first load is still paging in). */
  #complete = true;
  /** The first load of a large list: sessions so far, out of the broker's count. */
  loadProgress: { loaded: number; total: number | undefined } | undefined;
  /** Client IDs of the rows on screen, whose details are fetched first. */
  priority: () => readonly string[] = () => [];
  #hydrationRun: AbortController | undefined;
  /** Bumped whenever the health tracker has seen something new (what flags and counts read). */
  healthVersion = 0;
  #cancelHealth: (() => void) | undefined;
  /** Duplicates being grouped again between frames (`#regroup`). */
  #cancelGroups: (() => void) | undefined;
  /** Whether the list changed while they were: grouped again once done. */
  #regroupAgain = false;
  /** Whether a grouping was cut short by the element's removal: done once it is back. */
  #regroupOnReturn = false;
  #hydrationTimer: ReturnType<typeof setTimeout> | undefined;
  #entryByKey: Map<string, EntryState> | undefined;
  /**
   * Which source entry each session came from, made when first needed after a poll (an action,
   * a live event, details arriving): most polls of a single source never need it.
   */
  /** The entry a listed session came from; with one source, without building the map. */
  #ownerOf(key: string): EntryState | undefined {
    if (this.#entries.length !== 1) return this.#owners.get(key);
    return this.store.get(key) ? this.#entries[0] : undefined;
  }

  get #owners(): Map<string, EntryState> {
    if (!this.#entryByKey) {
      const owners = new Map<string, EntryState>();
      for (const entry of this.#entries) for (const s of entry.sessions) owners.set(s.key, entry);
      this.#entryByKey = owners;
    }
    return this.#entryByKey;
  }
  #intervalMs = 0;
  #abort: AbortController | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastAttempt = 0;
  #failures = 0;
  #connected = false;
  /** Delays of the quick refreshes that follow an action, before the normal interval resumes. */
  #followUps: number[] = [];
  #liveQueue: LiveEvent[] = [];
  /** Client IDs not listed: the element's own live connections. */
  readonly #hidden = new Set<string>();
  #liveTimer: ReturnType<typeof setTimeout> | undefined;
  /** Live events seen while a poll is in flight, to apply again over its older snapshot. */
  #liveDuringPoll: LiveEvent[] | undefined;
  /**
   * Whether a poll is being merged between frames (`SessionStore.replaceInSteps`): live events
   * and details wait until it is in.
   */
  #merging = false;

  constructor(host: ReactiveControllerHost, callbacks: SessionsControllerCallbacks) {
    this.#host = host;
    this.#callbacks = callbacks;
    host.addController(this);
  }

  /** The failure of the last refresh, per source, joined into one message; undefined if none. */
  get error(): ListError | undefined {
    const failed = this.#entries.filter((e) => e.error);
    if (failed.length === 0) return undefined;
    if (failed.length === 1 && this.#entries.length === 1) return failed[0]!.error;
    const parts = failed.map((e) => ({
      who: e.workspaces.map((w) => w.label).join(', ') || e.source.label,
      message: e.error!.message,
      ...(e.error!.text ? { text: e.error!.text } : {}),
    }));
    return {
      message: parts.map((p) => `${p.who}: ${p.message}`).join(' '),
      kind: failed[0]!.error!.kind,
      at: failed[0]!.error!.at,
      parts,
    };
  }

  /** Whether some of the data on screen is older than the last attempt to refresh it. */
  get stale(): boolean {
    return this.#entries.some((e) => e.error) && this.store.loaded;
  }

  /** Active sessions of every source, including those in no workspace (plan usage). */
  get totalActive(): number {
    return this.#entries.reduce((n, e) => n + e.total, 0);
  }

  /** Whether there is anything to list from. */
  get hasSource(): boolean {
    return this.#entries.length > 0;
  }

  /** The source a session came from, for actions on it. */
  sourceOf(session: Pick<Session, 'key'>): SessionSource | undefined {
    return this.#ownerOf(session.key)?.source;
  }

  /** The workspace a live event's session belongs to (live events come from the first source). */
  workspaceOfEvent(event: LiveEvent): string | undefined {
    const entry = this.#entries[0];
    if (!entry) return undefined;
    if (event.kind === 'disconnected') {
      return this.store.get(sessionKey(event.node, event.clientId, entry.source.id))?.workspace;
    }
    const fresh = sessionFromEmqxEvent(event.node, event.payload, { sourceId: entry.source.id });
    return fresh ? tagWorkspaces([fresh], entry.workspaces)[0]?.workspace : undefined;
  }

  /** Leaves a client ID out of the list (still counted for plan usage). */
  hideClientId(clientId: string): void {
    this.#hidden.add(clientId);
  }

  /** How many sources there are. */
  get sourceCount(): number {
    return this.#entries.length;
  }

  /** Every source. */
  sources(): SessionSource[] {
    return this.#entries.map((e) => e.source);
  }

  /** The source of the only entry, or of the entry with this id. */
  source(id?: string): SessionSource | undefined {
    return (id === undefined ? this.#entries[0] : this.#entries.find((e) => e.id === id))?.source;
  }

  /** Points the controller at sources; a different set starts from an empty list. */
  setSources(entries: readonly SourceEntry[]): void {
    const same =
      entries.length === this.#entries.length &&
      entries.every(
        (e, i) =>
          e.source === this.#entries[i]!.source &&
          e.workspaces.length === this.#entries[i]!.workspaces.length &&
          e.workspaces.every((w, j) => w === this.#entries[i]!.workspaces[j]),
      );
    if (same) return;
    this.#abort?.abort();
    this.#abort = undefined;
    this.loading = false;
    this.#stopHydration();
    this.mode = 'client';
    this.brokerTotal = undefined;
    this.server = { index: 0, cursors: [undefined], offsets: [0], search: '' };
    this.#requestedPage = undefined;
    this.#complete = true;
    this.#entries = entries.map((e) => ({ ...e, sessions: [], total: 0, error: undefined }));
    this.#entryByKey = undefined;
    // What was being looked at belongs to the sources before.
    this.#stopHealth();
    this.#regroupOnReturn = false;
    this.store = new SessionStore();
    this.health = new HealthTracker();
    this.healthVersion++;
    this.#failures = 0;
    if (this.#connected && entries.length) void this.refresh('initial');
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
    // Removed before a first load finished: that load starts again.
    if (this.#entries.length && (!this.store.loaded || !this.#complete)) {
      void this.refresh('initial');
    } else this.#schedule();
    if (this.#regroupOnReturn) {
      this.#regroupOnReturn = false;
      this.#regroup();
    }
  }

  hostDisconnected(): void {
    this.#connected = false;
    document.removeEventListener('visibilitychange', this.#onVisibility);
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#followUps = [];
    this.#abort?.abort();
    this.#abort = undefined;
    // A page turn cut short by the removal is not left blocking the next one.
    this.#requestedPage = undefined;
    this.#stopHydration();
    this.#regroupOnReturn ||= this.#cancelGroups !== undefined;
    this.#stopHealth();
    this.loading = false;
    clearTimeout(this.#liveTimer);
    this.#liveTimer = undefined;
    this.#liveQueue = [];
  }

  /**
   * Fetches a fresh list from every source. A newer refresh supersedes (aborts) an older one.
   * The table keeps showing the previous list until the new one has arrived, so nothing blanks.
   */
  async refresh(trigger: RefreshTrigger): Promise<void> {
    if (this.#entries.length === 0) return;
    this.#abort?.abort();
    const abort = new AbortController();
    this.#abort = abort;
    clearTimeout(this.#timer);
    this.loading = true;
    this.#lastAttempt = Date.now();
    this.#liveDuringPoll = [];
    this.#host.requestUpdate();
    const entries = this.#entries;
    const single = entries.length === 1 ? entries[0]! : undefined;
    // The mode changes with the data it shows, not before it has arrived.
    let nextMode = this.mode;
    if (single?.source.count && single.source.page) {
      // The broker's own count decides the mode (and is the plan usage in server mode).
      try {
        this.brokerTotal = await single.source.count({ signal: abort.signal });
        nextMode = this.brokerTotal > this.threshold ? 'server' : 'client';
      } catch {
        // No count this time: keep the mode, and let the list say what is wrong.
      }
      if (abort.signal.aborted || entries !== this.#entries) return;
    }
    if (nextMode === 'server' && single?.source.page) {
      return this.#refreshPage(single, abort, trigger);
    }
    // A first load shows rows as pages arrive, with progress; later ones swap in when complete.
    const firstLoad = !this.store.loaded && single !== undefined;
    // By key: a walk that restarts (an expired cursor) sends its pages again.
    const partial = new Map<string, Session>();
    let shownAt = 0;
    const onPage = firstLoad
      ? (page: readonly Session[]) => {
          if (abort.signal.aborted) return;
          for (const s of page) partial.set(s.key, s);
          this.loadProgress = { loaded: partial.size, total: this.brokerTotal };
          if (Date.now() - shownAt < 250) return;
          shownAt = Date.now();
          single.sessions = tagWorkspaces(
            this.#withoutHidden([...partial.values()]),
            single.workspaces,
          );
          this.#entryByKey = undefined;
          this.mode = 'client';
          this.#complete = false;
          this.store.replace(single.sessions);
          this.#host.requestUpdate();
        }
      : undefined;
    const outcomes = await Promise.allSettled(
      entries.map((e) => e.source.list({ signal: abort.signal, onPage })),
    );
    this.loadProgress = undefined;
    if (abort.signal.aborted || entries !== this.#entries) return;

    const fresh = outcomes.map((outcome, i) =>
      outcome.status === 'fulfilled'
        ? tagWorkspaces(this.#withoutHidden(outcome.value.sessions), entries[i]!.workspaces)
        : undefined,
    );
    const anyLoaded = fresh.some((list) => list !== undefined);
    // What the store gets: every source's new list, or its last one where it failed.
    const listed =
      anyLoaded || this.store.loaded
        ? entries.length === 1
          ? (fresh[0] ?? entries[0]!.sessions)
          : entries.flatMap((e, i) => fresh[i] ?? e.sessions)
        : undefined;
    // A large poll is matched with the sessions kept between frames (tens of milliseconds at
    // 100,000 sessions, which would hold up a frame); the rows stay the last poll's until then.
    let replaced = false;
    if (
      listed !== undefined &&
      listed.length >= REPLACE_IN_STEPS_FROM &&
      this.store.sessions.length > 0
    ) {
      const job = this.store.replaceInSteps(listed);
      this.#merging = true;
      let merged: boolean;
      try {
        merged = await this.#replaced(job, abort.signal);
      } finally {
        this.#merging = false;
      }
      // Overtaken (a newer refresh, an action, the element removed): dropped as a whole, as
      // the list is while it is on its way. Nothing else puts the store's list in meanwhile
      // (live events and details wait), so the store is as it was.
      if (abort.signal.aborted || entries !== this.#entries) return;
      // Cancelled by anything else (another replace of the store): the poll goes in at once.
      replaced = merged;
    }

    let failedNow: ListError | undefined;
    outcomes.forEach((outcome, i) => {
      const entry = entries[i]!;
      if (outcome.status === 'fulfilled') {
        entry.sessions = fresh[i]!;
        entry.total = outcome.value.sessions.length;
        entry.error = undefined;
        entry.skipped = outcome.value.skipped;
      } else if (!isAbort(outcome.reason)) {
        const e = outcome.reason;
        entry.error =
          e instanceof SourceError
            ? { message: e.message, kind: e.kind, at: Date.now(), ...textOf(e) }
            : {
                message: e instanceof Error ? e.message : String(e),
                kind: 'unknown',
                at: Date.now(),
              };
        entry.error = withRetryAfter(entry.error, e);
        failedNow ??= entry.error;
      }
    });
    if (listed !== undefined) {
      this.#entryByKey = undefined;
      this.mode = 'client';
      this.#complete = true;
      if (!replaced) this.store.replace(listed);
      // One source: its list is the store's, which keeps the objects of sessions that did not
      // change. Holding the poll's own copies of them would keep a second fleet in memory.
      if (entries.length === 1) entries[0]!.sessions = this.store.sessions as Session[];
      this.#observeHealth();
      // The snapshot predates the live events that came while it was on its way.
      this.#applyEvents(this.#liveDuringPoll ?? []);
    }
    this.#liveDuringPoll = undefined;
    if (anyLoaded) this.#startHydration(entries);
    this.skipped = entries.reduce((n, e) => n + (e.skipped ?? 0), 0);
    this.#failures = failedNow ? this.#failures + 1 : 0;
    if (anyLoaded) this.#callbacks.onRefresh(this.store.sessions.length, trigger);
    if (failedNow) this.#callbacks.onError(this.error ?? failedNow, trigger);
    this.loading = false;
    this.#abort = undefined;
    this.#schedule();
    this.#host.requestUpdate();
  }

  /**
   * Runs a stepped replace: a first slice now, the rest between frames. Resolves whether its
   * list went in; false when it was cancelled: by the refresh's abort, or by another replace.
   */
  #replaced(job: ReplaceJob, signal: AbortSignal): Promise<boolean> {
    if (signal.aborted) {
      job.cancel();
      return Promise.resolve(false);
    }
    if (job.step(performance.now() + SLICE_MS)) return Promise.resolve(job.committed);
    return new Promise((resolve) => {
      const onAbort = () => {
        stop();
        job.cancel();
        resolve(job.committed);
      };
      const stop = inBackground(
        (until) => job.step(until),
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve(job.committed);
        },
        { urgent: true },
      );
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Server mode: one page from the broker, searched there. */
  async #refreshPage(entry: EntryState, abort: AbortController, trigger: RefreshTrigger) {
    const requested = this.#requestedPage;
    const { index, cursors } = requested ?? this.server;
    const { search } = this.server;
    try {
      const page = await entry.source.page!({
        cursor: cursors[index],
        search: search || undefined,
        limit: this.pageSize,
        signal: abort.signal,
      });
      if (abort.signal.aborted || !this.#entries.includes(entry)) return;
      entry.sessions = tagWorkspaces(this.#withoutHidden(page.sessions), entry.workspaces);
      entry.total = this.brokerTotal ?? page.sessions.length;
      entry.error = undefined;
      // Committed with its rows: a page turn that fails leaves the page and its number as they were.
      const offsets = this.server.offsets.slice(0, index + 1);
      if (index > 0 && offsets[index] === undefined) {
        offsets[index] = (offsets[index - 1] ?? 0) + this.store.sessions.length;
      }
      this.#requestedPage = undefined;
      this.server = {
        ...this.server,
        index,
        cursors,
        offsets,
        next: page.next,
        total: search ? page.total : (page.total ?? this.brokerTotal),
      };
      this.#entryByKey = undefined;
      this.mode = 'server';
      this.#complete = true;
      this.store.replace(entry.sessions);
      entry.sessions = this.store.sessions as Session[];
      this.#observeHealth();
      entry.skipped = page.skipped;
      this.skipped = page.skipped;
      this.#failures = 0;
      // The broker's count, not the page's length: the page is not the fleet.
      this.#callbacks.onRefresh(this.brokerTotal ?? this.store.sessions.length, trigger);
    } catch (e) {
      // Superseded (a refresh overtook the page turn): the turn stays asked for, and the newer
      // refresh, which reads it once its count has come, brings that page.
      if (isAbort(e) || abort.signal.aborted) return;
      if (this.#requestedPage === requested) this.#requestedPage = undefined;
      entry.error =
        e instanceof SourceError
          ? { message: e.message, kind: e.kind, at: Date.now(), ...textOf(e) }
          : {
              message: e instanceof Error ? e.message : String(e),
              kind: 'unknown',
              at: Date.now(),
            };
      entry.error = withRetryAfter(entry.error, e);
      this.#failures++;
      this.#callbacks.onError(this.error ?? entry.error, trigger);
    } finally {
      if (this.#abort === abort) {
        this.loading = false;
        this.#abort = undefined;
        this.#schedule();
        this.#host.requestUpdate();
      }
    }
  }

  /** Server mode: search on the broker, from its first page. */
  setServerSearch(text: string): void {
    const search = text.trim();
    if (search === this.server.search) return;
    this.server = { index: 0, cursors: [undefined], offsets: [0], search };
    this.#requestedPage = undefined;
    if (this.mode === 'server') void this.refresh('user');
  }

  /** Server mode: the next or the previous page. */
  turnPage(step: 1 | -1): void {
    // One turn at a time: the next cursor is only known once the page has arrived.
    if (this.loading || this.#requestedPage) return;
    const { index, cursors, next } = this.server;
    if (step === 1) {
      if (!next) return;
      this.#requestedPage = { index: index + 1, cursors: [...cursors.slice(0, index + 1), next] };
    } else {
      if (index === 0) return;
      this.#requestedPage = { index: index - 1, cursors };
    }
    void this.refresh('user');
  }

  #withoutHidden(sessions: Session[]): Session[] {
    if (this.#hidden.size === 0) return sessions;
    // Compared, not looked up in the set: the engine would hash the client ID of every session
    // of every poll (native memory for each string hashed, see src/analysis/client-id-map.ts).
    const hidden = [...this.#hidden];
    return sessions.filter((x) => !hidden.includes(x.clientId));
  }

  /** Whether a client ID is one the list leaves out (the element's own live connection). */
  isHidden(clientId: string): boolean {
    return this.#hidden.has(clientId);
  }

  /** Whether a first load is still paging in. */
  get complete(): boolean {
    return this.#complete;
  }

  /** Stops looking at a list and grouping its duplicates between frames. */
  #stopHealth(): void {
    this.#cancelHealth?.();
    this.#cancelHealth = undefined;
    this.#cancelGroups?.();
    this.#cancelGroups = undefined;
    this.#regroupAgain = false;
  }

  /**
   * Lets the health tracker see the new list. A large list is looked at just after its rows are
   * painted (diagnosis follows a moment later), not before, and a part at a time: no frame waits
   * for any of it.
   */
  #observeHealth(): void {
    // Grouped again once this is done.
    this.#stopHealth();
    const sessions = this.store.sessions;
    const now = Date.now();
    if (sessions.length < DEFER_HEALTH_FROM) {
      this.health.observe(sessions, now);
      this.healthVersion++;
      return;
    }
    // A large list: a few milliseconds at a time between frames, after its rows are painted.
    // A large first list is given its slots first (see `SessionStore.index`).
    let from = 0;
    let again = false;
    let prune: ((until: number) => boolean) | undefined;
    this.#cancelHealth = inBackground(
      (until) => {
        if (!this.store.indexed) {
          const before = this.store.sessions;
          if (!this.store.index(until)) return false;
          if (this.store.sessions !== before) {
            // A key was listed twice: the list changed, and is looked at again.
            again = true;
            return true;
          }
        }
        while (from < sessions.length) {
          this.health.observeSlice(sessions, from, from + HEALTH_SLICE, now);
          from += HEALTH_SLICE;
          if (performance.now() >= until) return false;
        }
        // What left the list is forgotten.
        prune ??= this.health.pruneInSteps(now, (key) => this.store.get(key) !== undefined);
        return prune(until);
      },
      () => {
        this.#cancelHealth = undefined;
        if (again) {
          this.#observeHealth();
          this.#host.requestUpdate();
          return;
        }
        this.#regroup();
      },
    );
  }

  /**
   * Groups duplicates again over the list as it is now (after a poll was looked at, or live
   * events changed the list), then has flags and counts read again: at once for a small list,
   * else between frames. Live events that come while a large list is being grouped (every 50 ms
   * on a busy broker) let that grouping finish, then have the list grouped again: started
   * afresh each time, it would never finish.
   */
  #regroup(): void {
    const sessions = this.store.sessions;
    if (sessions.length < DEFER_HEALTH_FROM) {
      this.#cancelGroups?.();
      this.#cancelGroups = undefined;
      this.#regroupAgain = false;
      this.health.observeGroups(sessions);
      this.healthVersion++;
      this.#host.requestUpdate();
      return;
    }
    if (this.#cancelGroups !== undefined) {
      this.#regroupAgain = true;
      return;
    }
    this.#cancelGroups = inBackground(this.health.groupsInSteps(sessions), () => {
      this.#cancelGroups = undefined;
      this.healthVersion++;
      this.#host.requestUpdate();
      if (this.#regroupAgain) {
        this.#regroupAgain = false;
        this.#regroup();
      }
    });
  }

  #stopHydration(): void {
    this.#hydrationRun?.abort();
    this.#hydrationRun = undefined;
    clearTimeout(this.#hydrationTimer);
    this.#hydrationTimer = undefined;
    this.hydration = undefined;
  }

  /** Fetches the details of pending sessions in the background, the rows on screen first. */
  #startHydration(entries: EntryState[]): void {
    this.#stopHydration();
    // Every poll: pending rows get their details, earlier ones are read again.
    const lazy = entries.filter((e) => e.source.hydrate && e.sessions.length > 0);
    if (lazy.length === 0) return;
    const run = new AbortController();
    this.#hydrationRun = run;
    const total = lazy.reduce((n, e) => n + e.sessions.filter((s) => s.pending).length, 0);
    let done = 0;
    this.hydration = total ? { done, total } : undefined;
    const upserts = new Map<string, { entry: EntryState; session: Session }>();
    const removes = new Map<string, EntryState>();
    const flush = () => {
      this.#hydrationTimer = undefined;
      if (run.signal.aborted || entries !== this.#entries) return;
      // Not while a poll is merged: that poll's lists and the store must go in together.
      if (this.#merging) {
        schedule();
        return;
      }
      for (const [key, entry] of removes) {
        if (!this.#owners.has(key)) continue;
        entry.sessions = entry.sessions.filter((s) => s.key !== key);
        entry.total = Math.max(0, entry.total - 1);
        this.#owners.delete(key);
      }
      const changed: Session[] = [];
      for (const { entry, session } of upserts.values()) {
        // Disconnected from here meanwhile: the row stays gone.
        if (!this.#owners.has(session.key)) continue;
        const [tagged] = tagWorkspaces([session], entry.workspaces);
        if (!tagged) {
          // Its details put it outside every workspace of its source.
          removes.set(session.key, entry);
          entry.sessions = entry.sessions.filter((s) => s.key !== session.key);
          continue;
        }
        entry.sessions = entry.sessions.map((s) => (s.key === tagged.key ? tagged : s));
        this.#owners.set(tagged.key, entry);
        changed.push(tagged);
      }
      this.store.patch(changed, new Set(removes.keys()));
      // Details bring keep-alive and queue figures: the flags follow.
      this.healthVersion++;
      upserts.clear();
      removes.clear();
      this.hydration = done >= total || total === 0 ? undefined : { done, total };
      this.#host.requestUpdate();
    };
    const schedule = () => (this.#hydrationTimer ??= setTimeout(flush, 100));
    const priority = () => this.priority();
    for (const entry of lazy) {
      void entry.source.hydrate!(entry.sessions, {
        signal: run.signal,
        priority,
        onSessions: ({ detailed, gone }) => {
          for (const s of detailed) upserts.set(s.key, { entry, session: s });
          for (const id of gone) {
            const s = entry.sessions.find((x) => x.clientId === id);
            if (s) removes.set(s.key, entry);
          }
          schedule();
        },
        onProgress: () => {
          done++;
          schedule();
        },
      }).catch(() => undefined);
    }
  }

  /** Removes a session that an action ended, without waiting for the next poll. */
  removeSessions(keys: readonly string[]): void {
    // Details still on their way could put the row back: the next poll reads them again.
    this.#stopHydration();
    // A refresh that started before the action could put the row back: start over instead.
    if (this.#abort) {
      this.#abort.abort();
      this.#abort = undefined;
      this.loading = false;
    }
    let removed = false;
    for (const key of keys) {
      const entry = this.#ownerOf(key);
      if (entry) {
        entry.sessions = entry.sessions.filter((s) => s.key !== key);
        entry.total = Math.max(0, entry.total - 1);
      }
      this.#entryByKey?.delete(key);
      removed = this.store.remove(key) || removed;
    }
    if (removed) {
      this.healthVersion++;
      this.#host.requestUpdate();
    }
  }

  /**
   * Takes a live connect or disconnect for the first source (live events come from one broker).
   * Events are applied in batches (a reconnection storm is one update, not thousands), and the
   * ones that arrive while a poll is in flight are applied again on top of its snapshot, which
   * was taken before them.
   */
  applyLive(event: LiveEvent): void {
    this.#liveQueue.push(event);
    this.#liveDuringPoll?.push(event);
    this.#liveTimer ??= setTimeout(() => this.#flushLive(), LIVE_BATCH_MS);
  }

  #flushLive(): void {
    this.#liveTimer = undefined;
    // Not while a poll is merged (its snapshot and its sources' lists must go in together):
    // the events wait, and are applied again on top of that poll when it is in.
    if (this.#merging) {
      this.#liveTimer = setTimeout(() => this.#flushLive(), LIVE_BATCH_MS);
      return;
    }
    const events = this.#liveQueue;
    this.#liveQueue = [];
    if (this.#applyEvents(events)) this.#host.requestUpdate();
  }

  /** Applies events to the store in one pass; returns whether anything changed. */
  #applyEvents(events: readonly LiveEvent[]): boolean {
    const entry = this.#entries[0];
    if (!entry || !this.store.loaded || events.length === 0) return false;
    const now = Date.now();
    const upserts = new Map<string, Session>();
    const removes = new Set<string>();
    const current = (key: string) =>
      removes.has(key) ? undefined : (upserts.get(key) ?? this.store.get(key));
    for (const event of events) {
      if (this.#hidden.has(event.clientId)) continue;
      const key = sessionKey(event.node, event.clientId, entry.source.id);
      const at =
        typeof event.payload['connected_at'] === 'number'
          ? event.payload['connected_at']
          : undefined;
      const existing = current(key);
      // An event about an older connection than the one listed is late: the newer one stays.
      if (existing?.connectedAt !== undefined && at !== undefined && existing.connectedAt > at) {
        if (event.kind === 'disconnected') this.health.observeDisconnect(key, event.reason, now);
        continue;
      }
      if (event.kind === 'connected') {
        const fresh = sessionFromEmqxEvent(event.node, event.payload, {
          sourceId: entry.source.id,
        });
        const [tagged] = fresh ? tagWorkspaces([fresh], entry.workspaces) : [];
        if (!tagged || existing?.connectedAt === tagged.connectedAt) continue;
        // Server mode shows one page of the broker's: a new connection is not on it.
        if (this.mode === 'server' && !existing) continue;
        removes.delete(key);
        upserts.set(key, tagged);
        this.health.observeConnect(tagged, now);
      } else {
        this.health.observeDisconnect(key, event.reason, now);
        if (!existing) continue;
        upserts.delete(key);
        removes.add(key);
      }
    }
    if (upserts.size === 0 && removes.size === 0) return false;
    // Live events come from the first source; with one source it owns every session.
    const single = this.#entries.length === 1;
    if (!single) {
      for (const key of removes) this.#owners.delete(key);
      for (const [key] of upserts) this.#owners.set(key, entry);
    }
    const before = this.store.sessions.length;
    this.store.patch([...upserts.values()], removes);
    // One source: its list is the store's (as after a poll), not a copy of 100,000 per batch.
    entry.sessions = single
      ? (this.store.sessions as Session[])
      : this.store.sessions.filter((s) => this.#owners.get(s.key) === entry);
    entry.total = Math.max(0, entry.total + this.store.sessions.length - before);
    // Only the client IDs the events touched are grouped again, at once, unless the whole list
    // is being grouped (then it is grouped again once that is done).
    const change = this.store.lastChange;
    if (this.#cancelGroups === undefined && change !== undefined) {
      this.health.regroupTouched(this.store.sessions, [...change.added, ...change.gone]);
    } else this.#regroup();
    // Read at once (a session seen connecting is no longer stuck).
    this.healthVersion++;
    return true;
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
    if (!this.#connected || this.#entries.length === 0 || this.loading) return;
    if (document.visibilityState === 'hidden') return;
    const followUp = this.#followUps.shift();
    if (followUp !== undefined) {
      this.#timer = setTimeout(() => void this.refresh('action'), followUp);
      return;
    }
    if (this.#intervalMs === 0) return;
    let delay = this.#lastAttempt + this.#intervalMs - Date.now();
    const error = this.error;
    if (this.#failures > 0 && error && error.kind !== 'auth' && error.kind !== 'forbidden') {
      // Retry sooner after a failure, backing off with jitter up to the normal interval.
      // Wrong credentials are not retried sooner: they will not fix themselves.
      const backoff = Math.min(this.#intervalMs, BACKOFF_MIN_MS * 2 ** (this.#failures - 1));
      delay = this.#lastAttempt + backoff * (0.75 + Math.random() * 0.5) - Date.now();
    }
    // A broker that said when to come back (429 or 503 with `Retry-After`) is not asked sooner.
    for (const e of this.#entries) {
      if (e.error?.retryAfterMs !== undefined) {
        delay = Math.max(delay, e.error.at + e.error.retryAfterMs - Date.now());
      }
    }
    this.#timer = setTimeout(() => void this.refresh('auto'), Math.max(0, delay));
  }

  readonly #onVisibility = () => {
    // Hidden: stop polling. Shown again: refresh at once if a poll came due meanwhile.
    this.#schedule();
  };
}

/**
 * Stamps each session with the first workspace of its source that it belongs to. A pending
 * session (details still loading) is placed by its client ID alone until they come.
 */
function tagWorkspaces(sessions: Session[], workspaces: readonly Workspace[]): Session[] {
  if (workspaces.length === 0) return sessions;
  const out: Session[] = [];
  for (const s of sessions) {
    const ws = s.pending
      ? workspaces.find(
          (w) => !w.match || matchesWorkspace(s, { clientIdPrefix: w.match.clientIdPrefix }),
        )
      : workspaceOf(s, workspaces);
    if (ws) out.push(s.workspace === ws.id ? s : { ...s, workspace: ws.id });
  }
  return out;
}
