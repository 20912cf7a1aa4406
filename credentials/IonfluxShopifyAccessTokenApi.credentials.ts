import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';
import {
  apiVersionProperty,
  appSecretProperty,
  baseUrlProperty,
  shopDomainProperty,
  shopQueryTest,
} from './shopify-properties';

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
    shopDomainProperty,
    {
      displayName: 'Access Token',
      name: 'accessToken',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      description: 'Admin API access token (shpat_...)',
    },
    apiVersionProperty,
    appSecretProperty(
      "The app's client secret; the Shopify Trigger verifies X-Shopify-Hmac-Sha256 of webhooks with it",
    ),
    baseUrlProperty,
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: { 'X-Shopify-Access-Token': '={{$credentials.accessToken}}' },
    },
  };

  test: ICredentialTestRequest = shopQueryTest();
}
