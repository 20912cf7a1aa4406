import { z } from 'zod';
import { NotificationSchema } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { isAppPath } from '../../../domain/app-path';
import { queryBoolean, queryInt, text, uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';
import { userIdOf } from './auth.routes';

/** An https URL, or a real path of this app (never `//host` or `/\\host`, which browsers treat as other sites). */
const link = z
  .string()
  .trim()
  .max(2000)
  .refine(
    (v) => isAppPath(v) || (/^https:\/\//.test(v) && URL.canParse(v)),
    'use a path of this app starting with a single / (such as /workspaces/...) or an https:// URL',
  );

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
