import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxTikTokV1 } from './v1/IonfluxTikTokV1.node';
import { operationSubtitle } from '../shared/operation';
import { properties } from './actions/router';

/** IONFLUX TikTok: trends (Creative Center), creators (Creator Marketplace) and video stats (Research API). */
export class IonfluxTikTok extends VersionedNodeType {
  constructor() {
    const baseDescription: INodeTypeBaseDescription = {
      displayName: 'IONFLUX TikTok',
      name: 'ionfluxTikTok',
      icon: 'file:ionfluxTikTok.svg',
      group: ['input'],
      subtitle: operationSubtitle(properties),
      description: 'Trending hashtags and sounds, creator search and video stats from TikTok',
      defaultVersion: 1,
    };
    const nodeVersions: IVersionedNodeType['nodeVersions'] = {
      1: new IonfluxTikTokV1(baseDescription),
    };
    super(nodeVersions, baseDescription);
  }
}
