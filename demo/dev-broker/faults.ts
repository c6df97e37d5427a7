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
}

export function defaultFaults(env: NodeJS.ProcessEnv = {}): Faults {
  const list = (name: string) =>
    (env[name] ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return { kickFailures: list('DEV_KICK_FAILURES'), unreaped: list('DEV_UNREAPED') };
}

/** Applies a partial update from the control API; returns an error message for bad input. */
export function updateFaults(faults: Faults, body: unknown): string | undefined {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return 'expected a JSON object such as {"kickFailures": ["client-id"], "unreaped": []}';
  }
  const b = body as Record<string, unknown>;
  for (const key of ['kickFailures', 'unreaped'] as const) {
    if (!(key in b)) continue;
    const v = b[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) {
      return `${key}: expected an array of client IDs`;
    }
    faults[key] = v;
  }
  if ('listDelayMs' in b) {
    const ms = b['listDelayMs'];
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || ms > 60_000) {
      return 'listDelayMs: expected milliseconds from 0 to 60000';
    }
    faults.listDelayMs = ms;
  }
  return undefined;
}
