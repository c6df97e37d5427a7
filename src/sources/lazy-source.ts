/**
 * A source whose code loads on its first call: it answers its label, id and capabilities at
 * once, and loads the real source (a dynamic import, in the single-file script a companion
 * file) when first asked for anything else, so the element's own code carries only the sources a
 * page uses. The simulated fleet (lazy-demo.ts) and the RabbitMQ and HiveMQ sources
 * (from-config.ts) come this way.
 *
 * Its optional methods (`hydrate`, `ban`, ...) are the ones the real source has, named up front:
 * the element decides what to offer from which methods a source has, before it loads.
 *
 * A load that fails (the single-file script's companion file missing or unreachable) fails that
 * call with a `SourceError` of kind `network` that says so; the next call tries again.
 */
import type { Session, Subscription } from '../model/session.js';
import type { SourceMessageId } from './messages.js';
import {
  SourceError,
  type DisconnectOutcome,
  type ListOptions,
  type RequestOptions,
  type SessionList,
  type SessionSource,
  type SourceCapabilities,
} from './source.js';

/** The optional methods of a source that a lazy one can pass on. */
export type OptionalMethod =
  'search' | 'page' | 'count' | 'hydrate' | 'disconnectMany' | 'ban' | 'subscribersOf';

export interface LazySourceOptions {
  label: string;
  id: string;
  capabilities: Readonly<SourceCapabilities>;
  /** The optional methods the loaded source has. */
  methods: readonly OptionalMethod[];
  /** Loads and makes the real source. */
  load(): Promise<SessionSource>;
  /** What a failed load says (default `sourceNotLoaded`). */
  notLoaded?: SourceMessageId;
}

export class LazySource implements SessionSource {
  readonly label: string;
  readonly id: string;
  readonly capabilities: SourceCapabilities;
  search?: SessionSource['search'];
  page?: SessionSource['page'];
  count?: SessionSource['count'];
  hydrate?: SessionSource['hydrate'];
  disconnectMany?: SessionSource['disconnectMany'];
  ban?: SessionSource['ban'];
  subscribersOf?: SessionSource['subscribersOf'];
  readonly #load: () => Promise<SessionSource>;
  readonly #notLoaded: SourceMessageId;
  #loaded: Promise<SessionSource> | undefined;

  constructor(options: LazySourceOptions) {
    this.label = options.label;
    this.id = options.id;
    this.capabilities = { ...options.capabilities };
    this.#load = options.load;
    this.#notLoaded = options.notLoaded ?? 'sourceNotLoaded';
    for (const name of options.methods) {
      this[name] = (async (...args: unknown[]) => {
        const source = await this.source();
        return (source[name] as (...args: unknown[]) => unknown).apply(source, args);
      }) as never;
    }
  }

  /** The real source, loaded and made on the first call (tried again after a failed load). */
  source(): Promise<SessionSource> {
    this.#loaded ??= this.#load().catch((error: unknown) => {
      this.#loaded = undefined;
      const why = error instanceof Error ? error.message : String(error);
      throw SourceError.of(
        'network',
        this.#notLoaded,
        { label: this.label, text: why },
        { cause: error },
      );
    });
    return this.#loaded;
  }

  async list(options?: ListOptions): Promise<SessionList> {
    return (await this.source()).list(options);
  }

  async get(clientId: string, options?: RequestOptions): Promise<Session> {
    return (await this.source()).get(clientId, options);
  }

  async subscriptions(clientId: string, options?: RequestOptions): Promise<Subscription[]> {
    return (await this.source()).subscriptions(clientId, options);
  }

  async disconnect(clientId: string, options?: RequestOptions): Promise<DisconnectOutcome> {
    return (await this.source()).disconnect(clientId, options);
  }
}
