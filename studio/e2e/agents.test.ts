import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { validateAgent } from '../../dsl/src/validate';
import { resumeAgentsOfBrand, suspendAgentsOfBrand } from '../../server/src/data-access/agents-repository';
import type { TestUser } from '../../server/src/testing/test-server';
import { REPO_ROOT, signIn, StudioHarness } from './harness';

/**
 * Connections, the Agent Shelf (install from YAML with the server's diagnostics, connection bindings, configure
 * inputs), agents added to a canvas page by drag and drop and by keyboard, agent outputs rendered for people
 * (figures and a lazily loaded chart, hashtag and sound lists, a creators table, a failure naming its step), and
 * the screens whose server API is not there yet saying so.
 */
jest.setTimeout(240_000);

let h: StudioHarness;
let ana: TestUser;
let workspaceId: string;
const example = (name: string) => fs.readFileSync(path.join(REPO_ROOT, 'examples', name), 'utf8');

beforeAll(async () => {
  h = await StudioHarness.start('agents', { sandbox: true });
  ana = await h.server.signup('Ana Owner');
  workspaceId = await h.server.createWorkspace(ana, 'My Marketing Agency');
});
afterAll(async () => {
  await h?.close();
});

/** Seeded generator (mulberry32): test data that is not hand-picked. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('studio: connections, agents and their outputs', () => {
  it('installs and configures agents, puts them on a page and renders what agents write', async () => {
    const page = await (await h.newContext('ana')).newPage();
    await signIn(page, h.url, ana);
    const W = `/api/workspaces/${workspaceId}`;

    // Connections: a store and a creator; their status is "not connected" until credentials are stored.
    await page.getByRole('link', { name: 'Connections' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connections' }).waitFor();
    await page.getByLabel('Brand name').fill('My Test Store');
    await page.getByLabel('Store domain (optional)').fill('my-test-store.myshopify.com');
    await page.getByRole('button', { name: 'Add store' }).click();
    await page.getByRole('cell', { name: 'my-test-store.myshopify.com' }).waitFor();
    await page.getByLabel('Creator name').fill('My Test Creator');
    await page.getByLabel('Handle (optional)').fill('@my.test.creator');
    await page.getByRole('button', { name: 'Add creator' }).click();
    await page.getByRole('cell', { name: '@my.test.creator' }).waitFor();
    const brands = (await h.server.request('GET', `${W}/brands`, { token: ana.token })).body.brands;
    expect(
      brands.map((b: { name: string; credentials: { connected: boolean } }) => [b.name, b.credentials.connected]),
    ).toEqual([['My Test Store', false]]);
    expect(
      await page
        .getByRole('row', { name: /My Test Store/ })
        .getByText('not connected')
        .count(),
    ).toBe(1);
    await h.step(page, 'connections');

    // Agent Shelf: an invalid agent shows the server's diagnostics, the same ones @ionflux/dsl finds.
    await page.getByRole('link', { name: 'Agent Shelf' }).click();
    await page.getByRole('heading', { level: 1, name: 'Agent Shelf' }).waitFor();
    const invalid = example('invalid/typos-everywhere.yaml');
    await page.getByLabel('Agent YAML').fill(invalid);
    h.expectFailure(`${W}/agents`, 422);
    await page.getByRole('button', { name: 'Install agent' }).click();
    const alert = page.getByRole('alert');
    await alert.getByRole('listitem').first().waitFor();
    const expected = validateAgent(invalid).diagnostics;
    const shown = await alert.getByRole('listitem').allTextContents();
    expect(shown).toEqual(
      expected.map((d) => `line ${d.range.start.line}:${d.range.start.col} ${d.code}: ${d.message}`),
    );
    await h.step(page, 'agent diagnostics');

    // Revenue Tracker Lite: the server names the connection to bind; bound to the store, it installs.
    await page.getByLabel('Agent YAML').fill(example('agents/revenue-tracker-lite.yaml'));
    h.expectFailure(`${W}/agents`, 422);
    await page.getByRole('button', { name: 'Install agent' }).click();
    await page.getByLabel('Connection “store”').selectOption({ label: 'Shopify: My Test Store' });
    await page.getByRole('button', { name: 'Install agent' }).click();
    await page.getByRole('heading', { level: 3, name: 'Revenue Tracker Lite' }).waitFor();
    // Configure: the period input, saved as revision 2.
    await page.getByRole('button', { name: 'Configure Revenue Tracker Lite' }).click();
    await page.getByLabel('period').selectOption('last_30_days');
    await page.getByRole('button', { name: 'Save configuration' }).click();
    await page.getByText(/revision 2/).waitFor();
    const agents = (await h.server.request('GET', `${W}/agents`, { token: ana.token })).body.agents;
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatchObject({ name: 'Revenue Tracker Lite', revision: 2, inputs: { period: 'last_30_days' } });
    expect(agents[0].bindings).toEqual({ store: { brandId: brands[0].id } });
    await h.step(page, 'agent shelf');

    // Budgets per run: saved with the configuration (revision 3), shown on the card; emptied again means none.
    await page.getByRole('button', { name: 'Configure Revenue Tracker Lite' }).click();
    await page.getByLabel('Token budget per run').fill('5000');
    await page.getByLabel('USD budget per run').fill('0.25');
    await page.getByRole('button', { name: 'Save configuration' }).click();
    await page.getByText(/revision 3/).waitFor();
    await page.getByText('at most 5,000 tokens per run · at most $0.25 per run').waitFor();
    const budgeted = (await h.server.request('GET', `${W}/agents`, { token: ana.token })).body.agents[0];
    expect(budgeted).toMatchObject({ revision: 3, tokenBudget: 5000, usdBudget: 0.25 });
    await page.getByRole('button', { name: 'Configure Revenue Tracker Lite' }).click();
    await expect(page.getByLabel('Token budget per run').inputValue()).resolves.toBe('5000');
    await page.getByLabel('USD budget per run').fill('');
    await page.getByRole('button', { name: 'Save configuration' }).click();
    await page.getByText(/revision 4/).waitFor();
    const unbudgeted = (await h.server.request('GET', `${W}/agents`, { token: ana.token })).body.agents[0];
    expect(unbudgeted).toMatchObject({ revision: 4, tokenBudget: 5000, usdBudget: null });

    // Suspended by the server (its store uninstalled the app): the card says so and why.
    const reason = 'the Shopify store my-test-store.myshopify.com uninstalled the app';
    expect(await suspendAgentsOfBrand(h.server.server.db, { workspaceId, brandId: brands[0].id, reason })).toEqual([
      agents[0].id,
    ]);
    // What the uninstall webhook's handler announces: the open shelf updates without a reload.
    h.server.server.useCases.ctx.events.emit('agent.changed', { workspaceId, agentId: agents[0].id });
    await page
      .getByRole('status')
      .filter({ hasText: `Suspended: ${reason}.` })
      .waitFor();
    await expect(page.getByText('suspended', { exact: true }).count()).resolves.toBe(1);
    await resumeAgentsOfBrand(h.server.server.db, { workspaceId, brandId: brands[0].id });
    h.server.server.useCases.ctx.events.emit('agent.changed', { workspaceId, agentId: agents[0].id });
    await page.getByText(/revision 4 · enabled/).waitFor();
    await expect(page.getByText(/^Suspended:/).count()).resolves.toBe(0);

    // A page; the agent goes on it by keyboard (picker) and by drag and drop (chip onto the canvas).
    await page.getByRole('button', { name: 'New page' }).click();
    await page.getByLabel('New page title').fill('Q4 Holiday Campaign Plan');
    await page.getByLabel('New page title').press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Q4 Holiday Campaign Plan' }).waitFor();
    const pageId = page.url().split('/pages/')[1]!;
    await page.getByLabel('Agent to add').selectOption({ label: 'Revenue Tracker Lite' });
    await page.getByRole('button', { name: 'Add agent' }).click();
    await page.locator('article.block-agent_snippet').first().waitFor();
    await page.locator('.agent-chip', { hasText: 'Revenue Tracker Lite' }).dragTo(page.locator('.canvas'), {
      targetPosition: { x: 640, y: 60 },
    });
    await page.locator('article.block-agent_snippet').nth(1).waitFor();
    const blocks = (await h.server.request('GET', `${W}/pages/${pageId}`, { token: ana.token })).body.blocks;
    expect(blocks.map((b: { agentConfigId: string; key: string }) => [b.agentConfigId, b.key])).toEqual([
      [agents[0].id, 'revenue-tracker-lite'],
      [agents[0].id, 'revenue-tracker-lite-2'],
    ]);
    const dropped = blocks[1].position;
    expect(dropped.x).toBeGreaterThanOrEqual(600);
    expect(dropped.y).toBeLessThanOrEqual(100);

    // What agents write through the API (an API token, as n8n does) is rendered by shape. The chart library is
    // fetched only once a revenue output is on screen.
    const token = (
      await h.server.request('POST', `${W}/api-tokens`, {
        token: ana.token,
        body: { name: 'agents', scopes: ['canvas:read', 'canvas:write'] },
      })
    ).body.token;
    const chartRequests: string[] = [];
    page.on('request', (r) => {
      if (/\/assets\/RevenueChart-/.test(r.url())) chartRequests.push(r.url());
    });
    expect(chartRequests).toEqual([]);
    const next = random(7);
    const daily = Array.from({ length: 7 }, (_, i) => ({
      date: `2026-11-${String(20 + i).padStart(2, '0')}`,
      total: Math.round(next() * 500_00) / 100,
      orders: Math.floor(next() * 20),
    }));
    const total = Math.round(daily.reduce((s, d) => s + d.total, 0) * 100) / 100;
    const orders = daily.reduce((s, d) => s + d.orders, 0);
    const put = (key: string, content: unknown, position: { x: number; y: number }) =>
      h.server.request('PUT', `${W}/blocks/by-key`, {
        token,
        body: {
          page: pageId,
          key,
          type: 'agent_snippet',
          content,
          writtenByRunId: `n8n-${key}`,
          position,
          size: { width: 560, height: 420 },
        },
      });
    expect(
      (
        await put(
          'revenue',
          {
            title: 'Revenue (last_7_days)',
            status: 'succeeded',
            data: {
              total,
              orders,
              averageOrderValue: Math.round((total / orders) * 100) / 100,
              currency: 'USD',
              daily,
            },
          },
          { x: 40, y: 900 },
        )
      ).status,
    ).toBe(200);
    const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
    const revenue = page.locator('article.block', { hasText: 'Revenue (last_7_days)' });
    await revenue.getByText(usd.format(total)).waitFor();
    expect(await revenue.locator('dd').nth(1).textContent()).toBe(String(orders));
    await revenue.getByRole('img', { name: /Daily revenue from 2026-11-20 to 2026-11-26/ }).waitFor();
    expect(chartRequests).toHaveLength(1);
    await revenue.getByText('Written by run #n8n-reve').waitFor();

    const hashtags = Array.from({ length: 3 }, (_, i) => ({
      name: `#gift${Math.floor(next() * 1000)}x${i}`,
      videoViews: Math.floor(next() * 1e6),
    }));
    const sounds = [{ title: `Jingle ${Math.floor(next() * 100)}`, artist: 'Studio Band' }];
    await put(
      'tiktok-trends',
      {
        title: 'Trends for holiday gift ideas, fashion (US)',
        data: { hashtags, sounds, brief: 'Pair **gift** hashtags with upbeat sounds.' },
      },
      { x: 640, y: 900 },
    );
    const trends = page.locator('article.block', { hasText: 'Trends for holiday gift ideas' });
    for (const tag of hashtags) await trends.getByRole('listitem').filter({ hasText: tag.name }).waitFor();
    await trends.getByText(sounds[0]!.title).waitFor();
    await trends.locator('strong').getByText('gift', { exact: true }).waitFor();

    const creators = Array.from({ length: 4 }, (_, i) => ({
      handle: `@creator.${i}.${Math.floor(next() * 1e4)}`,
      followers: Math.floor(next() * 1e5),
      engagementRate: Math.round(next() * 1000) / 10000,
    }));
    await put('ugc-shortlist', { title: '4 fashion creators', data: creators }, { x: 40, y: 1340 });
    const table = page.locator('article.block', { hasText: '4 fashion creators' }).getByRole('table');
    await table.waitFor();
    expect(await table.getByRole('columnheader').allTextContents()).toEqual(['Handle', 'Followers', 'Engagement rate']);
    for (const c of creators)
      await table.getByRole('row', { name: new RegExp(c.handle.replace(/\./g, '\\.')) }).waitFor();
    expect(await table.getByRole('row').nth(1).getByRole('cell').nth(2).textContent()).toBe(
      `${(creators[0]!.engagementRate * 100).toFixed(1)}%`,
    );

    const failed = await put(
      'failed',
      {
        title: 'Inventory Guardian',
        status: 'failed',
        markdown: 'Shopify answered 401: the token was revoked',
        data: { error: { message: 'Shopify answered 401: the token was revoked', step: 'stock', line: 24, col: 9 } },
      },
      { x: 640, y: 1340 },
    );
    expect(failed.status).toBe(200);
    await page
      .locator('article.block', { hasText: 'Inventory Guardian' })
      .getByRole('alert')
      .filter({ hasText: 'step stock, line 24:9' })
      .waitFor();
    await h.step(page, 'agent outputs');

    // Run the agent from its snippet against the sandbox store: the snippet shows the run's figures and links it.
    const patched = await h.server.request('PATCH', `${W}/agents/${agents[0].id}`, {
      token: ana.token,
      body: { baseRevision: 4, bindings: { store: { sandbox: true } } },
    });
    expect(patched.status).toBe(200);
    const snippet = page.locator('article.block-agent_snippet').first();
    await snippet.getByRole('button', { name: 'Run Revenue Tracker Lite' }).click();
    await snippet.locator('.status-succeeded').waitFor({ timeout: 90_000 });
    const runs = (await h.server.request('GET', `${W}/runs?agentId=${agents[0].id}`, { token: ana.token })).body.runs;
    expect(runs.map((r: { status: string }) => r.status)).toEqual(['succeeded']);
    const output = runs[0].output as { total: number; currency: string; orders: number };
    const figure = new Intl.NumberFormat('en-US', { style: 'currency', currency: output.currency }).format(
      output.total,
    );
    await snippet.getByText(figure).first().waitFor();
    await snippet.getByRole('link', { name: `#${runs[0].id.slice(0, 8)}` }).waitFor();
    await h.step(page, 'agent run on the page');

    // Screens whose API has not landed say so (no made-up catalog or runs).
    await page.getByRole('link', { name: 'Marketplace' }).click();
    await page.getByRole('heading', { level: 1, name: 'Marketplace' }).waitFor();
    const hasMarketplace = h.server.server.routes.some((r) => /marketplace/.test(r.path));
    if (!hasMarketplace)
      await page.getByRole('heading', { name: 'The Marketplace is not available on this server yet' }).waitFor();
    await h.step(page, 'marketplace');
    await page.getByRole('link', { name: 'Runs' }).click();
    await page.getByRole('heading', { level: 1, name: 'Runs' }).waitFor();
    const runRow = page.getByRole('row', { name: new RegExp(runs[0].id.slice(0, 8)) });
    await runRow.getByText('succeeded').waitFor();
    await h.step(page, 'runs');
    // The workspace's budgets per run (Ana owns it): set, read back through the API, one cleared again.
    await page.getByText('This workspace: no token budget and no USD budget per run.').waitFor();
    await page.getByRole('button', { name: 'Change budgets' }).click();
    await page.getByLabel('Workspace token budget per run').fill('20000');
    await page.getByLabel('Workspace USD budget per run').fill('0.5');
    await page.getByRole('button', { name: 'Save budgets' }).click();
    await page.getByText('This workspace: at most 20,000 tokens and at most $0.5 per run.').waitFor();
    expect((await h.server.request('GET', `${W}/agent-settings`, { token: ana.token })).body).toEqual({
      runTokenBudget: 20000,
      runUsdBudget: 0.5,
    });
    await page.getByRole('button', { name: 'Change budgets' }).click();
    await page.getByLabel('Workspace USD budget per run').fill('');
    await page.getByRole('button', { name: 'Save budgets' }).click();
    await page.getByText('This workspace: at most 20,000 tokens and no USD budget per run.').waitFor();
    expect((await h.server.request('GET', `${W}/agent-settings`, { token: ana.token })).body).toEqual({
      runTokenBudget: 20000,
      runUsdBudget: null,
    });
    await runRow.getByRole('link', { name: runs[0].id.slice(0, 8) }).click();
    await page.getByRole('heading', { level: 1, name: /^Run / }).waitFor();
    // The run page lists the steps the server logged.
    const stepRows = page.getByRole('table').getByRole('row');
    await stepRows.nth(1).waitFor();
    expect(await stepRows.count()).toBe(runs[0].steps.length + 1);
    await h.step(page, 'run page');

    // The command palette runs an agent and opens the new run's page.
    await page.keyboard.press('Control+k');
    await page.getByLabel('Search or run a command').fill('Revenue');
    const firstRunPage = page.url();
    await page.getByRole('option', { name: 'Run agent: Revenue Tracker Lite' }).click();
    // The page shown before was the first run's: wait for the new run's page, not a heading both pages have.
    await page.waitForURL((url) => url.href !== firstRunPage && /\/runs\/[0-9a-f-]+$/.test(url.pathname));
    await page.getByRole('heading', { level: 1, name: /^Run .* of Revenue Tracker Lite$/ }).waitFor();
    await page.locator('.status-succeeded').first().waitFor({ timeout: 90_000 });
    const allRuns = (await h.server.request('GET', `${W}/runs?agentId=${agents[0].id}`, { token: ana.token })).body
      .runs;
    expect(allRuns).toHaveLength(2);
    expect(page.url()).toContain(`/runs/${allRuns[0].id}`);

    expect(h.problems).toEqual([]);
  });
});
