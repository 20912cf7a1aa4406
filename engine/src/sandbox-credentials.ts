import { SANDBOX_CREDENTIALS, sandboxConnectionData } from '@ionflux/sandbox';
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';
import { CredentialNotFound, type CredentialResolver } from './credentials';

/** Credential data by credential type. */
export type CredentialTable = Partial<Record<string, ICredentialDataDecryptedObject>>;

/**
 * Credentials that bind every connection to the sandbox emulators served at `<sandboxBaseUrl>/sandbox` (the IONFLUX
 * server mounts them; `ionflux sandbox serve` runs them alone), plus the IONFLUX API of a workspace when given.
 */
export function sandboxCredentials({
  sandboxBaseUrl,
  ionflux,
}: {
  sandboxBaseUrl: string;
  ionflux?: { baseUrl: string; token: string };
}): CredentialTable {
  const data = sandboxConnectionData(sandboxBaseUrl);
  const table: CredentialTable = {
    ionfluxShopifyAccessTokenApi: data.shopify,
    ionfluxTikTokOAuth2Api: data.tiktok,
    ionfluxLlmApi: data.llm,
  };
  if (ionflux) table.ionfluxApi = { baseUrl: ionflux.baseUrl, token: ionflux.token };
  return table;
}

/** What `{{ connections.<name>.account }}` shows for sandbox bindings. */
export const SANDBOX_ACCOUNTS: Record<string, string> = {
  shopify: SANDBOX_CREDENTIALS.shopify.shopDomain,
  tiktok: '@ionflux.demo',
  llm: SANDBOX_CREDENTIALS.openai.chatModel,
  pinecone: '',
};

/**
 * A resolver over credential data by type (every connection of a type gets the same account), with optional
 * per-connection overrides (`ionflux:<connection>` -> data).
 */
export function tableCredentialResolver(
  byType: CredentialTable,
  byReference: Record<string, ICredentialDataDecryptedObject> = {},
): CredentialResolver {
  return async ({ reference, type, node }) => {
    const specific = reference.id ? byReference[reference.id] : undefined;
    const data = specific ?? byType[type];
    if (!data) {
      const connection = reference.id?.replace(/^ionflux:/, '') ?? reference.name ?? type;
      throw new CredentialNotFound(
        `Node "${node.name}" needs the ${type} credential of "${connection}", and none is bound: bind the connection in the workspace, or run with --sandbox.`,
      );
    }
    // A copy, as a store answers from its own: n8n changes the object it is given (a refreshed OAuth2 token), and
    // that must reach the table only through the run's credential updates.
    return structuredClone(data);
  };
}
