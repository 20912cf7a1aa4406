import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import { StudioHarness } from './harness';

/**
 * Accounts and workspaces in the browser: sign up (the server's password policy shown by field), the first
 * workspace, reloads and parallel tabs that keep the session, sign out and in, invitations with roles.
 */
jest.setTimeout(120_000);

let h: StudioHarness;
beforeAll(async () => {
  // A 12 s access token: the app must refresh ahead of expiry (every ~5 s here) without ever signing the user out.
  h = await StudioHarness.start('auth', { accessTokenTtlSeconds: 12 });
});
afterAll(async () => {
  await h?.close();
});

async function signUp(page: Page, args: { name: string; email: string; password: string }) {
  await page.getByLabel('Your name').fill(args.name);
  await page.getByLabel('Email').fill(args.email);
  await page.getByLabel('Password').fill(args.password);
  await page.getByRole('button', { name: 'Create account' }).click();
}

describe('studio: accounts and workspaces', () => {
  it('signs up, creates a workspace, survives reloads and token expiry, signs out and in, invites a member', async () => {
    const context = await h.newContext('owner');
    const page = await context.newPage();

    await page.goto(`${h.url}/`);
    await page.getByRole('heading', { name: 'Sign in to IONFLUX' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/login');
    await h.step(page, 'login screen');

    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create your account' }).waitFor();
    // A password from the common-password list: the server refuses it and the form says which field and why.
    h.expectFailure('/api/auth/signup', 400);
    await signUp(page, { name: 'Ana Owner', email: 'ana@example.com', password: 'password123' });
    const refusal = page.getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/password/i);
    await h.step(page, 'signup refused');

    await page.getByLabel('Password').fill('a long holiday passphrase');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Create your first workspace' }).waitFor();
    await h.step(page, 'first workspace');

    await page.getByLabel('Workspace name').fill('My Marketing Agency');
    await page.getByRole('button', { name: 'Create workspace' }).click();
    await page.getByRole('heading', { level: 1, name: 'My Marketing Agency' }).waitFor();
    const workspaceUrl = page.url();
    // The server starts every workspace with #general; the sidebar lists it and the role is visible.
    await page
      .getByRole('navigation', { name: 'Workspace navigation' })
      .getByRole('link', { name: /# general/ })
      .waitFor();
    expect(await page.locator('.dashboard .role').first().textContent()).toBe('owner');
    await h.step(page, 'dashboard');

    // Reload: the refresh cookie brings the session back on the same screen.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'My Marketing Agency' }).waitFor();
    expect(page.url()).toBe(workspaceUrl);

    // Two tabs reloading at once share one refresh cookie; refreshes take turns, so neither is signed out.
    const second = await context.newPage();
    await Promise.all([page.reload(), second.goto(workspaceUrl)]);
    await page.getByRole('heading', { level: 1, name: 'My Marketing Agency' }).waitFor();
    await second.getByRole('heading', { level: 1, name: 'My Marketing Agency' }).waitFor();

    // The access token lives 12 s: wait for two refreshes ahead of expiry in the first tab, then use the app.
    for (let i = 0; i < 2; i++)
      await page.waitForResponse(
        (r: { url(): string; status(): number }) => r.url().endsWith('/api/auth/refresh') && r.status() === 200,
        {
          timeout: 30_000,
        },
      );
    await second.close();
    await page.getByRole('link', { name: 'Members', exact: true }).click();
    await page.getByRole('heading', { name: 'Members' }).waitFor();
    await page.getByRole('cell', { name: 'ana@example.com' }).waitFor();

    // Invite a member: the one-time code is shown.
    await page.getByLabel('Email').fill('ben@example.com');
    await page.getByLabel('Role').selectOption('member');
    await page.getByRole('button', { name: 'Send invitation' }).click();
    const code = (await page.locator('code.token').textContent())!.trim();
    expect(code.length).toBeGreaterThan(10);
    await page.getByText('ben@example.com as member: pending').waitFor();
    await h.step(page, 'members and invitation');

    // Sign out: the login screen, and a reload does not bring the session back.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to IONFLUX' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Sign in to IONFLUX' }).waitFor();
    // Wrong password: a readable message, still on the login screen.
    await page.getByLabel('Email').fill('ana@example.com');
    await page.getByLabel('Password').fill('not the password');
    h.expectFailure('/api/auth/login', 401);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/email or password/i);
    await page.getByLabel('Password').fill('a long holiday passphrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'My Marketing Agency' }).waitFor();

    // The invitee signs up in another browser profile and joins with the code; the switcher shows the role.
    const benContext = await h.newContext('member');
    const ben = await benContext.newPage();
    await ben.goto(`${h.url}/signup`);
    await signUp(ben, { name: 'Ben Member', email: 'ben@example.com', password: 'another long passphrase' });
    await ben.getByRole('heading', { name: 'Create your first workspace' }).waitFor();
    await ben.getByLabel('Invitation code').fill(code);
    await ben.getByRole('button', { name: 'Join workspace' }).click();
    await ben.getByRole('heading', { level: 1, name: 'My Marketing Agency' }).waitFor();
    expect(await ben.getByLabel('Workspace', { exact: true }).locator('option:checked').textContent()).toBe(
      'My Marketing Agency (member)',
    );
    await h.step(ben, 'member joined');
    await page.reload();
    await page.getByRole('link', { name: 'Members', exact: true }).click();
    await page.getByRole('cell', { name: 'ben@example.com' }).waitFor();
    expect(
      await page
        .getByRole('row', { name: /ben@example.com/ })
        .getByRole('cell')
        .nth(2)
        .textContent(),
    ).toBe('member');

    await benContext.close();
    await context.close();
    expect(h.problems).toEqual([]);
  });
});
