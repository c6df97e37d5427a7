/**
 * The extension's background watch: polls each workspace on its own alarm, keeps the count
 * history in the same IndexedDB the popup's element reads, evaluates the workspace's alert rules
 * with the element's pure code, sets the toolbar badge, and raises a notification per alert whose
 * click opens the popup on that session.
 *
 * An MV3 service worker sleeps between events, so nothing lives in memory across polls: the alert
 * state and the previous poll's sessions are in IndexedDB, and every listener is added
 * synchronously when the worker starts.
 */
import { evaluateAlerts, initialAlertState, type Alert } from '../alerts/rules.js';
import { sourceConfigKey, workspaceOf } from '../model/workspace.js';
import { createSource } from '../sources/from-config.js';
import { SourceError, type SessionSource } from '../sources/source.js';
import { openStorage, type SessionStorage, type StoredWatchState } from '../storage/db.js';
import { badgeFor } from './badge.js';
import { displayClientId, displayText } from './display.js';
import {
  badgeWorkspaceOf,
  CONFIG_KEY,
  EXTENSION_STORAGE_KEY,
  firstRunConfig,
  readConfig,
  RECENT_ALERTS_KEY,
  type WatchConfig,
  type WatchedWorkspace,
} from './config.js';
import {
  isWatchMessage,
  notificationId,
  parseNotificationId,
  popupQuery,
  POPUP_FOCUS_KEY,
  type PollResult,
  type PopupFocus,
} from './messages.js';
import type { AlarmInfo, StorageArea, WatchApi } from './watch-api.js';

const ALARM_PREFIX = 'poll:';
/** A poll that has not finished after this long is abandoned as a timeout. */
const POLL_TIMEOUT_MS = 60_000;
/** Alerts kept for the options page's list. */
const RECENT_ALERTS_MAX = 50;
/** Compact the history at most this often. */
const COMPACT_EVERY_MS = 60 * 60_000;

/**
 * The alert state and previous sessions hold for one source and match; another starts afresh.
 * Stored in IndexedDB, so it names the broker and key but never holds the secret.
 */
const fingerprintOf = ({ source, match }: WatchedWorkspace) =>
  JSON.stringify([
    source.kind,
    source.baseUrl ?? '',
    source.apiKey ?? '',
    source.auth ?? 'api-key',
    source.role ?? 'administrator',
    match ?? null,
  ]);

const freshState = (ws: WatchedWorkspace): StoredWatchState => ({
  alertState: initialAlertState(),
  fingerprint: fingerprintOf(ws),
});

/** An alert as the options page lists it. */
export interface RecentAlert extends Alert {
  workspaceLabel: string;
}

export interface BackgroundWatchOptions {
  createSource?: (workspace: WatchedWorkspace) => SessionSource;
  openStorage?: (key: string) => Promise<SessionStorage>;
  now?: () => number;
}

export const alarmName = (workspaceId: string) => `${ALARM_PREFIX}${workspaceId}`;

export class BackgroundWatch {
  readonly #api: WatchApi;
  readonly #createSource: (workspace: WatchedWorkspace) => SessionSource;
  readonly #openStorageOf: (key: string) => Promise<SessionStorage>;
  readonly #now: () => number;
  /** One poll at a time per workspace: a second request waits for the running one. */
  readonly #polls = new Map<string, Promise<PollResult | undefined>>();
  /** The history and per-workspace state (IndexedDB), opened once per worker lifetime. */
  #storage: Promise<SessionStorage> | undefined;
  /** Writes of the recent-alerts list, one after another (workspaces poll in parallel). */
  #recentWrites: Promise<void> = Promise.resolve();

  constructor(api: WatchApi, options: BackgroundWatchOptions = {}) {
    this.#api = api;
    this.#createSource =
      options.createSource ?? ((w) => createSource(w.source, `extension:${w.id}`));
    this.#openStorageOf = options.openStorage ?? openStorage;
    this.#now = options.now ?? Date.now;
  }

  /** Adds every listener (synchronously, as a service worker must) and schedules the polls. */
  start(): void {
    const api = this.#api;
    // A failure here has nowhere to go but the worker's console; the badge already says it.
    const quietly = (work: Promise<unknown>) => void work.catch(() => undefined);
    api.alarms.onAlarm.addListener((alarm) => quietly(this.onAlarm(alarm)));
    api.runtime.onInstalled.addListener(() => quietly(this.sync({ pollNow: true })));
    api.runtime.onStartup.addListener(() => quietly(this.sync({ pollNow: true })));
    api.storage.onChanged.addListener((changes, area) => {
      if (area === 'local' && CONFIG_KEY in changes) quietly(this.sync({ pollNow: true }));
    });
    api.notifications.onClicked.addListener((id) => quietly(this.onNotificationClicked(id)));
    api.runtime.onMessage.addListener((message, _sender, sendResponse) => {
      if (!isWatchMessage(message)) return undefined;
      const done = this.pollAll(message.workspace);
      if (typeof sendResponse === 'function') {
        void done.then(sendResponse, (e: unknown) => sendResponse({ error: String(e) }));
        return true;
      }
      return done;
    });
  }

  /** The stored configuration; a fresh install gets the dev broker's workspace. */
  async config(): Promise<WatchConfig> {
    const stored = await this.#api.storage.local.get(CONFIG_KEY);
    const config = readConfig(stored[CONFIG_KEY]);
    if (config) return config;
    const fresh = firstRunConfig();
    await this.#api.storage.local.set({ [CONFIG_KEY]: fresh });
    return fresh;
  }

  /**
   * Makes the alarms match the configuration: one per workspace at its interval; alarms of
   * removed workspaces cleared. With `pollNow`, every workspace is polled at once too.
   */
  async sync(options: { pollNow?: boolean } = {}): Promise<void> {
    const config = await this.config();
    const existing = new Map(
      (await this.#api.alarms.getAll())
        .filter((a) => a.name.startsWith(ALARM_PREFIX))
        .map((a) => [a.name, a]),
    );
    for (const ws of config.workspaces) {
      const name = alarmName(ws.id);
      const period = ws.refreshSeconds / 60;
      const alarm = existing.get(name);
      existing.delete(name);
      if (alarm && alarm.periodInMinutes !== undefined) {
        if (Math.abs(alarm.periodInMinutes - period) < 1e-9) continue;
        await this.#api.alarms.clear(name);
      }
      await this.#api.alarms.create(name, {
        when: this.#now() + ws.refreshSeconds * 1000,
        periodInMinutes: period,
      });
    }
    const storage = await this.#openStorage();
    for (const name of existing.keys()) {
      // A removed workspace: no more polls, and its state goes too.
      await this.#api.alarms.clear(name);
      await storage.saveWatchState(name.slice(ALARM_PREFIX.length), undefined).catch(() => {});
    }
    if (!badgeWorkspaceOf(config)) {
      await this.#api.action.setBadgeText({ text: '' });
      await this.#api.action.setTitle({ title: 'Active sessions: no workspace to watch' });
    }
    if (options.pollNow) await this.pollAll();
  }

  async onAlarm(alarm: AlarmInfo): Promise<void> {
    if (!alarm.name.startsWith(ALARM_PREFIX)) return;
    await this.poll(alarm.name.slice(ALARM_PREFIX.length));
  }

  /** Polls every workspace (or one) now; the badge follows. */
  async pollAll(workspace?: string): Promise<PollResult[]> {
    const config = await this.config();
    const ids = config.workspaces.map((w) => w.id).filter((id) => !workspace || id === workspace);
    const results = await Promise.all(ids.map((id) => this.poll(id)));
    return results.filter((r): r is PollResult => r !== undefined);
  }

  /** Polls one workspace, after any poll of it already running. */
  poll(workspaceId: string): Promise<PollResult | undefined> {
    const previous = this.#polls.get(workspaceId) ?? Promise.resolve(undefined);
    const next = previous.then(
      () => this.#poll(workspaceId),
      () => this.#poll(workspaceId),
    );
    this.#polls.set(workspaceId, next);
    void next.finally(() => {
      if (this.#polls.get(workspaceId) === next) this.#polls.delete(workspaceId);
    });
    return next;
  }

  async #poll(workspaceId: string): Promise<PollResult | undefined> {
    const config = await this.config();
    const ws = config.workspaces.find((w) => w.id === workspaceId);
    if (!ws) return undefined;
    const isBadge = badgeWorkspaceOf(config)?.id === ws.id;
    const storage = await this.#openStorage();
    let state = (await storage.watchState(ws.id).catch(() => undefined)) ?? freshState(ws);
    if (state.fingerprint !== fingerprintOf(ws)) state = freshState(ws);
    const at = this.#now();
    let clientIds: string[];
    let observed: { clientId: string; workspace: string; ip?: string; connectedAt?: number }[];
    try {
      const source = this.#createSource(ws);
      const signal = AbortSignal.timeout(POLL_TIMEOUT_MS);
      let { sessions } = await source.list({ signal });
      if (source.hydrate && sessions.some((s) => s.pending)) {
        // A broker that lists IDs first (HiveMQ): the count and the rules need the details.
        const byId = new Map(sessions.map((s) => [s.clientId, s]));
        await source.hydrate(sessions, {
          signal,
          onSessions: ({ detailed, gone }) => {
            for (const d of detailed) byId.set(d.clientId, d);
            for (const id of gone) byId.delete(id);
          },
        });
        sessions = [...byId.values()];
        // A count with clients of unknown state (offline ones included) would mislead.
        const unread = sessions.filter((s) => s.pending).length;
        if (unread) {
          throw new SourceError(
            'server',
            `${source.label} did not give the details of ${unread} client${unread === 1 ? '' : 's'} in time.`,
          );
        }
      }
      // As the element does: a session belongs to the first workspace of its broker it matches.
      const key = sourceConfigKey(ws.source);
      const siblings = config.workspaces.filter((w) => sourceConfigKey(w.source) === key);
      const mine = sessions.filter((s) => workspaceOf(s, siblings) === ws);
      clientIds = mine.map((s) => s.clientId);
      observed = mine.map((s) => ({
        clientId: s.clientId,
        workspace: ws.id,
        ip: s.ip,
        connectedAt: s.connectedAt,
      }));
    } catch (e) {
      const error = e instanceof SourceError ? e.message : `Polling failed: ${String(e)}`;
      if (isBadge) await this.#setBadge(ws, { error });
      return { workspace: ws.id, error };
    }

    await this.#recordHistory(storage, ws, state, clientIds, at);
    // Evaluated with no rules too: the sessions seen stay current, so a rule added later
    // compares with the last poll, not with one from before it.
    // Messages go to notifications and the options page: client IDs isolated and escaped.
    const { state: alertState, alerts } = evaluateAlerts(
      ws.alertRules,
      state.alertState,
      { kind: 'snapshot', at, sessions: observed },
      { clientIdText: displayClientId },
    );
    state.alertState = alertState;
    state.previous = clientIds;
    await storage.saveWatchState(ws.id, state).catch(() => {});
    if (isBadge) await this.#setBadge(ws, { count: clientIds.length });
    if (alerts.length) await this.#raise(ws, alerts);
    return { workspace: ws.id, count: clientIds.length, alerts: alerts.length };
  }

  async #recordHistory(
    storage: SessionStorage,
    ws: WatchedWorkspace,
    state: StoredWatchState,
    clientIds: readonly string[],
    at: number,
  ): Promise<void> {
    let added = 0;
    let gone = 0;
    if (state.previous) {
      const before = new Set(state.previous);
      const now = new Set(clientIds);
      for (const id of now) if (!before.has(id)) added++;
      for (const id of before) if (!now.has(id)) gone++;
    }
    try {
      await storage.addSample({
        workspace: ws.id,
        t: at,
        resolution: 'raw',
        active: clientIds.length,
        min: clientIds.length,
        max: clientIds.length,
        new: added,
        gone,
      });
      if (state.lastCompact === undefined || at - state.lastCompact >= COMPACT_EVERY_MS) {
        await storage.compact(at);
        state.lastCompact = at;
      }
    } catch {
      // History is a convenience: a full disk must not stop the badge or the alerts.
    }
  }

  async #raise(ws: WatchedWorkspace, alerts: readonly Alert[]): Promise<void> {
    const iconUrl = this.#api.runtime.getURL('/icon/128.png');
    for (const alert of alerts) {
      try {
        await this.#api.notifications.create(notificationId(alert.id, ws.id, alert.clientIds[0]), {
          type: 'basic',
          iconUrl,
          title: `${displayText(ws.label)}: alert`,
          message: alert.message,
          priority: 2,
        });
      } catch {
        // Notifications turned off for the browser: the alert is still listed below.
      }
    }
    const added = alerts.map((a) => ({ ...a, workspaceLabel: ws.label })).reverse();
    const write = this.#recentWrites.then(async () => {
      const stored = await this.#api.storage.local.get(RECENT_ALERTS_KEY);
      const recent = Array.isArray(stored[RECENT_ALERTS_KEY])
        ? (stored[RECENT_ALERTS_KEY] as RecentAlert[])
        : [];
      await this.#api.storage.local.set({
        [RECENT_ALERTS_KEY]: [...added, ...recent].slice(0, RECENT_ALERTS_MAX),
      });
    });
    this.#recentWrites = write.catch(() => undefined);
    await write;
  }

  async #setBadge(
    ws: WatchedWorkspace,
    result: { count: number } | { error: string },
  ): Promise<void> {
    const badge = badgeFor(ws.label, result, ws.planLimit);
    await this.#api.action.setBadgeText({ text: badge.text });
    await this.#api.action.setBadgeBackgroundColor({ color: badge.color });
    await this.#api.action.setTitle({ title: badge.title });
  }

  /** Opens the popup on the alert's workspace and client; a window where it cannot open. */
  async onNotificationClicked(id: string): Promise<void> {
    const parsed = parseNotificationId(id);
    if (!parsed) return;
    const focus: PopupFocus = {
      workspace: parsed.workspace,
      clientId: parsed.clientId,
      at: this.#now(),
    };
    await this.#sessionArea().set({ [POPUP_FOCUS_KEY]: focus });
    await this.#api.notifications.clear(id).catch(() => false);
    try {
      if (!this.#api.action.openPopup) throw new Error('no openPopup');
      await this.#api.action.openPopup();
    } catch {
      await this.#api.windows?.create({
        url: this.#api.runtime.getURL('/popup.html') + popupQuery(focus),
        type: 'popup',
        width: 440,
        height: 620,
      });
    }
  }

  #sessionArea(): StorageArea {
    return this.#api.storage.session ?? this.#api.storage.local;
  }

  #openStorage(): Promise<SessionStorage> {
    this.#storage ??= this.#openStorageOf(EXTENSION_STORAGE_KEY);
    return this.#storage;
  }
}
