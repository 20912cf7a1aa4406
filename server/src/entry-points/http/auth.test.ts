import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { hashToken } from '../../domain/tokens';
import { cookieHeader, startTestServer, type TestServer } from '../../testing/test-server';

let t: TestServer;

beforeAll(async () => {
  t = await startTestServer({ loginMaxAttempts: 3, loginWindowSeconds: 60 });
});
afterAll(async () => {
  await t.close();
});

/** Moves the rotation time of every spent refresh token of this cookie's session `seconds` into the past. */
async function ageRotations(server: TestServer, cookies: string, seconds: number): Promise<void> {
  const token = /ionflux_refresh=([^;]+)/.exec(cookies)![1]!;
  const row = await server.server.db
    .selectFrom('refresh_tokens')
    .select('family_id')
    .where('token_hash', '=', hashToken(decodeURIComponent(token)))
    .executeTakeFirstOrThrow();
  await server.server.db
    .updateTable('refresh_tokens')
    .set({ used_at: new Date(Date.now() - seconds * 1000) })
    .where('family_id', '=', row.family_id)
    .where('used_at', 'is not', null)
    .execute();
}

function setCookies(headers: Headers): string[] {
  return headers.getSetCookie();
}

describe('signup and login', () => {
  it('signs up, returns a session and sets an httpOnly SameSite refresh cookie plus a CSRF cookie', async () => {
    const res = await t.request('POST', '/api/auth/signup', {
      body: { email: 'Ana@Example.com', password: 'a long passphrase', displayName: ' Ana ' },
    });
    expect(res.status).toBe(201);
    expect(res.body.user).toMatchObject({ email: 'Ana@Example.com', displayName: 'Ana', currentWorkspaceId: null });
    expect(res.body.user).not.toHaveProperty('passwordHash');
    expect(typeof res.body.accessToken).toBe('string');
    const cookies = setCookies(res.headers);
    const refresh = cookies.find((c) => c.startsWith('ionflux_refresh='))!;
    expect(refresh).toMatch(/HttpOnly/);
    expect(refresh).toMatch(/SameSite=Strict/);
    expect(refresh).toMatch(/Path=\/api\/auth/);
    const csrf = cookies.find((c) => c.startsWith('ionflux_csrf='))!;
    expect(csrf).not.toMatch(/HttpOnly/);
    expect(csrf).toContain(res.body.csrfToken);

    const me = await t.request('GET', '/api/me', { token: res.body.accessToken });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(res.body.user.id);
  });

  it('refuses a second account for the same email (case-insensitive) with 409', async () => {
    const res = await t.request('POST', '/api/auth/signup', {
      body: { email: 'ana@example.COM', password: 'another passphrase', displayName: 'Ana 2' },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('email_taken');
  });

  it('names each bad signup field', async () => {
    const res = await t.request('POST', '/api/auth/signup', {
      body: { email: 'not-an-email', password: 'short', displayNme: 'x' },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
    const paths = res.body.error.fields.map((f: { path: string }) => f.path).sort();
    expect(paths).toEqual(['displayName', 'displayNme', 'email', 'password']);
    expect(res.body.error.fields.find((f: { path: string }) => f.path === 'password').message).toBe(
      'use at least 8 characters',
    );
  });

  it('logs in with the right password only', async () => {
    const user = await t.signup('Bo');
    const ok = await t.request('POST', '/api/auth/login', {
      body: { email: user.email.toUpperCase(), password: user.password },
    });
    expect(ok.status).toBe(200);
    expect(ok.body.user.id).toBe(user.id);
    const wrong = await t.request('POST', '/api/auth/login', {
      body: { email: user.email, password: 'wrong password' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');
    const unknown = await t.request('POST', '/api/auth/login', {
      body: { email: 'nobody@example.com', password: 'whatever1' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.body.error.code).toBe('invalid_credentials');
  });

  it('rate-limits failed logins per email with 429 and Retry-After, even for the right password', async () => {
    const user = await t.signup('Cy');
    for (let i = 0; i < 3; i += 1) {
      expect(
        (await t.request('POST', '/api/auth/login', { body: { email: user.email, password: 'wrong password' } }))
          .status,
      ).toBe(401);
    }
    const blocked = await t.request('POST', '/api/auth/login', {
      body: { email: user.email, password: user.password },
    });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('too_many_login_attempts');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Other accounts are not affected.
    const other = await t.signup('Di');
    expect(
      (await t.request('POST', '/api/auth/login', { body: { email: other.email, password: other.password } })).status,
    ).toBe(200);
  });
});

describe('access tokens', () => {
  it('rejects missing, malformed and forged bearer tokens with 401', async () => {
    expect((await t.request('GET', '/api/me')).status).toBe(401);
    const malformed = await t.request('GET', '/api/me', { headers: { authorization: 'Token abc' } });
    expect(malformed.body.error.code).toBe('invalid_authorization_header');
    const forged = await t.request('GET', '/api/me', { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl' });
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('invalid_token');
  });

  it('updates the profile', async () => {
    const user = await t.signup('Ed');
    const res = await t.request('PATCH', '/api/me', {
      token: user.token,
      body: { displayName: 'Edward', avatarUrl: 'https://example.com/a.png' },
    });
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ displayName: 'Edward', avatarUrl: 'https://example.com/a.png' });
    const bad = await t.request('PATCH', '/api/me', { token: user.token, body: { avatarUrl: 'javascript:alert(1)' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields[0].path).toBe('avatarUrl');
  });
});

describe('refresh tokens', () => {
  it('rotates the refresh cookie; reusing a spent one after the rotation leeway revokes the whole session', async () => {
    const user = await t.signup('Fay');
    const first = await t.request('POST', '/api/auth/refresh', {
      headers: { cookie: user.cookies, 'x-csrf-token': user.csrfToken },
    });
    expect(first.status).toBe(200);
    const rotatedCookies = cookieHeader(first.headers);
    expect(rotatedCookies).toMatch(/ionflux_refresh=/);
    expect(rotatedCookies).not.toBe(user.cookies);
    const newAccess = first.body.accessToken as string;
    expect((await t.request('GET', '/api/me', { token: newAccess })).status).toBe(200);

    // The old cookie again, after the rotation leeway (its rotation is aged past the window): reuse. The session
    // ends, including access tokens issued from it.
    await ageRotations(t, user.cookies, 31);
    const reuse = await t.request('POST', '/api/auth/refresh', {
      headers: { cookie: user.cookies, 'x-csrf-token': user.csrfToken },
    });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error.code).toBe('refresh_token_reused');
    const afterReuse = await t.request('POST', '/api/auth/refresh', {
      headers: { cookie: rotatedCookies, 'x-csrf-token': first.body.csrfToken },
    });
    expect(afterReuse.status).toBe(401);
    expect(afterReuse.body.error.code).toBe('session_revoked');
    const me = await t.request('GET', '/api/me', { token: newAccess });
    expect(me.status).toBe(401);
    expect(me.body.error.code).toBe('session_revoked');
  });

  it('within the rotation leeway, the immediately previous token rotates again instead of revoking', async () => {
    const user = await t.signup('Fen');
    const refresh = (cookies: string, csrf = user.csrfToken) =>
      t.request('POST', '/api/auth/refresh', { headers: { cookie: cookies, 'x-csrf-token': csrf } });
    const first = await refresh(user.cookies);
    expect(first.status).toBe(200);
    // A reload cut off the response: the browser presents the previous cookie again, and stays signed in.
    const again = await refresh(user.cookies);
    expect(again.status).toBe(200);
    expect(again.body.user.id).toBe(first.body.user.id);
    const againCookies = cookieHeader(again.headers);
    expect(againCookies).toMatch(/ionflux_refresh=/);
    expect(againCookies).not.toBe(cookieHeader(first.headers));
    expect((await t.request('GET', '/api/me', { token: again.body.accessToken })).status).toBe(200);
    // The session moves on from the newest cookie; now the original one is no longer the latest spent: reuse.
    const next = await refresh(againCookies, again.body.csrfToken);
    expect(next.status).toBe(200);
    const stale = await refresh(user.cookies);
    expect(stale.status).toBe(401);
    expect(stale.body.error.code).toBe('refresh_token_reused');
    expect((await refresh(cookieHeader(next.headers), next.body.csrfToken)).body.error.code).toBe('session_revoked');
  });

  it('requires the CSRF header matching the cookie, and a same-site Origin', async () => {
    const user = await t.signup('Gus');
    const noHeader = await t.request('POST', '/api/auth/refresh', { headers: { cookie: user.cookies } });
    expect(noHeader.status).toBe(403);
    expect(noHeader.body.error.code).toBe('csrf_token_mismatch');
    const wrongHeader = await t.request('POST', '/api/auth/refresh', {
      headers: { cookie: user.cookies, 'x-csrf-token': 'guess' },
    });
    expect(wrongHeader.status).toBe(403);
    const evilOrigin = await t.request('POST', '/api/auth/refresh', {
      headers: { cookie: user.cookies, 'x-csrf-token': user.csrfToken, origin: 'https://evil.example' },
    });
    expect(evilOrigin.status).toBe(403);
    expect(evilOrigin.body.error.code).toBe('origin_not_allowed');
    const sameOrigin = await t.request('POST', '/api/auth/refresh', {
      headers: { cookie: user.cookies, 'x-csrf-token': user.csrfToken, origin: t.url },
    });
    expect(sameOrigin.status).toBe(200);
  });

  it('logout ends the session: refresh and access tokens stop working', async () => {
    const user = await t.signup('Hal');
    const out = await t.request('POST', '/api/auth/logout', {
      headers: { cookie: user.cookies, 'x-csrf-token': user.csrfToken },
    });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie().some((c) => c.startsWith('ionflux_refresh=;'))).toBe(true);
    expect(
      (
        await t.request('POST', '/api/auth/refresh', {
          headers: { cookie: user.cookies, 'x-csrf-token': user.csrfToken },
        })
      ).status,
    ).toBe(401);
    expect((await t.request('GET', '/api/me', { token: user.token })).status).toBe(401);
  });

  it('without a cookie, refresh says to log in', async () => {
    const res = await t.request('POST', '/api/auth/refresh', {
      headers: { cookie: 'ionflux_csrf=abc', 'x-csrf-token': 'abc' },
    });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('not_signed_in');
  });
});
