import type { INodeTypeBaseDescription } from 'n8n-workflow';
import { RoutedNodeVersion } from '../../shared/routed-node';
import { properties, router } from '../actions/router';
import { shopifyCredentials } from '../authentication';

export class IonfluxShopifyV1 extends RoutedNodeVersion {
  constructor(baseDescription: INodeTypeBaseDescription) {
    super(baseDescription, {
      name: 'Shopify',
      credentials: shopifyCredentials,
      properties,
      router,
      usableAsTool: true,
    });
  }
}
