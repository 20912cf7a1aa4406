import type { IDataObject, INodeProperties } from 'n8n-workflow';

export const channelProperty: INodeProperties = {
  displayName: 'Channel',
  name: 'channel',
  type: 'string',
  default: '',
  required: true,
  placeholder: 'sales',
  description: 'Channel name (with or without #) or ID',
};

export const threadIdProperty = (description: string): INodeProperties => ({
  displayName: 'Thread ID',
  name: 'threadId',
  type: 'string',
  default: '',
  description,
});

/** A message as the server returns it. */
export interface ServerMessage {
  id: string;
  channelId: string;
  author: { kind: 'user'; displayName: string } | { kind: 'agent'; name: string };
  text: string;
  threadRootId: string | null;
  deleted: boolean;
  createdAt: string;
}

/** The catalog's chat message: who wrote it, what, when. */
export function toChatMessage(message: ServerMessage): IDataObject {
  return {
    id: message.id,
    author: message.author.kind === 'agent' ? message.author.name : message.author.displayName,
    authorKind: message.author.kind,
    text: message.text,
    createdAt: message.createdAt,
    threadId: message.threadRootId,
  };
}
