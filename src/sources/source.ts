import type { Session, Subscription } from '../model/session.js';
import {
  englishOf,
  type MessageRef,
  type MessageValues,
  type SourceMessageId,
} from './messages.js';

/** Options every source call accepts. */
export interface RequestOptions {
  /** Aborts the request (a superseded refresh, a closed popup). */
  signal?: AbortSignal;
}

/** Options of a list call. */
export interface ListOptions extends RequestOptions {
  /**
   * Called with each page as it arrives, so rows are usable before the last page. A walk that
   * must restart (an expired cursor) sends its pages again: merge them by key.
   */
  onPage?: (sessions: readonly Session[]) => void;
}

/** Options of `hydrate`: where the details go, and which rows come first. */
export interface HydrateOptions extends RequestOptions {
  /** Client IDs to fetch first (the rows on screen), asked again before each request. */
  priority?: () => readonly string[];
  /** Sessions whose details arrived (connected), and client IDs found offline or gone. */
  onSessions(batch: { detailed: Session[]; gone: string[] }): void;
  onProgress?(done: number, total: number): void;
  /** A client whose details could not be read (it stays pending). */
  onError?(error: unknown): void;
}

/** One page of a broker's sessions (server mode). */
export interface PageRequest extends RequestOptions {
  /** Where the page starts: undefined for the first, else a previous page's `next`. */
  cursor?: string;
  /** Broker-side search (client ID or username contains it). */
  search?: string;
  limit: number;
}

export interface SessionPage {
  sessions: Session[];
  skipped: number;
  /** The next page's cursor; undefined on the last page. */
  next?: string;
  /** Matching sessions in all, when the broker says (EMQX gives none for a search). */
  total?: number;
}

/** The result of listing a source's active sessions. */
export interface SessionList {
  sessions: Session[];
  /** Entries the broker returned that could not be read as a session (no client ID). */
  skipped: number;
}

/** The outcome of disconnecting one client. */
export type DisconnectOutcome = 'disconnected' | 'already-gone';

/** The result of one client in a disconnect action. */
export interface DisconnectResult {
  clientId: string;
  /** `cancelled`: the user cancelled before this client's turn came. */
  outcome: DisconnectOutcome | 'failed' | 'cancelled';
  /** Why it failed, in words a user can act on. */
  error?: string;
}

/** What a source can do, so the element offers what works and says what does not. */
export interface SourceCapabilities {
  /** The broker can search client IDs and usernames itself (EMQX `like_clientid`). */
  serverSearch: boolean;
  /** One call disconnects many clients (otherwise they go one by one). */
  bulkDisconnect: boolean;
  /** The broker keeps a ban list (`Disconnect and block`). */
  banList: boolean;
  /** Connect and disconnect events can be followed live over MQTT. */
  liveEvents: boolean;
  /** The broker reports totals itself (otherwise counts are what has been listed). */
  counts: boolean;
  /**
   * Listing gives client IDs first and the rest of each session later (`hydrate`): until then
   * rows show the client ID and counts are provisional.
   */
  lazyDetails: boolean;
  /**
   * Whether these credentials may change the broker's state (disconnect, ban). `false` for a
   * read-only identity such as an EMQX API key with the `viewer` role (its `DELETE` and `POST`
   * calls answer 403): the element then offers no such action, as with its `read-only`
   * attribute. Absent means `true`.
   */
  actions?: boolean;
}

/** Where sessions come from: one broker's admin API (or a simulation). */
export interface SessionSource {
  /** Human-readable name of the source for messages (`EMQX at /api/v5`). */
  readonly label: string;
  /** What it can do; a source without this is taken to list fully and search locally. */
  readonly capabilities?: SourceCapabilities;
  /** Identity of the source in session keys, where it stamps one. */
  readonly id?: string;
  /** Every active (connected) session. */
  list(options?: ListOptions): Promise<SessionList>;
  /**
   * Connected sessions whose client ID or username contains `text`, searched by the broker
   * (where `capabilities.serverSearch`); without it, search the list in the browser.
   */
  search?(text: string, options?: ListOptions): Promise<SessionList>;
  /** One page of connected sessions, searched by the broker where `search` is given. */
  page?(request: PageRequest): Promise<SessionPage>;
  /** Connected sessions in all, from the broker's own counters (EMQX `/stats`). */
  count?(options?: RequestOptions): Promise<number>;
  /**
   * Fetches the details of sessions `list` returned pending (`capabilities.lazyDetails`), in
   * the background, reporting them as they arrive.
   */
  hydrate?(sessions: readonly Session[], options: HydrateOptions): Promise<void>;
  /** One session, fresh from the broker. Throws `SourceError` kind `not-found` when gone. */
  get(clientId: string, options?: RequestOptions): Promise<Session>;
  /** A session's subscriptions with QoS. */
  subscriptions(clientId: string, options?: RequestOptions): Promise<Subscription[]>;
  /** Closes a client's connection; a client that is no longer there is `already-gone`. */
  disconnect(clientId: string, options?: RequestOptions): Promise<DisconnectOutcome>;
  /**
   * Closes many connections in one call, where the broker has a bulk endpoint. It reports no
   * per-client result: callers confirm from the list.
   */
  disconnectMany?(clientIds: readonly string[], options?: RequestOptions): Promise<void>;
  /** Bans a client ID for a while, where the broker keeps a ban list. */
  ban?(clientId: string, options: BanOptions): Promise<void>;
  /**
   * The sessions subscribed to a topic (a subscription filter matches it) or, for a filter with
   * wildcards, subscribed with exactly that filter; where the broker can search subscriptions.
   */
  subscribersOf?(topic: string, options?: RequestOptions): Promise<SubscriberRef[]>;
}

/** A session by node and client ID, as a subscription search returns it. */
export interface SubscriberRef {
  clientId: string;
  node: string | undefined;
}

export interface BanOptions extends RequestOptions {
  /** How long the ban lasts. */
  durationSeconds: number;
  /** Why, as the broker records it. */
  reason?: string;
}

/** What went wrong, in terms a user can act on. */
export type SourceErrorKind =
  | 'auth'
  | 'forbidden'
  | 'not-found'
  | 'bad-request'
  | 'rate-limited'
  | 'server'
  | 'network'
  | 'timeout'
  | 'aborted'
  | 'invalid-response';

/** A typed, user-readable failure of a source call. Its message never holds a secret. */
export class SourceError extends Error {
  override readonly name = 'SourceError';
  constructor(
    readonly kind: SourceErrorKind,
    message: string,
    readonly details: {
      status?: number;
      code?: string;
      cause?: unknown;
      /** How long the broker asked callers to wait before the next try (`Retry-After`). */
      retryAfterMs?: number;
      /** The message by id and values (`message` is its English text), for translation. */
      text?: MessageRef;
    } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
  }

  /** An error whose message is one of `SOURCE_MESSAGES_EN`, kept by id so it can be translated. */
  static of(
    kind: SourceErrorKind,
    id: SourceMessageId,
    values: MessageValues = {},
    details: Omit<SourceError['details'], 'text'> = {},
  ): SourceError {
    const text = { id, values };
    return new SourceError(kind, englishOf(text), { ...details, text });
  }

  /** HTTP status, when the broker answered. */
  get status(): number | undefined {
    return this.details.status;
  }

  /** The broker's own error code (`CLIENTID_NOT_FOUND`), when it gave one. */
  get code(): string | undefined {
    return this.details.code;
  }
}

/** Whether an error is an abort (a superseded or cancelled request), which is not a failure. */
export function isAbort(error: unknown): boolean {
  return (
    (error instanceof SourceError && error.kind === 'aborted') ||
    (error instanceof DOMException && error.name === 'AbortError')
  );
}
