import { randomBytes, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';
import { AppError, unauthorized } from '../../errors';

/** Cookie that carries the state of one OAuth flow from begin to callback (signed, httpOnly, 10 minutes). */
export const OAUTH_COOKIE = 'ionflux_oauth';
export const OAUTH_STATE_TTL_SECONDS = 600;
const AUDIENCE = 'ionflux-oauth';

/** What begin remembers for the callback; the browser holds it, signed, so no server state is needed. */
export interface OAuthState {
  provider: 'shopify' | 'tiktok';
  /** The `state` parameter sent to the provider: the callback's must equal it. */
  nonce: string;
  userId: string;
  workspaceId: string;
  /** The Brand (shopify) or Creator (tiktok) being connected. */
  ownerId: string;
  redirectUri: string;
  /** Shopify: the shop the flow was started for (the callback's shop must be the same). */
  shop?: string;
  /** TikTok: the PKCE code verifier. */
  codeVerifier?: string;
}

export function newNonce(): string {
  return randomBytes(24).toString('base64url');
}

export async function signOAuthState(state: OAuthState, key: Uint8Array): Promise<string> {
  return new SignJWT({ ...state })
    .setProtectedHeader({ alg: 'HS256' })
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${OAUTH_STATE_TTL_SECONDS}s`)
    .sign(key);
}

/**
 * The flow state from the cookie, checked: a valid signature, not expired, for this provider, and `stateParam`
 * equal to its nonce (constant time). Anything else is a forged or stale callback: 401.
 */
export async function verifyOAuthState(args: {
  cookie: string | undefined;
  stateParam: unknown;
  provider: OAuthState['provider'];
  key: Uint8Array;
}): Promise<OAuthState> {
  const restart = 'start connecting again from IONFLUX (the link is valid for 10 minutes, in the same browser)';
  if (!args.cookie) throw unauthorized('oauth_state_missing', `No connection in progress in this browser: ${restart}`);
  let state: OAuthState;
  try {
    const { payload } = await jwtVerify(args.cookie, args.key, { audience: AUDIENCE, algorithms: ['HS256'] });
    state = payload as unknown as OAuthState;
  } catch {
    throw unauthorized('oauth_state_invalid', `The connection state is invalid or expired: ${restart}`);
  }
  const given = typeof args.stateParam === 'string' ? Buffer.from(args.stateParam) : Buffer.alloc(0);
  const expected = Buffer.from(state.nonce);
  if (state.provider !== args.provider || given.length !== expected.length || !timingSafeEqual(given, expected))
    throw unauthorized(
      'oauth_state_mismatch',
      `The state parameter does not match this browser's connection: ${restart}`,
    );
  return state;
}

/**
 * The workspace of this browser's flow when the cookie's signature holds (expired or not, whatever the callback's
 * state parameter): where to send the browser back after a failed callback. Undefined for a missing or forged cookie.
 */
export async function oauthReturnWorkspace(cookie: string | undefined, key: Uint8Array): Promise<string | undefined> {
  if (!cookie) return undefined;
  try {
    const { payload } = await jwtVerify(cookie, key, {
      audience: AUDIENCE,
      algorithms: ['HS256'],
      clockTolerance: OAUTH_STATE_TTL_SECONDS,
    });
    return typeof payload.workspaceId === 'string' ? payload.workspaceId : undefined;
  } catch {
    return undefined;
  }
}

/** A 400 naming the query parameter of a provider redirect that is wrong. */
export function badCallback(field: string, message: string): AppError {
  return new AppError({
    status: 400,
    code: 'invalid_oauth_callback',
    message: `${field}: ${message}`,
    fields: [{ path: `query.${field}`, message }],
  });
}
