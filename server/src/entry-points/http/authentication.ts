import type { Request } from 'express';
import type { Actor } from '../../domain/context';
import { API_TOKEN_PREFIX } from '../../domain/api-tokens';
import type { UseCases } from '../../domain/use-cases';
import { AppError, unauthorized } from '../../errors';

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
 * else must be a valid, unrevoked access token.
 */
export async function authenticateToken(useCases: UseCases, token: string): Promise<Actor> {
  if (token.startsWith(API_TOKEN_PREFIX)) return useCases.apiTokens.authenticate(token);
  const claims = await useCases.ctx.accessTokens.verify(token);
  const revokedUntil = useCases.ctx.revokedSessions.get(claims.sessionId);
  if (revokedUntil !== undefined) {
    if (revokedUntil > Date.now()) throw unauthorized('session_revoked', 'This session was ended; log in again');
    useCases.ctx.revokedSessions.delete(claims.sessionId);
  }
  return { kind: 'user', userId: claims.userId, sessionId: claims.sessionId };
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
