import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import {
  collect,
  emitWithAck,
  startTestServer,
  waitUntil,
  type TestServer,
  type TestUser,
} from '../../testing/test-server';

const SHOP = SANDBOX_CREDENTIALS.shopify.shopDomain;
const SENTINEL = fs.readFileSync(
  path.join(__dirname, '..', '..', '..', '..', 'examples', 'agents', 'shopify-sales-sentinel.yaml'),
  'utf8',
);
const TIKTOK_AGENT = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: tiktok-trend-check, version: 1.0.0 }
spec:
  connections:
    creator: { type: tiktok, scopes: [user.info.basic, research.data.basic] }
  trigger: { manual: {} }
  steps:
    - id: tags
      uses: tiktok.trends.hashtags
      with: { keywords: [fashion], region: US, limit: 3 }
`;

let t: TestServer;
let owner: TestUser;
let W: string;

beforeAll(async () => {
  t = await startTestServer({ sandbox: true });
  owner = await t.signup('Owner');
  W = `/api/workspaces/${await t.createWorkspace(owner, 'Connections')}`;
}, 60_000);
afterAll(async () => {
  await t.close();
});

/** Begin as `user`: the authorization URL and the state cookie the browser would keep. */
async function begin(route: string, body: unknown = {}, user = owner) {
  const res = await fetch(`${t.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${user.token}` },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as any;
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('ionflux_oauth='));
  return {
    status: res.status,
    body: json,
    cookie: setCookie?.split(';')[0] ?? '',
    cookieAttributes: setCookie ?? '',
  };
}

/** What the provider's consent screen does: follow the authorize URL to the redirect back. */
async function consent(authorizeUrl: string): Promise<URL> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

/** The browser arriving at the callback with (or without) the cookie. */
async function callback(url: URL | string, cookie?: string) {
  const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  const text = await res.text();
  return {
    status: res.status,
    location: res.headers.get('location'),
    body: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text,
  };
}

const resign = (url: URL, changes: Record<string, string>) => {
  const params = Object.fromEntries(url.searchParams);
  Object.assign(params, changes);
  delete params.hmac;
  const message = new URLSearchParams(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]!] as [string, string]),
  )
    .toString()
    .replace(/\+/g, '%20');
  const signed = new URL(url.toString().split('?')[0]!);
  for (const [k, v] of Object.entries(params)) signed.searchParams.set(k, v);
  signed.searchParams.set(
    'hmac',
    createHmac('sha256', SANDBOX_CREDENTIALS.shopify.clientSecret).update(message).digest('hex'),
  );
  return signed;
};

async function sandboxSubscriptions(): Promise<{ topic: string; uri: string }[]> {
  const res = await fetch(`${t.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-shopify-access-token': SANDBOX_CREDENTIALS.shopify.accessToken },
    body: JSON.stringify({ query: '{ webhookSubscriptions(first: 50) { nodes { topic uri } } }' }),
  });
  return ((await res.json()) as any).data.webhookSubscriptions.nodes;
}

describe('connecting a Brand to Shopify (authorization code grant against the sandbox store)', () => {
  let brandId: string;
  let sentinelId: string;

  beforeAll(async () => {
    brandId = (await t.request('POST', `${W}/brands`, { token: owner.token, body: { name: 'My Test Store' } })).body
      .brand.id;
    // Sales Sentinel bound to the Brand: connecting subscribes orders/create for it.
    const installed = await t.request('POST', `${W}/agents`, {
      token: owner.token,
      body: { yaml: SENTINEL, bindings: { store: { brandId } } },
    });
    expect(installed.status).toBe(201);
    sentinelId = installed.body.agent.id;
  });

  it('refuses a forged or missing state, a bad HMAC and a foreign shop; then connects and subscribes', async () => {
    const started = await begin(`${W}/brands/${brandId}/shopify/connect`);
    expect(started.status).toBe(200);
    expect(started.cookieAttributes).toMatch(/HttpOnly/i);
    expect(started.cookieAttributes).toMatch(/SameSite=Lax/i);
    const authorize = new URL(started.body.authorizeUrl);
    expect(authorize.pathname).toBe('/sandbox/shopify/admin/oauth/authorize');
    expect(authorize.searchParams.get('scope')).toBe('read_orders');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${t.url}/api/connections/shopify/callback`);
    const back = await consent(started.body.authorizeUrl);
    expect(back.searchParams.get('state')).toBe(authorize.searchParams.get('state'));

    // No cookie (another browser), or a state that is not this browser's: 401.
    expect((await callback(back)).status).toBe(401);
    const forged = new URL(back);
    forged.searchParams.set('state', 'forged-state-value-000000000000');
    expect((await callback(forged, started.cookie)).body.error.code).toBe('oauth_state_mismatch');
    const otherFlow = await begin(`${W}/brands/${brandId}/shopify/connect`);
    expect((await callback(back, otherFlow.cookie)).status).toBe(401);
    // A tampered query (the code swapped) no longer matches its HMAC; a missing HMAC neither.
    const tampered = new URL(back);
    tampered.searchParams.set('code', 'attacker-code');
    const badHmac = await callback(tampered, started.cookie);
    expect({ status: badHmac.status, field: badHmac.body.error.fields[0].path }).toEqual({
      status: 400,
      field: 'query.hmac',
    });
    // A shop that is not a *.myshopify.com, or not the one the flow began with, even correctly signed.
    for (const shop of ['evil.example.com', 'other-store.myshopify.com']) {
      const foreign = await callback(resign(back, { shop }), started.cookie);
      expect({ shop, status: foreign.status, field: foreign.body.error?.fields?.[0]?.path }).toEqual({
        shop,
        status: 400,
        field: 'query.shop',
      });
    }
    const beginForeign = await begin(`${W}/brands/${brandId}/shopify/connect`, { shopDomain: 'evil.example.com' });
    expect(beginForeign.status).toBe(400);
    expect(
      (await t.request('GET', `${W}/brands/${brandId}`, { token: owner.token })).body.brand.credentials.connected,
    ).toBe(false);

    // The real redirect with its cookie: connected.
    const done = await callback(back, started.cookie);
    expect(done.status).toBe(303);
    expect(done.location).toBe(
      `/?connection=shopify&status=connected&workspaceId=${W.split('/')[3]}&brandId=${brandId}`,
    );
    const brand = (await t.request('GET', `${W}/brands/${brandId}`, { token: owner.token })).body.brand;
    expect(brand).toMatchObject({
      shopDomain: SHOP,
      credentials: { connected: true, scopes: ['read_orders'] },
      connection: { state: 'connected' },
    });
    // The stored token is the one the store issued: it reads the store.
    const stored = await t.server.useCases.profiles.readCredentials({
      workspaceId: W.split('/')[3]!,
      ownerType: 'brand',
      ownerId: brandId,
    });
    expect(stored!.accessToken).toMatch(/^shpat_/);
    const shop = await fetch(`${t.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': stored!.accessToken },
      body: JSON.stringify({ query: '{ shop { myshopifyDomain } }' }),
    }).then((r) => r.json() as Promise<any>);
    expect(shop.data.shop.myshopifyDomain).toBe(SHOP);
    // Subscribed: the sentinel's orders/create and app/uninstalled, at this server's intake.
    const mine = (await sandboxSubscriptions()).filter((s) => s.uri === `${t.url}/webhooks/shopify`);
    expect(mine.map((s) => s.topic).sort()).toEqual(['APP_UNINSTALLED', 'ORDERS_CREATE']);
    // The code was single-use: replaying the callback fails.
    expect((await callback(back, started.cookie)).status).toBe(400);
  }, 60_000);

  it('a failed callback in the browser goes back to the studio with the error; an API client gets the JSON', async () => {
    const brandBefore = (await t.request('GET', `${W}/brands/${brandId}`, { token: owner.token })).body.brand
      .credentials;
    const started = await begin(`${W}/brands/${brandId}/shopify/connect`);
    const back = await consent(started.body.authorizeUrl);
    const tampered = new URL(back);
    tampered.searchParams.set('code', 'attacker-code');
    // A browser's top-level navigation (node:http: fetch() would send its own Sec-Fetch-Mode: cors).
    const navigate = (url: URL, cookie?: string) =>
      new Promise<URL>((resolve, reject) => {
        const headers = { 'sec-fetch-mode': 'navigate', accept: 'text/html', ...(cookie ? { cookie } : {}) };
        http
          .get(url, { headers }, (res) => {
            res.resume();
            expect(res.statusCode).toBe(303);
            resolve(new URL(res.headers.location!, t.url));
          })
          .on('error', reject);
      });
    // Bad HMAC with this browser's cookie: back to this workspace's Connections screen, the error readable.
    const hmac = await navigate(tampered, started.cookie);
    expect(hmac.pathname).toBe('/');
    expect(Object.fromEntries(hmac.searchParams)).toMatchObject({
      connection: 'shopify',
      status: 'error',
      code: 'invalid_oauth_callback',
      workspaceId: W.split('/')[3],
    });
    expect(hmac.searchParams.get('message')).toMatch(/hmac/);
    // A forged state: same, with the state error; no cookie at all: no workspace to name, still back to the studio.
    const forged = new URL(back);
    forged.searchParams.set('state', 'forged-state-value-000000000000');
    const state = await navigate(forged, started.cookie);
    expect(state.searchParams.get('code')).toBe('oauth_state_mismatch');
    expect(state.searchParams.get('workspaceId')).toBe(W.split('/')[3]);
    const noCookie = await navigate(back);
    expect(noCookie.searchParams.get('code')).toBe('oauth_state_missing');
    expect(noCookie.searchParams.has('workspaceId')).toBe(false);
    // The same failure for an API client: the JSON error, no redirect.
    const api = await callback(tampered, started.cookie);
    expect({ status: api.status, code: api.body.error.code }).toEqual({ status: 400, code: 'invalid_oauth_callback' });
    // Nothing was stored by any of these.
    expect((await t.request('GET', `${W}/brands/${brandId}`, { token: owner.token })).body.brand.credentials).toEqual(
      brandBefore,
    );
  });

  it('subscriptions follow the agents: disabling the Sentinel drops orders/create, enabling it adds it back', async () => {
    const mine = async () =>
      (await sandboxSubscriptions())
        .filter((s) => s.uri === `${t.url}/webhooks/shopify`)
        .map((s) => s.topic)
        .sort();
    const set = async (enabled: boolean) => {
      const agent = (await t.request('GET', `${W}/agents/${sentinelId}`, { token: owner.token })).body.agent;
      const saved = await t.request('PATCH', `${W}/agents/${sentinelId}`, {
        token: owner.token,
        body: { baseRevision: agent.revision, enabled },
      });
      expect(saved.status).toBe(200);
      await t.server.useCases.shopifyConnections.settled();
    };
    await set(false);
    expect(await mine()).toEqual(['APP_UNINSTALLED']);
    await set(true);
    expect(await mine()).toEqual(['APP_UNINSTALLED', 'ORDERS_CREATE']);
  });

  it('app/uninstalled suspends the agents bound to the store (runs refused); connecting again resumes them', async () => {
    // A second agent bound to the store that its users disabled themselves: it must stay disabled throughout.
    const resting = await t.request('POST', `${W}/agents`, {
      token: owner.token,
      body: {
        yaml: SENTINEL.replace('name: shopify-sales-sentinel', 'name: resting-sentinel'),
        name: 'Resting Sentinel',
        enabled: false,
        bindings: { store: { brandId } },
      },
    });
    expect(resting.status).toBe(201);
    // A studio open on the workspace: it hears of the suspension and of the resumption as they happen.
    const socket = await t.connect(owner.token);
    expect(await emitWithAck(socket, 'workspace:join', { workspaceId: W.split('/')[3] })).toMatchObject({ ok: true });
    const changes = collect<{ agentId: string }>(socket, 'agent:changed');
    // Uninstalling removes the app's webhook subscriptions in the store (Shopify does it): done here with the
    // store's own token, since the test only sends the app/uninstalled webhook.
    const listed = await fetch(`${t.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-access-token': SANDBOX_CREDENTIALS.shopify.accessToken,
      },
      body: JSON.stringify({ query: '{ webhookSubscriptions(first: 50) { nodes { id uri } } }' }),
    }).then((r) => r.json() as Promise<any>);
    for (const node of listed.data.webhookSubscriptions.nodes as { id: string; uri: string }[])
      if (node.uri === `${t.url}/webhooks/shopify`)
        await fetch(`${t.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shopify-access-token': SANDBOX_CREDENTIALS.shopify.accessToken,
          },
          body: JSON.stringify({
            query: 'mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId } }',
            variables: { id: node.id },
          }),
        });
    expect(await sandboxSubscriptions()).not.toContainEqual(
      expect.objectContaining({ uri: `${t.url}/webhooks/shopify` }),
    );
    const raw = JSON.stringify({ id: 1, domain: SHOP });
    const delivered = await fetch(`${t.url}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'app/uninstalled',
        'x-shopify-shop-domain': SHOP,
        'x-shopify-event-id': `uninstall-${Date.now()}`,
        'x-shopify-hmac-sha256': createHmac('sha256', SANDBOX_CREDENTIALS.shopify.clientSecret)
          .update(raw)
          .digest('base64'),
      },
      body: raw,
    });
    expect(delivered.status).toBe(200);
    const agentOf = async (id: string) =>
      (await t.request('GET', `${W}/agents/${id}`, { token: owner.token })).body.agent;
    // Processing is asynchronous: wait for the suspension itself.
    for (let i = 0; (await agentOf(sentinelId)).enabled; i++) {
      if (i > 400) throw new Error('the uninstall was never processed');
      await new Promise((r) => setTimeout(r, 50));
    }
    await waitUntil(() => changes.length >= 1, 10_000, 'agent:changed of the suspension');
    // Only the suspended agent: the one its users had disabled is not touched.
    expect(changes).toEqual([{ agentId: sentinelId }]);
    const suspended = await agentOf(sentinelId);
    expect(suspended.suspended).toEqual({
      brandId,
      reason: `the Shopify store ${SHOP} uninstalled the app; connect the Brand "My Test Store" to its store again to resume it`,
    });
    expect(await agentOf(resting.body.agent.id)).toMatchObject({ enabled: false, suspended: null });
    const refused = await t.request('POST', `${W}/agents/${sentinelId}/runs`, { token: owner.token, body: {} });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('agent_suspended');
    expect(refused.body.error.message).toBe(
      `Agent "Shopify Sales Sentinel" is suspended: ${suspended.suspended.reason}`,
    );
    const brand = (await t.request('GET', `${W}/brands/${brandId}`, { token: owner.token })).body.brand;
    expect(brand).toMatchObject({ credentials: { connected: false }, connection: { state: 'uninstalled' } });

    // Connecting the store again (the OAuth screens) resumes the suspended agent, and only it.
    const started = await begin(`${W}/brands/${brandId}/shopify/connect`);
    const done = await callback(await consent(started.body.authorizeUrl), started.cookie);
    expect(done.status).toBe(303);
    expect(await agentOf(sentinelId)).toMatchObject({ enabled: true, suspended: null });
    expect(await agentOf(resting.body.agent.id)).toMatchObject({ enabled: false, suspended: null });
    await waitUntil(() => changes.length >= 2, 10_000, 'agent:changed of the resumption');
    expect(changes).toEqual([{ agentId: sentinelId }, { agentId: sentinelId }]);
    socket.disconnect();
    const mine = (await sandboxSubscriptions()).filter((s) => s.uri === `${t.url}/webhooks/shopify`);
    expect(mine.map((s) => s.topic).sort()).toEqual(['APP_UNINSTALLED', 'ORDERS_CREATE']);
    const run = await t.request('POST', `${W}/agents/${sentinelId}/runs`, {
      token: owner.token,
      body: { trigger: { topic: 'orders/create', shop: SHOP, order: { id: 1, total_price: '5.00', currency: 'USD' } } },
    });
    expect(run.status).toBe(202);
    await t.request('DELETE', `${W}/agents/${resting.body.agent.id}`, { token: owner.token });
    // The deletion re-syncs the store's subscriptions in the background: let it finish before the next test.
    await t.server.useCases.shopifyConnections.settled();
  }, 60_000);

  it('connecting again adopts subscriptions the store already has that this server lost track of', async () => {
    const before = (await sandboxSubscriptions()).filter((s) => s.uri === `${t.url}/webhooks/shopify`);
    expect(before.map((s) => s.topic).sort()).toEqual(['APP_UNINSTALLED', 'ORDERS_CREATE']);
    // The record is lost (the store still sends both topics here): creating them again is "already taken".
    await t.server.db.updateTable('brands').set({ webhook_subscriptions: '[]' }).where('id', '=', brandId).execute();
    const started = await begin(`${W}/brands/${brandId}/shopify/connect`);
    expect((await callback(await consent(started.body.authorizeUrl), started.cookie)).status).toBe(303);
    const row = await t.server.db
      .selectFrom('brands')
      .select('webhook_subscriptions')
      .where('id', '=', brandId)
      .executeTakeFirstOrThrow();
    expect((row.webhook_subscriptions as { topic: string }[]).map((s) => s.topic).sort()).toEqual([
      'app/uninstalled',
      'orders/create',
    ]);
    // Still one subscription per topic in the store.
    const after = (await sandboxSubscriptions()).filter((s) => s.uri === `${t.url}/webhooks/shopify`);
    expect(after.map((s) => s.topic).sort()).toEqual(['APP_UNINSTALLED', 'ORDERS_CREATE']);
  });

  it('disconnecting removes the subscriptions from the store and the token here', async () => {
    const res = await t.request('DELETE', `${W}/brands/${brandId}/shopify/connection`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.brand).toMatchObject({ credentials: { connected: false }, connection: { state: 'disconnected' } });
    expect((await sandboxSubscriptions()).filter((s) => s.uri === `${t.url}/webhooks/shopify`)).toEqual([]);
  });

  /**
   * Holds the server's next webhookSubscriptionCreate call to the sandbox store until `release()`; `reached` resolves
   * when it is held. The server runs in this process, so its fetch is this global's.
   */
  function holdNextSubscriptionCreate() {
    const realFetch = globalThis.fetch;
    let reached!: () => void;
    let release!: () => void;
    const held = { reached: new Promise<void>((r) => (reached = r)), release: () => release() };
    const gate = new Promise<void>((r) => (release = r));
    let taken = false;
    globalThis.fetch = async (input, init) => {
      const body = typeof init?.body === 'string' ? init.body : '';
      if (!taken && String(input).endsWith('/graphql.json') && body.includes('webhookSubscriptionCreate')) {
        taken = true;
        globalThis.fetch = realFetch;
        reached();
        await gate;
      }
      return realFetch(input, init);
    };
    return held;
  }

  const connectAgain = async () => {
    const started = await begin(`${W}/brands/${brandId}/shopify/connect`);
    expect((await callback(await consent(started.body.authorizeUrl), started.cookie)).status).toBe(303);
    await t.server.useCases.shopifyConnections.settled();
  };
  const mine = async () =>
    (await sandboxSubscriptions())
      .filter((s) => s.uri === `${t.url}/webhooks/shopify`)
      .map((s) => s.topic)
      .sort();
  const brandRow = () =>
    t.server.db
      .selectFrom('brands')
      .select(['connection_state', 'webhook_subscriptions'])
      .where('id', '=', brandId)
      .executeTakeFirstOrThrow();
  /** Installs an agent listening to orders/paid on the Brand: its save starts a background subscription sync. */
  const installPaidListener = async (name: string) => {
    const res = await t.request('POST', `${W}/agents`, {
      token: owner.token,
      body: {
        yaml: SENTINEL.replace('name: shopify-sales-sentinel', `name: ${name}`).replace(
          'topic: orders/create',
          'topic: orders/paid',
        ),
        name,
        bindings: { store: { brandId } },
      },
    });
    expect(res.status).toBe(201);
    return res.body.agent.id as string;
  };

  it('a disconnect during a background subscription sync waits for it, and deletes what it created', async () => {
    await connectAgain();
    expect(await mine()).toEqual(['APP_UNINSTALLED', 'ORDERS_CREATE']);
    const held = holdNextSubscriptionCreate();
    const agent = await installPaidListener('paid-listener-a');
    // The sync is inside the shop call that creates orders/paid.
    await held.reached;
    // The disconnect starts; once past its access check it queues behind the sync (its Brand's lock).
    const profiles = t.server.useCases.profiles;
    const getBrand = profiles.getBrand.bind(profiles);
    let checked!: () => void;
    const accessChecked = new Promise<void>((r) => (checked = r));
    profiles.getBrand = async (...args: Parameters<typeof getBrand>) => {
      const brand = await getBrand(...args);
      checked();
      return brand;
    };
    try {
      const disconnecting = t.request('DELETE', `${W}/brands/${brandId}/shopify/connection`, { token: owner.token });
      await accessChecked;
      await new Promise((r) => setImmediate(r));
      held.release();
      expect((await disconnecting).status).toBe(200);
    } finally {
      profiles.getBrand = getBrand;
    }
    await t.server.useCases.shopifyConnections.settled();
    // Nothing left in the store (orders/paid included), nothing recorded, the Brand stays disconnected.
    expect(await mine()).toEqual([]);
    expect(await brandRow()).toEqual({ connection_state: 'disconnected', webhook_subscriptions: [] });
    await t.request('DELETE', `${W}/agents/${agent}`, { token: owner.token });
    await t.server.useCases.shopifyConnections.settled();
  });

  it('a sync that finishes after another process disconnected the Brand records nothing and deletes what it made', async () => {
    await connectAgain();
    expect(await mine()).toEqual(['APP_UNINSTALLED', 'ORDERS_CREATE']);
    const held = holdNextSubscriptionCreate();
    const agent = await installPaidListener('paid-listener-b');
    await held.reached;
    // Meanwhile another server process disconnects the Brand: it deletes the subscriptions it knows of (not the one
    // being created) and the token, and records the Brand disconnected.
    const listed = await fetch(`${t.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-access-token': SANDBOX_CREDENTIALS.shopify.accessToken,
      },
      body: JSON.stringify({ query: '{ webhookSubscriptions(first: 50) { nodes { id uri } } }' }),
    }).then((r) => r.json() as Promise<any>);
    for (const node of listed.data.webhookSubscriptions.nodes as { id: string; uri: string }[])
      if (node.uri === `${t.url}/webhooks/shopify`)
        await fetch(`${t.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-shopify-access-token': SANDBOX_CREDENTIALS.shopify.accessToken,
          },
          body: JSON.stringify({
            query: 'mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId } }',
            variables: { id: node.id },
          }),
        });
    await t.server.db
      .deleteFrom('integration_credentials')
      .where('owner_type', '=', 'brand')
      .where('owner_id', '=', brandId)
      .execute();
    await t.server.db
      .updateTable('brands')
      .set({ connection_state: 'disconnected', webhook_subscriptions: '[]' })
      .where('id', '=', brandId)
      .execute();
    held.release();
    await t.server.useCases.shopifyConnections.settled();
    expect(await mine()).toEqual([]);
    expect(await brandRow()).toEqual({ connection_state: 'disconnected', webhook_subscriptions: [] });
    await t.request('DELETE', `${W}/agents/${agent}`, { token: owner.token });
    await t.server.useCases.shopifyConnections.settled();
  });

  it('a member (not admin) cannot start a connection', async () => {
    const member = await t.signup('Member');
    await t.addMember({ owner, user: member, workspaceId: W.split('/')[3]!, role: 'member' });
    expect((await begin(`${W}/brands/${brandId}/shopify/connect`, {}, member)).status).toBe(403);
  });
});

describe('connecting a Creator to TikTok (Login Kit v2 against the sandbox)', () => {
  let creatorId: string;
  let agentId: string;
  const workspaceId = () => W.split('/')[3]!;
  const stored = () =>
    t.server.useCases.profiles.readCredentials({
      workspaceId: workspaceId(),
      ownerType: 'creator',
      ownerId: creatorId,
    });
  const runAgent = async () => {
    const started = await t.request('POST', `${W}/agents/${agentId}/runs`, { token: owner.token, body: {} });
    expect(started.status).toBe(202);
    for (let i = 0; ; i++) {
      const run = (await t.request('GET', `${W}/runs/${started.body.run.id}`, { token: owner.token })).body.run;
      if (run.status !== 'queued' && run.status !== 'running') return run;
      if (i > 1200) throw new Error('run did not finish');
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const tokenEndpoint = (params: Record<string, string>) =>
    fetch(`${t.url}/sandbox/tiktok/v2/oauth/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_key: SANDBOX_CREDENTIALS.tiktok.clientKey,
        client_secret: SANDBOX_CREDENTIALS.tiktok.clientSecret,
        ...params,
      }),
    }).then((r) => r.json() as Promise<any>);

  beforeAll(async () => {
    creatorId = (
      await t.request('POST', `${W}/creators`, {
        token: owner.token,
        body: { name: 'My Test Creator', handle: 'demo' },
      })
    ).body.creator.id;
    agentId = (
      await t.request('POST', `${W}/agents`, {
        token: owner.token,
        body: { yaml: TIKTOK_AGENT, bindings: { creator: { creatorId } } },
      })
    ).body.agent.id;
  });

  it('a denied consent stores nothing; a forged state is refused; an approved one connects with PKCE', async () => {
    const denied = await begin(`${W}/creators/${creatorId}/tiktok/connect`);
    const refusal = await consent(`${denied.body.authorizeUrl}&sandbox_consent=deny`);
    expect(refusal.searchParams.get('error')).toBe('access_denied');
    const deniedDone = await callback(refusal, denied.cookie);
    expect(deniedDone.status).toBe(303);
    expect(deniedDone.location).toContain('status=denied');
    expect(await stored()).toBeUndefined();
    expect(
      (await t.request('GET', `${W}/creators/${creatorId}`, { token: owner.token })).body.creator.connection.detail,
    ).toContain('access_denied');

    const started = await begin(`${W}/creators/${creatorId}/tiktok/connect`);
    const authorize = new URL(started.body.authorizeUrl);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    // Login Kit scopes the agents declare (research scopes belong to the client credentials grant).
    expect(authorize.searchParams.get('scope')).toBe('user.info.basic');
    const back = await consent(started.body.authorizeUrl);
    const forged = new URL(back);
    forged.searchParams.set('state', 'x'.repeat(32));
    expect((await callback(forged, started.cookie)).status).toBe(401);
    expect((await callback(back, denied.cookie)).status).toBe(401); // another flow's cookie
    const done = await callback(back, started.cookie);
    expect(done.status).toBe(303);
    expect(done.location).toContain('connection=tiktok&status=connected');
    const creator = (await t.request('GET', `${W}/creators/${creatorId}`, { token: owner.token })).body.creator;
    expect(creator).toMatchObject({ credentials: { connected: true }, connection: { state: 'connected' } });
    const tokens = await stored();
    expect(tokens!.accessToken).toMatch(/^act\./);
    expect(tokens!.refreshToken).toMatch(/^rft\./);
  }, 60_000);

  it('an expired token is refreshed before a run: the rotated pair is stored, the old refresh token is dead', async () => {
    const before = (await stored())!;
    await t.server.db
      .updateTable('integration_credentials')
      .set({ expires_at: new Date(Date.now() - 60_000) })
      .where('owner_id', '=', creatorId)
      .execute();
    const run = await runAgent();
    expect(run.status).toBe('succeeded');
    const after = (await stored())!;
    expect(after.accessToken).not.toBe(before.accessToken);
    expect(after.refreshToken).not.toBe(before.refreshToken);
    expect(Date.parse(after.expiresAt!)).toBeGreaterThan(Date.now() + 3600_000);
    // TikTok rotated it: the old refresh token is refused, the stored one is the live one.
    expect((await tokenEndpoint({ grant_type: 'refresh_token', refresh_token: before.refreshToken! })).error).toBe(
      'invalid_grant',
    );
    const info = await fetch(`${t.url}/sandbox/tiktok/v2/user/info/?fields=open_id`, {
      headers: { authorization: `Bearer ${after.accessToken}` },
    });
    expect(info.status).toBe(200);
  }, 120_000);

  it('a revoked authorization shows on the Creator, and runs fail saying to reconnect', async () => {
    const current = (await stored())!;
    // The user removes the app in TikTok: the authorization (access and refresh tokens) is revoked.
    await fetch(`${t.url}/sandbox/tiktok/v2/oauth/revoke/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_key: SANDBOX_CREDENTIALS.tiktok.clientKey,
        client_secret: SANDBOX_CREDENTIALS.tiktok.clientSecret,
        token: current.accessToken,
      }),
    });
    const refreshed = await t.request('POST', `${W}/creators/${creatorId}/tiktok/refresh`, { token: owner.token });
    expect(refreshed.status).toBe(409);
    expect(refreshed.body.error).toMatchObject({ code: 'tiktok_reconnect' });
    expect(refreshed.body.error.message).toContain('Connect it again');
    const creator = (await t.request('GET', `${W}/creators/${creatorId}`, { token: owner.token })).body.creator;
    expect(creator.connection.state).toBe('revoked');
    const run = await runAgent();
    expect(run.status).toBe('failed');
    expect(run.error.message).toContain(
      'Creator "My Test Creator" cannot be used: its TikTok authorization was revoked',
    );
    expect(run.error.message).toContain('Connect it again');
    expect(run.error.message).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('disconnecting revokes at TikTok and deletes the tokens', async () => {
    const started = await begin(`${W}/creators/${creatorId}/tiktok/connect`);
    await callback(await consent(started.body.authorizeUrl), started.cookie);
    const token = (await stored())!.accessToken;
    const res = await t.request('DELETE', `${W}/creators/${creatorId}/tiktok/connection`, { token: owner.token });
    expect(res.body.creator).toMatchObject({
      credentials: { connected: false },
      connection: { state: 'disconnected' },
    });
    const info = await fetch(`${t.url}/sandbox/tiktok/v2/user/info/?fields=open_id`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(info.status).toBe(401);
  }, 60_000);
});
