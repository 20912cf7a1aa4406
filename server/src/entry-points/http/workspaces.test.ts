import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

let t: TestServer;
let owner: TestUser;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.signup('Owner');
});
afterAll(async () => {
  await t.close();
});

describe('workspaces', () => {
  it('creates a workspace owned by the creator, with #general, and makes it current', async () => {
    const created = await t.request('POST', '/api/workspaces', {
      token: owner.token,
      body: { name: '  My Marketing Agency ' },
    });
    expect(created.status).toBe(201);
    expect(created.body.workspace).toMatchObject({ name: 'My Marketing Agency', role: 'owner' });
    const id = created.body.workspace.id;
    expect((await t.request('GET', '/api/me', { token: owner.token })).body.user.currentWorkspaceId).toBe(id);
    const channels = await t.request('GET', `/api/workspaces/${id}/channels`, { token: owner.token });
    expect(channels.body.channels.map((c: { name: string }) => c.name)).toEqual(['general']);
    const mine = await t.request('GET', '/api/workspaces', { token: owner.token });
    expect(mine.body.workspaces.map((w: { id: string }) => w.id)).toContain(id);
  });

  it('renames (admin+) and switches between workspaces', async () => {
    const a = await t.createWorkspace(owner, 'A');
    const b = await t.createWorkspace(owner, 'B');
    expect((await t.request('GET', '/api/me', { token: owner.token })).body.user.currentWorkspaceId).toBe(b);
    const switched = await t.request('POST', `/api/workspaces/${a}/switch`, { token: owner.token });
    expect(switched.status).toBe(200);
    expect((await t.request('GET', '/api/me', { token: owner.token })).body.user.currentWorkspaceId).toBe(a);
    const renamed = await t.request('PATCH', `/api/workspaces/${a}`, {
      token: owner.token,
      body: { name: 'Agency A' },
    });
    expect(renamed.body.workspace.name).toBe('Agency A');
    const empty = await t.request('PATCH', `/api/workspaces/${a}`, { token: owner.token, body: { name: '   ' } });
    expect(empty.status).toBe(400);
    expect(empty.body.error.fields[0].path).toBe('name');
  });
});

describe('members and invitations', () => {
  it('invites by email; only the invited user can accept, once', async () => {
    const workspaceId = await t.createWorkspace(owner, 'Team');
    const invitee = await t.signup('Invitee');
    const stranger = await t.signup('Stranger');
    const invite = await t.request('POST', `/api/workspaces/${workspaceId}/invitations`, {
      token: owner.token,
      body: { email: invitee.email.toUpperCase(), role: 'member' },
    });
    expect(invite.status).toBe(201);
    expect(invite.body.invitation).toMatchObject({ email: invitee.email, role: 'member', status: 'pending' });
    const token = invite.body.token as string;

    const wrongUser = await t.request('POST', '/api/invitations/accept', { token: stranger.token, body: { token } });
    expect(wrongUser.status).toBe(403);
    expect(wrongUser.body.error.code).toBe('invitation_email_mismatch');

    const accepted = await t.request('POST', '/api/invitations/accept', { token: invitee.token, body: { token } });
    expect(accepted.status).toBe(200);
    expect(accepted.body.workspace).toMatchObject({ id: workspaceId, role: 'member' });
    const again = await t.request('POST', '/api/invitations/accept', { token: invitee.token, body: { token } });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('invitation_accepted');

    const members = await t.request('GET', `/api/workspaces/${workspaceId}/members`, { token: invitee.token });
    expect(members.body.members.map((m: { userId: string; role: string }) => [m.userId, m.role])).toEqual([
      [owner.id, 'owner'],
      [invitee.id, 'member'],
    ]);
    const list = await t.request('GET', `/api/workspaces/${workspaceId}/invitations`, { token: owner.token });
    expect(list.body.invitations[0].status).toBe('accepted');
    expect(JSON.stringify(list.body)).not.toContain(token);
  });

  it('joining by invitation makes the new member a member of #general, not of the other channels', async () => {
    const workspaceId = await t.createWorkspace(owner, 'Default channels');
    const random = await t.request('POST', `/api/workspaces/${workspaceId}/channels`, {
      token: owner.token,
      body: { name: 'random', visibility: 'public' },
    });
    expect(random.status).toBe(201);
    const invitee = await t.signup('Newcomer');
    await t.addMember({ owner, user: invitee, workspaceId, role: 'member' });
    const channels = await t.request('GET', `/api/workspaces/${workspaceId}/channels`, { token: invitee.token });
    expect(channels.status).toBe(200);
    const membership = Object.fromEntries(
      channels.body.channels.map((c: { name: string; isMember: boolean }) => [c.name, c.isMember]),
    );
    expect(membership).toEqual({ general: true, random: false });
    // Stored as a channel membership (what messages, unread counts and notifications go by).
    const stored = await t.server.db
      .selectFrom('channel_members as cm')
      .innerJoin('chat_channels as c', 'c.id', 'cm.channel_id')
      .select('c.name')
      .where('cm.user_id', '=', invitee.id)
      .where('cm.workspace_id', '=', workspaceId)
      .execute();
    expect(stored.map((r) => r.name)).toEqual(['general']);
  });

  it('revoked and unknown invitations cannot be used', async () => {
    const workspaceId = await t.createWorkspace(owner, 'Revoke');
    const invitee = await t.signup('Late');
    const invite = await t.request('POST', `/api/workspaces/${workspaceId}/invitations`, {
      token: owner.token,
      body: { email: invitee.email },
    });
    const revoked = await t.request(
      'DELETE',
      `/api/workspaces/${workspaceId}/invitations/${invite.body.invitation.id}`,
      { token: owner.token },
    );
    expect(revoked.body.invitation.status).toBe('revoked');
    expect(
      (await t.request('POST', '/api/invitations/accept', { token: invitee.token, body: { token: invite.body.token } }))
        .status,
    ).toBe(410);
    expect(
      (
        await t.request('POST', '/api/invitations/accept', {
          token: invitee.token,
          body: { token: 'ifi_doesnotexist' },
        })
      ).status,
    ).toBe(404);
  });

  it('enforces roles: viewers read, members cannot manage, admins cannot touch owners, the last owner stays', async () => {
    const workspaceId = await t.createWorkspace(owner, 'Roles');
    const admin = await t.signup('Admin');
    const member = await t.signup('Member');
    const viewer = await t.signup('Viewer');
    await t.addMember({ owner, user: admin, workspaceId, role: 'admin' });
    await t.addMember({ owner, user: member, workspaceId, role: 'member' });
    await t.addMember({ owner, user: viewer, workspaceId, role: 'viewer' });

    expect((await t.request('GET', `/api/workspaces/${workspaceId}`, { token: viewer.token })).status).toBe(200);
    const viewerRename = await t.request('PATCH', `/api/workspaces/${workspaceId}`, {
      token: viewer.token,
      body: { name: 'x' },
    });
    expect(viewerRename.status).toBe(403);
    expect(viewerRename.body.error.code).toBe('insufficient_role');
    expect(
      (
        await t.request('POST', `/api/workspaces/${workspaceId}/invitations`, {
          token: member.token,
          body: { email: 'a@b.co' },
        })
      ).status,
    ).toBe(403);

    const promote = await t.request('PATCH', `/api/workspaces/${workspaceId}/members/${member.id}`, {
      token: admin.token,
      body: { role: 'admin' },
    });
    expect(promote.status).toBe(200);
    expect(promote.body.member.role).toBe('admin');
    const adminDemotesOwner = await t.request('PATCH', `/api/workspaces/${workspaceId}/members/${owner.id}`, {
      token: admin.token,
      body: { role: 'member' },
    });
    expect(adminDemotesOwner.status).toBe(403);
    expect(adminDemotesOwner.body.error.code).toBe('owner_required');
    const adminMakesOwner = await t.request('PATCH', `/api/workspaces/${workspaceId}/members/${viewer.id}`, {
      token: admin.token,
      body: { role: 'owner' },
    });
    expect(adminMakesOwner.status).toBe(403);
    const lastOwner = await t.request('PATCH', `/api/workspaces/${workspaceId}/members/${owner.id}`, {
      token: owner.token,
      body: { role: 'admin' },
    });
    expect(lastOwner.status).toBe(409);
    expect(lastOwner.body.error.code).toBe('last_owner');
    expect(
      (await t.request('DELETE', `/api/workspaces/${workspaceId}/members/${owner.id}`, { token: owner.token })).status,
    ).toBe(409);

    // A member can leave; an admin can remove a viewer; the removed lose access at once (404).
    expect(
      (await t.request('DELETE', `/api/workspaces/${workspaceId}/members/${viewer.id}`, { token: member.token }))
        .status,
    ).toBe(204);
    const afterRemoval = await t.request('GET', `/api/workspaces/${workspaceId}`, { token: viewer.token });
    expect(afterRemoval.status).toBe(404);
    expect(
      (await t.request('DELETE', `/api/workspaces/${workspaceId}/members/${admin.id}`, { token: admin.token })).status,
    ).toBe(204);
    expect((await t.request('GET', `/api/workspaces/${workspaceId}/members`, { token: admin.token })).status).toBe(404);
  });

  it('answers 404 for a workspace you do not belong to, and for a malformed id', async () => {
    const other = await t.signup('Other');
    const workspaceId = await t.createWorkspace(owner, 'Private');
    const res = await t.request('GET', `/api/workspaces/${workspaceId}`, { token: other.token });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('workspace_not_found');
    expect((await t.request('GET', '/api/workspaces/not-a-uuid', { token: other.token })).status).toBe(404);
  });
});
