import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import type { ServerOptions } from '../../config';
import { startServer, type ServerHandle } from '../../server';
import {
  createTestPostgresDatabase,
  startTestServer,
  testDatabaseTarget,
  type TestServer,
  type TestUser,
} from '../../testing/test-server';

const SECRET = SANDBOX_CREDENTIALS.shopify.clientSecret;
const EXAMPLES = path.join(__dirname, '..', '..', '..', '..', 'examples', 'agents');
const SENTINEL = fs.readFileSync(path.join(EXAMPLES, 'shopify-sales-sentinel.yaml'), 'utf8');
/** The Sales Sentinel under another name, listening to another topic. */
const sentinelVariant = (name: string, topic = 'orders/create') =>
  SENTINEL.replace('name: shopify-sales-sentinel', `name: ${name}`)
    .replace('displayName: Shopify Sales Sentinel', `displayName: ${name}`)
    .replace('topic: orders/create', `topic: ${topic}`);

interface Delivery {
  shop: string;
  topic: string;
  body: Record<string, unknown>;
  eventId?: string;
  secret?: string;
}

/** POSTs a webhook signed as Shopify signs it (base64 HMAC-SHA256 of the raw body with the app secret). */
async function deliver(url: string, d: Delivery): Promise<{ status: number; body: any; eventId: string }> {
  const raw = JSON.stringify(d.body);
  const eventId = d.eventId ?? randomUUID();
  const response = await fetch(`${url}/webhooks/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': d.topic,
      'x-shopify-shop-domain': d.shop,
      'x-shopify-event-id': eventId,
      'x-shopify-webhook-id': randomUUID(),
      'x-shopify-api-version': '2025-10',
      'x-shopify-triggered-at': new Date().toISOString(),
      'x-shopify-hmac-sha256': createHmac('sha256', d.secret ?? SECRET)
        .update(raw)
        .digest('base64'),
    },
    body: raw,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, eventId };
}

const order = (id: number, total = '10.00', customerId = 7) => ({
  id,
  name: `#${id}`,
  total_price: total,
  currency: 'USD',
  email: `buyer${customerId}@example.com`,
  customer: { id: customerId, email: `buyer${customerId}@example.com` },
  line_items: [{ title: 'Product X', quantity: 1 }],
});

async function settle(server: ServerHandle): Promise<void> {
  for (let i = 0; ; i++) {
    await server.useCases.shopifyWebhooks.idle();
    const pending = await server.db
      .selectFrom('shopify_webhook_inbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('processed_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(pending.n) === 0) return;
    if (i > 600) throw new Error(`${pending.n} webhooks still unprocessed`);
    server.useCases.shopifyWebhooks.wake();
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Order ids of the shopify.order runs of each agent. */
async function runOrdersByAgent(server: ServerHandle): Promise<Map<string, string[]>> {
  const rows = await sql<{ agent_id: string; order_id: string }>`
    select agent_id, trigger_payload->'order'->>'id' as order_id from agent_runs
    where trigger_kind = 'shopify.order'`.execute(server.db);
  const byAgent = new Map<string, string[]>();
  // Runs whose order was redacted (privacy topics) hold no order id any more.
  for (const row of rows.rows)
    if (row.order_id !== null) byAgent.set(row.agent_id, [...(byAgent.get(row.agent_id) ?? []), row.order_id]);
  for (const ids of byAgent.values()) ids.sort();
  return byAgent;
}

describe('POST /webhooks/shopify', () => {
  let t: TestServer;
  let owner: TestUser;
  let W: string;
  let brandA: string;
  let brandB: string;
  const SHOP_A = 'store-a.myshopify.com';
  const SHOP_B = 'store-b.myshopify.com';

  const install = async (yaml: string, brandId: string, extra: Record<string, unknown> = {}) => {
    const res = await t.request('POST', `${W}/agents`, {
      token: owner.token,
      body: { yaml, inputs: { threshold: 100, channel: 'sales' }, bindings: { store: { brandId } }, ...extra },
    });
    expect(res.status).toBe(201);
    return res.body.agent.id as string;
  };

  beforeAll(async () => {
    // One run slot: the runs these tests start execute slowly in the background; the tests look at what was queued.
    t = await startTestServer({ sandbox: true, runSlots: 1 });
    owner = await t.signup('Owner');
    W = `/api/workspaces/${await t.createWorkspace(owner, 'Shops')}`;
    brandA = (await t.request('POST', `${W}/brands`, { token: owner.token, body: { name: 'A', shopDomain: SHOP_A } }))
      .body.brand.id;
    brandB = (await t.request('POST', `${W}/brands`, { token: owner.token, body: { name: 'B', shopDomain: SHOP_B } }))
      .body.brand.id;
  }, 60_000);
  afterAll(async () => {
    await t.close();
  });

  it('refuses a missing or wrong signature with 401 before reading the payload, and stores nothing', async () => {
    const body = order(1);
    const wrongSecret = await deliver(t.url, { shop: SHOP_A, topic: 'orders/create', body, secret: 'not-the-secret' });
    expect(wrongSecret.status).toBe(401);
    expect(wrongSecret.body.error.code).toBe('invalid_webhook_signature');
    const unsigned = await fetch(`${t.url}/webhooks/shopify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/create' },
      body: 'not even json',
    });
    expect(unsigned.status).toBe(401);
    // A correctly signed body with a tampered byte is refused too.
    const raw = JSON.stringify(body);
    const tampered = await fetch(`${t.url}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'orders/create',
        'x-shopify-shop-domain': SHOP_A,
        'x-shopify-event-id': randomUUID(),
        'x-shopify-hmac-sha256': createHmac('sha256', SECRET).update(raw).digest('base64'),
      },
      body: raw.replace('10.00', '99.00'),
    });
    expect(tampered.status).toBe(401);
    const stored = await t.server.db.selectFrom('shopify_webhook_inbox').selectAll().execute();
    expect(stored).toEqual([]);
    // Signed but without a shop domain Shopify would send: 400 naming the header.
    const foreign = await deliver(t.url, { shop: 'evil.example.com', topic: 'orders/create', body });
    expect(foreign.status).toBe(400);
    expect(foreign.body.error.fields[0].path).toBe('headers.X-Shopify-Shop-Domain');
  });

  it("answers ahead of Express with the API's headers; 413 over 2 MiB (sized or chunked); gzip goes through Express", async () => {
    const health = await fetch(`${t.url}/healthz`);
    const requestId = `shopify-${randomUUID()}`;
    const raw = JSON.stringify(order(5001));
    const signed = (body: string | Buffer) => createHmac('sha256', SECRET).update(body).digest('base64');
    const eventIds: string[] = [];
    const headers = (body: string) => ({
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': SHOP_B,
      'x-shopify-event-id': eventIds[eventIds.push(randomUUID()) - 1]!,
      'x-shopify-hmac-sha256': signed(body),
    });
    const stored = await fetch(`${t.url}/webhooks/shopify`, {
      method: 'POST',
      headers: { ...headers(raw), 'x-request-id': requestId },
      body: raw,
    });
    expect(stored.status).toBe(200);
    expect(await stored.json()).toEqual({ received: true, duplicate: false });
    expect(stored.headers.get('x-request-id')).toBe(requestId);
    expect(stored.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // Every security header of an answer that went through the Express stack, with the same value.
    const security = [...health.headers.keys()].filter(
      (name) => !['date', 'content-length', 'etag', 'x-request-id', 'connection', 'keep-alive'].includes(name),
    );
    expect(security).toEqual(expect.arrayContaining(['content-security-policy', 'x-frame-options', 'cache-control']));
    for (const name of security)
      expect({ name, value: stored.headers.get(name) }).toEqual({ name, value: health.headers.get(name) });

    const huge = JSON.stringify({ ...order(5002), note: 'x'.repeat(2 * 1024 * 1024) });
    const sized = await fetch(`${t.url}/webhooks/shopify`, { method: 'POST', headers: headers(huge), body: huge });
    expect(sized.status).toBe(413);
    expect(((await sized.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    const chunked = await fetch(`${t.url}/webhooks/shopify`, {
      method: 'POST',
      headers: headers(huge),
      body: new ReadableStream({
        start(controller) {
          for (let at = 0; at < huge.length; at += 256 * 1024)
            controller.enqueue(new TextEncoder().encode(huge.slice(at, at + 256 * 1024)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);

    // A compressed body is not the fast path's: Express inflates it and the signature is checked over the JSON.
    const zipped = await fetch(`${t.url}/webhooks/shopify`, {
      method: 'POST',
      headers: { ...headers(raw), 'content-encoding': 'gzip' },
      body: zlib.gzipSync(raw),
    });
    expect(zipped.status).toBe(200);
    const rows = await t.server.db
      .selectFrom('shopify_webhook_inbox')
      .select(['event_id', 'payload'])
      .where('event_id', 'in', eventIds)
      .execute();
    // The two refused bodies stored nothing; the fast path's and Express's deliveries one row each.
    expect(rows.map((row) => [row.event_id, (row.payload as { id: number }).id]).sort()).toEqual(
      [
        [eventIds[0], 5001],
        [eventIds[3], 5001],
      ].sort(),
    );
    await settle(t.server);
  });

  it('a replayed event answers 200 and starts nothing more: one inbox row, one run', async () => {
    const agent = await install(sentinelVariant('replay-sentinel'), brandA);
    const first = await deliver(t.url, { shop: SHOP_A, topic: 'orders/create', body: order(5001, '150.00') });
    expect(first).toMatchObject({ status: 200, body: { received: true, duplicate: false } });
    const replay = await deliver(t.url, {
      shop: SHOP_A,
      topic: 'orders/create',
      body: order(5001, '150.00'),
      eventId: first.eventId,
    });
    expect(replay).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    await settle(t.server);
    const rows = await t.server.db
      .selectFrom('shopify_webhook_inbox')
      .selectAll()
      .where('event_id', '=', first.eventId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.runs_started).toBe(1);
    expect((await runOrdersByAgent(t.server)).get(agent)).toEqual(['5001']);
    // The run carries the order as {{ trigger.order }} and the shop.
    const run = (await t.request('GET', `${W}/runs?agentId=${agent}`, { token: owner.token })).body.runs[0];
    expect(run.trigger).toMatchObject({
      kind: 'shopify.order',
      payload: { topic: 'orders/create', shop: SHOP_A, order: { id: 5001, total_price: '150.00' } },
    });
    await t.request('DELETE', `${W}/agents/${agent}`, { token: owner.token });
  });

  it('1,000 webhooks in a burst: exactly 1,000 inbox rows, and one run per matching agent and event', async () => {
    const sentinelA = await install(sentinelVariant('burst-sentinel-a'), brandA);
    const paidB = await install(sentinelVariant('burst-paid-b', 'orders/paid'), brandB);
    const disabledA = await install(sentinelVariant('burst-disabled-a'), brandA, { enabled: false });
    const deliveries: Delivery[] = [];
    for (let i = 0; i < 1000; i++)
      deliveries.push({
        shop: i % 2 === 0 ? SHOP_A : SHOP_B,
        topic: i % 3 === 0 ? 'orders/paid' : 'orders/create',
        body: order(100_000 + i),
      });
    const statuses: number[] = [];
    const eventIds: string[] = [];
    let next = 0;
    // 50 connections at once, like Shopify's parallel deliveries; plus 100 replays of events already sent.
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < deliveries.length) {
          const d = deliveries[next++]!;
          const result = await deliver(t.url, d);
          statuses.push(result.status);
          eventIds.push(result.eventId);
          if (eventIds.length % 10 === 0) {
            const replay = await deliver(t.url, { ...d, eventId: result.eventId });
            expect(replay.body.duplicate).toBe(true);
          }
        }
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1000);
    await settle(t.server);
    const count = await sql<{ n: number }>`
      select count(*)::int as n from shopify_webhook_inbox where event_id = any(${eventIds}::text[])`.execute(
      t.server.db,
    );
    expect(count.rows[0]!.n).toBe(1000);

    const expectedFor = (shop: string, topic: string) =>
      deliveries
        .filter((d) => d.shop === shop && d.topic === topic)
        .map((d) => String(d.body.id))
        .sort();
    const byAgent = await runOrdersByAgent(t.server);
    expect(byAgent.get(sentinelA)).toEqual(expectedFor(SHOP_A, 'orders/create'));
    expect(byAgent.get(paidB)).toEqual(expectedFor(SHOP_B, 'orders/paid'));
    expect(byAgent.get(disabledA)).toBeUndefined();
    expect(byAgent.get(sentinelA)!.length + byAgent.get(paidB)!.length).toBe(500);
    for (const agent of [sentinelA, paidB, disabledA])
      await t.request('DELETE', `${W}/agents/${agent}`, { token: owner.token });
  }, 300_000);

  it('the same event on several connections at once is stored once: one delivery is new, the others duplicates', async () => {
    const agent = await install(sentinelVariant('concurrent-replay-sentinel'), brandA);
    const eventId = randomUUID();
    // Sent together, they reach the intake while one INSERT is in flight and share the next batch.
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        deliver(t.url, { shop: SHOP_A, topic: 'orders/create', body: order(5101, '150.00'), eventId }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    await settle(t.server);
    const rows = await t.server.db
      .selectFrom('shopify_webhook_inbox')
      .selectAll()
      .where('event_id', '=', eventId)
      .execute();
    expect(rows).toHaveLength(1);
    expect((await runOrdersByAgent(t.server)).get(agent)).toEqual(['5101']);
    await t.request('DELETE', `${W}/agents/${agent}`, { token: owner.token });
  });

  it('a body holding U+0000 (which jsonb cannot store) is a 400 naming it, and the webhooks around it are stored', async () => {
    const before = await deliver(t.url, { shop: SHOP_B, topic: 'orders/create', body: order(5201) });
    const nul = await deliver(t.url, {
      shop: SHOP_B,
      topic: 'orders/create',
      body: { ...order(5202), note: 'a\u0000b' },
    });
    const after = await deliver(t.url, { shop: SHOP_B, topic: 'orders/create', body: order(5203) });
    expect([before.status, nul.status, after.status]).toEqual([200, 400, 200]);
    expect(nul.body.error).toMatchObject({ code: 'invalid_webhook', message: expect.stringContaining('U+0000') });
    const stored = await t.server.db
      .selectFrom('shopify_webhook_inbox')
      .select('event_id')
      .where('event_id', 'in', [before.eventId, nul.eventId, after.eventId])
      .execute();
    expect(stored.map((r) => r.event_id).sort()).toEqual([before.eventId, after.eventId].sort());
    // An escaped backslash before "u0000" is ordinary text.
    const text = await deliver(t.url, {
      shop: SHOP_B,
      topic: 'orders/create',
      body: { ...order(5204), note: 'a\\u0000' },
    });
    expect(text.status).toBe(200);
    await settle(t.server);
  });

  it('a row whose processing fails is retried and set aside; the rows processed with it still commit', async () => {
    const agent = await install(sentinelVariant('poison-sentinel'), brandB);
    // The database refuses the run of order 6660 (a sentinel failure the processing cannot avoid).
    await sql`create function refuse_order_6660() returns trigger language plpgsql as $$
      begin
        if new.trigger_payload->'order'->>'id' = '6660' then raise exception 'order 6660 refused'; end if;
        return new;
      end $$`.execute(t.server.db);
    await sql`create trigger refuse_order_6660 before insert on agent_runs
      for each row execute function refuse_order_6660()`.execute(t.server.db);
    try {
      // Processing paused: the six rows wait, and the first batch after the restart takes them together.
      await t.server.useCases.shopifyWebhooks.stop();
      const ids = [6658, 6659, 6660, 6661, 6662, 6663];
      const sent = [];
      for (const id of ids) sent.push(await deliver(t.url, { shop: SHOP_B, topic: 'orders/create', body: order(id) }));
      expect(sent.map((r) => r.status)).toEqual(Array(6).fill(200));
      t.server.useCases.shopifyWebhooks.start();
      await settle(t.server);
      const rows = await t.server.db
        .selectFrom('shopify_webhook_inbox')
        .select(['event_id', 'attempts', 'runs_started', 'outcome'])
        .where(
          'event_id',
          'in',
          sent.map((r) => r.eventId),
        )
        .execute();
      const byEvent = new Map(rows.map((r) => [r.event_id, r]));
      const poison = byEvent.get(sent[2]!.eventId)!;
      expect(poison).toMatchObject({ attempts: 5, runs_started: 0 });
      expect(poison.outcome).toContain('order 6660 refused');
      for (const i of [0, 1, 3, 4, 5])
        expect(byEvent.get(sent[i]!.eventId)).toMatchObject({ attempts: 1, runs_started: 1 });
      expect((await runOrdersByAgent(t.server)).get(agent)).toEqual(['6658', '6659', '6661', '6662', '6663']);
    } finally {
      await sql`drop trigger refuse_order_6660 on agent_runs`.execute(t.server.db);
      await sql`drop function refuse_order_6660()`.execute(t.server.db);
      await t.request('DELETE', `${W}/agents/${agent}`, { token: owner.token });
    }
  }, 60_000);

  it('privacy topics: a data request tells the admins what is held, a customer and a shop redaction erase it', async () => {
    const sentinel = await install(sentinelVariant('privacy-sentinel'), brandB);
    await deliver(t.url, { shop: SHOP_B, topic: 'orders/create', body: order(9001, '20.00', 42) });
    await deliver(t.url, { shop: SHOP_B, topic: 'orders/create', body: order(9002, '20.00', 42) });
    await deliver(t.url, { shop: SHOP_B, topic: 'orders/create', body: order(9003, '20.00', 43) });
    await settle(t.server);
    expect((await runOrdersByAgent(t.server)).get(sentinel)).toEqual(['9001', '9002', '9003']);

    const customer = { id: 42, email: 'buyer42@example.com', phone: null };
    await deliver(t.url, {
      shop: SHOP_B,
      topic: 'customers/data_request',
      body: { shop_id: 1, shop_domain: SHOP_B, orders_requested: [9001, 9002], customer, data_request: { id: 77 } },
    });
    await settle(t.server);
    const notes = (await t.request('GET', `/api/notifications`, { token: owner.token })).body.notifications as {
      title: string;
      body: string;
    }[];
    const request = notes.find((n) => n.title.startsWith('Shopify customer data request'));
    expect(request?.body).toContain('holds 2 order event(s) and 2 agent run(s)');
    expect(request?.body).toContain('orders: 9001, 9002');

    await deliver(t.url, {
      shop: SHOP_B,
      topic: 'customers/redact',
      body: { shop_id: 1, shop_domain: SHOP_B, customer, orders_to_redact: [9001, 9002] },
    });
    await settle(t.server);
    const events = await sql<{ id: string | null; redacted: string | null }>`
      select payload->>'id' as id, payload->>'redacted' as redacted from shopify_webhook_inbox
      where shop_domain = ${SHOP_B} and topic = 'orders/create' order by id`.execute(t.server.db);
    expect(events.rows.filter((r) => r.redacted === 'true')).toHaveLength(2);
    expect(events.rows.filter((r) => r.id === '9003')).toHaveLength(1);
    expect(JSON.stringify(events.rows)).not.toContain('9001');
    expect((await runOrdersByAgent(t.server)).get(sentinel)).toEqual(['9003']);
    const runs = (await t.request('GET', `${W}/runs?agentId=${sentinel}`, { token: owner.token })).body.runs;
    expect(runs).toHaveLength(3);
    expect(JSON.stringify(runs)).not.toContain('buyer42@example.com');

    await deliver(t.url, { shop: SHOP_B, topic: 'shop/redact', body: { shop_id: 1, shop_domain: SHOP_B } });
    await settle(t.server);
    const left = await sql<{ n: number }>`
      select count(*)::int as n from shopify_webhook_inbox where shop_domain = ${SHOP_B} and topic like 'orders/%'`.execute(
      t.server.db,
    );
    expect(left.rows[0]!.n).toBe(0);
    expect((await runOrdersByAgent(t.server)).get(sentinel)).toBeUndefined();
    await t.request('DELETE', `${W}/agents/${sentinel}`, { token: owner.token });
  }, 120_000);

  it('app/uninstalled disconnects the store: token deleted, later orders start nothing', async () => {
    const sentinel = await install(sentinelVariant('uninstall-sentinel'), brandA);
    await t.request('PUT', `${W}/brands/${brandA}/credentials`, {
      token: owner.token,
      body: { accessToken: 'shpat_x', scopes: ['read_orders'] },
    });
    await deliver(t.url, { shop: SHOP_A, topic: 'app/uninstalled', body: { id: 1, domain: SHOP_A } });
    // The sentinel: an order after the uninstall, then one for the other store, which is still connected.
    await deliver(t.url, { shop: SHOP_A, topic: 'orders/create', body: order(7001) });
    await settle(t.server);
    const brand = (await t.request('GET', `${W}/brands/${brandA}`, { token: owner.token })).body.brand;
    expect(brand.credentials.connected).toBe(false);
    expect(brand.connection).toMatchObject({ state: 'uninstalled' });
    expect((await runOrdersByAgent(t.server)).get(sentinel)).toBeUndefined();
  }, 60_000);
});

describe('webhooks survive a server killed between the 200 and processing', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  });

  it('rows acknowledged by a process killed with SIGKILL are processed once after restart', async () => {
    let store: ServerOptions;
    if (testDatabaseTarget() === 'postgres') {
      const database = await createTestPostgresDatabase();
      cleanups.push(database.drop);
      store = { databaseUrl: database.url };
    } else {
      const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ionflux-webhooks-'));
      cleanups.push(() => fsp.rm(dataDir, { recursive: true, force: true }));
      store = { dataDir };
    }
    const options: ServerOptions = {
      port: 0,
      logLevel: 'silent',
      env: {},
      passwordHashCost: 10,
      sandbox: true,
      ...store,
    };
    // Set up a workspace, a Brand and a bound Sales Sentinel, then stop.
    const setup = await startServer(options);
    const call = async (server: ServerHandle, method: string, route: string, token?: string, body?: unknown) => {
      const res = await fetch(`${server.url}${route}`, {
        method,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const token = (
      await call(setup, 'POST', '/api/auth/signup', undefined, {
        email: 'kill@example.com',
        password: 'kill-password-42',
        displayName: 'K',
      })
    ).body.accessToken;
    const W = `/api/workspaces/${(await call(setup, 'POST', '/api/workspaces', token, { name: 'K' })).body.workspace.id}`;
    const brandId = (await call(setup, 'POST', `${W}/brands`, token, { name: 'K', shopDomain: 'kill.myshopify.com' }))
      .body.brand.id;
    const agent = (
      await call(setup, 'POST', `${W}/agents`, token, { yaml: SENTINEL, bindings: { store: { brandId } } })
    ).body.agent.id;
    await setup.close();

    // A process that only receives (IONFLUX_WEBHOOK_PROCESSING=0), killed with SIGKILL after its 200s.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `require(${JSON.stringify(path.join(__dirname, '..', '..', '..', 'dist', 'server.js'))})
          .startServer(${JSON.stringify({ ...options, webhookProcessing: false })})
          .then((s) => console.log('READY ' + s.url))`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(async () => void child.kill('SIGKILL'));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const ready = /READY (\S+)/.exec(out);
        if (ready) resolve(ready[1]!);
      });
      child.once('exit', (code) => reject(new Error(`child exited ${code}`)));
    });
    const ids = Array.from({ length: 40 }, (_, i) => 300 + i);
    const results = await Promise.all(
      ids.map((id) => deliver(url, { shop: 'kill.myshopify.com', topic: 'orders/create', body: order(id) })),
    );
    expect(results.map((r) => r.status)).toEqual(ids.map(() => 200));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const after = await startServer(options);
    try {
      await settle(after);
      const rows = await after.db.selectFrom('shopify_webhook_inbox').selectAll().execute();
      expect(rows).toHaveLength(40);
      expect(rows.every((r) => r.processed_at !== null && r.runs_started === 1)).toBe(true);
      expect((await runOrdersByAgent(after)).get(agent)).toEqual(ids.map(String).sort());
      // A second restart processes nothing again.
      await after.close();
      const again = await startServer(options);
      await settle(again);
      expect((await runOrdersByAgent(again)).get(agent)).toHaveLength(40);
      await again.close();
    } finally {
      await after.close();
    }
  }, 180_000);
});
