/**
 * `EmqxSource`: sessions from the EMQX v5 management API (`shared/docs/brokers.md`), also spoken
 * by the dev broker. In a page, point it at a same-origin proxy: EMQX answers no CORS preflight.
 */
import {
  sessionFromEmqx,
  subscriptionsFromEmqx,
  type NormalizeOptions,
} from '../model/emqx-client.js';
import type { Session, Subscription } from '../model/session.js';
import {
  SourceError,
  type DisconnectOutcome,
  type ListOptions,
  type BanOptions,
  type RequestOptions,
  type SessionList,
  type SessionSource,
  type SubscriberRef,
} from './source.js';
import { isFilter } from '../analysis/topic.js';

/** How to reach an EMQX v5 management API. */
export interface EmqxSourceOptions extends NormalizeOptions {
  /** Base URL of the API, e.g. `/api/v5` behind a proxy or `http://127.0.0.1:18083/api/v5`. */
  baseUrl: string;
  /** API key (HTTP Basic user name). Leave unset when a proxy adds the credentials. */
  apiKey?: string;
  /** API secret (HTTP Basic password). */
  apiSecret?: string;
  /** The `fetch` to use (a proxying or instrumented one); defaults to the global. */
  fetch?: typeof globalThis.fetch;
  /** Rows per page when listing (EMQX allows 1..10000). */
  pageSize?: number;
  /** Milliseconds before a request counts as timed out. */
  timeoutMs?: number;
  /** Identity of this source in session keys; defaults to the base URL. */
  id?: string;
}

/** The most pages one list call follows, so a broker that ignores `page` cannot loop us forever. */
const MAX_PAGES = 10_000;

function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** The URL without user info, query or fragment, which could hold credentials. */
function safeForDisplay(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1').replace(/[?#].*$/, '');
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export class EmqxSource implements SessionSource {
  readonly label: string;
  readonly id: string;
  readonly #baseUrl: string;
  readonly #authorization: string | undefined;
  readonly #fetch: typeof globalThis.fetch;
  readonly #pageSize: number;
  readonly #timeoutMs: number;
  readonly #normalize: NormalizeOptions;
  /** Whether the broker has `/clients_v2`; undefined until the first list. */
  #cursorPaging: boolean | undefined;

  constructor(options: EmqxSourceOptions) {
    this.#baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.label = `EMQX at ${safeForDisplay(this.#baseUrl)}`;
    this.#authorization =
      options.apiKey !== undefined
        ? `Basic ${base64Utf8(`${options.apiKey}:${options.apiSecret ?? ''}`)}`
        : undefined;
    const f = options.fetch ?? globalThis.fetch;
    this.#fetch = (input, init) => f(input, init);
    this.#pageSize = Math.min(10_000, Math.max(1, Math.floor(options.pageSize ?? 1000)));
    this.#timeoutMs = options.timeoutMs ?? 15_000;
    this.id = options.id ?? this.#baseUrl;
    this.#normalize = {
      usernameSuffix: options.usernameSuffix,
      workspace: options.workspace,
      sourceId: this.id,
    };
  }

  /**
   * Every connected session: through the cursor endpoint (`/clients_v2`, EMQX 5.7+), which
   * neither repeats nor skips a client while others come and go, or by page numbers on an
   * older EMQX (remembered after its first 404).
   */
  async list(options: ListOptions = {}): Promise<SessionList> {
    if (this.#cursorPaging !== false) {
      try {
        const result = await this.#listByCursor(options);
        this.#cursorPaging = true;
        return result;
      } catch (error) {
        const older =
          error instanceof SourceError && error.status === 404 && this.#cursorPaging === undefined;
        if (!older) throw error;
        this.#cursorPaging = false;
      }
    }
    return this.#listByPage(options);
  }

  /** Pages through `/clients_v2` by cursor. */
  async #listByCursor(options: ListOptions): Promise<SessionList> {
    const sessions: Session[] = [];
    let skipped = 0;
    let cursor: string | undefined;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams({ limit: String(this.#pageSize), conn_state: 'connected' });
      if (cursor) query.set('cursor', cursor);
      const body = await this.#json('GET', `/clients_v2?${query}`, options.signal);
      const data = this.#pageData(body);
      skipped += this.#takePage(data, sessions, options);
      const meta = isRecord(body) && isRecord(body['meta']) ? body['meta'] : {};
      cursor = typeof meta['cursor'] === 'string' && meta['cursor'] ? meta['cursor'] : undefined;
      if (!cursor || data.length === 0) break;
    }
    return { sessions, skipped };
  }

  /** Pages through `/clients` by page number. */
  async #listByPage(options: ListOptions): Promise<SessionList> {
    const sessions: Session[] = [];
    let skipped = 0;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams({
        page: String(page),
        limit: String(this.#pageSize),
        conn_state: 'connected',
      });
      const body = await this.#json('GET', `/clients?${query}`, options.signal);
      const data = this.#pageData(body);
      skipped += this.#takePage(data, sessions, options);
      const meta = isRecord(body) && isRecord(body['meta']) ? body['meta'] : {};
      const hasNext =
        typeof meta['hasnext'] === 'boolean' ? meta['hasnext'] : data.length >= this.#pageSize;
      if (!hasNext || data.length === 0) break;
    }
    return { sessions, skipped };
  }

  #pageData(body: unknown): unknown[] {
    if (!isRecord(body) || !Array.isArray(body['data'])) {
      throw new SourceError(
        'invalid-response',
        `${this.label} answered the client list with something that is not an EMQX page.`,
      );
    }
    return body['data'];
  }

  /** Normalises one page into `sessions`; returns how many entries could not be read. */
  #takePage(data: unknown[], sessions: Session[], options: ListOptions): number {
    let skipped = 0;
    const pageSessions: Session[] = [];
    for (const raw of data) {
      const s = sessionFromEmqx(raw, this.#normalize);
      if (s) pageSessions.push(s);
      else skipped++;
    }
    sessions.push(...pageSessions);
    options.onPage?.(pageSessions);
    return skipped;
  }

  async get(clientId: string, options: RequestOptions = {}): Promise<Session> {
    const body = await this.#json(
      'GET',
      `/clients/${encodeURIComponent(clientId)}`,
      options.signal,
      {
        clientId,
      },
    );
    const session = sessionFromEmqx(body, this.#normalize);
    if (!session) {
      throw new SourceError(
        'invalid-response',
        `${this.label} answered for client ${JSON.stringify(clientId)} without a client ID.`,
      );
    }
    return session;
  }

  async subscriptions(clientId: string, options: RequestOptions = {}): Promise<Subscription[]> {
    const body = await this.#json(
      'GET',
      `/clients/${encodeURIComponent(clientId)}/subscriptions`,
      options.signal,
      { clientId },
    );
    if (!Array.isArray(body)) {
      throw new SourceError(
        'invalid-response',
        `${this.label} answered the subscriptions of ${JSON.stringify(clientId)} with something that is not a list.`,
      );
    }
    return subscriptionsFromEmqx(body);
  }

  async disconnect(clientId: string, options: RequestOptions = {}): Promise<DisconnectOutcome> {
    try {
      const res = await this.#request(
        'DELETE',
        `/clients/${encodeURIComponent(clientId)}`,
        options.signal,
        { clientId },
      );
      await res.body?.cancel();
      return 'disconnected';
    } catch (error) {
      // Only EMQX's own answer means the client is gone; another 404 is a wrong URL or proxy.
      if (error instanceof SourceError && error.code === 'CLIENTID_NOT_FOUND')
        return 'already-gone';
      throw error;
    }
  }

  async disconnectMany(clientIds: readonly string[], options: RequestOptions = {}): Promise<void> {
    const res = await this.#request('POST', '/clients/kickout/bulk', options.signal, {
      body: clientIds,
    });
    await res.body?.cancel();
  }

  async subscribersOf(topic: string, options: RequestOptions = {}): Promise<SubscriberRef[]> {
    const out: SubscriberRef[] = [];
    const param = isFilter(topic) ? 'topic' : 'match_topic';
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams({
        [param]: topic,
        page: String(page),
        limit: String(this.#pageSize),
      });
      const body = await this.#json('GET', `/subscriptions?${query}`, options.signal);
      if (!isRecord(body) || !Array.isArray(body['data'])) {
        throw new SourceError(
          'invalid-response',
          `${this.label} answered the subscription search with something that is not a page.`,
        );
      }
      for (const raw of body['data']) {
        if (!isRecord(raw) || typeof raw['clientid'] !== 'string') continue;
        out.push({
          clientId: raw['clientid'],
          node: typeof raw['node'] === 'string' ? raw['node'] : undefined,
        });
      }
      const meta = isRecord(body['meta']) ? body['meta'] : {};
      if (meta['hasnext'] !== true || body['data'].length === 0) break;
    }
    return out;
  }

  async ban(clientId: string, options: BanOptions): Promise<void> {
    const until = new Date(Date.now() + options.durationSeconds * 1000).toISOString();
    try {
      const res = await this.#request('POST', '/banned', options.signal, {
        clientId,
        body: {
          as: 'clientid',
          who: clientId,
          by: 'cs-active-sessions',
          reason: options.reason ?? 'Blocked from the active sessions view',
          until,
        },
      });
      await res.body?.cancel();
    } catch (error) {
      // Already banned: the outcome the user asked for.
      if (error instanceof SourceError && error.code === 'ALREADY_EXISTS') return;
      throw error;
    }
  }

  async #json(
    method: string,
    path: string,
    signal: AbortSignal | undefined,
    context: { clientId?: string } = {},
  ): Promise<unknown> {
    const res = await this.#request(method, path, signal, context);
    let text: string;
    try {
      text = await res.text();
    } catch (cause) {
      throw this.#transportError(cause, signal);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new SourceError(
        'invalid-response',
        `${this.label} answered with a body that is not JSON (HTTP ${res.status}).`,
        { status: res.status, cause },
      );
    }
  }

  async #request(
    method: string,
    path: string,
    signal: AbortSignal | undefined,
    context: { clientId?: string; body?: unknown },
  ): Promise<Response> {
    if (signal?.aborted) throw new SourceError('aborted', 'The request was cancelled.');
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#authorization) headers['authorization'] = this.#authorization;
    if (context.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.#fetch(`${this.#baseUrl}${path}`, {
        method,
        headers,
        body: context.body === undefined ? undefined : JSON.stringify(context.body),
        signal: combined,
        // With our own Authorization header, send no cookies: a 401 then never opens the
        // browser's login prompt (which would hang an extension page whose broker is granted).
        credentials: this.#authorization ? 'omit' : 'same-origin',
      });
    } catch (cause) {
      throw this.#transportError(cause, signal, timeout);
    }
    if (!res.ok) throw await this.#httpError(res, context);
    return res;
  }

  #transportError(cause: unknown, signal?: AbortSignal, timeout?: AbortSignal): SourceError {
    if (signal?.aborted) return new SourceError('aborted', 'The request was cancelled.', { cause });
    if (timeout?.aborted || (cause instanceof DOMException && cause.name === 'TimeoutError')) {
      return new SourceError(
        'timeout',
        `${this.label} did not answer within ${Math.round(this.#timeoutMs / 1000)} s.`,
        { cause },
      );
    }
    return new SourceError(
      'network',
      `Could not reach ${this.label}: check the URL and that the broker (or its proxy) is running.`,
      { cause },
    );
  }

  async #httpError(res: Response, context: { clientId?: string }): Promise<SourceError> {
    let code: string | undefined;
    let brokerMessage: string | undefined;
    try {
      const body: unknown = JSON.parse(await res.text());
      if (isRecord(body)) {
        if (typeof body['code'] === 'string') code = body['code'];
        if (typeof body['message'] === 'string') brokerMessage = body['message'];
      }
    } catch {
      // A proxy's HTML error page or an empty body: the status says enough.
    }
    const status = res.status;
    const said = [`HTTP ${status}`, code, brokerMessage].filter(Boolean).join(' ');
    const details = { status, code };
    const who = context.clientId !== undefined ? `Client ${JSON.stringify(context.clientId)}` : '';
    if (status === 401) {
      return new SourceError(
        'auth',
        `${this.label} refused the credentials (${said}). Check the API key and secret.`,
        details,
      );
    }
    if (status === 403) {
      return new SourceError(
        'forbidden',
        `${this.label} does not allow this API key to do that (${said}).`,
        details,
      );
    }
    if (status === 404) {
      return new SourceError(
        'not-found',
        who ? `${who} is not connected any more (${said}).` : `${this.label}: not found (${said}).`,
        details,
      );
    }
    if (status === 429) {
      return new SourceError(
        'rate-limited',
        `${this.label} is rate-limiting requests (${said}).`,
        details,
      );
    }
    if (status >= 500) {
      return new SourceError('server', `${this.label} failed to answer (${said}).`, details);
    }
    return new SourceError('bad-request', `${this.label} refused the request (${said}).`, details);
  }
}
