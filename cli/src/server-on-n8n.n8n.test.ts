import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileAgent } from '@ionflux/compiler';
import { startN8nServer, type N8nServer } from '@ionflux/engine';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { startServer, type ServerHandle } from '@ionflux/server';

/**
 * The server with `IONFLUX_ENGINE=n8n` (real-n8n lane, `npm run test:n8n`): agent configurations are deployed to
 * n8n 2.41.1 when saved, runs started through the API execute there with their inputs, and the run records (status,
 * output, per-step log, errors at YAML lines) equal those of a second server on the embedded engine with the same
 * sandbox data. An edit redeploys; disabling and deleting remove the workflow.
 */
const examplesDir = join(__dirname, '..', '..', 'examples', 'agents');
const example = (name: string) => readFileSync(join(examplesDir, `${name}.yaml`), 'utf8');

const FAILING = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: metadata-probe, displayName: Metadata probe, version: 1.0.0 }
spec:
  inputs:
    url: { type: string, default: "http://169.254.169.254/latest/meta-data" }
  trigger: { manual: {} }
  steps:
    - id: probe
      uses: http.request
      with: { url: "{{ inputs.url }}" }
`;

/** One Shopify read through the bound store (the OAuth test's agent). */
const PRODUCTS = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: oauth-products, displayName: OAuth products, version: 1.0.0 }
spec:
  connections:
    store: { type: shopify, scopes: [read_products] }
  trigger: { manual: {} }
  steps:
    - id: products
      uses: shopify.products.list
      with: { status: active, limit: 5 }
`;

/** A model step that continues on error, then a chat post: on the budget stop, nothing may be posted. */
const DRAFT_THEN_POST = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: tagline-poster, displayName: Tagline poster, version: 1.0.0 }
spec:
  inputs:
    channel: { type: string, default: taglines }
  trigger: { manual: {} }
  steps:
    - id: draft
      uses: llm.generate
      with: { prompt: "Write one tagline for a winter hoodie made of recycled wool." }
      onError: continue
    - id: post
      uses: chat.post
      with:
        channel: "{{ inputs.channel }}"
        text: "Tagline: {{ default(steps.draft.output.text, 'none') }}"
`;

/** What a run spent, as its record reports it: totals and cost, per step, and on each step of its log. */
const spent = (r: any) => ({
  usage: r.usage,
  log: (r.steps as { step: string | null; usage: unknown }[])
    .filter((s) => s.usage)
    .map(({ step, usage }) => ({ step, usage })),
});

interface Client {
  server: ServerHandle;
  token: string;
  workspaceId: string;
  brandId: string;
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
}

let n8n: N8nServer;
let onN8n: Client;
let embedded: Client;

/** `IONFLUX_N8N_QUEUE=host:port`: n8n in queue mode (Redis there), its worker executing the runs. */
function queueOption(): { redisHost: string; redisPort: number } | undefined {
  const value = process.env.IONFLUX_N8N_QUEUE;
  if (!value) return undefined;
  const [host, port] = value.split(':');
  return { redisHost: host!, redisPort: Number(port) };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function client(options: Record<string, unknown>): Promise<Client> {
  const server = await startServer({
    port: 0,
    host: '127.0.0.1',
    inMemory: true,
    sandbox: true,
    logLevel: 'silent',
    passwordHashCost: 10,
    seedMarketplace: false,
    env: {},
    // Prices the sandbox model (USD per million prompt/completion tokens) for the USD budgets.
    tokenPrices: 'ionflux-sandbox=1.5/6',
    // The owner may drive the sandbox's control endpoints (fault injection).
    adminEmails: ['owner@example.com'],
    ...options,
  });
  const api = async (method: string, path: string, body?: unknown, token?: string) => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as any) : undefined };
  };
  const signup = await api('POST', '/api/auth/signup', {
    email: 'owner@example.com',
    password: 'password-n8n-lane',
    displayName: 'Owner',
  });
  const token = signup.body.accessToken as string;
  const workspace = await api('POST', '/api/workspaces', { name: 'Agency' }, token);
  const workspaceId = workspace.body.workspace.id as string;
  const brand = await api(
    'POST',
    `/api/workspaces/${workspaceId}/brands`,
    { name: 'Test Store', shopDomain: 'ionflux-demo.myshopify.com' },
    token,
  );
  return {
    server,
    token,
    workspaceId,
    brandId: brand.body.brand.id as string,
    api: (method, path, body) => api(method, `/api/workspaces/${workspaceId}${path}`, body, token),
  };
}

beforeAll(async () => {
  const tarball = process.env.IONFLUX_N8N_TARBALL;
  if (!tarball) throw new Error('IONFLUX_N8N_TARBALL is not set: run this lane with npm run test:n8n.');
  // n8n's IONFLUX nodes reach loopback origins only when allowed: the server's port is chosen before n8n starts.
  const port = await freePort();
  const queue = queueOption();
  n8n = await startN8nServer({
    tarball,
    ...(queue ? { queue } : {}),
    env: { IONFLUX_SANDBOX_ORIGINS: `http://127.0.0.1:${port}` },
  });
  onN8n = await client({ port, engine: 'n8n', n8nUrl: n8n.url, n8nApiKey: n8n.apiKey });
  embedded = await client({});
  // The sandbox stores generate their days on first use: generated before any run, so no step waits on it.
  await Promise.all([onN8n, embedded].map((c) => warmSandboxStore(c.server.url)));
}, 600_000);

async function warmSandboxStore(url: string): Promise<void> {
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
  const response = await fetch(`${url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Shopify-Access-Token': SANDBOX_CREDENTIALS.shopify.accessToken },
    body: JSON.stringify({
      query: 'query($q: String!) { shopifyqlQuery(query: $q) { tableData { rows } } }',
      variables: { q: `FROM sales SHOW total_sales, orders SINCE ${day(-40)} UNTIL ${day(1)}` },
    }),
  });
  expect(response.status).toBe(200);
}

afterAll(async () => {
  await onN8n?.server.close();
  await embedded?.server.close();
  await n8n?.stop();
});

async function install(c: Client, body: Record<string, unknown>): Promise<string> {
  const res = await c.api('POST', '/agents', body);
  if (res.status !== 201) throw new Error(`install failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.agent.id as string;
}

/** The run once it has finished (succeeded, failed or canceled). */
async function finished(c: Client, runId: string): Promise<any> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const res = await c.api('GET', `/runs/${runId}`);
    if (['succeeded', 'failed', 'canceled'].includes(res.body.run.status)) return res.body.run;
    if (Date.now() > deadline) throw new Error(`run still ${res.body.run.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a run (inputs and/or a trigger payload) and waits for it to finish. */
async function startRun(c: Client, agentId: string, body: { inputs?: unknown; trigger?: unknown }): Promise<any> {
  const queued = await c.api('POST', `/agents/${agentId}/runs`, body);
  expect(queued.status).toBe(202);
  return finished(c, queued.body.run.id as string);
}

async function run(c: Client, agentId: string, inputs: Record<string, unknown>): Promise<any> {
  return startRun(c, agentId, { inputs });
}

/** The deployed workflow of an agent once saving it has deployed (the deploy runs after the save answers). */
async function deployed(agentId: string, hash: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const workflow = (await n8n.api.listWorkflows()).find(
      (w) => (w.staticData as { ionfluxServer?: { agentId?: string } } | undefined)?.ionfluxServer?.agentId === agentId,
    );
    if (workflow && (workflow.staticData as { ionflux?: { hash?: string } }).ionflux?.hash === hash && workflow.active)
      return workflow;
    if (Date.now() > deadline) throw new Error(`agent ${agentId} (hash ${hash}) is not deployed on n8n`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Once the agent's workflow and its credentials are gone from n8n (removal runs after the save answers). */
async function gone(agentId: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const workflows = (await n8n.api.listWorkflows()).filter(
      (w) => (w.staticData as { ionfluxServer?: { agentId?: string } } | undefined)?.ionfluxServer?.agentId === agentId,
    );
    const credentials = (await n8n.api.listCredentials()).filter((c) => c.name.includes(agentId));
    if (workflows.length === 0 && credentials.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(
        `agent ${agentId} still has ${workflows.length} workflow(s), ${credentials.length} credential(s)`,
      );
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** What the server assigns to each write (block ids and versions, message ids) differs between two servers. */
function withoutWriteIdentities(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutWriteIdentities);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, v]) => [
        key,
        ['messageId', 'blockId', 'version', 'id', 'notificationId'].includes(key) && v !== null
          ? `<${typeof v}>`
          : withoutWriteIdentities(v),
      ]),
    );
  return value;
}

const comparable = (r: any) => ({
  status: r.status,
  error: r.error,
  output: withoutWriteIdentities(r.output),
  steps: (r.steps as any[]).map(({ step, node, status, items, error }) => ({ step, node, status, items, error })),
  revision: r.revision,
});

describe('the server running agents on n8n (IONFLUX_ENGINE=n8n)', () => {
  it.each([
    { name: 'revenue-tracker-lite', inputs: { period: 'last_30_days' }, bind: 'store' },
    {
      name: 'creator-persona-guardian',
      inputs: { creator: 'lane.creator', draft: 'New drop: linen shirts in three colours, link in bio.' },
      bind: undefined,
    },
  ])(
    '$name: deployed on save, run through the API with inputs, same run record as the embedded engine',
    async ({ name, inputs, bind }) => {
      const yaml = example(name);
      const ids = await Promise.all(
        [onN8n, embedded].map((c) =>
          install(c, { yaml, ...(bind ? { bindings: { [bind]: { brandId: c.brandId } } } : {}) }),
        ),
      );
      const workflow = await deployed(ids[0]!, compileAgent(yaml).workflow!.meta.ionflux.hash);
      const before = (await n8n.api.listExecutions(workflow.id)).length;

      const [a, b] = [await run(onN8n, ids[0]!, inputs), await run(embedded, ids[1]!, inputs)];
      expect(comparable(a)).toEqual(comparable(b));
      expect(a.status).toBe('succeeded');
      expect(a.output).toBeTruthy();
      expect(a.steps.length).toBeGreaterThan(2);
      // It ran on n8n: one more execution of the agent's workflow there, and it succeeded.
      const executions = await n8n.api.listExecutions(workflow.id);
      expect(executions.length).toBe(before + 1);
      expect(executions.map((e) => e.status)).toContain('success');
      // In queue mode the worker executed it, not the main process.
      const newest = executions.sort((x, y) => Number(y.id) - Number(x.id))[0]!;
      if (queueOption()) expect(n8n.log()).toContain(`Worker finished execution ${newest.id} (job `);
    },
  );

  it('a chat command (/run_agent) starts the run on n8n: same brief of the thread as the embedded engine', async () => {
    const yaml = example('slack-brief-butler');
    const runs = await Promise.all(
      [onN8n, embedded].map(async (c, index) => {
        const agentId = await install(c, { yaml });
        if (index === 0) await deployed(agentId, compileAgent(yaml).workflow!.meta.ionflux.hash);
        const channels = await c.api('GET', '/channels');
        const general = (channels.body.channels as { id: string; name: string }[]).find((ch) => ch.name === 'general')!;
        const post = async (text: string, threadRootId?: string) => {
          const sent = await c.api('POST', `/channels/${general.id}/messages`, {
            text,
            ...(threadRootId ? { threadRootId } : {}),
          });
          expect(sent.status).toBe(201);
          return String(sent.body.message.id);
        };
        const root = await post('Planning the holiday gift bundle launch.');
        await post('Decision: we keep the $89 price and add free gift wrap.', root);
        await post('Action: Sam updates the product page by Friday.', root);
        await post('/run_agent Slack Brief Butler summarize_thread', root);
        const deadline = Date.now() + 180_000;
        for (;;) {
          const listed = (await c.api('GET', `/runs?agentId=${agentId}`)).body.runs as { status: string }[];
          if (listed[0] && ['succeeded', 'failed', 'canceled'].includes(listed[0].status)) return listed[0] as any;
          if (Date.now() > deadline) throw new Error('the chat command started no finished run');
          await new Promise((r) => setTimeout(r, 200));
        }
      }),
    );
    expect(runs[0]).toMatchObject({ status: 'succeeded', trigger: { kind: 'chat.command' } });
    expect(comparable(runs[0])).toEqual(comparable(runs[1]));
  });

  it('a failing run reports the same error at the same YAML line as the embedded engine', async () => {
    const ids = await Promise.all([onN8n, embedded].map((c) => install(c, { yaml: FAILING })));
    await deployed(ids[0]!, compileAgent(FAILING).workflow!.meta.ionflux.hash);
    const [a, b] = [await run(onN8n, ids[0]!, {}), await run(embedded, ids[1]!, {})];
    expect(a.status).toBe('failed');
    expect(a.error).toMatchObject({ code: 'step_failed', step: 'probe', line: 9 });
    expect(a.error.message).toMatch(/169\.254\.169\.254|blocked|metadata/i);
    expect(comparable(a)).toEqual(comparable(b));
  });

  it('token and USD budgets stop the run on n8n at the same step with the same error as the embedded engine', async () => {
    const yaml = example('slack-brief-butler');
    const runs = await Promise.all(
      [onN8n, embedded].map(async (c, index) => {
        const agentId = await install(c, { yaml, name: 'Budgeted brief', tokenBudget: 10 });
        if (index === 0) await deployed(agentId, compileAgent(yaml).workflow!.meta.ionflux.hash);
        const channel = (await c.api('POST', '/channels', { name: 'budgeted' })).body.channel as { id: string };
        const root = (
          await c.api('POST', `/channels/${channel.id}/messages`, {
            text: 'Goal: a holiday bundle with three creators.',
          })
        ).body.message as { id: string };
        await c.api('POST', `/channels/${channel.id}/messages`, {
          text: 'We decided to launch on December 1st; Ana drafts the brief by Friday.',
          threadRootId: root.id,
        });
        const trigger = { channel: channel.id, threadId: root.id, command: 'summarize_thread', args: {} };
        const start = () => startRun(c, agentId, { trigger });
        const stopped = await start();
        // A USD budget instead: the sandbox model's calls priced with the servers' IONFLUX_TOKEN_PRICES.
        const usd = await c.api('PATCH', `/agents/${agentId}`, {
          baseRevision: 1,
          tokenBudget: null,
          usdBudget: 0.00001,
        });
        expect(usd.status).toBe(200);
        const overUsd = await start();
        // Without budgets the same run goes through: the budgets, not the agent, stopped it.
        const saved = await c.api('PATCH', `/agents/${agentId}`, {
          baseRevision: usd.body.agent.revision,
          usdBudget: null,
        });
        expect(saved.status).toBe(200);
        return { stopped, overUsd, free: await start() };
      }),
    );
    expect(runs[0]!.overUsd.status).toBe('failed');
    expect(runs[0]!.overUsd.error).toMatchObject({ code: 'step_failed', step: 'digest' });
    expect(runs[0]!.overUsd.error.message).toMatch(
      /^Step 'digest' brought the run to \$0\.\d{6} \(\d+ tokens\), over the configuration's USD budget of \$0\.00001; the run was stopped\.$/,
    );
    expect(runs[0]!.overUsd.error).toEqual(runs[1]!.overUsd.error);
    const [onN8nRun, embeddedRun] = runs.map((r) => r.stopped);
    expect(onN8nRun.status).toBe('failed');
    expect(onN8nRun.error).toMatchObject({ code: 'step_failed', step: 'digest' });
    expect(onN8nRun.error.message).toMatch(
      /^Step 'digest' brought the run to \d+ tokens, over the configuration's budget of 10; the run was stopped\.$/,
    );
    expect(onN8nRun.error).toEqual(embeddedRun.error);
    // The call that went over is paid for and counted on n8n too (its node has no output: its error carries it).
    expect(onN8nRun.usage.totalTokens).toBeGreaterThan(10);
    expect(spent(onN8nRun)).toEqual(spent(embeddedRun));
    expect(spent(runs[0]!.overUsd)).toEqual(spent(runs[1]!.overUsd));
    // The step after the one that went over never ran, on either engine.
    for (const run of [onN8nRun, embeddedRun])
      expect((run.steps as { step: string }[]).map((s) => s.step)).not.toContain('brief');
    // The step that went over succeeded with its answer, which is the run's output (its last step's), on n8n as on
    // the embedded engine; the whole records are the same (status, error, output, step log with statuses and items).
    for (const run of [onN8nRun, runs[0]!.overUsd]) {
      expect((run.steps as { step: string; status: string; items: number }[]).find((s) => s.step === 'digest')).toEqual(
        expect.objectContaining({ status: 'success', items: 1 }),
      );
      expect(run.output).toEqual(expect.objectContaining({ summary: expect.any(String) }));
    }
    expect(comparable(onN8nRun)).toEqual(comparable(embeddedRun));
    expect(comparable(runs[0]!.overUsd)).toEqual(comparable(runs[1]!.overUsd));
    expect(runs.map((r) => r.free.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('a budget stop at a step that continues on error ends the run there on n8n too: nothing is posted after it', async () => {
    const results = await Promise.all(
      [onN8n, embedded].map(async (c, index) => {
        const channel = (await c.api('POST', '/channels', { name: 'taglines' })).body.channel as { id: string };
        const agentId = await install(c, { yaml: DRAFT_THEN_POST, name: 'Tagline poster', tokenBudget: 10 });
        if (index === 0) await deployed(agentId, compileAgent(DRAFT_THEN_POST).workflow!.meta.ionflux.hash);
        const stopped = await run(c, agentId, {});
        // The sentinel: without the budget the same run posts its tagline.
        const saved = await c.api('PATCH', `/agents/${agentId}`, { baseRevision: 1, tokenBudget: null });
        expect(saved.status).toBe(200);
        const free = await run(c, agentId, {});
        const messages = await c.api('GET', `/channels/${channel.id}/messages`);
        expect(messages.status).toBe(200);
        return { stopped, free, texts: (messages.body.messages as { text: string }[]).map((m) => m.text) };
      }),
    );
    const [onN8nResult, embeddedResult] = results;
    expect(onN8nResult!.stopped.status).toBe('failed');
    expect(onN8nResult!.stopped.error).toMatchObject({ code: 'step_failed', step: 'draft' });
    expect(onN8nResult!.stopped.error.message).toMatch(
      /^Step 'draft' brought the run to \d+ tokens, over the configuration's budget of 10; the run was stopped\.$/,
    );
    expect(onN8nResult!.stopped.error).toEqual(embeddedResult!.stopped.error);
    // The post step never ran (n8n ran its node past the continuing step, and it did nothing): not in the step log.
    for (const { stopped } of results)
      expect((stopped.steps as { step: string | null }[]).map((s) => s.step)).not.toContain('post');
    expect(spent(onN8nResult!.stopped)).toEqual(spent(embeddedResult!.stopped));
    expect(onN8nResult!.stopped.usage.totalTokens).toBeGreaterThan(10);
    // The draft is kept (the step succeeded with it, the run's output), as on the embedded engine.
    expect(onN8nResult!.stopped.output).toEqual(expect.objectContaining({ text: expect.any(String) }));
    expect(comparable(onN8nResult!.stopped)).toEqual(comparable(embeddedResult!.stopped));
    // Only the free run's tagline is in the channel, on either engine.
    for (const { free, texts } of results) {
      expect(free.status).toBe('succeeded');
      expect(texts).toHaveLength(1);
      expect(texts[0]).toMatch(/^Tagline: (?!none$)/);
    }
  });

  it('steps are reported while the execution runs on n8n, not all at its end', async () => {
    const yaml = example('slack-brief-butler');
    const agentId = await install(onN8n, { yaml, name: 'Brief with a slow model' });
    await deployed(agentId, compileAgent(yaml).workflow!.meta.ionflux.hash);
    const channel = (await onN8n.api('POST', '/channels', { name: 'progress' })).body.channel as { id: string };
    const root = (
      await onN8n.api('POST', `/channels/${channel.id}/messages`, { text: 'Goal: ship the gift guide by Friday.' })
    ).body.message as { id: string };
    // The model answers its first call 429 with Retry-After 2 s: the LLM step ends at least 2 s after the thread read.
    const fault = await fetch(`${onN8n.server.url}/sandbox/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${onN8n.token}` },
      body: JSON.stringify({ service: 'openai', status: 429, count: 1, retryAfter: 2 }),
    });
    expect(fault.status).toBeLessThan(300);
    // One run:step per step boundary: a step, reported once n8n has finished it, with the end of the one before it.
    const seen: { step: string; previous?: string; status?: string; at: number }[] = [];
    const off = onN8n.server.useCases.ctx.events.on('run.step', ({ progress }) => {
      if (progress.agentId === agentId)
        seen.push({
          step: progress.step,
          ...(progress.previous ? { previous: progress.previous.step, status: progress.previous.status } : {}),
          at: Date.now(),
        });
    });
    try {
      const run = await startRun(onN8n, agentId, {
        trigger: { channel: channel.id, threadId: root.id, command: 'summarize_thread', args: {} },
      });
      expect(run.status).toBe('succeeded');
    } finally {
      off();
    }
    const reported = (step: string) => seen.find((e) => e.step === step);
    // Reported at the end of the execution, both would arrive together; read back while it ran, 2 s apart.
    expect(reported('digest')!.at - reported('thread')!.at).toBeGreaterThanOrEqual(1500);
    expect(seen.map(({ at: _, ...e }) => e)).toEqual([
      { step: 'thread' },
      { step: 'digest', previous: 'thread', status: 'success' },
      { step: 'brief', previous: 'digest', status: 'success' },
      { step: 'reply', previous: 'brief', status: 'success' },
    ]);
  });

  it('a Shopify order given as the trigger starts Sales Sentinel on n8n: at $150 it notifies and posts, at $50 neither, as on the embedded engine', async () => {
    const order = JSON.parse(
      readFileSync(
        join(__dirname, '..', '..', 'sandbox', 'src', 'shopify', '__fixtures__', 'orders-create-webhook.json'),
        'utf8',
      ),
    ) as Record<string, unknown>;
    const yaml = example('shopify-sales-sentinel');
    const results = await Promise.all(
      [onN8n, embedded].map(async (c, index) => {
        expect((await c.api('POST', '/channels', { name: 'sales' })).status).toBe(201);
        const agentId = await install(c, { yaml, bindings: { store: { brandId: c.brandId } } });
        if (index === 0) await deployed(agentId, compileAgent(yaml).workflow!.meta.ionflux.hash);
        const start = (total: string, name: string) =>
          startRun(c, agentId, { trigger: { ...order, name, total_price: total } });
        const big = await start('150.00', '#7150');
        const small = await start('50.00', '#7050');
        const feed = await fetch(`${c.server.url}/api/notifications`, {
          headers: { authorization: `Bearer ${c.token}` },
        }).then((r) => r.json() as Promise<{ notifications: { title: string }[] }>);
        return { big, small, titles: feed.notifications.map((n) => n.title) };
      }),
    );
    const [onN8nResult, embeddedResult] = results;
    expect(comparable(onN8nResult!.big)).toEqual(comparable(embeddedResult!.big));
    expect(comparable(onN8nResult!.small)).toEqual(comparable(embeddedResult!.small));
    expect(onN8nResult!.big.status).toBe('succeeded');
    expect(onN8nResult!.big.steps.map((s: { step: string }) => s.step)).toEqual(
      expect.arrayContaining(['alert', 'post']),
    );
    expect(onN8nResult!.small.steps.map((s: { step: string }) => s.step)).not.toContain('alert');
    for (const { titles } of results) {
      expect(titles.filter((t) => t.includes('#7150'))).toEqual(['High-value order #7150: $150.00']);
      expect(titles.filter((t) => t.includes('#7050'))).toEqual([]);
    }
  });

  it('cancelling a run stops its n8n execution: the run is canceled and its reply never posted', async () => {
    const yaml = example('slack-brief-butler');
    const agentId = await install(onN8n, { yaml, name: 'Brief to cancel' });
    const workflow = await deployed(agentId, compileAgent(yaml).workflow!.meta.ionflux.hash);
    const channel = (await onN8n.api('POST', '/channels', { name: 'to-cancel' })).body.channel as { id: string };
    const root = (
      await onN8n.api('POST', `/channels/${channel.id}/messages`, { text: 'Goal: a launch brief nobody will read.' })
    ).body.message as { id: string };
    // The model answers 429 with Retry-After 5 s: the run waits in the LLM step long enough to be cancelled there.
    const fault = await fetch(`${onN8n.server.url}/sandbox/control/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${onN8n.token}` },
      body: JSON.stringify({ service: 'openai', status: 429, count: 1, retryAfter: 5 }),
    });
    expect(fault.status).toBeLessThan(300);
    const stepEnded = new Promise<void>((resolve) => {
      const off = onN8n.server.useCases.ctx.events.on('run.step', ({ progress }) => {
        // Reported once n8n has finished reading the thread.
        if (progress.agentId === agentId && progress.step === 'thread') {
          off();
          resolve();
        }
      });
    });
    const queued = await onN8n.api('POST', `/agents/${agentId}/runs`, {
      trigger: { channel: channel.id, threadId: root.id, command: 'summarize_thread', args: {} },
    });
    expect(queued.status).toBe(202);
    // Once the thread is read the execution is in the slow model call.
    await stepEnded;
    const canceled = await onN8n.api('POST', `/runs/${queued.body.run.id}/cancel`);
    expect(canceled.status).toBe(200);
    const run = await finished(onN8n, queued.body.run.id as string);
    expect(run.status).toBe('canceled');
    expect(run.error.code).toBe('canceled');
    const executions = await n8n.api.listExecutions(workflow.id);
    expect(executions.map((e) => e.status)).toEqual(['canceled']);
    // Its reply (the brief, posted in the thread by the last step) never came.
    const thread = await onN8n.api('GET', `/channels/${channel.id}/messages/${root.id}/thread`);
    expect(thread.status).toBe(200);
    expect(thread.body.replies).toEqual([]);
  });

  it('a store connected through OAuth keeps working on n8n: an expiring token is refreshed before the run', async () => {
    // Connect a Brand to the sandbox store through Shopify OAuth (an expiring offline token with a refresh token).
    const brand = await onN8n.api('POST', '/brands', { name: 'OAuth Store' });
    expect(brand.status).toBe(201);
    const brandId = brand.body.brand.id as string;
    const begin = await fetch(
      `${onN8n.server.url}/api/workspaces/${onN8n.workspaceId}/brands/${brandId}/shopify/connect`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${onN8n.token}` },
        body: JSON.stringify({ shopDomain: 'ionflux-demo.myshopify.com' }),
      },
    );
    expect(begin.status).toBe(200);
    const cookie = begin.headers
      .getSetCookie()
      .find((c) => c.startsWith('ionflux_oauth='))!
      .split(';')[0]!;
    const consent = await fetch(((await begin.json()) as { authorizeUrl: string }).authorizeUrl, {
      redirect: 'manual',
    });
    expect(consent.status).toBe(302);
    const back = await fetch(consent.headers.get('location')!, { redirect: 'manual', headers: { cookie } });
    expect(back.status).toBe(303);
    const owner = { workspaceId: onN8n.workspaceId, ownerType: 'brand' as const, ownerId: brandId };
    const profiles = onN8n.server.useCases.profiles;
    const connected = (await profiles.readCredentials(owner))!;
    expect(connected.refreshToken).toBeTruthy();

    const yaml = PRODUCTS;
    const agentId = await install(onN8n, { name: 'Products on OAuth', yaml, bindings: { store: { brandId } } });
    await deployed(agentId, compileAgent(yaml).workflow!.meta.ionflux.hash);
    const fresh = await run(onN8n, agentId, {});
    expect({ status: fresh.status, error: fresh.error }).toEqual({ status: 'succeeded', error: null });
    // The token is about to expire (its hour is up): the next run refreshes it first and n8n gets the new one.
    await onN8n.server.db
      .updateTable('integration_credentials')
      .set({ expires_at: new Date(Date.now() + 60_000) })
      .where('owner_id', '=', brandId)
      .execute();
    const again = await run(onN8n, agentId, {});
    expect(again.status).toBe('succeeded');
    expect(again.output).toEqual(fresh.output);
    const refreshed = (await profiles.readCredentials(owner))!;
    expect(refreshed.accessToken).not.toBe(connected.accessToken);
    expect(refreshed.refreshToken).not.toBe(connected.refreshToken);
    expect(Date.parse(refreshed.expiresAt!)).toBeGreaterThan(Date.now() + 30 * 60_000);
    // Shopify rotated the pair: the replaced refresh token is refused.
    const replay = await fetch(`${onN8n.server.url}/sandbox/shopify/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: SANDBOX_CREDENTIALS.shopify.clientId,
        client_secret: SANDBOX_CREDENTIALS.shopify.clientSecret,
        grant_type: 'refresh_token',
        refresh_token: connected.refreshToken,
      }),
    });
    expect(replay.status).toBe(400);
    // n8n's credential holds the refreshed token.
    const credential = (await n8n.api.listCredentials()).find((c) => c.name === `IONFLUX ${agentId} store`);
    expect(credential).toBeDefined();
  });

  it('an edit redeploys (the next run runs the new revision); disabling and deleting remove the workflow', async () => {
    const yaml = example('revenue-tracker-lite');
    const agentId = await install(onN8n, {
      name: 'Edited tracker',
      yaml,
      bindings: { store: { brandId: onN8n.brandId } },
    });
    const first = await deployed(agentId, compileAgent(yaml).workflow!.meta.ionflux.hash);

    // The edit reports a fixed period whatever the run's inputs say.
    const edited = yaml.replace('period: "{{ inputs.period }}"', 'period: last_30_days');
    expect(edited).not.toBe(yaml);
    const saved = await onN8n.api('PATCH', `/agents/${agentId}`, { baseRevision: 1, yaml: edited });
    expect(saved.status).toBe(200);
    const second = await deployed(agentId, compileAgent(edited).workflow!.meta.ionflux.hash);
    expect(second.id).toBe(first.id);
    const ran = await run(onN8n, agentId, { period: 'last_7_days' });
    expect(ran).toMatchObject({ status: 'succeeded', revision: 2 });
    const reference = await run(
      embedded,
      await install(embedded, { name: 'Reference', yaml, bindings: { store: { brandId: embedded.brandId } } }),
      { period: 'last_30_days' },
    );
    expect(ran.output).toEqual(reference.output);

    expect((await onN8n.api('PATCH', `/agents/${agentId}`, { baseRevision: 2, enabled: false })).status).toBe(200);
    await gone(agentId);
    expect((await onN8n.api('PATCH', `/agents/${agentId}`, { baseRevision: 3, enabled: true })).status).toBe(200);
    await deployed(agentId, compileAgent(edited).workflow!.meta.ionflux.hash);
    expect((await onN8n.api('DELETE', `/agents/${agentId}`)).status).toBe(204);
    await gone(agentId);
  });

  /**
   * Runs `test` with two servers (engine n8n, the lane's n8n) sharing a throwaway PostgreSQL 15 cluster, as two
   * processes behind one load balancer would: `first` as a signed-up client, `second` a bare server handle.
   */
  async function withTwoServers(test: (servers: { first: Client; second: ServerHandle }) => Promise<void>) {
    const script = join(__dirname, '..', '..', 'server', 'scripts', 'start-test-postgres.sh');
    // Made by the script (as root it hands the folder to the postgres user, who cannot enter a mkdtemp folder).
    const clusterDir = join(tmpdir(), `ionflux-n8n-pg-${randomUUID()}`);
    const databaseUrl = execFileSync(script, [clusterDir], { encoding: 'utf8' }).trim();
    // One data folder: both servers read the same generated secrets (the credentials' encryption keys).
    const dataDir = mkdtempSync(join(tmpdir(), 'ionflux-n8n-data-'));
    const shared = { engine: 'n8n', n8nUrl: n8n.url, n8nApiKey: n8n.apiKey, databaseUrl, dataDir, inMemory: false };
    let first: Client | undefined;
    let second: ServerHandle | undefined;
    try {
      first = await client(shared);
      second = await startServer({
        port: 0,
        host: '127.0.0.1',
        sandbox: true,
        logLevel: 'silent',
        passwordHashCost: 10,
        seedMarketplace: false,
        env: {},
        tokenPrices: 'ionflux-sandbox=1.5/6',
        ...shared,
      } as Parameters<typeof startServer>[0]);
      await test({ first, second });
    } finally {
      await second?.close();
      await first?.server.close();
      execFileSync(script, ['--stop', clusterDir], { stdio: 'ignore' });
      rmSync(dataDir, { recursive: true, force: true });
    }
  }

  it('two server processes on one PostgreSQL deploying the same configuration at once make one workflow', async () => {
    await withTwoServers(async ({ first, second }) => {
      const yaml = example('slack-brief-butler');
      // Saved through the first server, which deploys it at once; the second deploys it at the same moment.
      const agentId = await install(first, { yaml, name: 'Raced brief' });
      const deploys = [first.server, second].map((server) =>
        server.useCases.runExecutor.n8n!.sync(first.workspaceId, agentId),
      );
      const outcomes = await Promise.allSettled(deploys);
      // Unserialized, both find nothing and create one each (the second then fails to activate: same webhook path).
      const workflows = (await n8n.api.listWorkflows()).filter(
        (w) =>
          (w.staticData as { ionfluxServer?: { agentId?: string } } | undefined)?.ionfluxServer?.agentId === agentId,
      );
      expect(workflows.map((w) => w.id)).toHaveLength(1);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled']);
      await deployed(agentId, compileAgent(yaml).workflow!.meta.ionflux.hash);
      // Its credentials once each too (found or created under the same lock).
      const names = (await n8n.api.listCredentials()).filter((c) => c.name.includes(agentId)).map((c) => c.name);
      expect(names.length).toBeGreaterThan(0);
      expect(new Set(names).size).toBe(names.length);
      expect((await first.api('DELETE', `/agents/${agentId}`)).status).toBe(204);
      await gone(agentId);
    });
  });

  it('a run executes its own revision on n8n after another process deployed another one (no stale deploy cache)', async () => {
    // Two revisions that fail differently without any network: each blocks its own private address, in its own step.
    // (The address is in the step, not an input default: the server resolves a run's inputs from its own revision.)
    const probe = (id: string, address: string) => `apiVersion: ionflux/v1
kind: Agent
metadata: { name: probe, displayName: Probe, version: 1.0.0 }
spec:
  trigger: { manual: {} }
  steps:
    - id: ${id}
      uses: http.request
      with: { url: "http://${address}/status" }
`;
    const mine = probe('probe_mine', '10.0.0.1');
    const theirs = probe('probe_theirs', '10.0.0.2');
    await withTwoServers(async ({ first, second }) => {
      // The first process deploys revision 1 when it is saved (and remembers having deployed it).
      const agentId = await install(first, { yaml: mine, name: 'Probe' });
      await deployed(agentId, compileAgent(mine).workflow!.meta.ionflux.hash);
      // The second process saves and deploys revision 2, then stops: the first is left to run what comes next.
      const patch = (baseRevision: number, yaml: string) =>
        fetch(`${second.url}/api/workspaces/${first.workspaceId}/agents/${agentId}`, {
          method: 'PATCH',
          headers: { authorization: `Bearer ${first.token}`, 'content-type': 'application/json' },
          body: JSON.stringify({ baseRevision, yaml }),
        });
      expect((await patch(1, theirs)).status).toBe(200);
      await deployed(agentId, compileAgent(theirs).workflow!.meta.ionflux.hash);
      await second.close();
      // Revision 3 is revision 1's YAML again, saved and run through the first process, whose last deploy was
      // that same YAML: n8n has revision 2's workflow all the same.
      expect((await first.api('PATCH', `/agents/${agentId}`, { baseRevision: 2, yaml: mine })).status).toBe(200);
      const ran = await run(first, agentId, {});
      const reference = await run(embedded, await install(embedded, { yaml: mine, name: 'Probe reference' }), {});
      expect(ran.revision).toBe(3);
      expect(ran.error).toMatchObject({ step: 'probe_mine' });
      expect(ran.error.message).toContain('10.0.0.1');
      expect(ran.error.message).not.toContain('10.0.0.2');
      expect({ ...comparable(ran), revision: undefined }).toEqual({ ...comparable(reference), revision: undefined });
      // Checked, not redeployed, by the next run of the same revision: n8n's workflow keeps its version.
      const checked = await deployed(agentId, compileAgent(mine).workflow!.meta.ionflux.hash);
      expect((await run(first, agentId, {})).error).toEqual(ran.error);
      const again = await n8n.api.getWorkflow(checked.id);
      expect([again.versionId, again.updatedAt]).toEqual([checked.versionId, checked.updatedAt]);
      expect(again.versionId).toEqual(expect.any(String));
      expect((await first.api('DELETE', `/agents/${agentId}`)).status).toBe(204);
      await gone(agentId);
    });
  });
});
