import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readInteger, readString } from '../../../shared/parameters';
import { IonfluxApiClient } from '../../../shared/ionflux/transport';
import { channelProperty, threadIdProperty, toChatMessage, type ServerMessage } from '../common';

export const meta: OperationMeta = { action: 'chat.thread', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('thread', 'read', [
  channelProperty,
  threadIdProperty("Thread root (or any reply) message ID; empty for the channel's latest messages"),
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 500 },
    default: 50,
    description: 'Most recent messages to read',
  },
]);

/** A thread (root and replies) or the channel's latest messages, oldest first, without deleted ones. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const channel = readString(this, 'channel', itemIndex, { required: true }).trim();
  const threadId = readString(this, 'threadId', itemIndex)?.trim();
  const limit = readInteger(this, 'limit', itemIndex, { min: 1, max: 500 }) ?? 50;
  const api = await IonfluxApiClient.forItem(this, itemIndex);
  return api.run(async () => {
    let messages: ServerMessage[];
    if (threadId) {
      const thread = await api.workspace<{ root: ServerMessage; replies: ServerMessage[] }>(
        'GET',
        `/messages/${encodeURIComponent(threadId)}/thread`,
      );
      messages = [thread.root, ...thread.replies].slice(-limit);
    } else {
      const page = await api.workspace<{ messages: ServerMessage[] }>('GET', '/messages', undefined, {
        channel,
        limit: Math.min(limit, 200),
      });
      messages = page.messages;
    }
    const visible = messages.filter((m) => !m.deleted).map(toChatMessage);
    return { messages: visible, count: visible.length };
  });
}
