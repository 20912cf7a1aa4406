/**
 * n8n-nodes-ionflux: IONFLUX's n8n nodes and credentials, by name, for engines that register them directly (the
 * embedded engine) rather than through the package's `n8n` manifest.
 *
 * @example
 * import { nodeTypes, credentialTypes } from 'n8n-nodes-ionflux';
 * const shopify = new nodeTypes.ionfluxShopify(); // registered as `n8n-nodes-ionflux.ionfluxShopify`
 */
import type { ICredentialType, INodeType, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxShopify } from './IonfluxShopify/IonfluxShopify.node';
import { IonfluxHttpRequest } from './IonfluxHttpRequest/IonfluxHttpRequest.node';

export const nodeTypes: Record<string, new () => INodeType | IVersionedNodeType> = {
  ionfluxShopify: IonfluxShopify,
  ionfluxHttpRequest: IonfluxHttpRequest,
};

export const credentialTypes: Record<string, new () => ICredentialType> = {};
