import { z } from 'zod';

/**
 * The entities the server hands out, as zod schemas: the single source for TypeScript types, response validation
 * (which also strips anything not listed, so a stray column never leaks) and the OpenAPI components.
 */
const timestamp = z.iso.datetime({ offset: true }).describe('ISO 8601 timestamp');
const nullableTimestamp = timestamp.nullable();
const id = z.uuid();

export const workspaceRoles = ['owner', 'admin', 'member', 'viewer'] as const;
export const WorkspaceRoleSchema = z.enum(workspaceRoles).meta({ id: 'WorkspaceRole' });
export type WorkspaceRole = (typeof workspaceRoles)[number];

export const UserSchema = z
  .object({
    id,
    email: z.string(),
    displayName: z.string(),
    avatarUrl: z.string().nullable(),
    currentWorkspaceId: id.nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'User' });
export type User = z.infer<typeof UserSchema>;

export const SessionSchema = z
  .object({
    user: UserSchema,
    accessToken: z.string().describe('Bearer token for the Authorization header; short-lived'),
    accessTokenExpiresAt: timestamp,
    csrfToken: z.string().describe('Send back as X-CSRF-Token on cookie-authenticated calls (refresh, logout)'),
  })
  .meta({ id: 'Session' });
export type Session = z.infer<typeof SessionSchema>;

export const WorkspaceSchema = z
  .object({
    id,
    name: z.string(),
    role: WorkspaceRoleSchema.describe('Your role here'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Workspace' });
export type Workspace = z.infer<typeof WorkspaceSchema>;

export const MemberSchema = z
  .object({ userId: id, email: z.string(), displayName: z.string(), role: WorkspaceRoleSchema, joinedAt: timestamp })
  .meta({ id: 'Member' });
export type Member = z.infer<typeof MemberSchema>;

export const InvitationSchema = z
  .object({
    id,
    workspaceId: id,
    email: z.string(),
    role: WorkspaceRoleSchema,
    status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
    expiresAt: timestamp,
    createdAt: timestamp,
  })
  .meta({ id: 'Invitation' });
export type Invitation = z.infer<typeof InvitationSchema>;

export const CredentialStatusSchema = z
  .object({
    connected: z.boolean(),
    scopes: z.array(z.string()),
    expiresAt: nullableTimestamp,
    updatedAt: nullableTimestamp,
  })
  .describe('Whether OAuth credentials are stored; the tokens themselves are never returned')
  .meta({ id: 'CredentialStatus' });
export type CredentialStatus = z.infer<typeof CredentialStatusSchema>;

export const ConnectionStatusSchema = z
  .object({
    state: z
      .enum(['connected', 'disconnected', 'uninstalled', 'revoked', 'expired'])
      .nullable()
      .describe('null: never connected through OAuth (credentials typed in, or none)'),
    detail: z.string().nullable().describe('What to do about it, e.g. "connect it again"'),
  })
  .meta({ id: 'ConnectionStatus' });
export type ConnectionStatus = z.infer<typeof ConnectionStatusSchema>;

export const BrandSchema = z
  .object({
    id,
    workspaceId: id,
    name: z.string(),
    shopDomain: z.string().nullable(),
    credentials: CredentialStatusSchema,
    connection: ConnectionStatusSchema,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Brand' });
export type Brand = z.infer<typeof BrandSchema>;

export const CreatorSchema = z
  .object({
    id,
    workspaceId: id,
    name: z.string(),
    handle: z.string().nullable(),
    credentials: CredentialStatusSchema,
    connection: ConnectionStatusSchema,
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Creator' });
export type Creator = z.infer<typeof CreatorSchema>;

export const PageSchema = z
  .object({
    id,
    workspaceId: id,
    title: z.string(),
    icon: z.string().nullable(),
    position: z.number(),
    archived: z.boolean(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Page' });
export type Page = z.infer<typeof PageSchema>;

export const blockTypes = ['text', 'heading', 'checklist', 'agent_snippet', 'image', 'embed'] as const;
export const BlockTypeSchema = z.enum(blockTypes).meta({ id: 'BlockType' });

export const BlockSchema = z
  .object({
    id,
    pageId: id,
    workspaceId: id,
    type: BlockTypeSchema,
    key: z.string().nullable().describe('Stable slug, unique within the page, so agents can target the block'),
    content: z.unknown().describe('Type-specific JSON document (see BlockContent)'),
    position: z.object({ x: z.number(), y: z.number() }),
    size: z.object({ width: z.number(), height: z.number() }),
    agentConfigId: id.nullable(),
    writtenByRunId: z.string().nullable().describe('The agent run that last wrote this block, if any'),
    version: z.int().describe('Increments on every write; send it back as baseVersion'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Block' });
export type Block = z.infer<typeof BlockSchema>;

export const ChannelSchema = z
  .object({
    id,
    workspaceId: id,
    name: z.string(),
    topic: z.string(),
    visibility: z.enum(['public', 'private']),
    isMember: z.boolean(),
    lastSeq: z.int().describe('Sequence number of the newest message'),
    lastReadSeq: z.int().describe('Your read cursor (0 when not a member)'),
    unreadCount: z.int(),
    createdAt: timestamp,
  })
  .meta({ id: 'Channel' });
export type Channel = z.infer<typeof ChannelSchema>;

export const MessageSchema = z
  .object({
    id,
    workspaceId: id,
    channelId: id,
    seq: z.int().describe('Per-channel, strictly increasing; resume with ?after=<seq>'),
    author: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('user'), userId: id.nullable(), displayName: z.string() }),
      z.object({ kind: z.literal('agent'), name: z.string() }),
    ]),
    clientMessageId: z.string().nullable(),
    text: z.string().describe('Markdown'),
    payload: z.unknown().nullable().describe('Structured agent output (JSON)'),
    mentions: z.array(id),
    threadRootId: id.nullable(),
    replyCount: z.int(),
    lastReplyAt: nullableTimestamp,
    editedAt: nullableTimestamp,
    deleted: z.boolean(),
    createdAt: timestamp,
  })
  .meta({ id: 'Message' });
export type Message = z.infer<typeof MessageSchema>;

export const PromptLibrarySchema = z
  .object({
    id,
    workspaceId: id,
    name: z.string(),
    description: z.string(),
    promptCount: z.int(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'PromptLibrary' });
export type PromptLibrary = z.infer<typeof PromptLibrarySchema>;

export const PromptSchema = z
  .object({
    id,
    workspaceId: id,
    libraryId: id,
    name: z.string(),
    description: z.string(),
    template: z.string().describe('Text with {{variables}}'),
    variables: z.array(z.string()).describe('Variable names found in the template, in order of first use'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Prompt' });
export type Prompt = z.infer<typeof PromptSchema>;

export const NotificationSchema = z
  .object({
    id,
    workspaceId: id,
    kind: z.string(),
    title: z.string(),
    body: z.string(),
    link: z
      .string()
      .nullable()
      .describe('Where the notification points, e.g. /workspaces/<id>/channels/<id>?message=<id>'),
    source: z.object({ type: z.string(), id: z.string() }).nullable(),
    read: z.boolean(),
    createdAt: timestamp,
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof NotificationSchema>;

export const apiTokenScopes = [
  'canvas:read',
  'canvas:write',
  'chat:read',
  'chat:write',
  'notifications:write',
  'search:read',
  'vectors:read',
  'vectors:write',
  'marketplace:write',
] as const;
export const ApiTokenScopeSchema = z.enum(apiTokenScopes).meta({ id: 'ApiTokenScope' });
export type ApiTokenScope = z.infer<typeof ApiTokenScopeSchema>;

export const ApiTokenSchema = z
  .object({
    id,
    workspaceId: id,
    name: z.string(),
    role: z.enum(['admin', 'member', 'viewer']),
    scopes: z.array(ApiTokenScopeSchema),
    prefix: z.string().describe('First characters of the token, to recognise it'),
    createdAt: timestamp,
    lastUsedAt: nullableTimestamp,
    expiresAt: nullableTimestamp,
    revoked: z.boolean(),
  })
  .meta({ id: 'ApiToken' });
export type ApiToken = z.infer<typeof ApiTokenSchema>;

export const SnippetSegmentSchema = z
  .object({
    text: z.string().describe('Plain text as users wrote it: render it as text, never as HTML'),
    match: z.boolean().describe('true for words that matched the query (highlight them)'),
  })
  .meta({ id: 'SnippetSegment' });
export type SnippetSegment = z.infer<typeof SnippetSegmentSchema>;

export const SearchHitSchema = z
  .object({
    type: z.enum(['page', 'block', 'message', 'prompt']),
    id,
    title: z.string(),
    snippet: z
      .array(SnippetSegmentSchema)
      .describe('The matching passage as plain-text segments; the matched words have match=true (no markup)'),
    rank: z.number(),
    pageId: id.nullable(),
    channelId: id.nullable(),
    libraryId: id.nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'SearchHit' });
export type SearchHit = z.infer<typeof SearchHitSchema>;

/** What fills one connection an agent declares: a Brand (Shopify), a Creator (TikTok), or the built-in sandbox. */
export const ConnectionBindingSchema = z
  .union([
    z.strictObject({ brandId: id.describe('A Brand of this workspace (its Shopify store)') }),
    z.strictObject({ creatorId: id.describe('A Creator of this workspace (their TikTok account)') }),
    z.strictObject({
      sandbox: z.literal(true).describe("The server's sandbox emulators (only when the server runs them)"),
    }),
  ])
  .meta({ id: 'ConnectionBinding' });
export type ConnectionBinding = z.infer<typeof ConnectionBindingSchema>;

export const agentTriggerKinds = ['manual', 'schedule', 'webhook', 'chat.command', 'shopify.order'] as const;

export const AgentConfigurationSchema = z
  .object({
    id,
    workspaceId: id,
    name: z.string().describe('Unique in the workspace (case-insensitively); /run_agent finds the agent by it'),
    description: z.string(),
    definitionId: id.nullable().describe('Marketplace definition it was installed from, if any'),
    agentName: z.string().describe("The agent's metadata.name"),
    displayName: z.string().describe("The agent's metadata.displayName (or its name)"),
    yaml: z.string().describe("The agent's YAML source (yaml_config)"),
    contentHash: z.string().describe('SHA-256 of the YAML text'),
    inputs: z.record(z.string(), z.unknown()).describe('Values of the agent inputs (defaults fill the rest)'),
    bindings: z.record(z.string(), ConnectionBindingSchema).describe('Connection name -> what fills it'),
    enabled: z.boolean(),
    tokenBudget: z.int().nullable().describe('Most LLM tokens one run may use (besides the agent policy budget)'),
    usdBudget: z
      .number()
      .nullable()
      .describe('Most US dollars of model calls one run may cost (besides the agent policy budget)'),
    suspended: z
      .object({ brandId: id.nullable(), reason: z.string() })
      .nullable()
      .describe(
        'Set when the agent was disabled because a connection it uses went away (a store uninstalled the app): ' +
          'connecting it again enables the agent again',
      ),
    trigger: z.enum(agentTriggerKinds),
    revision: z.int().describe('Current revision; send it back as baseRevision when saving'),
    latestOutput: z
      .object({
        value: z.unknown(),
        runId: id.nullable(),
        revision: z.int().nullable(),
        at: timestamp,
      })
      .nullable()
      .describe('The output of the newest successful run'),
    layout: z
      .record(z.string(), z.tuple([z.number(), z.number()]))
      .describe("The editor's node positions (n8n node name -> [x, y] on n8n's canvas); not in the YAML"),
    createdBy: id.nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'AgentConfiguration' });
export type AgentConfiguration = z.infer<typeof AgentConfigurationSchema>;

export const AgentRevisionSchema = z
  .object({
    agentId: id,
    revision: z.int(),
    name: z.string(),
    description: z.string(),
    yaml: z.string(),
    contentHash: z.string(),
    inputs: z.record(z.string(), z.unknown()),
    bindings: z.record(z.string(), ConnectionBindingSchema),
    enabled: z.boolean(),
    tokenBudget: z.int().nullable(),
    usdBudget: z.number().nullable(),
    restoredFrom: z.int().nullable().describe('The revision this one restored, if it was a restore'),
    createdBy: id.nullable().describe('Who saved it'),
    createdAt: timestamp,
  })
  .meta({ id: 'AgentRevision' });
export type AgentRevision = z.infer<typeof AgentRevisionSchema>;

export const AgentRevisionDiffSchema = z
  .object({
    from: z.int(),
    to: z.int(),
    unifiedDiff: z.string().describe('Unified diff of the two YAML texts (empty when equal)'),
    summary: z.object({
      stepsAdded: z.array(z.string()),
      stepsRemoved: z.array(z.string()),
      stepsChanged: z.array(z.string()),
      connectionsAdded: z.array(z.string()),
      connectionsRemoved: z.array(z.string()),
      scopesAdded: z.array(z.object({ connection: z.string(), scopes: z.array(z.string()) })),
      scopesRemoved: z.array(z.object({ connection: z.string(), scopes: z.array(z.string()) })),
      inputsChanged: z.array(z.string()).describe('Declared inputs or configured values that differ'),
      triggerChanged: z.boolean(),
      outputChanged: z.boolean(),
      policyChanged: z.boolean(),
      bindingsChanged: z.array(z.string()),
    }),
  })
  .meta({ id: 'AgentRevisionDiff' });
export type AgentRevisionDiff = z.infer<typeof AgentRevisionDiffSchema>;

export const agentRunStatuses = ['queued', 'running', 'succeeded', 'failed', 'canceled'] as const;
const TokenCountsSchema = z.object({ promptTokens: z.int(), completionTokens: z.int(), totalTokens: z.int() });

export const AgentRunStepSchema = z
  .object({
    step: z.string().nullable().describe('Step id in the agent (or output.canvas / output.chat); null for plumbing'),
    node: z.string().describe('n8n node name'),
    status: z.enum(['success', 'error']),
    startedAt: timestamp,
    durationMs: z.number(),
    items: z.int().describe('Items the node produced'),
    error: z.string().nullable(),
    usage: TokenCountsSchema.nullable(),
  })
  .meta({ id: 'AgentRunStep' });
export type AgentRunStep = z.infer<typeof AgentRunStepSchema>;

export const AgentRunSchema = z
  .object({
    id,
    workspaceId: id,
    agentId: id,
    agentName: z.string().optional().describe('The configuration name'),
    revision: z.int().describe('The agent revision that ran'),
    trigger: z.object({ kind: z.enum(agentTriggerKinds), payload: z.unknown() }),
    inputs: z.record(z.string(), z.unknown()),
    context: z
      .object({ channelId: id.optional(), threadRootId: id.optional(), messageId: id.optional() })
      .nullable()
      .describe('Where it was started from (a chat command)'),
    status: z.enum(agentRunStatuses),
    startedBy: id.nullable(),
    attempts: z.int(),
    output: z.unknown(),
    error: z
      .object({
        code: z.string().optional(),
        message: z.string(),
        step: z.string().optional(),
        node: z.string().optional(),
        line: z.int().optional(),
        col: z.int().optional(),
      })
      .nullable(),
    steps: z.array(AgentRunStepSchema),
    usage: TokenCountsSchema.extend({
      estimatedCostUsd: z.number(),
      steps: z.array(TokenCountsSchema.extend({ step: z.string() })),
    })
      .nullable()
      .describe('LLM tokens per step and in total, and the estimated cost from the price table'),
    createdAt: timestamp,
    startedAt: nullableTimestamp,
    finishedAt: nullableTimestamp,
  })
  .meta({ id: 'AgentRun' });
export type AgentRun = z.infer<typeof AgentRunSchema>;
