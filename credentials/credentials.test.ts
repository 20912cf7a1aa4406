/**
 * Credential types: the `test` request of each, resolved the way n8n resolves it (expressions over `$credentials`)
 * and sent to the sandbox where the sandbox has the service; the OAuth2 URLs of Shopify walked end to end.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Workflow } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, ICredentialType, IDataObject, IHttpRequestOptions } from 'n8n-workflow';
import { credentialTypes } from '../nodes/index';
import { runNodeForOutput, testNodeTypes } from '../nodes/test-support/n8n-harness';
import { startTestSandbox } from '../nodes/test-support/sandbox';
import type { TestSandbox } from '../nodes/test-support/sandbox';

let sandbox: TestSandbox;
beforeAll(async () => {
  sandbox = await startTestSandbox();
});
afterAll(async () => {
  await sandbox.close();
});

const credential = (name: string): ICredentialType => new credentialTypes[name]!();

/** Resolves `={{ ... }}` values with n8n's expression engine, with `$credentials` and `$self` bound to the data. */
function resolver(data: ICredentialDataDecryptedObject) {
  const node = {
    id: randomUUID(),
    name: 'credential test',
    type: 'n8n-nodes-ionflux.ionfluxHttpRequest',
    typeVersion: 1,
    position: [0, 0] as [number, number],
    parameters: {},
  };
  const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: testNodeTypes() });
  const resolve = (value: unknown): unknown => {
    if (typeof value === 'string')
      return workflow.expression.getParameterValue(value, null, 0, 0, node.name, [], 'manual', {
        $credentials: data,
        $self: data,
      } as never);
    if (Array.isArray(value)) return value.map(resolve);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    return value;
  };
  return resolve;
}

/** Sends a credential's test request as n8n would (baseURL + url, credential authentication applied). */
async function sendTestRequest(
  type: ICredentialType,
  data: ICredentialDataDecryptedObject,
): Promise<{ status: number; body: unknown; url: string }> {
  const resolve = resolver(data);
  const request = resolve(type.test!.request) as IHttpRequestOptions & { baseURL: string };
  const headers: Record<string, string> = { ...(request.headers as Record<string, string>) };
  const auth =
    type.authenticate && typeof type.authenticate === 'object'
      ? (resolve(type.authenticate.properties.headers ?? {}) as Record<string, string>)
      : {};
  Object.assign(headers, auth);
  const url = `${request.baseURL}${request.url}`;
  const body =
    request.body === undefined
      ? undefined
      : typeof request.body === 'string'
        ? request.body
        : JSON.stringify(request.body);
  if (body !== undefined && typeof request.body !== 'string') headers['Content-Type'] ??= 'application/json';
  const response = await fetch(url, {
    method: request.method ?? 'GET',
    headers,
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null, url };
}

describe('credential types', () => {
  it('ionfluxShopifyAccessTokenApi: the test request reaches the GraphQL endpoint with the token, and fails with a wrong one', async () => {
    const type = credential('ionfluxShopifyAccessTokenApi');
    const ok = await sendTestRequest(type, sandbox.credentials.shopify);
    expect(ok).toMatchObject({
      status: 200,
      url: `${sandbox.url}/sandbox/shopify/admin/api/2025-10/graphql.json`,
      body: { data: { shop: { name: 'IONFLUX Demo Store', myshopifyDomain: 'ionflux-demo.myshopify.com' } } },
    });
    expect((await sendTestRequest(type, { ...sandbox.credentials.shopify, accessToken: 'shpat_wrong' })).status).toBe(
      401,
    );
    // Without the override it targets the store itself.
    expect(resolver({ shopDomain: 'my-store.myshopify.com', apiVersion: '' })(type.test!.request.baseURL)).toBe(
      'https://my-store.myshopify.com/admin/api/2025-10',
    );
  });

  it('ionfluxShopifyOAuth2Api: authorize and token URLs from the shop domain; the whole grant works on the sandbox', async () => {
    const type = credential('ionfluxShopifyOAuth2Api');
    expect(type.extends).toEqual(['oAuth2Api']);
    const property = (name: string) => type.properties.find((p) => p.name === name)!.default;
    expect(resolver({ shopDomain: 'my-store.myshopify.com', baseUrl: '' })(property('authUrl'))).toBe(
      'https://my-store.myshopify.com/admin/oauth/authorize',
    );
    expect(resolver({ shopDomain: 'my-store.myshopify.com', baseUrl: '' })(property('accessTokenUrl'))).toBe(
      'https://my-store.myshopify.com/admin/oauth/access_token',
    );

    const data = {
      shopDomain: 'ionflux-demo.myshopify.com',
      baseUrl: `${sandbox.url}/sandbox/shopify`,
      clientId: 'ionflux-sandbox-shopify-app',
      clientSecret: 'ionflux-sandbox-shopify-secret',
    };
    const authUrl = String(resolver(data)(property('authUrl')));
    const tokenUrl = String(resolver(data)(property('accessTokenUrl')));
    const authorize = new URL(authUrl);
    authorize.search = new URLSearchParams({
      client_id: data.clientId,
      scope: String(property('scope')),
      redirect_uri: 'http://127.0.0.1:5678/rest/oauth2-credential/callback',
      state: 'xyz',
    }).toString();
    const redirect = await fetch(authorize, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const code = new URL(redirect.headers.get('location')!).searchParams.get('code')!;
    // authentication "body": client id and secret in the form body, as n8n's OAuth2 client sends them.
    const token = await fetch(tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        client_id: data.clientId,
        client_secret: data.clientSecret,
        code,
        grant_type: 'authorization_code',
        redirect_uri: 'http://127.0.0.1:5678/rest/oauth2-credential/callback',
      }),
    });
    const oauthTokenData = (await token.json()) as IDataObject;
    expect(oauthTokenData.scope).toBe(String(property('scope')));
    const result = await runNodeForOutput({
      type: 'ionfluxShopify',
      parameters: {
        authentication: 'oAuth2',
        resource: 'customer',
        operation: 'list',
        query: 'orders_count:>60',
        limit: 1,
        options: {},
      },
      credentials: { ionfluxShopifyOAuth2Api: { ...data, oauthTokenData } as never },
    });
    expect(result.count).toBe(1);

    // The test request, once connected, reads the shop with the granted token.
    expect(await sendTestRequest(type, { ...data, apiVersion: '2025-10', oauthTokenData })).toMatchObject({
      status: 200,
      body: { data: { shop: { myshopifyDomain: 'ionflux-demo.myshopify.com' } } },
    });
  });

  it('ionfluxTikTokOAuth2Api: the test request is the client_credentials grant with client_key', async () => {
    const type = credential('ionfluxTikTokOAuth2Api');
    const ok = await sendTestRequest(type, sandbox.credentials.tiktok);
    expect(ok).toMatchObject({
      status: 200,
      url: `${sandbox.url}/sandbox/tiktok/v2/oauth/token/`,
      body: { access_token: expect.stringMatching(/^clt\./), token_type: 'Bearer' },
    });
    expect((await sendTestRequest(type, { ...sandbox.credentials.tiktok, clientSecret: 'wrong' })).body).toMatchObject({
      error: 'invalid_client',
    });
    expect(resolver({ baseUrl: '' })(type.test!.request.baseURL)).toBe('https://open.tiktokapis.com');
  });

  it('ionfluxLlmApi: the test request lists the models with the bearer key', async () => {
    const type = credential('ionfluxLlmApi');
    const ok = await sendTestRequest(type, sandbox.credentials.llm);
    expect(ok.status).toBe(200);
    expect((ok.body as { data: { id: string }[] }).data.map((m) => m.id)).toContain('ionflux-sandbox-1');
    expect((await sendTestRequest(type, { ...sandbox.credentials.llm, apiKey: '' })).status).toBe(401);
  });

  it('ionfluxPineconeApi and ionfluxApi: test requests and authentication resolve to the right URLs and headers', () => {
    const pinecone = credential('ionfluxPineconeApi');
    const pineconeData = { apiKey: 'pc-key', indexName: 'brand docs', controllerHost: '' };
    const resolvePinecone = resolver(pineconeData);
    expect(`${resolvePinecone(pinecone.test!.request.baseURL)}${resolvePinecone(pinecone.test!.request.url)}`).toBe(
      'https://api.pinecone.io/indexes/brand%20docs',
    );
    expect(
      resolvePinecone((pinecone.authenticate as { properties: { headers: IDataObject } }).properties.headers),
    ).toEqual({ 'Api-Key': 'pc-key' });

    const ionflux = credential('ionfluxApi');
    const resolveIonflux = resolver({ baseUrl: 'http://127.0.0.1:8080/', token: 'ifx_abc' });
    expect(`${resolveIonflux(ionflux.test!.request.baseURL)}${ionflux.test!.request.url}`).toBe(
      'http://127.0.0.1:8080/api/api-token',
    );
    expect(
      resolveIonflux((ionflux.authenticate as { properties: { headers: IDataObject } }).properties.headers),
    ).toEqual({ Authorization: 'Bearer ifx_abc' });
  });

  it('keeps secrets in password fields', () => {
    const secrets: Record<string, string[]> = {
      ionfluxShopifyAccessTokenApi: ['accessToken', 'appSecret'],
      ionfluxShopifyOAuth2Api: ['clientSecret', 'appSecret'],
      ionfluxTikTokOAuth2Api: ['clientSecret', 'accessToken', 'refreshToken', 'businessAccessToken'],
      ionfluxLlmApi: ['apiKey'],
      ionfluxPineconeApi: ['apiKey'],
      ionfluxApi: ['token'],
    };
    for (const [name, fields] of Object.entries(secrets)) {
      for (const field of fields) {
        expect({
          name,
          field,
          password: credential(name).properties.find((p) => p.name === field)?.typeOptions?.password,
        }).toEqual({ name, field, password: true });
      }
    }
  });
});
