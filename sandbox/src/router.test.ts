import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandboxRouter, startSandboxServer, SANDBOX_CREDENTIALS, generateStore, generateTikTok } from './index';
import type { SandboxServer } from './index';

let sandbox: SandboxServer;

beforeAll(async () => {
  sandbox = await startSandboxServer({ seed: 42, now: '2026-02-01' });
});
afterAll(async () => {
  await sandbox.close();
});

describe('sandbox router', () => {
  it('binds loopback on an ephemeral port', () => {
    expect(sandbox.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.port).toBeGreaterThan(0);
  });

  it('lists every emulated endpoint with the real API and docs it mirrors', async () => {
    const body = (await (await fetch(`${sandbox.url}/sandbox`)).json()) as any;
    expect(body.seed).toBe(42);
    expect(body.now).toBe('2026-02-01T00:00:00.000Z');
    expect(body.credentials.shopify.shopDomain).toBe('ionflux-demo.myshopify.com');
    const services = new Set(body.endpoints.map((e: any) => e.service));
    expect([...services].sort()).toEqual(['openai', 'sandbox', 'shopify', 'tiktok']);
    for (const e of body.endpoints) {
      expect(e).toEqual({
        service: expect.any(String),
        method: expect.stringMatching(/^(GET|POST|DELETE)$/),
        path: expect.stringMatching(/^\/sandbox/),
        description: expect.any(String),
        mirrors: expect.any(String),
        docs: expect.any(String),
      });
      if (e.service !== 'sandbox') expect(e.docs).toMatch(/^https:\/\//);
    }
  });

  it('mounts under /sandbox in a host Express app', async () => {
    const app = express();
    app.use('/sandbox', createSandboxRouter({ seed: 1, now: '2026-02-01' }));
    const server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
    try {
      const port = (server.address() as AddressInfo).port;
      const response = await fetch(`http://127.0.0.1:${port}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'X-Shopify-Access-Token': SANDBOX_CREDENTIALS.shopify.accessToken,
        },
        body: JSON.stringify({
          query: '{ all: ordersCount(limit: null) { count precision } capped: ordersCount { count precision } }',
        }),
      });
      const body = (await response.json()) as any;
      expect(body.data.all).toEqual({ count: generateStore(1, '2026-02-01').orders().length, precision: 'EXACT' });
      expect(body.data.capped).toEqual({ count: 10000, precision: 'AT_LEAST' });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('queues, lists and clears faults', async () => {
    const post = await fetch(`${sandbox.url}/sandbox/control/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ service: 'openai', status: 503, count: 1, retryAfter: 2 }),
    });
    expect(post.status).toBe(201);
    expect(((await (await fetch(`${sandbox.url}/sandbox/control/faults`)).json()) as any).faults).toEqual([
      { service: 'openai', status: 503, remaining: 1, retryAfter: 2 },
    ]);
    const failed = await fetch(`${sandbox.url}/sandbox/openai/v1/models`, { headers: { Authorization: 'Bearer k' } });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('2');
    expect(((await failed.json()) as any).error.type).toBe('server_error');
    expect(
      (await fetch(`${sandbox.url}/sandbox/openai/v1/models`, { headers: { Authorization: 'Bearer k' } })).status,
    ).toBe(200);
    await fetch(`${sandbox.url}/sandbox/control/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ service: 'tiktok', status: 429, count: 5 }),
    });
    await fetch(`${sandbox.url}/sandbox/control/faults`, { method: 'DELETE' });
    expect(((await (await fetch(`${sandbox.url}/sandbox/control/faults`)).json()) as any).faults).toEqual([]);
    expect(
      (
        await fetch(`${sandbox.url}/sandbox/control/faults`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ service: 'stripe', status: 429 }),
        })
      ).status,
    ).toBe(400);
  });

  it('exports the generators used by the emulators', () => {
    expect(generateTikTok(42, '2026-02-01').creators.length).toBe(301);
  });
});
