/**
 * `RabbitMQSource`: the MQTT clients of a RabbitMQ node or cluster, from the management HTTP API
 * (`shared/docs/brokers.md`): MQTT connections only, subscriptions from the client's
 * `mqtt-subscription-<id>qos0|1` queues, disconnect by closing the connection. RabbitMQ cannot
 * search by client ID (its `name` filter matches `ip:port -> ip:port`), so search runs in the
 * browser over the full list.
 */
import { isRecord } from '../model/json.js';
import {
  brokerLabel,
  brokerSourceId,
  RABBITMQ_CAPABILITIES,
  trimmedBaseUrl,
} from './broker-info.js';
import {
  connectionFromRabbit,
  parseSubscriptionQueue,
  subscriptionQueues,
  subscriptionsFromBindings,
  type RabbitConnection,
} from '../model/rabbitmq-connection.js';
import type { Session, Subscription } from '../model/session.js';
import { basicApi, type HttpApi, type BrokerErrorBody } from './http.js';
import {
  SourceError,
  type DisconnectOutcome,
  type ListOptions,
  type RequestOptions,
  type SessionList,
  type SessionSource,
  type SourceCapabilities,
} from './source.js';

export interface RabbitMQSourceOptions {
  /** The management API, e.g. `http://127.0.0.1:15672/api` or `/rabbitmq/api` behind a proxy. */
  baseUrl: string;
  /** Management user (HTTP Basic); leave unset when a proxy adds credentials. */
  username?: string;
  password?: string;
  /** Only this virtual host (a workspace per vhost); all when unset. */
  vhost?: string;
  fetch?: typeof globalThis.fetch;
  /** Connections per page (RabbitMQ allows up to 500). */
  pageSize?: number;
  timeoutMs?: number;
  id?: string;
  usernameSuffix?: RegExp;
}

const MAX_PAGES = 10_000;
/** Why RabbitMQ records a close from this view (`X-Reason`). */
const CLOSE_REASON = 'Disconnected from the active sessions view';

/** RabbitMQ's error body: `{error, reason}`. */
function readRabbitError(body: unknown): BrokerErrorBody {
  if (!isRecord(body)) return {};
  return {
    code: typeof body['error'] === 'string' ? body['error'] : undefined,
    message: typeof body['reason'] === 'string' ? body['reason'] : undefined,
  };
}

const vhostPath = (vhost: string) => encodeURIComponent(vhost);

export class RabbitMQSource implements SessionSource {
  readonly label: string;
  readonly id: string;
  readonly capabilities: SourceCapabilities = { ...RABBITMQ_CAPABILITIES };
  readonly #api: HttpApi;
  readonly #options: RabbitMQSourceOptions;
  readonly #pageSize: number;
  /** Connection names by client ID, from the last list: what a disconnect closes. */
  #names = new Map<string, { name: string; vhost: string | undefined }[]>();

  constructor(options: RabbitMQSourceOptions) {
    const baseUrl = trimmedBaseUrl(options.baseUrl);
    this.label = brokerLabel('RabbitMQ', baseUrl);
    this.#options = options;
    this.#api = basicApi({
      baseUrl,
      label: this.label,
      username: options.username,
      password: options.password,
      fetch: options.fetch,
      timeoutMs: options.timeoutMs,
      readError: readRabbitError,
      credentials: 'management',
    });
    this.#pageSize = Math.min(500, Math.max(1, Math.floor(options.pageSize ?? 500)));
    this.id = options.id ?? brokerSourceId(baseUrl);
  }

  /** Every MQTT connection, page by page, with subscription counts and queued messages. */
  async list(options: ListOptions = {}): Promise<SessionList> {
    const { signal } = options;
    // Queues and bindings come once for the whole list; a failure there leaves those fields
    // unknown rather than failing the list.
    const extras = this.#queueExtras(signal).catch(() => undefined);
    const connections: RabbitConnection[] = [];
    const seen = new Set<string>();
    let skipped = 0;
    // One vhost's connections are `/vhosts/{vhost}/connections` (`/connections/{x}` is one
    // connection by name).
    const path =
      this.#options.vhost === undefined
        ? '/connections'
        : `/vhosts/${vhostPath(this.#options.vhost)}/connections`;
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = new URLSearchParams({ page: String(page), page_size: String(this.#pageSize) });
      let body;
      try {
        body = await this.#api.page(`${path}?${query}`, { signal }, 'the connection list');
      } catch (e) {
        // Connections closed while the list was walked, so it has fewer pages than the first
        // said: a page past its end is where the list ends, not a failure of it.
        if (page > 1 && e instanceof SourceError && e.details.code === 'page_out_of_range') break;
        throw e;
      }
      let added = 0;
      for (const raw of body['items']) {
        const c = connectionFromRabbit(raw, this.#normalize());
        if (c) {
          // A connection listed twice (in a page, or a page sent again) counts once.
          if (seen.has(c.name)) continue;
          seen.add(c.name);
          connections.push(c);
          added++;
        }
        // Only an MQTT-looking entry without a client ID is a session that could not be read.
        else if (
          isRecord(raw) &&
          typeof raw['protocol'] === 'string' &&
          /MQTT/.test(raw['protocol'])
        )
          skipped++;
      }
      const pageCount = body['page_count'];
      const more =
        typeof pageCount === 'number' ? page < pageCount : body['items'].length >= this.#pageSize;
      // A page with nothing new: a broker that ignores `page` would send it forever.
      if (!more || body['items'].length === 0 || added === 0) break;
    }
    const queues = await extras;
    // One session per key: of two connections of one client ID in a vhost, the newer.
    const byKey = new Map<string, Session>();
    for (const { session } of connections) {
      const q = queues?.get(`${session.vhost ?? ''}\u0000${session.clientId}`);
      const s = queues
        ? { ...session, subscriptions: q?.subscriptions ?? 0, queuedMessages: q?.messages ?? 0 }
        : session;
      const before = byKey.get(s.key);
      if (!before || (s.connectedAt ?? 0) >= (before.connectedAt ?? 0)) byKey.set(s.key, s);
    }
    const sessions = [...byKey.values()];
    const names = new Map<string, { name: string; vhost: string | undefined }[]>();
    for (const { session, name } of connections) {
      names.set(session.clientId, [
        ...(names.get(session.clientId) ?? []),
        { name, vhost: session.vhost },
      ]);
    }
    this.#names = names;
    options.onPage?.(sessions);
    return { sessions, skipped };
  }

  /** Subscription counts (bindings) and queued messages of every client, by vhost and ID. */
  async #queueExtras(
    signal: AbortSignal | undefined,
  ): Promise<Map<string, { subscriptions: number; messages: number }>> {
    const prefix = this.#options.vhost === undefined ? '' : `/${vhostPath(this.#options.vhost)}`;
    const [queues, bindings] = await Promise.all([
      this.#api.json('GET', `/queues${prefix}?columns=name,vhost,messages`, { signal }),
      this.#api.json('GET', `/bindings${prefix}`, { signal }),
    ]);
    const out = new Map<string, { subscriptions: number; messages: number }>();
    const entry = (vhost: unknown, clientId: string) => {
      const key = `${typeof vhost === 'string' ? vhost : ''}\u0000${clientId}`;
      let e = out.get(key);
      if (!e) out.set(key, (e = { subscriptions: 0, messages: 0 }));
      return e;
    };
    for (const q of Array.isArray(queues) ? queues : []) {
      if (!isRecord(q) || typeof q['name'] !== 'string') continue;
      const owner = parseSubscriptionQueue(q['name']);
      if (!owner) continue;
      const messages =
        typeof q['messages'] === 'number' && Number.isFinite(q['messages']) && q['messages'] > 0
          ? q['messages']
          : 0;
      entry(q['vhost'], owner.clientId).messages += messages;
    }
    for (const b of Array.isArray(bindings) ? bindings : []) {
      if (!isRecord(b) || b['destination_type'] !== 'queue' || !b['source']) continue;
      const owner =
        typeof b['destination'] === 'string' && parseSubscriptionQueue(b['destination']);
      if (!owner) continue;
      entry(b['vhost'], owner.clientId).subscriptions++;
    }
    return out;
  }

  #normalize() {
    return { sourceId: this.id, usernameSuffix: this.#options.usernameSuffix };
  }

  async get(clientId: string, options: RequestOptions = {}): Promise<Session> {
    const { sessions } = await this.list({ signal: options.signal });
    const session = sessions.find((s) => s.clientId === clientId);
    if (!session) {
      throw SourceError.of('not-found', 'notConnected', {
        who: `Client ${JSON.stringify(clientId)}`,
      });
    }
    return session;
  }

  async subscriptions(clientId: string, options: RequestOptions = {}): Promise<Subscription[]> {
    const vhost = this.#vhostOf(clientId) ?? this.#options.vhost ?? '/';
    const out: Subscription[] = [];
    for (const queue of subscriptionQueues(clientId)) {
      try {
        const body = await this.#api.json(
          'GET',
          `/queues/${vhostPath(vhost)}/${encodeURIComponent(queue.name)}/bindings`,
          { signal: options.signal },
        );
        out.push(...subscriptionsFromBindings(body, queue.qos));
      } catch (error) {
        // No queue of that QoS: no subscriptions of it.
        if (error instanceof SourceError && error.kind === 'not-found') continue;
        throw error;
      }
    }
    return out;
  }

  /**
   * A fresh list for disconnects: the disconnects of a bulk run that need one at the same time
   * share it, instead of each walking every connection, queue and binding of the broker.
   */
  #relist(options: RequestOptions): Promise<unknown> {
    this.#relisting ??= this.list({ signal: options.signal }).finally(() => {
      this.#relisting = undefined;
    });
    return this.#relisting;
  }

  #relisting: Promise<unknown> | undefined;

  #vhostOf(clientId: string): string | undefined {
    return this.#names.get(clientId)?.[0]?.vhost;
  }

  /**
   * Closes the client's connections (with an `X-Reason` RabbitMQ logs and shows the client), in
   * every vhost this source lists: the interface names a client by its ID. Names come from the
   * last list; when they are all gone, a fresh list finds a newer one.
   */
  async disconnect(clientId: string, options: RequestOptions = {}): Promise<DisconnectOutcome> {
    let names = this.#names.get(clientId);
    if (!names) {
      await this.#relist(options);
      names = this.#names.get(clientId);
      if (!names) return 'already-gone';
    }
    if (await this.#close(clientId, names, options)) return 'disconnected';
    // Every connection we knew is gone: the client may have come back on a new one.
    await this.#relist(options);
    const fresh = (this.#names.get(clientId) ?? []).filter(
      (n) => !names!.some((o) => o.name === n.name),
    );
    return fresh.length && (await this.#close(clientId, fresh, options))
      ? 'disconnected'
      : 'already-gone';
  }

  /**
   * Closes connections; true when at least one was open. Each is read first: a name
   * (`ip:port -> ip:port`) can be reused by another client once the first is gone.
   */
  async #close(
    clientId: string,
    names: readonly { name: string }[],
    options: RequestOptions,
  ): Promise<boolean> {
    let closed = false;
    for (const { name } of names) {
      try {
        const current = await this.#api.json('GET', `/connections/${encodeURIComponent(name)}`, {
          signal: options.signal,
        });
        const field = (name: string) =>
          isRecord(current) && isRecord(current[name]) ? current[name]['client_id'] : undefined;
        if ((field('client_properties') ?? field('variable_map')) !== clientId) continue;
        await this.#api
          .send('DELETE', `/connections/${encodeURIComponent(name)}`, {
            signal: options.signal,
            headers: { 'x-reason': CLOSE_REASON },
          })
          .catch((error: unknown) => {
            // RabbitMQ refuses a user without the right tag with a 401 too ("User not
            // authorised to access object"); the same credentials just read the connection.
            if (!(error instanceof SourceError && error.kind === 'auth')) throw error;
            const { status, code } = error.details;
            throw SourceError.of(
              'forbidden',
              'forbiddenToClose',
              {
                label: this.#api.label,
                text: error.message.replace(/^.*?\((HTTP [^)]*)\).*$/s, '$1'),
              },
              { status, code, cause: error },
            );
          });
        closed = true;
      } catch (error) {
        if (error instanceof SourceError && error.kind === 'not-found') continue;
        throw error;
      }
    }
    return closed;
  }

  /** The broker's virtual hosts, for one workspace each. */
  async vhosts(options: RequestOptions = {}): Promise<string[]> {
    const body = await this.#api.json('GET', '/vhosts?columns=name', { signal: options.signal });
    return Array.isArray(body)
      ? body.flatMap((v) => (isRecord(v) && typeof v['name'] === 'string' ? [v['name']] : []))
      : [];
  }
}
