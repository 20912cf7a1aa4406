import type { WorkspaceRole } from '../domain/model';
import type { ColumnType, Generated } from 'kysely';

/** Row types of the tables created by the migrations (snake_case, as stored). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** JSONB: reads come back parsed; writes take JSON text (see {@link toJsonb}) so pg and PGlite behave the same. */
type Jsonb<T> = ColumnType<T, string, string>;
type NullableJsonb<T> = ColumnType<T | null, string | null | undefined, string | null>;
type Tsvector = ColumnType<string, never, never>;

export interface UsersTable {
  id: Generated<string>;
  email: string;
  email_normalized: string;
  password_hash: string;
  display_name: string;
  avatar_url: string | null;
  current_workspace_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RefreshTokensTable {
  id: Generated<string>;
  family_id: string;
  user_id: string;
  token_hash: string;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface WorkspacesTable {
  id: Generated<string>;
  name: string;
  run_token_budget: ColumnType<number | null, number | null | undefined, number | null>;
  run_usd_budget: ColumnType<number | null, number | null | undefined, number | null>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface WorkspaceMembersTable {
  workspace_id: string;
  user_id: string;
  role: WorkspaceRole;
  created_at: Timestamp;
}

export interface InvitationsTable {
  id: Generated<string>;
  workspace_id: string;
  email_normalized: string;
  role: WorkspaceRole;
  token_hash: string;
  invited_by: string | null;
  expires_at: Timestamp;
  accepted_at: NullableTimestamp;
  accepted_by: string | null;
  revoked_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface BrandsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  shop_domain: string | null;
  connection_state: ConnectionState | null;
  connection_detail: string | null;
  webhook_subscriptions: ColumnType<WebhookSubscription[], string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** State of an OAuth connection (null: never connected through OAuth). */
export type ConnectionState = 'connected' | 'disconnected' | 'uninstalled' | 'revoked' | 'expired';

/** A webhook subscription created in a shop for a Brand (Admin GraphQL id and topic). */
export interface WebhookSubscription {
  id: string;
  topic: string;
}

export interface CreatorsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  handle: string | null;
  connection_state: ConnectionState | null;
  connection_detail: string | null;
  open_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type CredentialOwnerType = 'brand' | 'creator';

export interface IntegrationCredentialsTable {
  id: Generated<string>;
  workspace_id: string;
  owner_type: CredentialOwnerType;
  owner_id: string;
  key_id: string;
  ciphertext: string;
  scopes: Jsonb<string[]>;
  expires_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface CanvasPagesTable {
  id: Generated<string>;
  workspace_id: string;
  title: string;
  icon: string | null;
  position: number;
  archived_at: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  search: Tsvector;
  /** Bumped by triggers on every change to the page or its blocks (migration 0002). */
  revision: ColumnType<number, never, never>;
}

export type BlockType = 'text' | 'heading' | 'checklist' | 'agent_snippet' | 'image' | 'embed';

export interface CanvasBlocksTable {
  id: Generated<string>;
  workspace_id: string;
  page_id: string;
  type: BlockType;
  key: string | null;
  content: Jsonb<unknown>;
  x: number;
  y: number;
  width: number;
  height: number;
  agent_config_id: string | null;
  written_by_run_id: string | null;
  version: Generated<number>;
  created_by: string | null;
  updated_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  search: Tsvector;
}

export interface ChatChannelsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  topic: Generated<string>;
  visibility: 'public' | 'private';
  last_seq: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ChannelMembersTable {
  channel_id: string;
  user_id: string;
  workspace_id: string;
  last_read_seq: Generated<number>;
  joined_at: Timestamp;
}

export interface ChatMessagesTable {
  id: Generated<string>;
  workspace_id: string;
  channel_id: string;
  seq: number;
  author_kind: 'user' | 'agent';
  author_user_id: string | null;
  author_agent_name: string | null;
  api_token_id: string | null;
  sender_key: string;
  client_message_id: string | null;
  text: string;
  payload: NullableJsonb<unknown>;
  mentions: Jsonb<string[]>;
  thread_root_id: string | null;
  reply_count: Generated<number>;
  last_reply_at: NullableTimestamp;
  edited_at: NullableTimestamp;
  deleted_at: NullableTimestamp;
  created_at: Timestamp;
  search: Tsvector;
}

export interface PromptLibrariesTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  description: Generated<string>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PromptsTable {
  id: Generated<string>;
  workspace_id: string;
  library_id: string;
  name: string;
  description: Generated<string>;
  template: string;
  variables: Jsonb<string[]>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  search: Tsvector;
}

export interface NotificationsTable {
  id: Generated<string>;
  user_id: string;
  workspace_id: string;
  kind: string;
  title: string;
  body: Generated<string>;
  link: string | null;
  source_type: string | null;
  source_id: string | null;
  read_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface ApiTokensTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  role: Exclude<WorkspaceRole, 'owner'>;
  scopes: Jsonb<string[]>;
  token_hash: string;
  token_prefix: string;
  created_by: string | null;
  created_at: Timestamp;
  last_used_at: NullableTimestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface RevokedSessionsTable {
  session_id: string;
  user_id: string;
  revoked_at: Timestamp;
  expires_at: Timestamp;
}

export interface AgentConfigurationsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  name_normalized: string;
  description: string;
  definition_id: string | null;
  agent_name: string;
  display_name: string;
  yaml: string;
  content_hash: string;
  inputs: Jsonb<Record<string, unknown>>;
  bindings: Jsonb<Record<string, unknown>>;
  enabled: boolean;
  token_budget: number | null;
  usd_budget: ColumnType<number | null, number | null | undefined, number | null>;
  suspended_brand_id: ColumnType<string | null, string | null | undefined, string | null>;
  suspended_reason: ColumnType<string | null, string | null | undefined, string | null>;
  trigger_kind: string;
  revision: number;
  latest_output: NullableJsonb<unknown>;
  latest_run_id: string | null;
  latest_output_revision: number | null;
  latest_output_at: NullableTimestamp;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  schedule_since: NullableTimestamp;
  webhook_secret_hash: string | null;
  webhook_secret_at: NullableTimestamp;
  layout: ColumnType<Record<string, [number, number]>, string | undefined, string>;
}

export interface CanvasBlockOutputsTable {
  id: Generated<string>;
  workspace_id: string;
  block_id: string;
  content: Jsonb<unknown>;
  agent_config_id: string | null;
  agent_revision: number | null;
  run_id: string | null;
  restored_from: string | null;
  written_by: string | null;
  written_at: Generated<Date>;
}

export interface AgentScheduleFiringsTable {
  agent_id: string;
  scheduled_at: Timestamp;
  workspace_id: string;
  run_id: string | null;
  fired_by: string;
  fired_at: Generated<Date>;
}

export interface AgentRevisionsTable {
  agent_id: string;
  workspace_id: string;
  revision: number;
  name: string;
  description: string;
  yaml: string;
  content_hash: string;
  inputs: Jsonb<Record<string, unknown>>;
  bindings: Jsonb<Record<string, unknown>>;
  enabled: boolean;
  token_budget: number | null;
  usd_budget: ColumnType<number | null, number | null | undefined, number | null>;
  restored_from: number | null;
  created_by: string | null;
  created_at: Timestamp;
}

export type AgentRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'canceled';

export interface AgentRunsTable {
  id: Generated<string>;
  workspace_id: string;
  agent_id: string;
  revision: number;
  trigger_kind: string;
  trigger_payload: NullableJsonb<unknown>;
  inputs: Jsonb<Record<string, unknown>>;
  context: NullableJsonb<Record<string, unknown>>;
  status: Generated<AgentRunStatus>;
  serialize_key: string | null;
  read_only: Generated<boolean>;
  started_by: string | null;
  claimed_by: string | null;
  attempts: Generated<number>;
  cancel_requested: Generated<boolean>;
  output: NullableJsonb<unknown>;
  error: NullableJsonb<Record<string, unknown>>;
  steps: ColumnType<unknown[], string | undefined, string>;
  usage: NullableJsonb<Record<string, unknown>>;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  heartbeat_at: NullableTimestamp;
  finished_at: NullableTimestamp;
}

export interface ShopifyWebhookInboxTable {
  id: Generated<string>;
  shop_domain: string;
  event_id: string;
  webhook_id: string | null;
  topic: string;
  api_version: string | null;
  triggered_at: NullableTimestamp;
  payload: Jsonb<unknown>;
  received_at: Timestamp;
  processed_at: NullableTimestamp;
  attempts: Generated<number>;
  runs_started: number | null;
  outcome: string | null;
}

/** Requests counted per agent webhook in fixed one-minute windows, shared by every server process. */
export interface AgentWebhookWindowsTable {
  agent_id: string;
  window_start: Date;
  requests: number;
}

export interface Database {
  users: UsersTable;
  refresh_tokens: RefreshTokensTable;
  workspaces: WorkspacesTable;
  workspace_members: WorkspaceMembersTable;
  invitations: InvitationsTable;
  brands: BrandsTable;
  creators: CreatorsTable;
  integration_credentials: IntegrationCredentialsTable;
  canvas_pages: CanvasPagesTable;
  canvas_blocks: CanvasBlocksTable;
  chat_channels: ChatChannelsTable;
  channel_members: ChannelMembersTable;
  chat_messages: ChatMessagesTable;
  prompt_libraries: PromptLibrariesTable;
  prompts: PromptsTable;
  notifications: NotificationsTable;
  api_tokens: ApiTokensTable;
  revoked_sessions: RevokedSessionsTable;
  agent_configurations: AgentConfigurationsTable;
  agent_revisions: AgentRevisionsTable;
  agent_runs: AgentRunsTable;
  shopify_webhook_inbox: ShopifyWebhookInboxTable;
  agent_schedule_firings: AgentScheduleFiringsTable;
  canvas_block_outputs: CanvasBlockOutputsTable;
  agent_webhook_windows: AgentWebhookWindowsTable;
}

/** JSON text for a JSONB parameter (pg would turn a JS array into a PostgreSQL array otherwise). */
export function toJsonb(value: unknown): string {
  return JSON.stringify(value);
}

/** ISO string of a timestamp column, or null. */
export function iso(value: Date | string | null): string | null {
  if (value === null) return null;
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** ISO string of a non-null timestamp column. */
export function isoRequired(value: Date | string): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}
