import type { ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A TikTok app and account. TikTok's OAuth names the client id `client_key`, so this credential holds the app's
 * key and secret and the tokens itself instead of extending n8n's generic OAuth2 credential (which sends
 * `client_id`):
 *
 * - client key + secret: the Research API client token (client_credentials grant, fetched by the node);
 * - user access/refresh token: Login Kit tokens (Display API);
 * - business access token + Creator Marketplace (TCM) account id: API for Business (creator discovery);
 * - base URL override: the IONFLUX sandbox serves open.tiktokapis.com, business-api.tiktok.com and the Creative
 *   Center under one URL.
 */
export class IonfluxTikTokOAuth2Api implements ICredentialType {
  name = 'ionfluxTikTokOAuth2Api';

  displayName = 'IONFLUX TikTok OAuth2 API';

  icon = 'file:../nodes/IonfluxTikTok/ionfluxTikTok.svg' as const;

  documentationUrl = 'https://developers.tiktok.com/doc/oauth-user-access-token-management';

  properties: INodeProperties[] = [
    {
      displayName: 'Client Key',
      name: 'clientKey',
      type: 'string',
      default: '',
      required: true,
      description: "The app's client_key (TikTok for Developers)",
    },
    {
      displayName: 'Client Secret',
      name: 'clientSecret',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
    },
    {
      displayName: 'User Access Token',
      name: 'accessToken',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: 'Login Kit user access token (act....), for the Display API',
    },
    {
      displayName: 'Refresh Token',
      name: 'refreshToken',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: 'Login Kit refresh token (rft....)',
    },
    {
      displayName: 'Business Access Token',
      name: 'businessAccessToken',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      description: 'API for Business Access-Token, for Creator Marketplace creator search',
    },
    {
      displayName: 'Creator Marketplace Account ID',
      name: 'tcmAccountId',
      type: 'string',
      default: '',
      description: 'tcm_account_id of the Creator Marketplace account',
    },
    {
      displayName: 'Advertiser ID',
      name: 'advertiserId',
      type: 'string',
      default: '',
      description: 'Ads advertiser_id, when the business token belongs to an advertiser account',
    },
    {
      displayName: 'Base URL Override',
      name: 'baseUrl',
      type: 'string',
      default: '',
      placeholder: 'http://127.0.0.1:4010/sandbox/tiktok',
      description:
        'Only for the IONFLUX sandbox or a proxy: one URL serving the Open API, API for Business and Creative Center paths',
    },
  ];

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{ ($credentials.baseUrl || "https://open.tiktokapis.com").replace(/\\/+$/, "") }}',
      url: '/v2/oauth/token/',
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: '={{ "client_key=" + encodeURIComponent($credentials.clientKey) + "&client_secret=" + encodeURIComponent($credentials.clientSecret) + "&grant_type=client_credentials" }}',
    },
  };
}
