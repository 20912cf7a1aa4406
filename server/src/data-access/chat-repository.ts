import { sql, type Kysely, type Transaction } from 'kysely';
import type { Channel, Message } from '../domain/model';
import { iso, isoRequired, toJsonb, type Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;

export interface ChannelRow {
  id: string;
  workspace_id: string;
  name: string;
  topic: string;
  visibility: 'public' | 'private';
  last_seq: number;
  created_by: string | null;
  created_at: Date;
}

const channelColumns = [
  'id',
  'workspace_id',
  'name',
  'topic',
  'visibility',
  'last_seq',
  'created_by',
  'created_at',
] as const;

export async function insertChannel(
  db: Db,
  args: {
    workspaceId: string;
    name: string;
    visibility: 'public' | 'private';
    topic: string;
    createdBy: string | null;
  },
): Promise<ChannelRow> {
  return db
    .insertInto('chat_channels')
    .values({
      workspace_id: args.workspaceId,
      name: args.name,
      visibility: args.visibility,
      topic: args.topic,
      created_by: args.createdBy,
    })
    .returning(channelColumns)
    .executeTakeFirstOrThrow();
}

export async function updateChannel(
  db: Db,
  args: { workspaceId: string; channelId: string; name?: string; topic?: string },
): Promise<void> {
  await db
    .updateTable('chat_channels')
    .set({
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args.topic !== undefined ? { topic: args.topic } : {}),
      updated_at: new Date(),
    })
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.channelId)
    .execute();
}

export async function findChannel(
  db: Db,
  args: { workspaceId: string; channelId: string },
): Promise<ChannelRow | undefined> {
  return db
    .selectFrom('chat_channels')
    .select(channelColumns)
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.channelId)
    .executeTakeFirst();
}

export async function findChannelByName(
  db: Db,
  args: { workspaceId: string; name: string },
): Promise<ChannelRow | undefined> {
  return db
    .selectFrom('chat_channels')
    .select(channelColumns)
    .where('workspace_id', '=', args.workspaceId)
    .where('name', '=', args.name)
    .executeTakeFirst();
}

export async function addChannelMember(
  db: Db,
  args: { workspaceId: string; channelId: string; userId: string },
): Promise<void> {
  await db
    .insertInto('channel_members')
    .values({ workspace_id: args.workspaceId, channel_id: args.channelId, user_id: args.userId })
    .onConflict((oc) => oc.columns(['channel_id', 'user_id']).doNothing())
    .execute();
}

export async function removeChannelMember(db: Db, args: { channelId: string; userId: string }): Promise<boolean> {
  const result = await db
    .deleteFrom('channel_members')
    .where('channel_id', '=', args.channelId)
    .where('user_id', '=', args.userId)
    .executeTakeFirst();
  return result.numDeletedRows === 1n;
}

export async function findChannelMembership(
  db: Db,
  args: { channelId: string; userId: string },
): Promise<{ last_read_seq: number } | undefined> {
  return db
    .selectFrom('channel_members')
    .select('last_read_seq')
    .where('channel_id', '=', args.channelId)
    .where('user_id', '=', args.userId)
    .executeTakeFirst();
}

export async function listChannelMemberIds(db: Db, channelId: string): Promise<string[]> {
  const rows = await db.selectFrom('channel_members').select('user_id').where('channel_id', '=', channelId).execute();
  return rows.map((r) => r.user_id);
}

interface ChannelListRow extends ChannelRow {
  is_member: boolean;
  last_read_seq: number;
  unread_count: number;
}

function toChannel(row: ChannelListRow): Channel {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    topic: row.topic,
    visibility: row.visibility,
    isMember: row.is_member,
    lastSeq: row.last_seq,
    lastReadSeq: row.last_read_seq,
    unreadCount: row.unread_count,
    createdAt: isoRequired(row.created_at),
  };
}

/**
 * Channels a viewer can see (public ones, plus private ones they belong to), with their read cursor and unread
 * count: messages after the cursor, not deleted and not written by the viewer.
 */
export async function listVisibleChannels(
  db: Db,
  args: { workspaceId: string; userId: string; channelId?: string },
): Promise<Channel[]> {
  const userId = args.userId;
  let query = db
    .selectFrom('chat_channels as c')
    .leftJoin('channel_members as cm', (join) => join.onRef('cm.channel_id', '=', 'c.id').on('cm.user_id', '=', userId))
    .select([
      'c.id',
      'c.workspace_id',
      'c.name',
      'c.topic',
      'c.visibility',
      'c.last_seq',
      'c.created_by',
      'c.created_at',
    ])
    .select(sql<boolean>`cm.user_id is not null`.as('is_member'))
    .select(sql<number>`coalesce(cm.last_read_seq, 0)`.as('last_read_seq'))
    .select(
      sql<number>`case when cm.user_id is null then 0 else (
        select count(*)::int from chat_messages m
        where m.channel_id = c.id and m.seq > cm.last_read_seq and m.deleted_at is null and m.sender_key <> ${`user:${userId}`}
      ) end`.as('unread_count'),
    )
    .where('c.workspace_id', '=', args.workspaceId);
  // Public channels and the viewer's private ones (an API token's viewer is its creator).
  query = query.where((eb) => eb.or([eb('c.visibility', '=', 'public'), eb('cm.user_id', 'is not', null)]));
  if (args.channelId) query = query.where('c.id', '=', args.channelId);
  const rows = await query.orderBy('c.name').execute();
  return rows.map(toChannel);
}

export interface MessageRow {
  id: string;
  workspace_id: string;
  channel_id: string;
  seq: number;
  author_kind: 'user' | 'agent';
  author_user_id: string | null;
  author_agent_name: string | null;
  author_display_name: string | null;
  sender_key: string;
  client_message_id: string | null;
  text: string;
  payload: unknown;
  mentions: string[];
  thread_root_id: string | null;
  reply_count: number;
  last_reply_at: Date | null;
  edited_at: Date | null;
  deleted_at: Date | null;
  created_at: Date;
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    channelId: row.channel_id,
    seq: row.seq,
    author:
      row.author_kind === 'agent'
        ? { kind: 'agent', name: row.author_agent_name ?? 'agent' }
        : { kind: 'user', userId: row.author_user_id, displayName: row.author_display_name ?? 'Former member' },
    clientMessageId: row.client_message_id,
    text: row.text,
    payload: row.payload ?? null,
    mentions: row.mentions,
    threadRootId: row.thread_root_id,
    replyCount: row.reply_count,
    lastReplyAt: iso(row.last_reply_at),
    editedAt: iso(row.edited_at),
    deleted: row.deleted_at !== null,
    createdAt: isoRequired(row.created_at),
  };
}

function selectMessages(db: Db) {
  return db
    .selectFrom('chat_messages as m')
    .leftJoin('users as u', 'u.id', 'm.author_user_id')
    .select([
      'm.id',
      'm.workspace_id',
      'm.channel_id',
      'm.seq',
      'm.author_kind',
      'm.author_user_id',
      'm.author_agent_name',
      'u.display_name as author_display_name',
      'm.sender_key',
      'm.client_message_id',
      'm.text',
      'm.payload',
      'm.mentions',
      'm.thread_root_id',
      'm.reply_count',
      'm.last_reply_at',
      'm.edited_at',
      'm.deleted_at',
      'm.created_at',
    ]);
}

export async function findMessage(
  db: Db,
  args: { workspaceId: string; messageId: string; channelId?: string },
): Promise<MessageRow | undefined> {
  let query = selectMessages(db).where('m.workspace_id', '=', args.workspaceId).where('m.id', '=', args.messageId);
  if (args.channelId) query = query.where('m.channel_id', '=', args.channelId);
  return query.executeTakeFirst();
}

export async function findMessageByClientId(
  db: Db,
  args: { channelId: string; senderKey: string; clientMessageId: string },
): Promise<MessageRow | undefined> {
  return selectMessages(db)
    .where('m.channel_id', '=', args.channelId)
    .where('m.sender_key', '=', args.senderKey)
    .where('m.client_message_id', '=', args.clientMessageId)
    .executeTakeFirst();
}

/** Messages by sequence: `after` (catch-up, ascending) or `before` (history, newest first then re-sorted ascending). */
export async function listMessages(
  db: Db,
  args: { channelId: string; afterSeq?: number; beforeSeq?: number; limit: number; threadRootId?: string },
): Promise<MessageRow[]> {
  let query = selectMessages(db).where('m.channel_id', '=', args.channelId);
  if (args.threadRootId) query = query.where('m.thread_root_id', '=', args.threadRootId);
  if (args.afterSeq !== undefined) query = query.where('m.seq', '>', args.afterSeq);
  if (args.beforeSeq !== undefined) query = query.where('m.seq', '<', args.beforeSeq);
  if (args.afterSeq === undefined) {
    const rows = await query.orderBy('m.seq', 'desc').limit(args.limit).execute();
    return rows.reverse();
  }
  return query.orderBy('m.seq', 'asc').limit(args.limit).execute();
}

/**
 * Stores a message in one statement: takes the channel's next sequence number, inserts the message, moves the
 * sender's read cursor (joining a public channel on first post) and counts the reply on its thread root. Returns
 * undefined, and changes nothing, when this sender already stored `clientMessageId` in this channel (a retry).
 *
 * One statement is atomic without BEGIN/COMMIT round trips, which matters on PGlite (see bench/chat). The duplicate
 * guard is inside the statement, so the sequence stays gap-free; only two processes racing the very same
 * clientMessageId could still burn a number (the unique index then rejects the second insert).
 */
export async function storeMessage(
  db: Db,
  args: {
    workspaceId: string;
    channelId: string;
    authorKind: 'user' | 'agent';
    authorUserId: string | null;
    authorAgentName: string | null;
    apiTokenId: string | null;
    senderKey: string;
    clientMessageId: string | null;
    text: string;
    payload: unknown;
    mentions: string[];
    threadRootId: string | null;
  },
): Promise<MessageRow | undefined> {
  const payload = args.payload === undefined || args.payload === null ? null : toJsonb(args.payload);
  const result = await sql<MessageRow>`
    with seq as (
      update chat_channels set last_seq = last_seq + 1
      where id = ${args.channelId}::uuid and workspace_id = ${args.workspaceId}::uuid
        and not exists (
          select 1 from chat_messages d
          where d.channel_id = ${args.channelId}::uuid and d.sender_key = ${args.senderKey}::text
            and d.client_message_id = ${args.clientMessageId}::text
        )
      returning last_seq
    ), m as (
      insert into chat_messages (
        workspace_id, channel_id, seq, author_kind, author_user_id, author_agent_name, api_token_id, sender_key,
        client_message_id, text, payload, mentions, thread_root_id
      )
      select ${args.workspaceId}::uuid, ${args.channelId}::uuid, seq.last_seq, ${args.authorKind}::text, ${args.authorUserId}::uuid,
        ${args.authorAgentName}::text, ${args.apiTokenId}::uuid, ${args.senderKey}::text, ${args.clientMessageId}::text,
        ${args.text}::text, ${payload}::jsonb, ${toJsonb(args.mentions)}::jsonb, ${args.threadRootId}::uuid
      from seq
      returning *
    ), cursor as (
      insert into channel_members (channel_id, user_id, workspace_id, last_read_seq)
      select m.channel_id, m.author_user_id, m.workspace_id, m.seq from m where m.author_user_id is not null
      on conflict (channel_id, user_id) do update set last_read_seq = greatest(channel_members.last_read_seq, excluded.last_read_seq)
    ), root as (
      update chat_messages r set reply_count = r.reply_count + 1, last_reply_at = now()
      from m where r.id = m.thread_root_id and r.channel_id = m.channel_id
    )
    select m.id, m.workspace_id, m.channel_id, m.seq, m.author_kind, m.author_user_id, m.author_agent_name,
      u.display_name as author_display_name, m.sender_key, m.client_message_id, m.text, m.payload, m.mentions,
      m.thread_root_id, m.reply_count, m.last_reply_at, m.edited_at, m.deleted_at, m.created_at
    from m left join users u on u.id = m.author_user_id`.execute(db);
  return result.rows[0];
}

export async function updateMessageText(db: Db, args: { messageId: string; text: string }): Promise<void> {
  await db
    .updateTable('chat_messages')
    .set({ text: args.text, edited_at: new Date() })
    .where('id', '=', args.messageId)
    .execute();
}

/** Deletion keeps a tombstone (sequence numbers stay gap-free) but drops the content. */
export async function softDeleteMessage(db: Db, args: { messageId: string }): Promise<void> {
  await db
    .updateTable('chat_messages')
    .set({ text: '', payload: null, mentions: '[]', deleted_at: new Date() })
    .where('id', '=', args.messageId)
    .execute();
}

/** Moves a read cursor forward only (never back), bounded by the channel's newest message. */
export async function advanceReadCursor(
  db: Db,
  args: { channelId: string; userId: string; seq: number },
): Promise<number | undefined> {
  const row = await db
    .updateTable('channel_members')
    .set({
      last_read_seq: sql<number>`greatest(last_read_seq, least(${args.seq}::int, (select last_seq from chat_channels where id = ${args.channelId})))`,
    })
    .where('channel_id', '=', args.channelId)
    .where('user_id', '=', args.userId)
    .returning('last_read_seq')
    .executeTakeFirst();
  return row?.last_read_seq;
}
