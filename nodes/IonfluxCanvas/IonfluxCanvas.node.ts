import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxCanvasV1 } from './v1/IonfluxCanvasV1.node';
import { operationSubtitle } from '../shared/operation';
import { properties } from './actions/router';

/** IONFLUX Canvas: writes agent output into blocks of a workspace's canvas pages. */
export class IonfluxCanvas extends VersionedNodeType {
  constructor() {
    const baseDescription: INodeTypeBaseDescription = {
      displayName: 'IONFLUX Canvas',
      name: 'ionfluxCanvas',
      icon: 'file:ionfluxCanvas.svg',
      group: ['output'],
      subtitle: operationSubtitle(properties),
      description: 'Write, append to or replace a block on an IONFLUX canvas page',
      defaultVersion: 1,
    };
    super({ 1: new IonfluxCanvasV1(baseDescription) } as IVersionedNodeType['nodeVersions'], baseDescription);
  }
}
