import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { TestUser } from '../../server/src/testing/test-server';
import { signIn, StudioHarness } from './harness';

/**
 * Two people in one workspace, each in their own browser profile: a canvas page built with the toolbar, edits
 * that appear live, a version conflict shown and merged (no text lost), blocks moved by keyboard and resized by
 * mouse, chat with typing, mentions that notify, unread counts, a thread, reconnects that lose and duplicate
 * nothing, and the command palette. Positions and texts are checked against the server's API.
 */
jest.setTimeout(240_000);

let h: StudioHarness;
let ana: TestUser;
let ben: TestUser;
let workspaceId: string;
let salesId: string;
beforeAll(async () => {
  h = await StudioHarness.start('collaboration');
  ana = await h.server.signup('Ana Owner');
  ben = await h.server.signup('Ben Member');
  workspaceId = await h.server.createWorkspace(ana, 'My Marketing Agency');
  await h.server.addMember({ owner: ana, user: ben, workspaceId, role: 'member' });
  const sales = await h.server.request('POST', `/api/workspaces/${workspaceId}/channels`, {
    token: ana.token,
    body: { name: 'sales', memberIds: [ben.id] },
  });
  expect(sales.status).toBe(201);
  salesId = sales.body.channel.id;
});
afterAll(async () => {
  await h?.close();
});

async function pageBlocks(pageId: string) {
  const res = await h.server.request('GET', `/api/workspaces/${workspaceId}/pages/${pageId}`, { token: ana.token });
  expect(res.status).toBe(200);
  return res.body.blocks as Array<{
    id: string;
    type: string;
    content: { text?: string };
    position: { x: number; y: number };
    size: { width: number; height: number };
  }>;
}

const block = (page: Page, text: string) => page.locator('article.block', { hasText: text });

describe('studio: two people on one canvas and in chat', () => {
  it('edits live, resolves conflicts without losing text, moves and resizes blocks, chats and notifies', async () => {
    const anaPage = await (await h.newContext('ana')).newPage();
    const benPage = await (await h.newContext('ben')).newPage();
    await signIn(anaPage, h.url, ana);
    await signIn(benPage, h.url, ben);

    // Ana creates the page from the sidebar and writes the goal, with bold text from the formatting bar.
    await anaPage.getByRole('button', { name: 'New page' }).click();
    await anaPage.getByLabel('New page title').fill('Q4 Holiday Campaign Plan');
    await anaPage.getByLabel('New page title').press('Enter');
    await anaPage.getByRole('heading', { level: 1, name: 'Q4 Holiday Campaign Plan' }).waitFor();
    const pageId = anaPage.url().split('/pages/')[1]!;
    await anaPage.getByRole('button', { name: '+ Text' }).click();
    const editor = anaPage.getByRole('textbox', { name: 'Text', exact: true });
    await editor.fill('Goal: Drive 20% more sales for Product X.');
    // Select "Product X" and press Bold: the selection is wrapped in **.
    await editor.evaluate((area: HTMLTextAreaElement) => area.setSelectionRange(31, 40));
    await anaPage.getByRole('button', { name: 'Bold' }).click();
    expect(await editor.inputValue()).toBe('Goal: Drive 20% more sales for **Product X**.');
    await anaPage.getByRole('button', { name: 'Save', exact: true }).click();
    await block(anaPage, 'Goal: Drive 20% more sales').locator('strong', { hasText: 'Product X' }).waitFor();
    let blocks = await pageBlocks(pageId);
    expect(blocks.map((b) => b.content.text)).toEqual(['Goal: Drive 20% more sales for **Product X**.']);
    await h.step(anaPage, 'canvas with goal');

    // Ben opens the page from his sidebar (it arrived live) and sees the block.
    await benPage
      .getByRole('navigation', { name: 'Workspace navigation' })
      .getByRole('link', { name: 'Q4 Holiday Campaign Plan' })
      .click();
    await block(benPage, 'Goal: Drive 20% more sales').waitFor();

    // Ben's edit appears on Ana's screen without a reload.
    await block(benPage, 'Goal').getByRole('button', { name: 'Edit text' }).click();
    await benPage
      .getByRole('textbox', { name: 'Text', exact: true })
      .fill('Goal: Drive 25% more sales for **Product X**.');
    await benPage.getByRole('textbox', { name: 'Text', exact: true }).press('Control+Enter');
    await block(anaPage, 'Drive 25% more sales').waitFor();

    // Conflict: Ana starts editing, Ben saves first, Ana saves: both versions are shown, "Merge both" keeps both.
    await block(anaPage, 'Goal').getByRole('button', { name: 'Edit text' }).click();
    await anaPage
      .getByRole('textbox', { name: 'Text', exact: true })
      .fill('Goal: Drive 25% more sales for **Product X** by Dec 20.');
    await block(benPage, 'Goal').getByRole('button', { name: 'Edit text' }).click();
    await benPage
      .getByRole('textbox', { name: 'Text', exact: true })
      .fill('Goal: Drive 30% more sales for **Product X**.');
    await benPage.getByRole('textbox', { name: 'Text', exact: true }).press('Control+Enter');
    // Ana's block label follows Ben's save while her editor keeps her draft.
    await block(anaPage, 'Drive 30% more sales').waitFor();
    h.expectFailure(`/api/workspaces/${workspaceId}/pages/${pageId}/blocks/${blocks[0]!.id}`, 409);
    await anaPage.getByRole('textbox', { name: 'Text', exact: true }).press('Control+Enter');
    const conflict = anaPage.getByRole('alertdialog', { name: /changed this block/ });
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain('Drive 30% more sales');
    expect(await conflict.textContent()).toContain('by Dec 20');
    await h.step(anaPage, 'conflict prompt');
    await conflict.getByRole('button', { name: 'Merge both' }).click();
    await conflict.waitFor({ state: 'detached' });
    blocks = await pageBlocks(pageId);
    expect(blocks[0]!.content.text).toBe(
      'Goal: Drive 30% more sales for **Product X**.\n\nGoal: Drive 25% more sales for **Product X** by Dec 20.',
    );
    await block(benPage, 'by Dec 20').waitFor();

    // Move by keyboard (3 x 10 px right, 1 x 50 px down) and resize by mouse (+100 x +40).
    const before = blocks[0]!;
    const handle = anaPage.getByRole('button', { name: /^Move Text: Goal/ });
    const moved = anaPage.waitForResponse(
      (r) => r.request().method() === 'PATCH' && r.url().includes('/blocks/') && r.ok(),
    );
    await handle.focus();
    await handle.press('ArrowRight');
    await handle.press('ArrowRight');
    await handle.press('ArrowRight');
    await handle.press('Shift+ArrowDown');
    await moved;
    const resize = anaPage.getByRole('button', { name: /^Resize Text: Goal/ });
    const box = (await resize.boundingBox())!;
    await anaPage.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await anaPage.mouse.down();
    await anaPage.mouse.move(box.x + box.width / 2 + 50, box.y + box.height / 2 + 20, { steps: 4 });
    await anaPage.mouse.move(box.x + box.width / 2 + 100, box.y + box.height / 2 + 40, { steps: 4 });
    const resized = anaPage.waitForResponse(
      (r) => r.request().method() === 'PATCH' && r.url().includes('/blocks/') && r.ok(),
    );
    await anaPage.mouse.up();
    await resized;
    blocks = await pageBlocks(pageId);
    expect(blocks[0]!.position).toEqual({ x: before.position.x + 30, y: before.position.y + 50 });
    expect(blocks[0]!.size).toEqual({ width: before.size.width + 100, height: before.size.height + 40 });
    // Ben's canvas follows.
    await benPage.waitForFunction(
      ([id, x]) => (document.querySelector(`[data-block-id="${id}"]`) as HTMLElement | null)?.style.left === `${x}px`,
      [before.id, before.position.x + 30] as const,
    );

    // A heading and a checklist from the toolbar.
    await anaPage.getByRole('button', { name: '+ Checklist' }).click();
    await anaPage.getByLabel('New item').fill('Book the holiday shoot');
    await anaPage.getByLabel('New item').press('Enter');
    await anaPage.getByRole('checkbox', { name: 'Book the holiday shoot' }).check();
    await block(benPage, 'Book the holiday shoot').waitFor();
    await benPage.getByRole('checkbox', { name: 'Book the holiday shoot' }).waitFor();
    await benPage.waitForFunction(() =>
      [...document.querySelectorAll<HTMLInputElement>('input[type=checkbox]')].some(
        (c) => c.checked && c.closest('label')?.textContent?.includes('Book the holiday shoot'),
      ),
    );
    await h.step(benPage, 'canvas as seen by the member');

    // Chat in the dock: Ben is in #general since he joined the workspace (no "Join" step); Ana writes, Ben sees it;
    // Ben's typing shows on Ana's screen.
    await benPage.getByLabel('Message #general').waitFor();
    expect(await benPage.getByRole('button', { name: 'Join #general' }).count()).toBe(0);
    await anaPage.getByLabel('Message #general').fill('Ideas for the holiday campaign?');
    await anaPage.getByLabel('Message #general').press('Enter');
    await benPage.getByText('Ideas for the holiday campaign?').waitFor();
    await benPage.getByLabel('Message #general').pressSequentially('Gift bund');
    await anaPage.getByText('Ben Member is typing…').waitFor();
    // @mention through the autocomplete: Ana is notified.
    await benPage.getByLabel('Message #general').fill('Gift bundles under $50, @An');
    await benPage.getByRole('option', { name: /@Ana Owner/ }).waitFor();
    await benPage.getByLabel('Message #general').press('Enter');
    await benPage.getByLabel('Message #general').pressSequentially('can you draft the brief?');
    await benPage.getByLabel('Message #general').press('Enter');
    await anaPage.getByText('Gift bundles under $50, @Ana Owner can you draft the brief?').waitFor();
    await anaPage.getByRole('button', { name: 'Notifications 1 unread' }).waitFor();
    await h.step(anaPage, 'chat dock and mention');

    // Unread counts: Ben posts in #sales; Ana's sidebar counts it until she opens the channel.
    await h.server.request('POST', `/api/workspaces/${workspaceId}/channels/${salesId}/messages`, {
      token: ben.token,
      body: { text: 'First holiday order is in' },
    });
    const nav = anaPage.getByRole('navigation', { name: 'Workspace navigation' });
    await nav.getByRole('link', { name: '# sales 1 unread' }).waitFor();
    await h.step(anaPage, 'unread count');
    await nav.getByRole('link', { name: '# sales 1 unread' }).click();
    await anaPage.getByText('First holiday order is in').waitFor();
    await nav.getByRole('link', { name: '# sales', exact: true }).waitFor();

    // A thread: Ana replies to Ben's message in #sales; Ben sees the reply count.
    await anaPage.getByRole('button', { name: 'Reply in thread to Ben Member' }).click();
    await anaPage.getByLabel('Reply in thread', { exact: true }).fill('Great, add it to the plan');
    await anaPage.getByLabel('Reply in thread', { exact: true }).press('Enter');
    await anaPage.getByRole('region', { name: 'Thread' }).getByText('Great, add it to the plan').waitFor();
    await anaPage.getByRole('button', { name: 'Close thread' }).click();

    // The notification takes Ana to the message.
    await anaPage.getByRole('button', { name: 'Notifications 1 unread' }).click();
    await anaPage
      .getByRole('region', { name: 'Notifications' })
      .getByRole('button', { name: /^Unread: Ben Member mentioned you/ })
      .click();
    await anaPage.getByRole('heading', { name: '# general' }).waitFor();
    await anaPage.getByRole('button', { name: 'Notifications', exact: true }).waitFor();

    // Reconnect: every socket is cut, Ben posts three messages meanwhile; each shows once, in order.
    for (const socket of h.server.server.io.sockets.sockets.values()) socket.conn.close();
    for (const n of [1, 2, 3])
      await h.server.request('POST', `/api/workspaces/${workspaceId}/messages`, {
        token: ben.token,
        body: { channel: 'general', text: `Offline check ${n}` },
      });
    await anaPage.getByText('Offline check 3').waitFor();
    const texts = await anaPage.locator('.messages .message').allTextContents();
    const checks = texts.filter((t) => t.includes('Offline check'));
    expect(checks.map((t) => /Offline check (\d)/.exec(t)![1])).toEqual(['1', '2', '3']);

    // Command palette: search finds the page by a word of its block; Enter opens it.
    await anaPage.keyboard.press('Control+k');
    const palette = anaPage.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor();
    // "Product X" is in no page title: the hit comes from the server's full-text search of blocks.
    await anaPage.getByLabel('Search or run a command').fill('Product X');
    const hit = palette.getByRole('option', { name: /block: .*Product X/ });
    await hit.first().waitFor();
    await h.step(anaPage, 'command palette');
    await hit.first().click();
    await anaPage.getByRole('heading', { level: 1, name: 'Q4 Holiday Campaign Plan' }).waitFor();

    // Reload: everything is where it was.
    await anaPage.reload();
    await block(anaPage, 'by Dec 20').waitFor();
    await block(anaPage, 'Book the holiday shoot').waitFor();

    expect(h.problems).toEqual([]);
  });
});
