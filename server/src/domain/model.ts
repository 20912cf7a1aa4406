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

export const BrandSchema = z
  .object({
    id,
    workspaceId: id,
    name: z.string(),
    shopDomain: z.string().nullable(),
    credentials: CredentialStatusSchema,
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
