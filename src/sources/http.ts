/**
 * The HTTP layer every broker's admin API goes through: base URL, credentials, timeouts, and
 * failures turned into typed `SourceError`s with a message a user can act on. A broker adapter
 * supplies how its error bodies read (`{code, message}`, `{error, reason}`, `{errors: [...]}`).
 */
import type { MessageValues, SourceMessageId } from './messages.js';
import { describeJson, isRecord } from '../model/json.js';
import { SourceError } from './source.js';

/** What a broker's error body says. */
/** What to check when the broker refuses the credentials, by the kind of credentials sent. */
const REFUSED = {
  'api-key': 'credentialsRefused',
  login: 'loginRefused',
  'rest-api': 'restCredentialsRefused',
  management: 'managementCredentialsRefused',
} as const satisfies Record<string, SourceMessageId>;

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
  /** Which credentials are sent: what a refusal tells the user to check (default `api-key`). */
  credentials?: 'api-key' | 'login' | 'rest-api' | 'management';
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

/** Longer request paths than this may be refused (EMQX's request line limit is 8,000 bytes). */
const LONG_URL = 8000;

/** A client ID quoted for a message: one line, at most 60 characters. */
export const quoteId = (clientId: string) => JSON.stringify(excerpt(clientId));

/**
 * A client ID as one URL path segment, or a `bad-request` error saying why it cannot be one:
 * `.` and `..` are path steps to every URL parser (even as `%2E`), and lone surrogates have no
 * UTF-8 form. Such an ID exists only in a broker's answer; the request would reach another URL.
 */
export function clientIdSegment(clientId: string, label: string): string {
  if (clientId === '.' || clientId === '..') {
    throw SourceError.of('bad-request', 'clientIdPathStep', { client: quoteId(clientId), label });
  }
  try {
    return encodeURIComponent(clientId);
  } catch {
    throw SourceError.of('bad-request', 'clientIdNotUnicode', { client: quoteId(clientId), label });
  }
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
    if (signal?.aborted) throw SourceError.of('aborted', 'cancelled');
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
      const error = this.transportError(cause, signal, timeout);
      // A URL too long for the broker: Node and some proxies close with a 431 or 414 the
      // browser cannot read (no CORS headers), which looks like a network failure.
      if (error.kind === 'network' && path.length > LONG_URL) {
        throw SourceError.of(
          'network',
          'urlTooLongToSend',
          {
            label: this.label,
            length: path.length.toLocaleString('en'),
            client: request.clientId === undefined ? undefined : quoteId(request.clientId),
          },
          { cause },
        );
      }
      throw error;
    }
    const secrets = credentialsIn(authorization, request.body);
    if (!res.ok) throw await this.httpError(res, request, secrets);
    // A 2xx body that is not JSON is quoted in the error: without what the request carried.
    this.#sentSecrets.set(res, secrets);
    return res;
  }

  /** Per answer, the credentials its request carried (see `credentialsIn`). */
  readonly #sentSecrets = new WeakMap<Response, string[]>();

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
      const [id, values] = notJson(
        this.label,
        res.status,
        redact(text, this.#sentSecrets.get(res) ?? []),
        res.headers.get('content-type'),
      );
      throw SourceError.of('invalid-response', id, values, { status: res.status, cause });
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
      throw SourceError.of('invalid-response', 'notAPage', {
        label: this.label,
        what,
        got: describeJson(body),
      });
    }
    return body as Record<string, unknown> & { items: unknown[] };
  }

  /** A request whose body does not matter (204s). */
  async send(method: string, path: string, request: HttpRequest = {}): Promise<void> {
    const res = await this.request(method, path, request);
    await res.body?.cancel();
  }

  transportError(cause: unknown, signal?: AbortSignal, timeout?: AbortSignal): SourceError {
    if (signal?.aborted) return SourceError.of('aborted', 'cancelled', {}, { cause });
    if (timeout?.aborted || (cause instanceof DOMException && cause.name === 'TimeoutError')) {
      const seconds = Math.round(this.timeoutMs / 1000);
      return SourceError.of('timeout', 'timeout', { label: this.label, seconds }, { cause });
    }
    return SourceError.of('network', 'unreachable', { label: this.label }, { cause });
  }

  /** `secrets`: what the request carried, never repeated from a broker that echoes it. */
  async httpError(
    res: Response,
    context: { clientId?: string } = {},
    secrets: readonly string[] = [],
  ): Promise<SourceError> {
    let said: BrokerErrorBody = {};
    let bodyText = '';
    try {
      bodyText = await res.text();
      const body: unknown = JSON.parse(bodyText);
      said = (this.#options.readError ?? readCodeAndMessage)(body);
      said = { code: redact(said.code, secrets), message: redact(said.message, secrets) };
    } catch {
      // A proxy's HTML error page or an empty body: the status says enough, and a page's title.
      // Redacted before it is shortened: a cut secret would no longer match.
      const title = htmlTitle(redact(bodyText, secrets));
      if (title) said = { message: `\u2014 an HTML page titled "${title}"` };
    }
    const status = res.status;
    const { code } = said;
    const text = [`HTTP ${status}`, code, said.message].filter(Boolean).join(' ');
    const retryAfterMs = retryAfter(res.headers.get('retry-after'));
    const details = { status, code, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
    const who = context.clientId !== undefined ? `Client ${quoteId(context.clientId)}` : '';
    const label = this.label;
    if (status === 401) {
      const id = REFUSED[this.#options.credentials ?? 'api-key'];
      return SourceError.of('auth', id, { label, text }, details);
    }
    if (status === 403) return SourceError.of('forbidden', 'forbidden', { label, text }, details);
    if (status === 404) {
      return who
        ? SourceError.of('not-found', 'notConnected', { who, text }, details)
        : SourceError.of('not-found', 'notFound', { label, text }, details);
    }
    if (status === 414 || status === 431) {
      return SourceError.of('bad-request', 'urlTooLong', { label, text, who }, details);
    }
    if (status === 429) {
      return SourceError.of('rate-limited', 'rateLimited', { label, text }, details);
    }
    if (status >= 500) return SourceError.of('server', 'serverFailed', { label, text }, details);
    return SourceError.of('bad-request', 'refused', { label, text }, details);
  }
}

/**
 * At most `max` characters of untrusted text on one line: control, zero-width and direction
 * characters become spaces, and anything that looks like credentials is elided.
 */
export function excerpt(text: string, max = 60): string {
  const line = text
    .slice(0, 4 * max)
    .replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\b(Basic|Bearer)\s+\S+/gi, '$1 \u2026')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = [...line];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}\u2026` : line;
}

const looksLikeHtml = (text: string, contentType: string | null) =>
  /^\s*(<!doctype html|<html|<head|<body|<title)/i.test(text.slice(0, 512)) ||
  /\bhtml\b/i.test(contentType ?? '');

/** The `<title>` of an HTML page (a proxy's error page, a login wall), shortened; or undefined. */
export function htmlTitle(text: string): string | undefined {
  if (!looksLikeHtml(text, null)) return undefined;
  const m = /<title[^>]*>([^<]{1,2000})<\/title/i.exec(text.slice(0, 65_536));
  if (!m) return undefined;
  const named: Record<string, string> = {
    amp: '&',
    lt: '<',
    gt: '>',
    quot: '"',
    apos: "'",
    nbsp: ' ',
    ndash: '\u2013',
    mdash: '\u2014',
  };
  const decoded = m[1]!.replace(/&(#x?[0-9a-f]{1,6}|[a-z]{2,5});/gi, (all, e: string) => {
    if (e[0] !== '#') return named[e.toLowerCase()] ?? all;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : all;
  });
  return excerpt(decoded, 80) || undefined;
}

/** Whether text opens as JSON and ends inside a string, object or array: a cut-off body. */
function endsMidJson(text: string): boolean {
  const start = text.search(/\S/);
  if (start < 0 || (text[start] !== '{' && text[start] !== '[')) return false;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      // A backslash escapes the next character.
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return inString || depth > 0;
}

/** What came back instead of JSON, in a short message without the body. */
function notJson(
  label: string,
  status: number,
  text: string,
  contentType: string | null,
): [SourceMessageId, MessageValues] {
  if (text.trim() === '') return ['emptyBody', { label, status }];
  if (looksLikeHtml(text, contentType)) {
    return ['htmlPage', { label, status, title: htmlTitle(text) || undefined }];
  }
  if (endsMidJson(text)) {
    return ['cutOffJson', { label, status, length: text.length.toLocaleString('en') }];
  }
  return ['notJson', { label, status, excerpt: excerpt(text) }];
}

/**
 * The credentials a request carried: the `Authorization` value, its token, and for HTTP Basic
 * the decoded `user:password` and password; a login body's password. Longest first.
 */
export function credentialsIn(authorization: string | undefined, body?: unknown): string[] {
  const out: string[] = [];
  if (authorization) {
    const token = authorization.replace(/^\S+\s+/, '');
    out.push(authorization, token);
    if (/^basic\s/i.test(authorization)) {
      try {
        const decoded = new TextDecoder().decode(
          Uint8Array.from(atob(token), (c) => c.charCodeAt(0)),
        );
        out.push(decoded, decoded.slice(decoded.indexOf(':') + 1));
      } catch {
        // Not Base64: the header and its token are kept out all the same.
      }
    }
  }
  if (isRecord(body) && typeof body['password'] === 'string') out.push(body['password']);
  return out.filter((x) => x.length > 0).sort((a, b) => b.length - a.length);
}

/** The text with every given secret replaced. */
export function redact<T extends string | undefined>(text: T, secrets: readonly string[]): T {
  if (text === undefined) return text;
  let out: string = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out as T;
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

/** `Retry-After` (seconds, or an HTTP date) in milliseconds from now; undefined if absent or unreadable. */
export function retryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Math.min(Number(text), 86_400) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, at - now), 86_400_000);
}

/** EMQX's error body: `{code, message}`. */
export function readCodeAndMessage(body: unknown): BrokerErrorBody {
  if (!isRecord(body)) return {};
  return {
    code: typeof body['code'] === 'string' ? body['code'] : undefined,
    message: typeof body['message'] === 'string' ? body['message'] : undefined,
  };
}
