import { z } from 'zod';
import { ChannelNameSchema, SendMessageInputSchema } from '../../../domain/chat';
import { ChannelSchema, MessageSchema } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { int32, queryInt, queryInt32, uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';

const ChannelParams = WorkspaceParams.extend({ channelId: uuid });
const ChannelMemberParams = ChannelParams.extend({ userId: uuid });
const MessageParams = ChannelParams.extend({ messageId: uuid });
const WorkspaceMessageParams = WorkspaceParams.extend({ messageId: uuid });
const SendResult = z.object({
  message: MessageSchema,
  duplicate: z.boolean().describe('true when this clientMessageId was already sent: nothing new was created'),
});
const ThreadResult = z.object({ root: MessageSchema, replies: z.array(MessageSchema) });
const CHAT_BODY_BYTES = 96 * 1024;

/** `after` is a sequence number (digits) or a message id. */
const AfterQuery = z
  .union([
    z
      .string()
      .regex(/^\d{1,10}$/)
      .transform(Number)
      .pipe(int32()),
    uuid,
  ])
  .describe('Catch up: only messages after this sequence number or message id');

export function chatRoutes(useCases: UseCases): RouteDefinition[] {
  const { chat } = useCases;
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/channels',
      operationId: 'listChannels',
      summary: 'Channels you can see, with unread counts',
      tags: ['chat'],
      policy: { kind: 'workspace', minRole: 'viewer', apiTokenScope: 'chat:read' },
      params: WorkspaceParams,
      response: { status: 200, description: 'Channels', schema: z.object({ channels: z.array(ChannelSchema) }) },
      handler: async ({ auth }) => ({ channels: await chat.listChannels(auth.access!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/channels',
      operationId: 'createChannel',
      summary: 'Create a public or private channel',
      tags: ['chat'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'chat:write' },
      params: WorkspaceParams,
      body: z.strictObject({
        name: ChannelNameSchema,
        visibility: z.enum(['public', 'private']).default('public'),
        topic: z.string().trim().max(250).default(''),
        memberIds: z.array(uuid).max(500).default([]).describe('Workspace members to add (you are added too)'),
      }),
      example: { body: { name: 'sales', visibility: 'public', topic: 'Deals and orders' } },
      response: { status: 201, description: 'Created', schema: z.object({ channel: ChannelSchema }) },
      errors: [409],
      handler: async ({ auth, body }) => ({ channel: await chat.createChannel(auth.access!, body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/channels/:channelId',
      operationId: 'getChannel',
      summary: 'One channel',
      tags: ['chat'],
      policy: { kind: 'workspace', minRole: 'viewer', apiTokenScope: 'chat:read' },
      params: ChannelParams,
      response: { status: 200, description: 'Channel', schema: z.object({ channel: ChannelSchema }) },
      handler: async ({ auth, params }) => ({ channel: await chat.getChannel(auth.access!, params.channelId) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId/channels/:channelId',
      operationId: 'updateChannel',
      summary: 'Rename a channel or change its topic (creator or admin)',
      tags: ['chat'],
      policy: { kind: 'workspace', minRole: 'member' },
      params: ChannelParams,
      body: z.strictObject({ name: ChannelNameSchema.optional(), topic: z.string().trim().max(250).optional() }),
      example: { body: { topic: 'Deals, orders and Shopify alerts' } },
      response: { status: 200, description: 'Updated', schema: z.object({ channel: ChannelSchema }) },
      errors: [409],
      handler: async ({ auth, params, body }) => ({
        channel: await chat.updateChannel(auth.access!, params.channelId, body),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/channels/:channelId/members',
      operationId: 'addChannelMember',
      summary: 'Join a public channel (your own id) or add a workspace member',
      tags: ['chat'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: ChannelParams,
      body: z.strictObject({ userId: uuid }),
      example: { body: { userId: '00000000-0000-4000-8000-000000000000' } },
      response: { status: 200, description: 'The channel', schema: z.object({ channel: ChannelSchema }) },
      handler: async ({ auth, params, body }) => ({
        channel: await chat.addMember(auth.access!, params.channelId, body.userId),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/channels/:channelId/members/:userId',
      operationId: 'removeChannelMember',
      summary: 'Leave a channel (yourself) or remove someone (creator or admin)',
      tags: ['chat'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: ChannelMemberParams,
      response: { status: 204, description: 'Removed' },
      handler: async ({ auth, params }) => {
        await chat.removeMember(auth.access!, params.channelId, params.userId);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/channels/:channelId/messages',
      operationId: 'listMessages',
      summary: 'Messages: the newest page, older ones (before), or a catch-up after a sequence number or message id',
      description:
        'Without after: the newest `limit` messages (before=<seq>: the newest ones before it). With after (a sequence ' +
        'number or a message id): the oldest `limit` messages after it; with before as well, only those in between ' +
        '(after < seq < before; before must be greater than after). Always ascending by seq. ' +
        'Reconnecting clients that could not recover their socket session call this with after=<last seq they saw> ' +
        'and page with hasMore until everything is back, in order, without duplicates.',
      tags: ['chat'],
      policy: { kind: 'workspace', minRole: 'viewer', apiTokenScope: 'chat:read' },
      params: ChannelParams,
      query: z.object({
        after: AfterQuery.optional(),
        before: queryInt32(1).optional().describe('History: only messages before this sequence number'),
        limit: queryInt({ min: 1, max: 200, fallback: 50 }),
      }),
      example: { query: { after: '0', limit: '50' } },
      response: {
        status: 200,
        description: 'Messages in ascending sequence order',
        schema: z.object({ messages: z.array(MessageSchema), lastSeq: z.int(), hasMore: z.boolean() }),
      },
      handler: async ({ auth, params, query }) =>
        chat.listMessages(auth.access!, {
          channelId: params.channelId,
          after: typeof query.after === 'number' ? query.after : undefined,
          afterMessageId: typeof query.after === 'string' ? query.after : undefined,
          before: query.before,
          limit: query.limit,
        }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/channels/:channelId/messages',
      operationId: 'sendMessage',
      summary: 'Post a message (stored, then broadcast as message:new)',
      description: 'Retrying with the same clientMessageId returns the first message with duplicate=true.',
      tags: ['chat'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'chat:write' },
      params: ChannelParams,
      maxBodyBytes: CHAT_BODY_BYTES,
      body: SendMessageInputSchema,
      example: { body: { text: 'Kick-off at 10:00 :rocket:', clientMessageId: 'c-1' } },
      response: { status: 201, description: 'The stored message', schema: SendResult },
      handler: async ({ auth, params, body }) =>
        chat.sendMessage(auth.access!, { channelId: params.channelId, input: body }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId/channels/:channelId/messages/:messageId',
      operationId: 'editMessage',
      summary: 'Edit your message',
      tags: ['chat'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'chat:write' },
      params: MessageParams,
      body: z.strictObject({ text: z.string().max(20_000) }),
      example: { body: { text: 'Kick-off moved to 11:00' } },
      response: { status: 200, description: 'Edited', schema: z.object({ message: MessageSchema }) },
      errors: [409],
      handler: async ({ auth, params, body }) => ({
        message: await chat.editMessage(auth.access!, { ...params, text: body.text }),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/channels/:channelId/messages/:messageId',
      operationId: 'deleteMessage',
      summary: 'Delete a message (author or admin); a tombstone keeps its place in the sequence',
      tags: ['chat'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'chat:write' },
      params: MessageParams,
      response: { status: 200, description: 'The tombstone', schema: z.object({ message: MessageSchema }) },
      handler: async ({ auth, params }) => ({ message: await chat.deleteMessage(auth.access!, params) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/channels/:channelId/messages/:messageId/thread',
      operationId: 'getThread',
      summary: 'A thread: its root message and replies',
      tags: ['chat'],
      policy: { kind: 'workspace', minRole: 'viewer', apiTokenScope: 'chat:read' },
      params: MessageParams,
      response: { status: 200, description: 'Thread', schema: ThreadResult },
      handler: async ({ auth, params }) =>
        chat.getThread(auth.access!, { messageId: params.messageId, channelId: params.channelId }),
    }),
    defineRoute({
      method: 'put',
      path: '/api/workspaces/:workspaceId/channels/:channelId/read',
      operationId: 'markChannelRead',
      summary: 'Move your read cursor forward (unread counts follow)',
      tags: ['chat'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: ChannelParams,
      body: z.strictObject({ seq: int32() }),
      example: { body: { seq: 1 } },
      response: {
        status: 200,
        description: 'The channel with its new unread count',
        schema: z.object({ channel: ChannelSchema }),
      },
      errors: [409],
      handler: async ({ auth, params, body }) => ({
        channel: await chat.markRead(auth.access!, { channelId: params.channelId, seq: body.seq }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/messages',
      operationId: 'postMessageToChannel',
      summary: 'Post a message to a channel given by name or id (for agents)',
      description: 'With an API token the author is the agent (agentName, default the token name).',
      tags: ['chat', 'agents'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'chat:write' },
      params: WorkspaceParams,
      maxBodyBytes: CHAT_BODY_BYTES,
      body: z.intersection(
        z.object({ channel: z.string().trim().min(1).max(100).describe('Channel name (general or #general) or id') }),
        SendMessageInputSchema,
      ),
      example: {
        body: {
          channel: '#sales',
          text: 'New order over $100: **$150.00**',
          agentName: 'Shopify Sales Sentinel',
          clientMessageId: 'order-1001',
        },
      },
      response: { status: 201, description: 'The stored message', schema: SendResult },
      handler: async ({ auth, body }) => {
        const { channel, ...input } = body;
        const isId = uuid.safeParse(channel).success;
        return chat.sendMessage(auth.access!, { ...(isId ? { channelId: channel } : { channelName: channel }), input });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/messages',
      operationId: 'listChannelMessagesByName',
      summary: 'The newest messages of a channel given by name or id, oldest first (for agents)',
      tags: ['chat', 'agents'],
      policy: { kind: 'workspace', minRole: 'viewer', apiTokenScope: 'chat:read' },
      params: WorkspaceParams,
      query: z.object({
        channel: z.string().trim().min(1).max(100).describe('Channel name (general or #general) or id'),
        limit: queryInt({ min: 1, max: 200, fallback: 50 }),
      }),
      example: { query: { channel: 'general', limit: '20' } },
      response: {
        status: 200,
        description: 'Messages in ascending sequence order',
        schema: z.object({ messages: z.array(MessageSchema), lastSeq: z.int(), hasMore: z.boolean() }),
      },
      handler: async ({ auth, query }) => {
        const isId = uuid.safeParse(query.channel).success;
        const channel = await chat.resolveChannel(
          auth.access!,
          isId ? { channelId: query.channel } : { channelName: query.channel },
        );
        return chat.listMessages(auth.access!, { channelId: channel.id, limit: query.limit });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/messages/:messageId/thread',
      operationId: 'getThreadById',
      summary: 'A thread by message id, without knowing its channel (for agents)',
      tags: ['chat', 'agents'],
      policy: { kind: 'workspace', minRole: 'viewer', apiTokenScope: 'chat:read' },
      params: WorkspaceMessageParams,
      response: { status: 200, description: 'Thread', schema: ThreadResult },
      handler: async ({ auth, params }) => chat.getThread(auth.access!, { messageId: params.messageId }),
    }),
  ];
}
