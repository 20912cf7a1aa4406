import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readAny, readString } from '../../../shared/parameters';
import { IonfluxApiClient } from '../../../shared/ionflux/transport';
import { channelProperty, threadIdProperty, type ServerMessage } from '../common';

export const meta: OperationMeta = { action: 'chat.post', effect: 'write', idempotent: false };

export const description: INodeProperties[] = forOperation('message', 'post', [
  channelProperty,
  {
    displayName: 'Text',
    name: 'text',
    type: 'string',
    typeOptions: { rows: 4 },
    default: '',
    required: true,
    description: 'Message text; markdown is rendered',
  },
  threadIdProperty('Reply in the thread of this message'),
  {
    displayName: 'Payload',
    name: 'payload',
    type: 'json',
    default: 'null',
    description: 'Structured data shown with the message (tables, briefs); null for none',
  },
]);

/**
 * Posts as the agent (the workflow's name). The message carries an id derived from the execution, node and item, so
 * a retried request never posts twice.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const channel = readString(this, 'channel', itemIndex, { required: true }).trim();
  const text = readString(this, 'text', itemIndex) ?? '';
  const threadId = readString(this, 'threadId', itemIndex)?.trim();
  const payload = readAny(this, 'payload', itemIndex);
  const api = await IonfluxApiClient.forItem(this, itemIndex);
  const workflowName = this.getWorkflow().name;
  return api.run(async () => {
    const result = await api.workspace<{ message: ServerMessage }>('POST', '/messages', {
      channel,
      text,
      ...(payload !== undefined ? { payload } : {}),
      ...(threadId ? { threadRootId: threadId } : {}),
      ...(workflowName ? { agentName: workflowName.slice(0, 100) } : {}),
      clientMessageId: `${this.getExecutionId()}:${this.getNode().id}:${itemIndex}`.slice(0, 100),
    });
    return { messageId: result.message.id, channel: channel.replace(/^#/, ''), threadId: result.message.threadRootId };
  });
}
