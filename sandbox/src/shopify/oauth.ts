/**
 * Shopify's authorization code grant
 * (https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant):
 *
 * 1. `GET /admin/oauth/authorize?client_id&scope&redirect_uri&state&grant_options[]=per-user` - the sandbox's consent
 *    screen approves at once and redirects (302) to
 *    `redirect_uri?code&hmac&host&shop&state&timestamp`.
 * 2. The `hmac` is the hex HMAC-SHA256, keyed with the app's client secret, of every other query parameter sorted by
 *    name and joined as a query string (values URL-encoded as URLSearchParams does, spaces as %20) - the message
 *    `stringifyQueryForAdmin` builds in Shopify's own library.
 * 3. `POST /admin/oauth/access_token` with client_id, client_secret and code (JSON or form) returns
 *    `{ access_token, scope }` (plus `expires_in`, `associated_user` for per-user tokens). Codes are single-use and
 *    expire after 10 minutes.
 * 4. Expiring offline tokens (https://shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh):
 *    with `expiring=1` in the code exchange the offline token lasts an hour and comes with a `refresh_token` (90
 *    days); `grant_type=refresh_token` exchanges it for a new token and a new refresh token. The replaced refresh
 *    token keeps working until the new access token is first used (a lost refresh answer can be retried), then dies.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The message Shopify signs: parameters except `hmac`/`signature`, sorted, URL-encoded. */
export function shopifyHmacMessage(params: Record<string, string>): string {
  const search = new URLSearchParams();
  for (const key of Object.keys(params)
    .filter((k) => k !== 'hmac' && k !== 'signature')
    .sort((a, b) => a.localeCompare(b))) {
    search.append(key, params[key]!);
  }
  return search.toString().replace(/\+/g, '%20');
}

/** Hex HMAC-SHA256 of the sorted query, as in Shopify's OAuth redirect and install links. */
export function signShopifyQuery(params: Record<string, string>, secret: string): string {
  return createHmac('sha256', secret).update(shopifyHmacMessage(params)).digest('hex');
}

/**
 * Verifies the `hmac` of an OAuth callback query (constant time).
 *
 * @example
 * verifyShopifyQuery(Object.fromEntries(new URL(callbackUrl).searchParams), clientSecret) // true
 */
export function verifyShopifyQuery(params: Record<string, string>, secret: string): boolean {
  const given = params.hmac;
  if (!given || !/^[0-9a-f]{64}$/i.test(given)) return false;
  const expected = Buffer.from(signShopifyQuery(params, secret), 'hex');
  return timingSafeEqual(Buffer.from(given.toLowerCase(), 'hex'), expected);
}

export interface IssuedToken {
  token: string;
  scope: string[];
  clientId: string;
  perUser: boolean;
  expiresAt: number | null;
}

interface PendingCode {
  clientId: string;
  scope: string[];
  redirectUri: string;
  perUser: boolean;
  expiresAt: number;
}

export const CODE_TTL_MS = 10 * 60_000;
const ONLINE_TOKEN_TTL_S = 86_399;
const EXPIRING_OFFLINE_TTL_S = 3_600;
const REFRESH_TOKEN_TTL_S = 90 * 86_400;

interface RefreshGrant {
  clientId: string;
  scope: string[];
  expiresAt: number;
}

/** What the token endpoint answers for an expiring offline token. */
export interface ExpiringTokenAnswer {
  access_token: string;
  scope: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
}

/** Authorization codes and the access tokens issued for them (in memory, per sandbox instance). */
export class ShopifyTokenStore {
  private readonly codes = new Map<string, PendingCode>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly refreshGrants = new Map<string, RefreshGrant>();
  /** A refreshed access token -> the refresh token it replaced, which dies once that access token is used. */
  private readonly replacedRefreshTokens = new Map<string, string>();

  constructor(
    private readonly clock: () => number,
    staticTokens: IssuedToken[],
  ) {
    for (const t of staticTokens) this.tokens.set(t.token, t);
  }

  issueCode(input: { clientId: string; scope: string[]; redirectUri: string; perUser: boolean }): string {
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { ...input, expiresAt: this.clock() + CODE_TTL_MS });
    return code;
  }

  /** Redeems a code once; returns null if it is unknown, used, expired or issued to another client. */
  redeem(code: string, clientId: string): IssuedToken | null {
    const pending = this.codes.get(code);
    if (!pending) return null;
    this.codes.delete(code);
    if (pending.clientId !== clientId || pending.expiresAt < this.clock()) return null;
    const token: IssuedToken = {
      token: `shpat_${randomBytes(16).toString('hex')}`,
      scope: pending.scope,
      clientId,
      perUser: pending.perUser,
      expiresAt: pending.perUser ? this.clock() + ONLINE_TOKEN_TTL_S * 1000 : null,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  /** An expiring offline token (one hour) and its refresh token (90 days) for a redeemed offline grant. */
  issueExpiring(granted: IssuedToken): ExpiringTokenAnswer {
    granted.expiresAt = this.clock() + EXPIRING_OFFLINE_TTL_S * 1000;
    const refreshToken = `shprt_${randomBytes(16).toString('hex')}`;
    this.refreshGrants.set(refreshToken, {
      clientId: granted.clientId,
      scope: granted.scope,
      expiresAt: this.clock() + REFRESH_TOKEN_TTL_S * 1000,
    });
    return {
      access_token: granted.token,
      scope: granted.scope.join(','),
      expires_in: EXPIRING_OFFLINE_TTL_S,
      refresh_token: refreshToken,
      refresh_token_expires_in: REFRESH_TOKEN_TTL_S,
    };
  }

  /** `grant_type=refresh_token`: null when the refresh token is unknown, expired, retired or another client's. */
  refresh(refreshToken: string, clientId: string): ExpiringTokenAnswer | null {
    const grant = this.refreshGrants.get(refreshToken);
    if (!grant || grant.clientId !== clientId || grant.expiresAt < this.clock()) return null;
    const token: IssuedToken = {
      token: `shpat_${randomBytes(16).toString('hex')}`,
      scope: grant.scope,
      clientId,
      perUser: false,
      expiresAt: null,
    };
    this.tokens.set(token.token, token);
    const answer = this.issueExpiring(token);
    this.replacedRefreshTokens.set(token.token, refreshToken);
    return answer;
  }

  issueClientCredentials(clientId: string, scope: string[]): IssuedToken {
    const token: IssuedToken = {
      token: `shpat_${randomBytes(16).toString('hex')}`,
      scope,
      clientId,
      perUser: false,
      expiresAt: this.clock() + ONLINE_TOKEN_TTL_S * 1000,
    };
    this.tokens.set(token.token, token);
    return token;
  }

  lookup(token: string | undefined): IssuedToken | null {
    if (!token) return null;
    const found = this.tokens.get(token);
    if (!found) return null;
    if (found.expiresAt !== null && found.expiresAt < this.clock()) return null;
    const replaced = this.replacedRefreshTokens.get(token);
    if (replaced !== undefined) {
      this.refreshGrants.delete(replaced);
      this.replacedRefreshTokens.delete(token);
    }
    return found;
  }

  static readonly onlineTokenTtlSeconds = ONLINE_TOKEN_TTL_S;
}
