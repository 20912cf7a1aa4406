import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { unauthorized } from '../errors';
import { BoundedCache } from './bounded-cache';

/** An opaque, high-entropy token (refresh tokens, invitations, API tokens): `<prefix>_<43 base64url chars>`. */
export function generateOpaqueToken(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url')}`;
}

/** Opaque tokens are stored as SHA-256 hashes: they are random, so a fast hash is enough and lookups stay indexed. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

const ISSUER = 'ionflux';
const AUDIENCE = 'ionflux-api';

export interface AccessTokenClaims {
  userId: string;
  /** The refresh-token family (one login); revoking it ends the session. */
  sessionId: string;
  /** Expiry in epoch milliseconds (set when verified). */
  expiresAtMs?: number;
}

/** Signs a short-lived HS256 access token. */
export async function signAccessToken(args: {
  claims: AccessTokenClaims;
  key: Uint8Array;
  ttlSeconds: number;
}): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(Date.now() + args.ttlSeconds * 1000);
  const token = await new SignJWT({ sid: args.claims.sessionId, typ: 'access' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(args.claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
    .sign(args.key);
  return { token, expiresAt };
}

/** Verifies signature, issuer, audience and expiry; any failure is a 401 that says what to do. */
export async function verifyAccessToken(args: { token: string; key: Uint8Array }): Promise<AccessTokenClaims> {
  try {
    const { payload } = await jwtVerify(args.token, args.key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      // A token without an expiry would work forever: refuse it even when it carries a valid signature.
      requiredClaims: ['exp', 'iat', 'sub'],
    });
    if (payload.typ !== 'access' || typeof payload.sub !== 'string' || typeof payload.sid !== 'string') {
      throw unauthorized('invalid_token', 'The bearer token is not an IONFLUX access token; log in again');
    }
    return { userId: payload.sub, sessionId: payload.sid, expiresAtMs: payload.exp! * 1000 };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) {
      throw unauthorized('token_expired', 'The access token expired; call POST /api/auth/refresh for a new one');
    }
    if (error instanceof joseErrors.JOSEError) {
      throw unauthorized('invalid_token', 'The bearer token is invalid; log in again');
    }
    throw error;
  }
}

/**
 * Remembers verified access tokens until they expire, so a busy client does not pay for an HMAC check (and a trip
 * to the crypto thread pool) on every request. Revocation is checked by the caller on every use regardless.
 */
export class AccessTokenVerifier {
  readonly #key: Uint8Array;
  readonly #verified = new BoundedCache<AccessTokenClaims>({ maxEntries: 10_000, maxWeight: 10_000, weigh: () => 1 });

  constructor(key: Uint8Array) {
    this.#key = key;
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    const known = this.#verified.get(token);
    if (known && (known.expiresAtMs ?? 0) > Date.now()) return known;
    if (known) this.#verified.delete(token);
    const claims = await verifyAccessToken({ token, key: this.#key });
    this.#verified.set(token, claims);
    return claims;
  }
}
