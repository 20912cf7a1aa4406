import type { INodeTypeBaseDescription } from 'n8n-workflow';
import { RoutedNodeVersion } from '../../shared/routed-node';
import { properties, router } from '../actions/router';

export class IonfluxHttpRequestV1 extends RoutedNodeVersion {
  constructor(baseDescription: INodeTypeBaseDescription) {
    super(baseDescription, {
      name: 'HTTP Request',
      properties,
      router,
    });
  }
}
