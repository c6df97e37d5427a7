import type { Alert } from '../../src/alerts/rules.js';
import type { Session } from '../../src/model/session.js';
import type { DisconnectResult, SourceErrorKind } from '../../src/sources/source.js';

/** `cs-session-select`: the user opened a session's details. */
export interface SessionSelectDetail {
  session: Session;
}

/** `cs-disconnect-request` (cancelable): about to disconnect these clients. */
export interface DisconnectRequestDetail {
  clientIds: string[];
  /** Set when the clients are also to be banned, for how long. */
  block?: { durationSeconds: number };
}

/** `cs-disconnect`: one disconnect action finished, with a result for each client. */
export interface DisconnectDetail {
  results: DisconnectResult[];
}

/** What started a refresh. */
export type RefreshTrigger = 'initial' | 'auto' | 'user' | 'action' | 'live';

/** `cs-refresh`: a fresh list arrived from the source. */
export interface RefreshDetail {
  count: number;
  trigger: RefreshTrigger;
}

/** `cs-error`: a source call failed. The message names the cause and holds no secret. */
export interface ErrorDetail {
  message: string;
  kind: SourceErrorKind | 'unknown';
  /** What the element was doing: listing, reading one session, or disconnecting. */
  operation: 'list' | 'details' | 'disconnect';
}

/** `cs-export`: an export was built and offered as a download. */
export interface ExportDetail {
  format: 'csv' | 'json';
  filename: string;
  /** Sessions in the file. */
  count: number;
  /** The file itself, for a page that wants to store or upload it. */
  blob: Blob;
}

/** `cs-alert`: an alert rule fired. */
export type AlertDetail = Alert;

declare global {
  interface GlobalEventHandlersEventMap {
    'cs-session-select': CustomEvent<SessionSelectDetail>;
    'cs-disconnect-request': CustomEvent<DisconnectRequestDetail>;
    'cs-disconnect': CustomEvent<DisconnectDetail>;
    'cs-refresh': CustomEvent<RefreshDetail>;
    'cs-error': CustomEvent<ErrorDetail>;
    'cs-export': CustomEvent<ExportDetail>;
    'cs-alert': CustomEvent<AlertDetail>;
  }
}

/** Builds a bubbling, composed event with a typed detail. */
export function csEvent<K extends keyof GlobalEventHandlersEventMap>(
  type: K,
  detail: GlobalEventHandlersEventMap[K] extends CustomEvent<infer D> ? D : never,
  cancelable = false,
): CustomEvent {
  return new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable });
}
