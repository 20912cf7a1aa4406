import { z } from 'zod';
import {
  ApiTokenSchema,
  ApiTokenScopeSchema,
  NotificationSchema,
  PromptLibrarySchema,
  PromptSchema,
  SearchHitSchema,
  apiTokenScopes,
} from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { isAppPath } from '../../../domain/app-path';
import { queryBoolean, queryInt, text, uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';
import { userIdOf } from './auth.routes';

const LibraryParams = WorkspaceParams.extend({ libraryId: uuid });
const PromptParams = WorkspaceParams.extend({ promptId: uuid });
const TokenParams = WorkspaceParams.extend({ tokenId: uuid });
const template = z.string().min(1).max(50_000).describe('Prompt text with {{variables}}');
/** An https URL, or a real path of this app (never `//host` or `/\\host`, which browsers treat as other sites). */
const link = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (v) => isAppPath(v) || (/^https:\/\//.test(v) && URL.canParse(v)),
    'use a path of this app starting with a single / (such as /workspaces/...) or an https:// URL',
  );
const searchTypes = ['page', 'block', 'message', 'prompt'] as const;

export function promptRoutes(useCases: UseCases): RouteDefinition[] {
  const { prompts } = useCases;
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/prompt-libraries',
      operationId: 'listPromptLibraries',
      summary: 'Prompt libraries of the workspace',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      response: {
        status: 200,
        description: 'Libraries',
        schema: z.object({ libraries: z.array(PromptLibrarySchema) }),
      },
      handler: async ({ auth }) => ({ libraries: await prompts.listLibraries(auth.access!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/prompt-libraries',
      operationId: 'createPromptLibrary',
      summary: 'Create a prompt library',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: WorkspaceParams,
      body: z.strictObject({ name: text(100, 'Name'), description: z.string().trim().max(1000).default('') }),
      example: { body: { name: 'Campaign briefs', description: 'Reusable briefs for holiday campaigns' } },
      response: { status: 201, description: 'Created', schema: z.object({ library: PromptLibrarySchema }) },
      errors: [409],
      handler: async ({ auth, body }) => ({ library: await prompts.createLibrary(auth.access!, body) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId/prompt-libraries/:libraryId',
      operationId: 'updatePromptLibrary',
      summary: 'Rename or describe a prompt library',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: LibraryParams,
      body: z.strictObject({ name: text(100, 'Name').optional(), description: z.string().trim().max(1000).optional() }),
      example: { body: { description: 'Briefs for Q4' } },
      response: { status: 200, description: 'Updated', schema: z.object({ library: PromptLibrarySchema }) },
      errors: [409],
      handler: async ({ auth, params, body }) => ({
        library: await prompts.updateLibrary(auth.access!, params.libraryId, body),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/prompt-libraries/:libraryId',
      operationId: 'deletePromptLibrary',
      summary: 'Delete a prompt library and its prompts',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: LibraryParams,
      response: { status: 204, description: 'Deleted' },
      handler: async ({ auth, params }) => {
        await prompts.deleteLibrary(auth.access!, params.libraryId);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/prompt-libraries/:libraryId/prompts',
      operationId: 'listPrompts',
      summary: 'Prompts of a library',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: LibraryParams,
      response: { status: 200, description: 'Prompts', schema: z.object({ prompts: z.array(PromptSchema) }) },
      handler: async ({ auth, params }) => ({ prompts: await prompts.listPrompts(auth.access!, params.libraryId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/prompt-libraries/:libraryId/prompts',
      operationId: 'createPrompt',
      summary: 'Add a prompt; its {{variables}} are detected',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: LibraryParams,
      body: z.strictObject({ name: text(200, 'Name'), description: z.string().trim().max(2000).default(''), template }),
      example: { body: { name: 'Holiday brief', template: 'Write a holiday brief for {{brand}} about {{product}}.' } },
      response: { status: 201, description: 'Created', schema: z.object({ prompt: PromptSchema }) },
      handler: async ({ auth, params, body }) => ({
        prompt: await prompts.createPrompt(auth.access!, params.libraryId, body),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/prompts/:promptId',
      operationId: 'getPrompt',
      summary: 'One prompt',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: PromptParams,
      response: { status: 200, description: 'Prompt', schema: z.object({ prompt: PromptSchema }) },
      handler: async ({ auth, params }) => ({ prompt: await prompts.getPrompt(auth.access!, params.promptId) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId/prompts/:promptId',
      operationId: 'updatePrompt',
      summary: 'Change a prompt (or move it to another library)',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: PromptParams,
      body: z.strictObject({
        name: text(200, 'Name').optional(),
        description: z.string().trim().max(2000).optional(),
        template: template.optional(),
        libraryId: uuid.optional(),
      }),
      example: { body: { template: 'Write a short holiday brief for {{brand}}.' } },
      response: { status: 200, description: 'Updated', schema: z.object({ prompt: PromptSchema }) },
      handler: async ({ auth, params, body }) => ({
        prompt: await prompts.updatePrompt(auth.access!, params.promptId, body),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/prompts/:promptId',
      operationId: 'deletePrompt',
      summary: 'Delete a prompt',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: PromptParams,
      response: { status: 204, description: 'Deleted' },
      handler: async ({ auth, params }) => {
        await prompts.deletePrompt(auth.access!, params.promptId);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/prompts/:promptId/render',
      operationId: 'renderPrompt',
      summary: 'Fill a prompt with values; variables without a value are listed in missing',
      tags: ['prompts'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: PromptParams,
      body: z.strictObject({ variables: z.record(z.string().max(100), z.string().max(20_000)).default({}) }),
      example: { body: { variables: { brand: 'My Test Store', product: 'Product X' } } },
      response: {
        status: 200,
        description: 'Rendered text',
        schema: z.object({ text: z.string(), missing: z.array(z.string()) }),
      },
      handler: async ({ auth, params, body }) => prompts.renderPrompt(auth.access!, params.promptId, body.variables),
    }),
  ];
}

export function notificationRoutes(useCases: UseCases): RouteDefinition[] {
  const { notifications } = useCases;
  return [
    defineRoute({
      method: 'get',
      path: '/api/notifications',
      operationId: 'listNotifications',
      summary: 'Your notifications (newest first), across your workspaces or one of them',
      tags: ['notifications'],
      policy: { kind: 'user' },
      query: z.object({
        unread: queryBoolean.default(false).describe('true: only unread ones'),
        workspaceId: uuid.optional(),
        limit: queryInt({ min: 1, max: 100, fallback: 50 }),
        before: z.iso
          .datetime({ offset: true })
          .optional()
          .describe('Paging: only notifications created before this time'),
      }),
      example: { query: { unread: 'true' } },
      response: {
        status: 200,
        description: 'Notifications and the unread count',
        schema: z.object({ notifications: z.array(NotificationSchema), unreadCount: z.int() }),
      },
      handler: async ({ auth, query }) =>
        notifications.list({
          userId: userIdOf(auth.actor),
          unreadOnly: query.unread,
          workspaceId: query.workspaceId,
          limit: query.limit,
          before: query.before,
        }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/notifications/:notificationId/read',
      operationId: 'markNotificationRead',
      summary: 'Mark one notification read (or unread with read=false)',
      tags: ['notifications'],
      policy: { kind: 'user' },
      params: z.object({ notificationId: uuid }),
      body: z.strictObject({ read: z.boolean().default(true) }),
      example: { body: { read: true } },
      response: { status: 200, description: 'Updated', schema: z.object({ notification: NotificationSchema }) },
      handler: async ({ auth, params, body }) => ({
        notification: await notifications.markRead({
          userId: userIdOf(auth.actor),
          notificationId: params.notificationId,
          read: body.read,
        }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/notifications/read-all',
      operationId: 'markAllNotificationsRead',
      summary: 'Mark all your notifications read (optionally of one workspace)',
      tags: ['notifications'],
      policy: { kind: 'user' },
      body: z.strictObject({ workspaceId: uuid.optional() }),
      example: { body: {} },
      response: { status: 200, description: 'How many changed', schema: z.object({ updated: z.int() }) },
      handler: async ({ auth, body }) => ({
        updated: await notifications.markAllRead({ userId: userIdOf(auth.actor), workspaceId: body.workspaceId }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/notifications',
      operationId: 'createNotification',
      summary: 'Notify workspace members (delivered live to their notification feed; for agents too)',
      tags: ['notifications', 'agents'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'notifications:write' },
      params: WorkspaceParams,
      description:
        'Recipients: userIds, or emails of members, or neither for every member of the workspace. `link` is an ' +
        'https:// URL or a path of this app (one / then neither / nor \\; //host is refused).',
      body: z.strictObject({
        userIds: z.array(uuid).min(1).max(100).optional(),
        emails: z.array(z.email().max(320)).min(1).max(100).optional().describe('Members to notify, by email'),
        kind: z
          .string()
          .trim()
          .regex(/^[a-z][a-z0-9_.-]{0,49}$/, 'use a short lowercase kind such as alert or agent.run_finished')
          .default('alert'),
        title: text(200, 'Title'),
        body: z.string().trim().max(2000).default(''),
        link: link.nullable().default(null),
        source: z
          .strictObject({ type: text(50, 'Source type'), id: text(200, 'Source id') })
          .nullable()
          .default(null),
      }),
      example: {
        body: {
          userIds: ['00000000-0000-4000-8000-000000000000'],
          title: 'Order over $100: $150.00',
          link: '/orders/1001',
        },
      },
      response: {
        status: 201,
        description: 'Created notifications',
        schema: z.object({ notifications: z.array(NotificationSchema) }),
      },
      handler: async ({ auth, body }) => ({ notifications: await notifications.createForMembers(auth.access!, body) }),
    }),
  ];
}

export function searchRoutes(useCases: UseCases): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/search',
      operationId: 'search',
      summary: 'Full-text search across pages, blocks, messages and prompts (command palette)',
      description:
        'Every word must match; words match as prefixes (holid camp finds "Holiday Campaign"). Private channels show ' +
        "only to their members (an API token sees what its creator sees). Each hit's snippet is data: plain-text " +
        'segments `{ text, match }` with the matched words flagged; render the text as text, never as HTML.',
      tags: ['search'],
      policy: { kind: 'workspace', minRole: 'viewer', apiTokenScope: 'search:read' },
      params: WorkspaceParams,
      query: z.object({
        q: z.string().trim().min(1).max(200),
        types: z
          .string()
          .default(searchTypes.join(','))
          .transform((v) =>
            v
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          )
          .pipe(z.array(z.enum(searchTypes)).min(1))
          .describe('Comma-separated subset of page,block,message,prompt'),
        limit: queryInt({ min: 1, max: 50, fallback: 20 }),
      }),
      example: { query: { q: 'holiday campaign' } },
      response: { status: 200, description: 'Hits, best first', schema: z.object({ hits: z.array(SearchHitSchema) }) },
      handler: async ({ auth, query }) => ({ hits: await useCases.search.search(auth.access!, query) }),
    }),
  ];
}

export function apiTokenRoutes(useCases: UseCases): RouteDefinition[] {
  const { apiTokens } = useCases;
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/api-tokens',
      operationId: 'listApiTokens',
      summary: 'API tokens of the workspace (never the token values)',
      tags: ['api tokens'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: WorkspaceParams,
      response: { status: 200, description: 'Tokens', schema: z.object({ apiTokens: z.array(ApiTokenSchema) }) },
      handler: async ({ auth }) => ({ apiTokens: await apiTokens.list(auth.access!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/api-tokens',
      operationId: 'createApiToken',
      summary: 'Create an API token for agents (n8n IonfluxApi credential); the token is shown once',
      description:
        'The token acts as you, limited by its scopes and role (the lower of its role and yours): it sees what you ' +
        'see and stops working when you leave the workspace (removal revokes it for good), change your password or ' +
        'delete your account.',
      tags: ['api tokens'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: WorkspaceParams,
      body: z.strictObject({
        name: text(100, 'Name').describe('Also the default agent name on chat messages'),
        role: z.enum(['admin', 'member', 'viewer']).default('member'),
        scopes: z
          .array(ApiTokenScopeSchema)
          .min(1)
          .default([...apiTokenScopes]),
        expiresInDays: z.int().min(1).max(3650).optional(),
      }),
      example: { body: { name: 'n8n agents', role: 'member' } },
      response: {
        status: 201,
        description: 'The token (only now) and its record',
        schema: z.object({ apiToken: ApiTokenSchema, token: z.string() }),
      },
      handler: async ({ auth, body }) => apiTokens.create(auth.access!, body),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/api-tokens/:tokenId',
      operationId: 'revokeApiToken',
      summary: 'Revoke an API token (effective immediately)',
      tags: ['api tokens'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: TokenParams,
      response: { status: 200, description: 'Revoked', schema: z.object({ apiToken: ApiTokenSchema }) },
      handler: async ({ auth, params }) => ({ apiToken: await apiTokens.revoke(auth.access!, params.tokenId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/api-token',
      operationId: 'describeApiToken',
      summary: 'Which workspace, role and scopes this API token has (credential test)',
      tags: ['api tokens', 'agents'],
      policy: { kind: 'apiToken' },
      response: {
        status: 200,
        description: 'The token and its workspace',
        schema: z.object({ workspace: z.object({ id: uuid, name: z.string() }), apiToken: ApiTokenSchema }),
      },
      handler: async ({ auth }) => {
        if (auth.actor?.kind !== 'apiToken') throw new Error('route policy should have guaranteed an API token');
        return apiTokens.describe(auth.actor);
      },
    }),
  ];
}
