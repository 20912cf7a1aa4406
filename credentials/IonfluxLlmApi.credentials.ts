import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** Any OpenAI-compatible endpoint: base URL, API key and default models. */
export class IonfluxLlmApi implements ICredentialType {
  name = 'ionfluxLlmApi';

  displayName = 'IONFLUX LLM API';

  icon = 'file:../nodes/IonfluxLlm/ionfluxLlm.svg' as const;

  documentationUrl = 'https://platform.openai.com/docs/api-reference/chat/create';

  properties: INodeProperties[] = [
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'https://api.openai.com/v1',
      required: true,
      description:
        'OpenAI-compatible API root (…/v1), e.g. the IONFLUX sandbox at http://127.0.0.1:4010/sandbox/openai/v1',
    },
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
    },
    {
      displayName: 'Model',
      name: 'model',
      type: 'string',
      default: 'gpt-4o-mini',
      description: 'Chat model used when a step does not name one',
    },
    {
      displayName: 'Embedding Model',
      name: 'embeddingModel',
      type: 'string',
      default: 'text-embedding-3-small',
      description: 'Model for vector steps',
    },
    {
      displayName: 'Budget per Execution (Tokens)',
      name: 'executionBudget',
      // Strings: an IONFLUX server sets them to expressions reading each run's budgets (n8n's API takes no
      // expression in a number field).
      type: 'string',
      default: '',
      placeholder: 'e.g. 20000',
      description:
        'Most tokens the model calls of one execution may use together (every IONFLUX LLM and Vector Store node); the call that goes over stops the execution. Empty: no limit.',
    },
    {
      displayName: 'Budget per Execution (USD)',
      name: 'executionBudgetUsd',
      type: 'string',
      default: '',
      placeholder: 'e.g. 0.05',
      description:
        'Most dollars the model calls of one execution may cost together, priced with Prices; a call to a model without a price stops the execution. Empty: no limit.',
    },
    {
      displayName: 'Prices',
      name: 'prices',
      type: 'string',
      default: '',
      placeholder: 'gpt-4o-mini=0.15/0.6',
      description:
        "USD per million prompt/completion tokens by model, comma-separated (a dated model such as gpt-4o-mini-2024-07-18 takes its family's price); used by the USD budget",
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: { Authorization: '=Bearer {{$credentials.apiKey}}' },
    },
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{ $credentials.baseUrl.replace(/\\/+$/, "") }}',
      url: '/models',
    },
  };
}
