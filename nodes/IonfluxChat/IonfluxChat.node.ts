import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxChatV1 } from './v1/IonfluxChatV1.node';
import { operationSubtitle } from '../shared/operation';
import { properties } from './actions/router';

/** IONFLUX Chat: post messages as an agent and read threads of the team chat. */
export class IonfluxChat extends VersionedNodeType {
  constructor() {
    const baseDescription: INodeTypeBaseDescription = {
      displayName: 'IONFLUX Chat',
      name: 'ionfluxChat',
      icon: 'file:ionfluxChat.svg',
      group: ['output'],
      subtitle: operationSubtitle(properties),
      description: 'Post a message in an IONFLUX chat channel, or read a thread',
      defaultVersion: 1,
    };
    super({ 1: new IonfluxChatV1(baseDescription) } as IVersionedNodeType['nodeVersions'], baseDescription);
  }
}
