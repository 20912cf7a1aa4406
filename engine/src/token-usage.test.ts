import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compileAgent } from '@ionflux/compiler';
import { startSandboxServer, type SandboxServer } from '@ionflux/sandbox';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runAgent } from './run-agent';
import { sandboxCredentials, tableCredentialResolver } from './sandbox-credentials';

/**
 * Token usage is the sum over model calls of what the provider reported, each call counted once. The oracle is a
 * recording proxy in front of the sandbox's OpenAI-compatible model: it adds up `usage.total_tokens` of every
 * response it passes on, and it can spoil answers (a reply that fails the schema, a 503) to make steps retry.
 */
interface RecordingProxy {
  url: string;
  /** `usage.total_tokens` of every response that carried usage, in order. */
  reported: number[];
  /** Replies to spoil, by request path and the how-manieth call of that path. */
  spoil: { path: string; call: number; as: 'invalid-json' | 'unavailable' }[];
  close(): Promise<void>;
}

async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const reported: number[] = [];
  const spoil: RecordingProxy['spoil'] = [];
  const calls = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://proxy').pathname;
      const call = (calls.get(path) ?? 0) + 1;
      calls.set(path, call);
      const fault = spoil.find((s) => s.path === path && s.call === call);
      if (fault?.as === 'unavailable') {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'overloaded', type: 'server_error', code: 'overloaded' } }));
        return;
      }
      const headers = { ...req.headers } as Record<string, string>;
      delete headers.host;
      delete headers['accept-encoding'];
      fetch(`${target}${req.url}`, {
        method: req.method!,
        headers,
        ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
      })
        .then(async (upstream) => {
          const body = (await upstream.json()) as {
            usage?: { total_tokens: number };
            choices?: { message: { content: string } }[];
          };
          if (body.usage) reported.push(body.usage.total_tokens);
          if (fault?.as === 'invalid-json' && body.choices?.[0]) body.choices[0].message.content = 'not json at all';
          res.writeHead(upstream.status, { 'content-type': 'application/json' });
          res.end(JSON.stringify(body));
        })
        .catch((error: Error) => {
          res.writeHead(502);
          res.end(error.message);
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reported,
    spoil,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

let sandbox: SandboxServer;
let proxy: RecordingProxy;

beforeAll(async () => {
  sandbox = await startSandboxServer({ port: 0 });
  proxy = await startRecordingProxy(sandbox.url);
});
afterAll(async () => {
  await proxy.close();
  await sandbox.close();
});

/** Model calls after an if/else whose branches merge, in a loop over several items, with both kinds of retries. */
const agent = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: token-usage, version: 1.0.0 }
spec:
  inputs:
    topics: { type: array, default: [linen shirts, wool coats, silk scarves] }
  connections:
    model: { type: llm }
  trigger: { manual: {} }
  steps:
    - id: intro
      uses: llm.generate
      with: { prompt: "Write one line about {{ join(inputs.topics, ', ') }}." }
    - id: many
      if: "{{ length(inputs.topics) > 1 }}"
      then:
        - id: brief
          uses: llm.summarize
          with: { text: "{{ steps.intro.output.text }} Our shop sells {{ join(inputs.topics, ' and ') }}.", maxSentences: 1 }
      else:
        - id: single
          uses: llm.generate
          with: { prompt: "Only one topic." }
    - id: after
      uses: llm.generate
      with: { prompt: "Rewrite: {{ steps.intro.output.text }}" }
    - id: each
      forEach: "{{ inputs.topics }}"
      as: topic
      steps:
        - id: judge
          uses: llm.extract
          with:
            text: "Product line: {{ topic }}. It sells well in winter."
            schema:
              type: object
              required: [season]
              properties: { season: { type: string } }
          retries: { max: 2, backoff: fixed, delay: 10ms }
        - id: pitch
          uses: llm.generate
          with: { prompt: "A pitch for {{ topic }} in {{ steps.judge.output.data.season }}." }
          retries: { max: 2, backoff: exponential, delay: 10ms }
  output:
    value: "{{ steps.each.output }}"
`;

describe('token usage', () => {
  it('is the sum of what the provider reported, each model call once (branches, loops, retries)', async () => {
    const compiled = compileAgent(agent);
    expect(compiled.diagnostics).toEqual([]);
    proxy.reported.length = 0;
    // The first judge reply fails the schema (the node is run again); the first pitch request gets a 503 (resent).
    proxy.spoil.push(
      { path: '/sandbox/openai/v1/chat/completions', call: 4, as: 'invalid-json' },
      { path: '/sandbox/openai/v1/chat/completions', call: 6, as: 'unavailable' },
    );
    const credentials = tableCredentialResolver(sandboxCredentials({ sandboxBaseUrl: proxy.url }));
    const result = await runAgent({ workflow: compiled.workflow!, credentials, sourceMap: compiled.sourceMap! });
    expect(result.error).toBeUndefined();
    expect(result.status).toBe('success');
    // intro, brief, after, then per topic judge + pitch, plus the judge reply that failed the schema.
    expect(proxy.reported).toHaveLength(3 + 3 * 2 + 1);
    const providerTotal = proxy.reported.reduce((a, b) => a + b, 0);
    expect(result.usage.totalTokens).toBe(providerTotal);
    const byStep = Object.fromEntries(result.steps.filter((s) => s.usage).map((s) => [s.id, s.usage!.totalTokens]));
    expect(Object.keys(byStep).sort()).toEqual(['after', 'brief', 'intro', 'judge', 'pitch']);
    expect(Object.values(byStep).reduce((a, b) => a + b, 0)).toBe(providerTotal);
    // The calls happen in order: intro, brief, after, judge (spoiled), judge, pitch (503, then sent again), ...
    expect(byStep.intro).toBe(proxy.reported[0]);
    expect(byStep.brief).toBe(proxy.reported[1]);
    expect(byStep.after).toBe(proxy.reported[2]);
  });
});
