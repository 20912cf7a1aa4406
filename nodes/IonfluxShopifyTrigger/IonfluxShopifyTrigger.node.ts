import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxShopifyTriggerV1, TOPIC_NAMES } from './v1/IonfluxShopifyTriggerV1.node';
import { optionSubtitle } from '../shared/operation';

/** IONFLUX Shopify Trigger: starts a workflow on a signed Shopify order webhook. */
export class IonfluxShopifyTrigger extends VersionedNodeType {
  constructor() {
    const baseDescription: INodeTypeBaseDescription = {
      displayName: 'IONFLUX Shopify Trigger',
      name: 'ionfluxShopifyTrigger',
      icon: 'file:ionfluxShopifyTrigger.svg',
      group: ['trigger'],
      subtitle: optionSubtitle(TOPIC_NAMES, '$parameter["topic"]'),
      description: 'Handle Shopify order events via signed webhooks',
      defaultVersion: 1,
    };
    const nodeVersions: IVersionedNodeType['nodeVersions'] = {
      1: new IonfluxShopifyTriggerV1(baseDescription),
    };
    super(nodeVersions, baseDescription);
  }
}
