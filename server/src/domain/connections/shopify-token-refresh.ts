import type { AppContext } from '../context';
import { KeyedMutex } from '../keyed-mutex';
import type { IntegrationCredentials, Profiles } from '../profiles';

/** A token expiring within this margin is refreshed before a run hands it out. */
const REFRESH_MARGIN_MS = 5 * 60_000;
/** One refresh of a Brand's token at a time in this process (a refresh token works once). */
const refreshes = new KeyedMutex();

/**
 * A Brand's Shopify OAuth credentials with an access token that is still good: an expiring offline token due
 * within five minutes is exchanged for a new pair (`grant_type=refresh_token` at the shop's token endpoint), stored
 * in place of the pair it replaces unless another process replaced it first (then that pair is the one returned).
 * For runs that leave the server with only the access token (agents running on an n8n server: n8n gets an access
 * token credential, so nobody there can refresh it); the embedded engine refreshes through n8n's OAuth2 helper.
 * Throws with the message a run fails with when Shopify refuses the refresh token (the store must be connected again).
 *
 * @example
 * const usable = await freshShopifyCredentials({ ctx, profiles, workspaceId, brand, stored, tokenUrl, app });
 */
export async function freshShopifyCredentials({
  ctx,
  profiles,
  workspaceId,
  brand,
  stored,
  tokenUrl,
  app,
}: {
  ctx: AppContext;
  profiles: Profiles;
  workspaceId: string;
  brand: { id: string; name: string };
  stored: IntegrationCredentials;
  tokenUrl: string;
  app: { apiKey: string; apiSecret: string };
}): Promise<IntegrationCredentials> {
  const due = (credentials: IntegrationCredentials) =>
    Boolean(credentials.refreshToken) &&
    credentials.expiresAt !== null &&
    Date.parse(credentials.expiresAt) - Date.now() < REFRESH_MARGIN_MS;
  if (!due(stored)) return stored;
  return refreshes.run(brand.id, async () => {
    const owner = { workspaceId, ownerType: 'brand' as const, ownerId: brand.id };
    // Refreshed by an earlier call while this one waited.
    const current = (await profiles.readCredentials(owner)) ?? stored;
    if (!due(current)) return current;
    const response = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        client_id: app.apiKey,
        client_secret: app.apiSecret,
        grant_type: 'refresh_token',
        refresh_token: current.refreshToken,
      }),
      signal: AbortSignal.timeout(15_000),
    }).catch((error: unknown) => {
      throw new Error(
        `Shopify could not be reached to refresh the token of Brand "${brand.name}": ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    const token = (await response.json().catch(() => ({}))) as {
      access_token?: string;
      refresh_token?: string;
      scope?: string;
      expires_in?: number;
    };
    if (!response.ok || !token.access_token)
      throw new Error(
        `Shopify refused to refresh the token of Brand "${brand.name}" (${response.status}): connect the store again (Brands > Connect Shopify).`,
      );
    const refreshed: IntegrationCredentials = {
      accessToken: token.access_token,
      ...(token.refresh_token ? { refreshToken: token.refresh_token } : {}),
      scopes: typeof token.scope === 'string' ? token.scope.split(',').filter(Boolean) : current.scopes,
      expiresAt:
        typeof token.expires_in === 'number' ? new Date(Date.now() + token.expires_in * 1000).toISOString() : null,
    };
    const replaced = await profiles.replaceCredentialsIfUnchanged({
      ...owner,
      previousAccessToken: current.accessToken,
      credentials: refreshed,
    });
    if (replaced) return refreshed;
    ctx.logger.warn(
      { brandId: brand.id },
      'a refreshed Shopify token was not stored: the connection changed meanwhile',
    );
    return (await profiles.readCredentials(owner)) ?? refreshed;
  });
}
