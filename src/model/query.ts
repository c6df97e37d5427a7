/**
 * What the table shows: the sessions of a workspace, narrowed by filters and search, in the
 * chosen order. Pure functions, so a refresh re-applies the same view to fresh data.
 */
import { collationKey, collator, compareText } from './collation-key.js';
import { ipMatches } from './ip-filter.js';
import type { IpPattern } from './ip-match.js';
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

type TextColumn = 'clientId' | 'username' | 'workspace';

const textOf: Record<TextColumn, (s: Session) => string> = {
  clientId: (s) => s.clientId,
  username: (s) => s.displayUsername ?? '',
  workspace: (s) => s.workspace ?? '',
};

/** Collation keys per session object and text column, computed once (null: none). */
const keys: Record<TextColumn, WeakMap<Session, string | null>> = {
  clientId: new WeakMap(),
  username: new WeakMap(),
  workspace: new WeakMap(),
};

/** The collation key of a session's text in a column, computed once per session object. */
export function sortKeyOf(column: TextColumn, s: Session): string | undefined {
  return keyOrNull(column, s) ?? undefined;
}

/** `sortKeyOf`, with null for a text that has no key (only the collator can place it). */
function keyOrNull(column: TextColumn, s: Session): string | null {
  const cache = keys[column];
  let k = cache.get(s);
  if (k === undefined) {
    k = collationKey(textOf[column](s)) ?? null;
    cache.set(s, k);
  }
  return k;
}

/**
 * The collation keys of a list sorted by a text column here, in the list's order: a refresh
 * merges into it comparing keys it reads from an array, not looking each one up again (a
 * lookup per comparison, in a table of 100,000 sessions, was most of a refresh's merge).
 */
const keysOfSorted = new WeakMap<
  readonly Session[],
  { column: TextColumn; keys: readonly (string | null)[] }
>();

function compareTextOf(column: TextColumn, a: Session, b: Session): number {
  const textOfA = textOf[column](a);
  const textOfB = textOf[column](b);
  // The same text (a session and its next version, often): no key looked up or made.
  if (textOfA === textOfB) return 0;
  return compareText(textOfA, textOfB, sortKeyOf(column, a), sortKeyOf(column, b));
}

const isText = (column: SortColumn): column is TextColumn =>
  column === 'clientId' || column === 'username' || column === 'workspace';

const isOctet = (part: string) => /^\d{1,3}$/.test(part);

/** An IPv4-mapped IPv6 address sorts as its IPv4 address. */
const unmapped = (ip: string) => ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');

function compareIp(a: string, b: string): number {
  // IPv4 numerically, octet by octet; everything else (IPv6) after, as text.
  const pa = unmapped(a).split('.');
  const pb = unmapped(b).split('.');
  // Four numbers: IPv4. Anything else with three dots (a broker's odd value) sorts as text, so
  // the order stays an order (no NaN).
  const v4a = pa.length === 4 && pa.every(isOctet);
  const v4b = pb.length === 4 && pb.every(isOctet);
  if (v4a && v4b) {
    for (let i = 0; i < 4; i++) {
      const d = Number(pa[i]) - Number(pb[i]);
      if (d !== 0) return d;
    }
    return 0;
  }
  if (v4a) return -1;
  if (v4b) return 1;
  return compareText(a, b, collationKey(a), collationKey(b));
}

const PROTOCOL_RANK: Record<ProtocolVersion, number> = { '3.1': 0, '3.1.1': 1, '5.0': 2 };

function compareBy(column: SortColumn, a: Session, b: Session): number {
  switch (column) {
    case 'clientId':
    case 'username':
    case 'workspace':
      return compareTextOf(column, a, b);
    case 'connectedAt':
      return compareNumbers(known(a.connectedAt, 0), known(b.connectedAt, 0));
    case 'ip':
      return compareIp(a.ip ?? '', b.ip ?? '');
    case 'protocol':
      return (
        protocolRank(a.protocol) - protocolRank(b.protocol) ||
        (a.transport ?? '').localeCompare(b.transport ?? '')
      );
    case 'subscriptions':
      return compareNumbers(known(a.subscriptions, -1), known(b.subscriptions, -1));
  }
}

/**
 * A number, or `unknown` for none or for NaN (a broker's or an import's odd value): NaN compares
 * as neither less nor more, which is no order (a sort, its turning round and a merge would each
 * place it differently).
 */
const known = (n: number | undefined, unknown: number) =>
  n === undefined || Number.isNaN(n) ? unknown : n;

/** Two numbers in order, infinities too (their difference may be NaN). */
const compareNumbers = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

/** A protocol's rank; one this element does not know (an odd import) sorts as none. */
const protocolRank = (p: ProtocolVersion | undefined) =>
  p !== undefined && Object.hasOwn(PROTOCOL_RANK, p) ? PROTOCOL_RANK[p] : -1;

/**
 * Sorted copy. Unknown values sort first ascending; ties fall back to the client ID and then the
 * key, so the order is the same after every refresh whatever order the broker listed.
 */
export function sortSessions(
  sessions: readonly Session[],
  order: SortOrder | undefined,
): readonly Session[] {
  if (!order) return sessions;
  const last = lastSorts.get(sessions);
  if (last && last.order.column === order.column && last.order.direction !== order.direction) {
    const out = flipped(last.sorted, order.column);
    lastSorts.set(sessions, { order, sorted: out });
    return out;
  }
  const out = sortAnew(sessions, order);
  lastSorts.set(sessions, { order, sorted: out });
  return out;
}

/** Sessions per run sorted at once in `sortInSteps`, and per look at the clock. */
const RUN = 1024;

/**
 * `sortSessions`, a slice at a time: call the returned function with a `performance.now()` to
 * stop at; it returns the sorted copy once done (the very one `sortSessions` would, cached
 * alike), else undefined. For a large list, whose sort (80 ms and more at 100,000 sessions
 * here) would hold up frames: the values are made a slice at a time, runs of sessions sorted
 * each at once, then merged, a slice at a time. Turning a sorted list round, or sorting a short
 * one, is done at the first call.
 */
export function sortInSteps(
  sessions: readonly Session[],
  order: SortOrder | undefined,
): (until: number) => readonly Session[] | undefined {
  const n = sessions.length;
  const last = order && lastSorts.get(sessions);
  if (
    !order ||
    n <= RUN ||
    (last && last.order.column === order.column && last.order.direction !== order.direction)
  ) {
    let out: readonly Session[] | undefined;
    return () => (out ??= sortSessions(sessions, order));
  }
  const plan = sortPlan(sessions, order);
  let index: number[] = new Array(n);
  let spare: number[] = new Array(n);
  let made = 0;
  let ran = 0;
  // The merge under way: runs of `width` from `lo`, the one at `lo` and the next, read at
  // `i` and `j` into `spare` at `k`.
  let width = RUN;
  let lo = 0;
  let mid = 0;
  let hi = 0;
  let i = 0;
  let j = 0;
  let k = 0;
  let merging = false;
  let out: readonly Session[] | undefined;
  return (until) => {
    while (out === undefined) {
      if (made < n) {
        const end = Math.min(n, made + RUN);
        plan.prepare(made, end);
        for (let x = made; x < end; x++) index[x] = x;
        made = end;
      } else if (ran < n) {
        const end = Math.min(n, ran + RUN);
        const run = index.slice(ran, end).sort(plan.compare);
        for (let x = 0; x < run.length; x++) index[ran + x] = run[x]!;
        ran = end;
      } else if (width >= n) {
        out = plan.finish(index);
        lastSorts.set(sessions, { order: order, sorted: out });
        break;
      } else if (!merging && lo >= n) {
        // A pass done: the next merges runs twice as long.
        [index, spare] = [spare, index];
        width *= 2;
        lo = 0;
      } else {
        if (!merging) {
          mid = Math.min(n, lo + width);
          hi = Math.min(n, lo + 2 * width);
          i = lo;
          j = mid;
          k = lo;
          merging = true;
        }
        const stop = Math.min(hi, k + RUN);
        while (k < stop) {
          spare[k++] =
            i < mid && (j >= hi || plan.compare(index[i]!, index[j]!) <= 0)
              ? index[i++]!
              : index[j++]!;
        }
        if (k >= hi) {
          merging = false;
          lo = hi;
        }
      }
      if (performance.now() >= until) break;
    }
    return out;
  };
}

/**
 * The last sort of each list (while the list is kept): sorted again by the same column the other
 * way (a second click on a column's header), it is turned round rather than sorted again.
 */
const lastSorts = new WeakMap<
  readonly Session[],
  { order: SortOrder; sorted: readonly Session[] }
>();

/**
 * `sorted` (by `column`, either way) sorted by `column` the other way: its runs of sessions equal
 * in `column` in the opposite order, each run as it was (ties go by client ID and key, the same
 * way in both directions). O(n), one comparison of neighbours per session.
 */
function flipped(sorted: readonly Session[], column: SortColumn): readonly Session[] {
  const n = sorted.length;
  const known = isText(column) ? keysOfSorted.get(sorted) : undefined;
  const keys = known?.column === column ? known.keys : undefined;
  const tied = (i: number) => {
    const a = keys?.[i];
    const b = keys?.[i + 1];
    if (a != null && b != null) return a === b;
    return compareBy(column, sorted[i]!, sorted[i + 1]!) === 0;
  };
  const out: Session[] = new Array(n);
  const outKeys: (string | null)[] | undefined = keys ? new Array(n) : undefined;
  let w = 0;
  for (let end = n; end > 0;) {
    let start = end - 1;
    while (start > 0 && tied(start - 1)) start--;
    for (let i = start; i < end; i++) {
      if (outKeys) outKeys[w] = keys![i] ?? null;
      out[w++] = sorted[i]!;
    }
    end = start;
  }
  if (outKeys) keysOfSorted.set(out, { column: column as TextColumn, keys: outKeys });
  return out;
}

/**
 * An IPv4 address as one number that orders as `compareIp` does (octet by octet; an octet of up
 * to three digits, as `isOctet` takes, so each gets a thousand), or NaN for anything else.
 */
function ipv4Rank(ip: string): number {
  const parts = unmapped(ip).split('.');
  if (parts.length !== 4 || !parts.every(isOctet)) return NaN;
  return (
    ((Number(parts[0]) * 1000 + Number(parts[1])) * 1000 + Number(parts[2])) * 1000 +
    Number(parts[3])
  );
}

/**
 * Each transport's place in `localeCompare` order among those of `sessions` (equal places for
 * texts it finds equal): there are a handful, so they are compared once, not per comparison.
 */
function transportRanks(sessions: readonly Session[]): Map<string, number> {
  const seen = new Set<string>();
  for (const s of sessions) seen.add(s.transport ?? '');
  const distinct = [...seen].sort((a, b) => a.localeCompare(b));
  const ranks = new Map<string, number>();
  let rank = 0;
  distinct.forEach((t, i) => {
    if (i > 0 && distinct[i - 1]!.localeCompare(t) !== 0) rank++;
    ranks.set(t, rank);
  });
  return ranks;
}

/**
 * What a sort of `sessions` compares, made in `prepare` (in any slices, all before the first
 * comparison), the comparison of two sessions by their places in `sessions`, and the sorted
 * copy from the sorted places (`finish`).
 */
interface SortPlan {
  prepare(from: number, to: number): void;
  compare(i: number, j: number): number;
  finish(index: readonly number[]): readonly Session[];
}

function sortAnew(sessions: readonly Session[], order: SortOrder): readonly Session[] {
  const n = sessions.length;
  const plan = sortPlan(sessions, order);
  plan.prepare(0, n);
  const index: number[] = new Array(n);
  for (let i = 0; i < n; i++) index[i] = i;
  index.sort(plan.compare);
  return plan.finish(index);
}

function sortPlan(sessions: readonly Session[], order: SortOrder): SortPlan {
  // Each session's values are made once per sort, here, and the comparisons read them from
  // arrays: no session object is touched unless two tie (a comparison per session and a half
  // at 100,000 sessions, each reading two objects scattered in memory, was most of a sort).
  // Nor are they kept in the per-object cache (`sortKeyOf`), which took longer to fill for
  // 100,000 sessions than making the keys themselves. The order is `comparator(order)`'s.
  const { column } = order;
  const sign = order.direction === 'ascending' ? 1 : -1;
  const text = isText(column) ? column : undefined;
  const n = sessions.length;
  // The client IDs' keys break ties (null: none). Made in one pass where ties are many (few
  // values); in a column of nearly unique values (times, addresses), only when first needed:
  // making 100,000 took longer than the sort itself, and in the comparisons, in random order,
  // longer still for a column with many ties.
  const ids: (string | null)[] = new Array(n);
  const manyTies = column !== 'connectedAt' && column !== 'ip';
  const idOf = (i: number): string | null => {
    let id = ids[i];
    if (id === undefined) ids[i] = id = collationKey(sessions[i]!.clientId) ?? null;
    return id;
  };
  // A text column's collation keys (an IP's, for an address that is not IPv4).
  const own: (string | undefined)[] | undefined =
    text || column === 'ip' ? new Array(n) : undefined;
  // A number per session for the other columns (an IPv4 address's rank; NaN for another).
  const values = text ? undefined : new Float64Array(n);
  const transports = column === 'protocol' ? transportRanks(sessions) : undefined;
  const prepare = (from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const s = sessions[i]!;
      if (manyTies) ids[i] = collationKey(s.clientId) ?? null;
      switch (column) {
        case 'clientId':
          own![i] = idOf(i) ?? undefined;
          break;
        case 'username':
        case 'workspace':
          own![i] = collationKey(textOf[column](s));
          break;
        case 'connectedAt':
          values![i] = known(s.connectedAt, 0);
          break;
        case 'subscriptions':
          values![i] = known(s.subscriptions, -1);
          break;
        case 'protocol':
          // The rank first, the transport's place among the few there are after it.
          values![i] = protocolRank(s.protocol) * 1e6 + transports!.get(s.transport ?? '')!;
          break;
        case 'ip': {
          const rank = ipv4Rank(s.ip ?? '');
          values![i] = rank;
          if (Number.isNaN(rank)) own![i] = collationKey(s.ip ?? '');
          break;
        }
      }
    }
  };
  const primary = (i: number, j: number): number => {
    if (values === undefined) {
      const a = own![i];
      const b = own![j];
      if (a !== undefined && b !== undefined) return a < b ? -1 : a > b ? 1 : 0;
      return collator().compare(textOf[text!](sessions[i]!), textOf[text!](sessions[j]!));
    }
    const a = values[i]!;
    const b = values[j]!;
    if (column !== 'ip' || (a === a && b === b)) return compareNumbers(a, b);
    // IPv4 addresses first, the rest as text.
    if (a === a) return -1;
    if (b === b) return 1;
    return compareText(sessions[i]!.ip ?? '', sessions[j]!.ip ?? '', own![i], own![j]);
  };
  const compare = (i: number, j: number): number => {
    const first = sign * primary(i, j);
    if (first) return first;
    const idA = idOf(i);
    const idB = idOf(j);
    if (idA !== null && idB !== null && idA !== idB) return idA < idB ? -1 : 1;
    const a = sessions[i]!;
    const b = sessions[j]!;
    return (
      compareText(a.clientId, b.clientId, idA ?? undefined, idB ?? undefined) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)
    );
  };
  const finish = (index: readonly number[]): readonly Session[] => {
    const out: Session[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = sessions[index[i]!]!;
    if (text) {
      const outKeys: (string | null)[] = new Array(n);
      for (let i = 0; i < n; i++) outKeys[i] = own![index[i]!] ?? null;
      keysOfSorted.set(out, { column: text, keys: outKeys });
    }
    return out;
  };
  return { prepare, compare, finish };
}

/** The order of `sortSessions` as a comparator. */
export function comparator(order: SortOrder): (a: Session, b: Session) => number {
  const sign = order.direction === 'ascending' ? 1 : -1;
  return (a, b) =>
    sign * compareBy(order.column, a, b) ||
    compareTextOf('clientId', a, b) ||
    (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * A sorted list after a refresh, without sorting it all again: the sessions of `previous` that
 * are still in `current` (the same objects) keep their order, and `added` (sorted) is merged in
 * at places found by binary search: O(k log n) comparisons for k added, and one copy.
 *
 * What left is said either by a test of every session, or (`ReadonlySet`) as the objects that
 * left, which are found by binary search too when they are few.
 */
export function mergeSorted(
  previous: readonly Session[],
  stillThere: ((s: Session) => boolean) | ReadonlySet<Session>,
  added: readonly Session[],
  order: SortOrder,
): Session[] {
  const compare = keyedComparator(order);
  let list = previous;
  let before = compare.keysOf(previous);
  if (typeof stillThere !== 'function') {
    const swapped = swapInPlace(previous, before, stillThere, added, order.column, compare);
    if (swapped !== undefined) {
      if (swapped.gone.size === 0 && swapped.added.length === 0) {
        return compare.sorted(swapped.list, swapped.keys);
      }
      ({ list, keys: before, gone: stillThere, added } = swapped);
    }
  }
  const gone = stillThere;
  const kept =
    typeof gone === 'function'
      ? keep(list, before, gone)
      : (withoutFew(list, before, gone, compare) ?? keep(list, before, (s) => !gone.has(s)));
  if (added.length === 0) return compare.sorted(kept.list, kept.keys);
  const fresh = sortSessions(added, order);
  const freshKeys = compare.keysOf(fresh);
  // Made at their full length and filled in place: 100,000 pushes cost more than the merge.
  const out: Session[] = new Array(kept.list.length + fresh.length);
  const outKeys: (string | null)[] | undefined = kept.keys && new Array(out.length);
  let next = 0;
  let w = 0;
  const copyUpTo = (end: number) => {
    for (let i = next; i < end; i++, w++) {
      out[w] = kept.list[i]!;
      if (outKeys) outKeys[w] = kept.keys![i]!;
    }
    next = end;
  };
  for (let f = 0; f < fresh.length; f++) {
    const session = fresh[f]!;
    // The first kept session that sorts after it, searching only past the last one placed.
    const key = freshKeys?.[f];
    let lo = next;
    let hi = kept.list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(kept.list[mid]!, kept.keys?.[mid], session, key) <= 0) lo = mid + 1;
      else hi = mid;
    }
    copyUpTo(lo);
    out[w] = session;
    if (outKeys) outKeys[w] = key!;
    w++;
  }
  copyUpTo(kept.list.length);
  return compare.sorted(out, outKeys);
}

/**
 * Most of a poll's changes are sessions whose counters moved: a new object of the same key that
 * sorts exactly where the old one stood. Each such one takes the old one's place, found by
 * binary search, in one copy of the list; the keys are the same, and so is their array. What is
 * left (sessions that came or left, or moved in the order) is for the merge. Undefined when the
 * changes are not few.
 */
function swapInPlace(
  sorted: readonly Session[],
  keys: readonly (string | null)[] | undefined,
  gone: ReadonlySet<Session>,
  added: readonly Session[],
  column: SortColumn,
  compare: KeyedComparator,
): (Keyed & { gone: Set<Session>; added: Session[] }) | undefined {
  if (gone.size === 0 || added.length === 0 || gone.size * 64 > sorted.length) return undefined;
  // A key listed twice (which the store never hands over) is left to the merge: null.
  const byKey = new Map<string, Session | null>();
  for (const a of added) byKey.set(a.key, byKey.has(a.key) ? null : a);
  const list = sorted.slice();
  const left = new Set<Session>();
  const used = new Set<Session>();
  for (const g of gone) {
    const a = byKey.get(g.key);
    // The same key and client ID: the two sort alike when their values in the column do.
    if (a == null || used.has(a) || a.clientId !== g.clientId || compareBy(column, g, a) !== 0) {
      left.add(g);
      continue;
    }
    // Where the new version sorts is where the old one stands.
    const keyOfA = compare.keyOf(a);
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compare(sorted[mid]!, keys?.[mid], a, keyOfA) < 0) lo = mid + 1;
      else hi = mid;
    }
    // Not there (not in this view, say), or sorting alike with another key (text only the
    // collator can place, on one side): left for the merge.
    if (sorted[lo] !== g || (keys !== undefined && keys[lo] !== keyOfA)) {
      left.add(g);
      continue;
    }
    list[lo] = a;
    used.add(a);
  }
  return { list, keys, gone: left, added: added.filter((a) => !used.has(a)) };
}

/** A sorted list and, for a text column, its collation keys in the same order. */
interface Keyed {
  list: Session[];
  keys: readonly (string | null)[] | undefined;
}

/** The sessions of a sorted list that pass `test`, with their keys. */
function keep(
  sorted: readonly Session[],
  keys: readonly (string | null)[] | undefined,
  test: (s: Session) => boolean,
): Keyed {
  const list: Session[] = [];
  const kept: (string | null)[] | undefined = keys && [];
  for (let i = 0; i < sorted.length; i++) {
    if (!test(sorted[i]!)) continue;
    list.push(sorted[i]!);
    kept?.push(keys![i]!);
  }
  return { list, keys: kept };
}

/**
 * `comparator(order)` for many comparisons of sessions whose sort keys are known (read from the
 * arrays kept beside sorted lists; undefined: look it up). Sessions whose keys differ are
 * ordered by them alone; the rest (equal keys, text only the collator can place) by the full
 * comparator. Non-text columns have no keys and compare in full.
 */
type KeyedComparator = ((
  a: Session,
  keyOfA: string | null | undefined,
  b: Session,
  keyOfB: string | null | undefined,
) => number) & {
  /** A session's key (null: none); undefined for a column that sorts without keys. */
  keyOf: (s: Session) => string | null | undefined;
  /** The keys of a list sorted here, in its order, or undefined (also for non-text columns). */
  keysOf: (sorted: readonly Session[]) => readonly (string | null)[] | undefined;
  /** Remembers a merged list's keys for the next merge into it; gives back the list. */
  sorted: (list: Session[], keys: readonly (string | null)[] | undefined) => Session[];
};

function keyedComparator(order: SortOrder): KeyedComparator {
  const full = comparator(order);
  const { column } = order;
  if (!isText(column)) {
    return Object.assign((a: Session, _ka: unknown, b: Session) => full(a, b), {
      keyOf: () => undefined,
      keysOf: () => undefined,
      sorted: (list: Session[]) => list,
    });
  }
  const sign = order.direction === 'ascending' ? 1 : -1;
  return Object.assign(
    (
      a: Session,
      keyOfA: string | null | undefined,
      b: Session,
      keyOfB: string | null | undefined,
    ) => {
      const ka = keyOfA === undefined ? keyOrNull(column, a) : keyOfA;
      const kb = keyOfB === undefined ? keyOrNull(column, b) : keyOfB;
      if (ka !== null && kb !== null && ka !== kb) return ka < kb ? -sign : sign;
      return full(a, b);
    },
    {
      keyOf: (s: Session) => keyOrNull(column, s),
      keysOf: (sorted: readonly Session[]) => {
        const known = keysOfSorted.get(sorted);
        return known?.column === column ? known.keys : sorted.map((s) => keyOrNull(column, s));
      },
      sorted: (list: Session[], keys: readonly (string | null)[] | undefined) => {
        if (keys) keysOfSorted.set(list, { column, keys });
        return list;
      },
    },
  );
}

/**
 * `sorted` without the objects of `gone`, each found by binary search: no test of every
 * session. Undefined when `gone` is not few, or when one of them is not where its order puts it
 * (then only a test of every session is sure to find it). Those not in `sorted` at all (another
 * workspace, filtered out) must not sort equal to one that is: the order ends with the key, so
 * no two sessions do.
 */
function withoutFew(
  sorted: readonly Session[],
  keys: readonly (string | null)[] | undefined,
  gone: ReadonlySet<Session>,
  compare: KeyedComparator,
): Keyed | undefined {
  if (gone.size === 0) return { list: sorted.slice(), keys };
  if (gone.size * 64 > sorted.length) return undefined;
  const at: number[] = [];
  for (const g of gone) {
    const key = compare.keyOf(g);
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compare(sorted[mid]!, keys?.[mid], g, key);
      // Not a number: the order cannot be trusted to find it.
      if (c !== c) return undefined;
      if (c < 0) lo = mid + 1;
      else hi = mid;
    }
    if (sorted[lo] === g) at.push(lo);
    // Another session where it would stand, sorting the same (the same key twice): not sure.
    else if (lo < sorted.length && !(compare(sorted[lo]!, keys?.[lo], g, key) > 0)) {
      return undefined;
    }
  }
  at.sort((a, b) => a - b);
  const list: Session[] = new Array(sorted.length - at.length);
  const kept: (string | null)[] | undefined = keys && new Array(list.length);
  let from = 0;
  let w = 0;
  const copyUpTo = (end: number) => {
    for (let j = from; j < end; j++, w++) {
      list[w] = sorted[j]!;
      if (kept) kept[w] = keys![j]!;
    }
  };
  for (const i of at) {
    copyUpTo(i);
    from = i + 1;
  }
  copyUpTo(sorted.length);
  return { list, keys: kept };
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
