import { randomBytes } from 'node:crypto';
import type { Response } from 'express';
import { z } from 'zod';
import type { IssuedSession } from '../../../domain/accounts';
import { SessionSchema, UserSchema, type Session } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { CSRF_COOKIE, readCookies, REFRESH_COOKIE } from '../authentication';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../../../domain/password-policy';
import { clientAddress, httpUrlOrAppPath, text } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';

const email = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: 'must be an email address like ana@example.com' }));
/** Shape only; the policy (common passwords, all-whitespace, the email itself) is checked by the use case. */
const password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `use at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `use at most ${PASSWORD_MAX_LENGTH} characters`);
/** The password you already have (any length it was set with), to re-authenticate. */
const currentPassword = z.string().min(1, 'type your current password').max(PASSWORD_MAX_LENGTH);

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
      description:
        'The password needs 8-256 characters, not only spaces, not one of the ~49,000 most common passwords ' +
        '(the list zxcvbn-ts maintains) and not the email. Signups are throttled per client address ' +
        '(IONFLUX_SIGNUP_MAX_PER_IP per IONFLUX_SIGNUP_WINDOW_SECONDS): 429 with Retry-After past it.',
      tags: ['auth'],
      policy: { kind: 'public' },
      body: z.strictObject({ email, password, displayName: text(100, 'Display name') }),
      example: { body: { email: 'ana@example.com', password: 'a long passphrase', displayName: 'Ana' } },
      response: { status: 201, description: 'Signed in; refresh cookie set', schema: SessionSchema },
      errors: [409, 429],
      handler: async ({ body, req, res }) =>
        sendSession(res, await useCases.accounts.signup({ ...body, clientKey: clientAddress(req) }), secure),
    }),
    defineRoute({
      method: 'post',
      path: '/api/auth/login',
      operationId: 'login',
      summary: 'Sign in with email and password',
      description:
        'Every attempt is counted before the password is checked, per account (IONFLUX_LOGIN_MAX_ATTEMPTS) and per ' +
        'client address (IONFLUX_LOGIN_MAX_ATTEMPTS_PER_IP) in a window: past either, 429 with Retry-After whatever ' +
        'the password, parallel attempts included. A successful login clears the account count.',
      tags: ['auth'],
      policy: { kind: 'public' },
      body: z.strictObject({ email, password: z.string().min(1).max(256) }),
      example: { body: { email: 'demo@ionflux.local', password: 'ionflux-demo' } },
      response: { status: 200, description: 'Signed in; refresh cookie set', schema: SessionSchema },
      errors: [401, 429],
      handler: async ({ body, req, res }) =>
        sendSession(res, await useCases.accounts.login({ ...body, clientKey: clientAddress(req) }), secure),
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
        displayName: text(100, 'Display name').optional(),
        avatarUrl: httpUrlOrAppPath.nullable().optional(),
      }),
      example: { body: { displayName: 'Ana B.' } },
      response: { status: 200, description: 'Updated profile', schema: z.object({ user: UserSchema }) },
      handler: async ({ body, auth }) => ({
        user: await useCases.accounts.updateProfile({ userId: userIdOf(auth.actor), ...body }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/me/password',
      operationId: 'changePassword',
      summary: 'Change your password (re-authenticated); ends every session and API token of yours',
      description:
        'Send your current password (counted like a login attempt: 403 wrong_password, 429 past the limit) and the ' +
        'new one (same policy as signup). Every session of yours ends, on every device, and every API token you ' +
        'created is revoked; this call returns a fresh session (and refresh cookie) so you stay signed in here.',
      tags: ['auth'],
      policy: { kind: 'user' },
      body: z.strictObject({ currentPassword, newPassword: password }),
      example: { body: { currentPassword: 'a long passphrase', newPassword: 'an even longer passphrase' } },
      response: { status: 200, description: 'Password changed; a new session', schema: SessionSchema },
      errors: [403, 429],
      handler: async ({ body, auth, req, res }) =>
        sendSession(
          res,
          await useCases.accounts.changePassword({
            userId: userIdOf(auth.actor),
            currentPassword: body.currentPassword,
            newPassword: body.newPassword,
            clientKey: clientAddress(req),
          }),
          secure,
        ),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/me',
      operationId: 'deleteAccount',
      summary: 'Delete your account (re-authenticated); ends every session and API token of yours',
      description:
        'Send your password (counted like a login attempt). Refused with 409 sole_owner (naming the workspaces in ' +
        'error.details.workspaces) while you are the only owner of a workspace with other members; a workspace ' +
        'where you are the only member is deleted with the account. Your messages stay, shown as "Former member".',
      tags: ['auth'],
      policy: { kind: 'user' },
      body: z.strictObject({ password: currentPassword }),
      example: { body: { password: 'a long passphrase' } },
      response: { status: 204, description: 'Deleted; session cookies cleared' },
      errors: [403, 409, 429],
      handler: async ({ body, auth, req, res }) => {
        await useCases.accounts.deleteAccount({
          userId: userIdOf(auth.actor),
          password: body.password,
          clientKey: clientAddress(req),
        });
        clearSessionCookies(res, secure);
        return undefined;
      },
    }),
  ];
}

/** The user id of a `user`-policy route (the router guarantees the actor is a user). */
export function userIdOf(actor: { kind: string; userId?: string } | undefined): string {
  if (!actor || actor.kind !== 'user' || !actor.userId)
    throw new Error('route policy should have guaranteed a user actor');
  return actor.userId;
}
