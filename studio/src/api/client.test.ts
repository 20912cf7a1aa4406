import { afterEach, describe, expect, it } from '@jest/globals';
import { SessionStore } from './client';

const realFetch = globalThis.fetch;
afterEach(() => {
  globalThis.fetch = realFetch;
  delete (globalThis as { document?: unknown }).document;
});

describe('SessionStore.logout', () => {
  it('lets a refresh in flight land before it revokes the session, and ends signed out', async () => {
    (globalThis as { document?: unknown }).document = { cookie: 'ionflux_csrf=token-1' };
    const sent: string[] = [];
    let answerRefresh!: (response: Response) => void;
    globalThis.fetch = ((input: string) => {
      sent.push(input);
      if (input === '/api/auth/refresh') return new Promise<Response>((resolve) => (answerRefresh = resolve));
      return Promise.resolve(new Response(null, { status: 204 }));
    }) as typeof fetch;
    const store = new SessionStore();
    const refreshed = store.refresh();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(sent).toEqual(['/api/auth/refresh']);

    const loggedOut = store.logout();
    await new Promise((resolve) => setTimeout(resolve, 0));
    // Before, the logout went out at once and the refresh, presenting the revoked token, was answered 401.
    expect(sent).toEqual(['/api/auth/refresh']);
    answerRefresh(
      new Response(
        JSON.stringify({
          user: { id: 'u1', email: 'ana@example.com', displayName: 'Ana' },
          accessToken: 'access-1',
          accessTokenExpiresAt: new Date(Date.now() + 60_000).toISOString(),
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      ),
    );
    expect(await refreshed).toBe(true);
    await loggedOut;
    expect(sent).toEqual(['/api/auth/refresh', '/api/auth/logout']);
    expect(store.user).toBeNull();
    expect(store.accessToken).toBeNull();
    expect(store.signedOutByUser).toBe(true);
  });
});
