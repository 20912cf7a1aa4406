import type { INodeCredentialDescription, INodeProperties } from 'n8n-workflow';
import { ACCESS_TOKEN_CREDENTIAL, INSTALLED_APP_CREDENTIAL } from './transport';

/** `authentication`: which credential a Shopify node uses; absent means accessToken (what the compiler emits). */
export const authenticationProperty: INodeProperties = {
  displayName: 'Authentication',
  name: 'authentication',
  type: 'options',
  options: [
    { name: 'Access Token', value: 'accessToken' },
    { name: 'OAuth2', value: 'oAuth2' },
  ],
  default: 'accessToken',
  description: "How to sign in to the store: an app's Admin API access token, or OAuth2 for an installed app",
};

export const shopifyCredentials: INodeCredentialDescription[] = [
  { name: ACCESS_TOKEN_CREDENTIAL, required: true, displayOptions: { show: { authentication: ['accessToken'] } } },
  { name: INSTALLED_APP_CREDENTIAL, required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
];
