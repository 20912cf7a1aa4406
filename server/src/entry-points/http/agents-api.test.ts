import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { queryVectorDocuments } from '../../data-access/vectors-repository';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

/** The routes the IONFLUX n8n nodes call with a workspace API token: vectors, notifications, chat by name. */
let t: TestServer;
let owner: TestUser;
let member: TestUser;
let workspaceId: string;
let token: string;

beforeAll(async () => {
  t = await startTestServer({ sandbox: true });
  owner = await t.signup('Owner');
  member = await t.signup('Member');
  workspaceId = await t.createWorkspace(owner, 'Agents');
  await t.addMember({ owner, user: member, workspaceId, role: 'member' });
  token = (
    await t.request('POST', `/api/workspaces/${workspaceId}/api-tokens`, {
      token: owner.token,
      body: { name: 'Persona Guardian' },
    })
  ).body.token;
});
afterAll(async () => {
  await t.close();
});

const W = () => `/api/workspaces/${workspaceId}`;

/** Deterministic unit vectors with controlled similarity to the query [1, 0, 0, 0]. */
function vectorAt(angle: number): number[] {
  return [Math.cos(angle), Math.sin(angle), 0, 0];
}

describe('vector store', () => {
  it('stores embedded documents and returns the closest ones by cosine, best first', async () => {
    const documents = [
      { id: 'far', text: 'far away', embedding: vectorAt(1.2), metadata: { n: 3 } },
      { id: 'near', text: 'very close', embedding: vectorAt(0.1) },
      { id: 'middle', text: 'in between', embedding: vectorAt(0.6) },
    ];
    const put = await t.request('PUT', `${W()}/vectors/persona-maya/documents`, { token, body: { documents } });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ upserted: 3, namespace: 'persona-maya' });
    const query = await t.request('POST', `${W()}/vectors/persona-maya/query`, {
      token,
      body: { embedding: [2, 0, 0, 0], topK: 2 },
    });
    expect(query.status).toBe(200);
    expect(query.body.matches.map((m: { id: string }) => m.id)).toEqual(['near', 'middle']);
    expect(query.body.matches[0].score).toBeCloseTo(Math.cos(0.1), 6);
    expect(query.body.matches[0]).toMatchObject({ text: 'very close', metadata: {} });
  });

  it('replaces documents with the same id and keeps namespaces apart', async () => {
    await t.request('PUT', `${W()}/vectors/persona-maya/documents`, {
      token,
      body: { documents: [{ id: 'far', text: 'now closest', embedding: vectorAt(0) }] },
    });
    await t.request('PUT', `${W()}/vectors/other/documents`, {
      token,
      body: { documents: [{ id: 'x', text: 'other namespace', embedding: vectorAt(0) }] },
    });
    const query = await t.request('POST', `${W()}/vectors/persona-maya/query`, {
      token,
      body: { embedding: vectorAt(0), topK: 10 },
    });
    expect(query.body.matches.map((m: { id: string }) => m.id)).toEqual(['far', 'near', 'middle']);
    expect(query.body.matches[0].text).toBe('now closest');
  });

  it('computes the same ranking with pgvector and with plain SQL', async () => {
    const args = { workspaceId, namespace: 'persona-maya', embedding: [0.3, 0.9, 0.1, 0], topK: 3 };
    const usesPgvector = await t.server.useCases.vectors.usesPgvector();
    const plain = await queryVectorDocuments(t.server.db, { ...args, pgvector: false });
    if (usesPgvector) {
      const vector = await queryVectorDocuments(t.server.db, { ...args, pgvector: true });
      expect(vector.map((m) => m.id)).toEqual(plain.map((m) => m.id));
      vector.forEach((m, i) => expect(m.score).toBeCloseTo(plain[i]!.score, 6));
    }
    // Independent check of the plain-SQL cosine.
    const cosine = (a: number[], b: number[]) =>
      a.reduce((s, x, i) => s + x * b[i]!, 0) / (Math.hypot(...a) * Math.hypot(...b));
    expect(plain[0]!.score).toBeCloseTo(cosine(args.embedding, vectorAt(0.6)), 6);
  });

  it('refuses bad input with 400s naming the field', async () => {
    const mixed = await t.request('PUT', `${W()}/vectors/ns/documents`, {
      token,
      body: {
        documents: [
          { id: 'a', text: 'a', embedding: [1, 2] },
          { id: 'b', text: 'b', embedding: [1, 2, 3] },
        ],
      },
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.fields[0].path).toBe('documents');
    const bad = await t.request('POST', `${W()}/vectors/bad%20name/query`, { token, body: { embedding: [1] } });
    expect(bad.status).toBe(400);
    const empty = await t.request('POST', `${W()}/vectors/ns/query`, { token, body: { embedding: [] } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields[0].path).toBe('embedding');
  });
});

describe('notifications for agents', () => {
  it('notifies every member when no recipient is given, or members by email', async () => {
    const all = await t.request('POST', `${W()}/notifications`, { token, body: { title: 'Inventory low' } });
    expect(all.status).toBe(201);
    expect(all.body.notifications).toHaveLength(2);
    const byEmail = await t.request('POST', `${W()}/notifications`, {
      token,
      body: { title: 'For you', emails: [member.email.toUpperCase()] },
    });
    expect(byEmail.status).toBe(201);
    expect(byEmail.body.notifications).toHaveLength(1);
    const memberFeed = await t.request('GET', '/api/notifications', { token: member.token });
    const ownerFeed = await t.request('GET', '/api/notifications', { token: owner.token });
    expect(memberFeed.body.notifications.map((n: { title: string }) => n.title).sort()).toEqual([
      'For you',
      'Inventory low',
    ]);
    expect(ownerFeed.body.notifications.map((n: { title: string }) => n.title)).toEqual(['Inventory low']);
    const stranger = await t.request('POST', `${W()}/notifications`, {
      token,
      body: { title: 'x', emails: ['nobody@example.com'] },
    });
    expect(stranger.status).toBe(400);
    expect(stranger.body.error.fields[0].path).toBe('emails.0');
  });
});

describe('chat for agents', () => {
  it('reads the newest messages of a channel by name, oldest first', async () => {
    const created = await t.request('POST', `${W()}/channels`, { token: owner.token, body: { name: 'campaign' } });
    for (const text of ['one', 'two', 'three'])
      await t.request('POST', `${W()}/messages`, { token, body: { channel: '#campaign', text } });
    const res = await t.request('GET', `${W()}/messages?channel=campaign&limit=2`, { token });
    expect(res.status).toBe(200);
    expect(res.body.messages.map((m: { text: string }) => m.text)).toEqual(['two', 'three']);
    expect(res.body.hasMore).toBe(true);
    const byId = await t.request('GET', `${W()}/messages?channel=${created.body.channel.id}&limit=5`, { token });
    expect(byId.body.messages).toHaveLength(3);
    expect((await t.request('GET', `${W()}/messages?channel=nope`, { token })).status).toBe(404);
  });
});

describe('sandbox emulators', () => {
  it('are served under /sandbox when switched on (loopback, their own fake credentials), and absent otherwise', async () => {
    const listing = await t.request('GET', '/sandbox');
    expect(listing.status).toBe(200);
    expect(listing.body.credentials.shopify.shopDomain).toBe('ionflux-demo.myshopify.com');
    const graphql = await fetch(`${t.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-Shopify-Access-Token': listing.body.credentials.shopify.accessToken,
      },
      body: JSON.stringify({ query: '{ shop { myshopifyDomain } }' }),
    });
    expect(((await graphql.json()) as { data: { shop: { myshopifyDomain: string } } }).data.shop.myshopifyDomain).toBe(
      'ionflux-demo.myshopify.com',
    );
    // Off unless asked for: NODE_ENV=development does not imply it.
    const off = await startTestServer({ env: { NODE_ENV: 'development' } });
    try {
      expect(off.server.config.sandbox).toBe(false);
      expect((await off.request('GET', '/sandbox')).status).toBe(404);
      expect((await off.request('POST', '/sandbox/shopify/webhooks/deliver', { body: {} })).status).toBe(404);
    } finally {
      await off.close();
    }
  });
});
