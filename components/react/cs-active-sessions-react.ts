/**
 * `<CsActiveSessions>` for React: the element with typed props (every property of the element)
 * and typed event props (`onSessionSelect`, `onDisconnect`, ...), made by @lit/react.
 *
 * ```tsx
 * import { CsActiveSessions } from 'cs-active-sessions/react';
 * <CsActiveSessions demo onSessionSelect={(e) => console.log(e.detail.session.clientId)} />
 * ```
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import { CsActiveSessions as CsActiveSessionsElement } from '../cs-active-sessions/cs-active-sessions.js';
import type {
  AlertDetail,
  DisconnectDetail,
  DisconnectRequestDetail,
  ErrorDetail,
  ExportDetail,
  RefreshDetail,
  SessionSelectDetail,
} from '../cs-active-sessions/events.js';

export const CsActiveSessions = createComponent({
  tagName: 'cs-active-sessions',
  elementClass: CsActiveSessionsElement,
  react: React,
  events: {
    onSessionSelect: 'cs-session-select' as EventName<CustomEvent<SessionSelectDetail>>,
    onDisconnectRequest: 'cs-disconnect-request' as EventName<CustomEvent<DisconnectRequestDetail>>,
    onDisconnect: 'cs-disconnect' as EventName<CustomEvent<DisconnectDetail>>,
    onRefresh: 'cs-refresh' as EventName<CustomEvent<RefreshDetail>>,
    onError: 'cs-error' as EventName<CustomEvent<ErrorDetail>>,
    onExport: 'cs-export' as EventName<CustomEvent<ExportDetail>>,
    onAlert: 'cs-alert' as EventName<CustomEvent<AlertDetail>>,
  },
  displayName: 'CsActiveSessions',
});

export type CsActiveSessionsProps = React.ComponentProps<typeof CsActiveSessions>;
