import {
  insertNotification,
  listNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from '../data-access/notifications-repository';
import { findMembershipRole, listMembers } from '../data-access/workspaces-repository';
import { invalidRequest, notFound } from '../errors';
import type { AppContext, WorkspaceAccess } from './context';
import type { Notification } from './model';

/** Per-user notifications: stored, then pushed live to the user's socket room. */
export class Notifications {
  readonly #ctx: AppContext;

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  async create(args: {
    workspaceId: string;
    userId: string;
    kind: string;
    title: string;
    body: string;
    link: string | null;
    source: { type: string; id: string } | null;
  }): Promise<Notification> {
    const notification = await insertNotification(this.#ctx.db, args);
    this.#ctx.events.emit('notification.created', { userId: args.userId, notification });
    return notification;
  }

  /** Notifies members of the caller's workspace (an agent alerting someone, an admin broadcasting). */
  async createForMembers(
    access: WorkspaceAccess,
    args: {
      userIds?: string[] | undefined;
      emails?: string[] | undefined;
      kind: string;
      title: string;
      body: string;
      link: string | null;
      source: { type: string; id: string } | null;
    },
  ): Promise<Notification[]> {
    const problems = [];
    let userIds = args.userIds ?? [];
    if (args.emails || !args.userIds) {
      // By email, or everyone: resolve against the members of this workspace only.
      const members = await listMembers(this.#ctx.db, access.workspaceId);
      if (!args.emails) userIds = [...userIds, ...members.map((m) => m.userId)];
      else {
        for (const [index, email] of args.emails.entries()) {
          const member = members.find((m) => m.email.toLowerCase() === email.toLowerCase());
          if (member) userIds.push(member.userId);
          else problems.push({ path: `emails.${index}`, message: 'not a member of this workspace' });
        }
      }
    }
    for (const [index, userId] of (args.userIds ?? []).entries()) {
      if (!(await findMembershipRole(this.#ctx.db, { workspaceId: access.workspaceId, userId }))) {
        problems.push({ path: `userIds.${index}`, message: 'not a member of this workspace' });
      }
    }
    if (problems.length > 0) throw invalidRequest(problems);
    // A Notify step of an agent run: the notification points at the run (its page in the studio) and names it as
    // its source, whatever the node sent.
    const run = access.actor.kind === 'apiToken' ? access.actor.run : undefined;
    if (run) {
      args.source = { type: 'agent_run', id: run.runId };
      args.link ??= `/workspaces/${access.workspaceId}/runs/${run.runId}`;
    }
    const created = [];
    for (const userId of new Set(userIds)) {
      created.push(
        await this.create({
          workspaceId: access.workspaceId,
          userId,
          kind: args.kind,
          title: args.title,
          body: args.body,
          link: args.link,
          source: args.source,
        }),
      );
    }
    return created;
  }

  list(args: { userId: string; unreadOnly: boolean; workspaceId?: string; limit: number; before?: string }) {
    return listNotifications(this.#ctx.db, args);
  }

  async markRead(args: { userId: string; notificationId: string; read: boolean }): Promise<Notification> {
    const notification = await markNotificationRead(this.#ctx.db, args);
    if (!notification) throw notFound('notification');
    return notification;
  }

  markAllRead(args: { userId: string; workspaceId?: string }): Promise<number> {
    return markAllNotificationsRead(this.#ctx.db, args);
  }
}
