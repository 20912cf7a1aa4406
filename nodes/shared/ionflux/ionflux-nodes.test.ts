import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IWebhookResponseData } from 'n8n-workflow';
import { createHmac } from 'node:crypto';
import { startServer, type ServerHandle } from '@ionflux/server';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { runNode, runNodeForOutput, webhookHarness, type TestCredentials } from '../../test-support/n8n-harness';
import { sendJson, startLocalServer, type LocalServer } from '../../test-support/local-server';
import { markdownTable, renderSnippet } from '../../IonfluxCanvas/actions/block/common';

/**
 * The IONFLUX server nodes against a real IONFLUX server (embedded PGlite, demo workspace) with its sandbox (the LLM
 * for embeddings), through n8n's WorkflowExecute. What they wrote is read back through the API as a user.
 */
let server: ServerHandle;
let credentials: TestCredentials;
let userToken: string;
let workspaceId: string;

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${userToken}` },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: response.status, body: await response.json() };
}

beforeAll(async () => {
  server = await startServer({ port: 0, inMemory: true, demo: true, logLevel: 'silent' });
  const login = await fetch(`${server.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: server.demo!.email, password: server.demo!.password }),
  });
  userToken = ((await login.json()) as { accessToken: string }).accessToken;
  workspaceId = server.demo!.workspaceId;
  const token = (await api('POST', `/api/workspaces/${workspaceId}/api-tokens`, { name: 'Node tests' })).body
    .token as string;
  credentials = {
    ionfluxApi: { baseUrl: server.url, token },
    ionfluxLlmApi: {
      baseUrl: `${server.url}/sandbox/openai/v1`,
      apiKey: SANDBOX_CREDENTIALS.openai.apiKey,
      model: SANDBOX_CREDENTIALS.openai.chatModel,
      embeddingModel: SANDBOX_CREDENTIALS.openai.embeddingModel,
    },
  };
}, 60_000);
afterAll(async () => {
  await server.close();
});

const block = (operation: string, parameters: Record<string, unknown>) => ({
  resource: 'block',
  operation,
  options: {},
  ...parameters,
});

describe('IONFLUX Canvas', () => {
  it('writes an agent snippet block by page title and key, then replaces it (new version, same block)', async () => {
    const first = await runNodeForOutput({
      type: 'ionfluxCanvas',
      credentials,
      parameters: block('write', {
        page: 'Q4 Holiday Campaign Plan',
        block: 'tiktok-trends',
        content: '#holidaygifts is **trending**',
        title: 'TikTok Stylist',
      }),
    });
    expect(first).toEqual({
      pageId: expect.any(String),
      blockId: expect.any(String),
      blockKey: 'tiktok-trends',
      version: 1,
    });
    const replaced = await runNodeForOutput({
      type: 'ionfluxCanvas',
      credentials,
      parameters: block('replace', {
        page: 'Q4 Holiday Campaign Plan',
        block: 'tiktok-trends',
        content: '={{ [{ "tag": "giftideas", "views": 1200 }] }}',
        format: 'table',
      }),
    });
    expect(replaced).toMatchObject({ blockId: first.blockId, version: 2 });
    const stored = await api(
      'GET',
      `/api/workspaces/${workspaceId}/blocks/by-key?page=${encodeURIComponent('Q4 Holiday Campaign Plan')}&key=tiktok-trends`,
    );
    expect(stored.body.block).toMatchObject({
      type: 'agent_snippet',
      content: {
        status: 'succeeded',
        markdown: '| tag | views |\n| --- | --- |\n| giftideas | 1200 |',
        data: [{ tag: 'giftideas', views: 1200 }],
      },
    });
    expect(stored.body.block.writtenByRunId).toEqual(expect.any(String));
  });

  it('appends markdown and list data, creating the block (and the agent page) on first use', async () => {
    for (const handle of ['maya', 'theo']) {
      await runNodeForOutput({
        type: 'ionfluxCanvas',
        credentials,
        parameters: block('append', {
          block: 'drafts',
          content: `={{ [{ "handle": "${handle}" }] }}`,
          format: 'table',
        }),
      });
    }
    // No page given: the workflow's own page ("test", the harness's workflow name), created on first write.
    const stored = await api('GET', `/api/workspaces/${workspaceId}/blocks/by-key?page=test&key=drafts`);
    expect(stored.body.block.content.data).toEqual([{ handle: 'maya' }, { handle: 'theo' }]);
    expect(stored.body.block.content.markdown.split('\n\n')).toHaveLength(2);
  });

  it('refuses to replace a block that does not exist, and reports API errors with their field', async () => {
    const missing = await runNode({
      type: 'ionfluxCanvas',
      credentials,
      parameters: block('replace', { page: 'Q4 Holiday Campaign Plan', block: 'nope', content: 'x' }),
    });
    expect(missing.error?.message).toBe(
      'There is no block "nope" on page "Q4 Holiday Campaign Plan" to replace; use the Write operation to create it.',
    );
    const badKey = await runNode({
      type: 'ionfluxCanvas',
      credentials,
      parameters: block('write', { page: 'Q4 Holiday Campaign Plan', block: 'Bad Key', content: 'x' }),
    });
    expect(badKey.error?.message).toMatch(/Parameter "block" must be a block key/);
    const noPage = await runNode({
      type: 'ionfluxCanvas',
      credentials,
      parameters: block('write', { page: 'No Such Page', block: 'x', content: 'x' }),
    });
    expect(noPage.error?.message).toBe(
      'IONFLUX API: The workspace has no canvas page with the id or title "No Such Page": create it first, or set createPage: true on the step to create a page with that title.',
    );
    const appendNoPage = await runNode({
      type: 'ionfluxCanvas',
      credentials,
      parameters: block('append', { page: 'No Such Page', block: 'x', content: 'x' }),
    });
    expect(appendNoPage.error?.message).toContain('no canvas page with the id or title "No Such Page"');
  });

  it('addresses a page by title or by id, creating it by title when the step says so', async () => {
    const created = await runNodeForOutput({
      type: 'ionfluxCanvas',
      credentials,
      parameters: block('write', { page: 'Launch Notes', createPage: true, block: 'status', content: 'draft' }),
    });
    const pages = await api('GET', `/api/workspaces/${workspaceId}/pages`);
    const launch = JSON.stringify(pages.body);
    expect(launch).toContain(created.pageId as string);
    expect(launch).toContain('Launch Notes');
    // The same page again, by title without createPage, and by its id.
    const byTitle = await runNodeForOutput({
      type: 'ionfluxCanvas',
      credentials,
      parameters: block('write', { page: 'Launch Notes', block: 'status', content: 'review' }),
    });
    const byId = await runNodeForOutput({
      type: 'ionfluxCanvas',
      credentials,
      parameters: block('append', { page: created.pageId, block: 'status', content: 'shipped' }),
    });
    expect([byTitle.pageId, byId.pageId]).toEqual([created.pageId, created.pageId]);
    expect([byTitle.version, byId.version]).toEqual([2, 3]);
    const stored = await api(
      'GET',
      `/api/workspaces/${workspaceId}/blocks/by-key?page=${created.pageId as string}&key=status`,
    );
    expect(stored.body.block.content.markdown).toBe('review\n\nshipped');
  });

  it('renders content by format', () => {
    expect(renderSnippet({ content: { rows: [{ a: 1, b: 'x|y' }] }, format: 'markdown' }).markdown).toBe(
      '| a | b |\n| --- | --- |\n| 1 | x\\|y |',
    );
    expect(renderSnippet({ content: { total: 5 }, format: 'json' }).markdown).toBe('```json\n{\n  "total": 5\n}\n```');
    expect(renderSnippet({ content: 'plain', format: 'text', title: 'T' })).toEqual({
      status: 'succeeded',
      markdown: 'plain',
      title: 'T',
    });
    expect(markdownTable([1, 2])).toBe('| value |\n| --- |\n| 1 |\n| 2 |');
  });
});

describe('IONFLUX Chat', () => {
  it('posts as the agent by channel name, once even when retried, and reads the channel back', async () => {
    const parameters = {
      resource: 'message',
      operation: 'post',
      channel: '#sales',
      text: 'New order over $100: **$150.00**',
      payload: '={{ ({ order: "#1001" }) }}',
      options: {},
    };
    const posted = await runNodeForOutput({ type: 'ionfluxChat', credentials, parameters });
    expect(posted).toEqual({ messageId: expect.any(String), channel: 'sales', threadId: null });
    const read = await runNodeForOutput({
      type: 'ionfluxChat',
      credentials,
      parameters: { resource: 'thread', operation: 'read', channel: 'sales', limit: 5, options: {} },
    });
    const last = (read.messages as { text: string; authorKind: string; author: string }[]).at(-1)!;
    expect(last).toMatchObject({ text: 'New order over $100: **$150.00**', authorKind: 'agent', author: 'test' });
  });

  it('replies in a thread and reads the whole thread', async () => {
    const root = await runNodeForOutput({
      type: 'ionfluxChat',
      credentials,
      parameters: { resource: 'message', operation: 'post', channel: 'general', text: 'Root', options: {} },
    });
    const reply = await runNodeForOutput({
      type: 'ionfluxChat',
      credentials,
      parameters: {
        resource: 'message',
        operation: 'post',
        channel: 'general',
        text: 'Reply',
        threadId: root.messageId,
        options: {},
      },
    });
    expect(reply.threadId).toBe(root.messageId);
    const thread = await runNodeForOutput({
      type: 'ionfluxChat',
      credentials,
      parameters: { resource: 'thread', operation: 'read', channel: 'general', threadId: root.messageId, options: {} },
    });
    expect((thread.messages as { text: string }[]).map((m) => m.text)).toEqual(['Root', 'Reply']);
    expect(thread.count).toBe(2);
  });

  it('reports an unknown channel as an error of the item', async () => {
    const result = await runNode({
      type: 'ionfluxChat',
      credentials,
      parameters: { resource: 'message', operation: 'post', channel: 'nowhere', text: 'x', options: {} },
      onError: 'continueErrorOutput',
    });
    expect(result.errorItems).toEqual([
      expect.objectContaining({ error: expect.stringMatching(/^IONFLUX API: .*channel/i) }),
    ]);
  });
});

describe('IONFLUX Notify', () => {
  it('notifies every member by default, or the given emails', async () => {
    const everyone = await runNodeForOutput({
      type: 'ionfluxNotify',
      credentials,
      parameters: { resource: 'notification', operation: 'create', title: 'Low stock', level: 'warning', options: {} },
    });
    expect(everyone.count).toBe(2); // the demo user and the demo teammate
    const one = await runNodeForOutput({
      type: 'ionfluxNotify',
      credentials,
      parameters: {
        resource: 'notification',
        operation: 'create',
        title: 'For the demo user',
        recipients: '["demo@ionflux.local"]',
        link: '/pages',
        options: {},
      },
    });
    expect(one.count).toBe(1);
    const feed = await api('GET', '/api/notifications?limit=5');
    expect(feed.body.notifications[0]).toMatchObject({ title: 'For the demo user', kind: 'info', link: '/pages' });
    const badLink = await runNode({
      type: 'ionfluxNotify',
      credentials,
      parameters: {
        resource: 'notification',
        operation: 'create',
        title: 'x',
        link: 'javascript:alert(1)',
        options: {},
      },
    });
    expect(badLink.error?.message).toMatch(/Parameter "link" must be an app path/);
  });
});

describe('IONFLUX Vector Store', () => {
  const vector = (operation: string, parameters: Record<string, unknown>) => ({
    resource: 'vector',
    operation,
    backend: 'ionflux',
    options: {},
    ...parameters,
  });

  it('embeds and stores texts in the workspace store, then finds the closest to a query', async () => {
    const notes = [
      'Maya speaks in a calm, warm and encouraging voice.',
      'Sustainable fashion and capsule wardrobes are her core topics.',
      'She discloses partnerships clearly with #ad.',
    ];
    const stored = await runNodeForOutput({
      type: 'ionfluxVectorStore',
      credentials,
      parameters: vector('upsert', { namespace: 'persona-maya', documents: JSON.stringify(notes) }),
    });
    expect(stored).toEqual({ upserted: 3, namespace: 'persona-maya' });
    // Same texts again: same ids (a hash of the text), so nothing is duplicated.
    await runNodeForOutput({
      type: 'ionfluxVectorStore',
      credentials,
      parameters: vector('upsert', { namespace: 'persona-maya', documents: JSON.stringify(notes) }),
    });
    const found = await runNodeForOutput({
      type: 'ionfluxVectorStore',
      credentials,
      parameters: vector('query', {
        namespace: 'persona-maya',
        text: 'capsule wardrobe and sustainable fashion',
        topK: 3,
      }),
    });
    const matches = found.matches as { text: string; score: number }[];
    expect(matches).toHaveLength(3);
    expect(matches[0]!.text).toBe(notes[1]);
    expect(matches[0]!.score).toBeGreaterThan(matches[2]!.score);
  });

  it('uses a Pinecone index through the Pinecone SDK when the store is Pinecone', async () => {
    const records = new Map<string, { id: string; values: number[]; metadata: Record<string, unknown> }>();
    const pinecone: LocalServer = await startLocalServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      if (req.headers['api-key'] !== 'pc-test-key')
        return sendJson(res, 401, { error: { code: 'UNAUTHENTICATED', message: 'Invalid API Key' } });
      if (req.method === 'GET' && url.pathname === '/indexes/personas') {
        return sendJson(res, 200, {
          name: 'personas',
          dimension: 1536,
          metric: 'cosine',
          host: pinecone!.url /* plain HTTP on loopback, as Pinecone Local answers */,
          status: { ready: true, state: 'Ready' },
          spec: { serverless: { cloud: 'aws', region: 'us-east-1' } },
          vector_type: 'dense',
          deletion_protection: 'disabled',
        });
      }
      const body = JSON.parse(String(req.body || '{}'));
      if (url.pathname === '/vectors/upsert') {
        for (const v of body.vectors) records.set(`${body.namespace}/${v.id}`, v);
        return sendJson(res, 200, { upsertedCount: body.vectors.length });
      }
      if (url.pathname === '/query') {
        const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
        const matches = [...records.entries()]
          .filter(([key]) => key.startsWith(`${body.namespace}/`))
          .map(([, v]) => ({ id: v.id, score: dot(v.values, body.vector), metadata: v.metadata }))
          .sort((a, b) => b.score - a.score)
          .slice(0, body.topK);
        return sendJson(res, 200, { matches, namespace: body.namespace, usage: { readUnits: 1 } });
      }
      return sendJson(res, 404, { error: { code: 'NOT_FOUND', message: url.pathname } });
    });
    const previous = process.env.IONFLUX_SANDBOX_ORIGINS;
    process.env.IONFLUX_SANDBOX_ORIGINS = pinecone.origin;
    try {
      const withPinecone = {
        ...credentials,
        ionfluxPineconeApi: { apiKey: 'pc-test-key', indexName: 'personas', controllerHost: pinecone.url },
      };
      const pineconeVector = (operation: string, parameters: Record<string, unknown>) => ({
        ...vector(operation, parameters),
        backend: 'pinecone',
      });
      const stored = await runNodeForOutput({
        type: 'ionfluxVectorStore',
        credentials: withPinecone,
        parameters: pineconeVector('upsert', {
          namespace: 'maya',
          documents: JSON.stringify([
            { id: 'tone', text: 'calm and warm voice', metadata: { topic: 'tone' } },
            { id: 'topics', text: 'capsule wardrobes' },
          ]),
        }),
      });
      expect(stored).toEqual({ upserted: 2, namespace: 'maya' });
      expect(records.get('maya/tone')!.metadata).toEqual({ topic: 'tone', text: 'calm and warm voice' });
      const found = await runNodeForOutput({
        type: 'ionfluxVectorStore',
        credentials: withPinecone,
        parameters: pineconeVector('query', { namespace: 'maya', text: 'a calm voice', topK: 1 }),
      });
      expect(found.matches).toEqual([
        { id: 'tone', score: expect.any(Number), text: 'calm and warm voice', metadata: { topic: 'tone' } },
      ]);
    } finally {
      if (previous === undefined) delete process.env.IONFLUX_SANDBOX_ORIGINS;
      await pinecone.close();
    }
  });
});

describe('IONFLUX Chat Trigger', () => {
  it('starts on a command signed with the workspace token, and refuses unsigned calls', async () => {
    const harness = webhookHarness({
      type: 'ionfluxChatTrigger',
      parameters: { command: 'summarize_thread' },
      credentials,
      webhookBaseUrl: 'http://127.0.0.1/webhook',
    });
    const body = {
      command: 'summarize_thread',
      text: 'last week',
      channel: 'general',
      threadId: 'm-1',
      messageId: 'm-9',
      user: { id: 'u', name: 'Ana' },
    };
    const raw = Buffer.from(JSON.stringify(body));
    const signature = `sha256=${createHmac('sha256', String(credentials.ionfluxApi!.token)).update(raw).digest('hex')}`;
    const deliver = async (signatureHeader: string) => {
      const answer: { status?: number; body?: unknown } = {};
      const response = {
        status(code: number) {
          answer.status = code;
          return response;
        },
        json(payload: unknown) {
          answer.body = payload;
          return response;
        },
      };
      const request = {
        body,
        rawBody: raw,
        headers: { 'x-ionflux-signature': signatureHeader },
        query: {},
        params: {},
      };
      const result = (await harness.nodeType.webhook!.call(
        harness.webhookContext(request, response),
      )) as IWebhookResponseData;
      return { result, answer };
    };
    const accepted = await deliver(signature);
    // The node answers itself (n8n would otherwise send the literal text 'firstEntryJson') and the run starts.
    expect(accepted.result.noWebhookResponse).toBe(true);
    expect(accepted.answer).toEqual({ status: 200, body: { received: true, command: 'summarize_thread' } });
    expect(accepted.result.workflowData).toEqual([
      [
        {
          json: {
            command: 'summarize_thread',
            text: 'last week',
            args: ['last', 'week'],
            channel: 'general',
            threadId: 'm-1',
            messageId: 'm-9',
            user: { id: 'u', name: 'Ana' },
          },
        },
      ],
    ]);
    const refused = await deliver('sha256=00');
    expect(refused.result.noWebhookResponse).toBe(true);
    expect(refused.answer).toEqual({ status: 401, body: { error: 'invalid or missing X-Ionflux-Signature' } });
  });
});
