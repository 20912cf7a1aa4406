import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compileAgent } from '@ionflux/compiler';
import { startSandboxServer, type SandboxServer } from '@ionflux/sandbox';
import { credentialTypes } from 'n8n-nodes-ionflux';
import type { ICredentialType } from 'n8n-workflow';
import { startLocalServer, sendJson, type LocalServer } from '../../nodes/test-support/local-server';
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
});
