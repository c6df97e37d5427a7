/**
 * Follows a broker's connect/disconnect events over MQTT (WebSocket in a browser). MQTT.js is
 * loaded on demand, only when live updates are on. The feed reconnects with backoff and jitter,
 * says when it is down, and asks for a resynchronising poll after every gap, since events sent
 * while it was away are lost (they are not retained).
 */
import type { MqttClient } from 'mqtt';
import { EMQX_EVENT_TOPICS, parseEmqxEvent, type LiveEvent } from './emqx-events.js';
import { importMqtt } from './load-mqtt.js';

export type LiveStatus = 'connecting' | 'live' | 'down';

export interface LiveFeedOptions {
  /** The broker's MQTT-over-WebSocket URL, e.g. `ws://127.0.0.1:8083/mqtt`. */
  url: string;
  username?: string;
  password?: string;
  onEvent(event: LiveEvent): void;
  onStatus(status: LiveStatus, detail?: string): void;
  /** Called each time the feed is (again) subscribed: poll now to catch what was missed. */
  onResync(): void;
  /** Loads MQTT.js; injectable for a bundle that ships it beside the element. */
  loadMqtt?: () => Promise<{ connect: (url: string, options: object) => MqttClient }>;
}

const FIRST_RETRY_MS = 1000;
const LONGEST_RETRY_MS = 30_000;

async function defaultLoadMqtt() {
  const mod = (await importMqtt()) as {
    connect?: (url: string, options: object) => MqttClient;
    default?: { connect: (url: string, options: object) => MqttClient };
  };
  const connect = mod.connect ?? mod.default?.connect;
  if (!connect) throw new Error('MQTT.js did not load');
  return { connect };
}

export class LiveFeed {
  /** This feed's own MQTT client ID: a session on the broker like any other. */
  readonly clientId = `cs-active-sessions-live-${Math.random().toString(16).slice(2, 10)}`;
  #client: MqttClient | undefined;
  #stopped = false;
  #retryMs = FIRST_RETRY_MS;
  readonly #options: LiveFeedOptions;

  constructor(options: LiveFeedOptions) {
    this.#options = options;
  }

  async start(): Promise<void> {
    const o = this.#options;
    o.onStatus('connecting');
    let connect;
    try {
      ({ connect } = await (o.loadMqtt ?? defaultLoadMqtt)());
    } catch (error) {
      o.onStatus('down', `could not load MQTT.js: ${String(error)}`);
      return;
    }
    if (this.#stopped) return;
    const client = connect(o.url, {
      // Named so an operator who sees it elsewhere knows what it is.
      clientId: this.clientId,
      username: o.username,
      password: o.password,
      clean: true,
      keepalive: 30,
      connectTimeout: 10_000,
      reconnectPeriod: FIRST_RETRY_MS,
    });
    this.#client = client;
    client.on('connect', () => {
      this.#retryMs = FIRST_RETRY_MS;
      client.options.reconnectPeriod = FIRST_RETRY_MS;
      client.subscribe(EMQX_EVENT_TOPICS, { qos: 0 }, (error, granted) => {
        if (this.#stopped) return;
        const refused = error || granted?.some((g) => g.qos === 128);
        if (refused) {
          o.onStatus(
            'down',
            'the broker refused the event topics to this user (only its dashboard user may read $SYS)',
          );
          this.stop();
          return;
        }
        o.onStatus('live');
        // Events are not retained: whatever happened before this subscription (the first one
        // included, since the last poll) is only in a fresh poll.
        o.onResync();
      });
    });
    client.on('message', (topic, payload) => {
      const event = parseEmqxEvent(topic, payload);
      if (event) o.onEvent(event);
    });
    client.on('close', () => {
      if (this.#stopped) return;
      o.onStatus('down', 'the connection to the broker closed; reconnecting');
      // Back off: 1 s, 2 s, 4 s ... 30 s, each with ±25 % jitter so many viewers spread out.
      this.#retryMs = Math.min(LONGEST_RETRY_MS, this.#retryMs * 2);
      client.options.reconnectPeriod = Math.round(this.#retryMs * (0.75 + Math.random() * 0.5));
    });
    client.on('error', (error) => {
      if (!this.#stopped) o.onStatus('down', error.message);
    });
  }

  stop(): void {
    this.#stopped = true;
    this.#client?.end(true);
    this.#client = undefined;
  }
}
