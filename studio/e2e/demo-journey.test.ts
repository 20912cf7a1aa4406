import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DEMO_EMAIL, DEMO_PASSWORD, DEMO_TEAMMATE_EMAIL } from '../../server/src/domain/demo-seed';
import { signIn, StudioHarness } from './harness';

/**
 * The plan's demo journey on the demo workspace (`ionflux serve --demo`: the example agents installed and bound to
 * the sandbox store and creator): the campaign page, a chat between two members, /run_agent Slack Brief Butler in
 * the thread and its brief copied to the canvas, Revenue Tracker Lite, TikTok Stylist and UGC Matchmaker put on the
 * page and run, and a reload that finds everything in place. Values are checked against the runs the server stored.
 */
jest.setTimeout(300_000);

let h: StudioHarness;
beforeAll(async () => {
  h = await StudioHarness.start('demo-journey', { demo: true });
});
afterAll(async () => {
  await h?.close();
});

describe('studio: the demo journey', () => {
  it('walks the campaign-planning journey in the browser', async () => {
    const ana = await (await h.newContext('demo')).newPage();
    const sam = await (await h.newContext('teammate')).newPage();
    await signIn(ana, h.url, { email: DEMO_EMAIL, password: DEMO_PASSWORD });
    await signIn(sam, h.url, { email: DEMO_TEAMMATE_EMAIL, password: DEMO_PASSWORD });
    const nav = ana.getByRole('navigation', { name: 'Workspace navigation' });
    await nav.getByRole('link', { name: /Q4 Holiday Campaign Plan/ }).click();
    await ana.getByRole('heading', { level: 1, name: /Q4 Holiday Campaign Plan/ }).waitFor();
    const pageId = ana.url().split('/pages/')[1]!;
    await ana.locator('article.block', { hasText: 'Goal' }).first().waitFor();
    await h.step(ana, 'campaign page');

    // Chat in the dock with the teammate, in a thread.
    const general = ana.getByLabel('Message #general');
    await general.fill('Holiday campaign: what should we push?');
    await general.press('Enter');
    await sam
      .getByRole('link', { name: /# general/ })
      .first()
      .click();
    await sam.getByText('Holiday campaign: what should we push?').waitFor();
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
    await h.step(ana, 'thread');

    // /run_agent with autocomplete, in the thread: the brief arrives as an agent card; copy it to the canvas.
    const reply = ana.getByLabel('Reply in thread', { exact: true });
    await reply.fill('/run_a');
    await ana.getByRole('option', { name: /\/run_agent/ }).waitFor();
    await reply.press('Enter');
    await reply.pressSequentially('Slack Brief');
    await ana.getByRole('option', { name: 'Slack Brief Butler agent' }).waitFor();
    await reply.press('Enter');
    expect(await reply.inputValue()).toBe('/run_agent Slack Brief Butler ');
    await reply.pressSequentially('summarize_thread');
    await reply.press('Escape');
    await reply.press('Enter');
    const card = thread.locator('.message.agent').last();
    await card.waitFor({ timeout: 120_000 });
    await h.step(ana, 'brief in the thread');
    const before = (
      await h.server.request('GET', `/api/workspaces/${await workspaceOf(ana)}/pages/${pageId}`, {
        token: await tokenOf(ana),
      })
    ).body.blocks.length;
    await card.getByRole('button', { name: 'Copy to canvas' }).click();
    await ana.getByText('Copied to the page.').waitFor();
    await ana.getByRole('button', { name: 'Close thread' }).click();
    const after = (
      await h.server.request('GET', `/api/workspaces/${await workspaceOf(ana)}/pages/${pageId}`, {
        token: await tokenOf(ana),
      })
    ).body.blocks;
    expect(after.length).toBe(before + 1);

    // Agents onto the page, run from their snippets.
    for (const name of ['Revenue Tracker Lite', 'TikTok Stylist', 'UGC Matchmaker']) {
      await ana.getByLabel('Agent to add').selectOption({ label: name });
      await ana.getByRole('button', { name: 'Add agent' }).click();
      const snippet = ana.locator('article.block-agent_snippet', { has: ana.getByRole('heading', { name }) }).last();
      await snippet.waitFor();
      await snippet.getByRole('button', { name: `Run ${name}` }).click();
      await snippet.locator('.status-succeeded').waitFor({ timeout: 120_000 });
    }
    const revenue = ana
      .locator('article.block-agent_snippet', { has: ana.getByRole('heading', { name: 'Revenue Tracker Lite' }) })
      .last();
    await revenue.getByRole('img', { name: /Daily revenue/ }).waitFor();
    const stylist = ana
      .locator('article.block-agent_snippet', { has: ana.getByRole('heading', { name: 'TikTok Stylist' }) })
      .last();
    await stylist.getByRole('heading', { name: 'Hashtags' }).waitFor();
    const ugc = ana
      .locator('article.block-agent_snippet', { has: ana.getByRole('heading', { name: 'UGC Matchmaker' }) })
      .last();
    await ugc.getByRole('table').waitFor();
    await h.step(ana, 'agents on the page');

    // Reload: the brief, the snippets and their outputs are still there.
    await ana.reload();
    await ana.locator('article.block-agent_snippet').nth(2).waitFor();
    await revenue.getByRole('img', { name: /Daily revenue/ }).waitFor();
    await ugc.getByRole('table').waitFor();
    await h.step(ana, 'after reload');
    expect(h.problems).toEqual([]);
  });
});

async function workspaceOf(page: import('playwright-core').Page): Promise<string> {
  return page.url().split('/workspaces/')[1]!.split('/')[0]!;
}
async function tokenOf(page: import('playwright-core').Page): Promise<string> {
  void page;
  const login = await h.server.request('POST', '/api/auth/login', {
    body: { email: DEMO_EMAIL, password: DEMO_PASSWORD },
  });
  return login.body.accessToken;
}
