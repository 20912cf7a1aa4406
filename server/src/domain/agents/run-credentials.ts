import type { AgentDocument } from '@ionflux/dsl';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { findBrand, findCreator } from '../../data-access/profiles-repository';
import type { AppContext } from '../context';
import type { ConnectionBinding } from '../model';
import type { Profiles } from '../profiles';
import { loadEngine, type CredentialData, type CredentialResolver } from './engine';

/** The connection name of a compiled credential reference (`ionflux:<connection>`). */
function connectionOf(reference: { id?: string | null; name?: string }): string {
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
  workspaceId,
  agent,
  bindings,
  baseUrl,
  runToken,
}: {
  ctx: AppContext;
  profiles: Profiles;
  workspaceId: string;
  agent: AgentDocument;
  bindings: Record<string, ConnectionBinding>;
  baseUrl: string;
  runToken: string;
}): Promise<{ credentials: CredentialResolver; accounts: Record<string, string> }> {
  const { sandboxCredentials, SANDBOX_ACCOUNTS, CredentialNotFound } = loadEngine();
  const sandbox = ctx.config.sandbox ? sandboxCredentials({ sandboxBaseUrl: baseUrl }) : undefined;
  const declared = agent.spec.connections ?? {};
  const accounts: Record<string, string> = {};
  const resolved = new Map<string, CredentialData>();

  for (const [name, connection] of Object.entries(declared)) {
    const binding = bindings[name];
    if (connection.type === 'shopify' && binding && 'brandId' in binding) {
      const brand = await findBrand(ctx.db, { workspaceId, brandId: binding.brandId });
      if (!brand) continue;
      const stored = await profiles.readCredentials({ workspaceId, ownerType: 'brand', ownerId: brand.id });
      const isSandboxStore = sandbox && brand.shopDomain === SANDBOX_CREDENTIALS.shopify.shopDomain;
      accounts[name] = brand.shopDomain ?? brand.name;
      if (isSandboxStore) {
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
      const stored = await profiles.readCredentials({ workspaceId, ownerType: 'creator', ownerId: creator.id });
      accounts[name] = creator.handle ? `@${creator.handle}` : creator.name;
      if (sandbox && (!stored || stored.accessToken.startsWith('act.ionflux-sandbox'))) {
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
    if (type === 'ionfluxApi') return { baseUrl, token: runToken };
    const connection = connectionOf(reference);
    const data = resolved.get(connection);
    if (data) return data;
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
  return { credentials, accounts };
}
