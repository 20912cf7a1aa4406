import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxVectorStoreV1 } from './v1/IonfluxVectorStoreV1.node';
import { operationSubtitle } from '../shared/operation';
import { properties } from './actions/router';

/** IONFLUX Vector Store: embed texts and store or search them, in Pinecone or in the IONFLUX workspace. */
export class IonfluxVectorStore extends VersionedNodeType {
  constructor() {
    const baseDescription: INodeTypeBaseDescription = {
      displayName: 'IONFLUX Vector Store',
      name: 'ionfluxVectorStore',
      icon: 'file:ionfluxVectorStore.svg',
      group: ['transform'],
      subtitle: operationSubtitle(properties),
      description: 'Store embeddings of texts and find the most similar ones (Pinecone or the workspace store)',
      defaultVersion: 1,
    };
    super({ 1: new IonfluxVectorStoreV1(baseDescription) } as IVersionedNodeType['nodeVersions'], baseDescription);
  }
}
