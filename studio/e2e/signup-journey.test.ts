import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { REPO_ROOT, StudioHarness } from './harness';

/**
 * The plan's demo journey from a new account, every step in the browser as a person does it: sign up, create
 * "My Marketing Agency", connect "My Test Store" and "My Test Creator" through the OAuth screens, create "Q4 Holiday
 * Campaign Plan" with its goal, invite a second member who signs up and joins, create #sales, install the agents
 * from the Marketplace, chat in a thread and `/run_agent Slack Brief Butler summarize_thread` with the brief copied
 * to the canvas, drag Revenue Tracker Lite onto the page for the last 7 days, run TikTok Stylist and UGC Matchmaker,
 * configure Sales Sentinel (> $100) and see its notification and #sales message after `ionflux simulate shopify-order
 * --total 150`, reload and find everything in place, and assign a task in chat with an @mention. Values are checked
 * against the runs the server stored, the sandbox store's order and the notifications API.
 */
jest.setTimeout(600_000);

const ANA = { name: 'Ana Owner', email: 'ana.owner@example.com', password: 'a long holiday passphrase' };
const SAM = { name: 'Sam Member', email: 'sam.member@example.com', password: 'another long passphrase' };

let h: StudioHarness;
beforeAll(async () => {
  // Ana may drive the sandbox's control endpoints (creating an order) as `ionflux simulate` needs.
  h = await StudioHarness.start('signup-journey', { sandbox: true, seedMarketplace: true, adminEmails: [ANA.email] });
}, 120_000);
afterAll(async () => {
  await h?.close();
});

async function signUp(page: Page, who: typeof ANA) {
  await page.goto(`${h.url}/signup`);
  await page.getByLabel('Your name').fill(who.name);
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Create your first workspace' }).waitFor();
}

/** `ionflux simulate shopify-order` as a person runs it (the built CLI): what it prints. */
function simulateOrder(args: string[]): Promise<string> {
  const cli = path.join(REPO_ROOT, 'cli', 'bin', 'ionflux.js');
  return new Promise((resolve, reject) =>
    execFile(process.execPath, [cli, 'simulate', 'shopify-order', ...args], (error, stdout, stderr) =>
      error ? reject(new Error(`ionflux simulate failed: ${stderr || error.message}`)) : resolve(stdout),
    ),
  );
}

/** Finds the agent in the Marketplace, sets what `setup` sets on its install form, installs it. */
async function installFromMarketplace(
  page: Page,
  search: string,
  displayName: string,
  setup?: (form: Locator) => Promise<void>,
) {
  await page
    .getByRole('navigation', { name: 'Workspace navigation' })
    .getByRole('link', { name: 'Marketplace' })
    .click();
  await page.getByLabel('Search the Marketplace').fill(search);
  await page.getByRole('list', { name: 'Marketplace agents' }).getByRole('link', { name: displayName }).click();
  await page.getByRole('heading', { level: 1, name: displayName }).waitFor();
  await setup?.(page.getByRole('form', { name: `Install ${displayName}` }));
  await page.getByRole('button', { name: `Install ${displayName}` }).click();
  await page.getByText(`Installed ${displayName}`).waitFor();
}

describe('studio: the demo journey from sign-up', () => {
  it('signs up and walks the whole campaign-planning journey', async () => {
    const ana = await (await h.newContext('ana')).newPage();
    const sam = await (await h.newContext('sam')).newPage();
    const nav = ana.getByRole('navigation', { name: 'Workspace navigation' });
    let token: string | undefined;
    const api = async <T = any>(method: string, path: string, body?: unknown): Promise<T> => {
      token ??= (
        await h.server.request('POST', '/api/auth/login', { body: { email: ANA.email, password: ANA.password } })
      ).body.accessToken as string;
      const res = await h.server.request(method, path, { token, ...(body ? { body } : {}) });
      expect(res.status).toBeLessThan(300);
      return res.body as T;
    };

    // Sign up; the first workspace.
    await signUp(ana, ANA);
    await h.step(ana, 'signed up');
    await ana.getByLabel('Workspace name').fill('My Marketing Agency');
    await ana.getByRole('button', { name: 'Create workspace' }).click();
    await ana.getByRole('heading', { level: 1, name: 'My Marketing Agency' }).waitFor();
    const workspaceId = new URL(ana.url()).pathname.split('/')[2]!;
    const W = `/api/workspaces/${workspaceId}`;

    // Connections through the providers' OAuth screens (the sandbox's Shopify and TikTok).
    await nav.getByRole('link', { name: 'Connections' }).click();
    await ana.getByLabel('Brand name').fill('My Test Store');
    await ana.getByRole('button', { name: 'Add store' }).click();
    await ana.getByLabel('Creator name').fill('My Test Creator');
    await ana.getByRole('button', { name: 'Add creator' }).click();
    await ana.getByRole('button', { name: 'Connect My Test Store to Shopify' }).click();
    await ana.getByText('My Test Store is connected to Shopify.').waitFor();
    await ana.getByRole('button', { name: 'Connect My Test Creator to TikTok' }).click();
    await ana.getByText('My Test Creator is connected to TikTok.').waitFor();
    const [brand] = (await api(`GET`, `${W}/brands`)).brands;
    const [creator] = (await api(`GET`, `${W}/creators`)).creators;
    expect([brand.connection.state, creator.connection.state]).toEqual(['connected', 'connected']);
    expect(brand.shopDomain).toBe(SANDBOX_CREDENTIALS.shopify.shopDomain);
    await h.step(ana, 'connected');

    // The campaign page and its goal.
    await ana.getByRole('button', { name: 'New page' }).click();
    await ana.getByLabel('New page title').fill('Q4 Holiday Campaign Plan');
    await ana.getByLabel('New page title').press('Enter');
    await ana.getByRole('heading', { level: 1, name: 'Q4 Holiday Campaign Plan' }).waitFor();
    const pageUrl = ana.url();
    const pageId = pageUrl.split('/pages/')[1]!;
    await ana.getByRole('button', { name: '+ Text' }).click();
    await ana.getByRole('textbox', { name: 'Text', exact: true }).fill('Goal: Drive 20% more sales for Product X.');
    await ana.getByRole('button', { name: 'Save', exact: true }).click();
    await ana.locator('article.block', { hasText: 'Goal: Drive 20% more sales for Product X.' }).waitFor();

    // A second member: invited from Members, signs up and joins with the code.
    await nav.getByRole('link', { name: 'Members', exact: true }).click();
    await ana.getByLabel('Email').fill(SAM.email);
    await ana.getByLabel('Role').selectOption('member');
    await ana.getByRole('button', { name: 'Send invitation' }).click();
    const code = (await ana.locator('code.token').textContent())!.trim();
    await signUp(sam, SAM);
    await sam.getByLabel('Invitation code').fill(code);
    await sam.getByRole('button', { name: 'Join workspace' }).click();
    await sam.getByRole('heading', { level: 1, name: 'My Marketing Agency' }).waitFor();
    await h.step(sam, 'member joined');

    // #sales for the alerts, from the sidebar's new-channel form.
    await ana.getByRole('button', { name: 'New channel' }).click();
    await ana.getByLabel('Channel name').fill('sales');
    await ana.getByLabel('Topic (optional)').fill('Orders and alerts');
    await ana.getByRole('button', { name: 'Create channel' }).click();
    await ana.getByRole('heading', { name: '# sales' }).waitFor();

    // Agents from the Marketplace; Sales Sentinel alerts above $100 in #sales.
    await installFromMarketplace(ana, 'brief', 'Slack Brief Butler');
    await installFromMarketplace(ana, 'revenue', 'Revenue Tracker Lite', async (form) => {
      expect(await form.getByLabel('period').inputValue()).toBe('last_7_days');
    });
    await installFromMarketplace(ana, 'sentinel', 'Shopify Sales Sentinel', async (form) => {
      await form.getByLabel('threshold').fill('100');
      await form.getByLabel('channel').fill('sales');
    });
    await installFromMarketplace(ana, 'stylist', 'TikTok Stylist', async (form) => {
      await form.getByLabel('keywords').fill('holiday gift ideas, fashion');
    });
    await installFromMarketplace(ana, 'ugc', 'UGC Matchmaker', async (form) => {
      await form.getByLabel('niche').fill('fashion');
    });
    const agents = (await api('GET', `${W}/agents`)).agents as Array<{
      id: string;
      name: string;
      inputs: Record<string, unknown>;
      bindings: Record<string, unknown>;
    }>;
    const agent = (name: string) => agents.find((a) => a.name === name)!;
    expect(agents.map((a) => a.name).sort()).toEqual([
      'Revenue Tracker Lite',
      'Shopify Sales Sentinel',
      'Slack Brief Butler',
      'TikTok Stylist',
      'UGC Matchmaker',
    ]);
    expect(agent('Shopify Sales Sentinel')).toMatchObject({
      inputs: { threshold: 100, channel: 'sales' },
      bindings: { store: { brandId: brand.id } },
    });
    expect(agent('TikTok Stylist').bindings).toEqual({ creator: { creatorId: creator.id } });
    await h.step(ana, 'agents installed');

    // Chat on the page with Sam, in a thread; the brief of the thread is copied to the canvas.
    await ana.goto(pageUrl);
    await ana.getByRole('heading', { level: 1, name: 'Q4 Holiday Campaign Plan' }).waitFor();
    const general = ana.getByLabel('Message #general');
    await general.fill('Holiday campaign: what should we push?');
    await general.press('Enter');
    await sam
      .getByRole('link', { name: /# general/ })
      .first()
      .click();
    // Joining the workspace put Sam in #general: he reads and writes there without a "Join" step.
    await sam.getByText('Holiday campaign: what should we push?').waitFor();
    await sam.getByLabel('Message #general').waitFor();
    expect(await sam.getByRole('button', { name: 'Join #general' }).count()).toBe(0);
    await sam
      .getByRole('button', { name: /Reply in thread to/ })
      .last()
      .click();
    const samThread = sam.getByLabel('Reply in thread', { exact: true });
    await samThread.fill(
      'Gift bundles under $50; decision: launch on Black Friday. Action: Sam drafts the creator brief.',
    );
    await samThread.press('Enter');
    await ana
      .getByRole('button', { name: /^(1 reply|Reply in thread to)/ })
      .last()
      .click();
    const thread = ana.getByRole('region', { name: 'Thread' });
    await thread.getByText('Gift bundles under $50').waitFor();
    const reply = ana.getByLabel('Reply in thread', { exact: true });
    await reply.fill('/run_agent Slack Brief Butler summarize_thread');
    await reply.press('Escape');
    await reply.press('Enter');
    const card = thread.locator('.message.agent').last();
    await card.waitFor({ timeout: 120_000 });
    await h.step(ana, 'brief in the thread');
    await card.getByRole('button', { name: 'Copy to canvas' }).click();
    await ana.getByText('Copied to the page.').waitFor();
    await ana.getByRole('button', { name: 'Close thread' }).click();
    const briefRun = (await api('GET', `${W}/runs?agentId=${agent('Slack Brief Butler').id}`)).runs[0];
    expect(briefRun.status).toBe('succeeded');
    const blocksAfterCopy = (await api('GET', `${W}/pages/${pageId}`)).blocks as Array<{ type: string }>;
    expect(blocksAfterCopy.map((b) => b.type)).toEqual(['text', 'text']);

    // Revenue Tracker Lite dragged onto the page, for the last 7 days: its figures are the run's.
    await ana.locator('.agent-chip', { hasText: 'Revenue Tracker Lite' }).dragTo(ana.locator('.canvas'), {
      targetPosition: { x: 40, y: 420 },
    });
    const snippet = (name: string) =>
      ana.locator('article.block-agent_snippet', { has: ana.getByRole('heading', { name }) }).last();
    await snippet('Revenue Tracker Lite').waitFor();
    await snippet('Revenue Tracker Lite').getByRole('button', { name: 'Run Revenue Tracker Lite' }).click();
    await snippet('Revenue Tracker Lite').locator('.status-succeeded').waitFor({ timeout: 120_000 });
    const revenueRun = (await api('GET', `${W}/runs?agentId=${agent('Revenue Tracker Lite').id}`)).runs[0];
    expect(revenueRun.inputs).toMatchObject({ period: 'last_7_days' });
    const out = revenueRun.output as { total: number; orders: number; currency: string };
    const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: out.currency });
    await snippet('Revenue Tracker Lite').getByText(money.format(out.total), { exact: true }).first().waitFor();
    expect(await snippet('Revenue Tracker Lite').locator('dd').nth(1).textContent()).toBe(
      new Intl.NumberFormat('en-US').format(out.orders),
    );
    await snippet('Revenue Tracker Lite')
      .getByRole('img', { name: /Daily revenue/ })
      .waitFor();

    // TikTok Stylist and UGC Matchmaker, added from the page's agent list and run.
    for (const name of ['TikTok Stylist', 'UGC Matchmaker']) {
      await ana.getByLabel('Agent to add').selectOption({ label: name });
      await ana.getByRole('button', { name: 'Add agent' }).click();
      await snippet(name).waitFor();
      await snippet(name)
        .getByRole('button', { name: `Run ${name}` })
        .click();
      await snippet(name).locator('.status-succeeded').waitFor({ timeout: 120_000 });
    }
    const stylistRun = (await api('GET', `${W}/runs?agentId=${agent('TikTok Stylist').id}`)).runs[0];
    const hashtags = (stylistRun.output as { hashtags: Array<{ name: string }> }).hashtags;
    expect(hashtags.length).toBeGreaterThan(0);
    await snippet('TikTok Stylist').getByRole('heading', { name: 'Hashtags' }).waitFor();
    await snippet('TikTok Stylist').getByText(hashtags[0]!.name).first().waitFor();
    await snippet('UGC Matchmaker').getByRole('table').waitFor();
    await h.step(ana, 'agents on the page');

    // A $150 order in the sandbox store (`ionflux simulate shopify-order --total 150`): Sales Sentinel notifies
    // and posts in #sales.
    const printed = await simulateOrder([
      '--server',
      h.url,
      '--store',
      SANDBOX_CREDENTIALS.shopify.shopDomain,
      '--total',
      '150',
      '--email',
      ANA.email,
      '--password',
      ANA.password,
    ]);
    const order = /Order (#\d+) \((\d+)\) for 150\.00 USD/.exec(printed)!;
    expect(order).not.toBeNull();
    const title = `High-value order ${order[1]}: $150.00`;
    const bell = ana.getByRole('button', { name: /^Notifications \d+ unread$/ });
    await bell.waitFor({ timeout: 120_000 });
    await bell.click();
    await ana.getByRole('region', { name: 'Notifications' }).getByText(title).waitFor({ timeout: 60_000 });
    const notes = (await api('GET', '/api/notifications')).notifications as Array<{ title: string }>;
    expect(notes.map((n) => n.title)).toContain(title);
    await h.step(ana, 'order notification');
    await ana.keyboard.press('Escape');
    await nav.getByRole('link', { name: /# sales/ }).click();
    await ana.getByText(`Order ${order[1]} for $150.00`).waitFor();
    await h.step(ana, 'sales alert in chat');

    // Reload the page: the goal, the brief, the snippets and their outputs are still there.
    await nav.getByRole('link', { name: 'Q4 Holiday Campaign Plan' }).click();
    await ana.getByRole('heading', { level: 1, name: 'Q4 Holiday Campaign Plan' }).waitFor();
    await ana.reload();
    await ana.locator('article.block', { hasText: 'Goal: Drive 20% more sales' }).waitFor();
    await snippet('Revenue Tracker Lite')
      .getByRole('img', { name: /Daily revenue/ })
      .waitFor();
    await snippet('TikTok Stylist').getByRole('heading', { name: 'Hashtags' }).waitFor();
    await snippet('UGC Matchmaker').getByRole('table').waitFor();
    const blocks = (await api('GET', `${W}/pages/${pageId}`)).blocks as Array<{ type: string }>;
    expect(blocks.map((b) => b.type).sort()).toEqual([
      'agent_snippet',
      'agent_snippet',
      'agent_snippet',
      'text',
      'text',
    ]);
    await h.step(ana, 'after reload');

    // Assign a task in chat: an @mention (autocompleted) notifies Sam, who opens the message from the bell.
    const composer = ana.getByLabel('Message #general');
    await composer.fill('@Sam');
    await ana.getByRole('option', { name: /@Sam Member/ }).waitFor();
    await composer.press('Enter');
    await composer.pressSequentially('please contact the top 3 UGC creators by Friday');
    await composer.press('Enter');
    // Sam has two: Sales Sentinel's order alert (it notifies every member) and the mention.
    await sam.getByRole('button', { name: 'Notifications 2 unread' }).click();
    await sam.getByRole('region', { name: 'Notifications' }).getByText(title).waitFor();
    await sam
      .getByRole('region', { name: 'Notifications' })
      .getByRole('button', { name: /^Unread: Ana Owner mentioned you/ })
      .click();
    await sam.getByText('@Sam Member please contact the top 3 UGC creators by Friday').waitFor();
    await h.step(sam, 'task assigned');
    expect(h.problems).toEqual([]);
  });
});
