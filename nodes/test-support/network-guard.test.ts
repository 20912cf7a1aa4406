import { describe, expect, it } from '@jest/globals';
import http from 'node:http';
import { isLoopbackAddress } from './network-guard';
import { sendJson, startLocalServer } from './local-server';

describe('network guard (jest setup of this project)', () => {
  it('fails any connection to a non-loopback address, from fetch and from node:http', async () => {
    await expect(fetch('http://93.184.215.14/')).rejects.toThrow();
    const error = await fetch('http://93.184.215.14/').catch((e: Error) => e);
    expect(String((error as Error & { cause?: Error }).cause?.message ?? (error as Error).message)).toMatch(
      /blocked in tests/,
    );
    const viaHttp = await new Promise<Error>((resolve) => {
      const request = http.get('http://10.0.0.1/', () => resolve(new Error('connected')));
      request.on('error', resolve);
    });
    expect(viaHttp.message).toMatch(/blocked in tests/);
  });

  it('checks the resolved address of a host name, so names cannot smuggle a public address', async () => {
    const viaLookup = await new Promise<Error>((resolve) => {
      const request = http.get(
        {
          host: 'example.test',
          port: 80,
          lookup: ((_h: string, o: { all?: boolean }, cb: (...a: unknown[]) => void) =>
            o?.all ? cb(null, [{ address: '93.184.215.14', family: 4 }]) : cb(null, '93.184.215.14', 4)) as never,
        },
        () => resolve(new Error('connected')),
      );
      request.on('error', resolve);
    });
    expect(viaLookup.message).toMatch(/blocked in tests/);
  });

  it('lets loopback through', async () => {
    const server = await startLocalServer((_req, res) => sendJson(res, 200, { ok: true }));
    try {
      expect(await (await fetch(server.url)).json()).toEqual({ ok: true });
      expect(await (await fetch(`http://localhost:${server.port}`).catch(() => fetch(server.url))).json()).toEqual({
        ok: true,
      });
    } finally {
      await server.close();
    }
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('128.0.0.1')).toBe(false);
  });
});
