import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { TestUser } from '../../server/src/testing/test-server';
import { signIn, StudioHarness } from './harness';

/**
 * Running a workspace: an owner changes a member's role (the member's own app follows), removes a member, revokes
 * an invitation, creates a private channel from the sidebar, and restores an archived page from the dashboard.
 * Checked against the server's members, invitations, channels and pages.
 */
jest.setTimeout(180_000);

let h: StudioHarness;
let ana: TestUser;
let ben: TestUser;
let cleo: TestUser;
let workspaceId: string;

beforeAll(async () => {
  h = await StudioHarness.start('workspace-admin');
  ana = await h.server.signup('Ana Owner');
  ben = await h.server.signup('Ben Member');
  cleo = await h.server.signup('Cleo Viewer');
  workspaceId = await h.server.createWorkspace(ana, 'My Marketing Agency');
  await h.server.addMember({ owner: ana, user: ben, workspaceId, role: 'member' });
  await h.server.addMember({ owner: ana, user: cleo, workspaceId, role: 'viewer' });
});
afterAll(async () => {
  await h?.close();
});

describe('studio: members, channels and archived pages', () => {
  it('changes roles, removes a member, revokes an invitation, creates a channel and restores a page', async () => {
    const W = `/api/workspaces/${workspaceId}`;
    const members = async () =>
      (await h.server.request('GET', `${W}/members`, { token: ana.token })).body.members as Array<{
        email: string;
        role: string;
      }>;
    const page = await (await h.newContext('ana')).newPage();
    const benPage = await (await h.newContext('ben')).newPage();
    await signIn(page, h.url, ana);
    await signIn(benPage, h.url, ben);
    const nav = page.getByRole('navigation', { name: 'Workspace navigation' });

    // Roles: Ben becomes an admin; the table and the server agree, and Ben's switcher shows it after a reload.
    await nav.getByRole('link', { name: 'Members', exact: true }).click();
    const benRow = page.getByRole('row', { name: /Ben Member/ });
    await benRow.getByRole('cell', { name: 'member', exact: true }).waitFor();
    await page.getByLabel('Set access for Ben Member').selectOption('admin');
    await benRow.getByRole('cell', { name: 'admin', exact: true }).waitFor();
    expect((await members()).find((m) => m.email === ben.email)?.role).toBe('admin');
    await benPage.reload();
    await benPage.getByRole('heading', { level: 1, name: 'My Marketing Agency' }).waitFor();
    expect(await benPage.getByLabel('Workspace', { exact: true }).locator('option:checked').textContent()).toBe(
      'My Marketing Agency (admin)',
    );
    await h.step(page, 'role changed');

    // Remove Cleo; invite and revoke.
    await page.getByRole('button', { name: 'Remove Cleo Viewer' }).click();
    await page.getByRole('row', { name: /Cleo Viewer/ }).waitFor({ state: 'detached' });
    expect((await members()).map((m) => m.email).sort()).toEqual([ana.email, ben.email].sort());
    await page.getByLabel('Email').fill('dana@example.com');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    await page.getByText('dana@example.com as member: pending').waitFor();
    await page.getByRole('button', { name: 'Revoke the invitation of dana@example.com' }).click();
    await page.getByText('dana@example.com as member: revoked').waitFor();
    const invitations = (await h.server.request('GET', `${W}/invitations`, { token: ana.token })).body.invitations;
    expect(invitations.find((i: { email: string }) => i.email === 'dana@example.com').status).toBe('revoked');
    await h.step(page, 'members managed');

    // A private channel from the sidebar: it opens, and only Ana is in it.
    await page.getByRole('button', { name: 'New channel' }).click();
    await page.getByLabel('Channel name').fill('leadership');
    await page.getByLabel('Topic (optional)').fill('Budget decisions');
    await page.getByLabel('Private (members you add only)').check();
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.getByRole('heading', { name: '# leadership' }).waitFor();
    await nav.getByRole('link', { name: /# leadership/ }).waitFor();
    const channel = (await h.server.request('GET', `${W}/channels`, { token: ana.token })).body.channels.find(
      (c: { name: string }) => c.name === 'leadership',
    );
    expect(channel).toMatchObject({ visibility: 'private', topic: 'Budget decisions', isMember: true });
    const benChannels = (await h.server.request('GET', `${W}/channels`, { token: ben.token })).body.channels;
    expect(benChannels.map((c: { name: string }) => c.name)).not.toContain('leadership');
    // A bad name: the server's message names the field.
    await page.getByRole('button', { name: 'New channel' }).click();
    await page.getByLabel('Channel name').fill('no spaces allowed');
    h.expectFailure(`${W}/channels`, 400);
    await page.getByRole('button', { name: 'Create channel' }).click();
    await page.getByRole('form', { name: 'New channel' }).getByRole('alert').waitFor();
    expect(await page.getByRole('form', { name: 'New channel' }).getByRole('alert').textContent()).toMatch(/name/i);
    await h.step(page, 'new channel form');
    await page.getByRole('button', { name: 'Cancel' }).click();

    // Archive a page from the page, restore it from the dashboard's archived list.
    await page.getByRole('button', { name: 'New page' }).click();
    await page.getByLabel('New page title').fill('Old Summer Plan');
    await page.getByLabel('New page title').press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Old Summer Plan' }).waitFor();
    const pageId = page.url().split('/pages/')[1]!;
    await page.getByRole('button', { name: 'Archive' }).click();
    await page.getByRole('heading', { level: 1, name: 'My Marketing Agency' }).waitFor();
    await nav.getByRole('link', { name: 'Old Summer Plan' }).waitFor({ state: 'detached' });
    const archived = page.getByRole('list', { name: 'Archived pages' });
    await archived.getByRole('link', { name: 'Old Summer Plan' }).waitFor();
    await h.step(page, 'archived pages');
    await page.getByRole('button', { name: 'Restore Old Summer Plan' }).click();
    await nav.getByRole('link', { name: 'Old Summer Plan' }).waitFor();
    await page.getByText('No archived page.').waitFor();
    const restored = (await h.server.request('GET', `${W}/pages/${pageId}`, { token: ana.token })).body.page;
    expect(restored.archived).toBe(false);
    expect(h.problems).toEqual([]);
  });
});
