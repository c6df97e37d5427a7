/**
 * The element's IndexedDB (idb): count history, audit log and settings, one database per
 * `storage-key`. One typed schema, versioned upgrades, small async functions; when IndexedDB
 * cannot be used (private mode, quota, a blocked upgrade) the same interface is kept in memory
 * and the caller is told why, once.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Alert, AlertRule, AlertState } from '../alerts/rules.js';
import type { DisconnectResult } from '../sources/source.js';

/** One point of the active-session count of a workspace (`*` for all of them). */
export interface HistorySample {
  workspace: string;
  /** Start of the sample (or of its bucket), epoch ms. */
  t: number;
  resolution: 'raw' | 'minute' | 'hour';
  /** Active sessions at the end of the bucket. */
  active: number;
  min: number;
  max: number;
  /** Sessions that appeared, and that left, during the bucket. */
  new: number;
  gone: number;
}

/** One disconnect action made from the element. */
export interface AuditEntry {
  id?: number;
  t: number;
  action: 'disconnect' | 'disconnect-and-block' | 'bulk-disconnect';
  workspace: string;
  /** The label the host page set (`operator` property), or empty. */
  operator: string;
  results: DisconnectResult[];
  /** For a block, how long. */
  blockSeconds?: number;
}

/** What the element remembers per storage key. */
export interface StoredSettings {
  refreshInterval?: number;
  autoRefresh?: boolean;
  workspace?: string;
  sort?: { column: string; direction: 'ascending' | 'descending' };
  filters?: { node?: string; protocol?: string; transport?: string; tls?: boolean; ip?: string[] };
  columns?: string[];
  trendRange?: 'hour' | 'day' | 'week';
  /** Health filters that were on. */
  health?: string[];
}

/** An alert as listed, with whether someone acknowledged it. */
export interface ListedAlert extends Alert {
  acknowledged: boolean;
}

/** Alert rules, the evaluation state and the alert list (version 2). */
export interface StoredAlerts {
  rules?: AlertRule[];
  state?: AlertState;
  list?: ListedAlert[];
}

/** What the extension's background watch keeps of a workspace between polls. */
export interface StoredWatchState {
  alertState: AlertState;
  /** Client IDs seen by the previous poll, for the history's new and gone counts. */
  previous?: string[];
  /** When the history was last compacted. */
  lastCompact?: number;
  /** The source and match the state was built from; another one starts afresh. */
  fingerprint?: string;
}

interface CsSessionsDb extends DBSchema {
  history: {
    key: [string, number, string];
    value: HistorySample;
    indexes: { byTime: number };
  };
  audit: { key: number; value: AuditEntry; indexes: { byTime: number } };
  settings: { key: string; value: StoredSettings };
  /** Key `alerts`: the element's; key `watch:<workspace>`: the extension background's. */
  alerts: { key: string; value: StoredAlerts | StoredWatchState };
}

export const DB_VERSION = 2;
export const HISTORY_DAYS = 30;
export const AUDIT_DAYS = 90;
const DAY = 86_400_000;

/** What the element stores, wherever it ends up. */
export interface SessionStorage {
  /** Why storage is in memory only, or undefined when IndexedDB works. */
  readonly degraded: string | undefined;
  addSample(sample: HistorySample): Promise<void>;
  samples(workspace: string, since: number): Promise<HistorySample[]>;
  /** Raw samples into minutes after ten minutes, minutes into hours after a day; drops old. */
  compact(now: number): Promise<void>;
  addAudit(entry: AuditEntry): Promise<void>;
  audit(since?: number): Promise<AuditEntry[]>;
  settings(): Promise<StoredSettings>;
  saveSettings(settings: StoredSettings): Promise<void>;
  alerts(): Promise<StoredAlerts>;
  saveAlerts(alerts: StoredAlerts): Promise<void>;
  /** The extension background's state of one workspace. */
  watchState(workspace: string): Promise<StoredWatchState | undefined>;
  /** Stores it, or with `undefined` forgets it (a removed workspace). */
  saveWatchState(workspace: string, state: StoredWatchState | undefined): Promise<void>;
  close(): void;
}

/** Merges samples of one workspace into buckets of `size` ms. */
export function bucketSamples(
  samples: readonly HistorySample[],
  size: number,
  resolution: HistorySample['resolution'],
): HistorySample[] {
  const buckets = new Map<number, HistorySample>();
  for (const s of [...samples].sort((a, b) => a.t - b.t)) {
    const t = Math.floor(s.t / size) * size;
    const b = buckets.get(t);
    if (!b) {
      buckets.set(t, { ...s, t, resolution });
    } else {
      b.active = s.active;
      b.min = Math.min(b.min, s.min);
      b.max = Math.max(b.max, s.max);
      b.new += s.new;
      b.gone += s.gone;
    }
  }
  return [...buckets.values()];
}

const RAW_KEEP = 10 * 60_000;

/**
 * The compaction plan, shared by both stores: what to delete and what to write. Raw samples
 * older than ten minutes merge into their minute; minutes older than a day (including those
 * just made) merge into their hour; anything older than 30 days goes.
 */
function plan(all: readonly HistorySample[], now: number) {
  const remove: HistorySample[] = [];
  const add: HistorySample[] = [];
  const byWorkspace = new Map<string, HistorySample[]>();
  for (const s of all) {
    if (s.t < now - HISTORY_DAYS * DAY) {
      remove.push(s);
      continue;
    }
    const list = byWorkspace.get(s.workspace);
    if (list) list.push(s);
    else byWorkspace.set(s.workspace, [s]);
  }
  for (const samples of byWorkspace.values()) {
    const oldRaw = samples.filter((s) => s.resolution === 'raw' && s.t < now - RAW_KEEP);
    const storedMinutes = samples.filter((s) => s.resolution === 'minute');
    const storedHours = samples.filter((s) => s.resolution === 'hour');
    // Minutes after merging the old raw samples into them.
    let minutes = storedMinutes;
    if (oldRaw.length) {
      remove.push(...oldRaw);
      minutes = bucketSamples([...storedMinutes, ...oldRaw], 60_000, 'minute');
    }
    const oldMinutes = minutes.filter((m) => m.t < now - DAY);
    const keptMinutes = minutes.filter((m) => m.t >= now - DAY);
    const minutesChanged = oldRaw.length > 0 || oldMinutes.length > 0;
    if (minutesChanged) {
      remove.push(...storedMinutes);
      add.push(...keptMinutes);
    }
    if (oldMinutes.length) {
      remove.push(...storedHours);
      add.push(...bucketSamples([...storedHours, ...oldMinutes], 3_600_000, 'hour'));
    }
  }
  return { remove, add };
}

class IdbStorage implements SessionStorage {
  readonly degraded = undefined;
  constructor(private readonly db: IDBPDatabase<CsSessionsDb>) {}

  async addSample(sample: HistorySample): Promise<void> {
    await this.db.put('history', sample);
  }

  async samples(workspace: string, since: number): Promise<HistorySample[]> {
    const range = IDBKeyRange.bound([workspace, since, ''], [workspace, Infinity, '\uffff']);
    return this.db.getAll('history', range);
  }

  async compact(now: number): Promise<void> {
    // Read and rewrite in one transaction, so two tabs compacting at once cannot lose samples.
    const tx = this.db.transaction('history', 'readwrite');
    const { remove, add } = plan(await tx.store.getAll(), now);
    await Promise.all([
      ...remove.map((s) => tx.store.delete([s.workspace, s.t, s.resolution])),
      ...add.map((s) => tx.store.put(s)),
      tx.done,
    ]);
    const cutoff = now - AUDIT_DAYS * DAY;
    const old = await this.db.getAllKeysFromIndex(
      'audit',
      'byTime',
      IDBKeyRange.upperBound(cutoff),
    );
    if (old.length) {
      const atx = this.db.transaction('audit', 'readwrite');
      await Promise.all([...old.map((k) => atx.store.delete(k)), atx.done]);
    }
  }

  async addAudit(entry: AuditEntry): Promise<void> {
    // The store numbers entries itself: an `id` key present (even undefined) is refused.
    const { id: _id, ...fresh } = entry;
    await this.db.add('audit', fresh);
  }

  async audit(since = 0): Promise<AuditEntry[]> {
    return this.db.getAllFromIndex('audit', 'byTime', IDBKeyRange.lowerBound(since));
  }

  async settings(): Promise<StoredSettings> {
    return (await this.db.get('settings', 'settings')) ?? {};
  }

  async saveSettings(settings: StoredSettings): Promise<void> {
    await this.db.put('settings', settings, 'settings');
  }

  async alerts(): Promise<StoredAlerts> {
    return ((await this.db.get('alerts', 'alerts')) as StoredAlerts | undefined) ?? {};
  }

  async saveAlerts(alerts: StoredAlerts): Promise<void> {
    await this.db.put('alerts', alerts, 'alerts');
  }

  async watchState(workspace: string): Promise<StoredWatchState | undefined> {
    return (await this.db.get('alerts', `watch:${workspace}`)) as StoredWatchState | undefined;
  }

  async saveWatchState(workspace: string, state: StoredWatchState | undefined): Promise<void> {
    if (state === undefined) await this.db.delete('alerts', `watch:${workspace}`);
    else await this.db.put('alerts', state, `watch:${workspace}`);
  }

  close(): void {
    this.db.close();
  }
}

/** The same interface in memory, for when IndexedDB fails. */
export class MemoryStorage implements SessionStorage {
  #history: HistorySample[] = [];
  #audit: AuditEntry[] = [];
  #settings: StoredSettings = {};
  #nextId = 1;
  constructor(readonly degraded: string | undefined = undefined) {}

  async addSample(sample: HistorySample): Promise<void> {
    this.#history = this.#history.filter(
      (s) =>
        !(
          s.workspace === sample.workspace &&
          s.resolution === sample.resolution &&
          s.t === sample.t
        ),
    );
    this.#history.push({ ...sample });
  }

  async samples(workspace: string, since: number): Promise<HistorySample[]> {
    return this.#history
      .filter((s) => s.workspace === workspace && s.t >= since)
      .sort((a, b) => a.t - b.t);
  }

  async compact(now: number): Promise<void> {
    const { remove, add } = plan(this.#history, now);
    const gone = new Set(remove);
    this.#history = [...this.#history.filter((s) => !gone.has(s)), ...add.map((s) => ({ ...s }))];
    this.#audit = this.#audit.filter((e) => e.t > now - AUDIT_DAYS * DAY);
  }

  async addAudit(entry: AuditEntry): Promise<void> {
    this.#audit.push({ ...entry, id: this.#nextId++ });
  }

  async audit(since = 0): Promise<AuditEntry[]> {
    return this.#audit.filter((e) => e.t >= since);
  }

  async settings(): Promise<StoredSettings> {
    return { ...this.#settings };
  }

  async saveSettings(settings: StoredSettings): Promise<void> {
    this.#settings = { ...settings };
  }

  #alerts: StoredAlerts = {};

  async alerts(): Promise<StoredAlerts> {
    return structuredClone(this.#alerts);
  }

  async saveAlerts(alerts: StoredAlerts): Promise<void> {
    this.#alerts = structuredClone(alerts);
  }

  readonly #watch = new Map<string, StoredWatchState>();

  async watchState(workspace: string): Promise<StoredWatchState | undefined> {
    const state = this.#watch.get(workspace);
    return state && structuredClone(state);
  }

  async saveWatchState(workspace: string, state: StoredWatchState | undefined): Promise<void> {
    if (state === undefined) this.#watch.delete(workspace);
    else this.#watch.set(workspace, structuredClone(state));
  }

  close(): void {}
}

/** The database name for a storage key. */
export const dbName = (storageKey: string) => `cs-active-sessions:${storageKey}`;

/**
 * Opens the storage of a key. Never rejects: on any failure it returns memory storage whose
 * `degraded` says why.
 */
export async function openStorage(storageKey: string): Promise<SessionStorage> {
  if (typeof indexedDB === 'undefined') {
    return new MemoryStorage('this browser offers no IndexedDB');
  }
  let opening: Promise<IDBPDatabase<CsSessionsDb>> | undefined;
  let timedOut = false;
  try {
    opening = openDB<CsSessionsDb>(dbName(storageKey), DB_VERSION, {
      upgrade(db, oldVersion) {
        if (oldVersion < 1) {
          // Workspace, then time: a time range of one workspace is one key range.
          const history = db.createObjectStore('history', {
            keyPath: ['workspace', 't', 'resolution'],
          });
          history.createIndex('byTime', 't');
          const audit = db.createObjectStore('audit', { keyPath: 'id', autoIncrement: true });
          audit.createIndex('byTime', 't');
          db.createObjectStore('settings');
        }
        // Version 2: alert rules, state and list.
        if (oldVersion < 2) db.createObjectStore('alerts');
      },
      blocked() {
        // Another tab holds an older version open; the race below gives up after a while.
      },
      blocking() {
        // A newer version wants in (another tab upgraded): step aside. Later calls fail and
        // the controller carries on in memory.
        void opening?.then((db) => db.close());
      },
    });
    const db = await Promise.race([
      opening,
      new Promise<never>((_, reject) =>
        setTimeout(() => {
          timedOut = true;
          reject(new Error('the database upgrade is blocked by another tab'));
        }, 5000),
      ),
    ]);
    return new IdbStorage(db);
  } catch (error) {
    // If it opens after all, do not leave the connection behind.
    if (timedOut) {
      void opening?.then(
        (db) => db.close(),
        () => undefined,
      );
    }
    const reason = error instanceof Error ? error.message : String(error);
    return new MemoryStorage(`IndexedDB is not available (${reason})`);
  }
}
