import { sql, type Kysely, type Selectable } from 'kysely';
import type { Notification } from '../domain/model';
import { isoRequired, type Database, type NotificationsTable } from './schema';

type NotificationRow = Selectable<NotificationsTable>;

function toNotification(row: NotificationRow): Notification {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    kind: row.kind,
    title: row.title,
    body: row.body,
    link: row.link,
    source: row.source_type && row.source_id ? { type: row.source_type, id: row.source_id } : null,
    read: row.read_at !== null,
    createdAt: isoRequired(row.created_at),
  };
}

export async function insertNotification(
  db: Kysely<Database>,
  args: {
    userId: string;
    workspaceId: string;
    kind: string;
    title: string;
    body: string;
    link: string | null;
    source: { type: string; id: string } | null;
  },
): Promise<Notification> {
  const row = await db
    .insertInto('notifications')
    .values({
      user_id: args.userId,
      workspace_id: args.workspaceId,
      kind: args.kind,
      title: args.title,
      body: args.body,
      link: args.link,
      source_type: args.source?.type ?? null,
      source_id: args.source?.id ?? null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toNotification(row);
}

/**
 * Replaces the title and body of the notifications that agent runs sent (source `agent_run`, one of `runIds`) and are
 * not already so; answers each changed notification with its recipient.
 */
export async function redactNotificationsOfRuns(
  db: Kysely<Database>,
  args: { runIds: string[]; title: string },
): Promise<Array<{ userId: string; notification: Notification }>> {
  if (args.runIds.length === 0) return [];
  const rows = await db
    .updateTable('notifications')
    .set({ title: args.title, body: '' })
    .where('source_type', '=', 'agent_run')
    // As an array parameter: a shop's redaction can name more runs than a statement takes parameters.
    .where(sql<boolean>`source_id = any(${args.runIds}::text[])`)
    .where((eb) => eb.or([eb('title', '<>', args.title), eb('body', '<>', '')]))
    .returningAll()
    .execute();
  return rows.map((row) => ({ userId: row.user_id, notification: toNotification(row) }));
}

/** A user's notifications across the workspaces they still belong to, newest first. */
export async function listNotifications(
  db: Kysely<Database>,
  args: { userId: string; unreadOnly: boolean; workspaceId?: string; limit: number; before?: string },
): Promise<{ notifications: Notification[]; unreadCount: number }> {
  let query = db
    .selectFrom('notifications as n')
    .innerJoin('workspace_members as m', (join) =>
      join.onRef('m.workspace_id', '=', 'n.workspace_id').onRef('m.user_id', '=', 'n.user_id'),
    )
    .selectAll('n')
    .where('n.user_id', '=', args.userId);
  if (args.unreadOnly) query = query.where('n.read_at', 'is', null);
  if (args.workspaceId) query = query.where('n.workspace_id', '=', args.workspaceId);
  if (args.before) query = query.where('n.created_at', '<', new Date(args.before));
  const rows = await query.orderBy('n.created_at', 'desc').orderBy('n.id').limit(args.limit).execute();
  let countQuery = db
    .selectFrom('notifications as n')
    .innerJoin('workspace_members as m', (join) =>
      join.onRef('m.workspace_id', '=', 'n.workspace_id').onRef('m.user_id', '=', 'n.user_id'),
    )
    .select(sql<number>`count(*)::int`.as('n'))
    .where('n.user_id', '=', args.userId)
    .where('n.read_at', 'is', null);
  if (args.workspaceId) countQuery = countQuery.where('n.workspace_id', '=', args.workspaceId);
  const { n } = await countQuery.executeTakeFirstOrThrow();
  return { notifications: rows.map(toNotification), unreadCount: n };
}

export async function markNotificationRead(
  db: Kysely<Database>,
  args: { userId: string; notificationId: string; read: boolean },
): Promise<Notification | undefined> {
  const row = await db
    .updateTable('notifications')
    .set({ read_at: args.read ? sql<Date>`coalesce(read_at, now())` : null })
    .where('user_id', '=', args.userId)
    .where('id', '=', args.notificationId)
    .returningAll()
    .executeTakeFirst();
  return row ? toNotification(row) : undefined;
}

export async function markAllNotificationsRead(
  db: Kysely<Database>,
  args: { userId: string; workspaceId?: string },
): Promise<number> {
  let query = db
    .updateTable('notifications')
    .set({ read_at: new Date() })
    .where('user_id', '=', args.userId)
    .where('read_at', 'is', null);
  if (args.workspaceId) query = query.where('workspace_id', '=', args.workspaceId);
  const result = await query.executeTakeFirst();
  return Number(result.numUpdatedRows);
}
