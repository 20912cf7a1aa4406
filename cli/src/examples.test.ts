import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileAgent, type CompileResult } from '@ionflux/compiler';
import { validateAgent } from '@ionflux/dsl';
import { runAgent, tableCredentialResolver, type AgentRunResult } from '@ionflux/engine';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { startSandboxEnvironment, type SandboxEnvironment } from './sandbox-environment';

/**
 * What the example agents compute, checked against values computed here, independently, from the sandbox emulators'
 * own APIs (Shopify Admin GraphQL, TikTok Creative Center and Creator Marketplace): the figures and lists in their
 * chat messages, notifications and canvas blocks, and in the prompts their model steps send. The prompts are read on
 * the wire: the LLM credential points at a recording proxy in front of the sandbox model.
 *
 * Revenue Tracker Lite, Shopify Sales Sentinel and Slack Brief Butler (and Inventory Guardian's error handler) are
 * checked in run.test.ts and not repeated here.
 */
const examplesDir = join(__dirname, '..', '..', 'examples', 'agents');

let env: SandboxEnvironment;
let llm: RecordingLlmProxy;

beforeAll(async () => {
  env = await startSandboxEnvironment();
  llm = await startRecordingLlmProxy(`${env.url}/sandbox/openai/v1`);
}, 60_000);
afterAll(async () => {
  await llm?.close();
  await env?.close();
});

// ---------------------------------------------------------------------------------------------------------------
// Running the examples, with the model calls they make

interface RecordedLlmCall {
  /** Path under the API base, e.g. `/chat/completions`. */
  path: string;
  request: any;
  status: number;
  response: any;
}

interface RecordingLlmProxy {
  url: string;
  callsOf(tag: string): RecordedLlmCall[];
  close(): Promise<void>;
}

/**
 * An OpenAI-compatible endpoint on loopback that forwards every request to `target` and records request and response
 * bodies. Clients use `<url>/<tag>/v1` as their base URL, so each run's calls are kept apart by its tag.
 */
async function startRecordingLlmProxy(target: string): Promise<RecordingLlmProxy> {
  const calls = new Map<string, RecordedLlmCall[]>();
  const readBody = async (request: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const parse = (text: string) => {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  };
  const server: Server = createServer((request, response) => {
    void (async () => {
      const match = /^\/([^/]+)\/v1(\/.*)$/.exec(request.url ?? '');
      if (!match) {
        response.writeHead(404).end();
        return;
      }
      const [, tag, path] = match as unknown as [string, string, string];
      const body = await readBody(request);
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type', 'accept'])
        if (typeof request.headers[name] === 'string') headers[name] = request.headers[name];
      const forwarded = await fetch(`${target}${path}`, {
        method: request.method ?? 'GET',
        headers,
        ...(body ? { body } : {}),
      });
      const text = await forwarded.text();
      const list = calls.get(tag) ?? [];
      list.push({ path, request: parse(body), status: forwarded.status, response: parse(text) });
      calls.set(tag, list);
      response.writeHead(forwarded.status, {
        'content-type': forwarded.headers.get('content-type') ?? 'application/json',
      });
      response.end(text);
    })().catch((error: unknown) => {
      response.writeHead(502, { 'content-type': 'text/plain' }).end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    callsOf: (tag) => calls.get(tag) ?? [],
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/** The default values of an example's inputs, from its YAML. */
function inputDefaults(name: string): Record<string, unknown> {
  const { agent, diagnostics } = validateAgent(readFileSync(join(examplesDir, name), 'utf8'));
  if (!agent) throw new Error(`${name}: ${JSON.stringify(diagnostics)}`);
  return Object.fromEntries(Object.entries(agent.spec.inputs ?? {}).map(([key, input]) => [key, input.default]));
}

const compiled = new Map<string, CompileResult>();
let runs = 0;

/** Runs an example against the sandbox; `llm` holds the model calls of this run, in order. */
async function run(
  name: string,
  options: { input?: Record<string, unknown>; trigger?: unknown } = {},
): Promise<{ result: AgentRunResult; llm: RecordedLlmCall[] }> {
  let compilation = compiled.get(name);
  if (!compilation) {
    compilation = compileAgent(readFileSync(join(examplesDir, name), 'utf8'));
    compiled.set(name, compilation);
  }
  const { workflow, sourceMap, diagnostics } = compilation;
  if (!workflow) throw new Error(`${name}: ${JSON.stringify(diagnostics)}`);
  const tag = `run-${++runs}`;
  const credentials = tableCredentialResolver({
    ...env.credentialTable,
    ionfluxLlmApi: { ...env.credentialTable.ionfluxLlmApi, baseUrl: `${llm.url}/${tag}/v1` },
  });
  const result = await runAgent({
    workflow,
    sourceMap: sourceMap!,
    credentials,
    accounts: { store: SANDBOX_CREDENTIALS.shopify.shopDomain },
    ...options,
  });
  expect({ status: result.status, error: result.error }).toEqual({ status: 'success', error: undefined });
  return { result, llm: llm.callsOf(tag) };
}

const chatCalls = (calls: RecordedLlmCall[]) => calls.filter((c) => c.path === '/chat/completions');
const userMessage = (call: RecordedLlmCall): string =>
  call.request.messages.filter((m: { role: string }) => m.role === 'user').at(-1).content;
const answer = (call: RecordedLlmCall): string => call.response.choices[0].message.content;

/** The lines of `text` after the line `heading`, up to the next empty line. */
function linesAfter(text: string, heading: string): string[] {
  const lines = text.split('\n');
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`"${heading}" is not a line of:\n${text}`);
  const end = lines.indexOf('', start + 1);
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

// ---------------------------------------------------------------------------------------------------------------
// The IONFLUX workspace, as the demo user sees it

interface Message {
  text: string;
  author: { kind: string; name: string };
  payload: unknown;
}
interface Notification {
  title: string;
  body: string;
  /** The notify step's level. */
  kind: string;
}

async function lastMessage(channel: string): Promise<Message> {
  const response = await env.api('GET', `/api/workspaces/${env.workspaceId}/messages?channel=${channel}&limit=20`);
  expect(response.status).toBe(200);
  return response.body.messages.at(-1);
}

/** Notifications, newest first. */
async function notifications(): Promise<Notification[]> {
  const response = await env.api('GET', '/api/notifications?limit=100');
  expect(response.status).toBe(200);
  return response.body.notifications;
}

async function block(page: string, key: string): Promise<{ title?: string; markdown?: string; data?: unknown }> {
  const response = await env.api(
    'GET',
    `/api/workspaces/${env.workspaceId}/blocks/by-key?page=${encodeURIComponent(page)}&key=${key}`,
  );
  expect(response.status).toBe(200);
  return response.body.block.content;
}

// ---------------------------------------------------------------------------------------------------------------
// The sandbox's own APIs

/**
 * An Admin API token of its own for the checks, from the sandbox store's OAuth authorization code grant: a separate
 * app install, so its reads do not share the agents' query budget (Shopify's leaky bucket is per app and store).
 */
let checkerToken: Promise<string> | undefined;
function storeToken(): Promise<string> {
  checkerToken ??= (async () => {
    const shopify = SANDBOX_CREDENTIALS.shopify;
    const authorize = new URL(`${env.url}/sandbox/shopify/admin/oauth/authorize`);
    authorize.searchParams.set('client_id', shopify.clientId);
    authorize.searchParams.set(
      'scope',
      'read_orders,read_all_orders,read_products,read_customers,read_inventory,read_reports',
    );
    authorize.searchParams.set('redirect_uri', shopify.redirectUrls[2]!); // a URL registered for the sandbox app
    authorize.searchParams.set('state', 'examples');
    const redirect = await fetch(authorize, { redirect: 'manual' });
    const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code');
    const exchange = await fetch(`${env.url}/sandbox/shopify/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: shopify.clientId, client_secret: shopify.clientSecret, code }),
    });
    const { access_token: token } = (await exchange.json()) as { access_token?: string };
    if (!token) throw new Error(`the sandbox store gave no access token (HTTP ${exchange.status})`);
    return token;
  })();
  return checkerToken;
}

/** A query to the sandbox store's Admin GraphQL API (waits when the query budget is used up). */
async function adminGraphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  for (;;) {
    const response = await fetch(`${env.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'X-Shopify-Access-Token': await storeToken() },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: { extensions?: { code?: string } }[] };
    if (body.errors?.some((e) => e.extensions?.code === 'THROTTLED')) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      continue;
    }
    if (!body.data || body.errors) throw new Error(`sandbox GraphQL error: ${JSON.stringify(body.errors)}`);
    return body.data;
  }
}

/** Every node of a top-level connection (`products`, `customers`), 250 a page, without a search query. */
async function allNodes<T>(connection: string, selection: string): Promise<T[]> {
  const nodes: T[] = [];
  let after: string | null = null;
  for (;;) {
    const data: Record<string, { nodes: T[]; pageInfo: { hasNextPage: boolean; endCursor: string } }> =
      await adminGraphql(
        `query($after: String) { ${connection}(first: 250, after: $after) {
          nodes { ${selection} } pageInfo { hasNextPage endCursor } } }`,
        { after },
      );
    const page = data[connection]!;
    nodes.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

interface StoreProduct {
  title: string;
  status: string;
  totalInventory: number;
  tracksInventory: boolean;
}
const allProducts = () => allNodes<StoreProduct>('products', 'title status totalInventory tracksInventory');

const tiktok = SANDBOX_CREDENTIALS.tiktok;

/** A TikTok API for Business or Creative Center call to the sandbox; returns `data` of the envelope. */
async function tiktokApi(
  method: 'GET' | 'POST',
  path: string,
  { query, body }: { query?: Record<string, string | number>; body?: unknown } = {},
): Promise<any> {
  const url = new URL(`${env.url}/sandbox/tiktok${path}`);
  for (const [key, value] of Object.entries(query ?? {})) url.searchParams.set(key, String(value));
  const response = await fetch(url, {
    method,
    headers: {
      'Access-Token': tiktok.businessAccessToken,
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const envelope = (await response.json()) as { code: number; data: any };
  if (response.status !== 200 || envelope.code !== 0)
    throw new Error(`sandbox TikTok ${path}: ${response.status} ${JSON.stringify(envelope)}`);
  return envelope.data;
}

interface DiscoveredCreator {
  handle_name: string;
  display_name: string;
  followers_count: number;
  engagement_rate: number;
  location: string;
  topics: string[];
}

/** Creator Marketplace discovery, every page, best engagement first. */
async function discoverCreators(filters: Record<string, unknown>): Promise<DiscoveredCreator[]> {
  const creators: DiscoveredCreator[] = [];
  for (let page = 1; ; page++) {
    const data = await tiktokApi('POST', '/open_api/v1.3/tcm/creator/discover/', {
      body: { tcm_account_id: tiktok.tcmAccountId, sort_field: 'engagement_rate', page, page_size: 50, ...filters },
    });
    creators.push(...data.creators);
    if (page >= data.page_info.total_page) return creators;
  }
}

/** A ratio as a percent with one decimal, as the catalog defines `percent(ratio, 1)`: 0.1083 -> "10.8%". */
const percent1 = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;

/** Money as `money(amount, currency)` shows it: en-US currency format, e.g. $12,345.60. */
const moneyText = (amount: number, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(amount);

// ---------------------------------------------------------------------------------------------------------------

describe('Inventory Guardian', () => {
  /** What the lowStock operation documents: active products that track inventory, at or below the threshold. */
  async function lowStock(threshold: number) {
    return (await allProducts())
      .filter((p) => p.status === 'ACTIVE' && p.tracksInventory && p.totalInventory <= threshold)
      .sort((a, b) => a.totalInventory - b.totalInventory || a.title.localeCompare(b.title));
  }

  it.each([10, 100])(
    'with threshold %i, posts the count and the first five real titles to #ops, notifies and fills the table',
    async (threshold) => {
      const expected = await lowStock(threshold);
      expect(expected.length).toBeGreaterThan(threshold === 10 ? 0 : 5); // 100: more than the five the text names
      const titles = expected.map((p) => p.title);

      const { result } = await run('inventory-guardian.yaml', { input: { threshold } });
      expect(result.steps.map((s) => s.id)).toEqual(['low', 'any', 'post', 'alert', 'table']);

      const message = await lastMessage('ops');
      expect(message.author).toEqual({ kind: 'agent', name: 'Inventory Guardian' });
      expect(message.text).toBe(
        `${expected.length} product(s) at or below ${threshold} units: ${titles.slice(0, 5).join(', ')}`,
      );
      expect((message.payload as { title: string }[]).map((p) => p.title)).toEqual(titles);

      expect((await notifications())[0]).toMatchObject({
        title: `${expected.length} product(s) low on stock`,
        kind: 'warning',
      });

      const table = await block('Inventory Guardian', 'low-stock');
      expect(table.title).toBe(`Low stock (≤ ${threshold})`);
      const rows = table.data as { title: string; totalInventory: number; status: string }[];
      expect(rows.map((r) => [r.title, r.totalInventory, r.status])).toEqual(
        expected.map((p) => [p.title, p.totalInventory, 'active']),
      );
      for (const title of titles) expect(table.markdown).toContain(`| ${title} |`);
    },
  );
});

describe('TikTok Stylist', () => {
  it('lists the top hashtags and sounds of the Creative Center lists, and the prompt names exactly those', async () => {
    const keywords = ['holiday gift ideas', 'fashion'];
    const count = 5;
    const { result, llm: calls } = await run('tiktok-stylist.yaml', { input: { keywords, region: 'US', count } });
    const output = result.output as {
      hashtags: { name: string; rank: number; views: number; posts: number; region: string }[];
      sounds: { id: string; title: string; rank: number; uses: number }[];
      brief: string;
    };

    // The Creative Center lists of every keyword (first 50 of each, more than the agent keeps), merged.
    const hashtags = new Map<string, { hashtag_name: string; video_views: number; publish_cnt: number }>();
    const sounds = new Map<string, { song_id: string; title: string; publish_cnt: number }>();
    for (const keyword of keywords) {
      const query = { page: 1, limit: 50, period: 7, country_code: 'US', keyword };
      const tags = await tiktokApi('GET', '/creative_radar_api/v1/popular_trend/hashtag/list', {
        query: { ...query, sort_by: 'popular' },
      });
      for (const entry of tags.list) hashtags.set(String(entry.hashtag_id), entry);
      const songs = await tiktokApi('GET', '/creative_radar_api/v1/popular_trend/sound/list', {
        query: { ...query, rank_type: 'popular' },
      });
      for (const entry of songs.sound_list) sounds.set(String(entry.song_id), entry);
    }
    // Documented ranking: hashtags by views, sounds by the number of videos using them.
    const topHashtags = [...hashtags.values()]
      .sort((a, b) => b.video_views - a.video_views || a.hashtag_name.localeCompare(b.hashtag_name))
      .slice(0, count);
    const topSounds = [...sounds.values()]
      .sort((a, b) => b.publish_cnt - a.publish_cnt || a.title.localeCompare(b.title))
      .slice(0, count);
    expect(topHashtags).toHaveLength(count);
    expect(topSounds).toHaveLength(count);

    expect(output.hashtags).toEqual(
      topHashtags.map((h, i) => ({
        name: h.hashtag_name,
        rank: i + 1,
        views: h.video_views,
        posts: h.publish_cnt,
        growth: expect.any(Number),
        region: 'US',
      })),
    );
    expect(output.sounds).toEqual(
      topSounds.map((s, i) =>
        expect.objectContaining({ id: String(s.song_id), title: s.title, rank: i + 1, uses: s.publish_cnt }),
      ),
    );

    const [brief] = chatCalls(calls);
    expect(chatCalls(calls)).toHaveLength(1);
    const prompt = userMessage(brief!).split('\n');
    expect(prompt.slice(0, 3)).toEqual([
      `Keywords: ${keywords.join(', ')}`,
      `Trending hashtags: ${topHashtags.map((h) => h.hashtag_name).join(', ')}`,
      `Trending sounds: ${topSounds.map((s) => s.title).join(', ')}`,
    ]);
    expect(output.brief).toBe(answer(brief!));

    const canvas = await block('TikTok Stylist', 'tiktok-trends');
    expect(canvas.title).toBe(`Trends for ${keywords.join(', ')} (US)`);
  });
});

describe('Email Wizard', () => {
  it('drafts from the last 30 days of sales, the three best-stocked products and the number of loyal customers', async () => {
    const defaults = inputDefaults('email-wizard.yaml');
    const { shop } = await adminGraphql<{ shop: { ianaTimezone: string; currencyCode: string } }>(
      '{ shop { ianaTimezone currencyCode } }',
    );
    // Last 30 days: the 30 whole days before today, in the shop's time zone. Orders are read newest first without a
    // search query until they are older than that, and each is placed on its day in the shop's zone.
    const dayOf = new Intl.DateTimeFormat('en-CA', {
      timeZone: shop.ianaTimezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    const daysBefore = (date: string, days: number) => {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      return new Date(Date.UTC(y, m - 1, d - days)).toISOString().slice(0, 10);
    };
    let today: string;
    let ran: Awaited<ReturnType<typeof run>>;
    do {
      today = dayOf.format(new Date());
      ran = await run('email-wizard.yaml');
    } while (dayOf.format(new Date()) !== today); // the shop's day changed during the run: its period is not today's
    const { result, llm: calls } = ran;
    const first = daysBefore(today, 30);
    // Shopify's sales definitions (nodes/README.md): total sales, orders placed (cancelled ones included) and average
    // order value = (gross sales - discounts) / orders, from the store's own ShopifyQL, which
    // sandbox/src/shopify/shopifyql.test.ts checks against the raw orders and refunds.
    const sales: { shopifyqlQuery: { parseErrors: unknown[]; tableData: { rows: Record<string, string>[] } } } =
      await adminGraphql('query($q: String!) { shopifyqlQuery(query: $q) { parseErrors tableData { rows } } }', {
        q: `FROM sales SHOW total_sales, orders, gross_sales, discounts SINCE ${first} UNTIL ${daysBefore(today, 1)}`,
      });
    expect(sales.shopifyqlQuery.parseErrors).toEqual([]);
    const row = sales.shopifyqlQuery.tableData.rows[0]!;
    const totalCents = Math.round(Number(row.total_sales) * 100);
    const orders = Number(row.orders);
    // ShopifyQL reports discounts as a negative amount.
    const averageCents = Math.round(((Number(row.gross_sales) + Number(row.discounts)) * 100) / orders);
    expect(orders).toBeGreaterThan(100);

    const featured = (await allProducts())
      .filter((p) => p.status === 'ACTIVE')
      .sort((a, b) => b.totalInventory - a.totalInventory || a.title.localeCompare(b.title))
      .slice(0, 3)
      .map((p) => p.title);
    const loyal = (await allNodes<{ numberOfOrders: string }>('customers', 'numberOfOrders')).filter(
      (c) => Number(c.numberOfOrders) > 2,
    ).length;
    expect(loyal).toBeGreaterThan(0);

    const [draft] = chatCalls(calls);
    expect(chatCalls(calls)).toHaveLength(1);
    expect(userMessage(draft!).split('\n')).toEqual([
      `Goal: ${defaults.goal}`,
      `Audience: ${defaults.audience} (${loyal} customers with more than two orders)`,
      `Last 30 days: ${moneyText(totalCents / 100, shop.currencyCode)} from ${orders} orders, average order ${moneyText(averageCents / 100, shop.currencyCode)}.`,
      `Products to feature: ${featured.join(', ')}.`,
    ]);
    expect(result.output).toEqual(JSON.parse(answer(draft!)));
    const canvas = await block('Email Wizard', 'email-draft');
    expect(canvas.title).toBe(`Email draft: ${(result.output as { subject: string }).subject}`);
    expect(canvas.data).toEqual(result.output);
  });
});

describe('Creator Persona Guardian', () => {
  it('judges the draft against the persona notes it retrieved, and notifies when the verdict is not on-persona', async () => {
    const notes = inputDefaults('creator-persona-guardian.yaml').personaNotes as string[];
    expect(notes).toHaveLength(4);
    for (const note of notes) expect(note).toMatch(/\.$/); // whole sentences (a plain YAML scalar ends at " #")
    // The sandbox model reads `key: value` lines: the second draft carries its own verdict line, so that both
    // branches run (the sandbox judges the default draft on-persona).
    const drafts = [
      { creator: 'maya.styles', draft: undefined },
      { creator: 'maya.styles.check', draft: 'Verdict: needs-changes\nBUY NOW!!! Last chance, link in bio' },
    ];
    const verdicts: string[] = [];
    for (const { creator, draft } of drafts) {
      const { result, llm: calls } = await run('creator-persona-guardian.yaml', {
        input: { creator, ...(draft ? { draft } : {}) },
      });
      const text = draft ?? (inputDefaults('creator-persona-guardian.yaml').draft as string);
      const embeddings = calls.filter((c) => c.path === '/embeddings').map((c) => c.request.input);
      expect(embeddings).toEqual([notes, [text]]);

      const [review] = chatCalls(calls);
      expect(chatCalls(calls)).toHaveLength(1);
      const prompt = userMessage(review!);
      const recalled = linesAfter(prompt, 'Persona notes:');
      expect([...recalled].sort()).toEqual([...notes].sort());
      expect(prompt.endsWith(`\n\nDraft:\n${text}`)).toBe(true);

      const verdict = result.output as { verdict: string; issues: string[] };
      expect(verdict).toEqual(JSON.parse(answer(review!)));
      verdicts.push(verdict.verdict);
      expect(result.steps.some((s) => s.id === 'warn')).toBe(verdict.verdict !== 'on-persona');
      if (verdict.verdict !== 'on-persona')
        expect((await notifications())[0]).toMatchObject({
          title: `Draft for @${creator}: ${verdict.verdict}`,
          body: verdict.issues.join('; '),
          kind: 'warning',
        });
      const canvas = await block('Creator Persona Guardian', 'persona-check');
      expect(canvas.title).toBe(`Persona check for @${creator}`);
      expect(canvas.data).toEqual(verdict);
    }
    expect(verdicts).toEqual(['on-persona', 'needs-changes']);
    // The on-persona draft raised nothing; the second run's notification is the sentinel that notifications arrive.
    const titles = (await notifications()).map((n) => n.title).filter((t) => t.startsWith('Draft for @'));
    expect(titles).toEqual(['Draft for @maya.styles.check: needs-changes']);
  });
});

describe('Outreach Automaton', () => {
  it('writes one prompt per creator found, with their numbers and latest video, and appends each draft to the canvas', async () => {
    const defaults = inputDefaults('outreach-automaton.yaml');
    const { result, llm: calls } = await run('outreach-automaton.yaml');

    const maxCreators = defaults.maxCreators as number;
    const creators = (await discoverCreators({ query: defaults.niche }))
      .filter((c) => c.engagement_rate >= 0.02)
      .slice(0, maxCreators);
    expect(creators).toHaveLength(maxCreators);
    const prompts = chatCalls(calls);
    expect(prompts).toHaveLength(maxCreators);
    const output = result.output as { creator: { handle: string }; draft: { text: string } }[];
    expect(output.map((o) => o.creator.handle)).toEqual(creators.map((c) => c.handle_name));

    const canvas = await block('Outreach Automaton', 'outreach-drafts');
    let position = 0;
    for (const [index, creator] of creators.entries()) {
      const { posts } = await tiktokApi('GET', '/open_api/v1.3/tcm/creator/public/video/list/', {
        query: { tcm_account_id: tiktok.tcmAccountId, handle_name: creator.handle_name, limit: 10 },
      });
      const video = (posts[0]?.caption as string | undefined) || 'their recent work';
      expect(userMessage(prompts[index]!)).toBe(
        [
          `Write an outreach email from ${defaults.brand} to @${creator.handle_name} (${creator.display_name}),`,
          `a ${creator.topics[0]} creator with ${creator.followers_count} followers and ${percent1(creator.engagement_rate)} engagement.`,
          `Mention their recent video: "${video}".`,
          `Offer: ${defaults.offer}.`,
        ].join('\n'),
      );
      const text = answer(prompts[index]!);
      expect(output[index]!.draft.text).toBe(text);
      const section = `### @${creator.handle_name} (${index + 1}/${maxCreators})\n${text}`;
      const at = canvas.markdown!.indexOf(section, position);
      expect(at).toBeGreaterThanOrEqual(position);
      position = at + section.length;
    }
  });
});

describe('WhatsApp Pulse', () => {
  const message = (name: string, body: string) => ({
    entry: [
      {
        changes: [
          { value: { contacts: [{ profile: { name } }], messages: [{ from: '15551234567', text: { body } }] } },
        ],
      },
    ],
  });

  async function pulse(name: string, body: string) {
    const { result, llm: calls } = await run('whatsapp-pulse.yaml', { trigger: message(name, body) });
    const [classify, reply] = chatCalls(calls);
    expect(chatCalls(calls)).toHaveLength(2);
    expect(userMessage(classify!)).toBe(body);
    const label = JSON.parse(answer(classify!)).label as string;
    const output = result.output as { label: string; reply: string };
    expect(output).toEqual({ label, reply: answer(reply!) });
    expect(userMessage(reply!)).toBe(`Customer (${label}): ${body}`);
    const digest = await lastMessage('support');
    expect(digest.author).toEqual({ kind: 'agent', name: 'WhatsApp Pulse' });
    expect(digest.text).toBe(`**WhatsApp** from ${name} (${label})\n> ${body}\nSuggested reply: ${output.reply}`);
    return output;
  }

  it('escalates a complaint with a critical notification, and only a complaint', async () => {
    const complaint = 'My order #1002 arrived damaged and I want a refund';
    expect((await pulse('Ana', complaint)).label).toBe('complaint');
    expect((await notifications())[0]).toMatchObject({
      title: 'Complaint from Ana',
      body: complaint,
      kind: 'critical',
    });

    expect((await pulse('Ben', 'Hi! Where is my order #1003? When will it ship?')).label).toBe('order_status');
    // Sentinel: a complaint after Ben's question; its notification arrives, Ben's question raised none.
    expect((await pulse('Cleo', 'The zipper broke after one day, this is unacceptable. I want a refund')).label).toBe(
      'complaint',
    );
    const titles = (await notifications()).map((n) => n.title).filter((t) => t.startsWith('Complaint from'));
    expect(titles).toEqual(['Complaint from Cleo', 'Complaint from Ana']);
  });
});

describe('UGC Matchmaker', () => {
  it('shortlists the creators that fit every bound, best engagement first, with their average on the canvas', async () => {
    const inputs = inputDefaults('ugc-matchmaker.yaml') as {
      niche: string;
      region: string;
      minFollowers: number;
      maxFollowers: number;
      minEngagementRate: number;
      limit: number;
    };
    const { result } = await run('ugc-matchmaker.yaml');
    const output = result.output as {
      handle: string;
      followers: number;
      engagementRate: number;
      region: string;
      niche: string;
    }[];

    const expected = (
      await discoverCreators({
        query: inputs.niche,
        country_code: inputs.region,
        min_followers: inputs.minFollowers,
        max_followers: inputs.maxFollowers,
      })
    )
      .filter((c) => c.engagement_rate >= inputs.minEngagementRate)
      .slice(0, inputs.limit);
    expect(expected.length).toBeGreaterThan(1);
    expect(output.map((c) => c.handle)).toEqual(expected.map((c) => c.handle_name));
    for (const [index, creator] of output.entries()) {
      if (index > 0) expect(creator.engagementRate).toBeLessThanOrEqual(output[index - 1]!.engagementRate);
      // Each one checked against the creator's own public profile.
      const profile = await tiktokApi('GET', '/open_api/v1.3/tcm/creator/public/', {
        query: { tcm_account_id: tiktok.tcmAccountId, handle_name: creator.handle },
      });
      expect(creator).toMatchObject({
        followers: profile.followers_count,
        engagementRate: profile.engagement_rate,
        region: profile.location,
        niche: profile.topics[0],
      });
      expect(profile.location).toBe(inputs.region);
      expect(profile.topics[0].toLowerCase()).toBe(inputs.niche);
      expect(profile.followers_count).toBeGreaterThanOrEqual(inputs.minFollowers);
      expect(profile.followers_count).toBeLessThanOrEqual(inputs.maxFollowers);
      expect(profile.engagement_rate).toBeGreaterThanOrEqual(inputs.minEngagementRate);
    }

    const average = expected.reduce((sum, c) => sum + c.engagement_rate, 0) / expected.length;
    const canvas = await block('UGC Matchmaker', 'ugc-shortlist');
    expect(canvas.title).toBe(`${expected.length} ${inputs.niche} creators (average engagement ${percent1(average)})`);
    expect((canvas.data as { handle: string }[]).map((c) => c.handle)).toEqual(expected.map((c) => c.handle_name));
  });
});
