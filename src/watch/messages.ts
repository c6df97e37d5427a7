/** Messages between the extension's pages and its background watch. */

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

/** The popup's URL query for a focus, for the window opened when the popup cannot be. */
export function popupQuery(focus: Omit<PopupFocus, 'at'>): string {
  const params = new URLSearchParams({ workspace: focus.workspace });
  if (focus.clientId !== undefined) params.set('client', focus.clientId);
  return `?${params.toString()}`;
}

/** Reads a popup focus from the popup's URL query. */
export function focusFromQuery(search: string, now = Date.now()): PopupFocus | undefined {
  const params = new URLSearchParams(search);
  const workspace = params.get('workspace');
  if (!workspace) return undefined;
  const clientId = params.get('client') ?? undefined;
  return { workspace, clientId, at: now };
}

/** A notification's id carries its workspace and client, so a click can open that session. */
export function notificationId(alertId: string, workspace: string, clientId?: string): string {
  return ['cs-alert', alertId, workspace, clientId ?? '']
    .map((p) => encodeURIComponent(p))
    .join('|');
}

export function parseNotificationId(
  id: string,
): { alertId: string; workspace: string; clientId?: string } | undefined {
  const parts = id.split('|').map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return undefined;
    }
  });
  if (parts.length !== 4 || parts[0] !== 'cs-alert' || parts.some((p) => p === undefined)) {
    return undefined;
  }
  const [, alertId, workspace, clientId] = parts as string[];
  return { alertId: alertId!, workspace: workspace!, clientId: clientId || undefined };
}
