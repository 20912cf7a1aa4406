import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { emitWithAck, nextEvent, startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

/**
 * The API-token rule: a token acts as the user who created it, limited by its scopes and its role, and dies with the
 * creator's membership. Checked over REST (messages, search) and sockets against an independent expectation: what
 * the creator sees as a user.
 */
let t: TestServer;
let owner: TestUser;
let admin: TestUser;
let workspaceId: string;
let privateChannelId: string;
const W = () => `/api/workspaces/${workspaceId}`;

async function mintToken(creator: TestUser, body: Record<string, unknown>): Promise<string> {
  const res = await t.request('POST', `${W()}/api-tokens`, { token: creator.token, body });
  expect(res.status).toBe(201);
  return res.body.token;
}

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.signup('Owner');
  admin = await t.signup('Admin');
  workspaceId = await t.createWorkspace(owner, 'Token rule');
  await t.addMember({ owner, user: admin, workspaceId, role: 'admin' });
  privateChannelId = (
    await t.request('POST', `${W()}/channels`, { token: owner.token, body: { name: 'board', visibility: 'private' } })
  ).body.channel.id;
  await t.request('POST', `${W()}/channels/${privateChannelId}/messages`, {
    token: owner.token,
    body: { text: 'acquisition of zebracorn inc' },
  });
});
afterAll(async () => {
  await t.close();
});

describe('an API token sees what its creator sees', () => {
  it("an admin outside a private channel gets 404 as a user, and so does the admin's token, everywhere", async () => {
    // The independent expectation: the admin as a user.
    expect(
      (await t.request('GET', `${W()}/channels/${privateChannelId}/messages`, { token: admin.token })).status,
    ).toBe(404);
    const token = await mintToken(admin, { name: 'reader', role: 'viewer', scopes: ['chat:read', 'search:read'] });
    const asToken = await t.request('GET', `${W()}/channels/${privateChannelId}/messages`, { token });
    expect(asToken.status).toBe(404);
    expect((await t.request('GET', `${W()}/channels/${privateChannelId}`, { token })).status).toBe(404);
    const listed = await t.request('GET', `${W()}/channels`, { token });
    expect(listed.body.channels.map((c: { name: string }) => c.name)).toEqual(['general']);
    const byName = await t.request('GET', `${W()}/messages?channel=board`, { token });
    expect(byName.status).toBe(404);
    const search = await t.request('GET', `${W()}/search?q=zebracorn`, { token });
    expect(search.status).toBe(200);
    expect(search.body.hits).toEqual([]);
    const socket = await t.connect(token);
    expect(await emitWithAck(socket, 'channel:join', { workspaceId, channelId: privateChannelId })).toMatchObject({
      ok: false,
      error: { code: 'channel_not_found' },
    });
    // Writing there is refused the same way.
    const writer = await mintToken(admin, { name: 'writer', role: 'member', scopes: ['chat:write'] });
    const post = await t.request('POST', `${W()}/messages`, { token: writer, body: { channel: 'board', text: 'hi' } });
    expect(post.status).toBe(404);
  });

  it("the owner's token, whose creator is a member of the channel, reads it, finds it and joins it", async () => {
    const token = await mintToken(owner, {
      name: 'owner reader',
      role: 'viewer',
      scopes: ['chat:read', 'search:read'],
    });
    const messages = await t.request('GET', `${W()}/channels/${privateChannelId}/messages`, { token });
    expect(messages.body.messages.map((m: { text: string }) => m.text)).toEqual(['acquisition of zebracorn inc']);
    const search = await t.request('GET', `${W()}/search?q=zebracorn`, { token });
    expect(search.body.hits.map((h: { channelId: string }) => h.channelId)).toEqual([privateChannelId]);
    const socket = await t.connect(token);
    expect((await emitWithAck(socket, 'channel:join', { workspaceId, channelId: privateChannelId })).ok).toBe(true);
  });

  it('a private channel a token creates is visible to its creator', async () => {
    const token = await mintToken(admin, { name: 'creator', role: 'member', scopes: ['chat:read', 'chat:write'] });
    const created = await t.request('POST', `${W()}/channels`, {
      token,
      body: { name: 'agent-room', visibility: 'private' },
    });
    expect(created.status).toBe(201);
    const asAdmin = await t.request('GET', `${W()}/channels/${created.body.channel.id}`, { token: admin.token });
    expect(asAdmin.status).toBe(200);
    expect(asAdmin.body.channel.isMember).toBe(true);
    expect((await t.request('GET', `${W()}/channels/${created.body.channel.id}`, { token: owner.token })).status).toBe(
      404,
    );
  });
});

describe('an API token is limited by its creator', () => {
  it("acts with the lower of its role and its creator's current role", async () => {
    const member = await t.signup('Demoted');
    await t.addMember({ owner, user: member, workspaceId, role: 'admin' });
    const token = await mintToken(member, { name: 'poster', role: 'member', scopes: ['chat:write'] });
    const post = (text: string) => t.request('POST', `${W()}/messages`, { token, body: { channel: 'general', text } });
    expect((await post('while an admin')).status).toBe(201);
    await t.request('PATCH', `${W()}/members/${member.id}`, { token: owner.token, body: { role: 'viewer' } });
    const refused = await post('after the demotion');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('insufficient_role');
  });

  it("dies with its creator's membership: REST 401, revoked for good, sockets disconnected", async () => {
    const leaving = await t.signup('Leaving');
    await t.addMember({ owner, user: leaving, workspaceId, role: 'admin' });
    const token = await mintToken(leaving, { name: 'orphan', role: 'member', scopes: ['chat:read', 'chat:write'] });
    const tokenId = (await t.request('GET', '/api/api-token', { token })).body.apiToken.id;
    const read = () => t.request('GET', `${W()}/messages?channel=general`, { token });
    expect((await read()).status).toBe(200);
    const socket = await t.connect(token, { reconnection: false });
    const gone = nextEvent(socket, 'disconnect', () => true);

    const removed = await t.request('DELETE', `${W()}/members/${leaving.id}`, { token: owner.token });
    expect(removed.status).toBe(204);
    expect(await gone).toBe('io server disconnect');
    const after = await read();
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('api_token_revoked');
    const post = await t.request('POST', `${W()}/messages`, { token, body: { channel: 'general', text: 'ghost' } });
    expect(post.status).toBe(401);
    const listed = await t.request('GET', `${W()}/api-tokens`, { token: owner.token });
    expect(listed.body.apiTokens.find((k: { id: string }) => k.id === tokenId).revoked).toBe(true);
    // Coming back does not resurrect it.
    await t.addMember({ owner, user: leaving, workspaceId, role: 'admin' });
    expect((await read()).status).toBe(401);
  });

  it('stops at once when its creator loses membership by any path (checked on every use, not only at revocation)', async () => {
    const leaving = await t.signup('Raw');
    await t.addMember({ owner, user: leaving, workspaceId, role: 'admin' });
    const token = await mintToken(leaving, { name: 'raw', role: 'viewer', scopes: ['chat:read'] });
    expect((await t.request('GET', `${W()}/channels`, { token })).status).toBe(200);
    // A membership removed straight in the database (another process, an operator): the token is not revoked, yet
    // it stops working once the membership cache (5 s) lapses. Forget the cache to see it at once.
    await t.server.db
      .deleteFrom('workspace_members')
      .where('workspace_id', '=', workspaceId)
      .where('user_id', '=', leaving.id)
      .execute();
    t.server.useCases.access.forget({ userId: leaving.id, workspaceId });
    const res = await t.request('GET', `${W()}/channels`, { token });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('api_token_creator_left');
  });
});
