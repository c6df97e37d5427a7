/**
 * Workspaces: named slices of sessions, as plain data that can be saved. A workspace is a whole
 * source (prod cluster vs staging cluster) or a match over one source's sessions (a username
 * `@org_` suffix, a client-ID prefix, an EMQX mountpoint, a RabbitMQ vhost).
 */
import type { Session } from './session.js';

export type SourceKind = 'emqx' | 'rabbitmq' | 'hivemq' | 'demo';

/** How to reach a broker's admin API. */
export interface SourceConfig {
  kind: SourceKind;
  /** Base URL of the admin API, e.g. `/api/v5` behind a same-origin proxy. */
  baseUrl?: string;
  /** API key (HTTP Basic user); leave unset when a proxy adds credentials. */
  apiKey?: string;
  /** API secret (HTTP Basic password). */
  apiSecret?: string;
  /**
   * EMQX: `login` treats the key and secret as a dashboard user name and password, logging in
   * for a Bearer token (`POST /login`); `api-key` (default) sends them as HTTP Basic.
   */
  auth?: 'api-key' | 'login';
  /**
   * EMQX: the role of the API key or dashboard user. `viewer` may only read (EMQX answers 403 to
   * its kicks and bans): the element then offers no action that changes the broker.
   */
  role?: 'administrator' | 'viewer';
}

/** Which of a source's sessions belong to a workspace; every given condition must hold. */
export interface WorkspaceMatch {
  /** Username ends with this, e.g. `@org_k7xm4pqr2n5t`. */
  usernameSuffix?: string;
  /** Client ID starts with this. */
  clientIdPrefix?: string;
  /** EMQX listener mountpoint. */
  mountpoint?: string;
  /** RabbitMQ virtual host. */
  vhost?: string;
}

export interface Workspace {
  id: string;
  label: string;
  source: SourceConfig;
  match?: WorkspaceMatch;
  /** The plan's session limit for this workspace; the `Plan usage` meter shows it when set. */
  planLimit?: number;
}

/** Whether a session belongs to a workspace's slice of its source. */
export function matchesWorkspace(
  session: Pick<Session, 'username' | 'clientId'> & { mountpoint?: string; vhost?: string },
  match: WorkspaceMatch | undefined,
): boolean {
  if (!match) return true;
  if (
    match.usernameSuffix !== undefined &&
    !(session.username ?? '').endsWith(match.usernameSuffix)
  ) {
    return false;
  }
  if (match.clientIdPrefix !== undefined && !session.clientId.startsWith(match.clientIdPrefix)) {
    return false;
  }
  if (match.mountpoint !== undefined && session.mountpoint !== match.mountpoint) return false;
  if (match.vhost !== undefined && session.vhost !== match.vhost) return false;
  return true;
}

/**
 * The workspace a session belongs to among the workspaces of its source: the first it matches,
 * so overlapping workspaces (one without `match` taking the rest) never count a session twice.
 */
export function workspaceOf<W extends Pick<Workspace, 'match'>>(
  session: Parameters<typeof matchesWorkspace>[0],
  workspacesOfSource: readonly W[],
): W | undefined {
  return workspacesOfSource.find((w) => matchesWorkspace(session, w.match));
}

/** A stable identity of a source config, so workspaces over the same broker share one source. */
export function sourceConfigKey(config: SourceConfig): string {
  return JSON.stringify([
    config.kind,
    config.baseUrl ?? '',
    config.apiKey ?? '',
    config.apiSecret ?? '',
    config.auth ?? 'api-key',
    config.role ?? 'administrator',
  ]);
}
