import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compileAgent } from '@ionflux/compiler';
import { SANDBOX_CREDENTIALS, startSandboxServer, type SandboxServer } from '@ionflux/sandbox';
import { credentialTypes } from 'n8n-nodes-ionflux';
import type { ICredentialType } from 'n8n-workflow';
import { startLocalServer, sendJson, type LocalServer } from '../../nodes/test-support/local-server';
import type { CredentialUpdate } from './credentials';
import { EnginePool } from './pool';
import { runAgent } from './run-agent';
import { sandboxCredentials, tableCredentialResolver } from './sandbox-credentials';

/**
 * The nodes authenticate through n8n's request helper in the embedded engine: what goes on the wire is what the
 * credential type's `authenticate` says, and a credential with an expirable token fetches it again after a 401.
 */
const agent = (spec: string) => `apiVersion: ionflux/v1
kind: Agent
metadata: { name: credentials-test, version: 1.0.0 }
spec:
${spec}`;

function compile(yaml: string) {
  const result = compileAgent(yaml);
  if (!result.workflow) throw new Error(JSON.stringify(result.diagnostics, null, 2));
  return result.workflow;
}

const generate = compile(
  agent(`  trigger: { manual: {} }
  steps:
    - id: answer
      uses: llm.generate
      with: { prompt: "Say hello" }
  output:
    value: "{{ steps.answer.output.text }}"
`),
);

let provider: LocalServer;
let sandbox: SandboxServer;

beforeAll(async () => {
  // An OpenAI-compatible endpoint that records what it receives.
  provider = await startLocalServer((_request, response) =>
    sendJson(response, 200, {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1,
      model: 'gpt-test',
      choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'hello from the wire' } }],
      usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 },
    }),
  );
  sandbox = await startSandboxServer({ port: 0 });
});
afterAll(async () => {
  await provider.close();
  await sandbox.close();
});

function llmResolver() {
  return tableCredentialResolver({
    ionfluxLlmApi: { baseUrl: `${provider.url}/v1`, apiKey: 'sk-wire-1234', model: 'gpt-test', embeddingModel: '' },
  });
}

describe('credentials in the embedded engine', () => {
  it("puts the token where the credential's authenticate block says", async () => {
    const before = provider.requests.length;
    const result = await runAgent({ workflow: generate, credentials: llmResolver() });
    expect(result.status).toBe('success');
    expect(result.output).toBe('hello from the wire');
    const sent = provider.requests.slice(before);
    expect(sent.map((r) => `${r.method} ${r.url}`)).toEqual(['POST /v1/chat/completions']);
    expect(sent[0]!.headers.authorization).toBe('Bearer sk-wire-1234');

    // The same credential type with another authenticate block: the request follows the block, not the node.
    const proxied = Object.assign(new credentialTypes.ionfluxLlmApi!(), {
      authenticate: { type: 'generic', properties: { headers: { 'X-Proxy-Key': '=key {{$credentials.apiKey}}' } } },
    }) as ICredentialType;
    const mark = provider.requests.length;
    const viaProxy = await runAgent({
      workflow: generate,
      credentials: llmResolver(),
      credentialTypes: { ionfluxLlmApi: proxied },
    });
    expect(viaProxy.status).toBe('success');
    const [request] = provider.requests.slice(mark);
    expect(request!.headers['x-proxy-key']).toBe('key sk-wire-1234');
    expect(request!.headers.authorization).toBeUndefined();
  });

  it('fetches the TikTok client token again when the Research API answers 401, and goes on', async () => {
    const table = sandboxCredentials({ sandboxBaseUrl: sandbox.url });
    const tiktok = table.ionfluxTikTokOAuth2Api!;
    // A video id the sandbox holds, read through its own API for Business.
    const business = async (path: string, init: RequestInit = {}) =>
      (
        (await (
          await fetch(`${sandbox.url}/sandbox/tiktok${path}`, {
            ...init,
            headers: { 'Access-Token': String(tiktok.businessAccessToken), 'Content-Type': 'application/json' },
          })
        ).json()) as { data: any }
      ).data;
    const creators = await business('/open_api/v1.3/tcm/creator/discover/', {
      method: 'POST',
      body: JSON.stringify({ tcm_account_id: tiktok.tcmAccountId, query: 'food', page: 1, page_size: 1 }),
    });
    // Read as text: the ids are 64-bit integers that JSON numbers would round.
    const posts = await (
      await fetch(
        `${sandbox.url}/sandbox/tiktok/open_api/v1.3/tcm/creator/public/video/list/?tcm_account_id=${String(tiktok.tcmAccountId)}&handle_name=${creators.creators[0].handle_name}&limit=1&cursor=0`,
        { headers: { 'Access-Token': String(tiktok.businessAccessToken) } },
      )
    ).text();
    const videoId = /"video_id"\s*:\s*"?(\d+)/.exec(posts)![1]!;
    const workflow = compile(
      agent(`  connections: { social: { type: tiktok } }
  trigger: { manual: {} }
  steps:
    - id: stats
      uses: tiktok.videos.stats
      with: { ids: ["${videoId}"] }
  output:
    value: "{{ steps.stats.output }}"
`),
    );
    // A client token the sandbox never issued (revoked or expired in a real account), as n8n would have stored it.
    const stale = tableCredentialResolver({
      ionfluxTikTokOAuth2Api: { ...table.ionfluxTikTokOAuth2Api!, clientAccessToken: 'clt.revoked-long-ago' },
    });
    const result = await runAgent({ workflow, credentials: stale });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('success');
    // The same as a run that starts without a token (the path the TikTok node tests check against the sandbox).
    const fresh = await runAgent({ workflow, credentials: tableCredentialResolver(table) });
    expect(fresh.status).toBe('success');
    const output = result.output as { count: number; videos: { id: string; views: number }[] };
    expect(output.count).toBe(1);
    expect(output.videos[0]!.id).toBe(videoId);
    expect(output).toEqual(fresh.output);

    // Without the refresh (no client key to fetch a token with), the stale token is refused.
    const withoutKey = tableCredentialResolver({
      ionfluxTikTokOAuth2Api: {
        ...table.ionfluxTikTokOAuth2Api!,
        clientKey: 'unknown-client',
        clientAccessToken: 'clt.revoked-long-ago',
      },
    });
    const refused = await runAgent({ workflow, credentials: withoutKey });
    expect(refused.status).toBe('error');
    expect(refused.error!.message).toMatch(/client credentials|access_token_invalid/);
  });

  it("refreshes an expired Shopify offline token through n8n's OAuth2 helper and never reuses the rotated refresh token", async () => {
    // A sandbox whose clock the test moves: expiring offline tokens last one hour.
    let now = Date.now();
    const shop = await startSandboxServer({ port: 0, clock: () => now });
    try {
      const app = SANDBOX_CREDENTIALS.shopify;
      const base = `${shop.url}/sandbox/shopify`;
      const tokenUrl = `${base}/admin/oauth/access_token`;
      const consent = await fetch(
        `${base}/admin/oauth/authorize?client_id=${app.clientId}&scope=read_orders,read_reports&redirect_uri=${encodeURIComponent(app.redirectUrls[2]!)}&state=s1`,
        { redirect: 'manual' },
      );
      const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
      const grant = (await (
        await fetch(tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ client_id: app.clientId, client_secret: app.clientSecret, code, expiring: 1 }),
        })
      ).json()) as { access_token: string; refresh_token: string; expires_in: number };
      expect(grant.expires_in).toBe(3600);

      const revenue = compile(
        agent(`  connections: { store: { type: shopify } }
  trigger: { manual: {} }
  steps:
    - id: revenue
      uses: shopify.revenue.summary
      with: { period: last_7_days }
  output:
    value: "{{ steps.revenue.output }}"
`),
      );
      // The same agent on the OAuth2 credential (the node's `authentication: oAuth2`), as a connected store has it.
      const viaOAuth = structuredClone(revenue);
      for (const node of viaOAuth.nodes.filter((n) => n.credentials?.ionfluxShopifyAccessTokenApi)) {
        node.parameters = { ...node.parameters, authentication: 'oAuth2' };
        node.credentials = { ionfluxShopifyOAuth2Api: node.credentials!.ionfluxShopifyAccessTokenApi! };
      }
      const stored = {
        shopDomain: app.shopDomain,
        baseUrl: base,
        apiVersion: app.apiVersion,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        grantType: 'authorizationCode',
        authentication: 'body',
        accessTokenUrl: tokenUrl,
        oauthTokenData: {
          access_token: grant.access_token,
          refresh_token: grant.refresh_token,
          scope: 'read_orders,read_reports',
        },
      };
      const updates: CredentialUpdate[] = [];
      const onCredentialUpdate = (update: CredentialUpdate) => void updates.push(update);
      const credentials = tableCredentialResolver({ ionfluxShopifyOAuth2Api: stored });

      // Two hours later the access token is dead: the first request is answered 401, n8n refreshes and sends again.
      now += 2 * 3_600_000;
      const stale = await fetch(`${base}/admin/api/${app.apiVersion}/graphql.json`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'X-Shopify-Access-Token': grant.access_token },
        body: JSON.stringify({ query: '{ shop { name } }' }),
      });
      expect(stale.status).toBe(401);
      const result = await runAgent({ workflow: viaOAuth, credentials, onCredentialUpdate });
      expect(result.error).toBeUndefined();
      expect(result.status).toBe('success');
      // The same figures as the store's own access token gives.
      const direct = await runAgent({
        workflow: revenue,
        credentials: tableCredentialResolver(sandboxCredentials({ sandboxBaseUrl: shop.url })),
      });
      expect(result.output).toEqual(direct.output);

      // The owner is handed the rotated pair once; the replaced refresh token no longer works.
      expect(updates).toHaveLength(1);
      expect(updates[0]!.type).toBe('ionfluxShopifyOAuth2Api');
      expect(updates[0]!.reference).toEqual({ id: 'ionflux:store', name: 'store' });
      const rotated = updates[0]!.data.oauthTokenData as { access_token: string; refresh_token: string };
      expect(rotated.access_token).toMatch(/^shpat_/);
      expect(rotated.access_token).not.toBe(grant.access_token);
      expect(rotated.refresh_token).not.toBe(grant.refresh_token);
      const replaced = await fetch(tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          client_id: app.clientId,
          client_secret: app.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: grant.refresh_token,
        }),
      });
      expect(replaced.status).toBe(400);
      expect(((await replaced.json()) as { error: string }).error).toBe('invalid_grant');

      // The resolver still answers the old pair (its owner did not store the update): the next run uses the new
      // token instead of refreshing again with the replaced refresh token.
      const again = await runAgent({ workflow: viaOAuth, credentials, onCredentialUpdate });
      expect(again.status).toBe('success');
      expect(again.output).toEqual(direct.output);
      expect(updates).toHaveLength(1);

      // On the engine pool (the server's path) the update comes back from the worker thread to the run's owner.
      now += 2 * 3_600_000;
      const pool = new EnginePool({ size: 1, credentials: tableCredentialResolver({}) });
      try {
        const pooled: CredentialUpdate[] = [];
        const owned = tableCredentialResolver({ ionfluxShopifyOAuth2Api: { ...stored, oauthTokenData: rotated } });
        const viaPool = await pool.run({
          workflow: viaOAuth,
          credentials: owned,
          onCredentialUpdate: (update) => void pooled.push(update),
        });
        expect(viaPool.status).toBe('success');
        expect(viaPool.output).toEqual(direct.output);
        expect(pooled).toHaveLength(1);
        const next = pooled[0]!.data.oauthTokenData as { access_token: string; refresh_token: string };
        expect(next.refresh_token).not.toBe(rotated.refresh_token);
        expect(next.access_token).not.toBe(rotated.access_token);
      } finally {
        await pool.close();
      }
    } finally {
      await shop.close();
    }
  });
});
