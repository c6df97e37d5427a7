/**
 * What the browser extension keeps in `storage.local` (never `sync`: credentials stay on this
 * machine): the workspaces it watches, each with its broker, plan limit, refresh interval and
 * alert rules, and which one the toolbar badge counts. Plain data, validated here so the options
 * page and the background agree on what is valid.
 */
import type { AlertRule } from '../alerts/rules.js';
import type { SourceKind, Workspace } from '../model/workspace.js';

/** A workspace as the extension watches it. */
export interface WatchedWorkspace extends Workspace {
  /** The plan's session limit, for the badge colour and the popup's meter. */
  planLimit?: number;
  /** Seconds between background polls. */
  refreshSeconds: number;
  /** Rules evaluated by the background worker on every poll. */
  alertRules: AlertRule[];
}

/** The extension's configuration as stored. */
export interface WatchConfig {
  workspaces: WatchedWorkspace[];
  /** The workspace whose count the toolbar badge shows; the first when unset or gone. */
  badgeWorkspace?: string;
}

/** The element's `storage-key` in the extension's pages: the background writes its history
 * where the popup's element reads it. */
export const EXTENSION_STORAGE_KEY = 'extension';

/** Storage keys in `storage.local`. */
export const CONFIG_KEY = 'config';
/** Alerts the background raised lately, newest first (`RecentAlert[]`). */
export const RECENT_ALERTS_KEY = 'recentAlerts';

/** The dev broker's API (`npm start`), with its credentials: the first-run workspace. */
export const DEMO_WORKSPACE: WatchedWorkspace = {
  id: 'demo',
  label: 'Demo (dev broker)',
  source: {
    kind: 'emqx',
    baseUrl: 'http://127.0.0.1:18083/api/v5',
    apiKey: 'demo',
    apiSecret: 'demo-secret',
  },
  planLimit: 200,
  refreshSeconds: 30,
  alertRules: [],
};

/** The configuration of a fresh install. */
export function firstRunConfig(): WatchConfig {
  return { workspaces: [structuredClone(DEMO_WORKSPACE)], badgeWorkspace: DEMO_WORKSPACE.id };
}

/**
 * The shortest background poll interval accepted. Chrome runs alarms of a packed extension at
 * most every 30 s whatever is asked; an unpacked one (development, tests) runs them as asked.
 */
export const MIN_REFRESH_SECONDS = 10;

/** Broker kinds the extension can watch today. */
export const AVAILABLE_KINDS: readonly SourceKind[] = ['emqx', 'rabbitmq', 'hivemq'];

/** A watched workspace as the element takes it (without the background's own settings). */
export function elementWorkspace(w: WatchedWorkspace): Workspace {
  const { id, label, source, match, planLimit } = w;
  return { id, label, source, match, planLimit };
}

/** The workspace the badge counts. */
export function badgeWorkspaceOf(config: WatchConfig): WatchedWorkspace | undefined {
  return config.workspaces.find((w) => w.id === config.badgeWorkspace) ?? config.workspaces[0];
}

/** Problems with one field of a workspace, keyed by field (`label`, `baseUrl`, ...). */
export type WorkspaceProblems = Partial<
  Record<'label' | 'kind' | 'baseUrl' | 'planLimit' | 'refreshSeconds', string>
>;

/** What is wrong with a workspace, field by field; empty when it can be saved. */
export function validateWorkspace(
  workspace: WatchedWorkspace,
  others: readonly WatchedWorkspace[] = [],
): WorkspaceProblems {
  const problems: WorkspaceProblems = {};
  const label = workspace.label.trim();
  if (!label) problems.label = 'Give the workspace a name.';
  else if (others.some((o) => o.id !== workspace.id && o.label.trim() === label)) {
    problems.label = `Another workspace is already called ${JSON.stringify(label)}.`;
  }
  if (!AVAILABLE_KINDS.includes(workspace.source.kind)) {
    problems.kind = `Brokers of type ${JSON.stringify(workspace.source.kind)} are not supported yet.`;
  }
  const url = parseApiUrl(workspace.source.baseUrl ?? '');
  if (typeof url === 'string') problems.baseUrl = url;
  if (
    workspace.planLimit !== undefined &&
    !(Number.isInteger(workspace.planLimit) && workspace.planLimit > 0)
  ) {
    problems.planLimit = 'The plan limit is a whole number of sessions above 0, or empty.';
  }
  if (
    !Number.isFinite(workspace.refreshSeconds) ||
    workspace.refreshSeconds < MIN_REFRESH_SECONDS
  ) {
    problems.refreshSeconds = `Poll at most every ${MIN_REFRESH_SECONDS} seconds.`;
  }
  return problems;
}

/** The admin API's URL, or why it cannot be one (the extension has no page origin to resolve
 * a relative URL against). */
export function parseApiUrl(text: string): URL | string {
  const trimmed = text.trim();
  if (!trimmed) return 'Enter the base URL of the broker’s admin API.';
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return `${JSON.stringify(trimmed)} is not a full URL: start it with http:// or https://.`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return 'The admin API is reached over http:// or https://.';
  }
  if (url.username || url.password) {
    return 'Put the credentials in the API key and secret fields, not in the URL.';
  }
  return url;
}

/** Hosts on this machine that the manifest grants (http and https, every port). */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** Whether the manifest already grants a URL's host (no permission to ask for). */
export function isLoopback(url: URL): boolean {
  return LOOPBACK_HOSTS.includes(url.hostname);
}

/**
 * The host permission (match pattern) a workspace's broker needs, or undefined for loopback
 * addresses, which the manifest grants up front.
 */
export function originPermission(baseUrl: string | undefined): string | undefined {
  const url = parseApiUrl(baseUrl ?? '');
  if (typeof url === 'string' || isLoopback(url)) return undefined;
  // Match patterns take no port: the host's every port, as the browser asks the user.
  return `${url.protocol}//${url.hostname}/*`;
}

/** Reads a stored configuration defensively: what cannot be used is dropped, not thrown. */
export function readConfig(value: unknown): WatchConfig | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const raw = value as { workspaces?: unknown; badgeWorkspace?: unknown };
  if (!Array.isArray(raw.workspaces)) return undefined;
  const workspaces: WatchedWorkspace[] = [];
  for (const w of raw.workspaces as unknown[]) {
    if (typeof w !== 'object' || w === null) continue;
    const ws = w as Partial<WatchedWorkspace>;
    if (typeof ws.id !== 'string' || typeof ws.label !== 'string') continue;
    if (typeof ws.source !== 'object' || ws.source === null) continue;
    workspaces.push({
      ...ws,
      id: ws.id,
      label: ws.label,
      source: ws.source,
      refreshSeconds:
        typeof ws.refreshSeconds === 'number' && ws.refreshSeconds >= MIN_REFRESH_SECONDS
          ? ws.refreshSeconds
          : 30,
      alertRules: Array.isArray(ws.alertRules) ? ws.alertRules : [],
    });
  }
  return {
    workspaces,
    badgeWorkspace: typeof raw.badgeWorkspace === 'string' ? raw.badgeWorkspace : undefined,
  };
}

/** A new workspace's id, unique among `existing`. */
export function newWorkspaceId(existing: readonly WatchedWorkspace[], now = Date.now()): string {
  let id = `ws-${now.toString(36)}`;
  for (let n = 2; existing.some((w) => w.id === id); n++) id = `ws-${now.toString(36)}-${n}`;
  return id;
}
