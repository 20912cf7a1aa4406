import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { buildAgentPackage, generatePublisherKey, signAgentPackage } from '../../server/src/domain/marketplace/package';
import type { TestUser } from '../../server/src/testing/test-server';
import { signIn, StudioHarness } from './harness';

/**
 * The Marketplace screen against the real catalog (the ten example agents seeded by IONFLUX, plus agents this test
 * publishes as its own workspace's publisher): cards, search and filters checked against the catalog API, the
 * detail with readme and permissions in plain words, installing Revenue Tracker Lite bound to the workspace's store
 * and dragging it onto a page for the last 7 days (figures compared with the run the server stored), an update with
 * its diff and the upgrade, and renting a paid agent (balance, top-up, rental, install).
 */
jest.setTimeout(300_000);

let h: StudioHarness;
let ana: TestUser;
let workspaceId: string;
const key = generatePublisherKey();

function giftWatch(version: string, extended = false): string {
  return `apiVersion: ionflux/v1
kind: Agent
metadata: { name: gift-watch, displayName: Gift Watch, version: ${version}, description: Watches gift products, tags: [gifts, inventory] }
spec:
  inputs:
    limit: { type: integer, default: 10 }
  connections:
    shop: { type: shopify, scopes: [read_products${extended ? ', read_customers' : ''}] }
  trigger: { manual: {} }
  steps:
    - id: products
      uses: shopify.products.list
      with: { limit: "{{ inputs.limit }}" }
${
  extended
    ? `    - id: customers
      uses: shopify.customers.list
      with: {}
`
    : ''
}  output:
    value: "{{ steps.products.output }}"
`;
}
const VIP = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: vip-concierge, displayName: VIP Concierge, version: 1.0.0, description: Lists the store's best customers, tags: [customers] }
spec:
  connections:
    shop: { type: shopify, scopes: [read_customers] }
  trigger: { manual: {} }
  steps:
    - id: customers
      uses: shopify.customers.list
      with: {}
  output:
    value: "{{ steps.customers.output }}"
`;

beforeAll(async () => {
  h = await StudioHarness.start('marketplace', { sandbox: true, seedMarketplace: true });
  ana = await h.server.signup('Ana Owner');
  workspaceId = await h.server.createWorkspace(ana, 'My Marketing Agency');
  const W = `/api/workspaces/${workspaceId}`;
  const brand = await h.server.request('POST', `${W}/brands`, {
    token: ana.token,
    body: { name: 'My Test Store', shopDomain: SANDBOX_CREDENTIALS.shopify.shopDomain },
  });
  expect(brand.status).toBe(201);
  for (const pkg of [
    buildAgentPackage({ yaml: giftWatch('1.0.0'), category: 'operations', readme: '# Gift Watch\n\nWatches gifts.' }),
    buildAgentPackage({
      yaml: VIP,
      category: 'commerce',
      readme: '# VIP Concierge\n\n| Plan | Price |\n| --- | --- |\n| Monthly | 9.00 USD |',
      pricing: { model: 'monthly', priceMinor: 900, currency: 'USD' },
    }),
  ]) {
    const published = await h.server.request('POST', `${W}/marketplace/agents`, {
      token: ana.token,
      body: { ...signAgentPackage(pkg, key.privateKeyPem), publisherName: 'Ana Labs' },
    });
    expect(published.status).toBe(201);
  }
}, 180_000);
afterAll(async () => {
  await h?.close();
});

const catalog = async (query: string) =>
  (await h.server.request('GET', `/api/marketplace/agents?${query}`)).body as {
    agents: Array<{ name: string; displayName: string; installs: number }>;
    total: number;
  };

describe('studio: the Marketplace', () => {
  it('searches, installs Revenue Tracker Lite onto a page, upgrades an agent and rents a paid one', async () => {
    const W = `/api/workspaces/${workspaceId}`;
    const page = await (await h.newContext('ana')).newPage();
    await signIn(page, h.url, ana);
    await page.getByRole('link', { name: 'Marketplace' }).click();
    await page.getByRole('heading', { level: 1, name: 'Marketplace' }).waitFor();

    // The catalog: one card per agent the API lists, each with publisher, version, tags, price and installs.
    const all = await catalog('sort=installs&limit=60');
    expect(all.total).toBe(12);
    const cards = page
      .getByRole('list', { name: 'Marketplace agents' })
      .getByRole('listitem')
      .filter({
        has: page.getByRole('heading'),
      });
    await page.getByText(`${all.total} agents`, { exact: true }).waitFor();
    expect(await cards.count()).toBe(all.total);
    const revenueCard = cards.filter({ has: page.getByRole('link', { name: 'Revenue Tracker Lite' }) });
    await expect(revenueCard.textContent()).resolves.toMatch(/by IONFLUX ✓ verified · v1\.0\.0/);
    await expect(revenueCard.textContent()).resolves.toMatch(/Free/);
    const vipCard = cards.filter({ has: page.getByRole('link', { name: 'VIP Concierge' }) });
    await expect(vipCard.textContent()).resolves.toMatch(/by Ana Labs · v1\.0\.0/);
    await expect(vipCard.textContent()).resolves.toMatch(/\$9\.00 \/ month/);
    await h.step(page, 'catalog');

    // Search and filters: the screen shows what the API finds for the same query.
    await page.getByLabel('Search the Marketplace').fill('revenue');
    const found = await catalog('q=revenue');
    await page
      .getByText(`${found.total === 1 ? '1 agent' : `${found.total} agents`} for “revenue”`, { exact: true })
      .waitFor();
    expect(await cards.count()).toBe(found.total);
    expect(await cards.getByRole('link').allTextContents()).toEqual(found.agents.map((a) => a.displayName));
    await page.getByLabel('Search the Marketplace').fill('');
    await page.getByLabel('Price').selectOption('paid');
    await page.getByText('1 agent', { exact: true }).waitFor();
    expect(await cards.getByRole('link').allTextContents()).toEqual(['VIP Concierge']);
    await page.getByLabel('Price').selectOption('');
    await page.getByLabel('Connects to').selectOption('tiktok');
    const tiktok = await catalog('connection=tiktok&sort=installs');
    await page.getByText(`${tiktok.total} agents`, { exact: true }).waitFor();
    expect((await cards.getByRole('link').allTextContents()).sort()).toEqual(
      tiktok.agents.map((a) => a.displayName).sort(),
    );
    await page.getByLabel('Connects to').selectOption('');
    await page.getByText(`${all.total} agents`, { exact: true }).waitFor();
    await h.step(page, 'filters');

    // Detail: readme and permissions in plain words (as the API states them), then install bound to the store.
    await revenueCard.getByRole('link', { name: 'Revenue Tracker Lite' }).click();
    await page.getByRole('heading', { level: 1, name: /Revenue Tracker Lite/ }).waitFor();
    const detail = (await h.server.request('GET', '/api/marketplace/agents/revenue-tracker-lite')).body.agent;
    expect(await page.getByRole('list', { name: 'Permissions' }).getByRole('listitem').allTextContents()).toEqual(
      detail.permissions,
    );
    expect(detail.permissions.join(' ')).toMatch(/orders/);
    await page.getByRole('heading', { name: 'What it may do' }).first().waitFor();
    await page.getByRole('cell', { name: '"last_7_days"' }).waitFor();
    expect(await page.getByLabel('Connection “store” (Shopify store)').inputValue()).not.toBe('');
    expect(await page.getByLabel('period').inputValue()).toBe('last_7_days');
    await h.step(page, 'agent detail');
    await page.getByRole('button', { name: 'Install Revenue Tracker Lite' }).click();
    await page.getByText('Installed Revenue Tracker Lite').waitFor();
    const brands = (await h.server.request('GET', `${W}/brands`, { token: ana.token })).body.brands;
    const agents = (await h.server.request('GET', `${W}/agents`, { token: ana.token })).body.agents;
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatchObject({ name: 'Revenue Tracker Lite', bindings: { store: { brandId: brands[0].id } } });
    expect((await catalog('q=revenue')).agents.find((a) => a.name === 'revenue-tracker-lite')?.installs).toBe(1);

    // Onto a page by drag and drop, run for the last 7 days: the figures are the run's output.
    await page.getByRole('button', { name: 'New page' }).click();
    await page.getByLabel('New page title').fill('Q4 Holiday Campaign Plan');
    await page.getByLabel('New page title').press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Q4 Holiday Campaign Plan' }).waitFor();
    await page.locator('.agent-chip', { hasText: 'Revenue Tracker Lite' }).dragTo(page.locator('.canvas'), {
      targetPosition: { x: 300, y: 60 },
    });
    const snippet = page.locator('article.block-agent_snippet').first();
    await snippet.waitFor();
    await snippet.getByRole('button', { name: 'Run Revenue Tracker Lite' }).click();
    await snippet.locator('.status-succeeded').waitFor({ timeout: 120_000 });
    const runs = (await h.server.request('GET', `${W}/runs?agentId=${agents[0].id}`, { token: ana.token })).body.runs;
    expect(runs).toHaveLength(1);
    const run = (await h.server.request('GET', `${W}/runs/${runs[0].id}`, { token: ana.token })).body.run;
    expect(run.status).toBe('succeeded');
    expect(run.inputs).toMatchObject({ period: 'last_7_days' });
    const out = run.output as { total: number; orders: number; currency: string; daily: unknown[] };
    expect(out.orders).toBeGreaterThan(0);
    const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: out.currency });
    await snippet.getByText(money.format(out.total), { exact: true }).first().waitFor();
    expect(await snippet.locator('dd').nth(1).textContent()).toBe(new Intl.NumberFormat('en-US').format(out.orders));
    await snippet.getByRole('img', { name: /Daily revenue/ }).waitFor();
    await h.step(page, 'revenue on the page');

    // An update: Gift Watch 1.0.0 installed, 1.1.0 published (a new step and scope); review the diff, upgrade.
    const installed = await h.server.request('POST', `${W}/marketplace/installs`, {
      token: ana.token,
      body: { agent: 'gift-watch', bindings: { shop: { brandId: brands[0].id } } },
    });
    expect(installed.status).toBe(201);
    const v2 = await h.server.request('POST', `${W}/marketplace/agents`, {
      token: ana.token,
      body: signAgentPackage(
        buildAgentPackage({ yaml: giftWatch('1.1.0', true), category: 'operations', readme: '# Gift Watch 1.1' }),
        key.privateKeyPem,
      ),
    });
    expect(v2.status).toBe(201);
    const preview = (
      await h.server.request('POST', `${W}/agents/${installed.body.agent.id}/upgrade`, { token: ana.token, body: {} })
    ).body.diff;
    expect(preview.summary.stepsAdded).toEqual(['customers']);
    // The Agent Shelf says so on the agent's card and links to the review.
    await page.getByRole('link', { name: 'Agent Shelf' }).click();
    const giftCard = page.locator('.agent-card-item', { has: page.getByRole('heading', { name: 'Gift Watch' }) });
    await giftCard.getByText('update available: v1.1.0').waitFor();
    await giftCard.getByRole('link', { name: 'Review the upgrade' }).click();
    await page.getByText('update available: v1.1.0').waitFor();
    await page.getByRole('button', { name: 'Review upgrade of Gift Watch' }).click();
    const review = page.getByRole('region', { name: 'Upgrade of Gift Watch' });
    await review.getByText(`Steps added: ${preview.summary.stepsAdded.join(', ')}`).waitFor();
    for (const line of preview.highlights as string[]) await review.getByText(line).first().waitFor();
    expect(preview.highlights.length).toBeGreaterThan(0);
    await review.locator('.diff-add', { hasText: 'id: customers' }).waitFor();
    await h.step(page, 'upgrade diff');
    await review.getByRole('button', { name: 'Upgrade Gift Watch to v1.1.0' }).click();
    await page.getByText('up to date').nth(1).waitFor();
    const upgraded = (await h.server.request('GET', `${W}/agents/${installed.body.agent.id}`, { token: ana.token }))
      .body.agent;
    expect(upgraded.revision).toBe(2);
    expect(upgraded.yaml).toContain('version: 1.1.0');
    expect(upgraded.bindings).toEqual({ shop: { brandId: brands[0].id } });

    // A paid agent: renting needs funds; add them, rent, then install.
    await page.getByLabel('Search the Marketplace').fill('concierge');
    await page.getByRole('link', { name: 'VIP Concierge' }).click();
    await page.getByRole('heading', { level: 1, name: 'VIP Concierge' }).waitFor();
    await page.getByRole('cell', { name: '9.00 USD' }).waitFor();
    await page.getByText('Workspace balance: $0.00').waitFor();
    h.expectFailure(`${W}/marketplace/rentals`, 402);
    await page.getByRole('button', { name: 'Rent for $9.00 / month' }).click();
    await page
      .getByRole('alert')
      .getByText(/Add funds to the workspace balance/)
      .waitFor();
    await page.getByLabel('Add funds (USD)').fill('20');
    await page.getByRole('button', { name: 'Add funds' }).click();
    await page.getByText('Workspace balance: $20.00').waitFor();
    await page.getByRole('button', { name: 'Rent for $9.00 / month' }).click();
    await page.getByText(/rented, renews on/).waitFor();
    const rentals = (await h.server.request('GET', `${W}/marketplace/rentals`, { token: ana.token })).body.rentals;
    expect(rentals).toHaveLength(1);
    expect(rentals[0]).toMatchObject({ agent: 'vip-concierge', status: 'active', priceMinor: 900 });
    const ledger = (await h.server.request('GET', `${W}/transactions`, { token: ana.token })).body;
    expect(ledger.balances).toEqual([{ currency: 'USD', amountMinor: 2000 - 900 }]);
    await page.getByRole('button', { name: 'Install VIP Concierge' }).click();
    await page.getByText('Installed VIP Concierge').waitFor();
    await h.step(page, 'rented and installed');
    // Cancelled at the end of the period: it stays usable until then and does not renew.
    await page.getByRole('button', { name: 'Cancel the rental at the end of the period' }).click();
    await page.getByText(`rented, ends on ${rentals[0].periodEnd.slice(0, 10)}`).waitFor();
    const cancelled = (await h.server.request('GET', `${W}/marketplace/rentals`, { token: ana.token })).body.rentals;
    expect(cancelled[0]).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    const names = (await h.server.request('GET', `${W}/agents`, { token: ana.token })).body.agents.map(
      (a: { name: string }) => a.name,
    );
    expect(names.sort()).toEqual(['Gift Watch', 'Revenue Tracker Lite', 'VIP Concierge']);
    expect(h.problems).toEqual([]);
  });
});
