import { findChannelByName, insertChannel, addChannelMember, listMessages } from '../data-access/chat-repository';
import { findBlockByKey, findPagesByTitle } from '../data-access/canvas-repository';
import { findUserByEmail, toUser } from '../data-access/users-repository';
import { listWorkspacesOfUser } from '../data-access/workspaces-repository';
import type { WorkspaceAccess } from './context';
import type { UseCases } from './use-cases';

export const DEMO_EMAIL = 'demo@ionflux.local';
export const DEMO_PASSWORD = 'ionflux-demo';
export const DEMO_WORKSPACE = 'My Marketing Agency';
export const DEMO_PAGE = 'Q4 Holiday Campaign Plan';

/**
 * Seeds what a stranger needs to see the product working: the demo account, its workspace, the campaign page with a
 * text block, and #general and #sales with a welcome message. Safe to run on every start: it only adds what is missing.
 */
export async function seedDemo(useCases: UseCases): Promise<{ email: string; password: string; workspaceId: string; pageId: string }> {
  const { ctx } = useCases;
  let userRow = await findUserByEmail(ctx.db, DEMO_EMAIL);
  if (!userRow) {
    await useCases.accounts.signup({ email: DEMO_EMAIL, password: DEMO_PASSWORD, displayName: 'Demo User' });
    userRow = (await findUserByEmail(ctx.db, DEMO_EMAIL))!;
  }
  const user = toUser(userRow);
  const actor = { kind: 'user' as const, userId: user.id, sessionId: 'demo-seed' };

  let workspace = (await listWorkspacesOfUser(ctx.db, user.id)).find((w) => w.name === DEMO_WORKSPACE);
  workspace ??= await useCases.workspaces.create({ userId: user.id, name: DEMO_WORKSPACE });
  const access: WorkspaceAccess = { workspaceId: workspace.id, role: workspace.role, actor };

  for (const [name, topic] of [['general', 'Company-wide announcements and chat'], ['sales', 'Deals, orders and Shopify alerts']] as const) {
    if (!(await findChannelByName(ctx.db, { workspaceId: workspace.id, name }))) {
      const channel = await insertChannel(ctx.db, { workspaceId: workspace.id, name, visibility: 'public', topic, createdBy: user.id });
      await addChannelMember(ctx.db, { workspaceId: workspace.id, channelId: channel.id, userId: user.id });
    }
  }
  const general = (await findChannelByName(ctx.db, { workspaceId: workspace.id, name: 'general' }))!;
  if ((await listMessages(ctx.db, { channelId: general.id, afterSeq: 0, limit: 1 })).length === 0) {
    await useCases.chat.sendMessage(access, {
      channelId: general.id,
      input: {
        text: `Welcome to **${DEMO_WORKSPACE}**! Open the *${DEMO_PAGE}* page to see the canvas, and chat with your team here.`,
        mentions: [],
        clientMessageId: 'demo-welcome',
      },
    });
  }

  const page = (await findPagesByTitle(ctx.db, { workspaceId: workspace.id, title: DEMO_PAGE }))[0]
    ?? (await useCases.canvas.createPage(access, { title: DEMO_PAGE, icon: '🎄' }));
  if (!(await findBlockByKey(ctx.db, { workspaceId: workspace.id, pageId: page.id, key: 'goal' }))) {
    await useCases.canvas.createBlock(access, page.id, {
      type: 'text',
      key: 'goal',
      content: { text: 'Goal: Drive 20% more sales for Product X.' },
      position: { x: 40, y: 40 },
      size: { width: 520, height: 120 },
    });
  }
  return { email: DEMO_EMAIL, password: DEMO_PASSWORD, workspaceId: workspace.id, pageId: page.id };
}
