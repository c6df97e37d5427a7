/**
 * What the RabbitMQ and HiveMQ sources say about themselves before they run: shared by their
 * classes and by `createSource`, whose sources answer these at once and load the class on their
 * first call (lazy-source.ts).
 */
import { safeForDisplay } from './http.js';
import type { SourceCapabilities } from './source.js';

export const RABBITMQ_CAPABILITIES: Readonly<SourceCapabilities> = Object.freeze({
  serverSearch: false,
  bulkDisconnect: false,
  banList: false,
  liveEvents: false,
  counts: true,
  lazyDetails: false,
});

export const HIVEMQ_CAPABILITIES: Readonly<SourceCapabilities> = Object.freeze({
  serverSearch: false,
  bulkDisconnect: false,
  banList: false,
  liveEvents: false,
  counts: false,
  lazyDetails: true,
});

/** The API's base URL as requests are made from it: without trailing slashes. */
export const trimmedBaseUrl = (baseUrl: string) => baseUrl.replace(/\/+$/, '');

/** A broker source's name in messages (`RabbitMQ at http://…`), never with the URL's user info. */
export const brokerLabel = (broker: 'RabbitMQ' | 'HiveMQ', baseUrl: string) =>
  `${broker} at ${safeForDisplay(trimmedBaseUrl(baseUrl))}`;

/**
 * A broker source's identity in session keys, unless given another: never the URL's user info,
 * since the id ends up in session keys and attributes.
 */
export const brokerSourceId = (baseUrl: string) => safeForDisplay(trimmedBaseUrl(baseUrl));
