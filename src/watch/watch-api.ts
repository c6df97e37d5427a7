/**
 * The part of the WebExtension API the background watch uses, typed structurally so the
 * background passes WXT's `browser` and the unit tests pass WXT's fake browser.
 */

interface Listenable<F> {
  addListener(callback: F): void;
}

export interface StorageArea {
  get(keys?: string | string[] | null): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string | string[]): Promise<void>;
}

export interface AlarmInfo {
  name: string;
  periodInMinutes?: number;
  scheduledTime?: number;
}

export interface NotificationOptions {
  type: 'basic';
  iconUrl: string;
  title: string;
  message: string;
  priority?: number;
}

export interface PopupWindowOptions {
  url: string;
  type: 'popup';
  width: number;
  height: number;
}

export interface WatchApi {
  alarms: {
    create(name: string, info: { when?: number; periodInMinutes?: number }): unknown;
    clear(name: string): Promise<boolean>;
    getAll(): Promise<AlarmInfo[]>;
    onAlarm: Listenable<(alarm: AlarmInfo) => void>;
  };
  storage: {
    local: StorageArea;
    /** In-memory storage (MV3, Firefox 115+); `local` stands in where there is none. */
    session?: StorageArea;
    onChanged: Listenable<
      (changes: Record<string, { newValue?: unknown; oldValue?: unknown }>, area: string) => void
    >;
  };
  /** `action` (MV3) or `browserAction` (Firefox MV2), as the background picks. */
  action: {
    setBadgeText(details: { text: string }): Promise<void>;
    setBadgeBackgroundColor(details: { color: string }): Promise<void>;
    setTitle(details: { title: string }): Promise<void>;
    openPopup?(): Promise<void>;
  };
  notifications: {
    create(id: string, options: NotificationOptions): Promise<string>;
    clear(id: string): Promise<boolean>;
    onClicked: Listenable<(id: string) => void>;
  };
  runtime: {
    getURL(path: string): string;
    onMessage: Listenable<
      (
        message: unknown,
        sender: unknown,
        sendResponse?: (response: unknown) => void,
      ) => boolean | void | Promise<unknown>
    >;
    onInstalled: Listenable<(details: { reason: string }) => void>;
    onStartup: Listenable<() => void>;
  };
  windows?: {
    create(options: PopupWindowOptions): Promise<unknown>;
  };
}
