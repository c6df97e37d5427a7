/**
 * What the table shows: the sessions of a workspace, narrowed by filters and search, in the
 * chosen order. Pure functions, so a refresh re-applies the same view to fresh data.
 */
import { ipMatches, type IpPattern } from './ip-match.js';
import { searchSessions } from './search.js';
import type { ProtocolVersion, Session, Transport } from './session.js';

/** Filters that combine (AND) with each other and with search. */
export interface SessionFilters {
  node?: string;
  protocol?: ProtocolVersion;
  transport?: Transport;
  tls?: boolean;
  /** Any of these IPs or CIDR ranges (OR). */
  ip?: readonly IpPattern[];
}

export type SortColumn =
  'clientId' | 'username' | 'connectedAt' | 'ip' | 'protocol' | 'subscriptions' | 'workspace';

export interface SortOrder {
  column: SortColumn;
  direction: 'ascending' | 'descending';
}

export function filterSessions(
  sessions: readonly Session[],
  f: SessionFilters,
): readonly Session[] {
  const ip = f.ip?.filter((p) => p.ok) ?? [];
  if (
    f.node === undefined &&
    f.protocol === undefined &&
    f.transport === undefined &&
    f.tls === undefined &&
    ip.length === 0
  ) {
    return sessions;
  }
  return sessions.filter(
    (s) =>
      (f.node === undefined || s.node === f.node) &&
      (f.protocol === undefined || s.protocol === f.protocol) &&
      (f.transport === undefined || s.transport === f.transport) &&
      (f.tls === undefined || s.tls === f.tls) &&
      (ip.length === 0 || ipMatches(s.ip, ip)),
  );
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** An IPv4-mapped IPv6 address sorts as its IPv4 address. */
const unmapped = (ip: string) => ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

function compareIp(a: string, b: string): number {
  // IPv4 numerically, octet by octet; everything else (IPv6) after, as text.
  const pa = unmapped(a).split('.');
  const pb = unmapped(b).split('.');
  if (pa.length === 4 && pb.length === 4) {
    for (let i = 0; i < 4; i++) {
      const d = Number(pa[i]) - Number(pb[i]);
      if (d !== 0) return d;
    }
    return 0;
  }
  if (pa.length === 4) return -1;
  if (pb.length === 4) return 1;
  return collator.compare(a, b);
}

const PROTOCOL_RANK: Record<ProtocolVersion, number> = { '3.1': 0, '3.1.1': 1, '5.0': 2 };

function compareBy(column: SortColumn, a: Session, b: Session): number {
  switch (column) {
    case 'clientId':
      return collator.compare(a.clientId, b.clientId);
    case 'username':
      return collator.compare(a.displayUsername ?? '', b.displayUsername ?? '');
    case 'connectedAt':
      return (a.connectedAt ?? 0) - (b.connectedAt ?? 0);
    case 'ip':
      return compareIp(a.ip ?? '', b.ip ?? '');
    case 'protocol':
      return (
        (a.protocol ? PROTOCOL_RANK[a.protocol] : -1) -
          (b.protocol ? PROTOCOL_RANK[b.protocol] : -1) ||
        (a.transport ?? '').localeCompare(b.transport ?? '')
      );
    case 'subscriptions':
      return (a.subscriptions ?? -1) - (b.subscriptions ?? -1);
    case 'workspace':
      return collator.compare(a.workspace ?? '', b.workspace ?? '');
  }
}

/**
 * Sorted copy. Unknown values sort first ascending; ties fall back to the client ID and then the
 * key, so the order is the same after every refresh whatever order the broker listed.
 */
export function sortSessions(
  sessions: readonly Session[],
  order: SortOrder | undefined,
): readonly Session[] {
  if (!order) return sessions;
  return [...sessions].sort(comparator(order));
}

/** The order of `sortSessions` as a comparator. */
export function comparator(order: SortOrder): (a: Session, b: Session) => number {
  const sign = order.direction === 'ascending' ? 1 : -1;
  return (a, b) =>
    sign * compareBy(order.column, a, b) ||
    collator.compare(a.clientId, b.clientId) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * A sorted list after a refresh, without sorting it all again: the sessions of `previous` that
 * are still in `current` (the same objects) keep their order, and `added` (sorted) is merged in.
 * O(n) comparisons instead of O(n log n).
 */
export function mergeSorted(
  previous: readonly Session[],
  stillThere: (s: Session) => boolean,
  added: readonly Session[],
  order: SortOrder,
): Session[] {
  const compare = comparator(order);
  const fresh = [...added].sort(compare);
  const out: Session[] = [];
  let j = 0;
  for (const s of previous) {
    if (!stillThere(s)) continue;
    while (j < fresh.length && compare(fresh[j]!, s) < 0) out.push(fresh[j++]!);
    out.push(s);
  }
  while (j < fresh.length) out.push(fresh[j++]!);
  return out;
}

/** The whole view: workspace, filters, search, order. */
export function querySessions(
  sessions: readonly Session[],
  view: {
    workspace?: string;
    filters: SessionFilters;
    search: string;
    sort?: SortOrder;
    /** A further condition, such as a health filter. */
    match?: (session: Session) => boolean;
  },
): readonly Session[] {
  const { workspace, match } = view;
  const narrowed =
    workspace === undefined && !match
      ? sessions
      : sessions.filter(
          (s) => (workspace === undefined || s.workspace === workspace) && (!match || match(s)),
        );
  return sortSessions(
    searchSessions(filterSessions(narrowed, view.filters), view.search),
    view.sort,
  );
}
