/**
 * The element's IndexedDB (idb): count history, audit log and settings, one database per
 * `storage-key`. One typed schema, versioned upgrades, small async functions; when IndexedDB
 * cannot be used (private mode, quota, a blocked upgrade) the same interface is kept in memory
 * and the caller is told why, once.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
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
}

interface CsSessionsDb extends DBSchema {
  history: {
    key: [string, string, number];
    value: HistorySample;
    indexes: { byTime: number };
  };
  audit: { key: number; value: AuditEntry; indexes: { byTime: number } };
  settings: { key: string; value: StoredSettings };
}

export const DB_VERSION = 1;
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

/** The compaction plan, shared by both stores: what to delete and what to write. */
function plan(all: readonly HistorySample[], now: number) {
  const remove: HistorySample[] = [];
  const add: HistorySample[] = [];
  const byWorkspace = new Map<string, HistorySample[]>();
  for (const s of all) {
    if (s.t < now - HISTORY_DAYS * DAY) {
      remove.push(s);
      continue;
    }
    byWorkspace.set(s.workspace, [...(byWorkspace.get(s.workspace) ?? []), s]);
  }
  for (const samples of byWorkspace.values()) {
    const oldRaw = samples.filter((s) => s.resolution === 'raw' && s.t < now - RAW_KEEP);
    const oldMinutes = samples.filter((s) => s.resolution === 'minute' && s.t < now - DAY);
    if (oldRaw.length) {
      remove.push(...oldRaw);
      const minutes = bucketSamples(oldRaw, 60_000, 'minute');
      // Merge with minute buckets already stored for the same minute.
      for (const m of minutes) {
        const existing = samples.find((s) => s.resolution === 'minute' && s.t === m.t);
        if (existing) {
          remove.push(existing);
          add.push(...bucketSamples([existing, m], 60_000, 'minute'));
        } else add.push(m);
      }
    }
    if (oldMinutes.length) {
      remove.push(...oldMinutes);
      for (const h of bucketSamples(oldMinutes, 3_600_000, 'hour')) {
        const existing = samples.find((s) => s.resolution === 'hour' && s.t === h.t);
        if (existing) {
          remove.push(existing);
          add.push(...bucketSamples([existing, h], 3_600_000, 'hour'));
        } else add.push(h);
      }
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
    const range = IDBKeyRange.bound([workspace, '', since], [workspace, '\uffff', Infinity]);
    const all = await this.db.getAll('history', range);
    return all.filter((s) => s.t >= since).sort((a, b) => a.t - b.t);
  }

  async compact(now: number): Promise<void> {
    const { remove, add } = plan(await this.db.getAll('history'), now);
    if (!remove.length && !add.length) return;
    const tx = this.db.transaction('history', 'readwrite');
    await Promise.all([
      ...remove.map((s) => tx.store.delete([s.workspace, s.resolution, s.t])),
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
    this.#history = [...this.#history.filter((s) => !gone.has(s)), ...add];
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
  try {
    const db = await Promise.race([
      openDB<CsSessionsDb>(dbName(storageKey), DB_VERSION, {
        upgrade(db, oldVersion) {
          if (oldVersion < 1) {
            const history = db.createObjectStore('history', {
              keyPath: ['workspace', 'resolution', 't'],
            });
            history.createIndex('byTime', 't');
            const audit = db.createObjectStore('audit', { keyPath: 'id', autoIncrement: true });
            audit.createIndex('byTime', 't');
            db.createObjectStore('settings');
          }
        },
        blocked() {
          // Another tab holds an older version open; the race below gives up after a while.
        },
      }),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('the database upgrade is blocked by another tab')), 5000),
      ),
    ]);
    return new IdbStorage(db);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return new MemoryStorage(`IndexedDB is not available (${reason})`);
  }
}
