import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxNotifyV1 } from './v1/IonfluxNotifyV1.node';
import { operationSubtitle } from '../shared/operation';
import { properties } from './actions/router';

/** IONFLUX Notify: notifications for the members of a workspace, delivered live to their feed. */
export class IonfluxNotify extends VersionedNodeType {
  constructor() {
    const baseDescription: INodeTypeBaseDescription = {
      displayName: 'IONFLUX Notify',
      name: 'ionfluxNotify',
      icon: 'file:ionfluxNotify.svg',
      group: ['output'],
      subtitle: operationSubtitle(properties),
      description: 'Notify the members of an IONFLUX workspace',
      defaultVersion: 1,
    };
    super({ 1: new IonfluxNotifyV1(baseDescription) } as IVersionedNodeType['nodeVersions'], baseDescription);
  }
}
