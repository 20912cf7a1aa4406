import type { AgentDocument } from '@ionflux/dsl';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { findBrand, findCreator } from '../../data-access/profiles-repository';
import { freshShopifyCredentials } from '../connections/shopify-token-refresh';
import type { TikTokConnections } from '../connections/tiktok-connections';
import type { AppContext } from '../context';
import type { ConnectionBinding } from '../model';
import type { Profiles } from '../profiles';
import { loadEngine, type CredentialData, type CredentialResolver } from './engine';

/** A connection that runs on an OAuth2 credential n8n may refresh: whose it is, and the access token given. */
export interface OAuthConnection {
  ownerType: 'brand';
  ownerId: string;
  accessToken: string;
}

export interface RunCredentials {
  credentials: CredentialResolver;
  accounts: Record<string, string>;
  /** Shopify connections on the OAuth2 credential (the run's Shopify nodes use `authentication: oAuth2`). */
  oauth: Map<string, OAuthConnection>;
}

/** The connection name of a compiled credential reference (`ionflux:<connection>`). */
export function connectionOf(reference: { id?: string | null; name?: string }): string {
  return (reference.id ?? '').replace(/^ionflux:/, '') || reference.name || '';
}

/**
 * Credentials of one run, resolved on the server's thread when a node asks (never stored in the run, never logged):
 * the IONFLUX API with the run's short-lived token; Shopify and TikTok from the bound Brand or Creator (decrypted
 * only now) or, for sandbox bindings and sandbox profiles without their own tokens, the server's emulators; LLM
 * connections from the sandbox model when the server runs the sandbox (the workspace default).
 */
export async function runCredentials({
  ctx,
  profiles,
  tiktok,
  workspaceId,
  agent,
  bindings,
  baseUrl,
  runToken,
}: {
  ctx: AppContext;
  profiles: Profiles;
  /** Refreshes OAuth-connected TikTok tokens before use (absent: stored tokens are used as they are). */
  tiktok?: TikTokConnections;
  workspaceId: string;
  agent: AgentDocument;
  bindings: Record<string, ConnectionBinding>;
  baseUrl: string;
  /** The run's token for the IONFLUX API credential (signed on first use). */
  runToken: () => Promise<string>;
}): Promise<RunCredentials> {
  const { sandboxCredentials, SANDBOX_ACCOUNTS, CredentialNotFound } = loadEngine();
  const sandbox = ctx.config.sandbox ? sandboxCredentials({ sandboxBaseUrl: baseUrl }) : undefined;
  const declared = agent.spec.connections ?? {};
  const accounts: Record<string, string> = {};
  const resolved = new Map<string, CredentialData>();
  /** Connections whose Brand or Creator must be connected again: the message the run fails with. */
  const unusable = new Map<string, string>();
  const oauth = new Map<string, OAuthConnection>();
  const shopifyApp =
    ctx.config.shopifyApp ??
    (ctx.config.sandbox
      ? { apiKey: SANDBOX_CREDENTIALS.shopify.clientId, apiSecret: SANDBOX_CREDENTIALS.shopify.clientSecret }
      : null);

  for (const [name, connection] of Object.entries(declared)) {
    const binding = bindings[name];
    if (connection.type === 'shopify' && binding && 'brandId' in binding) {
      const brand = await findBrand(ctx.db, { workspaceId, brandId: binding.brandId });
      if (!brand) continue;
      if (brand.connection.state && brand.connection.state !== 'connected') {
        unusable.set(
          name,
          `Brand "${brand.name}" is ${brand.connection.state} from Shopify: connect the store again (Brands > Connect Shopify).`,
        );
        continue;
      }
      let stored = await profiles.readCredentials({ workspaceId, ownerType: 'brand', ownerId: brand.id });
      const isSandboxStore = sandbox && brand.shopDomain === SANDBOX_CREDENTIALS.shopify.shopDomain;
      accounts[name] = brand.shopDomain ?? brand.name;
      if (stored?.refreshToken && brand.shopDomain && shopifyApp && (isSandboxStore || ctx.config.shopifyApp)) {
        // Connected through OAuth with an expiring token: n8n's OAuth2 helper refreshes it when the store answers
        // 401, and the run executor stores the rotated pair (the replaced refresh token dies once the new token is
        // used, so it must never be sent again). A run on an n8n server gets the access token alone (see
        // N8nAgentRuns): it is refreshed here first when it is about to expire.
        const base = isSandboxStore ? `${baseUrl}/sandbox/shopify` : `https://${brand.shopDomain}`;
        if (ctx.config.engine.kind === 'n8n')
          try {
            stored = await freshShopifyCredentials({
              ctx,
              profiles,
              workspaceId,
              brand,
              stored,
              tokenUrl: `${base}/admin/oauth/access_token`,
              app: shopifyApp,
            });
          } catch (error) {
            unusable.set(name, error instanceof Error ? error.message : String(error));
            continue;
          }
        resolved.set(name, {
          shopDomain: brand.shopDomain,
          ...(isSandboxStore ? { baseUrl: base } : {}),
          apiVersion: SANDBOX_CREDENTIALS.shopify.apiVersion,
          clientId: shopifyApp.apiKey,
          clientSecret: shopifyApp.apiSecret,
          appSecret: '',
          grantType: 'authorizationCode',
          authentication: 'body',
          authUrl: `${base}/admin/oauth/authorize`,
          accessTokenUrl: `${base}/admin/oauth/access_token`,
          scope: stored.scopes.join(','),
          oauthTokenData: {
            access_token: stored.accessToken,
            refresh_token: stored.refreshToken,
            scope: stored.scopes.join(','),
          },
        });
        oauth.set(name, { ownerType: 'brand', ownerId: brand.id, accessToken: stored.accessToken });
      } else if (isSandboxStore) {
        resolved.set(name, {
          ...sandbox!.ionfluxShopifyAccessTokenApi,
          ...(stored ? { accessToken: stored.accessToken } : {}),
        });
      } else if (stored && brand.shopDomain) {
        resolved.set(name, {
          shopDomain: brand.shopDomain,
          accessToken: stored.accessToken,
          apiVersion: SANDBOX_CREDENTIALS.shopify.apiVersion,
          appSecret: '',
        });
      }
    } else if (connection.type === 'tiktok' && binding && 'creatorId' in binding) {
      const creator = await findCreator(ctx.db, { workspaceId, creatorId: binding.creatorId });
      if (!creator) continue;
      let stored: Awaited<ReturnType<Profiles['readCredentials']>>;
      if (creator.connection.state && tiktok) {
        // Connected through OAuth: refreshed before expiry; a revoked or expired login fails the run, saying so.
        try {
          stored = await tiktok.usableCredentials({ workspaceId, creatorId: creator.id });
        } catch (error) {
          unusable.set(name, error instanceof Error ? error.message : String(error));
          continue;
        }
      } else stored = await profiles.readCredentials({ workspaceId, ownerType: 'creator', ownerId: creator.id });
      accounts[name] = creator.handle ? `@${creator.handle}` : creator.name;
      // Tokens the sandbox issued (its static one, or an OAuth connection made through the sandbox app) go to it.
      const sandboxIssued =
        !stored ||
        stored.accessToken.startsWith('act.ionflux-sandbox') ||
        (creator.connection.state && !ctx.config.tiktokApp);
      if (sandbox && sandboxIssued) {
        resolved.set(name, {
          ...sandbox.ionfluxTikTokOAuth2Api,
          ...(stored ? { accessToken: stored.accessToken } : {}),
        });
      } else if (stored) {
        resolved.set(name, {
          clientKey: '',
          clientSecret: '',
          accessToken: stored.accessToken,
          refreshToken: stored.refreshToken ?? '',
          businessAccessToken: '',
          tcmAccountId: '',
          advertiserId: '',
        });
      }
    } else if (binding && 'sandbox' in binding && sandbox) {
      accounts[name] = SANDBOX_ACCOUNTS[connection.type] ?? '';
      const byType = {
        shopify: sandbox.ionfluxShopifyAccessTokenApi,
        tiktok: sandbox.ionfluxTikTokOAuth2Api,
        llm: sandbox.ionfluxLlmApi,
      } as Record<string, Record<string, unknown> | undefined>;
      const data = byType[connection.type];
      if (data) resolved.set(name, data);
    } else if (connection.type === 'llm' && sandbox) {
      accounts[name] = SANDBOX_ACCOUNTS.llm ?? '';
      resolved.set(name, sandbox.ionfluxLlmApi!);
    }
  }

  const credentials: CredentialResolver = async ({ reference, type, node }) => {
    if (type === 'ionfluxApi') return { baseUrl, token: await runToken() };
    const connection = connectionOf(reference);
    const data = resolved.get(connection);
    if (data) return data;
    const reconnect = unusable.get(connection);
    if (reconnect) throw new CredentialNotFound(`Node "${node.name}": ${reconnect}`);
    // Steps whose LLM connection is implicit use the workspace default.
    if (type === 'ionfluxLlmApi' && sandbox) return sandbox.ionfluxLlmApi!;
    throw new CredentialNotFound(
      `Node "${node.name}" needs the ${type} credential of "${connection}", and none is usable: ${
        declared[connection]
          ? `bind connection '${connection}' to a Brand or Creator that is connected${ctx.config.sandbox ? ', or to the sandbox' : ''}`
          : 'this server has no default for it'
      }.`,
    );
  };
  return { credentials, accounts, oauth };
}
