import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { nodeProperties, routeOperation } from '../../shared/operation';
import type { OperationTable } from '../../shared/operation';
import * as messagePost from './message/post.operation';
import * as threadRead from './thread/read.operation';

export const operations: OperationTable = { message: { post: messagePost }, thread: { read: threadRead } };

export const properties = nodeProperties(
  [
    {
      value: 'message',
      name: 'Message',
      operations: [
        {
          value: 'post',
          name: 'Post',
          action: 'Post a message',
          description: 'Post a message as the agent in a channel (or a thread)',
        },
      ],
    },
    {
      value: 'thread',
      name: 'Thread',
      operations: [
        {
          value: 'read',
          name: 'Read',
          action: 'Read a thread',
          description: "A thread's messages, or a channel's latest, oldest first",
        },
      ],
    },
  ],
  operations,
);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  return await routeOperation(this, operations);
}
