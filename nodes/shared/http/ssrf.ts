/**
 * SSRF guard for user-supplied URLs: which URLs a node may call and which address it connects to.
 *
 * A URL passes when its scheme is http(s), it carries no credentials, and every address its host resolves to is a
 * public unicast address. Blocked: loopback, RFC 1918 private, CGNAT (100.64/10), link-local (169.254/16,
 * fe80::/10), unique-local (fc00::/7), multicast, unspecified, reserved and documentation ranges, the IPv4 forms
 * embedded in IPv6 (IPv4-mapped, IPv4-compatible, NAT64, 6to4), and cloud metadata hosts. Odd IPv4 notations
 * (`2130706433`, `0177.0.0.1`, `0x7f.1`) need no rule of their own: the WHATWG URL parser normalises them to
 * dotted quads before the check, exactly as the connection would.
 *
 * The guard returns the checked address and the client connects to that address (DNS pinning), so a second DNS
 * answer (rebinding) can never switch the connection to another host.
 *
 * Loopback and private hosts are reachable only through an explicit allowlist of origins (`scheme://host:port`),
 * read from the environment variable `IONFLUX_SANDBOX_ORIGINS` (comma-separated), e.g. the local sandbox.
 */
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup } from 'node:dns/promises';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to all its addresses (the default is the system resolver, `dns.lookup`). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SsrfPolicy {
  /** Origins that may be reached even on loopback/private addresses. Default: `IONFLUX_SANDBOX_ORIGINS`. */
  allowedOrigins?: readonly string[];
  /** Injected resolver (tests); default `dns.lookup(host, { all: true })`. */
  resolve?: HostResolver;
}

export type SsrfBlockReason = 'scheme' | 'credentials' | 'host' | 'address' | 'resolution';

/** A URL the guard refused; the message names the URL's host and why, never the full URL (it may hold secrets). */
export class SsrfBlockedError extends Error {
  constructor(
    readonly reason: SsrfBlockReason,
    message: string,
  ) {
    super(message);
    this.name = 'SsrfBlockedError';
  }
}

export const SANDBOX_ORIGINS_ENV = 'IONFLUX_SANDBOX_ORIGINS';

const METADATA_HOSTS = new Set([
  'metadata.google.internal',
  'metadata.goog',
  'metadata',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.azure.com',
]);

function blockList(): BlockList {
  const list = new BlockList();
  const v4: [string, number][] = [
    ['0.0.0.0', 8], // "this network", includes the unspecified address
    ['10.0.0.0', 8],
    ['100.64.0.0', 10], // CGNAT
    ['127.0.0.0', 8],
    ['169.254.0.0', 16], // link-local, cloud metadata 169.254.169.254
    ['172.16.0.0', 12],
    ['192.0.0.0', 24], // IETF protocol assignments
    ['192.0.2.0', 24], // TEST-NET-1
    ['192.88.99.0', 24], // 6to4 relay anycast
    ['192.168.0.0', 16],
    ['198.18.0.0', 15], // benchmarking
    ['198.51.100.0', 24], // TEST-NET-2
    ['203.0.113.0', 24], // TEST-NET-3
    ['224.0.0.0', 4], // multicast
    ['240.0.0.0', 4], // reserved, includes broadcast
  ];
  for (const [network, prefix] of v4) list.addSubnet(network, prefix, 'ipv4');
  const v6: [string, number][] = [
    ['::', 128], // unspecified
    ['::1', 128], // loopback
    ['fe80::', 10], // link-local
    ['fec0::', 10], // site-local (deprecated)
    ['fc00::', 7], // unique-local, includes fd00:ec2::254 (AWS metadata over IPv6)
    ['ff00::', 8], // multicast
    ['100::', 64], // discard-only
    ['2001:db8::', 32], // documentation
    ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, ...)
  ];
  for (const [network, prefix] of v6) list.addSubnet(network, prefix, 'ipv6');
  return list;
}

const BLOCKED = blockList();

/** The 16 bytes of an IPv6 address (accepts `::` compression and a dotted-quad tail). */
export function ipv6Bytes(address: string): number[] | null {
  let text = address.toLowerCase();
  const zone = text.indexOf('%');
  if (zone !== -1) text = text.slice(0, zone);
  let tail: number[] = [];
  const dotted = /(\d{1,3}(?:\.\d{1,3}){3})$/.exec(text);
  if (dotted) {
    const parts = dotted[1]!.split('.').map(Number);
    if (parts.some((p) => p > 255)) return null;
    tail = parts;
    text = text.slice(0, -dotted[1]!.length) + '0:0';
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const group = (s: string) => (s === '' ? [] : s.split(':'));
  const head = group(halves[0]!);
  const rest = halves.length === 2 ? group(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || missing < 0) return null;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  const bytes: number[] = [];
  for (const g of groups) {
    if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
    const n = parseInt(g, 16);
    bytes.push(n >> 8, n & 0xff);
  }
  if (tail.length === 4) bytes.splice(12, 4, ...tail);
  return bytes.length === 16 ? bytes : null;
}

/** IPv4 addresses carried inside an IPv6 address (mapped, compatible, NAT64, 6to4), which reach the IPv4 host. */
function embeddedIpv4(bytes: number[]): string[] {
  const quad = (from: number) => bytes.slice(from, from + 4).join('.');
  const zeros = (from: number, to: number) => bytes.slice(from, to).every((b) => b === 0);
  const out: string[] = [];
  if (zeros(0, 10) && bytes[10] === 0xff && bytes[11] === 0xff) out.push(quad(12)); // ::ffff:a.b.c.d
  if (zeros(0, 12)) out.push(quad(12)); // ::a.b.c.d (deprecated IPv4-compatible)
  if (bytes[0] === 0x00 && bytes[1] === 0x64 && bytes[2] === 0xff && bytes[3] === 0x9b) out.push(quad(12)); // 64:ff9b::/96 NAT64
  if (bytes[0] === 0x20 && bytes[1] === 0x02) out.push(quad(2)); // 2002::/16 6to4
  return out;
}

/** Why an IP address must not be reached, or null when it is a public unicast address. */
export function blockedAddressReason(address: string): string | null {
  const family = isIP(address);
  if (family === 4)
    return BLOCKED.check(address, 'ipv4') ? 'a private, loopback, link-local or reserved IPv4 address' : null;
  if (family === 6) {
    const bytes = ipv6Bytes(address);
    if (!bytes) return 'an unparseable IPv6 address';
    if (BLOCKED.check(address, 'ipv6')) return 'a private, loopback, link-local, multicast or reserved IPv6 address';
    for (const v4 of embeddedIpv4(bytes)) {
      if (BLOCKED.check(v4, 'ipv4')) return `an IPv6 address embedding the blocked IPv4 address ${v4}`;
    }
    return null;
  }
  return 'not an IP address';
}

export function sandboxOriginsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env[SANDBOX_ORIGINS_ENV] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((origin) => {
      try {
        return new URL(origin).origin;
      } catch {
        return '';
      }
    })
    .filter(Boolean);
}

const defaultResolver: HostResolver = async (hostname) => {
  const answers = await dnsLookup(hostname, { all: true, verbatim: true });
  return answers.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/** The host of a URL without IPv6 brackets or a trailing dot. */
function bareHost(url: URL): string {
  let host = url.hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  if (host.endsWith('.')) host = host.slice(0, -1);
  return host;
}

/**
 * Checks a URL and returns the address to connect to. Throws `SsrfBlockedError` when the URL must not be called.
 *
 * @example
 * const target = await checkOutboundUrl(new URL('https://example.com/a'), {});
 * // { address: '93.184.215.14', family: 4 }, then connect to exactly that address
 */
export async function checkOutboundUrl(url: URL, policy: SsrfPolicy = {}): Promise<ResolvedAddress> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SsrfBlockedError(
      'scheme',
      `Only http and https URLs can be called, not ${url.protocol.replace(/:$/, '')}:.`,
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw new SsrfBlockedError(
      'credentials',
      'URLs with credentials (user:password@host) are not allowed; send credentials in a header instead.',
    );
  }
  const host = bareHost(url);
  const allowed = (policy.allowedOrigins ?? sandboxOriginsFromEnv()).includes(url.origin);
  if (
    !allowed &&
    (METADATA_HOSTS.has(host) || host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal'))
  ) {
    throw new SsrfBlockedError('host', `The host ${host} is a local or cloud metadata host and cannot be called.`);
  }
  const family = isIP(host);
  let addresses: ResolvedAddress[];
  if (family !== 0) addresses = [{ address: host, family: family as 4 | 6 }];
  else {
    try {
      addresses = await (policy.resolve ?? defaultResolver)(host);
    } catch (error) {
      throw new SsrfBlockedError('resolution', `The host ${host} could not be resolved (${(error as Error).message}).`);
    }
    if (addresses.length === 0) throw new SsrfBlockedError('resolution', `The host ${host} has no addresses.`);
  }
  if (!allowed) {
    for (const candidate of addresses) {
      const reason = blockedAddressReason(candidate.address);
      if (reason) {
        const subject = family !== 0 ? `The address ${host} is` : `The host ${host} resolves to ${candidate.address},`;
        throw new SsrfBlockedError('address', `${subject} ${reason}; it cannot be called.`);
      }
    }
  }
  return addresses[0]!;
}
