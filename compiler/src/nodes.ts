import type { ActionName, ConnectionType, JsonSchema, TriggerKind } from '@ionflux/dsl';

/** The n8n community package that holds IONFLUX's nodes; node types are `<package>.<node>` in every engine. */
export const NODE_PACKAGE = 'n8n-nodes-ionflux';

/** Which IONFLUX node operation each action lowers to. Adding an action = one line here. */
export const ACTION_NODES: Record<ActionName, { node: string; resource: string; operation: string }> = {
  'shopify.orders.list': { node: 'ionfluxShopify', resource: 'order', operation: 'list' },
  'shopify.orders.get': { node: 'ionfluxShopify', resource: 'order', operation: 'get' },
  'shopify.revenue.summary': { node: 'ionfluxShopify', resource: 'revenue', operation: 'summary' },
  'shopify.revenue.series': { node: 'ionfluxShopify', resource: 'revenue', operation: 'series' },
  'shopify.revenue.byChannel': { node: 'ionfluxShopify', resource: 'revenue', operation: 'byChannel' },
  'shopify.revenue.byProduct': { node: 'ionfluxShopify', resource: 'revenue', operation: 'byProduct' },
  'shopify.revenue.topProducts': { node: 'ionfluxShopify', resource: 'revenue', operation: 'topProducts' },
  'shopify.products.list': { node: 'ionfluxShopify', resource: 'product', operation: 'list' },
  'shopify.products.get': { node: 'ionfluxShopify', resource: 'product', operation: 'get' },
  'shopify.products.lowStock': { node: 'ionfluxShopify', resource: 'product', operation: 'lowStock' },
  'shopify.customers.list': { node: 'ionfluxShopify', resource: 'customer', operation: 'list' },
  'shopify.export': { node: 'ionfluxShopify', resource: 'export', operation: 'run' },
  'tiktok.trends.hashtags': { node: 'ionfluxTikTok', resource: 'trend', operation: 'hashtags' },
  'tiktok.trends.sounds': { node: 'ionfluxTikTok', resource: 'trend', operation: 'sounds' },
  'tiktok.creators.search': { node: 'ionfluxTikTok', resource: 'creator', operation: 'search' },
  'tiktok.videos.stats': { node: 'ionfluxTikTok', resource: 'video', operation: 'stats' },
  'llm.generate': { node: 'ionfluxLlm', resource: 'text', operation: 'generate' },
  'llm.summarize': { node: 'ionfluxLlm', resource: 'text', operation: 'summarize' },
  'llm.extract': { node: 'ionfluxLlm', resource: 'text', operation: 'extract' },
  'llm.classify': { node: 'ionfluxLlm', resource: 'text', operation: 'classify' },
  'canvas.write': { node: 'ionfluxCanvas', resource: 'block', operation: 'write' },
  'canvas.append': { node: 'ionfluxCanvas', resource: 'block', operation: 'append' },
  'canvas.replace': { node: 'ionfluxCanvas', resource: 'block', operation: 'replace' },
  'chat.post': { node: 'ionfluxChat', resource: 'message', operation: 'post' },
  'chat.thread': { node: 'ionfluxChat', resource: 'thread', operation: 'read' },
  notify: { node: 'ionfluxNotify', resource: 'notification', operation: 'create' },
  'vector.upsert': { node: 'ionfluxVectorStore', resource: 'vector', operation: 'upsert' },
  'vector.query': { node: 'ionfluxVectorStore', resource: 'vector', operation: 'query' },
  'http.request': { node: 'ionfluxHttpRequest', resource: 'request', operation: 'send' },
};

/** Version of every IONFLUX node the compiler emits. */
export const IONFLUX_NODE_VERSION = 1;

/** Credential type of each connection type, and of the implicit ones. */
export const CREDENTIAL_TYPES: Record<ConnectionType | 'ionflux', string> = {
  shopify: 'ionfluxShopifyAccessTokenApi',
  tiktok: 'ionfluxTikTokOAuth2Api',
  llm: 'ionfluxLlmApi',
  pinecone: 'ionfluxPineconeApi',
  ionflux: 'ionfluxApi',
};

/**
 * Credential references are names, never secrets: `ionflux:<connection>` is bound to the workspace's encrypted
 * connection at run time (embedded engine) or rewritten to an n8n credential id at deploy time.
 */
export const WORKSPACE_CREDENTIAL = { id: 'ionflux:workspace', name: 'IONFLUX workspace' };
export const DEFAULT_LLM_CREDENTIAL = { id: 'ionflux:llm', name: 'Workspace default LLM' };
export function connectionCredential(connection: string): { id: string; name: string } {
  return { id: `ionflux:${connection}`, name: connection };
}

/** Standard n8n nodes the compiler emits, with the versions it targets (all in n8n-nodes-base 2.41.1). */
export const BASE_NODES = {
  manualTrigger: { type: 'n8n-nodes-base.manualTrigger', version: 1 },
  scheduleTrigger: { type: 'n8n-nodes-base.scheduleTrigger', version: 1.2 },
  webhook: { type: 'n8n-nodes-base.webhook', version: 2 },
  set: { type: 'n8n-nodes-base.set', version: 3.4 },
  if: { type: 'n8n-nodes-base.if', version: 2.2 },
  switch: { type: 'n8n-nodes-base.switch', version: 3.2 },
  merge: { type: 'n8n-nodes-base.merge', version: 3.1 },
  splitOut: { type: 'n8n-nodes-base.splitOut', version: 1 },
  splitInBatches: { type: 'n8n-nodes-base.splitInBatches', version: 3 },
  aggregate: { type: 'n8n-nodes-base.aggregate', version: 1 },
  noOp: { type: 'n8n-nodes-base.noOp', version: 1 },
} as const;

export const TRIGGER_NODES: Record<TriggerKind, { type: string; version: number }> = {
  manual: BASE_NODES.manualTrigger,
  schedule: BASE_NODES.scheduleTrigger,
  webhook: BASE_NODES.webhook,
  'chat.command': { type: `${NODE_PACKAGE}.ionfluxChatTrigger`, version: IONFLUX_NODE_VERSION },
  'shopify.order': { type: `${NODE_PACKAGE}.ionfluxShopifyTrigger`, version: IONFLUX_NODE_VERSION },
};

/**
 * Whether a parameter takes JSON text for literal values: lists and objects only. Parameters of any type (payload,
 * content, messages) take text as text, so their structured literals are written as expressions instead.
 */
/** An "any" parameter (no type): the node's field is a JSON field whose text `null` means unset. */
export function parameterTakesAny(schema: JsonSchema | undefined): boolean {
  if (!schema) return false;
  if (schema.anyOf) return schema.anyOf.every(parameterTakesAny);
  return schema.type === undefined || (Array.isArray(schema.type) && schema.type.length === 0);
}

export function parameterTakesJson(schema: JsonSchema | undefined): boolean {
  if (!schema) return false;
  if (schema.anyOf) return schema.anyOf.every(parameterTakesJson);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types.length > 0 && types.every((t: string) => t === 'array' || t === 'object');
}
