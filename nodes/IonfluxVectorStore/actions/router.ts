import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { nodeProperties, routeOperation } from '../../shared/operation';
import type { OperationTable } from '../../shared/operation';
import * as query from './vector/query.operation';
import * as upsert from './vector/upsert.operation';

export const operations: OperationTable = { vector: { upsert, query } };

const backendProperty: INodeProperties = {
  displayName: 'Store',
  name: 'backend',
  type: 'options',
  options: [
    {
      name: 'IONFLUX Workspace',
      value: 'ionflux',
      description: "The workspace's own store (PostgreSQL, pgvector when available)",
    },
    { name: 'Pinecone', value: 'pinecone', description: 'A Pinecone index' },
  ],
  default: 'ionflux',
  description: 'Where the vectors are kept: the IONFLUX workspace, or a Pinecone index of yours',
};

export const properties = nodeProperties(
  [
    {
      value: 'vector',
      name: 'Vector',
      operations: [
        {
          value: 'upsert',
          name: 'Upsert',
          action: 'Store documents',
          description: 'Embed documents and store them in a namespace',
        },
        {
          value: 'query',
          name: 'Query',
          action: 'Query similar documents',
          description: 'Find the stored documents most similar to a text',
        },
      ],
    },
  ],
  operations,
  { before: [backendProperty] },
);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  return await routeOperation(this, operations);
}
