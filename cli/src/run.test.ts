import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileAgent } from '@ionflux/compiler';
import { runAgent, sandboxCredentials, tableCredentialResolver, type AgentRunResult } from '@ionflux/engine';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import type { CliIO } from './io';
import { runCli } from './main';
import { startSandboxEnvironment, type SandboxEnvironment } from './sandbox-environment';

/**
 * Every example agent, end to end: compiled, run on the embedded n8n engine, against the sandbox emulators and a real
 * IONFLUX server (embedded PGlite, demo workspace). Expected figures are computed here from the emulators' own APIs.
 */
const root = join(__dirname, '..', '..');
const examplesDir = join(root, 'examples', 'agents');
const read = (name: string) => readFileSync(join(examplesDir, name), 'utf8');

let env: SandboxEnvironment;

beforeAll(async () => {
  env = await startSandboxEnvironment();
}, 60_000);
afterAll(async () => {
  await env.close();
});

async function run(
  name: string,
  options: { input?: Record<string, unknown>; trigger?: unknown } = {},
): Promise<AgentRunResult> {
  const { workflow, sourceMap, diagnostics } = compileAgent(read(name));
  if (!workflow) throw new Error(`${name}: ${JSON.stringify(diagnostics)}`);
  return runAgent({
    workflow,
    sourceMap: sourceMap!,
    credentials: env.credentials,
    accounts: { store: SANDBOX_CREDENTIALS.shopify.shopDomain },
    ...options,
  });
}

/**
 * The sandbox store's sales of the local days of [from, to) in Shopify's definitions, straight from its own
 * shopifyqlQuery (checked against the raw orders in the sandbox's tests), and the orders created in [from, to).
 */
async function sandboxSales(
  from: string,
  to: string,
): Promise<{ total: number; count: number; refunded: number; gross: number; discounts: number; created: number }> {
  const gql = async (query: string, variables: Record<string, unknown>) => {
    for (;;) {
      const response = await fetch(`${env.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'X-Shopify-Access-Token': SANDBOX_CREDENTIALS.shopify.accessToken,
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] };
      if (body.errors?.some((e) => e.extensions?.code === 'THROTTLED')) {
        await new Promise((resolve) => setTimeout(resolve, 1000)); // the agent just used the store's query budget
        continue;
      }
      if (!body.data) throw new Error(`sandbox GraphQL error: ${JSON.stringify(body.errors)}`);
      return body.data;
    }
  };
  const lastDay = new Date(Date.parse(to) - 86_400_000).toISOString().slice(0, 10);
  const data = await gql('query($q: String!) { shopifyqlQuery(query: $q) { parseErrors tableData { rows } } }', {
    q: `FROM sales SHOW total_sales, orders, returns, gross_sales, discounts SINCE ${from.slice(0, 10)} UNTIL ${lastDay}`,
  });
  const row = data.shopifyqlQuery.tableData.rows[0];
  const count = await gql('query($q: String) { ordersCount(query: $q, limit: null) { count } }', {
    q: `created_at:>='${from}' created_at:<'${to}'`,
  });
  return {
    total: Number(row.total_sales),
    count: Number(row.orders),
    refunded: -Number(row.returns),
    gross: Number(row.gross_sales),
    discounts: -Number(row.discounts),
    created: count.ordersCount.count,
  };
}

const TRIGGERS: Record<string, unknown> = {
  'shopify-sales-sentinel.yaml': {
    id: 820982911946154500,
    name: '#1001',
    total_price: '150.00',
    currency: 'USD',
    email: 'ana@example.com',
    line_items: [{ title: 'Gift bundle', quantity: 1, price: '150.00' }],
  },
  'slack-brief-butler.yaml': { command: 'summarize_thread', channel: 'general', text: '' },
  'whatsapp-pulse.yaml': {
    entry: [
      {
        changes: [
          {
            value: {
              contacts: [{ profile: { name: 'Ana' } }],
              messages: [{ from: '15551234567', text: { body: 'My order #1002 arrived damaged and I want a refund' } }],
            },
          },
        ],
      },
    ],
  },
};

describe('every example agent runs end to end against the sandbox', () => {
  const examples = readdirSync(examplesDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  it.each(examples)('%s succeeds with its default inputs, every step that ran succeeded', async (name) => {
    const result = await run(name, TRIGGERS[name] ? { trigger: TRIGGERS[name] } : {});
    expect({ status: result.status, error: result.error }).toEqual({ status: 'success', error: undefined });
    expect(result.steps.length).toBeGreaterThan(0);
    expect(result.steps.filter((s) => s.status !== 'success')).toEqual([]);
    expect(result.output).toBeDefined();
  });
});

describe('Revenue Tracker Lite', () => {
  it("reports the sandbox store's sales for the period in Shopify's definitions, and shows them on the canvas", async () => {
    const result = await run('revenue-tracker-lite.yaml', { input: { period: 'last_30_days' } });
    const output = result.output as {
      source: string;
      total: number;
      orders: number;
      refunded: number;
      averageOrderValue: number;
      from: string;
      to: string;
      daily: { total: number }[];
    };
    const expected = await sandboxSales(output.from, output.to);
    expect(output.source).toBe('shopifyql');
    expect(expected.count).toBeGreaterThan(100);
    expect(output.orders).toBe(expected.count);
    expect(output.orders).toBe(expected.created);
    expect(output.total).toBeCloseTo(expected.total, 2);
    expect(output.refunded).toBeCloseTo(expected.refunded, 2);
    expect(expected.refunded).toBeGreaterThan(0);
    expect(output.averageOrderValue).toBeCloseTo((expected.gross - expected.discounts) / expected.count, 2);
    expect(output.daily).toHaveLength(30);
    expect(output.daily.reduce((sum, d) => sum + d.total, 0)).toBeCloseTo(expected.total, 1);
    const block = await env.api(
      'GET',
      `/api/workspaces/${env.workspaceId}/blocks/by-key?page=${encodeURIComponent('Revenue Tracker Lite')}&key=revenue`,
    );
    expect(block.status).toBe(200);
    expect(block.body.block.content.data.total).toBeCloseTo(expected.total, 2);
    expect(block.body.block.content.title).toBe('Revenue (last_30_days)');
  });
});

describe('Shopify Sales Sentinel', () => {
  const order = (total: string, name: string) => ({
    id: 1,
    name,
    total_price: total,
    currency: 'USD',
    email: 'ana@example.com',
    line_items: [{ title: 'x', quantity: 1, price: total }],
  });

  it('fires for a $150 order (notification and #sales message) and not for a $50 one', async () => {
    const big = await run('shopify-sales-sentinel.yaml', { trigger: order('150.00', '#5150') });
    expect(big.steps.map((s) => s.id)).toEqual(['big', 'alert', 'post']);
    const small = await run('shopify-sales-sentinel.yaml', { trigger: order('50.00', '#5050') });
    expect(small.status).toBe('success');
    expect(small.steps.map((s) => s.id)).toEqual(['big']);

    const notifications = await env.api('GET', '/api/notifications?limit=100');
    const titles = notifications.body.notifications.map((n: { title: string }) => n.title);
    expect(titles).toContain('High-value order #5150: $150.00');
    expect(titles.some((t: string) => t.includes('#5050'))).toBe(false);
    const sales = await env.api('GET', `/api/workspaces/${env.workspaceId}/messages?channel=sales&limit=50`);
    const texts = sales.body.messages.map((m: { text: string }) => m.text);
    expect(texts.some((t: string) => t.includes('Order #5150 for $150.00'))).toBe(true);
    expect(texts.some((t: string) => t.includes('#5050'))).toBe(false);
    expect(sales.body.messages.find((m: { text: string }) => m.text.includes('#5150')).author).toEqual({
      kind: 'agent',
      name: 'Shopify Sales Sentinel',
    });
  });

  it("takes the sandbox store's own orders/create webhook body as its trigger", async () => {
    for (const [total, fires] of [
      ['150.00', true],
      ['50.00', false],
    ] as const) {
      const created = await fetch(`${env.url}/sandbox/shopify/control/orders`, {
        method: 'POST',
        // Sandbox control needs a server admin: the demo account is one.
        headers: { 'content-type': 'application/json', authorization: `Bearer ${env.userToken}` },
        body: JSON.stringify({ total }),
      });
      expect(created.status).toBe(201);
      const { order, webhook } = (await created.json()) as {
        order: { name: string };
        webhook: { name: string; total_price: string };
      };
      expect(webhook).toMatchObject({ name: order.name, total_price: total });
      const result = await run('shopify-sales-sentinel.yaml', { trigger: webhook });
      expect(result.steps.some((step) => step.id === 'alert')).toBe(fires);
    }
  });
});

describe('Slack Brief Butler', () => {
  it("builds the brief from the thread's actual messages and replies in the thread", async () => {
    const general = await env.api('GET', `/api/workspaces/${env.workspaceId}/messages?channel=general&limit=50`);
    const root = general.body.messages.find((m: { replyCount: number }) => m.replyCount > 0);
    const thread = await env.api('GET', `/api/workspaces/${env.workspaceId}/messages/${root.id}/thread`);
    const threadTexts: string[] = [thread.body.root, ...thread.body.replies].map((m: { text: string }) => m.text);

    const result = await run('slack-brief-butler.yaml', {
      trigger: { command: 'summarize_thread', channel: 'general', threadId: root.id, text: '' },
    });
    expect(result.status).toBe('success');
    const brief = result.output as {
      title: string;
      summary: string;
      decisions: string[];
      actionItems: string[];
      openQuestions: string[];
    };
    // Extractive: every sentence of the summary comes from a message of the thread, and the key facts are there.
    const sentences = brief.summary.split(/(?<=[.!?])\s+/).filter(Boolean);
    expect(sentences.length).toBeGreaterThan(0);
    for (const sentence of sentences)
      expect(threadTexts.some((text) => text.includes(sentence.replace(/^[^:]+:\s*/, '').trim()))).toBe(true);
    expect(JSON.stringify(brief)).toContain('$89');

    const after = await env.api('GET', `/api/workspaces/${env.workspaceId}/messages/${root.id}/thread`);
    const reply = after.body.replies.at(-1);
    expect(reply.author).toEqual({ kind: 'agent', name: 'Slack Brief Butler' });
    expect(reply.text).toContain('**Brief:');
    expect(reply.payload).toEqual(brief);
  });
});

describe('Inventory Guardian', () => {
  it('tells #ops through its error handler when the store cannot be read', async () => {
    const { workflow, sourceMap } = compileAgent(read('inventory-guardian.yaml'));
    const table = sandboxCredentials({ sandboxBaseUrl: env.url, ionflux: { baseUrl: env.url, token: env.apiToken } });
    table.ionfluxShopifyAccessTokenApi = { ...table.ionfluxShopifyAccessTokenApi, accessToken: 'shpat_revoked' };
    const result = await runAgent({
      workflow: workflow!,
      sourceMap: sourceMap!,
      credentials: tableCredentialResolver(table),
    });
    expect(result.status).toBe('success');
    expect(result.steps.map((s) => [s.id, s.status])).toEqual([
      ['low', 'error'],
      ['tellOps', 'success'],
    ]);
    const ops = await env.api('GET', `/api/workspaces/${env.workspaceId}/messages?channel=ops&limit=10`);
    expect(ops.body.messages.at(-1).text).toMatch(
      /^Inventory Guardian could not read the store: .*Invalid API key or access token/,
    );
  });
});

describe('ionflux run', () => {
  function capture(): CliIO & { out: string[]; err: string[] } {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
      cwd: root,
      env: { IONFLUX_URL: env.url, IONFLUX_API_TOKEN: env.apiToken },
      isTTY: false,
    };
  }

  it('prints the documented JSON document and exits 0 on success', async () => {
    const io = capture();
    const code = await runCli(
      [
        'run',
        'examples/agents/tiktok-stylist.yaml',
        '--sandbox',
        '--format',
        'json',
        '--input',
        '{"keywords":["fashion"],"count":3}',
      ],
      io,
    );
    expect(io.err.join('')).toBe('');
    expect(code).toBe(0);
    const document = JSON.parse(io.out.join(''));
    expect(document.status).toBe('success');
    expect(document.output.hashtags).toHaveLength(3);
    expect(document.steps[0]).toEqual({
      id: 'hashtags',
      node: 'Trending hashtags',
      status: 'success',
      durationMs: expect.any(Number),
      items: 1,
    });
  });

  it('shows progress and the output as text, and fails with the line:col of the failing step', async () => {
    const io = capture();
    expect(await runCli(['run', 'examples/agents/ugc-matchmaker.yaml', '--sandbox'], io)).toBe(0);
    const text = io.out.join('');
    expect(text).toMatch(/✓ Search creators \d+ ms, 1 item/);
    expect(text).toContain('Run succeeded');

    const failing = capture();
    failing.env = {};
    expect(await runCli(['run', 'examples/agents/revenue-tracker-lite.yaml'], failing)).toBe(1);
    expect(failing.out.join('')).toContain(
      'examples/agents/revenue-tracker-lite.yaml:29:7: runtime error: Node "Revenue summary" needs the ionfluxShopifyAccessTokenApi credential',
    );
  });

  it('refuses bad --input with a usage error', async () => {
    const io = capture();
    expect(
      await runCli(
        ['run', 'examples/agents/revenue-tracker-lite.yaml', '--sandbox', '--input', '{"period": "someday"}'],
        io,
      ),
    ).toBe(2);
    expect(io.err.join('')).toContain("Input 'period' must be one of");
    expect(await runCli(['run', 'examples/agents/revenue-tracker-lite.yaml', '--input', 'not json'], capture())).toBe(
      2,
    );
  });

  it('runs from the built binary with an embedded sandbox server', () => {
    const result = spawnSync(
      join(root, 'node_modules', '.bin', 'node'),
      [
        join(root, 'cli', 'bin', 'ionflux.js'),
        'run',
        'examples/agents/shopify-sales-sentinel.yaml',
        '--sandbox',
        '--format',
        'json',
        '--trigger',
        JSON.stringify(TRIGGERS['shopify-sales-sentinel.yaml']),
      ],
      { cwd: root, encoding: 'utf8', timeout: 120_000 },
    );
    expect(result.status).toBe(0);
    const document = JSON.parse(result.stdout);
    expect(document.status).toBe('success');
    expect(document.steps.map((s: { id: string }) => s.id)).toEqual(['big', 'alert', 'post']);
  });
});
