import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** A Pinecone index for vector steps. */
export class IonfluxPineconeApi implements ICredentialType {
  name = 'ionfluxPineconeApi';

  displayName = 'IONFLUX Pinecone API';

  icon = 'file:../nodes/IonfluxVectorStore/ionfluxVectorStore.svg' as const;

  documentationUrl = 'https://docs.pinecone.io/reference/api/authentication';

  properties: INodeProperties[] = [
    {
      displayName: 'API Key',
      name: 'apiKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
    },
    {
      displayName: 'Index Name',
      name: 'indexName',
      type: 'string',
      default: '',
      required: true,
    },
    {
      displayName: 'Controller Host',
      name: 'controllerHost',
      type: 'string',
      default: '',
      placeholder: 'https://api.pinecone.io',
      description: 'Optional control-plane URL (default https://api.pinecone.io)',
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: { 'Api-Key': '={{$credentials.apiKey}}' },
    },
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{ ($credentials.controllerHost || "https://api.pinecone.io").replace(/\\/+$/, "") }}',
      url: '={{ "/indexes/" + encodeURIComponent($credentials.indexName) }}',
      headers: { 'X-Pinecone-API-Version': '2025-04' },
    },
  };
}
