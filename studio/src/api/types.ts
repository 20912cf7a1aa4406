// The server's entities as the studio reads them (server/src/domain/model.ts is the source; /api/openapi.json has
// the same shapes). Only fields the studio uses are listed.

export type Role = 'owner' | 'admin' | 'member' | 'viewer';

export interface User {
  id: string;
  email: string;
  displayName: string;
  avatarUrl: string | null;
  currentWorkspaceId: string | null;
  createdAt: string;
}

export interface Session {
  user: User;
  accessToken: string;
  accessTokenExpiresAt: string;
  csrfToken: string;
}

export interface Workspace {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

export interface Member {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  joinedAt: string;
}

export interface Invitation {
  id: string;
  workspaceId: string;
  email: string;
  role: Role;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  expiresAt: string;
  createdAt: string;
}

export interface CredentialStatus {
  connected: boolean;
  scopes: string[];
  expiresAt: string | null;
  updatedAt: string | null;
}

/** How an OAuth connection stands (null state: never connected through OAuth). */
export interface ConnectionStatus {
  state: 'connected' | 'disconnected' | 'uninstalled' | 'revoked' | 'expired' | null;
  detail: string | null;
}

export interface Brand {
  id: string;
  workspaceId: string;
  name: string;
  shopDomain: string | null;
  credentials: CredentialStatus;
  connection?: ConnectionStatus;
}

export interface Creator {
  id: string;
  workspaceId: string;
  name: string;
  handle: string | null;
  credentials: CredentialStatus;
  connection?: ConnectionStatus;
}

export interface Page {
  id: string;
  workspaceId: string;
  title: string;
  icon: string | null;
  position: number;
  archived: boolean;
  createdAt: string;
  updatedAt: string;
}

export type BlockType = 'text' | 'heading' | 'checklist' | 'agent_snippet' | 'image' | 'embed';

export interface ChecklistItem {
  id?: string;
  text: string;
  checked: boolean;
}

export interface Block {
  id: string;
  pageId: string;
  workspaceId: string;
  type: BlockType;
  key: string | null;
  content: unknown;
  position: { x: number; y: number };
  size: { width: number; height: number };
  agentConfigId: string | null;
  writtenByRunId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface PageWithBlocks {
  page: Page;
  blocks: Block[];
}

export interface Channel {
  id: string;
  workspaceId: string;
  name: string;
  topic: string;
  visibility: 'public' | 'private';
  isMember: boolean;
  lastSeq: number;
  lastReadSeq: number;
  unreadCount: number;
  createdAt: string;
}

export type MessageAuthor =
  { kind: 'user'; userId: string | null; displayName: string } | { kind: 'agent'; name: string };

export interface Message {
  id: string;
  workspaceId: string;
  channelId: string;
  seq: number;
  author: MessageAuthor;
  clientMessageId: string | null;
  text: string;
  payload: unknown;
  mentions: string[];
  threadRootId: string | null;
  replyCount: number;
  lastReplyAt: string | null;
  editedAt: string | null;
  deleted: boolean;
  createdAt: string;
}

export interface Notification {
  id: string;
  workspaceId: string;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  source: { type: string; id: string } | null;
  read: boolean;
  createdAt: string;
}

export interface SearchHit {
  type: 'page' | 'block' | 'message' | 'prompt';
  id: string;
  title: string;
  snippet: Array<{ text: string; match: boolean }>;
  rank: number;
  pageId: string | null;
  channelId: string | null;
  libraryId: string | null;
  createdAt: string;
}

export interface Prompt {
  id: string;
  libraryId: string;
  name: string;
  description: string;
  template: string;
  variables: string[];
}

export type ConnectionBinding = { brandId: string } | { creatorId: string } | { sandbox: true };

export interface AgentConfiguration {
  id: string;
  workspaceId: string;
  name: string;
  description: string;
  definitionId: string | null;
  agentName: string;
  displayName: string;
  yaml: string;
  inputs: Record<string, unknown>;
  bindings: Record<string, ConnectionBinding>;
  enabled: boolean;
  /** Most LLM tokens one run may use (null: no limit of its own). */
  tokenBudget: number | null;
  /** Most US dollars of LLM usage one run may cost (null: no limit of its own). */
  usdBudget: number | null;
  /** Set when the server disabled the agent because a connection it uses went away (the store uninstalled the app). */
  suspended: { brandId: string | null; reason: string } | null;
  trigger: 'manual' | 'schedule' | 'webhook' | 'chat.command' | 'shopify.order';
  revision: number;
  latestOutput: { value: unknown; runId: string | null; revision: number | null; at: string } | null;
  createdAt: string;
  updatedAt: string;
  /** The editor's node positions (n8n node name -> [x, y] on n8n's canvas), kept beside the YAML. */
  layout?: Record<string, [number, number]>;
}

export interface AgentRunStep {
  step: string | null;
  node: string;
  status: 'success' | 'error';
  startedAt: string;
  durationMs: number;
  items: number;
  error: string | null;
  usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number } | null;
}

export interface AgentRun {
  id: string;
  workspaceId: string;
  agentId: string;
  agentName?: string;
  revision: number;
  trigger: { kind: string; payload: unknown };
  inputs: Record<string, unknown>;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled' | string;
  output: unknown;
  error: { code?: string; message: string; step?: string; node?: string; line?: number; col?: number } | null;
  steps: AgentRunStep[];
  usage: { totalTokens?: number; estimatedCostUsd: number } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

/**
 * Live progress of a run (socket event run:step), one per step boundary: step `index` of `total` starts; `previous`
 * is how the step before it ended. The last step's end comes with run:finished (the run's step log).
 */
export interface RunProgress {
  runId: string;
  agentId: string;
  agentName: string;
  node: string;
  step: string;
  index: number;
  total: number;
  elapsedMs: number;
  previous?: { node: string; step: string; status: 'success' | 'error'; durationMs: number; error?: string };
}

export type Pricing = { model: 'free' } | { model: 'monthly'; priceMinor: number; currency: string };

export interface MarketplaceAgentSummary {
  name: string;
  displayName: string;
  description: string;
  category: string;
  tags: string[];
  icon: string | null;
  publisher: { id: string; name: string; verified: boolean };
  pricing: Pricing;
  latestVersion: string | null;
  connectionTypes: string[];
  installs: number;
  createdAt: string;
  updatedAt: string;
}

export interface MarketplaceVersion {
  version: string;
  digest: string;
  keyId: string;
  yanked: boolean;
  yankReason: string | null;
  publishedAt: string;
}

export interface AgentManifest {
  connections: Array<{ name: string; type: string; scopes: string[]; usedBy: string[] }>;
  inputs: Array<{ name: string; type: string; required: boolean; default?: unknown; description?: string }>;
  writeSteps: string[];
  readSteps: string[];
  httpHosts: string[];
  trigger: string;
}

export interface MarketplaceAgentDetail extends MarketplaceAgentSummary {
  readme: string;
  versions: MarketplaceVersion[];
  manifest: AgentManifest | null;
  permissions: string[];
  yaml: string | null;
}

export interface AgentUpdate {
  agentId: string;
  name: string;
  marketplaceAgent: string;
  installedVersion: string;
  latestVersion: string | null;
  updateAvailable: boolean;
}

export interface UpgradeDiff {
  agentId: string;
  name: string;
  fromVersion: string | null;
  toVersion: string;
  unifiedDiff: string;
  summary: {
    stepsAdded: string[];
    stepsRemoved: string[];
    stepsChanged: string[];
    connectionsAdded: string[];
    connectionsRemoved: string[];
    inputsChanged: string[];
  };
  writeStepsAdded: string[];
  hostsAdded: string[];
  highlights: string[];
  bindingsKept: string[];
  inputsKept: string[];
  needsAttention: Array<{ path: string; message: string }>;
}

export interface Rental {
  id: string;
  agent: string;
  priceMinor: number;
  currency: string;
  status: 'active' | 'canceled' | 'expired';
  periodStart: string;
  periodEnd: string;
  cancelAtPeriodEnd: boolean;
}
