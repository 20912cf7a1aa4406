import { z } from 'zod';
import {
  addChannelMember,
  advanceReadCursor,
  findChannel,
  findChannelByName,
  findChannelMembership,
  findMessage,
  findMessageByClientId,
  insertChannel,
  storeMessage,
  listMessages,
  listVisibleChannels,
  removeChannelMember,
  softDeleteMessage,
  toMessage,
  updateChannel,
  updateMessageText,
  type ChannelRow,
  type MessageRow,
} from '../data-access/chat-repository';
import { findMembershipRole } from '../data-access/workspaces-repository';
import { conflict, forbidden, invalidRequest, isUniqueViolation, notFound } from '../errors';
import { boundedJson } from './bounded-json';
import { actingAsUserId, hasRole, type AppContext, type WorkspaceAccess } from './context';
import { KeyedMutex } from './keyed-mutex';
import type { Channel, Message } from './model';
import type { Notifications } from './notifications';

const MAX_PAYLOAD_BYTES = 64 * 1024;

/** `general`, `#general`, `Sales-Team` -> `sales-team`; what channel names look like everywhere. */
export const ChannelNameSchema = z
  .string()
  .trim()
  .transform((s) => s.replace(/^#/, '').toLowerCase())
  .pipe(
    z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9_-]{0,79}$/,
        'use 1-80 lowercase letters, digits, - or _ (starting with a letter or digit)',
      ),
  );

/** What a client sends to post a message, over REST or the socket (`message:send`). */
export const SendMessageInputSchema = z
  .object({
    text: z.string().max(20_000).default('').describe('Markdown'),
    payload: boundedJson(MAX_PAYLOAD_BYTES).optional().describe('Structured agent output (JSON, <= 64 KiB)'),
    mentions: z.array(z.uuid()).max(50).default([]).describe('User ids to notify'),
    threadRootId: z.uuid().optional().describe('Reply in the thread of this message'),
    clientMessageId: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe('Your id for this send; retrying with the same id never creates a second message'),
    agentName: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .describe('API tokens only: the agent name shown as author (default: the token name)'),
  })
  .refine((m) => m.text.trim().length > 0 || (m.payload !== undefined && m.payload !== null), {
    message: 'give a non-empty text or a payload',
    path: ['text'],
  });
export type SendMessageInput = z.output<typeof SendMessageInputSchema>;

/** Chat: channels, members, messages with per-channel sequence numbers, threads, edits, deletes and read cursors. */
export class Chat {
  readonly #ctx: AppContext;
  readonly #notifications: Notifications;
  readonly #channelLocks = new KeyedMutex();

  constructor(ctx: AppContext, notifications: Notifications) {
    this.#ctx = ctx;
    this.#notifications = notifications;
  }

  /** Channels the caller can see; an API token sees what its creator sees (public + the creator's private ones). */
  listChannels(access: WorkspaceAccess): Promise<Channel[]> {
    return listVisibleChannels(this.#ctx.db, { workspaceId: access.workspaceId, userId: actingAsUserId(access.actor) });
  }

  async getChannel(access: WorkspaceAccess, channelId: string): Promise<Channel> {
    const [channel] = await listVisibleChannels(this.#ctx.db, {
      workspaceId: access.workspaceId,
      userId: actingAsUserId(access.actor),
      channelId,
    });
    if (!channel) throw notFound('channel');
    return channel;
  }

  /** A channel by id or by name (`general`, `#general`), visible to the caller; 404 otherwise. */
  async resolveChannel(
    access: WorkspaceAccess,
    ref: { channelId?: string; channelName?: string },
  ): Promise<ChannelRow> {
    let row: ChannelRow | undefined;
    if (ref.channelId)
      row = await findChannel(this.#ctx.db, { workspaceId: access.workspaceId, channelId: ref.channelId });
    else if (ref.channelName) {
      const parsed = ChannelNameSchema.safeParse(ref.channelName);
      if (parsed.success)
        row = await findChannelByName(this.#ctx.db, { workspaceId: access.workspaceId, name: parsed.data });
    }
    if (!row) throw notFound('channel');
    await this.#assertCanSee(access, row);
    return row;
  }

  async createChannel(
    access: WorkspaceAccess,
    args: { name: string; visibility: 'public' | 'private'; topic: string; memberIds: string[] },
  ): Promise<Channel> {
    const creator = userIdOf(access);
    // A private channel an API token creates is visible to the token's creator, as whom the token acts.
    const firstMember = actingAsUserId(access.actor);
    await this.#assertWorkspaceMembers(access.workspaceId, args.memberIds, 'memberIds');
    let channelId: string;
    try {
      channelId = await this.#ctx.db.transaction().execute(async (tx) => {
        const row = await insertChannel(tx, {
          workspaceId: access.workspaceId,
          name: args.name,
          visibility: args.visibility,
          topic: args.topic,
          createdBy: creator,
        });
        for (const userId of new Set([firstMember, ...args.memberIds])) {
          await addChannelMember(tx, { workspaceId: access.workspaceId, channelId: row.id, userId });
        }
        return row.id;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict('channel_name_taken', `A channel named #${args.name} already exists here; pick another name`);
      throw error;
    }
    return this.getChannel(access, channelId);
  }

  /** Renames or re-topics a channel: its creator or a workspace admin. */
  async updateChannel(
    access: WorkspaceAccess,
    channelId: string,
    args: { name?: string; topic?: string },
  ): Promise<Channel> {
    const row = await this.resolveChannel(access, { channelId });
    if (!hasRole(access.role, 'admin') && row.created_by !== userIdOf(access)) {
      throw forbidden('insufficient_role', 'Only the channel creator or a workspace admin can change a channel');
    }
    try {
      await updateChannel(this.#ctx.db, { workspaceId: access.workspaceId, channelId, ...args });
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict('channel_name_taken', `A channel named #${args.name} already exists here; pick another name`);
      throw error;
    }
    return this.getChannel(access, channelId);
  }

  /** Adds a workspace member to a channel. Public channels: anyone can join themselves; private: members add others. */
  async addMember(access: WorkspaceAccess, channelId: string, userId: string): Promise<Channel> {
    const row = await this.resolveChannel(access, { channelId });
    const self = userIdOf(access) === userId;
    if (row.visibility === 'private' && self && !(await this.#isChannelMember(row.id, userId)))
      throw notFound('channel');
    await this.#assertWorkspaceMembers(access.workspaceId, [userId], 'userId');
    await addChannelMember(this.#ctx.db, { workspaceId: access.workspaceId, channelId: row.id, userId });
    return this.getChannel(access, channelId);
  }

  async removeMember(access: WorkspaceAccess, channelId: string, userId: string): Promise<void> {
    const row = await this.resolveChannel(access, { channelId });
    const self = userIdOf(access) === userId;
    if (!self && !hasRole(access.role, 'admin') && row.created_by !== userIdOf(access)) {
      throw forbidden('insufficient_role', 'Only the channel creator or a workspace admin can remove someone else');
    }
    if (!(await removeChannelMember(this.#ctx.db, { channelId: row.id, userId }))) throw notFound('channel member');
    if (row.visibility === 'private')
      this.#ctx.events.emit('access.revoked', { workspaceId: access.workspaceId, userId, channelId: row.id });
  }

  /**
   * Persists, then broadcasts, a message. Retrying with the same `clientMessageId` returns the first message
   * (`duplicate: true`) instead of creating another. Users posting in a public channel join it.
   */
  async sendMessage(
    access: WorkspaceAccess,
    args: { channelId?: string; channelName?: string; input: SendMessageInput },
  ): Promise<{ message: Message; duplicate: boolean }> {
    if (!hasRole(access.role, 'member')) throw forbidden('insufficient_role', 'Viewers cannot post messages');
    const channel = await this.resolveChannel(access, args);
    const { input } = args;
    const actor = access.actor;
    const senderKey = actor.kind === 'user' ? `user:${actor.userId}` : `token:${actor.tokenId}`;

    if (input.threadRootId) {
      const root = await findMessage(this.#ctx.db, {
        workspaceId: access.workspaceId,
        channelId: channel.id,
        messageId: input.threadRootId,
      });
      if (!root) throw invalidRequest([{ path: 'threadRootId', message: 'no message with this id in this channel' }]);
      if (root.thread_root_id)
        throw invalidRequest([{ path: 'threadRootId', message: 'reply to the thread root, not to a reply' }]);
    }
    const mentions = [...new Set(input.mentions)];
    await this.#assertWorkspaceMembers(access.workspaceId, mentions, 'mentions');

    // One lock per channel: messages are stored and broadcast in sequence order (within this process).
    const result = await this.#channelLocks.run(channel.id, async () => {
      const stored = await storeMessage(this.#ctx.db, {
        workspaceId: access.workspaceId,
        channelId: channel.id,
        authorKind: actor.kind === 'user' ? 'user' : 'agent',
        authorUserId: actor.kind === 'user' ? actor.userId : null,
        authorAgentName: actor.kind === 'user' ? null : (input.agentName ?? actor.name),
        apiTokenId: actor.kind === 'user' ? null : actor.tokenId,
        senderKey,
        clientMessageId: input.clientMessageId ?? null,
        text: input.text,
        payload: input.payload,
        mentions,
        threadRootId: input.threadRootId ?? null,
      });
      if (!stored) {
        const existing = input.clientMessageId
          ? await findMessageByClientId(this.#ctx.db, {
              channelId: channel.id,
              senderKey,
              clientMessageId: input.clientMessageId,
            })
          : undefined;
        if (!existing) throw new Error(`message to channel ${channel.id} was neither stored nor a duplicate`);
        return { message: toMessage(existing), duplicate: true };
      }
      const message = toMessage(stored);
      this.#ctx.events.emit('message.created', { workspaceId: access.workspaceId, channelId: channel.id, message });
      if (input.threadRootId) {
        const root = await findMessage(this.#ctx.db, {
          workspaceId: access.workspaceId,
          messageId: input.threadRootId,
        });
        if (root)
          this.#ctx.events.emit('message.updated', {
            workspaceId: access.workspaceId,
            channelId: channel.id,
            message: toMessage(root),
          });
      }
      return { message, duplicate: false };
    });

    if (!result.duplicate && mentions.length > 0) await this.#notifyMentions(access, channel, result.message, mentions);
    return result;
  }

  /**
   * History or catch-up: `after` returns the oldest `limit` messages with seq > after (and < before, when given);
   * otherwise the newest `limit` (before `before`, when given). Ascending either way.
   */
  async listMessages(
    access: WorkspaceAccess,
    args: { channelId: string; after?: number; afterMessageId?: string; before?: number; limit: number },
  ): Promise<{ messages: Message[]; lastSeq: number; hasMore: boolean }> {
    const channel = await this.resolveChannel(access, { channelId: args.channelId });
    let after = args.after;
    if (args.afterMessageId) {
      const anchor = await findMessage(this.#ctx.db, {
        workspaceId: access.workspaceId,
        channelId: channel.id,
        messageId: args.afterMessageId,
      });
      if (!anchor)
        throw invalidRequest([
          { path: 'after', message: 'no message with this id in this channel; pass a sequence number instead' },
        ]);
      after = anchor.seq;
    }
    if (after !== undefined && args.before !== undefined && args.before <= after)
      throw invalidRequest([
        { path: 'before', message: `must be greater than after (${after}): the range after < seq < before is empty` },
      ]);
    const rows = await listMessages(this.#ctx.db, {
      channelId: channel.id,
      afterSeq: after,
      beforeSeq: args.before,
      limit: args.limit + 1,
    });
    const hasMore = rows.length > args.limit;
    const page = after === undefined ? rows.slice(hasMore ? 1 : 0) : rows.slice(0, args.limit);
    return { messages: page.map(toMessage), lastSeq: channel.last_seq, hasMore };
  }

  async getThread(
    access: WorkspaceAccess,
    args: { messageId: string; channelId?: string },
  ): Promise<{ root: Message; replies: Message[] }> {
    const root = await findMessage(this.#ctx.db, {
      workspaceId: access.workspaceId,
      messageId: args.messageId,
      channelId: args.channelId,
    });
    if (!root) throw notFound('message');
    const channel = await this.resolveChannel(access, { channelId: root.channel_id });
    const rootRow = root.thread_root_id
      ? await findMessage(this.#ctx.db, { workspaceId: access.workspaceId, messageId: root.thread_root_id })
      : root;
    if (!rootRow) throw notFound('message');
    const replies = await listMessages(this.#ctx.db, {
      channelId: channel.id,
      threadRootId: rootRow.id,
      afterSeq: 0,
      limit: 1000,
    });
    return { root: toMessage(rootRow), replies: replies.map(toMessage) };
  }

  async editMessage(
    access: WorkspaceAccess,
    args: { channelId: string; messageId: string; text: string },
  ): Promise<Message> {
    const row = await this.#ownMessage(access, args, 'edit');
    if (row.deleted_at) throw conflict('message_deleted', 'This message was deleted and cannot be edited');
    if (args.text.trim() === '' && (row.payload === null || row.payload === undefined)) {
      throw invalidRequest([{ path: 'text', message: 'must not be empty (delete the message instead)' }]);
    }
    await updateMessageText(this.#ctx.db, { messageId: row.id, text: args.text });
    const message = toMessage(
      (await findMessage(this.#ctx.db, { workspaceId: access.workspaceId, messageId: row.id }))!,
    );
    this.#ctx.events.emit('message.updated', { workspaceId: access.workspaceId, channelId: row.channel_id, message });
    return message;
  }

  async deleteMessage(access: WorkspaceAccess, args: { channelId: string; messageId: string }): Promise<Message> {
    const row = await this.#ownMessage(access, args, 'delete');
    if (!row.deleted_at) await softDeleteMessage(this.#ctx.db, { messageId: row.id });
    const message = toMessage(
      (await findMessage(this.#ctx.db, { workspaceId: access.workspaceId, messageId: row.id }))!,
    );
    this.#ctx.events.emit('message.updated', { workspaceId: access.workspaceId, channelId: row.channel_id, message });
    return message;
  }

  /** Moves the caller's read cursor forward to `seq` (never back); returns the channel with its new unread count. */
  async markRead(access: WorkspaceAccess, args: { channelId: string; seq: number }): Promise<Channel> {
    const channel = await this.resolveChannel(access, { channelId: args.channelId });
    const userId = userIdOf(access);
    if (!userId) throw forbidden('api_token_not_allowed', 'Read cursors belong to users; API tokens have none');
    const lastReadSeq = await advanceReadCursor(this.#ctx.db, { channelId: channel.id, userId, seq: args.seq });
    if (lastReadSeq === undefined) throw conflict('not_a_channel_member', 'Join the channel before marking it read');
    this.#ctx.events.emit('channel.read', {
      userId,
      workspaceId: access.workspaceId,
      channelId: channel.id,
      lastReadSeq,
    });
    return this.getChannel(access, channel.id);
  }

  /** Whether this access may see a channel (used by the socket layer before joining its room). */
  async canSee(access: WorkspaceAccess, channelId: string): Promise<ChannelRow | undefined> {
    const row = await findChannel(this.#ctx.db, { workspaceId: access.workspaceId, channelId });
    if (!row) return undefined;
    try {
      await this.#assertCanSee(access, row);
      return row;
    } catch {
      return undefined;
    }
  }

  async #ownMessage(
    access: WorkspaceAccess,
    args: { channelId: string; messageId: string },
    verb: 'edit' | 'delete',
  ): Promise<MessageRow> {
    const channel = await this.resolveChannel(access, { channelId: args.channelId });
    const row = await findMessage(this.#ctx.db, {
      workspaceId: access.workspaceId,
      channelId: channel.id,
      messageId: args.messageId,
    });
    if (!row) throw notFound('message');
    const actor = access.actor;
    const senderKey = actor.kind === 'user' ? `user:${actor.userId}` : `token:${actor.tokenId}`;
    const isAuthor = row.sender_key === senderKey;
    if (!isAuthor && !(verb === 'delete' && hasRole(access.role, 'admin'))) {
      throw forbidden(
        'not_message_author',
        verb === 'edit' ? 'Only the author can edit a message' : 'Only the author or an admin can delete a message',
      );
    }
    return row;
  }

  /** Private channels show to their members only; an API token acts as its creator here too. */
  async #assertCanSee(access: WorkspaceAccess, row: ChannelRow): Promise<void> {
    if (row.visibility === 'private' && !(await this.#isChannelMember(row.id, actingAsUserId(access.actor))))
      throw notFound('channel');
  }

  async #isChannelMember(channelId: string, userId: string): Promise<boolean> {
    return (await findChannelMembership(this.#ctx.db, { channelId, userId })) !== undefined;
  }

  /** `field` names the request field: a list (`mentions`) gets `.index` appended, a single id (`userId`) does not. */
  async #assertWorkspaceMembers(
    workspaceId: string,
    userIds: string[],
    field: 'mentions' | 'memberIds' | 'userId',
  ): Promise<void> {
    const problems = [];
    for (const [index, userId] of userIds.entries()) {
      if (!(await findMembershipRole(this.#ctx.db, { workspaceId, userId }))) {
        problems.push({
          path: field === 'userId' ? field : `${field}.${index}`,
          message: 'not a member of this workspace',
        });
      }
    }
    if (problems.length > 0) throw invalidRequest(problems);
  }

  async #notifyMentions(
    access: WorkspaceAccess,
    channel: ChannelRow,
    message: Message,
    mentions: string[],
  ): Promise<void> {
    const author = message.author.kind === 'user' ? message.author.displayName : message.author.name;
    for (const userId of mentions) {
      if (message.author.kind === 'user' && message.author.userId === userId) continue;
      // Private channels: only notify people who can open the link.
      if (channel.visibility === 'private' && !(await this.#isChannelMember(channel.id, userId))) continue;
      await this.#notifications.create({
        workspaceId: access.workspaceId,
        userId,
        kind: 'mention',
        title: `${author} mentioned you in #${channel.name}`,
        body: message.text.slice(0, 280),
        link: `/workspaces/${access.workspaceId}/channels/${channel.id}?message=${message.id}`,
        source: { type: 'message', id: message.id },
      });
    }
  }
}

function userIdOf(access: WorkspaceAccess): string | null {
  return access.actor.kind === 'user' ? access.actor.userId : null;
}
