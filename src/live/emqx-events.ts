/**
 * EMQX's client lifecycle events over MQTT: `$SYS/brokers/<node>/clients/<clientid>/connected`
 * and `.../disconnected`, JSON payloads as in `shared/docs/brokers.md`.
 */

/**
 * The topics to subscribe to (the dashboard user may read `$SYS/#`). Not `clients/+/connected`:
 * a client ID may hold `/`, and `+` matches one level, so that would miss its events; the
 * parser below keeps only `connected` and `disconnected`.
 */
export const EMQX_EVENT_TOPICS = ['$SYS/brokers/+/clients/#'];

export interface LiveEvent {
  kind: 'connected' | 'disconnected';
  node: string;
  clientId: string;
  /** The event's JSON payload. */
  payload: Record<string, unknown>;
  /** Why it disconnected (`normal`, `kicked`, `takenover`, `keepalive_timeout`, `discarded`...). */
  reason: string | undefined;
}

/**
 * Reads one event; undefined for anything else. A client ID may itself hold `/`, so the topic's
 * middle levels are joined, and the payload's `clientid` wins when present.
 */
export function parseEmqxEvent(topic: string, payload: Uint8Array | string): LiveEvent | undefined {
  const levels = topic.split('/');
  if (
    levels.length < 6 ||
    levels[0] !== '$SYS' ||
    levels[1] !== 'brokers' ||
    levels[3] !== 'clients'
  ) {
    return undefined;
  }
  const kind = levels.at(-1);
  if (kind !== 'connected' && kind !== 'disconnected') return undefined;
  let body: unknown;
  try {
    body = JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload));
  } catch {
    return undefined;
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const p = body as Record<string, unknown>;
  const clientId =
    typeof p['clientid'] === 'string' ? p['clientid'] : levels.slice(4, -1).join('/');
  return {
    kind,
    node: levels[2]!,
    clientId,
    payload: p,
    reason: typeof p['reason'] === 'string' ? p['reason'] : undefined,
  };
}
