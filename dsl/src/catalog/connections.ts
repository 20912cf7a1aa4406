import { obj, str, type JsonSchema } from './json-schema';

/**
 * Connection types an agent can declare. A connection is bound per workspace at install time (a Brand's Shopify
 * store, a Creator's TikTok account, an LLM provider, a Pinecone project); the agent only names what it needs.
 */
export interface ConnectionTypeDefinition {
  title: string;
  description: string;
  /** Scopes the provider knows; declared scopes are checked against this list. */
  scopes: readonly string[];
}

export const connectionCatalog = {
  shopify: {
    title: 'Shopify store',
    description: 'A Shopify store, reached through the Admin GraphQL API (OAuth or an access token).',
    scopes: [
      'read_orders',
      'write_orders',
      'read_all_orders',
      'read_products',
      'write_products',
      'read_inventory',
      'write_inventory',
      'read_customers',
      'write_customers',
      'read_analytics',
      'read_reports',
      'read_fulfillments',
      'read_discounts',
    ],
  },
  tiktok: {
    title: 'TikTok account',
    description: 'A TikTok creator or business account (OAuth).',
    scopes: [
      'user.info.basic',
      'user.info.profile',
      'user.info.stats',
      'video.list',
      'research.data.basic',
      'creator.marketplace',
    ],
  },
  llm: {
    title: 'LLM provider',
    description:
      'Any OpenAI-compatible endpoint (base URL, API key, default model). Optional: steps fall back to the workspace default.',
    scopes: [],
  },
  pinecone: {
    title: 'Pinecone index',
    description:
      "A Pinecone index for vector steps. Optional: without it, vectors live in the workspace's PostgreSQL (pgvector).",
    scopes: [],
  },
} as const satisfies Record<string, ConnectionTypeDefinition>;

export type ConnectionType = keyof typeof connectionCatalog;
export const connectionTypes = Object.keys(connectionCatalog) as ConnectionType[];

/** What `{{ connections.<name> }}` exposes: never secrets, only what identifies the bound account. */
export const connectionValueSchema: JsonSchema = obj({
  name: str({ description: 'The connection name in this agent.' }),
  type: str({ enum: [...connectionTypes] }),
  account: str({ description: 'Shop domain, TikTok handle, model provider or index name of the bound account.' }),
});
