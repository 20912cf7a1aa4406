import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import type { ServerOptions } from '../../config';
import {
  cookieHeader,
  createTestPostgresDatabase,
  nextEvent,
  startTestServer,
  testDatabaseTarget,
  type TestServer,
  type TestUser,
} from '../../testing/test-server';

const JWT_SECRET = 'auth-hardening-secret-that-is-long-enough-0123';
const ENCRYPTION_KEYS = `k1:${Buffer.alloc(32, 7).toString('base64')}`;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ jwtSecret: JWT_SECRET, loginMaxAttempts: 10, loginMaxAttemptsPerIp: 1000 });
});
afterAll(async () => {
  await t.close();
});

const login = (server: TestServer, email: string, password: string) =>
  server.request('POST', '/api/auth/login', { body: { email, password } });

describe('login attempts are counted before the password is hashed', () => {
  it('50 parallel wrong passwords for one account: exactly 10 are checked (401), 40 get 429 with Retry-After', async () => {
    const user = await t.signup('Target');
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => login(t, user.email, `wrong-guess-${i}`)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(10);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.body.error.code).toBe('too_many_login_attempts');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // The right password now is refused too, until the window ends.
    expect((await login(t, user.email, user.password)).status).toBe(429);
  });

  it('a correct password among 29 parallel wrong ones only logs in if it was one of the 10 counted attempts', async () => {
    const user = await t.signup('Target2');
    const attempts = [...Array.from({ length: 29 }, (_, i) => `wrong-${i}`), user.password];
    const results = await Promise.all(attempts.map((password) => login(t, user.email, password)));
    const correct = results[29]!;
    expect([200, 429]).toContain(correct.status);
    const wrongChecked = results.slice(0, 29).filter((r) => r.status === 401).length;
    if (correct.status === 429) {
      // The right password came too late: exactly 10 wrong ones were compared, the rest refused before hashing.
      expect(wrongChecked).toBe(10);
      expect(results.filter((r) => r.status === 429)).toHaveLength(20);
    } else {
      // It was among the first 10 counted (at most 9 wrong ones before it); its success cleared the count, so at
      // most 10 more wrong ones were compared after it, whatever the order of arrival.
      expect(wrongChecked).toBeLessThanOrEqual(19);
      expect(results.filter((r) => r.status === 429).length).toBe(29 - wrongChecked);
    }
    // A success clears the account's count: then the next right password works; otherwise it stays locked.
    expect((await login(t, user.email, user.password)).status).toBe(correct.status === 200 ? 200 : 429);
  });

  it('counts attempts per client address across accounts too', async () => {
    const t2 = await startTestServer({ loginMaxAttempts: 100, loginMaxAttemptsPerIp: 15 });
    try {
      const users = await Promise.all(Array.from({ length: 4 }, (_, i) => t2.signup(`Spray${i}`)));
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => login(t2, users[i % 4]!.email, `spray-${i}`)),
      );
      expect(results.filter((r) => r.status === 401)).toHaveLength(15);
      expect(results.filter((r) => r.status === 429)).toHaveLength(5);
      expect(results.find((r) => r.status === 429)!.body.error.message).toMatch(/from this address/);
      expect((await login(t2, users[0]!.email, users[0]!.password)).status).toBe(429);
    } finally {
      await t2.close();
    }
  });
});

describe('signup', () => {
  it('is throttled per client address with 429 and Retry-After', async () => {
    const t2 = await startTestServer({ signupMaxPerIp: 3 });
    try {
      const signup = (i: number) =>
        t2.request('POST', '/api/auth/signup', {
          body: { email: `flood-${i}-${randomUUID()}@example.com`, password: 'a long passphrase', displayName: 'F' },
        });
      const results = await Promise.all([1, 2, 3, 4, 5].map(signup));
      expect(results.map((r) => r.status).sort()).toEqual([201, 201, 201, 429, 429]);
      const limited = results.find((r) => r.status === 429)!;
      expect(limited.body.error.code).toBe('too_many_signups');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(3000);
    } finally {
      await t2.close();
    }
  });

  it('refuses common passwords, all-whitespace ones and the email itself, naming the field', async () => {
    const email = `policy-${randomUUID()}@example.com`;
    for (const password of ['password123', 'qwertyuiop', 'Iloveyou1', '          ', email, 'P@ssw0rd']) {
      const res = await t.request('POST', '/api/auth/signup', { body: { email, password, displayName: 'P' } });
      expect({ password, status: res.status, field: res.body.error?.fields?.[0]?.path }).toEqual({
        password,
        status: 400,
        field: 'password',
      });
    }
    const common = await t.request('POST', '/api/auth/signup', {
      body: { email, password: 'password123', displayName: 'P' },
    });
    expect(common.body.error.fields[0].message).toMatch(/most common passwords/);
    const ok = await t.request('POST', '/api/auth/signup', {
      body: { email, password: 'correct horse battery staple', displayName: 'P' },
    });
    expect(ok.status).toBe(201);
  });
});

describe('access tokens', () => {
  const key = new TextEncoder().encode(JWT_SECRET);
  const token = (claims: { sub: string; exp?: number }) => {
    let jwt = new SignJWT({ sid: randomUUID(), typ: 'access' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.sub)
      .setIssuer('ionflux')
      .setAudience('ionflux-api')
      .setIssuedAt();
    if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
    return jwt.sign(key);
  };

  it('refuses a correctly signed token without exp', async () => {
    const user = await t.signup('NoExp');
    const withExp = await token({ sub: user.id, exp: Math.floor(Date.now() / 1000) + 60 });
    expect((await t.request('GET', '/api/me', { token: withExp })).status).toBe(200);
    const forever = await token({ sub: user.id });
    const res = await t.request('GET', '/api/me', { token: forever });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('invalid_token');
  });

  it('answers 401 (not 500) for a valid token of a user id that does not exist', async () => {
    const ghost = await token({ sub: randomUUID(), exp: Math.floor(Date.now() / 1000) + 60 });
    const res = await t.request('POST', '/api/workspaces', { token: ghost, body: { name: 'Ghost town' } });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('account_deleted');
  });
});

describe('change password', () => {
  it('needs the current password, applies the policy, ends every session and API token, and keeps this one signed in', async () => {
    const user = await t.signup('Changer');
    const ws = await t.createWorkspace(user, 'Mine');
    const otherDevice = (await login(t, user.email, user.password)).body.accessToken as string;
    const apiToken = (
      await t.request('POST', `/api/workspaces/${ws}/api-tokens`, { token: user.token, body: { name: 'agent' } })
    ).body.token as string;
    expect((await t.request('GET', '/api/api-token', { token: apiToken })).status).toBe(200);
    const socket = await t.connect(otherDevice, { reconnection: false });
    const socketGone = new Promise<void>((resolve) => socket.once('disconnect', () => resolve()));

    const wrong = await t.request('POST', '/api/me/password', {
      token: user.token,
      body: { currentPassword: 'not my password', newPassword: 'a new long passphrase' },
    });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatchObject({ code: 'wrong_password', fields: [{ path: 'currentPassword' }] });
    const weak = await t.request('POST', '/api/me/password', {
      token: user.token,
      body: { currentPassword: user.password, newPassword: 'password1' },
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.fields[0].path).toBe('newPassword');

    const changed = await t.request('POST', '/api/me/password', {
      token: user.token,
      body: { currentPassword: user.password, newPassword: 'a new long passphrase' },
    });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('cache-control')).toBe('no-store');
    await socketGone;
    for (const old of [user.token, otherDevice])
      expect((await t.request('GET', '/api/me', { token: old })).body.error.code).toBe('session_revoked');
    expect((await t.request('GET', '/api/api-token', { token: apiToken })).body.error.code).toBe('api_token_revoked');
    // The old refresh cookie is dead too; the new session works.
    const refresh = await t.request('POST', '/api/auth/refresh', {
      headers: { cookie: user.cookies, 'x-csrf-token': user.csrfToken },
    });
    expect(refresh.status).toBe(401);
    expect((await t.request('GET', '/api/me', { token: changed.body.accessToken })).status).toBe(200);
    expect((await login(t, user.email, user.password)).status).toBe(401);
    expect((await login(t, user.email, 'a new long passphrase')).status).toBe(200);
  });
});

describe('delete account', () => {
  it('needs the password, refuses while the sole owner of a shared workspace, then deletes and revokes everything', async () => {
    const user = await t.signup('Leaver');
    const mate = await t.signup('Mate');
    const shared = await t.createWorkspace(user, 'Shared');
    const solo = await t.createWorkspace(user, 'Solo');
    await t.addMember({ owner: user, user: mate, workspaceId: shared, role: 'member' });
    const channelId = (await t.request('GET', `/api/workspaces/${shared}/channels`, { token: user.token })).body
      .channels[0].id;
    await t.request('POST', `/api/workspaces/${shared}/channels/${channelId}/messages`, {
      token: user.token,
      body: { text: 'my last words' },
    });
    const apiToken = (
      await t.request('POST', `/api/workspaces/${shared}/api-tokens`, { token: user.token, body: { name: 'agent' } })
    ).body.token as string;

    expect(
      (await t.request('DELETE', '/api/me', { token: user.token, body: { password: 'wrong password' } })).status,
    ).toBe(403);
    const blocked = await t.request('DELETE', '/api/me', { token: user.token, body: { password: user.password } });
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('sole_owner');
    expect(blocked.body.error.details.workspaces).toEqual([{ id: shared, name: 'Shared' }]);

    await t.request('PATCH', `/api/workspaces/${shared}/members/${mate.id}`, {
      token: user.token,
      body: { role: 'owner' },
    });
    const deleted = await t.request('DELETE', '/api/me', { token: user.token, body: { password: user.password } });
    expect(deleted.status).toBe(204);
    expect(cookieHeader(deleted.headers)).toBe('');

    const me = await t.request('GET', '/api/me', { token: user.token });
    expect(me.status).toBe(401);
    expect((await t.request('POST', '/api/workspaces', { token: user.token, body: { name: 'x' } })).status).toBe(401);
    expect((await t.request('GET', '/api/api-token', { token: apiToken })).status).toBe(401);
    expect((await login(t, user.email, user.password)).status).toBe(401);
    // The workspace only they were in went with them; the shared one stays, their message shown as a former member.
    expect((await t.request('GET', `/api/workspaces/${solo}`, { token: mate.token })).status).toBe(404);
    const count = await t.server.db
      .selectFrom('workspaces')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', '=', solo)
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
    const messages = await t.request('GET', `/api/workspaces/${shared}/channels/${channelId}/messages`, {
      token: mate.token,
    });
    expect(messages.body.messages.find((m: { text: string }) => m.text === 'my last words').author).toEqual({
      kind: 'user',
      userId: null,
      displayName: 'Former member',
    });
  });
});

describe('revocations survive a restart', () => {
  it('a logged-out access token stays refused after the server restarts', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ifx-revocations-'));
    const database =
      testDatabaseTarget() === 'postgres'
        ? await createTestPostgresDatabase()
        : { url: undefined, drop: async () => {} };
    const options: ServerOptions = {
      jwtSecret: JWT_SECRET,
      encryptionKeys: ENCRYPTION_KEYS,
      ...(database.url ? { databaseUrl: database.url } : { dataDir }),
    };
    let user: TestUser;
    let keptSession: string;
    const first = await startTestServer(options);
    try {
      user = await first.signup('Restart');
      keptSession = (await login(first, user.email, user.password)).body.accessToken;
      const logout = await first.request('POST', '/api/auth/logout', {
        headers: { cookie: user.cookies, 'x-csrf-token': user.csrfToken },
      });
      expect(logout.status).toBe(204);
      expect((await first.request('GET', '/api/me', { token: user.token })).status).toBe(401);
    } finally {
      await first.close();
    }
    const second = await startTestServer(options);
    try {
      const res = await second.request('GET', '/api/me', { token: user.token });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('session_revoked');
      // Sessions that were not ended still work.
      expect((await second.request('GET', '/api/me', { token: keptSession })).status).toBe(200);
    } finally {
      await second.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('security headers', () => {
  it('every answer forbids framing and referrers; token answers are never cached', async () => {
    const user = await t.signup('Headers');
    const me = await t.request('GET', '/api/me', { token: user.token });
    expect(me.headers.get('content-security-policy')).toBe(
      "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
    );
    expect(me.headers.get('referrer-policy')).toBe('no-referrer');
    expect(me.headers.get('x-frame-options')).toBe('DENY');
    expect(me.headers.get('x-content-type-options')).toBe('nosniff');
    expect(me.headers.get('cache-control')).toBe('no-store');
    const session = await login(t, user.email, user.password);
    expect(session.headers.get('cache-control')).toBe('no-store');
    expect((await t.request('GET', '/healthz')).headers.get('x-powered-by')).toBeNull();
  });

  it('the docs page loads only its own scripts and cannot be framed; its assets stay cacheable', async () => {
    const docs = await t.request('GET', '/api/docs');
    expect(docs.status).toBe(200);
    const csp = docs.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    // Every script the page loads is served by this server (so 'self' covers them).
    const scripts = [...String(docs.body).matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) expect((await t.request('GET', src)).status).toBe(200);
    const asset = await t.request('GET', '/api/docs/assets/swagger-ui.css');
    expect(asset.headers.get('cache-control')).toBe('public, max-age=3600');
  });
});

describe('socket sessions follow the account', () => {
  it('a socket of a session that logs out is disconnected', async () => {
    const user = await t.signup('SocketOut');
    const socket = await t.connect(user.token, { reconnection: false });
    const gone = nextEvent(socket, 'disconnect', () => true);
    await t.request('POST', '/api/auth/logout', { headers: { cookie: user.cookies, 'x-csrf-token': user.csrfToken } });
    expect(await gone).toBe('io server disconnect');
  });
});
