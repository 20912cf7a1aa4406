import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../../config';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

describe('when the sandbox is mounted', () => {
  it('only when asked for (--sandbox / IONFLUX_SANDBOX=1, or --demo), never because of NODE_ENV', () => {
    const sandboxOf = (options: Parameters<typeof loadConfig>[0]) => loadConfig({ inMemory: true, ...options }).sandbox;
    expect(sandboxOf({ env: {} })).toBe(false);
    expect(sandboxOf({ env: { NODE_ENV: 'development' } })).toBe(false);
    expect(sandboxOf({ env: { NODE_ENV: 'test' } })).toBe(false);
    expect(sandboxOf({ env: { IONFLUX_SANDBOX: '1' } })).toBe(true);
    expect(sandboxOf({ env: {}, sandbox: true })).toBe(true);
    expect(sandboxOf({ env: { IONFLUX_DEMO: '1' } })).toBe(true);
    expect(sandboxOf({ env: {}, demo: true, sandbox: false })).toBe(false);
  });
});

describe('sandbox control endpoints inside the server', () => {
  let t: TestServer;
  let admin: TestUser;
  let someone: TestUser;
  let receiver: Server;
  let receiverUrl: string;
  const received: string[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      received.push(req.url ?? '');
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"accessToken":"SECRET-OF-A-LOCAL-SERVICE"}');
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    t = await startTestServer({ sandbox: true, adminEmails: ['boss@example.com'] });
    admin = await t.signup('Boss');
    // Signups get unique emails; make this one the configured admin.
    await t.server.db
      .updateTable('users')
      .set({ email: 'boss@example.com', email_normalized: 'boss@example.com' })
      .where('id', '=', admin.id)
      .execute();
    someone = await t.signup('Someone');
  });
  afterAll(async () => {
    await t.close();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const controlCalls: Array<[string, string, unknown]> = [
    ['GET', '/sandbox/control/faults', undefined],
    ['POST', '/sandbox/control/faults', { service: 'shopify', status: 503, count: 1 }],
    ['DELETE', '/sandbox/control/faults', undefined],
    ['POST', '/sandbox/shopify/control/orders', { total: '150.00' }],
    ['POST', '/sandbox/shopify/webhooks/deliver', { topic: 'orders/create', address: 'http://127.0.0.1:1/x' }],
  ];

  it('refuse anonymous callers (401), ordinary users and API tokens (403), before reading the body', async () => {
    const workspaceId = await t.createWorkspace(someone, 'Mine');
    const apiToken = (
      await t.request('POST', `/api/workspaces/${workspaceId}/api-tokens`, {
        token: someone.token,
        body: { name: 'agent', role: 'admin' },
      })
    ).body.token;
    for (const [method, path, body] of controlCalls) {
      const anonymous = await t.request(method, path, { body });
      expect({ path, method, status: anonymous.status, code: anonymous.body.error?.code }).toEqual({
        path,
        method,
        status: 401,
        code: 'not_signed_in',
      });
      const user = await t.request(method, path, { body, token: someone.token });
      expect({ path, method, status: user.status, code: user.body.error?.code }).toEqual({
        path,
        method,
        status: 403,
        code: 'server_admin_required',
      });
      const token = await t.request(method, path, { body, token: apiToken });
      expect({ path, method, status: token.status }).toEqual({ path, method, status: 403 });
      // Not even a broken body is looked at first.
      if (method !== 'GET') {
        const broken = await t.request(method, path, { rawBody: '{', headers: { 'content-type': 'application/json' } });
        expect(broken.status).toBe(401);
      }
    }
    // Nothing happened: no fault was queued.
    expect((await t.request('GET', '/sandbox/control/faults', { token: admin.token })).body.faults).toEqual([]);
  });

  it('work for a server admin', async () => {
    const queued = await t.request('POST', '/sandbox/control/faults', {
      token: admin.token,
      body: { service: 'openai', status: 503, count: 2 },
    });
    expect(queued.status).toBe(201);
    expect(queued.body.faults).toEqual([expect.objectContaining({ service: 'openai', status: 503, remaining: 2 })]);
    expect((await t.request('DELETE', '/sandbox/control/faults', { token: admin.token })).body.faults).toEqual([]);
    const order = await t.request('POST', '/sandbox/shopify/control/orders', {
      token: admin.token,
      body: { total: '150.00' },
    });
    expect(order.status).toBe(201);
    expect(order.body.webhook.total_price).toBe('150.00');
  });

  it("deliver webhooks only to subscribed addresses and never return the target's body", async () => {
    // Pointed at the server's own login (the attack of the issue): refused, nothing posted.
    const self = await t.request('POST', '/sandbox/shopify/webhooks/deliver', {
      token: admin.token,
      body: { topic: 'orders/create', address: `${t.url}/api/auth/login`, order: { email: 'x', password: 'y' } },
    });
    expect(self.status).toBe(400);
    expect(self.body.errors[0].field).toBe('address');

    const subscribe = await fetch(`${t.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-access-token': 'shpat_ionflux_sandbox_00000000000000000000',
      },
      body: JSON.stringify({
        query:
          'mutation($sub: WebhookSubscriptionInput!) { webhookSubscriptionCreate(topic: ORDERS_CREATE, webhookSubscription: $sub) { userErrors { message } } }',
        variables: { sub: { uri: `${receiverUrl}/orders`, format: 'JSON' } },
      }),
    });
    expect(((await subscribe.json()) as any).data.webhookSubscriptionCreate.userErrors).toEqual([]);
    const delivered = await t.request('POST', '/sandbox/shopify/webhooks/deliver', {
      token: admin.token,
      body: { topic: 'orders/create', address: `${receiverUrl}/orders` },
    });
    expect(delivered.status).toBe(200);
    expect(delivered.body.delivery).toMatchObject({ delivered: true, status: 200 });
    expect(JSON.stringify(delivered.body)).not.toContain('SECRET-OF-A-LOCAL-SERVICE');
    expect(received).toEqual(['/orders']);
  });

  it('OAuth authorize endpoints redirect only to registered URIs', async () => {
    const shopify = await fetch(
      `${t.url}/sandbox/shopify/admin/oauth/authorize?client_id=ionflux-sandbox-shopify-app&scope=read_orders&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
      { redirect: 'manual' },
    );
    expect(shopify.status).toBe(400);
    expect(shopify.headers.get('location')).toBeNull();
    const tiktok = await fetch(
      `${t.url}/sandbox/tiktok/v2/auth/authorize/?client_key=sbawionfluxsandbox0001&response_type=code&scope=user.info.basic&redirect_uri=${encodeURIComponent('https://evil.example/cb')}`,
      { redirect: 'manual' },
    );
    expect(tiktok.status).toBe(400);
    expect(tiktok.headers.get('location')).toBeNull();
  });
});
