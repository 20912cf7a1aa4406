import { afterAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { ServerOptions } from '../../config';
import { startServer, type ServerHandle } from '../../server';
import { sandboxOrderTotals } from '../../testing/sandbox-orders';
import { createTestPostgresDatabase, nextEvent, testDatabaseTarget } from '../../testing/test-server';

/**
 * The plan's demo journey (section 2.1) over HTTP and socket.io on the embedded defaults: two people, a workspace
 * whose store and creator are connected through the OAuth screens (sandbox Shopify and TikTok), a campaign page, a
 * thread, agents run from chat and from the API writing to the page, Sales Sentinel started by orders the sandbox
 * store sends as signed webhooks (`ionflux simulate shopify-order`), and a restart after which everything is still
 * there.
 */
const EXAMPLES = path.join(__dirname, '..', '..', '..', '..', 'examples', 'agents');
const PAGE = 'Q4 Holiday Campaign Plan';
/** The example agent, configured to write its snippet on the campaign page (an edit a person makes in the YAML). */
const onCampaignPage = (name: string) =>
  fs
    .readFileSync(path.join(EXAMPLES, `${name}.yaml`), 'utf8')
    .replace(/\n {4}canvas:\n/, `\n    canvas:\n      page: "${PAGE}"\n`);

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function durableStore(): Promise<ServerOptions> {
  if (testDatabaseTarget() === 'postgres') {
    const database = await createTestPostgresDatabase();
    cleanups.push(database.drop);
    return { databaseUrl: database.url };
  }
  const dataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ionflux-journey-'));
  cleanups.push(() => fsp.rm(dataDir, { recursive: true, force: true }));
  return { dataDir };
}

function client(server: ServerHandle) {
  return async (method: string, route: string, token?: string, body?: unknown) => {
    const response = await fetch(`${server.url}${route}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
}

async function connect(server: ServerHandle, token: string): Promise<Socket> {
  const socket = connectClient(server.url, { transports: ['websocket'], auth: { token } });
  cleanups.push(async () => void socket.disconnect());
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return socket;
}

const CLI = path.join(__dirname, '..', '..', '..', '..', 'cli', 'bin', 'ionflux.js');

/** `ionflux simulate shopify-order` as a user runs it (the built CLI): its stdout. */
function simulateOrder(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [CLI, 'simulate', 'shopify-order', ...args], (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stdout}${stderr}`)) : resolve(stdout),
    ),
  );
}

/** A browser going through a provider's OAuth screens: begin, the (sandbox) consent, the callback with the cookie. */
async function connectThroughOAuth(server: ServerHandle, route: string, token: string): Promise<string> {
  const begun = await fetch(`${server.url}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: '{}',
  });
  expect(begun.status).toBe(200);
  const cookie = begun.headers
    .getSetCookie()
    .find((c) => c.startsWith('ionflux_oauth='))!
    .split(';')[0]!;
  const { authorizeUrl } = (await begun.json()) as { authorizeUrl: string };
  const consent = await fetch(authorizeUrl, { redirect: 'manual' });
  expect(consent.status).toBe(302);
  const back = await fetch(consent.headers.get('location')!, { redirect: 'manual', headers: { cookie } });
  expect(back.status).toBe(303);
  return back.headers.get('location')!;
}

describe('the demo journey', () => {
  it('works end to end over HTTP and sockets, and survives a restart', async () => {
    const options: ServerOptions = {
      port: 0,
      logLevel: 'silent',
      env: {},
      passwordHashCost: 10,
      sandbox: true,
      // Ana drives the sandbox store (creating orders is a sandbox control operation).
      adminEmails: ['ana@agency.example'],
      ...(await durableStore()),
    };
    let server = await startServer(options);
    cleanups.push(() => server.close());
    let call = client(server);
    const password = 'journey-password-42';
    const ana = (
      await call('POST', '/api/auth/signup', undefined, { email: 'ana@agency.example', password, displayName: 'Ana' })
    ).body;
    const sam = (
      await call('POST', '/api/auth/signup', undefined, { email: 'sam@agency.example', password, displayName: 'Sam' })
    ).body;
    const A = ana.accessToken as string;
    const w = (await call('POST', '/api/workspaces', A, { name: 'My Marketing Agency' })).body.workspace.id as string;
    const W = `/api/workspaces/${w}`;
    const invitation = (await call('POST', `${W}/invitations`, A, { email: 'sam@agency.example', role: 'member' }))
      .body;
    expect((await call('POST', '/api/invitations/accept', sam.accessToken, { token: invitation.token })).status).toBe(
      200,
    );

    // Connect the store and the creator through the OAuth screens (the sandbox's Shopify and TikTok).
    const brandId = (await call('POST', `${W}/brands`, A, { name: 'My Test Store' })).body.brand.id;
    expect(await connectThroughOAuth(server, `${W}/brands/${brandId}/shopify/connect`, A)).toContain(
      'status=connected',
    );
    const creatorId = (await call('POST', `${W}/creators`, A, { name: 'My Test Creator', handle: 'ionflux.demo' })).body
      .creator.id;
    expect(await connectThroughOAuth(server, `${W}/creators/${creatorId}/tiktok/connect`, A)).toContain(
      'status=connected',
    );
    expect((await call('GET', `${W}/brands/${brandId}`, A)).body.brand).toMatchObject({
      shopDomain: 'ionflux-demo.myshopify.com',
      connection: { state: 'connected' },
      credentials: { connected: true },
    });
    expect((await call('GET', `${W}/creators/${creatorId}`, A)).body.creator.connection.state).toBe('connected');

    // The campaign page with its goal.
    const pageId = (await call('POST', `${W}/pages`, A, { title: PAGE })).body.page.id;
    await call('POST', `${W}/pages/${pageId}/blocks`, A, {
      type: 'text',
      key: 'goal',
      content: { text: 'Goal: Drive 20% more sales for Product X.' },
    });

    // Two members discuss in a thread, over sockets.
    const channelId = (await call('POST', `${W}/channels`, A, { name: 'campaign' })).body.channel.id;
    await call('POST', `${W}/channels/${channelId}/members`, sam.accessToken, { userId: sam.user.id });
    const salesId = (await call('POST', `${W}/channels`, A, { name: 'sales' })).body.channel.id;
    const anaSocket = await connect(server, A);
    const samSocket = await connect(server, sam.accessToken);
    for (const socket of [anaSocket, samSocket]) {
      expect((await socket.timeout(10_000).emitWithAck('channel:join', { workspaceId: w, channelId })).ok).toBe(true);
    }
    await anaSocket.timeout(10_000).emitWithAck('workspace:join', { workspaceId: w });
    const send = (socket: Socket, text: string, threadRootId?: string) =>
      socket
        .timeout(10_000)
        .emitWithAck('message:send', { workspaceId: w, channelId, text, ...(threadRootId ? { threadRootId } : {}) });
    const rootId = (await send(anaSocket, 'Q4 holiday campaign: we want 20% more sales for Product X.')).message
      .id as string;
    await send(samSocket, 'We decided to feature Product X in TikTok videos with fashion creators.', rootId);
    await send(anaSocket, 'Sam books three creators by Friday; I prepare the gift bundle.', rootId);

    // Install the agents (the agent shelf), configured for the store, the creator and the campaign page.
    const install = async (body: Record<string, unknown>) => {
      const res = await call('POST', `${W}/agents`, A, body);
      expect(res.status).toBe(201);
      return res.body.agent.id as string;
    };
    const butler = await install({ yaml: fs.readFileSync(path.join(EXAMPLES, 'slack-brief-butler.yaml'), 'utf8') });
    // Revenue Tracker Lite and Sales Sentinel come from the marketplace (published by IONFLUX on first start): the
    // store binds to the workspace's Brand, and the package's signature is checked again on install.
    const fromMarketplace = async (body: Record<string, unknown>) => {
      const res = await call('POST', `${W}/marketplace/installs`, A, body);
      expect(res.status).toBe(201);
      const listed = (await call('GET', `/api/marketplace/agents/${body.agent as string}`)).body.agent;
      expect(listed.publisher).toMatchObject({ name: 'IONFLUX', verified: true });
      expect(res.body.version.digest).toBe(listed.versions[0].digest);
      expect(res.body.agent.definitionId).not.toBeNull();
      return res.body.agent as { id: string; revision: number };
    };
    const revenueInstalled = await fromMarketplace({
      agent: 'revenue-tracker-lite',
      inputs: { period: 'last_7_days' },
      bindings: { store: { brandId } },
    });
    const revenue = revenueInstalled.id;
    // Ana points its snippet at the campaign page (an edit to the installed YAML, saved as revision 2).
    const edited = await call('PATCH', `${W}/agents/${revenue}`, A, {
      baseRevision: revenueInstalled.revision,
      yaml: onCampaignPage('revenue-tracker-lite'),
    });
    expect(edited.status).toBe(200);
    const sentinel = (
      await fromMarketplace({
        agent: 'shopify-sales-sentinel',
        inputs: { threshold: 100, channel: 'sales' },
        bindings: { store: { brandId } },
      })
    ).id;
    const stylist = await install({
      yaml: onCampaignPage('tiktok-stylist'),
      inputs: { keywords: ['holiday gift ideas', 'fashion'] },
      bindings: { creator: { creatorId } },
    });
    const matchmaker = await install({
      yaml: onCampaignPage('ugc-matchmaker'),
      inputs: { niche: 'fashion' },
      bindings: { creator: { creatorId } },
    });
    expect(butler && sentinel).toBeTruthy();

    // /run_agent Slack Brief Butler summarize_thread: the brief lands in the thread; Ana copies it to a text block.
    const brief = nextEvent(
      anaSocket,
      'message:new',
      (m: any) => m.threadRootId === rootId && m.author.kind === 'agent',
      120_000,
    );
    await send(anaSocket, '/run_agent Slack Brief Butler summarize_thread', rootId);
    const briefMessage = await brief;
    expect(briefMessage.author.name).toBe('Slack Brief Butler');
    expect(briefMessage.text).toContain('(4 messages)');
    const copied = await call('POST', `${W}/pages/${pageId}/blocks`, A, {
      type: 'text',
      key: 'brief',
      content: { text: briefMessage.text },
    });
    expect(copied.status).toBe(201);

    const runAndWait = async (agentId: string, body: unknown = {}) => {
      const started = await call('POST', `${W}/agents/${agentId}/runs`, A, body);
      expect(started.status).toBe(202);
      const done = await nextEvent(anaSocket, 'run:finished', (e: any) => e.run.id === started.body.run.id, 120_000);
      return done.run;
    };

    // Revenue Tracker Lite, last 7 days: the figures equal an independent sum of the store's orders.
    const revenueRun = await runAndWait(revenue);
    expect({ status: revenueRun.status, error: revenueRun.error }).toEqual({ status: 'succeeded', error: null });
    const expected = await sandboxOrderTotals(server.url, revenueRun.output.from, revenueRun.output.to);
    expect(revenueRun.output.orders).toBe(expected.count);
    expect(revenueRun.output.total).toBeCloseTo(expected.total, 2);

    // Sales Sentinel: a $150 order in the store (its signed orders/create webhook) notifies and posts to #sales; a $50
    // order does neither (its finished run is the sentinel: everything it would do happens before run:finished).
    const simulate = async (total: string) => {
      const finished = nextEvent(anaSocket, 'run:finished', (e: any) => e.run.agentId === sentinel, 120_000);
      const out = await simulateOrder([
        '--server',
        server.url,
        '--store',
        'ionflux-demo.myshopify.com',
        '--total',
        total,
        '--email',
        'ana@agency.example',
        '--password',
        password,
      ]);
      const name = /Order (#\d+) /.exec(out)![1]!;
      const run = (await finished).run;
      expect(run.trigger.payload.order.name).toBe(name);
      return { run, name };
    };
    const big = await simulate('150');
    expect({ status: big.run.status, error: big.run.error }).toEqual({ status: 'succeeded', error: null });
    const notes = (await call('GET', `/api/notifications?workspaceId=${w}`, sam.accessToken)).body.notifications;
    expect(notes.map((n: { title: string }) => n.title)).toEqual([`High-value order ${big.name}: $150.00`]);
    const sales = async () =>
      (await call('GET', `${W}/channels/${salesId}/messages`, A)).body.messages as { text: string }[];
    expect((await sales()).map((m) => m.text)).toEqual([expect.stringContaining(`Order ${big.name} for $150.00`)]);
    const small = (await simulate('50')).run;
    expect({ status: small.status, error: small.error }).toEqual({ status: 'succeeded', error: null });
    expect((await call('GET', `/api/notifications?workspaceId=${w}`, sam.accessToken)).body.notifications).toHaveLength(
      1,
    );
    expect(await sales()).toHaveLength(1);

    // TikTok Stylist and UGC Matchmaker fill their blocks on the page.
    const stylistRun = await runAndWait(stylist);
    expect({ status: stylistRun.status, error: stylistRun.error }).toEqual({ status: 'succeeded', error: null });
    const matchRun = await runAndWait(matchmaker);
    expect({ status: matchRun.status, error: matchRun.error }).toEqual({ status: 'succeeded', error: null });
    const pageBefore = (await call('GET', `${W}/pages/${pageId}`, A)).body;
    const byKey = (page: any) => Object.fromEntries(page.blocks.map((b: any) => [b.key, b]));
    const blocks = byKey(pageBefore);
    expect(Object.keys(blocks).sort()).toEqual(['brief', 'goal', 'revenue', 'tiktok-trends', 'ugc-shortlist']);
    expect(blocks.revenue.content.data.total).toBeCloseTo(expected.total, 2);
    expect(blocks['tiktok-trends']).toMatchObject({ agentConfigId: stylist, writtenByRunId: stylistRun.id });
    expect(blocks['tiktok-trends'].content.data.hashtags.length).toBeGreaterThan(0);
    expect(blocks['ugc-shortlist'].content.data).toEqual(matchRun.output);
    expect(matchRun.output.length).toBeGreaterThan(0);

    // Restart: everything is still there.
    anaSocket.disconnect();
    samSocket.disconnect();
    await server.close();
    server = await startServer(options);
    call = client(server);
    const again = (await call('POST', '/api/auth/login', undefined, { email: 'ana@agency.example', password })).body
      .accessToken;
    const pageAfter = (await call('GET', `${W}/pages/${pageId}`, again)).body;
    expect(byKey(pageAfter)).toEqual(blocks);
    const runs = (await call('GET', `${W}/runs`, again)).body.runs as { status: string }[];
    expect(runs).toHaveLength(6);
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true);
    const agent = (await call('GET', `${W}/agents/${revenue}`, again)).body.agent;
    expect(agent.latestOutput.runId).toBe(revenueRun.id);
    const thread = (await call('GET', `${W}/channels/${channelId}/messages/${rootId}/thread`, again)).body;
    expect(thread.replies.map((m: { id: string }) => m.id)).toContain(briefMessage.id);
  }, 600_000);
});
