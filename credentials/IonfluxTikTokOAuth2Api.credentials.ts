import type {
  ICredentialDataDecryptedObject,
  ICredentialTestRequest,
  ICredentialType,
  IDataObject,
  IHttpRequestHelper,
  IHttpRequestOptions,
  INodeProperties,
} from 'n8n-workflow';

const OPEN_API = 'https://open.tiktokapis.com';
/** Waits for a rate-limited or failing token endpoint before giving up. */
const TOKEN_RETRIES = 3;

interface TokenAnswer {
  access_token?: unknown;
  error?: string | { code?: string; message?: string };
  error_description?: string;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return {};
  }
}

function baseOf(credentials: ICredentialDataDecryptedObject, fallback: string): string {
  return (
    String(credentials.baseUrl ?? '')
      .trim()
      .replace(/\/+$/, '') || fallback
  );
}

/**
 * A TikTok app and account. TikTok's OAuth names the client id `client_key`, so this credential holds the app's
 * key and secret and the tokens itself instead of extending n8n's generic OAuth2 credential (which sends
 * `client_id`):
 *
 * - client key + secret: the Research API client token (client_credentials grant), fetched by n8n's
 *   pre-authentication into the hidden expirable `clientAccessToken` and fetched again when a request is answered
 *   401 (a revoked or expired token);
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
      displayName: 'Client Access Token',
      name: 'clientAccessToken',
      type: 'hidden',
      typeOptions: { expirable: true, password: true },
      default: '',
    },
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

  /** The Research API client token (client_credentials grant); n8n calls it when `clientAccessToken` is empty or was refused. */
  async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject): Promise<IDataObject> {
    const clientKey = String(credentials.clientKey ?? '');
    const clientSecret = String(credentials.clientSecret ?? '');
    // Without an app key the credential serves the API for Business only: nothing to fetch.
    if (!clientKey || !clientSecret) return {};
    // TikTok rate-limits its token endpoint like the APIs: wait Retry-After (or back off) a few times.
    for (let attempt = 0; ; attempt++) {
      const answer = (await this.helpers.httpRequest({
        method: 'POST',
        url: `${baseOf(credentials, OPEN_API)}/v2/oauth/token/`,
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: new URLSearchParams({
          client_key: clientKey,
          client_secret: clientSecret,
          grant_type: 'client_credentials',
        }).toString(),
        json: true,
        ignoreHttpStatusErrors: true,
        returnFullResponse: true,
      })) as { statusCode: number; headers: Record<string, unknown>; body: unknown };
      const body = (typeof answer.body === 'string' ? safeJson(answer.body) : (answer.body ?? {})) as TokenAnswer;
      if ((answer.statusCode === 429 || answer.statusCode >= 500) && attempt < TOKEN_RETRIES) {
        const retryAfter = Number(answer.headers['retry-after']);
        const waitMs = Number.isFinite(retryAfter) ? retryAfter * 1000 : 1000 * 2 ** attempt;
        await new Promise((resolve) => setTimeout(resolve, Math.min(waitMs, 10_000)));
        continue;
      }
      if (answer.statusCode === 200 && typeof body.access_token === 'string' && body.access_token !== '')
        return { clientAccessToken: body.access_token };
      const error = typeof body.error === 'object' && body.error !== null ? body.error : undefined;
      const code = error?.code ?? (typeof body.error === 'string' ? body.error : `HTTP ${answer.statusCode}`);
      const detail = error?.message ?? body.error_description ?? 'no access token returned';
      throw new Error(`TikTok refused the client credentials (${code}): ${detail}`);
    }
  }

  /**
   * One credential, two schemes: the API for Business (`/open_api/...`) takes the business token in `Access-Token`,
   * the Open API (Research, `/v2/...`) the client token as a Bearer token. Other paths go as they are.
   */
  async authenticate(
    credentials: ICredentialDataDecryptedObject,
    requestOptions: IHttpRequestOptions,
  ): Promise<IHttpRequestOptions> {
    const path = new URL(requestOptions.url, requestOptions.baseURL ?? OPEN_API).pathname;
    const base = new URL(baseOf(credentials, OPEN_API)).pathname.replace(/\/+$/, '');
    const relative = path.startsWith(base) ? path.slice(base.length) : path;
    if (relative.startsWith('/open_api/') && credentials.businessAccessToken)
      return {
        ...requestOptions,
        headers: { ...requestOptions.headers, 'Access-Token': String(credentials.businessAccessToken) },
      };
    if (relative.startsWith('/v2/research/') && credentials.clientAccessToken)
      return {
        ...requestOptions,
        headers: { ...requestOptions.headers, Authorization: `Bearer ${String(credentials.clientAccessToken)}` },
      };
    return requestOptions;
  }

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
