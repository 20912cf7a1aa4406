import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';
import {
  apiVersionProperty,
  appSecretProperty,
  baseUrlProperty,
  shopDomainProperty,
  shopQueryTest,
} from './shopify-properties';

/**
 * A Shopify store connected with OAuth (authorization code grant). The authorize and token URLs are built from the
 * shop domain (https://{shop}/admin/oauth/authorize, .../access_token); the client secret doubles as the webhook
 * signing secret unless an app secret is given.
 */
export class IonfluxShopifyOAuth2Api implements ICredentialType {
  name = 'ionfluxShopifyOAuth2Api';

  extends = ['oAuth2Api'];

  displayName = 'IONFLUX Shopify OAuth2 API';

  icon = 'file:../nodes/IonfluxShopify/ionfluxShopify.svg' as const;

  documentationUrl =
    'https://shopify.dev/docs/apps/build/authentication-authorization/access-tokens/authorization-code-grant';

  properties: INodeProperties[] = [
    shopDomainProperty,
    baseUrlProperty,
    {
      displayName: 'Grant Type',
      name: 'grantType',
      type: 'hidden',
      default: 'authorizationCode',
    },
    {
      displayName: 'Client ID',
      name: 'clientId',
      type: 'string',
      default: '',
      required: true,
      hint: 'Shopify calls it the API key of the app',
    },
    {
      displayName: 'Client Secret',
      name: 'clientSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      hint: 'Shopify calls it the API secret key of the app',
    },
    appSecretProperty('Secret that signs webhooks (X-Shopify-Hmac-Sha256); empty means the client secret'),
    apiVersionProperty,
    {
      displayName: 'Authorization URL',
      name: 'authUrl',
      type: 'hidden',
      default:
        '={{ ($self["baseUrl"] || "https://" + $self["shopDomain"]).replace(/\\/+$/, "") }}/admin/oauth/authorize',
      required: true,
    },
    {
      displayName: 'Access Token URL',
      name: 'accessTokenUrl',
      type: 'hidden',
      default:
        '={{ ($self["baseUrl"] || "https://" + $self["shopDomain"]).replace(/\\/+$/, "") }}/admin/oauth/access_token',
      required: true,
    },
    {
      displayName: 'Scope',
      name: 'scope',
      type: 'hidden',
      default: 'read_orders,read_all_orders,read_products,read_customers,read_inventory,write_webhooks',
    },
    {
      displayName: 'Auth URI Query Parameters',
      name: 'authQueryParameters',
      type: 'hidden',
      default: '',
    },
    {
      displayName: 'Authentication',
      name: 'authentication',
      type: 'hidden',
      default: 'body',
    },
  ];

  /** Once connected: the shop, read with the token the grant returned. */
  test: ICredentialTestRequest = shopQueryTest({
    'X-Shopify-Access-Token': '={{ $credentials.oauthTokenData.access_token }}',
  });
}
