import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeBaseDescription, INodeTypeDescription } from 'n8n-workflow';
import { properties, router } from '../actions/router';
import { ACCESS_TOKEN_CREDENTIAL, OAUTH2_CREDENTIAL } from '../transport';

export class IonfluxShopifyV1 implements INodeType {
  description: INodeTypeDescription;

  constructor(baseDescription: INodeTypeBaseDescription) {
    this.description = {
      ...baseDescription,
      version: 1,
      defaults: { name: 'Shopify' },
      inputs: [NodeConnectionTypes.Main],
      outputs: [NodeConnectionTypes.Main],
      credentials: [
        { name: ACCESS_TOKEN_CREDENTIAL, required: true, displayOptions: { show: { authentication: ['accessToken'] } } },
        { name: OAUTH2_CREDENTIAL, required: true, displayOptions: { show: { authentication: ['oAuth2'] } } },
      ],
      properties,
    };
  }

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return await router.call(this);
  }
}
