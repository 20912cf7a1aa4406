import { NodeConnectionTypes } from 'n8n-workflow';
import type {
  IExecuteFunctions,
  INodeExecutionData,
  INodeType,
  INodeTypeBaseDescription,
  INodeTypeDescription,
} from 'n8n-workflow';
import { properties, router } from '../actions/router';

export class IonfluxVectorStoreV1 implements INodeType {
  description: INodeTypeDescription;

  constructor(baseDescription: INodeTypeBaseDescription) {
    this.description = {
      ...baseDescription,
      version: 1,
      defaults: { name: 'Vector Store' },
      inputs: [NodeConnectionTypes.Main],
      outputs: [NodeConnectionTypes.Main],
      credentials: [
        { name: 'ionfluxLlmApi', required: true },
        { name: 'ionfluxApi', required: true, displayOptions: { show: { backend: ['ionflux'] } } },
        { name: 'ionfluxPineconeApi', required: true, displayOptions: { show: { backend: ['pinecone'] } } },
      ],
      properties,
    };
  }

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return await router.call(this);
  }
}
