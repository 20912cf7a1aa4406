/**
 * n8n-nodes-ionflux: IONFLUX's n8n nodes and credentials by name, for engines that register them directly (the
 * embedded engine) rather than through the package's `n8n` manifest. Node names are the suffix of their node type:
 * `ionfluxShopify` runs as `n8n-nodes-ionflux.ionfluxShopify`.
 *
 * The IONFLUX server nodes (ionfluxCanvas, ionfluxChat, ionfluxChatTrigger, ionfluxNotify, ionfluxVectorStore) share
 * one transport for the IONFLUX REST API (`shared/ionflux/transport.ts`).
 *
 * @example
 * import { credentialTypes, nodeTypes } from 'n8n-nodes-ionflux';
 * const shopify = new nodeTypes.ionfluxShopify();
 * const llmCredential = new credentialTypes.ionfluxLlmApi();
 */
import type { ICredentialType, INodeType, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxApi } from '../credentials/IonfluxApi.credentials';
import { IonfluxLlmApi } from '../credentials/IonfluxLlmApi.credentials';
import { IonfluxPineconeApi } from '../credentials/IonfluxPineconeApi.credentials';
import { IonfluxShopifyAccessTokenApi } from '../credentials/IonfluxShopifyAccessTokenApi.credentials';
import { IonfluxShopifyOAuth2Api } from '../credentials/IonfluxShopifyOAuth2Api.credentials';
import { IonfluxTikTokOAuth2Api } from '../credentials/IonfluxTikTokOAuth2Api.credentials';
import { IonfluxCanvas } from './IonfluxCanvas/IonfluxCanvas.node';
import { IonfluxChat } from './IonfluxChat/IonfluxChat.node';
import { IonfluxChatTrigger } from './IonfluxChatTrigger/IonfluxChatTrigger.node';
import { IonfluxHttpRequest } from './IonfluxHttpRequest/IonfluxHttpRequest.node';
import { IonfluxLlm } from './IonfluxLlm/IonfluxLlm.node';
import { IonfluxShopify } from './IonfluxShopify/IonfluxShopify.node';
import { IonfluxShopifyTrigger } from './IonfluxShopifyTrigger/IonfluxShopifyTrigger.node';
import { IonfluxNotify } from './IonfluxNotify/IonfluxNotify.node';
import { IonfluxTikTok } from './IonfluxTikTok/IonfluxTikTok.node';
import { IonfluxVectorStore } from './IonfluxVectorStore/IonfluxVectorStore.node';

export const nodeTypes: Record<string, new () => INodeType | IVersionedNodeType> = {
  ionfluxShopify: IonfluxShopify,
  ionfluxShopifyTrigger: IonfluxShopifyTrigger,
  ionfluxTikTok: IonfluxTikTok,
  ionfluxLlm: IonfluxLlm,
  ionfluxHttpRequest: IonfluxHttpRequest,
  ionfluxCanvas: IonfluxCanvas,
  ionfluxChat: IonfluxChat,
  ionfluxChatTrigger: IonfluxChatTrigger,
  ionfluxNotify: IonfluxNotify,
  ionfluxVectorStore: IonfluxVectorStore,
};

export const credentialTypes: Record<string, new () => ICredentialType> = {
  ionfluxShopifyAccessTokenApi: IonfluxShopifyAccessTokenApi,
  ionfluxShopifyOAuth2Api: IonfluxShopifyOAuth2Api,
  ionfluxTikTokOAuth2Api: IonfluxTikTokOAuth2Api,
  ionfluxLlmApi: IonfluxLlmApi,
  ionfluxPineconeApi: IonfluxPineconeApi,
  ionfluxApi: IonfluxApi,
};

export { HttpClient, fetchThrough } from './shared/http/client';
export type { HttpClientOptions, HttpRequest, HttpResponse } from './shared/http/client';
export { checkOutboundUrl, SsrfBlockedError, SANDBOX_ORIGINS_ENV } from './shared/http/ssrf';
export { configureTikTokRateLimits } from './IonfluxTikTok/transport';
export { authenticateRequest, expirableProperty, preAuthenticate } from './shared/credential-authentication';
export type { OperationMeta } from './shared/operation';
export { BUDGET_STOP_CONTEXT_KEY, BUDGET_STOP_HINT_KEY } from './shared/operation';
export { parseTokenPrices, priceOfModel } from './IonfluxLlm/budget';
export type { TokenPrice } from './IonfluxLlm/budget';
