import type { ICredentialTestRequest, INodeProperties } from 'n8n-workflow';

/** What both Shopify credentials (access token and OAuth2) ask for about the store, defined once. */

export const shopDomainProperty: INodeProperties = {
  displayName: 'Shop Domain',
  name: 'shopDomain',
  type: 'string',
  default: '',
  required: true,
  placeholder: 'my-store.myshopify.com',
  description: "The store's myshopify.com domain",
};

export const apiVersionProperty: INodeProperties = {
  displayName: 'API Version',
  name: 'apiVersion',
  type: 'string',
  default: '2025-10',
  description: 'Admin API version the nodes call (they are written against 2025-10)',
};

export const baseUrlProperty: INodeProperties = {
  displayName: 'Base URL Override',
  name: 'baseUrl',
  type: 'string',
  default: '',
  placeholder: 'http://127.0.0.1:4010/sandbox/shopify',
  description: 'Only for the IONFLUX sandbox or a proxy: used instead of https://{shop domain}',
};

/** The secret that signs webhooks; `description` says what happens when it is empty. */
export function appSecretProperty(description: string): INodeProperties {
  return {
    displayName: 'App Secret',
    name: 'appSecret',
    type: 'string',
    typeOptions: { password: true },
    default: '',
    description,
  };
}

/** The credential test: the shop's name, read from the Admin GraphQL API with the given extra headers. */
export function shopQueryTest(headers: Record<string, string> = {}): ICredentialTestRequest {
  return {
    request: {
      baseURL:
        '={{ ($credentials.baseUrl || "https://" + $credentials.shopDomain).replace(/\\/+$/, "") + "/admin/api/" + ($credentials.apiVersion || "2025-10") }}',
      url: '/graphql.json',
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: { query: '{ shop { name myshopifyDomain } }' },
    },
  };
}
