import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LiveEvent } from '../../src/live/emqx-events.js';
import { LiveFeed, type LiveStatus } from '../../src/live/live-feed.js';

/** Credentials of the MQTT user allowed to read the broker's `$SYS` events. */
export interface LiveCredentials {
  username: string;
  password: string;
}

interface LiveConfig {
  url: string;
  credentials: LiveCredentials | undefined;
}

/**
 * Owns the live feed while `live` is on and the element is in the DOM: MQTT.js is loaded only
 * then, and a removed element leaves no socket behind.
 */
export class LiveController implements ReactiveController {
  /** Undefined while live updates are off. */
  status: LiveStatus | undefined;
  /** Why the feed is down, when it is. */
  detail: string | undefined;
  /** The feed's own MQTT client ID while it runs (the element does not list itself). */
  clientId: string | undefined;

  readonly #host: ReactiveControllerHost;
  readonly #onEvent: (event: LiveEvent) => void;
  readonly #onResync: () => void;
  readonly #onClientId: (clientId: string) => void;
  #config: LiveConfig | undefined;
  #feed: LiveFeed | undefined;
  #connected = false;

  constructor(
    host: ReactiveControllerHost,
    onEvent: (event: LiveEvent) => void,
    onResync: () => void,
    onClientId: (clientId: string) => void,
  ) {
    this.#host = host;
    this.#onEvent = onEvent;
    this.#onResync = onResync;
    this.#onClientId = onClientId;
    host.addController(this);
  }

  /** Turns the feed on (with a URL) or off (undefined); a changed URL or user restarts it. */
  configure(config: LiveConfig | undefined): void {
    const same =
      config?.url === this.#config?.url &&
      config?.credentials?.username === this.#config?.credentials?.username &&
      config?.credentials?.password === this.#config?.credentials?.password;
    if (same) return;
    this.#config = config;
    this.#stop();
    if (this.#connected) this.#start();
  }

  hostConnected(): void {
    this.#connected = true;
    this.#start();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#stop();
  }

  #start(): void {
    const config = this.#config;
    if (!config || this.#feed) return;
    const feed = new LiveFeed({
      url: config.url,
      username: config.credentials?.username,
      password: config.credentials?.password,
      onEvent: (event) => {
        if (this.#feed === feed) this.#onEvent(event);
      },
      onStatus: (status, detail) => {
        if (this.#feed !== feed) return;
        this.status = status;
        this.detail = detail;
        this.#host.requestUpdate();
      },
      onResync: () => {
        if (this.#feed === feed) this.#onResync();
      },
    });
    this.#feed = feed;
    this.clientId = feed.clientId;
    this.#onClientId(feed.clientId);
    void feed.start();
  }

  #stop(): void {
    this.#feed?.stop();
    this.#feed = undefined;
    this.clientId = undefined;
    this.status = undefined;
    this.detail = undefined;
    this.#host.requestUpdate();
  }
}
