import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { z } from 'zod';
import type { IssuedSession } from '../../../domain/accounts';
import { SessionSchema, UserSchema, type Session } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { CSRF_COOKIE, readCookies, REFRESH_COOKIE } from '../authentication';
import { text } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';

const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be an email address like ana@example.com' }));
const password = z.string().min(8, 'use at least 8 characters').max(256, 'use at most 256 characters');

/** Sets the refresh cookie (httpOnly, scoped to /api/auth) and a readable CSRF cookie; returns the session body. */
function sendSession(res: Response, session: IssuedSession, secure: boolean): Session {
  const csrfToken = randomBytes(24).toString('base64url');
  const maxAge = session.refreshTokenExpiresAt.getTime() - Date.now();
  res.cookie(REFRESH_COOKIE, session.refreshToken, {
    httpOnly: true,
    sameSite: 'strict',
    secure,
    path: '/api/auth',
    maxAge,
  });
  res.cookie(CSRF_COOKIE, csrfToken, { httpOnly: false, sameSite: 'strict', secure, path: '/', maxAge });
  return {
    user: session.user,
    accessToken: session.accessToken,
    accessTokenExpiresAt: session.accessTokenExpiresAt.toISOString(),
    csrfToken,
  };
}

function clearSessionCookies(res: Response, secure: boolean): void {
  res.clearCookie(REFRESH_COOKIE, { httpOnly: true, sameSite: 'strict', secure, path: '/api/auth' });
  res.clearCookie(CSRF_COOKIE, { sameSite: 'strict', secure, path: '/' });
}

export function authRoutes(useCases: UseCases): RouteDefinition[] {
  const secure = useCases.ctx.config.cookieSecure;
  return [
    defineRoute({
      method: 'post',
      path: '/api/auth/signup',
      operationId: 'signup',
      summary: 'Create an account and sign in',
      tags: ['auth'],
      policy: { kind: 'public' },
      body: z.strictObject({ email, password, displayName: text(100) }),
      example: { body: { email: 'ana@example.com', password: 'a long passphrase', displayName: 'Ana' } },
      response: { status: 201, description: 'Signed in; refresh cookie set', schema: SessionSchema },
      errors: [409],
      handler: async ({ body, res }) => sendSession(res, await useCases.accounts.signup(body), secure),
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      operationId: 'login',
      summary: 'Sign in with email and password',
      description: 'Rate limited per email and client: after too many failures, 429 with Retry-After.',
      tags: ['auth'],
      policy: { kind: 'public' },
      body: z.strictObject({ email, password: z.string().min(1).max(256) }),
      example: { body: { email: 'demo@ionflux.local', password: 'ionflux-demo' } },
      response: { status: 200, description: 'Signed in; refresh cookie set', schema: SessionSchema },
      errors: [401, 429],
      handler: async ({ body, req, res }) =>
        sendSession(
          res,
          await useCases.accounts.login({ ...body, clientKey: req.socket.remoteAddress ?? 'unknown' }),
          secure,
        ),
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/refresh',
      operationId: 'refreshSession',
      summary: 'Exchange the refresh cookie for a new access token (rotates the cookie)',
      description:
        'Cookie-authenticated, so it needs the X-CSRF-Token header. Reusing a spent refresh token revokes the session.',
      tags: ['auth'],
      policy: { kind: 'refreshCookie' },
      response: { status: 200, description: 'New access token; new refresh cookie set', schema: SessionSchema },
      handler: async ({ req, res }) => {
        try {
          return sendSession(
            res,
            await useCases.accounts.refresh({ refreshToken: readCookies(req)[REFRESH_COOKIE]! }),
            secure,
          );
        } catch (error) {
          clearSessionCookies(res, secure);
          throw error;
        }
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/logout',
      operationId: 'logout',
      summary: 'End this session (refresh cookie and its access tokens)',
      tags: ['auth'],
      policy: { kind: 'refreshCookie' },
      response: { status: 204, description: 'Signed out' },
      handler: async ({ req, res }) => {
        await useCases.accounts.logout({ refreshToken: readCookies(req)[REFRESH_COOKIE] });
        clearSessionCookies(res, secure);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/me',
      operationId: 'getMe',
      summary: 'Your profile',
      tags: ['auth'],
      policy: { kind: 'user' },
      response: { status: 200, description: 'Profile', schema: z.object({ user: UserSchema }) },
      handler: async ({ auth }) => ({ user: await useCases.accounts.getProfile(userIdOf(auth.actor)) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/me',
      operationId: 'updateMe',
      summary: 'Change your display name or avatar',
      tags: ['auth'],
      policy: { kind: 'user' },
      body: z.strictObject({
        displayName: text(100).optional(),
        avatarUrl: z
          .url({ protocol: /^https?$/ })
          .max(2000)
          .nullable()
          .optional(),
      }),
      example: { body: { displayName: 'Ana B.' } },
      response: { status: 200, description: 'Updated profile', schema: z.object({ user: UserSchema }) },
      handler: async ({ body, auth }) => ({
        user: await useCases.accounts.updateProfile({ userId: userIdOf(auth.actor), ...body }),
      }),
    }),
  ];
}

/** The user id of a `user`-policy route (the router guarantees the actor is a user). */
export function userIdOf(actor: { kind: string; userId?: string } | undefined): string {
  if (!actor || actor.kind !== 'user' || !actor.userId)
    throw new Error('route policy should have guaranteed a user actor');
  return actor.userId;
}
