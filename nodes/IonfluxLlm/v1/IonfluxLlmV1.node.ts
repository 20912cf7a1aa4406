import type { INodeTypeBaseDescription } from 'n8n-workflow';
import { RoutedNodeVersion } from '../../shared/routed-node';
import { properties, router } from '../actions/router';
import { LLM_CREDENTIAL } from '../transport';

export class IonfluxLlmV1 extends RoutedNodeVersion {
  constructor(baseDescription: INodeTypeBaseDescription) {
    super(baseDescription, {
      name: 'LLM',
      credentials: [{ name: LLM_CREDENTIAL, required: true }],
      properties,
      router,
      usableAsTool: true,
    });
  }
}
