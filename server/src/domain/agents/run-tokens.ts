import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { unauthorized } from '../../errors';

/** Prefix of run tokens: `ifr_<JWT>`. */
export const RUN_TOKEN_PREFIX = 'ifr_';
const ISSUER = 'ionflux';
const AUDIENCE = 'ionflux-run';

export interface RunTokenClaims {
  runId: string;
  workspaceId: string;
  agentId: string;
  /** The user the run acts as (who started it, or who saved the revision a schedule or webhook runs). */
  userId: string;
  expiresAtMs: number;
}

/**
 * A short-lived token for the nodes of one run to call back into the server (canvas, chat, notify, vectors): scoped
 * to the run's workspace and agent, acting as the run's user, never a member's session. It dies with its expiry and
 * as soon as the run is no longer running.
 */
export async function signRunToken(args: {
  key: Uint8Array;
  claims: Omit<RunTokenClaims, 'expiresAtMs'>;
  ttlSeconds: number;
}): Promise<{ token: string; expiresAtMs: number }> {
  const expiresAtMs = Date.now() + args.ttlSeconds * 1000;
  const jwt = await new SignJWT({ typ: 'run', wid: args.claims.workspaceId, aid: args.claims.agentId })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(args.claims.userId)
    .setJti(args.claims.runId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(expiresAtMs / 1000))
    .sign(args.key);
  return { token: `${RUN_TOKEN_PREFIX}${jwt}`, expiresAtMs };
}

export async function verifyRunToken(token: string, key: Uint8Array): Promise<RunTokenClaims> {
  try {
    const { payload } = await jwtVerify(token.slice(RUN_TOKEN_PREFIX.length), key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'sub', 'jti'],
    });
    if (payload.typ !== 'run' || typeof payload.wid !== 'string' || typeof payload.aid !== 'string')
      throw unauthorized('invalid_run_token', 'This is not an IONFLUX run token');
    return {
      runId: payload.jti!,
      workspaceId: payload.wid,
      agentId: payload.aid,
      userId: payload.sub!,
      expiresAtMs: payload.exp! * 1000,
    };
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired)
      throw unauthorized('run_token_expired', 'The run token expired: the run took longer than its timeout');
    if (error instanceof joseErrors.JOSEError) throw unauthorized('invalid_run_token', 'The run token is invalid');
    throw error;
  }
}
