import type { Request, RequestHandler } from 'express';
import type { Actor } from '../../domain/context';
import { API_TOKEN_PREFIX } from '../../domain/api-tokens';
import { RUN_TOKEN_PREFIX } from '../../domain/agents/run-tokens';
import type { UseCases } from '../../domain/use-cases';
import { AppError, isAppError, unauthorized } from '../../errors';

export const REFRESH_COOKIE = 'ionflux_refresh';
export const CSRF_COOKIE = 'ionflux_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Cookie header -> map (no dependency; values are URL-decoded when possible). */
export function readCookies(req: Request): Record<string, string> {
  const cookies: Record<string, string> = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    const raw = part.slice(eq + 1).trim();
    try {
      cookies[name] = decodeURIComponent(raw);
    } catch {
      cookies[name] = raw;
    }
  }
  return cookies;
}

/**
 * The actor of a `token` (from an Authorization header or a socket handshake): API tokens start with `ifx_`, anything
 * else must be a valid access token (signature, issuer, audience, `exp`) of an unrevoked session of a user who
 * still exists. Every failure is a 401 saying what to do.
 */
export async function authenticateToken(useCases: UseCases, token: string): Promise<Actor> {
  if (token.startsWith(API_TOKEN_PREFIX)) return useCases.apiTokens.authenticate(token);
  if (token.startsWith(RUN_TOKEN_PREFIX)) return useCases.runs.authenticateRunToken(token);
  const claims = await useCases.ctx.accessTokens.verify(token);
  const revokedUntil = useCases.ctx.revokedSessions.get(claims.sessionId);
  if (revokedUntil !== undefined) {
    if (revokedUntil > Date.now()) throw unauthorized('session_revoked', 'This session was ended; log in again');
    useCases.ctx.revokedSessions.delete(claims.sessionId);
  }
  if (!(await useCases.accounts.isActiveUser(claims.userId)))
    throw unauthorized('account_deleted', 'The account of this token no longer exists; sign up or log in again');
  return { kind: 'user', userId: claims.userId, sessionId: claims.sessionId, expiresAtMs: claims.expiresAtMs };
}

/** Actor from `Authorization: Bearer <token>`, undefined when there is no such header. */
export async function authenticateRequest(useCases: UseCases, req: Request): Promise<Actor | undefined> {
  const header = req.headers.authorization;
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match)
    throw unauthorized(
      'invalid_authorization_header',
      'Use the header "Authorization: Bearer <access token or API token>"',
    );
  return authenticateToken(useCases, match[1]!);
}

/**
 * CSRF defence for cookie-authenticated writes: the X-CSRF-Token header must equal the csrf cookie (double submit),
 * and a browser Origin, when sent, must be this server or an allowed origin.
 */
export function checkCsrf(req: Request, allowedOrigins: string[]): void {
  const origin = req.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    const own = `${req.protocol}://${req.headers.host ?? ''}`;
    if (origin !== own && !allowedOrigins.includes(origin)) {
      throw new AppError({
        status: 403,
        code: 'origin_not_allowed',
        message: `Requests from ${origin} may not use the session cookie; add it to IONFLUX_ALLOWED_ORIGINS if it is yours`,
      });
    }
  } else if (origin === 'null') {
    throw new AppError({
      status: 403,
      code: 'origin_not_allowed',
      message: 'Opaque origins may not use the session cookie',
    });
  }
  const cookie = readCookies(req)[CSRF_COOKIE];
  const header = req.headers[CSRF_HEADER];
  if (!cookie || typeof header !== 'string' || header !== cookie) {
    throw new AppError({
      status: 403,
      code: 'csrf_token_mismatch',
      message: `Send the csrfToken from login (also in the ${CSRF_COOKIE} cookie) in the X-CSRF-Token header`,
    });
  }
}

/**
 * Express middleware for operations only server administrators may call (the sandbox's control endpoints): a user's
 * access token (not an API token) whose email is in `adminEmails` (IONFLUX_ADMIN_EMAILS; with --demo, the demo
 * account). Answers 401/403 in the server's error shape itself, whatever router it runs in.
 */
export function requireServerAdmin(useCases: UseCases): RequestHandler {
  return (req, res, next) => {
    const check = async () => {
      const actor = await authenticateRequest(useCases, req);
      if (!actor)
        throw unauthorized(
          'not_signed_in',
          'This sandbox control endpoint needs a server admin: send "Authorization: Bearer <access token>"',
        );
      if (actor.kind !== 'user')
        throw new AppError({
          status: 403,
          code: 'api_token_not_allowed',
          message: 'API tokens cannot drive the sandbox; sign in as a server admin',
        });
      if (!(await useCases.accounts.isServerAdmin(actor.userId)))
        throw new AppError({
          status: 403,
          code: 'server_admin_required',
          message: 'Only server admins (IONFLUX_ADMIN_EMAILS) may use the sandbox control endpoints',
        });
    };
    check().then(
      () => next(),
      (error: unknown) => {
        if (!isAppError(error)) return next(error);
        res.status(error.status).json({ error: { code: error.code, message: error.message, requestId: req.id } });
      },
    );
  };
}
