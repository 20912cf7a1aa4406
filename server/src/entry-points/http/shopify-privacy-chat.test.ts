import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac, randomBytes, randomInt, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { REDACTED_MESSAGE_TEXT, REDACTED_NOTIFICATION_TITLE } from '../../domain/connections/shopify-webhooks';
import {
  collect,
  emitWithAck,
  startTestServer,
  waitUntil,
  type TestServer,
  type TestUser,
} from '../../testing/test-server';

/**
 * customers/redact erases what agent runs posted about the customer, not only the runs: Sales Sentinel runs started
 * by generated orders of two customers post to #sales and notify the team; redacting one customer replaces the text
 * and card of the messages that customer's runs posted and the notifications they sent, and nothing else.
 */

const SHOP = SANDBOX_CREDENTIALS.shopify.shopDomain;
const SENTINEL = fs.readFileSync(
  path.join(__dirname, '..', '..', '..', '..', 'examples', 'agents', 'shopify-sales-sentinel.yaml'),
  'utf8',
);

let t: TestServer;
let owner: TestUser;
let W: string;

beforeAll(async () => {
  t = await startTestServer({ sandbox: true });
  owner = await t.signup('Owner');
  W = `/api/workspaces/${await t.createWorkspace(owner, 'Privacy')}`;
}, 60_000);
afterAll(async () => {
  await t.close();
});

async function deliver(topic: string, body: Record<string, unknown>): Promise<number> {
  const raw = JSON.stringify(body);
  const response = await fetch(`${t.url}/webhooks/shopify`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-shopify-topic': topic,
      'x-shopify-shop-domain': SHOP,
      'x-shopify-event-id': randomUUID(),
      'x-shopify-hmac-sha256': createHmac('sha256', SANDBOX_CREDENTIALS.shopify.clientSecret)
        .update(raw)
        .digest('base64'),
    },
    body: raw,
  });
  return response.status;
}

/** A generated customer and orders of theirs above the Sentinel's threshold. */
function customer() {
  const id = randomInt(1, 2 ** 40);
  const email = `c${randomBytes(5).toString('hex')}@example.com`;
  const orders = [0, 1].map(() => {
    const orderId = randomInt(1, 2 ** 40);
    return {
      id: orderId,
      name: `#R${randomBytes(4).toString('hex')}`,
      total_price: `${randomInt(101, 999)}.${String(randomInt(0, 100)).padStart(2, '0')}`,
      currency: 'USD',
      email,
      customer: { id, email },
      line_items: [{ title: 'Gift box', quantity: randomInt(1, 5) }],
    };
  });
  return { id, email, orders };
}

describe('customers/redact', () => {
  it('redacts the chat messages and notifications of the runs its orders started, and only those', async () => {
    const brandId = (
      await t.request('POST', `${W}/brands`, { token: owner.token, body: { name: 'Store', shopDomain: SHOP } })
    ).body.brand.id;
    const channel = (await t.request('POST', `${W}/channels`, { token: owner.token, body: { name: 'sales' } })).body
      .channel;
    const agentId = (
      await t.request('POST', `${W}/agents`, {
        token: owner.token,
        body: { yaml: SENTINEL, bindings: { store: { brandId } } },
      })
    ).body.agent.id as string;
    const erased = customer();
    const kept = customer();
    for (const order of [...erased.orders, ...kept.orders]) expect(await deliver('orders/create', order)).toBe(200);
    for (let i = 0; ; i++) {
      const runs = (await t.request('GET', `${W}/runs?agentId=${agentId}`, { token: owner.token })).body.runs;
      if (runs.length === 4 && runs.every((r: { status: string }) => r.status === 'succeeded')) break;
      if (i > 1200) throw new Error(`runs: ${JSON.stringify(runs.map((r: { status: string }) => r.status))}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // A person replies in the thread of one of them, quoting it: a person's words are theirs, never rewritten.
    const messages = async () =>
      (await t.request('GET', `${W}/channels/${channel.id}/messages?limit=100`, { token: owner.token })).body
        .messages as { id: string; text: string; payload: unknown; editedAt: string | null; authorKind: string }[];
    const posted = await messages();
    const byOrder = (name: string) => posted.find((m) => m.text.includes(name))!;
    for (const order of [...erased.orders, ...kept.orders]) expect(byOrder(order.name)).toBeDefined();
    const quoted = `Ship ${erased.orders[0]!.name} today please`;
    await t.request('POST', `${W}/channels/${channel.id}/messages`, { token: owner.token, body: { text: quoted } });
    const notesWithIds = async () =>
      (await t.request('GET', '/api/notifications?limit=100', { token: owner.token })).body.notifications as {
        id: string;
        body: string;
      }[];
    const notes = async () =>
      (await t.request('GET', '/api/notifications?limit=100', { token: owner.token })).body.notifications as {
        title: string;
        body: string;
        source: { type: string; id: string } | null;
      }[];
    for (const c of [erased, kept]) expect((await notes()).filter((n) => n.body.includes(c.email))).toHaveLength(2);
    // Someone has the channel open: the redaction reaches them as edits of those messages.
    const socket = await t.connect(owner.token);
    expect(
      await emitWithAck(socket, 'channel:join', { workspaceId: W.split('/')[3], channelId: channel.id }),
    ).toMatchObject({ ok: true });
    const updates = collect<{ id: string; text: string }>(socket, 'message:updated');
    // The notifications the erased customer's runs sent change in the recipient's open studio too.
    const noteUpdates = collect<{ id: string; title: string; body: string; source: { id: string } | null }>(
      socket,
      'notification:updated',
    );
    const erasedNoteIds = (await notesWithIds())
      .filter((n) => n.body.includes(erased.email))
      .map((n) => n.id)
      .sort();
    expect(erasedNoteIds).toHaveLength(2);

    expect(
      await deliver('customers/redact', {
        shop_id: 1,
        shop_domain: SHOP,
        customer: { id: erased.id, email: erased.email },
        orders_to_redact: erased.orders.map((o) => o.id),
      }),
    ).toBe(200);
    for (let i = 0; (await messages()).some((m) => m.text.includes(erased.orders[1]!.name)); i++) {
      if (i > 400) throw new Error('the redaction was never processed');
      await new Promise((r) => setTimeout(r, 50));
    }

    const erasedIds = erased.orders.map((o) => byOrder(o.name).id).sort();
    await waitUntil(() => updates.length >= 2, 10_000, 'message:updated of the redacted messages');
    expect(updates.map((m) => m.id).sort()).toEqual(erasedIds);
    expect(updates.every((m) => m.text === REDACTED_MESSAGE_TEXT)).toBe(true);
    await waitUntil(() => noteUpdates.length >= 2, 10_000, 'notification:updated of the redacted notifications');
    expect(noteUpdates.map((n) => n.id).sort()).toEqual(erasedNoteIds);
    expect(noteUpdates.every((n) => n.title === REDACTED_NOTIFICATION_TITLE && n.body === '')).toBe(true);
    const after = await messages();
    for (const order of erased.orders) {
      const message = after.find((m) => m.id === byOrder(order.name).id)!;
      expect(message).toMatchObject({ text: REDACTED_MESSAGE_TEXT, payload: null });
      expect(message.editedAt).not.toBeNull();
    }
    for (const order of kept.orders)
      expect(after.find((m) => m.id === byOrder(order.name).id)).toEqual(byOrder(order.name));
    expect(after.find((m) => m.text === quoted)).toBeDefined();
    const notesAfter = await notes();
    expect(notesAfter.filter((n) => n.body.includes(erased.email) || n.title.includes(erased.orders[0]!.name))).toEqual(
      [],
    );
    expect(notesAfter.filter((n) => n.title === REDACTED_NOTIFICATION_TITLE)).toHaveLength(2);
    expect(notesAfter.filter((n) => n.body.includes(kept.email))).toHaveLength(2);
    // Search no longer finds the erased order in what the runs posted (only in the person's reply).
    const found = await t.request('GET', `${W}/search?q=${encodeURIComponent(erased.orders[1]!.name.slice(1))}`, {
      token: owner.token,
    });
    expect(found.status).toBe(200);
    expect(JSON.stringify(found.body)).not.toContain(erased.orders[1]!.name.slice(1));
    const keptFound = await t.request('GET', `${W}/search?q=${encodeURIComponent(kept.orders[1]!.name.slice(1))}`, {
      token: owner.token,
    });
    expect(JSON.stringify(keptFound.body)).toContain(kept.orders[1]!.name.slice(1));
  }, 180_000);
});
