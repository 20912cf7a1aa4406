import { describe, expect, it } from '@jest/globals';
import { blockedAddressReason, checkOutboundUrl, ipv6Bytes, SsrfBlockedError } from './ssrf';
import type { HostResolver } from './ssrf';

/** A resolver for made-up names, so that no test depends on real DNS. */
const fakeDns =
  (table: Record<string, string[]>): HostResolver =>
  async (hostname) => {
    const answers = table[hostname];
    if (!answers) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    return answers.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };

const dns = fakeDns({
  'public.example': ['93.184.215.14'],
  'dual.example': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
  'private.example': ['10.1.2.3'],
  'mixed.example': ['93.184.215.14', '192.168.1.10'],
  'v6-loopback.example': ['::1'],
  'mapped.example': ['::ffff:169.254.169.254'],
  'cgnat.example': ['100.64.0.7'],
});

async function verdict(url: string, allowedOrigins: string[] = []): Promise<string> {
  try {
    const target = await checkOutboundUrl(new URL(url), { resolve: dns, allowedOrigins });
    return `allowed ${target.address}`;
  } catch (error) {
    if (error instanceof SsrfBlockedError) return `blocked:${error.reason}`;
    throw error;
  }
}

describe('blockedAddressReason', () => {
  it.each([
    ['127.0.0.1'],
    ['127.255.255.254'],
    ['10.0.0.1'],
    ['172.16.0.1'],
    ['172.31.255.255'],
    ['192.168.0.1'],
    ['100.64.0.1'],
    ['100.127.255.255'],
    ['169.254.169.254'],
    ['169.254.0.1'],
    ['0.0.0.0'],
    ['0.1.2.3'],
    ['224.0.0.1'],
    ['239.255.255.250'],
    ['255.255.255.255'],
    ['240.0.0.1'],
    ['192.0.2.5'],
    ['198.51.100.7'],
    ['203.0.113.9'],
    ['198.18.0.1'],
    ['::'],
    ['::1'],
    ['fe80::1'],
    ['febf::1'],
    ['fc00::1'],
    ['fd00:ec2::254'],
    ['ff02::1'],
    ['::ffff:127.0.0.1'],
    ['::ffff:7f00:1'],
    ['::ffff:a9fe:a9fe'],
    ['::ffff:10.0.0.1'],
    ['::127.0.0.1'],
    ['64:ff9b::a9fe:a9fe'],
    ['2002:7f00:1::'],
    ['2002:c0a8:101::1'],
  ])('blocks %s', (address) => {
    expect(blockedAddressReason(address)).not.toBeNull();
  });

  it.each([
    ['93.184.215.14'],
    ['8.8.8.8'],
    ['1.1.1.1'],
    ['100.63.255.255'],
    ['100.128.0.0'],
    ['172.32.0.1'],
    ['2606:4700:4700::1111'],
    ['::ffff:8.8.8.8'],
    ['64:ff9b::808:808'],
    ['2002:808:808::1'],
  ])('allows the public address %s', (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });

  it('parses IPv6 with compression and dotted tails', () => {
    expect(ipv6Bytes('::ffff:127.0.0.1')).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, 127, 0, 0, 1]);
    expect(ipv6Bytes('fd00:ec2::254')!.slice(0, 4)).toEqual([0xfd, 0x00, 0x0e, 0xc2]);
    expect(ipv6Bytes('1:2:3')).toBeNull();
    expect(ipv6Bytes('1::2::3')).toBeNull();
  });
});

describe('checkOutboundUrl: a table of hostile URLs', () => {
  it.each([
    ['http://127.0.0.1/admin', 'blocked:address'],
    ['http://localhost:8080/', 'blocked:host'],
    ['http://LOCALHOST./', 'blocked:host'],
    ['http://api.localhost/', 'blocked:host'],
    ['http://2130706433/', 'blocked:address'], // decimal 127.0.0.1
    ['http://0177.0.0.1/', 'blocked:address'], // octal
    ['http://0x7f.1/', 'blocked:address'], // hex, short form
    ['http://0x7f000001/', 'blocked:address'],
    ['http://127.1/', 'blocked:address'],
    ['http://0/', 'blocked:address'], // 0.0.0.0
    ['http://[::]/', 'blocked:address'],
    ['http://[::1]:3000/', 'blocked:address'],
    ['http://[::ffff:127.0.0.1]/', 'blocked:address'],
    ['http://[0:0:0:0:0:ffff:169.254.169.254]/latest/meta-data/', 'blocked:address'],
    ['http://169.254.169.254/latest/meta-data/iam/security-credentials/', 'blocked:address'],
    ['http://[fd00:ec2::254]/latest/meta-data/', 'blocked:address'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'blocked:host'],
    ['http://metadata/computeMetadata/v1/', 'blocked:host'],
    ['http://10.0.0.5/', 'blocked:address'],
    ['http://100.100.100.200/', 'blocked:address'], // Alibaba metadata, CGNAT range
    ['http://192.168.1.1/', 'blocked:address'],
    ['http://[fe80::1]/', 'blocked:address'],
    ['http://224.0.0.1/', 'blocked:address'],
    ['http://private.example/', 'blocked:address'],
    ['http://mixed.example/', 'blocked:address'], // one private answer is enough
    ['http://v6-loopback.example/', 'blocked:address'],
    ['http://mapped.example/', 'blocked:address'],
    ['http://cgnat.example/', 'blocked:address'],
    ['http://nowhere.example/', 'blocked:resolution'],
    ['file:///etc/passwd', 'blocked:scheme'],
    ['gopher://127.0.0.1:25/', 'blocked:scheme'],
    ['ftp://public.example/', 'blocked:scheme'],
    ['data:text/plain,hello', 'blocked:scheme'],
    ['http://user:secret@public.example/', 'blocked:credentials'],
    ['http://user@public.example/', 'blocked:credentials'],
    ['https://public.example/path?q=1', 'allowed 93.184.215.14'],
    ['http://dual.example/', 'allowed 93.184.215.14'],
    ['http://93.184.215.14:8443/', 'allowed 93.184.215.14'],
  ])('%s -> %s', async (url, expected) => {
    expect(await verdict(url)).toBe(expected);
  });

  it('reaches loopback only for an allowlisted origin (exact scheme, host and port)', async () => {
    expect(await verdict('http://127.0.0.1:4010/sandbox', ['http://127.0.0.1:4010'])).toBe('allowed 127.0.0.1');
    expect(await verdict('http://127.0.0.1:4011/sandbox', ['http://127.0.0.1:4010'])).toBe('blocked:address');
    expect(await verdict('https://127.0.0.1:4010/', ['http://127.0.0.1:4010'])).toBe('blocked:address');
    expect(await verdict('http://localhost:4010/', ['http://127.0.0.1:4010'])).toBe('blocked:host');
  });

  it('reads the allowlist from IONFLUX_SANDBOX_ORIGINS when none is given', async () => {
    const previous = process.env.IONFLUX_SANDBOX_ORIGINS;
    process.env.IONFLUX_SANDBOX_ORIGINS = 'http://127.0.0.1:4999, not a url';
    try {
      await expect(checkOutboundUrl(new URL('http://127.0.0.1:4999/x'))).resolves.toEqual({
        address: '127.0.0.1',
        family: 4,
      });
      await expect(checkOutboundUrl(new URL('http://127.0.0.1:5000/x'))).rejects.toBeInstanceOf(SsrfBlockedError);
    } finally {
      if (previous === undefined) delete process.env.IONFLUX_SANDBOX_ORIGINS;
      else process.env.IONFLUX_SANDBOX_ORIGINS = previous;
    }
  });

  it('names the host but never echoes the URL (it may carry secrets)', async () => {
    const error = await checkOutboundUrl(new URL('http://10.0.0.5/?token=s3cret'), { resolve: dns }).catch(
      (e: Error) => e,
    );
    expect(error).toBeInstanceOf(SsrfBlockedError);
    expect((error as Error).message).toContain('10.0.0.5');
    expect((error as Error).message).not.toContain('s3cret');
  });
});
