/**
 * IP and CIDR matching for filters (IPv4 and IPv6), on ipaddr.js: a well-kept parser that knows
 * IPv4-mapped IPv6 (`::ffff:10.0.0.1`), zone IDs and every shorthand, which hand-written code gets
 * wrong.
 */
import ipaddr from 'ipaddr.js';

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** A parsed IP or CIDR filter, or an error message for the user. */
export type IpPattern =
  { ok: true; text: string; range: [Address, number] } | { ok: false; text: string; error: string };

function normalize(address: Address): Address {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/**
 * Whether the address part is written the way people write addresses: ipaddr.js also accepts
 * legacy IPv4 forms (`10.0.0`, `0x0a.0.0.1`) that an operator would only type by mistake.
 */
function isPlainAddress(text: string): boolean {
  return text.includes(':') ? ipaddr.IPv6.isValid(text) : ipaddr.IPv4.isValidFourPartDecimal(text);
}

/** Parses `10.0.0.0/8`, `2001:db8::/32`, or a single address (a /32 or /128). */
export function parseIpPattern(text: string): IpPattern {
  const t = text.trim();
  try {
    if (!isPlainAddress(t.split('/', 1)[0]!)) throw new Error('not an address');
    if (t.includes('/')) {
      const [address, bits] = ipaddr.parseCIDR(t);
      // A mapped IPv4 CIDR (::ffff:10.0.0.0/104) becomes the IPv4 one (10.0.0.0/8); one wider
      // than the mapped block (/96) stays an IPv6 range.
      const n = normalize(address);
      if (n.kind() !== address.kind() && bits >= 96)
        return { ok: true, text: t, range: [n, bits - 96] };
      return { ok: true, text: t, range: [address, bits] };
    }
    const address = normalize(ipaddr.parse(t));
    return { ok: true, text: t, range: [address, address.kind() === 'ipv4' ? 32 : 128] };
  } catch {
    return { ok: false, text: t, error: `${JSON.stringify(t)} is not an IP address or CIDR range` };
  }
}

const parsed = new Map<string, Address | null>();

/** Whether an address (as the broker reported it) falls in any of the patterns. */
export function ipMatches(ip: string | undefined, patterns: readonly IpPattern[]): boolean {
  if (ip === undefined) return false;
  let address = parsed.get(ip);
  if (address === undefined) {
    try {
      address = normalize(ipaddr.parse(ip.replace(/^\[|\]$/g, '')));
    } catch {
      address = null;
    }
    // Remember a bounded number of parses: a fleet repeats its addresses.
    if (parsed.size > 100_000) parsed.clear();
    parsed.set(ip, address);
  }
  if (address === null) return false;
  return patterns.some(
    (p) => p.ok && p.range[0].kind() === address.kind() && address.match(p.range as never),
  );
}
