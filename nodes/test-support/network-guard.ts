/**
 * Makes any connection to a non-loopback address fail in tests (fetch, node:http, SDKs alike: they all end in
 * `net.Socket.prototype.connect`). Host names are allowed only when they resolve to loopback, checked on the
 * addresses the socket is about to use, so a pinned lookup is checked too.
 */
import dns from 'node:dns';
import net from 'node:net';

export class BlockedNetworkError extends Error {
  readonly code = 'ENETWORKBLOCKED';
  constructor(target: string) {
    super(`Network access to ${target} is blocked in tests (only loopback is reachable).`);
    this.name = 'BlockedNetworkError';
  }
}

export function isLoopbackAddress(address: string): boolean {
  const a = address.toLowerCase().replace(/^\[|\]$/g, '');
  return (
    a === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(a) ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(a) ||
    /^::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}$/.test(a)
  );
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address?: string | dns.LookupAddress[],
  family?: number,
) => void;
type Lookup = (hostname: string, options: dns.LookupOptions, callback: LookupCallback) => void;

function guardedLookup(inner: Lookup): Lookup {
  return (hostname, options, callback) => {
    inner(hostname, options, (error, address, family) => {
      if (error) return callback(error);
      const list = Array.isArray(address) ? address.map((a) => a.address) : [address ?? ''];
      const outside = list.find((a) => !isLoopbackAddress(a));
      if (outside !== undefined) return callback(new BlockedNetworkError(`${hostname} (${outside})`));
      callback(null, address, family);
    });
  };
}

let installed = false;

export function installLoopbackOnlyNetwork(): void {
  if (installed) return;
  installed = true;
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function patchedConnect(this: net.Socket, ...args: unknown[]) {
    const first = args[0];
    const options = (
      Array.isArray(first) ? first[0] : typeof first === 'object' && first !== null ? first : undefined
    ) as (net.TcpNetConnectOpts & { path?: string }) | undefined;
    if (options && !options.path) {
      const host = options.host ?? 'localhost';
      if (net.isIP(host.replace(/^\[|\]$/g, ''))) {
        if (!isLoopbackAddress(host)) {
          const error = new BlockedNetworkError(host);
          process.nextTick(() => this.destroy(error));
          return this;
        }
      } else {
        options.lookup = guardedLookup(
          (options.lookup as Lookup | undefined) ?? (dns.lookup as unknown as Lookup),
        ) as net.LookupFunction;
      }
    } else if (
      !options &&
      (typeof first === 'number' || typeof first === 'string') &&
      typeof args[1] === 'string' &&
      !isLoopbackAddress(args[1]) &&
      args[1] !== 'localhost'
    ) {
      const error = new BlockedNetworkError(String(args[1]));
      process.nextTick(() => this.destroy(error));
      return this;
    }
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof net.Socket.prototype.connect;
}
