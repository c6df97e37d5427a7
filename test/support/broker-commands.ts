/** Browser-side wrappers of the dev-broker plugin's commands. */
import { executeServerCommand } from '@web/test-runner-commands';
import type { FleetClientSpec } from '../../demo/fleet.js';
import type { RequestLogEntry } from '../../demo/dev-broker/emqx-api.js';
import type { ApiFault } from '../../demo/dev-broker/faults.js';
import { EmqxSource } from '../../src/sources/emqx.js';

export interface BrokerInfo {
  id: string;
  apiUrl: string;
  wsUrl: string;
  apiKey: string;
  apiSecret: string;
  /** The dev broker's `viewer`-role API key: it may read, every action gets a 403. */
  viewerKey: string;
  viewerSecret: string;
}

export interface ClientState {
  connected: boolean;
  closes: number;
  connects: number;
}

/** A client that stays away once kicked (most tests want to see it go). */
export const plain = (clientId: string, extra: Partial<FleetClientSpec> = {}): FleetClientSpec => ({
  clientId,
  reconnect: false,
  ...extra,
});

export const startBroker = (options: { secondNode?: boolean } = {}) =>
  executeServerCommand<BrokerInfo, object>('broker-start', options);

/** Sets the dev broker's injected faults (e.g. kicks that fail); see demo/dev-broker/faults.ts. */
export const setFaults = (
  broker: BrokerInfo,
  faults: {
    kickFailures?: string[];
    unreaped?: string[];
    listDelayMs?: number;
    apiFaults?: ApiFault[];
    mqttRefuse?: string[];
  },
) => executeServerCommand('broker-faults', { broker: broker.id, faults });

/**
 * Restarts the dev broker: every MQTT connection and the API drop, and it comes back on the
 * same ports after `downMs`. Resolves once it is down, or with `wait` once it is back.
 */
export const restartBroker = (
  broker: BrokerInfo,
  options: { downMs?: number; wait?: boolean } = {},
) => executeServerCommand('broker-restart', { broker: broker.id, ...options });

/** The management API requests the dev broker saw (from `since`, epoch ms). */
export const requestsOf = (broker: BrokerInfo, since = 0) =>
  executeServerCommand<RequestLogEntry[], object>('broker-requests', { broker: broker.id, since });

/** Client IDs connected to the dev broker now. */
export const connectionsOf = (broker: BrokerInfo) =>
  executeServerCommand<string[], object>('broker-connections', { broker: broker.id });

/** The bans in force on the dev broker. */
export const bansOf = (broker: BrokerInfo) =>
  executeServerCommand<{ as: string; who: string; until: number }[], object>('broker-bans', {
    broker: broker.id,
  });

export const stopBroker = (broker: BrokerInfo) =>
  executeServerCommand('broker-stop', { broker: broker.id });

/** Connects real MQTT.js clients (in Node) to the test's broker; resolves once all are in. */
export const connectClients = (broker: BrokerInfo, clients: FleetClientSpec[]) =>
  executeServerCommand('mqtt-connect', { broker: broker.id, clients });

/** What a test client has seen: whether it is connected, how often it closed and connected. */
export const clientState = (broker: BrokerInfo, clientId: string) =>
  executeServerCommand<ClientState, object>('mqtt-client', { broker: broker.id, clientId });

/** A workspace source config for the test's broker. */
export const configFor = (broker: BrokerInfo) => ({
  kind: 'emqx' as const,
  baseUrl: broker.apiUrl,
  apiKey: broker.apiKey,
  apiSecret: broker.apiSecret,
});

/** An `EmqxSource` for the test's broker, straight to its API (the dev broker allows CORS). */
export const sourceFor = (broker: BrokerInfo, secret = broker.apiSecret) =>
  new EmqxSource({ baseUrl: broker.apiUrl, apiKey: broker.apiKey, apiSecret: secret });

/**
 * An `EmqxSource` with the dev broker's `viewer`-role API key; `role` says whether the source is
 * told so (it then reports `actions: false`) or finds out from the broker's 403s.
 */
export const viewerSourceFor = (broker: BrokerInfo, role?: 'viewer') =>
  new EmqxSource({
    baseUrl: broker.apiUrl,
    apiKey: broker.viewerKey,
    apiSecret: broker.viewerSecret,
    role,
  });
