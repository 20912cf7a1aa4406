import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { waitUntil } from '../../server/src/testing/test-server';
import { StudioHarness, signIn } from './harness';

/**
 * A reload never signs the user out. A reload can cut off the page-load refresh after the server rotated the refresh
 * cookie but before the browser stored the new one; the next load presents the previous cookie again, which the
 * server accepts within its rotation leeway (later reuse still ends the session: server auth tests).
 */
jest.setTimeout(120_000);

let h: StudioHarness;
beforeAll(async () => {
  h = await StudioHarness.start('session-reload');
});
afterAll(async () => {
  await h?.close();
});

describe('studio: reloads keep the session', () => {
  it('stays signed in when a reload cuts off the refresh, and across quick reloads', async () => {
    const user = await h.server.signup('Rita Reload');
    await h.server.createWorkspace(user, 'Reload Studio');
    const context = await h.newContext('reloader');
    const page = await context.newPage();
    await signIn(page, h.url, user);
    const nav = page.getByRole('navigation', { name: 'Workspace navigation' });

    // The refresh reaches the server (which rotates the cookie), but its answer never reaches the page: exactly what
    // a reload in mid-refresh does. Then the page loads again with the previous cookie.
    for (let i = 0; i < 3; i++) {
      let cutOff = 0;
      await page.route('**/api/auth/refresh', async (route) => {
        // route.fetch() shares the context's cookie jar: put the previous cookies back, as if never answered.
        const before = await context.cookies();
        const answer = await route.fetch();
        expect(answer.status()).toBe(200);
        await context.clearCookies();
        await context.addCookies(before);
        cutOff += 1;
        await route.abort('connectionreset');
      });
      await page.reload();
      await waitUntil(() => cutOff > 0, 10_000, 'the refresh reached the server');
      await page.unroute('**/api/auth/refresh');
      await page.reload();
      await nav.waitFor();
      expect(new URL(page.url()).pathname).not.toBe('/login');
    }

    // Reloads right after load, without waiting for the app: still signed in at the end.
    for (let i = 0; i < 5; i++) {
      const refreshSent = page.waitForRequest('**/api/auth/refresh');
      await page.reload({ waitUntil: 'commit' });
      await refreshSent;
    }
    await page.reload();
    await nav.waitFor();
    expect(new URL(page.url()).pathname).not.toBe('/login');
    // The cut-off refreshes are logged by Chromium as network errors; nothing else may go wrong.
    expect(h.problems.filter((p) => !/net::ERR_(CONNECTION_RESET|ABORTED)/.test(p.text))).toEqual([]);
  });
});
