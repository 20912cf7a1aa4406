import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A Shopify store reached with an Admin API access token (a custom app's `shpat_...` token, or one issued by OAuth),
 * the credential the IONFLUX compiler binds `shopify` connections to.
 */
export class IonfluxShopifyAccessTokenApi implements ICredentialType {
  name = 'ionfluxShopifyAccessTokenApi';

  displayName = 'IONFLUX Shopify Access Token API';

  icon = 'file:../nodes/IonfluxShopify/ionfluxShopify.svg' as const;

  documentationUrl =
    'https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/generate-app-access-tokens-admin';

  properties: INodeProperties[] = [
    {
      displayName: 'Shop Domain',
      name: 'shopDomain',
      type: 'string',
      default: '',
      required: true,
      placeholder: 'my-store.myshopify.com',
      description: "The store's myshopify.com domain",
    },
    {
      displayName: 'Access Token',
      name: 'accessToken',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      description: 'Admin API access token (shpat_...)',
    },
    {
      displayName: 'API Version',
      name: 'apiVersion',
      type: 'string',
      default: '2025-10',
      description: 'Admin API version the nodes call (they are written against 2025-10)',
    },
    {
      displayName: 'App Secret',
      name: 'appSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: "The app's client secret; the Shopify Trigger verifies X-Shopify-Hmac-Sha256 of webhooks with it",
    },
    {
      displayName: 'Base URL Override',
      name: 'baseUrl',
      type: 'string',
      default: '',
      placeholder: 'http://127.0.0.1:4010/sandbox/shopify',
      description: 'Only for the IONFLUX sandbox or a proxy: used instead of https://{shop domain}',
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: { 'X-Shopify-Access-Token': '={{$credentials.accessToken}}' },
    },
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL:
        '={{ ($credentials.baseUrl || "https://" + $credentials.shopDomain).replace(/\\/+$/, "") + "/admin/api/" + ($credentials.apiVersion || "2025-10") }}',
      url: '/graphql.json',
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: { query: '{ shop { name myshopifyDomain } }' },
    },
  };
}
