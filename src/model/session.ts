/**
 * The one session model every broker payload is mapped onto.
 *
 * Fields the broker did not give are `undefined` (rendered as an em dash), never `0` or `false`.
 */

/** MQTT protocol version as people write it. */
export type ProtocolVersion = '3.1' | '3.1.1' | '5.0';

/** How the client's bytes reach the broker. */
export type Transport = 'TCP' | 'WebSocket' | 'QUIC';

/** One connected (or, for persistent sessions, remembered) MQTT client. */
export interface Session {
  /** Stable identity of this row: node and client ID (two nodes may hold the same client ID). */
  readonly key: string;
  /** The MQTT client identifier, exactly as the client sent it. */
  readonly clientId: string;
  /** The username as sent, including any `@org_...` suffix. */
  readonly username: string | undefined;
  /** The username without the organisation suffix, as the seed shows it. */
  readonly displayUsername: string | undefined;
  /** Workspace this session belongs to, where one applies. */
  readonly workspace: string | undefined;
  /** Broker node holding the connection. */
  readonly node: string | undefined;
  /** Whether the network connection is up (false for a remembered persistent session). */
  readonly connected: boolean | undefined;
  /** When the connection was established, epoch milliseconds. */
  readonly connectedAt: number | undefined;
  /** Client's source IP address. */
  readonly ip: string | undefined;
  /** Client's source port. */
  readonly port: number | undefined;
  /** MQTT version. */
  readonly protocol: ProtocolVersion | undefined;
  /** TCP, WebSocket or QUIC. */
  readonly transport: Transport | undefined;
  /** Whether the connection is encrypted. */
  readonly tls: boolean | undefined;
  /** The broker listener the client connected to (e.g. `tcp:default`). */
  readonly listener: string | undefined;
  /** Number of topic subscriptions. */
  readonly subscriptions: number | undefined;
  /** Clean session (3.1.1) / clean start (5.0). */
  readonly cleanSession: boolean | undefined;
  /** Keep-alive interval in seconds; 0 means none. */
  readonly keepAlive: number | undefined;
  /** Session expiry interval in seconds. */
  readonly expiryInterval: number | undefined;
  /** Messages waiting for delivery. */
  readonly queuedMessages: number | undefined;
  /** The most messages the broker queues for this session before dropping. */
  readonly queueMax: number | undefined;
  /** Messages dropped because the queue was full. */
  readonly queueDropped: number | undefined;
  /** QoS 1/2 messages sent and not yet acknowledged. */
  readonly inflight: number | undefined;
  /** The in-flight window. */
  readonly inflightMax: number | undefined;
  /** PUBLISH messages received from the client. */
  readonly recvMessages: number | undefined;
  /** PUBLISH messages sent to the client. */
  readonly sentMessages: number | undefined;
  /** Packets received from the client. */
  readonly recvPackets: number | undefined;
  /** Packets sent to the client. */
  readonly sentPackets: number | undefined;
  /** Bytes received from the client. */
  readonly recvBytes: number | undefined;
  /** Bytes sent to the client. */
  readonly sentBytes: number | undefined;
  /** RabbitMQ virtual host, where the broker has them. */
  readonly vhost?: string;
  /**
   * Only the client ID is known so far (a broker that lists IDs first, such as HiveMQ): the
   * other fields are still loading, and counts that depend on them are provisional. Only a
   * source with `hydrate` lists such sessions; the element looks for them only there.
   */
  readonly pending?: boolean;
}

/** One topic subscription of a session. */
export interface Subscription {
  readonly topic: string;
  readonly qos: 0 | 1 | 2 | undefined;
}

/** A session of which only the identity is known: every other field unknown (an em dash). */
export function unknownSession(key: string, clientId: string): Session {
  return {
    key,
    clientId,
    username: undefined,
    displayUsername: undefined,
    workspace: undefined,
    node: undefined,
    connected: undefined,
    connectedAt: undefined,
    ip: undefined,
    port: undefined,
    protocol: undefined,
    transport: undefined,
    tls: undefined,
    listener: undefined,
    subscriptions: undefined,
    cleanSession: undefined,
    keepAlive: undefined,
    expiryInterval: undefined,
    queuedMessages: undefined,
    queueMax: undefined,
    queueDropped: undefined,
    inflight: undefined,
    inflightMax: undefined,
    recvMessages: undefined,
    sentMessages: undefined,
    recvPackets: undefined,
    sentPackets: undefined,
    recvBytes: undefined,
    sentBytes: undefined,
  };
}

/** What renders for a value the broker did not give. */
export const UNKNOWN = '\u2014';

/**
 * The default organisation suffix: `@org_` and an ID at the end of the username.
 * An e-mail-like username (`ops@example.com`) keeps its domain.
 */
export const DEFAULT_USERNAME_SUFFIX = /@org_[A-Za-z0-9]+$/;

/** Removes the organisation suffix from a username (`mydevice@org_k7xm4pqr2n5t` → `mydevice`). */
export function stripUsernameSuffix(
  username: string | undefined,
  suffix: RegExp = DEFAULT_USERNAME_SUFFIX,
): string | undefined {
  if (username === undefined) return undefined;
  const stripped = username.replace(suffix, '');
  // A username that is only a suffix keeps its full form rather than becoming empty.
  return stripped === '' ? username : stripped;
}

/** Maps the MQTT protocol level byte (3, 4, 5) to the version people know. */
export function protocolFromLevel(level: unknown): ProtocolVersion | undefined {
  switch (level) {
    case 3:
      return '3.1';
    case 4:
      return '3.1.1';
    case 5:
      return '5.0';
    default:
      return undefined;
  }
}

/**
 * Transport and TLS from an EMQX listener ID (`tcp:default`, `ssl:default`, `ws:default`,
 * `wss:default`, `quic:default`). EMQX has no socket-type field: the listener type is the truth.
 */
export function transportFromListener(listener: string | undefined): {
  transport: Transport | undefined;
  tls: boolean | undefined;
} {
  const type = listener?.split(':', 1)[0]?.toLowerCase();
  switch (type) {
    case 'tcp':
      return { transport: 'TCP', tls: false };
    case 'ssl':
      return { transport: 'TCP', tls: true };
    case 'ws':
      return { transport: 'WebSocket', tls: false };
    case 'wss':
      return { transport: 'WebSocket', tls: true };
    case 'quic':
      return { transport: 'QUIC', tls: true };
    default:
      return { transport: undefined, tls: undefined };
  }
}

/**
 * The identity of a session row: source, node and client ID (two nodes, or two brokers, may each
 * hold the same client ID).
 */
export function sessionKey(node: string | undefined, clientId: string, sourceId = ''): string {
  // `join` makes one flat string; a template literal makes a rope of its parts, which every
  // later comparison and lookup of the key (each poll, for every session) would walk or copy.
  return [sourceId, node ?? '', clientId].join('\u0000');
}

/**
 * A byte count as `512 B`, `1.5 KiB`, `3.2 MiB`, the number in `locale`'s digits and decimal
 * sign (undefined: the runtime's locale).
 */
export function formatBytes(value: number | undefined, locale?: string): string {
  if (value === undefined) return UNKNOWN;
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = value;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const digits = i === 0 ? 0 : v < 10 ? 1 : 0;
  const text = numberFormat(locale, {
    minimumFractionDigits: digits,
    maximumFractionDigits: i === 0 ? 20 : digits,
    useGrouping: false,
  }).format(v);
  return `${text} ${units[i]}`;
}

/** Protocol cell text: `3.1.1`, `5.0`, `3.1.1 WebSocket`. */
export function formatProtocol(session: Pick<Session, 'protocol' | 'transport'>): string {
  const parts: string[] = [];
  if (session.protocol) parts.push(session.protocol);
  if (session.transport === 'WebSocket' || session.transport === 'QUIC') {
    parts.push(session.transport);
  }
  return parts.length ? parts.join(' ') : UNKNOWN;
}

/** `ip:port`, with brackets around an IPv6 address. */
export function formatAddress(ip: string | undefined, port: number | undefined): string {
  if (ip === undefined) return UNKNOWN;
  if (port === undefined) return ip;
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** A yes/no value, or an em dash when unknown. */
export function formatBoolean(value: boolean | undefined): string {
  return value === undefined ? UNKNOWN : value ? 'yes' : 'no';
}

const formats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<
  string,
  { format: Intl.DateTimeFormat | undefined; english: boolean }
>();

/** A cached `Intl.NumberFormat` (undefined locale: the runtime's). */
function numberFormat(locale: string | undefined, options?: Intl.NumberFormatOptions) {
  // Counts (no options) are asked for on every row painted: no key built for them.
  const key = options ? `n|${locale ?? ''}|${JSON.stringify(options)}` : (locale ?? '');
  let f = formats.get(key);
  if (!f) formats.set(key, (f = new Intl.NumberFormat(locale, options)));
  return f;
}

/** A number grouped as `locale` groups it (`12,345`, `12.345`), or an em dash when unknown. */
export function formatCount(value: number | undefined, locale?: string): string {
  return value === undefined ? UNKNOWN : numberFormat(locale).format(value);
}

/** A duration in seconds as `2 d 3 h`, `3 h 4 min`, `4 min 5 s` or `5 s`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  if (m > 0) return `${m} min ${s} s`;
  return `${s} s`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** How a time is written in a locale other than English: numeric, to the second, 24 hours. */
export const DATE_TIME_OPTIONS: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
};

/**
 * A time in the viewer's time zone, or an em dash when unknown: in English (and where `locale`
 * is undefined and the runtime's locale is English) as `YYYY-MM-DD HH:MM:SS`, otherwise as
 * `locale` writes a numeric date and time (`de-DE`: `05.04.2024, 15:04:05`).
 */
export function formatDateTime(ms: number | undefined, locale?: string): string {
  if (ms === undefined) return UNKNOWN;
  const d = new Date(ms);
  // Asked for every row painted: whether the locale is English is worked out once, without a
  // date format (one takes milliseconds to make): the locale as date formats support it, or the
  // runtime's own (as the cached number format resolved it). The format is made only for a
  // locale that is not English.
  let f = dateFormats.get(locale ?? '');
  if (!f) {
    const resolved =
      (locale === undefined ? undefined : Intl.DateTimeFormat.supportedLocalesOf(locale)[0]) ??
      numberFormat(undefined).resolvedOptions().locale;
    f = { format: undefined, english: resolved.toLowerCase().startsWith('en') };
    dateFormats.set(locale ?? '', f);
  }
  if (!f.english) {
    f.format ??= new Intl.DateTimeFormat(locale, DATE_TIME_OPTIONS);
    return f.format.format(d);
  }
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}
