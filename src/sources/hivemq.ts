/**
 * `HiveMQSource`: the clients of a HiveMQ Enterprise cluster from its REST API (OpenAPI 4.23,
 * `shared/docs/brokers.md`). The list endpoint gives client IDs only (offline sessions
 * included), by cursor; each client's details are one more request. So `list` returns the IDs
 * at once (rows marked pending) and `hydrate` fetches details in the background, a few at a
 * time, the rows on screen first. A cursor that expires (410) restarts the walk.
 */
import { isRecord } from '../model/json.js';
import { brokerLabel, brokerSourceId, HIVEMQ_CAPABILITIES, trimmedBaseUrl } from './broker-info.js';
import {
  pendingSession,
  sessionFromHive,
  subscriptionsFromHive,
  type HiveNormalizeOptions,
} from '../model/hivemq-client.js';
import type { Session, Subscription } from '../model/session.js';
import { basicApi, clientIdSegment, excerpt, type HttpApi, type BrokerErrorBody } from './http.js';
import {
  SourceError,
  type DisconnectOutcome,
  type HydrateOptions,
  type ListOptions,
  type RequestOptions,
  type SessionList,
  type SessionSource,
  type SourceCapabilities,
} from './source.js';

export interface HiveMQSourceOptions {
  /** The REST API, e.g. `http://hivemq:8888/api/v1` or `/hivemq/api/v1` behind a proxy. */
  baseUrl: string;
  /** REST API user (HTTP Basic, with HiveMQ's RBAC); unset when a proxy adds credentials. */
  username?: string;
  password?: string;
  fetch?: typeof globalThis.fetch;
  /** Client IDs per page (HiveMQ allows 50..2500). */
  pageSize?: number;
  /** Details requests in flight at once. */
  concurrency?: number;
  /** How long fetched details are reused before they are read again. */
  detailsTtlMs?: number;
  timeoutMs?: number;
  id?: string;
  usernameSuffix?: RegExp;
}

const MAX_PAGES = 100_000;
/** Walks restarted after expired cursors before giving up. */
const MAX_RESTARTS = 3;

/** HiveMQ's error body: `{errors: [{title, detail}]}`. */
function readHiveError(body: unknown): BrokerErrorBody {
  const first = isRecord(body) && Array.isArray(body['errors']) ? body['errors'][0] : undefined;
  if (!isRecord(first)) return {};
  return {
    code: typeof first['title'] === 'string' ? first['title'] : undefined,
    message: typeof first['detail'] === 'string' ? first['detail'] : undefined,
  };
}

export class HiveMQSource implements SessionSource {
  readonly label: string;
  readonly id: string;
  readonly capabilities: SourceCapabilities = { ...HIVEMQ_CAPABILITIES };
  readonly #api: HttpApi;
  readonly #pageSize: number;
  readonly #concurrency: number;
  readonly #ttlMs: number;
  readonly #normalize: HiveNormalizeOptions;
  /** Details by client ID with when they were read: reused by the next list while fresh. */
  readonly #details = new Map<string, { session: Session; at: number }>();
  /** Bumped by each disconnect of a client, so a details answer from before it is not kept. */
  readonly #generation = new Map<string, number>();

  constructor(options: HiveMQSourceOptions) {
    const baseUrl = trimmedBaseUrl(options.baseUrl);
    this.label = brokerLabel('HiveMQ', baseUrl);
    this.#api = basicApi({
      baseUrl,
      label: this.label,
      username: options.username,
      password: options.password,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      readError: readHiveError,
      credentials: 'rest-api',
    });
    this.#pageSize = Math.min(2500, Math.max(50, Math.floor(options.pageSize ?? 500)));
    this.#concurrency = Math.max(1, Math.floor(options.concurrency ?? 8));
    this.#ttlMs = options.detailsTtlMs ?? 5 * 60_000;
    this.id = options.id ?? brokerSourceId(baseUrl);
    this.#normalize = { sourceId: this.id, usernameSuffix: options.usernameSuffix };
  }

  /**
   * Every client ID, page by page. Clients whose details are fresh come as they were read
   * (offline ones left out); the others come pending, for `hydrate`.
   */
  async list(options: ListOptions = {}): Promise<SessionList> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.#walk(options);
      } catch (error) {
        const expired = error instanceof SourceError && error.status === 410;
        if (!expired || attempt >= MAX_RESTARTS) throw error;
        // The cursor expired mid-walk: start again from the first page.
      }
    }
  }

  async #walk(options: ListOptions): Promise<SessionList> {
    const sessions: Session[] = [];
    const ids = new Set<string>();
    const paths = new Set<string>();
    const now = Date.now();
    let skipped = 0;
    let path: string | undefined = `/mqtt/clients?limit=${this.#pageSize}`;
    for (let page = 0; path && page < MAX_PAGES; page++) {
      paths.add(path);
      const body = await this.#api.page(path, { signal: options.signal }, 'the client list');
      const pageSessions: Session[] = [];
      for (const item of body['items']) {
        const clientId = isRecord(item) && typeof item['id'] === 'string' ? item['id'] : undefined;
        // An empty client ID could be neither read nor acted on (its URL is the list's).
        if (!clientId) {
          skipped++;
          continue;
        }
        // A client ID listed twice (in a page, or a page sent again) comes once.
        if (ids.has(clientId)) continue;
        ids.add(clientId);
        // Earlier details show at once (hydrate reads them again); the rest come pending.
        const known = this.#details.get(clientId);
        pageSessions.push(
          known && known.session.connected !== false && now - known.at < this.#ttlMs
            ? known.session
            : pendingSession(clientId, this.#normalize),
        );
      }
      sessions.push(...pageSessions);
      options.onPage?.(pageSessions);
      path = this.#nextPath(body);
      // A cursor handed out again, or a page with nothing new, would never end.
      if (pageSessions.length === 0 || (path !== undefined && paths.has(path))) break;
    }
    return { sessions, skipped };
  }

  /** `_links.next` as a path under the base URL (HiveMQ gives it from `/api/v1` on). */
  #nextPath(body: Record<string, unknown>): string | undefined {
    const links = isRecord(body['_links']) ? body['_links'] : {};
    const next = links['next'];
    const href = typeof next === 'string' ? next : isRecord(next) ? next['href'] : undefined;
    if (typeof href !== 'string' || !href) return undefined;
    let url: URL;
    try {
      url = new URL(href, 'http://base.invalid');
    } catch {
      throw SourceError.of('invalid-response', 'nextLinkNotAUrl', { label: this.label });
    }
    const cursor = url.searchParams.get('cursor');
    if (!cursor) return undefined;
    const query = new URLSearchParams({ limit: String(this.#pageSize), cursor });
    return `/mqtt/clients?${query}`;
  }

  /**
   * Fetches the details of pending sessions, `concurrency` at a time, the client IDs that
   * `priority` names (the rows on screen) first. Reports connected sessions as they arrive, and
   * the IDs that turned out offline or gone.
   */
  async hydrate(sessions: readonly Session[], options: HydrateOptions): Promise<void> {
    // Pending rows first (the ones on screen before the rest); then the rows shown from earlier
    // details are read again, so a client that went offline or reconnected is seen.
    const pending = new Set(sessions.filter((s) => s.pending).map((s) => s.clientId));
    const again = sessions.filter((s) => !s.pending).map((s) => s.clientId);
    const total = pending.size;
    let done = 0;
    const pick = (): { id: string; pending: boolean } | undefined => {
      for (const id of options.priority?.() ?? []) {
        if (pending.delete(id)) return { id, pending: true };
      }
      const first = pending.values().next();
      if (!first.done) {
        pending.delete(first.value);
        return { id: first.value, pending: true };
      }
      const id = again.shift();
      return id === undefined ? undefined : { id, pending: false };
    };
    const worker = async () => {
      for (let next = pick(); next !== undefined; next = pick()) {
        if (options.signal?.aborted) return;
        const { id } = next;
        try {
          const session = await this.get(id, { signal: options.signal });
          if (session.connected === false) options.onSessions({ detailed: [], gone: [id] });
          else options.onSessions({ detailed: [session], gone: [] });
        } catch (error) {
          if (error instanceof SourceError && error.kind === 'aborted') return;
          if (error instanceof SourceError && error.kind === 'not-found') {
            options.onSessions({ detailed: [], gone: [id] });
          } else {
            // This client's row stays as it was (pending, or its earlier details).
            options.onError?.(error);
          }
        }
        if (next.pending) options.onProgress?.(++done, total);
      }
    };
    const workers = Math.min(this.#concurrency, total + again.length);
    await Promise.all(Array.from({ length: workers }, worker));
  }

  async get(clientId: string, options: RequestOptions = {}): Promise<Session> {
    const generation = this.#generation.get(clientId) ?? 0;
    const path = `/mqtt/clients/${clientIdSegment(clientId, this.label)}`;
    const [body, subs] = await Promise.all([
      this.#api.json('GET', path, { signal: options.signal, clientId }),
      this.subscriptions(clientId, options).catch((e: unknown) => {
        if (e instanceof SourceError && (e.kind === 'not-found' || e.kind === 'aborted')) throw e;
        return undefined;
      }),
    ]);
    const session = sessionFromHive(body, this.#normalize, subs?.length);
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
    // A disconnect since the request went out makes this answer out of date.
    if ((this.#generation.get(clientId) ?? 0) === generation) {
      this.#details.set(clientId, { session, at: Date.now() });
    }
    return session;
  }

  async subscriptions(clientId: string, options: RequestOptions = {}): Promise<Subscription[]> {
    const body = await this.#api.json(
      'GET',
      `/mqtt/clients/${clientIdSegment(clientId, this.label)}/subscriptions`,
      { signal: options.signal, clientId },
    );
    return subscriptionsFromHive(body);
  }

  async disconnect(clientId: string, options: RequestOptions = {}): Promise<DisconnectOutcome> {
    this.#generation.set(clientId, (this.#generation.get(clientId) ?? 0) + 1);
    try {
      await this.#api.send(
        'DELETE',
        `/mqtt/clients/${clientIdSegment(clientId, this.label)}/connection`,
        {
          signal: options.signal,
          clientId,
        },
      );
      this.#details.delete(clientId);
      return 'disconnected';
    } catch (error) {
      if (error instanceof SourceError && error.kind === 'not-found') {
        this.#details.delete(clientId);
        return 'already-gone';
      }
      throw error;
    }
  }
}
