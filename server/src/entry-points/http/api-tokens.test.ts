import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { emitWithAck, nextEvent, startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

let t: TestServer;
let owner: TestUser;
let member: TestUser;
let workspaceId: string;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.signup('Owner');
  member = await t.signup('Member');
  workspaceId = await t.createWorkspace(owner, 'Agents');
  await t.addMember({ owner, user: member, workspaceId, role: 'member' });
});
afterAll(async () => {
  await t.close();
});

const base = () => `/api/workspaces/${workspaceId}`;

async function createToken(body: Record<string, unknown> = { name: 'n8n agents' }): Promise<string> {
  const res = await t.request('POST', `${base()}/api-tokens`, { token: owner.token, body });
  expect(res.status).toBe(201);
  return res.body.token;
}

describe('workspace API tokens', () => {
  it('shows the token once, stores only a hash, lists without secrets, and describes itself', async () => {
    const res = await t.request('POST', `${base()}/api-tokens`, { token: owner.token, body: { name: 'n8n agents' } });
    expect(res.body.token).toMatch(/^ifx_[A-Za-z0-9_-]{43}$/);
    expect(res.body.apiToken).toMatchObject({
      name: 'n8n agents',
      role: 'member',
      revoked: false,
      prefix: res.body.token.slice(0, 12),
    });
    const list = await t.request('GET', `${base()}/api-tokens`, { token: owner.token });
    expect(JSON.stringify(list.body)).not.toContain(res.body.token);
    const row = await t.server.db
      .selectFrom('api_tokens')
      .select('token_hash')
      .where('id', '=', res.body.apiToken.id)
      .executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(res.body.token);
    const whoami = await t.request('GET', '/api/api-token', { token: res.body.token });
    expect(whoami.body).toMatchObject({
      workspace: { id: workspaceId, name: 'Agents' },
      apiToken: { id: res.body.apiToken.id },
    });
    expect((await t.request('GET', '/api/api-token', { token: owner.token })).status).toBe(403);
  });

  it('only admins manage tokens, and nobody creates a token stronger than themselves', async () => {
    expect((await t.request('POST', `${base()}/api-tokens`, { token: member.token, body: { name: 'x' } })).status).toBe(
      403,
    );
    expect((await t.request('GET', `${base()}/api-tokens`, { token: member.token })).status).toBe(403);
    const admin = await t.signup('Admin');
    await t.addMember({ owner, user: admin, workspaceId, role: 'admin' });
    expect(
      (await t.request('POST', `${base()}/api-tokens`, { token: admin.token, body: { name: 'x', role: 'admin' } }))
        .status,
    ).toBe(201);
  });

  it('lets an agent upsert a block by page title + key, post to a channel by name, read the thread and notify', async () => {
    const token = await createToken({ name: 'Shopify Sales Sentinel' });
    await t.request('POST', `${base()}/pages`, { token: owner.token, body: { title: 'Q4 Holiday Campaign Plan' } });
    const block = await t.request('PUT', `${base()}/blocks/by-key`, {
      token,
      body: {
        page: 'Q4 Holiday Campaign Plan',
        key: 'revenue',
        type: 'agent_snippet',
        content: { title: 'Revenue Tracker Lite', data: { last7Days: 1520.75 } },
        writtenByRunId: 'exec-17',
      },
    });
    expect(block.status).toBe(200);
    expect(block.body.block).toMatchObject({ key: 'revenue', writtenByRunId: 'exec-17' });

    const watcher = await t.connect(owner.token);
    await emitWithAck(watcher, 'channel:join', {
      workspaceId,
      channelId: (await t.request('GET', `${base()}/channels`, { token: owner.token })).body.channels[0].id,
    });
    const live = nextEvent(watcher, 'message:new');
    const posted = await t.request('POST', `${base()}/messages`, {
      token,
      body: {
        channel: '#General',
        text: 'New order over $100: **$150.00**',
        payload: { orderId: 1001, total: 150 },
        clientMessageId: 'order-1001',
      },
    });
    expect(posted.status).toBe(201);
    expect(posted.body.message.author).toEqual({ kind: 'agent', name: 'Shopify Sales Sentinel' });
    expect((await live).id).toBe(posted.body.message.id);
    const again = await t.request('POST', `${base()}/messages`, {
      token,
      body: { channel: 'general', text: 'New order over $100: **$150.00**', clientMessageId: 'order-1001' },
    });
    expect(again.body).toMatchObject({ duplicate: true, message: { id: posted.body.message.id } });
    const named = await t.request('POST', `${base()}/messages`, {
      token,
      body: {
        channel: 'general',
        text: 'Summary',
        agentName: 'Slack Brief Butler',
        threadRootId: posted.body.message.id,
      },
    });
    expect(named.body.message.author).toEqual({ kind: 'agent', name: 'Slack Brief Butler' });
    const thread = await t.request('GET', `${base()}/messages/${posted.body.message.id}/thread`, { token });
    expect(thread.body.replies.map((m: { id: string }) => m.id)).toEqual([named.body.message.id]);
    expect(
      (await t.request('POST', `${base()}/messages`, { token, body: { channel: 'nope', text: 'x' } })).status,
    ).toBe(404);

    const notifiedLive = nextEvent(watcher, 'notification:new');
    const notified = await t.request('POST', `${base()}/notifications`, {
      token,
      body: {
        userIds: [owner.id],
        title: 'Order over $100: $150.00',
        link: '/orders/1001',
        source: { type: 'shopify_order', id: '1001' },
      },
    });
    expect(notified.status).toBe(201);
    expect((await notifiedLive).title).toBe('Order over $100: $150.00');
  });

  it('enforces scopes and the token role, and cannot reach user-only routes', async () => {
    const readOnly = await createToken({ name: 'reader', role: 'viewer', scopes: ['canvas:read'] });
    expect((await t.request('GET', `${base()}/pages`, { token: readOnly })).status).toBe(200);
    const noScope = await t.request('GET', `${base()}/channels`, { token: readOnly });
    expect(noScope.status).toBe(403);
    expect(noScope.body.error.code).toBe('missing_scope');
    const writer = await createToken({ name: 'writer', role: 'viewer', scopes: ['canvas:write'] });
    const tooWeak = await t.request('POST', `${base()}/pages`, { token: writer, body: { title: 'x' } });
    expect(tooWeak.status).toBe(403);
    expect(tooWeak.body.error.code).toBe('insufficient_role');
    const full = await createToken();
    expect((await t.request('GET', '/api/me', { token: full })).status).toBe(403);
    expect((await t.request('GET', '/api/workspaces', { token: full })).status).toBe(403);
    const adminRoute = await t.request('GET', `${base()}/api-tokens`, { token: full });
    expect(adminRoute.status).toBe(403);
  });

  it('a token only ever sees its own workspace (404 elsewhere)', async () => {
    const token = await createToken();
    const other = await t.createWorkspace(owner, 'Other');
    const res = await t.request('GET', `/api/workspaces/${other}/pages`, { token });
    expect(res.status).toBe(404);
  });

  it('revocation and expiry take effect immediately', async () => {
    const res = await t.request('POST', `${base()}/api-tokens`, { token: owner.token, body: { name: 'short-lived' } });
    expect((await t.request('GET', `${base()}/pages`, { token: res.body.token })).status).toBe(200);
    const revoked = await t.request('DELETE', `${base()}/api-tokens/${res.body.apiToken.id}`, { token: owner.token });
    expect(revoked.body.apiToken.revoked).toBe(true);
    const after = await t.request('GET', `${base()}/pages`, { token: res.body.token });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('api_token_revoked');
    const unknown = await t.request('GET', `${base()}/pages`, { token: 'ifx_unknown' });
    expect(unknown.body.error.code).toBe('invalid_api_token');
  });

  it('authenticates sockets too, scoped to the token workspace', async () => {
    const token = await createToken();
    const socket = await t.connect(token);
    const channels = (await t.request('GET', `${base()}/channels`, { token })).body.channels;
    const joined = await emitWithAck(socket, 'channel:join', { workspaceId, channelId: channels[0].id });
    expect(joined.ok).toBe(true);
    const sent = await emitWithAck(socket, 'message:send', {
      workspaceId,
      channelId: channels[0].id,
      text: 'from an agent socket',
    });
    expect(sent.message.author.kind).toBe('agent');
    await expect(t.connect('ifx_not-a-real-token')).rejects.toThrow(/Unknown API token/);
  });
});
