import { Accounts } from './accounts';
import { AgentConfigurations } from './agents/agent-configurations';
import { AgentRuns } from './agents/agent-runs';
import { AgentScheduler } from './agents/agent-scheduler';
import { AgentWebhooks } from './agents/agent-webhooks';
import { ChatCommands } from './agents/chat-commands';
import { RunExecutor } from './agents/run-executor';
import { ApiTokens } from './api-tokens';
import { Canvas } from './canvas';
import { Chat } from './chat';
import { Marketplace } from './marketplace/marketplace';
import { Rentals } from './marketplace/rentals';
import type { AppContext } from './context';
import { ShopifyConnections } from './connections/shopify-connections';
import { ShopifyWebhooks } from './connections/shopify-webhooks';
import { TikTokConnections } from './connections/tiktok-connections';
import { Notifications } from './notifications';
import { Profiles } from './profiles';
import { Prompts } from './prompts';
import { Search } from './search';
import { Vectors } from './vectors';
import { WorkspaceAccessPolicy } from './workspace-access';
import { Workspaces } from './workspaces';

/** Every use case of the server, wired to one context. Entry points (HTTP, sockets) only talk to these. */
export interface UseCases {
  ctx: AppContext;
  access: WorkspaceAccessPolicy;
  accounts: Accounts;
  workspaces: Workspaces;
  profiles: Profiles;
  canvas: Canvas;
  chat: Chat;
  notifications: Notifications;
  prompts: Prompts;
  apiTokens: ApiTokens;
  search: Search;
  vectors: Vectors;
  agents: AgentConfigurations;
  runs: AgentRuns;
  chatCommands: ChatCommands;
  marketplace: Marketplace;
  rentals: Rentals;
  /** Executes queued runs (started by startServer once it listens). */
  runExecutor: RunExecutor;
  /** Shopify webhook intake and its processing (started by startServer). */
  shopifyWebhooks: ShopifyWebhooks;
  /** Fires cron occurrences of scheduled agents (started by startServer once it listens). */
  scheduler: AgentScheduler;
  /** Agents' webhook URLs and their intake. */
  agentWebhooks: AgentWebhooks;
  /** Brand <-> Shopify store (OAuth, webhook subscriptions). */
  shopifyConnections: ShopifyConnections;
  /** Creator <-> TikTok account (Login Kit, refresh, revoke). */
  tiktokConnections: TikTokConnections;
}

export function createUseCases(ctx: AppContext): UseCases {
  const access = new WorkspaceAccessPolicy(ctx);
  const notifications = new Notifications(ctx);
  const apiTokens = new ApiTokens(ctx);
  const profiles = new Profiles(ctx);
  const runs = new AgentRuns(ctx);
  const tiktokConnections = new TikTokConnections(ctx, { profiles, access });
  const runExecutor = new RunExecutor(ctx, profiles, tiktokConnections);
  runs.attach(runExecutor);
  const chat = new Chat(ctx, notifications);
  const agents = new AgentConfigurations(ctx);
  const marketplace = new Marketplace(ctx, agents);
  const rentals = new Rentals(ctx);
  marketplace.attach(rentals);
  runs.attachRentals(rentals);
  return {
    ctx,
    access,
    accounts: new Accounts(ctx, { apiTokens, access }),
    workspaces: new Workspaces(ctx, access, apiTokens),
    profiles,
    canvas: new Canvas(ctx),
    chat,
    notifications,
    prompts: new Prompts(ctx),
    apiTokens,
    search: new Search(ctx),
    vectors: new Vectors(ctx),
    agents,
    runs,
    chatCommands: new ChatCommands(ctx, { access, chat, runs }),
    runExecutor,
    shopifyWebhooks: new ShopifyWebhooks(ctx, runs),
    scheduler: new AgentScheduler(ctx, runs),
    marketplace,
    rentals,
    agentWebhooks: new AgentWebhooks(ctx, runs),
    shopifyConnections: new ShopifyConnections(ctx, { profiles, access }),
    tiktokConnections,
  };
}
