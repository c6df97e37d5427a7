import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Session } from '../../src/model/session.js';
import {
  MemoryStorage,
  openStorage,
  type AuditEntry,
  type HistorySample,
  type SessionStorage,
  type StoredAlerts,
  type StoredSettings,
} from '../../src/storage/db.js';

/** The trend chart's ranges. */
export type TrendRange = 'hour' | 'day' | 'week';
export const TREND_RANGES: Record<TrendRange, { ms: number; label: string; short: string }> = {
  hour: { ms: 3_600_000, label: 'last hour', short: '1 h' },
  day: { ms: 86_400_000, label: 'last day', short: '1 d' },
  week: { ms: 7 * 86_400_000, label: 'last week', short: '7 d' },
};

/** The history series of "all workspaces". */
export const ALL_WORKSPACES = '*';

/**
 * Owns the element's storage for one `storage-key`: settings, count history and the audit log.
 * Failures never reach the view: storage falls back to memory and `notice` says so, once.
 */
export class StorageController implements ReactiveController {
  /** Why storage is in memory only; shown once. */
  notice: string | undefined;
  /** Samples of the series on screen, for the trend chart. */
  trend: HistorySample[] = [];
  /** Audit entries, newest first, while the audit log is open. */
  audit: AuditEntry[] | undefined;

  readonly #host: ReactiveControllerHost;
  #key: string | undefined;
  #storage: Promise<SessionStorage> | undefined;
  #previous = new Map<string, Set<string>>();
  #trendFor: { workspace: string; range: TrendRange } = {
    workspace: ALL_WORKSPACES,
    range: 'hour',
  };
  #compactTimer: ReturnType<typeof setInterval> | undefined;
  #connected = false;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  /** Opens the storage of a key (closing the previous one); resolves with its settings. */
  async use(key: string): Promise<StoredSettings> {
    if (key === this.#key && this.#storage)
      return (await this.#storage).settings().catch(() => ({}));
    void this.#storage?.then((s) => s.close());
    this.#key = key;
    this.#previous = new Map();
    const storage = openStorage(key);
    this.#storage = storage;
    const s = await storage;
    if (s.degraded && !this.notice) {
      this.notice = s.degraded;
    }
    await this.#safely((st) => st.compact(Date.now()));
    await this.refreshTrend();
    this.#host.requestUpdate();
    return (await this.#safely((st) => st.settings())) ?? {};
  }

  hostConnected(): void {
    this.#connected = true;
    clearInterval(this.#compactTimer);
    this.#compactTimer = setInterval(
      () => void this.#safely((s) => s.compact(Date.now())),
      600_000,
    );
  }

  hostDisconnected(): void {
    this.#connected = false;
    clearInterval(this.#compactTimer);
    this.#compactTimer = undefined;
    // A removed element holds no database connection (it would block upgrades and deletes).
    void this.#storage?.then((s) => s.close());
    this.#storage = undefined;
    this.#key = undefined;
  }

  /** Records one refresh: a sample per workspace and one for all of them. */
  async recordSnapshot(sessions: readonly Session[], workspaces: readonly string[]): Promise<void> {
    const now = Date.now();
    const groups = new Map<string, Set<string>>([[ALL_WORKSPACES, new Set()]]);
    for (const w of workspaces) groups.set(w, new Set());
    for (const s of sessions) {
      groups.get(ALL_WORKSPACES)!.add(s.key);
      if (s.workspace !== undefined) groups.get(s.workspace)?.add(s.key);
    }
    const samples: HistorySample[] = [];
    for (const [workspace, keys] of groups) {
      const before = this.#previous.get(workspace);
      let added = 0;
      let gone = 0;
      if (before) {
        for (const k of keys) if (!before.has(k)) added++;
        for (const k of before) if (!keys.has(k)) gone++;
      }
      this.#previous.set(workspace, keys);
      samples.push({
        workspace,
        t: now,
        resolution: 'raw',
        active: keys.size,
        min: keys.size,
        max: keys.size,
        new: added,
        gone,
      });
    }
    await this.#safely(async (s) => {
      for (const sample of samples) await s.addSample(sample);
    });
    await this.refreshTrend();
  }

  /** Chooses the series and range of the trend chart. */
  async showTrend(workspace: string, range: TrendRange): Promise<void> {
    this.#trendFor = { workspace, range };
    await this.refreshTrend();
  }

  async refreshTrend(): Promise<void> {
    const { workspace, range } = this.#trendFor;
    const since = Date.now() - TREND_RANGES[range].ms;
    this.trend = (await this.#safely((s) => s.samples(workspace, since))) ?? [];
    if (this.#connected) this.#host.requestUpdate();
  }

  /** Every sample of a series, for the history export. */
  async history(workspace: string): Promise<HistorySample[]> {
    return (await this.#safely((s) => s.samples(workspace, 0))) ?? [];
  }

  async addAudit(entry: AuditEntry): Promise<void> {
    await this.#safely((s) => s.addAudit(entry));
    if (this.audit) await this.loadAudit();
  }

  async loadAudit(): Promise<AuditEntry[]> {
    const entries = (await this.#safely((s) => s.audit())) ?? [];
    this.audit = [...entries].sort((a, b) => b.t - a.t);
    this.#host.requestUpdate();
    return this.audit;
  }

  closeAudit(): void {
    this.audit = undefined;
    this.#host.requestUpdate();
  }

  async saveSettings(settings: StoredSettings): Promise<void> {
    await this.#safely((s) => s.saveSettings(settings));
  }

  async alerts(): Promise<StoredAlerts> {
    return (await this.#safely((s) => s.alerts())) ?? {};
  }

  async saveAlerts(alerts: StoredAlerts): Promise<void> {
    await this.#safely((s) => s.saveAlerts(alerts));
  }

  /**
   * Runs a storage call. A failure (quota, a database closed by another tab's upgrade) switches
   * to memory, says so once, and runs the call again there, so nothing (an audit entry) is lost.
   */
  async #safely<T>(fn: (s: SessionStorage) => Promise<T>): Promise<T | undefined> {
    if (!this.#storage) return undefined;
    const storage = await this.#storage;
    try {
      return await fn(storage);
    } catch (error) {
      if (storage.degraded) return undefined;
      storage.close();
      const reason = error instanceof Error ? error.message : String(error);
      const memory = new MemoryStorage(reason);
      this.#storage = Promise.resolve(memory);
      this.notice ??= reason;
      this.#host.requestUpdate();
      try {
        return await fn(memory);
      } catch {
        return undefined;
      }
    }
  }
}
