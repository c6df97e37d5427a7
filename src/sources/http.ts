/**
 * The HTTP layer every broker's admin API goes through: base URL, credentials, timeouts, and
 * failures turned into typed `SourceError`s with a message a user can act on. A broker adapter
 * supplies how its error bodies read (`{code, message}`, `{error, reason}`, `{errors: [...]}`).
 */
import { isRecord } from '../model/json.js';
import { SourceError } from './source.js';

/** What a broker's error body says. */
export interface BrokerErrorBody {
  code?: string;
  message?: string;
}

export interface HttpApiOptions {
  baseUrl: string;
  /** The API as messages name it (`EMQX at /api/v5`); never holds a secret. */
  label: string;
  /** The `Authorization` header value, or undefined when a proxy adds credentials. */
  authorization?: (signal: AbortSignal | undefined) => Promise<string | undefined>;
  fetch?: typeof globalThis.fetch;
  timeoutMs?: number;
  /** Reads the broker's error body. */
  readError?: (body: unknown) => BrokerErrorBody;
  /** What to check when credentials are refused (`the API key and secret`). */
  credentialsHint?: string;
}

export interface HttpRequest {
  signal?: AbortSignal;
  /** The client the request is about, for messages such as "Client "x" is not connected". */
  clientId?: string;
  /** JSON body. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** The URL without user info, query or fragment, which could hold credentials. */
export function safeForDisplay(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1').replace(/[?#].*$/, '');
}

/** UTF-8 then Base64, as HTTP Basic credentials are sent. */
export function base64Utf8(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** `Basic …` for a user and password. */
export const basicAuthorization = (user: string, password = '') =>
  `Basic ${base64Utf8(`${user}:${password}`)}`;

export class HttpApi {
  readonly baseUrl: string;
  readonly label: string;
  readonly #options: HttpApiOptions;
  readonly #fetch: typeof globalThis.fetch;
  readonly timeoutMs: number;

  constructor(options: HttpApiOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.label = options.label;
    this.#options = options;
    const f = options.fetch ?? globalThis.fetch;
    this.#fetch = (input, init) => f(input, init);
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  /** A request whose answer must be 2xx; anything else throws a `SourceError`. */
  async request(method: string, path: string, request: HttpRequest = {}): Promise<Response> {
    const { signal } = request;
    if (signal?.aborted) throw new SourceError('aborted', 'The request was cancelled.');
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    let authorization: string | undefined;
    try {
      authorization = await this.#options.authorization?.(signal);
    } catch (e) {
      if (e instanceof SourceError) throw e;
      throw this.transportError(e, signal, timeout);
    }
    if (authorization) headers['authorization'] = authorization;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.#fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal: combined,
        // With our own Authorization header, send no cookies: a 401 then never opens the
        // browser's login prompt (which would hang an extension page whose broker is granted).
        credentials: authorization ? 'omit' : 'same-origin',
      });
    } catch (cause) {
      throw this.transportError(cause, signal, timeout);
    }
    if (!res.ok) throw await this.httpError(res, request);
    return res;
  }

  /** A request whose answer is JSON. */
  async json(method: string, path: string, request: HttpRequest = {}): Promise<unknown> {
    const res = await this.request(method, path, request);
    let text: string;
    try {
      text = await res.text();
    } catch (cause) {
      throw this.transportError(cause, request.signal);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new SourceError(
        'invalid-response',
        `${this.label} answered with a body that is not JSON (HTTP ${res.status}).`,
        { status: res.status, cause },
      );
    }
  }

  /**
   * A GET whose answer is a page, `{items: [...], ...}` (RabbitMQ, HiveMQ): the page, or an
   * `invalid-response` naming `what` was asked for.
   */
  async page(
    path: string,
    request: HttpRequest,
    what: string,
  ): Promise<Record<string, unknown> & { items: unknown[] }> {
    const body = await this.json('GET', path, request);
    if (!isRecord(body) || !Array.isArray(body['items'])) {
      throw new SourceError(
        'invalid-response',
        `${this.label} answered ${what} with something that is not a page.`,
      );
    }
    return body as Record<string, unknown> & { items: unknown[] };
  }

  /** A request whose body does not matter (204s). */
  async send(method: string, path: string, request: HttpRequest = {}): Promise<void> {
    const res = await this.request(method, path, request);
    await res.body?.cancel();
  }

  transportError(cause: unknown, signal?: AbortSignal, timeout?: AbortSignal): SourceError {
    if (signal?.aborted) return new SourceError('aborted', 'The request was cancelled.', { cause });
    if (timeout?.aborted || (cause instanceof DOMException && cause.name === 'TimeoutError')) {
      return new SourceError(
        'timeout',
        `${this.label} did not answer within ${Math.round(this.timeoutMs / 1000)} s.`,
        { cause },
      );
    }
    return new SourceError(
      'network',
      `Could not reach ${this.label}: check the URL and that the broker (or its proxy) is running.`,
      { cause },
    );
  }

  async httpError(res: Response, context: { clientId?: string } = {}): Promise<SourceError> {
    let said: BrokerErrorBody = {};
    try {
      const body: unknown = JSON.parse(await res.text());
      said = (this.#options.readError ?? readCodeAndMessage)(body);
    } catch {
      // A proxy's HTML error page or an empty body: the status says enough.
    }
    const status = res.status;
    const { code } = said;
    const text = [`HTTP ${status}`, code, said.message].filter(Boolean).join(' ');
    const details = { status, code };
    const who = context.clientId !== undefined ? `Client ${JSON.stringify(context.clientId)}` : '';
    if (status === 401) {
      return new SourceError(
        'auth',
        `${this.label} refused the credentials (${text}). Check ${this.#options.credentialsHint ?? 'the API key and secret'}.`,
        details,
      );
    }
    if (status === 403) {
      return new SourceError(
        'forbidden',
        `${this.label} does not allow these credentials to do that (${text}).`,
        details,
      );
    }
    if (status === 404) {
      return new SourceError(
        'not-found',
        who ? `${who} is not connected any more (${text}).` : `${this.label}: not found (${text}).`,
        details,
      );
    }
    if (status === 429) {
      return new SourceError(
        'rate-limited',
        `${this.label} is rate-limiting requests (${text}).`,
        details,
      );
    }
    if (status >= 500) {
      return new SourceError('server', `${this.label} failed to answer (${text}).`, details);
    }
    return new SourceError('bad-request', `${this.label} refused the request (${text}).`, details);
  }
}

/** An API that takes a user and password as HTTP Basic (none: a proxy adds credentials). */
export function basicApi(
  options: Omit<HttpApiOptions, 'authorization'> & { username?: string; password?: string },
): HttpApi {
  const { username, password, ...rest } = options;
  const authorization =
    username !== undefined ? basicAuthorization(username, password ?? '') : undefined;
  return new HttpApi({ ...rest, authorization: async () => authorization });
}

/** EMQX's error body: `{code, message}`. */
export function readCodeAndMessage(body: unknown): BrokerErrorBody {
  if (!isRecord(body)) return {};
  return {
    code: typeof body['code'] === 'string' ? body['code'] : undefined,
    message: typeof body['message'] === 'string' ? body['message'] : undefined,
  };
}
