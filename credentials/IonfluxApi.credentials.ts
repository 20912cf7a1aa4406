import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties } from 'n8n-workflow';

/** The IONFLUX server (canvas, chat, notifications, vectors), reached with an API token of a workspace. */
export class IonfluxApi implements ICredentialType {
  name = 'ionfluxApi';

  displayName = 'IONFLUX API';

  icon = 'file:../nodes/IonfluxCanvas/ionfluxCanvas.svg' as const;

  documentationUrl = 'https://github.com/ionflux/ionflux#readme';

  properties: INodeProperties[] = [
    {
      displayName: 'Base URL',
      name: 'baseUrl',
      type: 'string',
      default: 'http://127.0.0.1:8080',
      required: true,
      description: 'Where the IONFLUX server runs',
    },
    {
      displayName: 'API Token',
      name: 'token',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
      description: 'A workspace API token (Settings > API tokens)',
    },
  ];

  authenticate: IAuthenticateGeneric = {
    type: 'generic',
    properties: {
      headers: { Authorization: '=Bearer {{$credentials.token}}' },
    },
  };

  test: ICredentialTestRequest = {
    request: {
      baseURL: '={{ $credentials.baseUrl.replace(/\\/+$/, "") }}',
      url: '/api/api-token',
    },
  };
}
