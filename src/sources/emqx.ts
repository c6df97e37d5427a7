/**
 * `EmqxSource`: sessions from the EMQX v5 management API (`shared/docs/brokers.md`), also spoken
 * by the dev broker. In a page, point it at a same-origin proxy: EMQX answers no CORS preflight.
 */
import { describeJson, isRecord } from '../model/json.js';
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
  type PageRequest,
  type SessionList,
  type SessionPage,
  type SessionSource,
  type SourceCapabilities,
  type SubscriberRef,
} from './source.js';
import {
  basicAuthorization,
  clientIdSegment,
  excerpt,
  HttpApi,
  readCodeAndMessage,
  safeForDisplay,
  type HttpRequest,
} from './http.js';
import { isFilter } from '../analysis/topic.js';

/** How to reach an EMQX v5 management API. */
export interface EmqxSourceOptions extends NormalizeOptions {
  /** Base URL of the API, e.g. `/api/v5` behind a proxy or `http://127.0.0.1:18083/api/v5`. */
  baseUrl: string;
  /** API key (HTTP Basic user name). Leave unset when a proxy adds the credentials. */
  apiKey?: string;
  /** API secret (HTTP Basic password). */
  apiSecret?: string;
  /**
   * A dashboard user instead of an API key: the source logs in (`POST /login`) and sends the
   * Bearer token, logging in again before the token expires and once more on a 401.
   */
  login?: { username: string; password: string };
  /** How long a login token is used before logging in again (default 50 minutes). */
  tokenRenewMs?: number;
  /** The `fetch` to use (a proxying or instrumented one); defaults to the global. */
  fetch?: typeof globalThis.fetch;
  /** Rows per page when listing (EMQX allows 1..10000). */
  pageSize?: number;
  /** Milliseconds before a request counts as timed out. */
  timeoutMs?: number;
  /** Identity of this source in session keys; defaults to the base URL. */
  id?: string;
  /**
   * The role of the API key or dashboard user (EMQX 5 RBAC). `viewer` may only read: EMQX
   * answers 403 `UNAUTHORIZED_ROLE` to its kicks and bans, so the source reports
   * `capabilities.actions: false` and the element offers no action. Default `administrator`.
   */
  role?: 'administrator' | 'viewer';
}

/** The most pages one list call follows, so a broker that ignores `page` cannot loop us forever. */
const MAX_PAGES = 10_000;
/** The code of an error from `POST /login` itself. */
const LOGIN_FAILED = 'LOGIN_FAILED';
/** EMQX dashboard tokens live 60 minutes by default: renew well before. */
export const TOKEN_RENEW_MS = 50 * 60_000;

export class EmqxSource implements SessionSource {
  readonly label: string;
  readonly id: string;
  readonly capabilities: SourceCapabilities;
  readonly #api: HttpApi;
  readonly #pageSize: number;
  readonly #normalize: NormalizeOptions;
  readonly #login: EmqxSourceOptions['login'];
  readonly #fetch: typeof globalThis.fetch | undefined;
  readonly #tokenRenewMs: number;
  /** The Bearer token once logged in, and when that login started. */
  #token: Promise<string> | undefined;
  #tokenAt = 0;
  /** Whether the broker has `/clients_v2`; undefined until the first list. */
  #cursorPaging: boolean | undefined;

  constructor(options: EmqxSourceOptions) {
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.capabilities = {
      serverSearch: true,
      bulkDisconnect: true,
      banList: true,
      liveEvents: true,
      counts: true,
      lazyDetails: false,
      actions: options.role !== 'viewer',
    };
    this.label = `EMQX at ${safeForDisplay(baseUrl)}`;
    this.#login = options.login;
    this.#fetch = options.fetch;
    this.#tokenRenewMs = options.tokenRenewMs ?? TOKEN_RENEW_MS;
    const basic =
      options.apiKey !== undefined
        ? basicAuthorization(options.apiKey, options.apiSecret ?? '')
        : undefined;
    this.#api = new HttpApi({
      baseUrl,
      label: this.label,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      readError: readCodeAndMessage,
      credentials: this.#login ? 'login' : 'api-key',
      authorization: this.#login ? () => this.#bearer() : async () => basic,
    });
    this.#pageSize = Math.min(10_000, Math.max(1, Math.floor(options.pageSize ?? 1000)));
    // Never the URL's user info: the id ends up in session keys and attributes.
    this.id = options.id ?? safeForDisplay(baseUrl);
    this.#normalize = {
      usernameSuffix: options.usernameSuffix,
      workspace: options.workspace,
      sourceId: this.id,
    };
  }

  /** A current Bearer token: logs in first, and again when the token is near its expiry. */
  async #bearer(): Promise<string> {
    // Decided synchronously, so requests made together share one login. The login has its own
    // timeout, not a caller's signal: one superseded refresh must not fail the others.
    if (!this.#token || Date.now() - this.#tokenAt >= this.#tokenRenewMs) {
      this.#tokenAt = Date.now();
      const login = this.#logIn();
      this.#token = login;
      // A failed login is not remembered: the next request tries again.
      login.catch(() => {
        if (this.#token === login) this.#token = undefined;
      });
    }
    return `Bearer ${await this.#token}`;
  }

  async #logIn(): Promise<string> {
    const login = new HttpApi({
      baseUrl: this.#api.baseUrl,
      label: this.label,
      readError: readCodeAndMessage,
      credentials: 'login',
      timeoutMs: this.#api.timeoutMs,
      fetch: this.#fetch,
    });
    let body: unknown;
    try {
      body = await login.json('POST', '/login', { body: this.#login });
    } catch (e) {
      // Marked, so a refused login is not retried (each try could count towards a lockout).
      if (e instanceof SourceError) {
        throw new SourceError(e.kind, e.message, {
          status: e.status,
          code: LOGIN_FAILED,
          cause: e,
          ...(e.details.text ? { text: e.details.text } : {}),
        });
      }
      throw e;
    }
    if (!isRecord(body) || typeof body['token'] !== 'string' || !body['token']) {
      throw SourceError.of('invalid-response', 'loginWithoutToken', { label: this.label });
    }
    return body['token'];
  }

  /** Sends a request; with a login, a 401 (an expired or revoked token) logs in once more. */
  async #send<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!this.#login || !(error instanceof SourceError) || error.kind !== 'auth') throw error;
      if (error.code === LOGIN_FAILED) throw error;
      // The token was refused (expired, revoked): log in again, once.
      this.#token = undefined;
      return call();
    }
  }

  #json(method: string, path: string, request: HttpRequest = {}): Promise<unknown> {
    return this.#send(() => this.#api.json(method, path, request));
  }

  #request(method: string, path: string, request: HttpRequest = {}): Promise<void> {
    return this.#send(() => this.#api.send(method, path, request));
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
    const sessions = new Map<string, Session>();
    let skipped = 0;
    let cursor: string | undefined;
    // A broker that hands out a cursor again, or pages with nothing new, would never end.
    const seen = new Set<string>();
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams({ limit: String(this.#pageSize), conn_state: 'connected' });
      if (cursor) query.set('cursor', cursor);
      const body = await this.#json('GET', `/clients_v2?${query}`, { signal: options.signal });
      const data = this.#pageData(body);
      const taken = this.#takePage(data, sessions, options);
      skipped += taken.skipped;
      const meta = isRecord(body) && isRecord(body['meta']) ? body['meta'] : {};
      cursor = typeof meta['cursor'] === 'string' && meta['cursor'] ? meta['cursor'] : undefined;
      if (!cursor || data.length === 0 || taken.added === 0 || seen.has(cursor)) break;
      seen.add(cursor);
    }
    return { sessions: [...sessions.values()], skipped };
  }

  /**
   * One page for server mode: by cursor (`/clients_v2`) without a search; with one, page
   * `like_clientid` and `like_username` together (EMQX takes no OR, and no cursor with `like_*`).
   */
  async page(request: PageRequest): Promise<SessionPage> {
    const limit = String(Math.min(10_000, Math.max(1, Math.floor(request.limit))));
    const { signal } = request;
    const search = request.search?.trim();
    if (!search && this.#cursorPaging !== false && !request.cursor?.startsWith('page:')) {
      const query = new URLSearchParams({ limit, conn_state: 'connected' });
      if (request.cursor) query.set('cursor', request.cursor);
      try {
        const body = await this.#json('GET', `/clients_v2?${query}`, { signal });
        this.#cursorPaging = true;
        const sessions = new Map<string, Session>();
        const { skipped } = this.#takePage(this.#pageData(body), sessions, {});
        const meta = isRecord(body) && isRecord(body['meta']) ? body['meta'] : {};
        // The cursor this page was asked with is no next page.
        const next =
          typeof meta['cursor'] === 'string' && meta['cursor'] && meta['cursor'] !== request.cursor
            ? meta['cursor']
            : undefined;
        return { sessions: [...sessions.values()], skipped, next };
      } catch (error) {
        const older = error instanceof SourceError && error.status === 404;
        if (!older || this.#cursorPaging === true) throw error;
        this.#cursorPaging = false;
      }
    }
    const page = Math.max(1, Number(request.cursor?.replace(/^page:/, '') ?? 1) || 1);
    const filters: Record<string, string>[] = search
      ? [{ like_clientid: search }, { like_username: search }]
      : [{}];
    const byKey = new Map<string, Session>();
    let skipped = 0;
    let hasNext = false;
    let total: number | undefined;
    for (const filter of filters) {
      const query = new URLSearchParams({
        page: String(page),
        limit,
        conn_state: 'connected',
        ...filter,
      });
      const body = await this.#json('GET', `/clients?${query}`, { signal });
      const data = this.#pageData(body);
      skipped += this.#takePage(data, byKey, {}).skipped;
      const meta = isRecord(body) && isRecord(body['meta']) ? body['meta'] : {};
      hasNext ||= meta['hasnext'] === true;
      if (!search && typeof meta['count'] === 'number' && meta['count'] >= 0) {
        total = Number.isFinite(meta['count']) ? meta['count'] : undefined;
      }
    }
    return {
      sessions: [...byKey.values()],
      skipped,
      next: hasNext ? `page:${page + 1}` : undefined,
      total,
    };
  }

  /** Connected sessions in the cluster (`/stats?aggregate=true`, `live_connections.count`). */
  async count(options: RequestOptions = {}): Promise<number> {
    const body = await this.#json('GET', '/stats?aggregate=true', { signal: options.signal });
    const stats = Array.isArray(body) ? body[0] : body;
    const n = isRecord(stats)
      ? (stats['live_connections.count'] ?? stats['connections.count'])
      : undefined;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw SourceError.of('invalid-response', 'statsWithoutCount', { label: this.label });
    }
    return n;
  }

  /**
   * Broker-side search (`like_clientid`, then `like_username`, by page number: EMQX's cursor
   * list takes no `like_*`), merged so a session matching both comes once.
   */
  async search(text: string, options: ListOptions = {}): Promise<SessionList> {
    const byKey = new Map<string, Session>();
    let skipped = 0;
    for (const param of ['like_clientid', 'like_username']) {
      const found = await this.#listByPage(options, { [param]: text });
      skipped += found.skipped;
      for (const s of found.sessions) byKey.set(s.key, s);
    }
    return { sessions: [...byKey.values()], skipped };
  }

  /** Pages through `/clients` by page number. */
  async #listByPage(
    options: ListOptions,
    filter: Record<string, string> = {},
  ): Promise<SessionList> {
    const sessions = new Map<string, Session>();
    let skipped = 0;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams({
        page: String(page),
        limit: String(this.#pageSize),
        conn_state: 'connected',
        ...filter,
      });
      const body = await this.#json('GET', `/clients?${query}`, { signal: options.signal });
      const data = this.#pageData(body);
      const taken = this.#takePage(data, sessions, options);
      skipped += taken.skipped;
      const meta = isRecord(body) && isRecord(body['meta']) ? body['meta'] : {};
      const hasNext =
        typeof meta['hasnext'] === 'boolean' ? meta['hasnext'] : data.length >= this.#pageSize;
      // A page with nothing new: a broker that ignores `page` would send it forever.
      if (!hasNext || data.length === 0 || taken.added === 0) break;
    }
    return { sessions: [...sessions.values()], skipped };
  }

  #pageData(body: unknown): unknown[] {
    if (!isRecord(body) || !Array.isArray(body['data'])) {
      throw SourceError.of('invalid-response', 'notAnEmqxPage', {
        label: this.label,
        got: describeJson(body),
      });
    }
    return body['data'];
  }

  /**
   * Normalises one page into `sessions` by key (a session listed twice, in a page or across
   * pages, comes once: the later row); returns how many entries could not be read and how many
   * sessions were new.
   */
  #takePage(
    data: unknown[],
    sessions: Map<string, Session>,
    options: ListOptions,
  ): { skipped: number; added: number } {
    let skipped = 0;
    let added = 0;
    const pageSessions = new Map<string, Session>();
    for (const raw of data) {
      const s = sessionFromEmqx(raw, this.#normalize);
      if (!s) {
        skipped++;
        continue;
      }
      if (!sessions.has(s.key)) added++;
      sessions.set(s.key, s);
      pageSessions.set(s.key, s);
    }
    options.onPage?.([...pageSessions.values()]);
    return { skipped, added };
  }

  async get(clientId: string, options: RequestOptions = {}): Promise<Session> {
    const body = await this.#json('GET', `/clients/${clientIdSegment(clientId, this.label)}`, {
      signal: options.signal,
      clientId,
    });
    const session = sessionFromEmqx(body, this.#normalize);
    if (!session) {
      throw SourceError.of('invalid-response', 'answerWithoutClientId', {
        label: this.label,
        client: JSON.stringify(clientId),
      });
    }
    if (session.clientId !== clientId) {
      throw SourceError.of('invalid-response', 'answerForAnotherClient', {
        label: this.label,
        client: JSON.stringify(clientId),
        other: JSON.stringify(excerpt(session.clientId, 40)),
      });
    }
    return session;
  }

  async subscriptions(clientId: string, options: RequestOptions = {}): Promise<Subscription[]> {
    const body = await this.#json(
      'GET',
      `/clients/${clientIdSegment(clientId, this.label)}/subscriptions`,
      { signal: options.signal, clientId },
    );
    if (!Array.isArray(body)) {
      throw SourceError.of('invalid-response', 'subscriptionsNotAList', {
        label: this.label,
        client: JSON.stringify(clientId),
      });
    }
    return subscriptionsFromEmqx(body);
  }

  async disconnect(clientId: string, options: RequestOptions = {}): Promise<DisconnectOutcome> {
    try {
      await this.#request('DELETE', `/clients/${clientIdSegment(clientId, this.label)}`, {
        signal: options.signal,
        clientId,
      });
      return 'disconnected';
    } catch (error) {
      // Only EMQX's own answer means the client is gone; another 404 is a wrong URL or proxy.
      if (error instanceof SourceError && error.code === 'CLIENTID_NOT_FOUND')
        return 'already-gone';
      throw error;
    }
  }

  async disconnectMany(clientIds: readonly string[], options: RequestOptions = {}): Promise<void> {
    await this.#request('POST', '/clients/kickout/bulk', {
      signal: options.signal,
      body: clientIds,
    });
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
      const body = await this.#json('GET', `/subscriptions?${query}`, { signal: options.signal });
      if (!isRecord(body) || !Array.isArray(body['data'])) {
        throw SourceError.of('invalid-response', 'subscriptionSearchNotAPage', {
          label: this.label,
        });
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
      await this.#request('POST', '/banned', {
        signal: options.signal,
        clientId,
        body: {
          as: 'clientid',
          who: clientId,
          by: 'cs-active-sessions',
          reason: options.reason ?? 'Blocked from the active sessions view',
          until,
        },
      });
    } catch (error) {
      // Already banned: the outcome the user asked for.
      if (error instanceof SourceError && error.code === 'ALREADY_EXISTS') return;
      throw error;
    }
  }
}
