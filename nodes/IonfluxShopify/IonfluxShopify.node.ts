import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxShopifyV1 } from './v1/IonfluxShopifyV1.node';
import { operationSubtitle } from '../shared/operation';
import { properties } from './actions/router';

/** IONFLUX Shopify: orders, revenue, products and customers over the Admin GraphQL API (2025-10). */
export class IonfluxShopify extends VersionedNodeType {
  constructor() {
    const baseDescription: INodeTypeBaseDescription = {
      displayName: 'IONFLUX Shopify',
      name: 'ionfluxShopify',
      icon: 'file:ionfluxShopify.svg',
      group: ['input'],
      subtitle: operationSubtitle(properties),
      description: 'Read orders, revenue, products and customers of a Shopify store',
      defaultVersion: 1,
    };
    const nodeVersions: IVersionedNodeType['nodeVersions'] = {
      1: new IonfluxShopifyV1(baseDescription),
    };
    super(nodeVersions, baseDescription);
  }
}
