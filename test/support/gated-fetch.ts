/**
 * A `fetch` for sources in browser tests that can hold chosen answers back, to line up races
 * exactly: `hold(match)` catches the next request that matches; the request reaches the broker
 * at once (the broker's answer reflects that moment) but its answer is handed over only on
 * `release()`. Like the real `fetch`, a held request rejects when its signal aborts.
 */
export interface HeldRequest {
  method: string;
  url: string;
  /** Resolves once the request has reached the broker and its answer is being held. */
  reached: Promise<void>;
  release(): void;
}

export interface GatedFetch {
  fetch: typeof globalThis.fetch;
  /** Holds the answer of the next request for which `match` returns true. */
  hold(match: (method: string, url: string) => boolean): HeldRequest;
  /** Every request made, as `METHOD path?query`. */
  log: string[];
}

export function gatedFetch(
  rewrite: (url: string, init: RequestInit) => RequestInit = (_url, init) => init,
): GatedFetch {
  const waiting: {
    match: (method: string, url: string) => boolean;
    held: HeldRequest;
    arrived: () => void;
    gate: Promise<void>;
  }[] = [];
  const log: string[] = [];
  const fetchFn: typeof globalThis.fetch = async (input, init = {}) => {
    const url = String(input instanceof Request ? input.url : input);
    const method = (init.method ?? 'GET').toUpperCase();
    const u = new URL(url);
    log.push(`${method} ${u.pathname}${u.search}`);
    const i = waiting.findIndex((w) => w.match(method, url));
    const w = i >= 0 ? waiting.splice(i, 1)[0] : undefined;
    const res = await globalThis.fetch(input, rewrite(url, init));
    if (!w) return res;
    // Read the body now: it is the broker's answer of this moment.
    const body = await res.arrayBuffer();
    w.arrived();
    const signal = init.signal;
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new DOMException('The operation was aborted.', 'AbortError'));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      void w.gate.then(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
    const empty = res.status === 204 || res.status === 205 || res.status === 304;
    return new Response(empty ? null : body, {
      status: res.status,
      statusText: res.statusText,
      headers: res.headers,
    });
  };
  return {
    fetch: fetchFn,
    log,
    hold(match) {
      let release!: () => void;
      let arrived!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      const reached = new Promise<void>((r) => (arrived = r));
      const held: HeldRequest = { method: '', url: '', reached, release: () => release() };
      waiting.push({ match, held, arrived, gate });
      return held;
    },
  };
}

/** Whether a URL is one of EMQX's client-list requests (`/clients_v2` or `/clients?`). */
export const isList = (method: string, url: string) =>
  method === 'GET' && /\/clients(_v2)?\?/.test(url);
