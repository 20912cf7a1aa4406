import fs from 'node:fs';
import path from 'node:path';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { checkAgentYaml } from './agents/agent-configurations';
import type { ConnectionBinding } from './model';
import { findChannelByName, insertChannel, addChannelMember, listMessages } from '../data-access/chat-repository';
import { findBlockByKey, findPagesByTitle } from '../data-access/canvas-repository';
import { findUserByEmail, toUser } from '../data-access/users-repository';
import { listWorkspacesOfUser, upsertMember } from '../data-access/workspaces-repository';
import type { WorkspaceAccess } from './context';
import type { UseCases } from './use-cases';

export const DEMO_EMAIL = 'demo@ionflux.local';
export const DEMO_PASSWORD = 'ionflux-demo';
export const DEMO_WORKSPACE = 'My Marketing Agency';
export const DEMO_PAGE = 'Q4 Holiday Campaign Plan';
export const DEMO_TEAMMATE_EMAIL = 'sam@ionflux.local';

/** The channels the example agents post to. */
const DEMO_CHANNELS = [
  ['general', 'Company-wide announcements and chat'],
  ['sales', 'Deals, orders and Shopify alerts'],
  ['ops', 'Inventory, fulfilment and store operations'],
  ['support', 'Customer messages and replies'],
] as const;

/** A planning discussion between the demo user and a teammate: what Slack Brief Butler turns into a brief. */
const CAMPAIGN_THREAD: { from: 'demo' | 'sam'; text: string }[] = [
  {
    from: 'demo',
    text: 'Kicking off the Q4 holiday campaign for Product X. Our goal is 20% more sales than last December. Ideas?',
  },
  {
    from: 'sam',
    text: 'Let us lead with a gift bundle: Product X plus the travel case at $89. Bundles converted at 4.1% last December.',
  },
  {
    from: 'demo',
    text: 'Agreed. We will run TikTok creator videos in the two weeks before Black Friday and email repeat customers on Cyber Monday.',
  },
  { from: 'sam', text: 'I will shortlist 10 fashion creators by Friday and draft the outreach messages.' },
  {
    from: 'demo',
    text: 'I will set up free shipping over $75 in Shopify and brief the design team on the bundle banners.',
  },
  {
    from: 'sam',
    text: 'Open question: do we discount the bundle again on Cyber Monday, or keep the price and add gift wrap?',
  },
  {
    from: 'demo',
    text: 'Decision: we keep the $89 price and add free gift wrap. The budget is $12k, 60% for creators and 40% for paid social.',
  },
];

async function seedCampaignThread(
  useCases: UseCases,
  args: { workspaceId: string; access: WorkspaceAccess; generalId: string },
): Promise<void> {
  const { ctx } = useCases;
  let samRow = await findUserByEmail(ctx.db, DEMO_TEAMMATE_EMAIL);
  if (!samRow) {
    await useCases.accounts.signup({ email: DEMO_TEAMMATE_EMAIL, password: DEMO_PASSWORD, displayName: 'Sam Rivera' });
    samRow = (await findUserByEmail(ctx.db, DEMO_TEAMMATE_EMAIL))!;
  }
  const sam = toUser(samRow);
  await upsertMember(ctx.db, { workspaceId: args.workspaceId, userId: sam.id, role: 'member' });
  for (const [name] of DEMO_CHANNELS) {
    const channel = (await findChannelByName(ctx.db, { workspaceId: args.workspaceId, name }))!;
    await addChannelMember(ctx.db, { workspaceId: args.workspaceId, channelId: channel.id, userId: sam.id });
  }
  const samAccess: WorkspaceAccess = {
    workspaceId: args.workspaceId,
    role: 'member',
    actor: { kind: 'user', userId: sam.id, sessionId: 'demo-seed' },
  };
  let rootId: string | undefined;
  for (const [index, message] of CAMPAIGN_THREAD.entries()) {
    const { message: stored } = await useCases.chat.sendMessage(message.from === 'demo' ? args.access : samAccess, {
      channelId: args.generalId,
      input: {
        text: message.text,
        mentions: [],
        clientMessageId: `demo-campaign-${index}`,
        ...(rootId ? { threadRootId: rootId } : {}),
      },
    });
    rootId ??= stored.id;
  }
}

/**
 * Seeds what a stranger needs to see the product working: the demo account, its workspace, the campaign page with a
 * text block, the channels the example agents use (#general, #sales, #ops, #support), a welcome message and a
 * campaign discussion with a teammate in #general. Safe to run on every start: it only adds what is missing.
 */
export async function seedDemo(
  useCases: UseCases,
): Promise<{ email: string; password: string; workspaceId: string; pageId: string }> {
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

  for (const [name, topic] of DEMO_CHANNELS) {
    if (!(await findChannelByName(ctx.db, { workspaceId: workspace.id, name }))) {
      const channel = await insertChannel(ctx.db, {
        workspaceId: workspace.id,
        name,
        visibility: 'public',
        topic,
        createdBy: user.id,
      });
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

  await seedCampaignThread(useCases, { workspaceId: workspace.id, access, generalId: general.id });

  const page =
    (await findPagesByTitle(ctx.db, { workspaceId: workspace.id, title: DEMO_PAGE }))[0] ??
    (await useCases.canvas.createPage(access, { title: DEMO_PAGE, icon: '🎄' }));
  if (!(await findBlockByKey(ctx.db, { workspaceId: workspace.id, pageId: page.id, key: 'goal' }))) {
    await useCases.canvas.createBlock(access, page.id, {
      type: 'text',
      key: 'goal',
      content: { text: 'Goal: Drive 20% more sales for Product X.' },
      position: { x: 40, y: 40 },
      size: { width: 520, height: 120 },
    });
  }
  await seedDemoAgents(useCases, access);
  return { email: DEMO_EMAIL, password: DEMO_PASSWORD, workspaceId: workspace.id, pageId: page.id };
}

/** Where the example agents live in a checkout of the repository (from src/ and dist/ alike). */
const EXAMPLE_AGENTS_DIR = path.join(__dirname, '..', '..', '..', 'examples', 'agents');

/**
 * The sandbox store and creator as the demo workspace's Brand and Creator, and every example agent installed and bound
 * to them, so each can run at once. Idempotent: existing profiles and agents (by agent name) are kept as they are.
 */
async function seedDemoAgents(useCases: UseCases, access: WorkspaceAccess): Promise<void> {
  const { ctx } = useCases;
  if (!fs.existsSync(EXAMPLE_AGENTS_DIR)) {
    ctx.logger.info({ dir: EXAMPLE_AGENTS_DIR }, 'no example agents to seed (not a repository checkout)');
    return;
  }
  const brands = await useCases.profiles.listBrands(access);
  const brand =
    brands.find((b) => b.shopDomain === SANDBOX_CREDENTIALS.shopify.shopDomain) ??
    (await useCases.profiles.createBrand(access, {
      name: 'My Test Store',
      shopDomain: SANDBOX_CREDENTIALS.shopify.shopDomain,
    }));
  const creators = await useCases.profiles.listCreators(access);
  const creator =
    creators.find((c) => c.name === 'My Test Creator') ??
    (await useCases.profiles.createCreator(access, { name: 'My Test Creator', handle: 'ionflux.demo' }));
  const installed = new Set((await useCases.agents.list(access)).map((a) => a.agentName));
  for (const file of fs
    .readdirSync(EXAMPLE_AGENTS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const yaml = fs.readFileSync(path.join(EXAMPLE_AGENTS_DIR, file), 'utf8');
    const { agent } = checkAgentYaml(yaml);
    if (installed.has(agent.metadata.name)) continue;
    const bindings: Record<string, ConnectionBinding> = {};
    for (const [name, connection] of Object.entries(agent.spec.connections ?? {})) {
      if (connection.type === 'shopify') bindings[name] = { brandId: brand.id };
      if (connection.type === 'tiktok') bindings[name] = { creatorId: creator.id };
    }
    await useCases.agents.create(access, { yaml, bindings });
  }
}
