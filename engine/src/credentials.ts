import {
  ICredentialsHelper,
  type ICredentials,
  type ICredentialDataDecryptedObject,
  type ICredentialType,
  type IHttpRequestHelper,
  type IHttpRequestOptions,
  type INode,
  type INodeCredentialsDetails,
  type INodeProperties,
  type IRequestOptionsSimplified,
  type IWorkflowExecuteAdditionalData,
} from 'n8n-workflow';

/**
 * Resolves a credential reference of a compiled workflow (`{ id: 'ionflux:store', name: 'store' }`) to its
 * decrypted data. The server implements it over the workspace's encrypted connections; the CLI over the sandbox
 * or environment variables. It is called once per node that needs the credential.
 */
export type CredentialResolver = (request: {
  reference: INodeCredentialsDetails;
  type: string;
  node: INode;
}) => Promise<ICredentialDataDecryptedObject>;

export class CredentialNotFound extends Error {}

/** `={{$credentials.token}}`-style templates in credential `authenticate` definitions. */
function resolveTemplate(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
  if (typeof value !== 'string' || !value.startsWith('=')) return value;
  return value
    .slice(1)
    .replace(/\{\{\s*\$credentials\.([A-Za-z0-9_]+)\s*\}\}/g, (_, key: string) => String(credentials[key] ?? ''));
}

/**
 * n8n's credentials helper for the embedded engine: credentials come from the resolver, never from a database of
 * n8n's; `authenticate` applies a credential type's generic authentication (headers, query, body, basic auth).
 */
export class EngineCredentialsHelper extends ICredentialsHelper {
  constructor(
    private readonly resolver: CredentialResolver,
    private readonly credentialTypes: Record<string, ICredentialType>,
    private readonly supportedNodes: (credentialType: string) => string[] | undefined,
  ) {
    super();
  }

  getParentTypes(name: string): string[] {
    const parents: string[] = [];
    for (let type = this.credentialTypes[name]; type?.extends;) {
      parents.push(...type.extends);
      type = this.credentialTypes[type.extends[0]!];
    }
    return parents;
  }

  isCredentialUsableByNode(credentialType: string, nodeType: string): boolean {
    const nodes = this.supportedNodes(credentialType);
    return nodes === undefined || nodes.includes(nodeType);
  }

  async authenticate(
    credentials: ICredentialDataDecryptedObject,
    typeName: string,
    requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
  ): Promise<IHttpRequestOptions> {
    const options = requestOptions as IHttpRequestOptions;
    const authenticate = this.credentialTypes[typeName]?.authenticate;
    if (!authenticate) return options;
    if (typeof authenticate === 'function') return authenticate(credentials, options);
    const { headers, qs, body, auth } = authenticate.properties as Record<string, Record<string, unknown> | undefined>;
    for (const [key, value] of Object.entries(headers ?? {}))
      options.headers = { ...options.headers, [key]: resolveTemplate(value, credentials) as string };
    for (const [key, value] of Object.entries(qs ?? {}))
      options.qs = { ...options.qs, [key]: resolveTemplate(value, credentials) as string };
    if (body && typeof options.body === 'object' && options.body !== null) {
      for (const [key, value] of Object.entries(body))
        (options.body as Record<string, unknown>)[key] = resolveTemplate(value, credentials);
    }
    if (auth) {
      options.auth = {
        username: String(resolveTemplate(auth.username, credentials)),
        password: String(resolveTemplate(auth.password, credentials)),
      };
    }
    return options;
  }

  async preAuthentication(
    _helpers: IHttpRequestHelper,
    _credentials: ICredentialDataDecryptedObject,
  ): Promise<ICredentialDataDecryptedObject | undefined> {
    return undefined;
  }

  async runPreAuthentication(): Promise<ICredentialDataDecryptedObject | undefined> {
    return undefined;
  }

  async getCredentials(details: INodeCredentialsDetails, type: string): Promise<ICredentials> {
    throw new CredentialNotFound(
      `Credential ${details.name ?? details.id} (${type}) must be read decrypted in the embedded engine.`,
    );
  }

  async getDecrypted(
    _additionalData: IWorkflowExecuteAdditionalData,
    nodeCredentials: INodeCredentialsDetails,
    type: string,
    _mode: unknown,
    executeData?: { node?: INode },
  ): Promise<ICredentialDataDecryptedObject> {
    const node = executeData?.node ?? ({ name: 'unknown', type: 'unknown' } as INode);
    return this.resolver({ reference: nodeCredentials, type, node });
  }

  /** OAuth token refreshes and edits are the server's job (it owns the encrypted connection), not the run's. */
  async updateCredentials(): Promise<void> {}
  async updateCredentialsOauthTokenData(): Promise<void> {}

  getCredentialsProperties(type: string): INodeProperties[] {
    const own = this.credentialTypes[type]?.properties ?? [];
    return [...this.getParentTypes(type).flatMap((parent) => this.credentialTypes[parent]?.properties ?? []), ...own];
  }
}
