/**
 * Fault injection and fleet steering for tests and demo buttons: set at start from the
 * environment or at run time through `PUT /dev/faults` on the management port.
 */
export interface Faults {
  /** Client IDs whose kick fails: `DELETE /clients/{id}` answers 500, the bulk kick skips them. */
  kickFailures: string[];
  /**
   * Client IDs the broker never reaps by keep-alive, like a broker that missed a half-open
   * connection: a client that goes silent stays listed as connected.
   */
  unreaped: string[];
  /** Milliseconds each client-list page waits before it answers (a slow, busy broker). */
  listDelayMs?: number;
  /**
   * Milliseconds a kick takes to land after the API has answered it: the client stays
   * connected and listed that long, as on a busy broker that closes the connection later.
   */
  kickDelayMs?: number;
  /**
   * Management API answers to break, first match first: an error status with an EMQX-shaped
   * body, a hang, or both, for some paths and methods, a number of times (then healthy again).
   */
  apiFaults?: ApiFault[];
  /**
   * Client ID prefixes whose MQTT connections are dropped: those connected when it is set, and
   * every CONNECT from then on (closed with no CONNACK), like a network path that keeps failing.
   */
  mqttRefuse?: string[];
}

/** One injected management API fault. */
export interface ApiFault {
  /** The status to answer: 401, 403, 404, 429, 500, 502 or 503. None: answer normally (after `hangMs`). */
  status?: number;
  /**
   * Which request paths (as `/api/v5/clients_v2`): exact, or a prefix ending in `*`
   * (`/api/v5/clients/*`). Default: every API path (never `/dev/`).
   */
  path?: string;
  /** Which method (`GET`, `DELETE`, ...); default every method. */
  method?: string;
  /** How many matching requests it hits before it lifts; default until it is cleared. */
  times?: number;
  /** Milliseconds with no answer at all before the status (or the normal answer) is sent. */
  hangMs?: number;
  /** Seconds for a `Retry-After` header (429 and 503). */
  retryAfter?: number;
  /** The body's `code` and `message`; EMQX's own for the status by default. */
  code?: string;
  message?: string;
}

/** Statuses an API fault may answer. */
export const FAULT_STATUSES = [401, 403, 404, 429, 500, 502, 503] as const;

const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];

export function defaultFaults(env: NodeJS.ProcessEnv = {}): Faults {
  const list = (name: string) =>
    (env[name] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return { kickFailures: list('DEV_KICK_FAILURES'), unreaped: list('DEV_UNREAPED') };
}

/** Why an API fault is not valid, or undefined. */
function apiFaultError(f: unknown, i: number): string | undefined {
  const at = `apiFaults[${i}]`;
  if (f === null || typeof f !== 'object' || Array.isArray(f)) {
    return `${at}: expected an object such as {"status": 503, "path": "/api/v5/clients_v2", "times": 2}`;
  }
  const o = f as Record<string, unknown>;
  const known = ['status', 'path', 'method', 'times', 'hangMs', 'retryAfter', 'code', 'message'];
  const unknown = Object.keys(o).find((k) => !known.includes(k));
  if (unknown !== undefined) return `${at}: unknown field ${JSON.stringify(unknown)}`;
  if (o['status'] === undefined && o['hangMs'] === undefined) {
    return `${at}: expected a status, a hangMs or both`;
  }
  if (o['status'] !== undefined && !(FAULT_STATUSES as readonly unknown[]).includes(o['status'])) {
    return `${at}.status: expected one of ${FAULT_STATUSES.join(', ')}`;
  }
  if (o['path'] !== undefined && (typeof o['path'] !== 'string' || !o['path'].startsWith('/'))) {
    return `${at}.path: expected a path such as "/api/v5/clients_v2" or "/api/v5/clients/*"`;
  }
  if (o['method'] !== undefined && !METHODS.includes(o['method'] as string)) {
    return `${at}.method: expected one of ${METHODS.join(', ')}`;
  }
  const count = (key: string, min: number, max: number, what: string) => {
    const v = o[key];
    if (v === undefined) return undefined;
    return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max
      ? undefined
      : `${at}.${key}: expected ${what} from ${min} to ${max}`;
  };
  const bad =
    count('times', 1, 1_000_000, 'a whole number') ??
    count('hangMs', 0, 120_000, 'milliseconds') ??
    count('retryAfter', 0, 3600, 'seconds');
  if (bad) return bad;
  for (const key of ['code', 'message']) {
    if (o[key] !== undefined && typeof o[key] !== 'string') return `${at}.${key}: expected text`;
  }
  return undefined;
}

/** Applies a partial update from the control API; returns an error message for bad input. */
export function updateFaults(faults: Faults, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return 'expected a JSON object such as {"kickFailures": ["client-id"], "unreaped": []}';
  }
  const b = body as Record<string, unknown>;
  // Check everything before changing anything: a bad update changes nothing.
  for (const key of ['kickFailures', 'unreaped', 'mqttRefuse'] as const) {
    if (!(key in b)) continue;
    const v = b[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      return key === 'mqttRefuse'
        ? 'mqttRefuse: expected an array of client ID prefixes'
        : `${key}: expected an array of client IDs`;
    }
  }
  for (const key of ['listDelayMs', 'kickDelayMs'] as const) {
    if (!(key in b)) continue;
    const ms = b[key];
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 60_000) {
      return `${key}: expected milliseconds from 0 to 60000`;
    }
  }
  if ('apiFaults' in b) {
    const v = b['apiFaults'];
    if (!Array.isArray(v)) return 'apiFaults: expected an array of faults ([] clears them)';
    for (let i = 0; i < v.length; i++) {
      const error = apiFaultError(v[i], i);
      if (error) return error;
    }
  }
  for (const key of ['kickFailures', 'unreaped', 'mqttRefuse'] as const) {
    if (key in b) faults[key] = [...(b[key] as string[])];
  }
  if ('listDelayMs' in b) faults.listDelayMs = b['listDelayMs'] as number;
  if ('kickDelayMs' in b) faults.kickDelayMs = b['kickDelayMs'] as number;
  if ('apiFaults' in b) faults.apiFaults = (b['apiFaults'] as ApiFault[]).map((f) => ({ ...f }));
  return undefined;
}

/** Whether MQTT connections of this client ID are to be dropped (`mqttRefuse`). */
export function isRefused(faults: Faults, clientId: string): boolean {
  return faults.mqttRefuse?.some((prefix) => clientId.startsWith(prefix)) ?? false;
}

const pathMatches = (pattern: string | undefined, path: string) =>
  pattern === undefined
    ? path.startsWith('/api/')
    : pattern.endsWith('*')
      ? path.startsWith(pattern.slice(0, -1))
      : path === pattern;

/**
 * The API fault that hits this request, if any; counts it, and lifts a fault whose `times`
 * are used up (so the API is healthy again).
 */
export function takeApiFault(faults: Faults, method: string, path: string): ApiFault | undefined {
  const list = faults.apiFaults;
  if (!list?.length || path.startsWith('/dev/')) return undefined;
  const i = list.findIndex(
    (f) => (f.method === undefined || f.method === method) && pathMatches(f.path, path),
  );
  if (i < 0) return undefined;
  const fault = list[i]!;
  if (fault.times !== undefined) {
    fault.times--;
    if (fault.times <= 0) list.splice(i, 1);
  }
  return fault;
}

/** EMQX's code and message for an injected status (a proxy's for 502). */
export function faultBody(fault: ApiFault, path: string): { code: string; message: string } {
  const status = fault.status ?? 500;
  const byStatus: Record<number, [string, string]> = {
    401: ['BAD_API_KEY_OR_SECRET', 'Check api_key/api_secret'],
    403: ['UNAUTHORIZED_ROLE', "This API Key don't have permission to access this resource"],
    404: /^\/api\/v5\/clients\/[^/]+$/.test(path)
      ? ['CLIENTID_NOT_FOUND', 'Client ID not found']
      : ['NOT_FOUND', 'Request path not found'],
    429: ['TOO_MANY_REQUESTS', 'Rate limit exceeded'],
    500: ['INTERNAL_ERROR', 'Internal error (injected fault)'],
    502: ['BAD_GATEWAY', 'Bad gateway (injected fault)'],
    503: ['SERVICE_UNAVAILABLE', 'Service unavailable (injected fault)'],
  };
  const [code, message] = byStatus[status] ?? ['INTERNAL_ERROR', 'Injected fault'];
  return { code: fault.code ?? code, message: fault.message ?? message };
}
