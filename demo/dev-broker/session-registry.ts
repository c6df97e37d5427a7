/**
 * What the dev broker knows about each MQTT session, in the terms EMQX reports: aedes keeps no
 * connected-at time, listener or traffic counters, so the broker records them here.
 */
import type { Client } from 'aedes';
import type { TrafficCounters } from './traffic.js';

/** Facts about a connection known before the MQTT CONNECT arrives. */
export interface ConnectionInfo {
  listener: string;
  ip: string;
  port: number;
  counters: TrafficCounters;
}

/** One session, connected or (persistent and) disconnected. */
export interface SessionRecord extends ConnectionInfo {
  /** The node holding the session (EMQX's `node`). */
  node: string;
  clientId: string;
  username: string | null;
  protoName: string;
  protoVer: number;
  clean: boolean;
  keepalive: number;
  connectedAt: number;
  createdAt: number;
  disconnectedAt: number | undefined;
  /** The live aedes client, or undefined once disconnected. */
  client: Client | undefined;
}

/** Sessions by client ID, in connection order. */
export class SessionRegistry {
  readonly #records = new Map<string, SessionRecord>();

  all(): SessionRecord[] {
    return [...this.#records.values()];
  }

  get(clientId: string): SessionRecord | undefined {
    return this.#records.get(clientId);
  }

  /** A client finished connecting: it replaces whatever was recorded under its ID. */
  connected(record: SessionRecord): void {
    const previous = this.#records.get(record.clientId);
    if (previous && !record.clean) record.createdAt = previous.createdAt;
    // Re-insert so the list stays in connection order, as EMQX's does per node.
    this.#records.delete(record.clientId);
    this.#records.set(record.clientId, record);
  }

  /**
   * A client's connection ended. Only the current holder of the ID counts (a taken-over client
   * must not remove its successor). A persistent session stays, disconnected, unless `discard`.
   */
  disconnected(client: Client, at: number, discard: boolean): void {
    const record = this.#records.get(client.id);
    if (!record || record.client !== client) return;
    if (record.clean || discard) {
      this.#records.delete(client.id);
      return;
    }
    record.client = undefined;
    record.disconnectedAt = at;
  }

  /** Forgets a session entirely (a kick discards the session, as in EMQX). */
  delete(clientId: string): void {
    this.#records.delete(clientId);
  }
}
