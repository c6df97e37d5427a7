/** Messages between the extension's pages and its background watch. */
import { decodePart, encodePart } from './display.js';

/** Ask the background to poll now (all workspaces, or one), e.g. after a disconnect. */
export interface PollNowMessage {
  type: 'cs-watch:poll';
  workspace?: string;
}

export type WatchMessage = PollNowMessage;

export function isWatchMessage(value: unknown): value is WatchMessage {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { type?: unknown }).type === 'cs-watch:poll'
  );
}

/** What one poll found. */
export type PollResult =
  { workspace: string; count: number; alerts: number } | { workspace: string; error: string };

/** Where a notification's click takes the popup: a workspace and, when there is one, a client. */
export interface PopupFocus {
  workspace: string;
  clientId?: string;
  /** When it was asked for; an old request is ignored. */
  at: number;
}

/** Storage key (`storage.session`, or `local`) of the popup focus a notification click left. */
export const POPUP_FOCUS_KEY = 'popupFocus';

/**
 * The popup's URL query for a focus, for the window opened when the popup cannot be. Each value
 * is `encodePart`-encoded (lone surrogates too), so any client ID comes back exactly.
 */
export function popupQuery(focus: Omit<PopupFocus, 'at'>): string {
  let query = `?workspace=${encodePart(focus.workspace)}`;
  if (focus.clientId !== undefined) query += `&client=${encodePart(focus.clientId)}`;
  return query;
}

/** Reads a popup focus from the popup's URL query. */
export function focusFromQuery(search: string, now = Date.now()): PopupFocus | undefined {
  const params = new Map<string, string>();
  for (const pair of search.replace(/^\?/, '').split('&')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    try {
      params.set(decodePart(pair.slice(0, at)), decodePart(pair.slice(at + 1)));
    } catch {
      // Not written by `popupQuery`: ignored.
    }
  }
  const workspace = params.get('workspace');
  if (!workspace) return undefined;
  const clientId = params.get('client');
  return { workspace, clientId, at: now };
}

/** A notification's id carries its workspace and client, so a click can open that session. */
export function notificationId(alertId: string, workspace: string, clientId?: string): string {
  // No client: three parts, so an empty client ID (which a broker may list) stays one.
  return ['cs-alert', alertId, workspace, ...(clientId === undefined ? [] : [clientId])]
    .map((p) => encodePart(p))
    .join('|');
}

export function parseNotificationId(
  id: string,
): { alertId: string; workspace: string; clientId?: string } | undefined {
  const parts = id.split('|').map((p) => {
    try {
      return decodePart(p);
    } catch {
      return undefined;
    }
  });
  if (
    (parts.length !== 3 && parts.length !== 4) ||
    parts[0] !== 'cs-alert' ||
    parts.some((p) => p === undefined)
  ) {
    return undefined;
  }
  const [, alertId, workspace, clientId] = parts as string[];
  return { alertId: alertId!, workspace: workspace!, clientId };
}
