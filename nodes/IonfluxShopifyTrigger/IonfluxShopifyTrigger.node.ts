import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxShopifyTriggerV1 } from './v1/IonfluxShopifyTriggerV1.node';

/** IONFLUX Shopify Trigger: starts a workflow on a signed Shopify order webhook. */
export class IonfluxShopifyTrigger extends VersionedNodeType {
  constructor() {
    const baseDescription: INodeTypeBaseDescription = {
      displayName: 'IONFLUX Shopify Trigger',
      name: 'ionfluxShopifyTrigger',
      icon: 'file:ionfluxShopifyTrigger.svg',
      group: ['trigger'],
      subtitle: '={{$parameter["topic"]}}',
      description: 'Starts the workflow when Shopify sends an order webhook (signature verified)',
      defaultVersion: 1,
    };
    const nodeVersions: IVersionedNodeType['nodeVersions'] = {
      1: new IonfluxShopifyTriggerV1(baseDescription),
    };
    super(nodeVersions, baseDescription);
  }
}
