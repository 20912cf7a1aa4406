import type { INodeTypeBaseDescription } from 'n8n-workflow';
import { RoutedNodeVersion } from '../../shared/routed-node';
import { properties, router } from '../actions/router';

export class IonfluxVectorStoreV1 extends RoutedNodeVersion {
  constructor(baseDescription: INodeTypeBaseDescription) {
    super(baseDescription, {
      name: 'Vector Store',
      credentials: [
        { name: 'ionfluxLlmApi', required: true },
        { name: 'ionfluxApi', required: true, displayOptions: { show: { backend: ['ionflux'] } } },
        { name: 'ionfluxPineconeApi', required: true, displayOptions: { show: { backend: ['pinecone'] } } },
      ],
      properties,
      router,
    });
  }
}
