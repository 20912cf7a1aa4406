import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fs from 'node:fs';
import path from 'node:path';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { startServer, type ServerHandle } from '@ionflux/server';
import type { CliIO } from './io';
import { runCli } from './main';

const ADMIN = 'simulate-admin@example.com';
const PASSWORD = 'simulate-password-42';
const SENTINEL = fs.readFileSync(
  path.join(__dirname, '..', '..', 'examples', 'agents', 'shopify-sales-sentinel.yaml'),
  'utf8',
);

function bufferIO(): CliIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (text: string) => void (io.out += text),
    stderr: (text: string) => void (io.err += text),
    cwd: process.cwd(),
    env: {} as Record<string, string | undefined>,
    isTTY: false,
  };
  return io;
}

describe('ionflux simulate shopify-order', () => {
  let server: ServerHandle;
  let token: string;
  let W: string;
  let agentId: string;
  let salesId: string;

  const call = async (method: string, route: string, body?: unknown) => {
    const res = await fetch(`${server.url}${route}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  /** Waits until the agent has `count` finished runs; returns them newest first. */
  const finishedRuns = async (count: number) => {
    for (let i = 0; ; i++) {
      const runs = (await call('GET', `${W}/runs?agentId=${agentId}`)).body.runs as any[];
      const done = runs.filter((r) => r.status !== 'queued' && r.status !== 'running');
      if (done.length >= count) return done;
      if (i > 1200) throw new Error(`runs did not finish: ${JSON.stringify(runs)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  beforeAll(async () => {
    server = await startServer({
      port: 0,
      inMemory: true,
      logLevel: 'silent',
      env: {},
      passwordHashCost: 10,
      sandbox: true,
      adminEmails: [ADMIN],
    });
    token = (
      await fetch(`${server.url}/api/auth/signup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: ADMIN, password: PASSWORD, displayName: 'Admin' }),
      }).then((r) => r.json() as Promise<any>)
    ).accessToken;
    W = `/api/workspaces/${(await call('POST', '/api/workspaces', { name: 'Store' })).body.workspace.id}`;
    const brandId = (
      await call('POST', `${W}/brands`, { name: 'My Test Store', shopDomain: SANDBOX_CREDENTIALS.shopify.shopDomain })
    ).body.brand.id;
    salesId = (await call('POST', `${W}/channels`, { name: 'sales' })).body.channel.id;
    agentId = (
      await call('POST', `${W}/agents`, {
        yaml: SENTINEL,
        inputs: { threshold: 100, channel: 'sales' },
        bindings: { store: { brandId } },
      })
    ).body.agent.id;
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });

  it('a $150 order reaches Sales Sentinel through the signed webhook: a notification and a #sales message', async () => {
    const io = bufferIO();
    const args = ['simulate', 'shopify-order', '--server', server.url, '--store', 'ionflux-demo.myshopify.com'];
    const code = await runCli([...args, '--total', '150', '--email', ADMIN, '--password', PASSWORD], io);
    expect({ code, err: io.err }).toEqual({ code: 0, err: '' });
    const name = /Order (#\d+) \((\d+)\) for 150\.00 USD/.exec(io.out);
    expect(name).not.toBeNull();
    expect(io.out).toContain(`orders/create -> ${server.url}/webhooks/shopify: delivered (200)`);

    const [run] = await finishedRuns(1);
    expect(run.status).toBe('succeeded');
    expect(run.trigger.kind).toBe('shopify.order');
    // The order the run saw is the one the store holds (its GraphQL and the webhook agree).
    const gql = await fetch(`${server.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-access-token': SANDBOX_CREDENTIALS.shopify.accessToken,
      },
      body: JSON.stringify({
        query: `{ order(id: "gid://shopify/Order/${name![2]}") { name totalPriceSet { shopMoney { amount } } } }`,
      }),
    }).then((r) => r.json() as Promise<any>);
    expect(gql.data.order.name).toBe(name![1]);
    expect(run.trigger.payload.order).toMatchObject({ id: Number(name![2]), name: name![1], total_price: '150.00' });
    expect(Number(gql.data.order.totalPriceSet.shopMoney.amount)).toBe(150);

    const notes = (await call('GET', '/api/notifications')).body.notifications as { title: string }[];
    expect(notes.map((n) => n.title)).toEqual([`High-value order ${name![1]}: $150.00`]);
    const messages = (await call('GET', `${W}/channels/${salesId}/messages`)).body.messages as { text: string }[];
    expect(messages.map((m) => m.text)).toEqual([expect.stringContaining(`Order ${name![1]} for $150.00`)]);
  }, 180_000);

  it('a $50 order starts the agent, which stays quiet', async () => {
    const io = bufferIO();
    const code = await runCli(
      [
        'simulate',
        'shopify-order',
        '--server',
        server.url,
        '--store',
        'ionflux-demo.myshopify.com',
        '--total',
        '50',
        '--currency',
        'USD',
        '--email',
        ADMIN,
        '--password',
        PASSWORD,
      ],
      io,
    );
    expect(code).toBe(0);
    // The sentinel: the $50 order's run finished (whatever it would post happens before that).
    const runs = await finishedRuns(2);
    expect(runs[0].status).toBe('succeeded');
    expect(runs[0].trigger.payload.order.total_price).toBe('50.00');
    expect((await call('GET', '/api/notifications')).body.notifications).toHaveLength(1);
    expect((await call('GET', `${W}/channels/${salesId}/messages`)).body.messages).toHaveLength(1);
  }, 180_000);

  it('says what to fix: another store, a bad total, a server without the sandbox', async () => {
    const io = bufferIO();
    expect(
      await runCli(
        ['simulate', 'shopify-order', '--server', server.url, '--store', 'x.myshopify.com', '--total', '5'],
        io,
      ),
    ).toBe(2);
    expect(io.err).toContain('the sandbox has one store, ionflux-demo.myshopify.com');
    const bad = bufferIO();
    expect(
      await runCli(
        [
          'simulate',
          'shopify-order',
          '--server',
          server.url,
          '--store',
          'ionflux-demo.myshopify.com',
          '--total',
          'lots',
        ],
        bad,
      ),
    ).toBe(2);
    expect(bad.err).toContain('--total must be a positive amount');
  });
});
