import type { INodeTypeBaseDescription } from 'n8n-workflow';
import { RoutedNodeVersion } from '../../shared/routed-node';
import { properties, router } from '../actions/router';

export class IonfluxVectorStoreV1 extends RoutedNodeVersion {
  constructor(baseDescription: INodeTypeBaseDescription) {
    super(baseDescription, {
      name: 'Vector Store',
      // Each slot has its own label (n8n labels them all "Credential" otherwise). The workspace slot is hidden for
      // Pinecone rather than shown for the workspace: when every Store value shows a credential, n8n's editor takes
      // Store for an authentication field, hides it from the panel and mixes up the slots.
      credentials: [
        {
          name: 'ionfluxApi',
          displayName: 'IONFLUX Workspace',
          required: true,
          displayOptions: { hide: { backend: ['pinecone'] } },
        },
        {
          name: 'ionfluxPineconeApi',
          displayName: 'Pinecone',
          required: true,
          displayOptions: { show: { backend: ['pinecone'] } },
        },
        { name: 'ionfluxLlmApi', displayName: 'Embedding Model (LLM)', required: true },
      ],
      properties,
      router,
    });
  }
}
