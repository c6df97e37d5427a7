/**
 * The simulated fleet as the element and `createSource` use it: a `SessionSource` that answers its
 * label, id and capabilities at once and loads `DemoSource` (demo.ts, through load-demo.ts) on its
 * first call, so the element's own code does not carry the simulation. The fleet starts then, as
 * a `DemoSource` made at that moment with the same options would.
 *
 * A load that fails (the single-file script's companion file missing or unreachable) fails that
 * call with a `SourceError` of kind `network` that says so; the next call tries again.
 */
import type { Session, Subscription } from '../model/session.js';
import type { DemoSource, DemoSourceOptions } from './demo.js';
import { DEMO_CAPABILITIES, DEMO_ID, DEMO_LABEL } from './demo-info.js';
import { importDemo } from './load-demo.js';
import {
  SourceError,
  type BanOptions,
  type DisconnectOutcome,
  type ListOptions,
  type RequestOptions,
  type SessionList,
  type SessionSource,
  type SourceCapabilities,
  type SubscriberRef,
} from './source.js';

export class LazyDemoSource implements SessionSource {
  readonly label: string;
  readonly id: string;
  readonly capabilities: SourceCapabilities = { ...DEMO_CAPABILITIES };
  readonly #options: DemoSourceOptions;
  #fleet: Promise<DemoSource> | undefined;

  constructor(options: DemoSourceOptions = {}) {
    this.#options = options;
    this.id = options.id ?? DEMO_ID;
    this.label = options.label ?? DEMO_LABEL;
  }

  /** The simulation, loaded and started on the first call (tried again after a failed load). */
  #source(): Promise<DemoSource> {
    this.#fleet ??= importDemo().then(
      ({ DemoSource }) => new DemoSource(this.#options),
      (error: unknown) => {
        this.#fleet = undefined;
        const why = error instanceof Error ? error.message : String(error);
        throw SourceError.of(
          'network',
          'simulationNotLoaded',
          { label: this.label, text: why },
          { cause: error },
        );
      },
    );
    return this.#fleet;
  }

  async list(options?: ListOptions): Promise<SessionList> {
    return (await this.#source()).list(options);
  }

  async get(clientId: string, options?: RequestOptions): Promise<Session> {
    return (await this.#source()).get(clientId, options);
  }

  async subscriptions(clientId: string, options?: RequestOptions): Promise<Subscription[]> {
    return (await this.#source()).subscriptions(clientId, options);
  }

  async disconnect(clientId: string, options?: RequestOptions): Promise<DisconnectOutcome> {
    return (await this.#source()).disconnect(clientId, options);
  }

  async disconnectMany(clientIds: readonly string[], options?: RequestOptions): Promise<void> {
    return (await this.#source()).disconnectMany(clientIds, options);
  }

  async ban(clientId: string, options: BanOptions): Promise<void> {
    return (await this.#source()).ban(clientId, options);
  }

  async subscribersOf(topic: string, options?: RequestOptions): Promise<SubscriberRef[]> {
    return (await this.#source()).subscribersOf(topic, options);
  }
}
