import { VersionedNodeType } from 'n8n-workflow';
import type { INodeTypeBaseDescription, IVersionedNodeType } from 'n8n-workflow';
import { IonfluxLlmV1 } from './v1/IonfluxLlmV1.node';
import { operationSubtitle } from '../shared/operation';
import { properties } from './actions/router';

/** IONFLUX LLM: generate, summarize, extract (schema-validated) and classify with any OpenAI-compatible model. */
export class IonfluxLlm extends VersionedNodeType {
  constructor() {
    const baseDescription: INodeTypeBaseDescription = {
      displayName: 'IONFLUX LLM',
      name: 'ionfluxLlm',
      icon: 'file:ionfluxLlm.svg',
      group: ['transform'],
      subtitle: operationSubtitle(properties),
      description: 'Generate, summarize, extract and classify text with an OpenAI-compatible model',
      defaultVersion: 1,
    };
    const nodeVersions: IVersionedNodeType['nodeVersions'] = {
      1: new IonfluxLlmV1(baseDescription),
    };
    super(nodeVersions, baseDescription);
  }
}
