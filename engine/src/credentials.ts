import { createHash } from 'node:crypto';
import { authenticateRequest, expirableProperty, preAuthenticate } from 'n8n-nodes-ionflux';
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

/**
 * A credential n8n changed during a run: an OAuth2 token refreshed by `requestOAuth2` (providers that rotate refresh
 * tokens, as Shopify's expiring offline tokens and TikTok do, accept the old one no longer). Whoever owns the
 * credential stores `data` (the server in the Brand's or Creator's encrypted connection); until the resolver answers
 * the new data, runs in this process are given it in place of what the resolver answers.
 */
export interface CredentialUpdate {
  reference: INodeCredentialsDetails;
  type: string;
  data: ICredentialDataDecryptedObject;
}

/**
 * Values a credential's pre-authentication fetched (client or session tokens), kept as a real n8n keeps them in its
 * database: per credential type and credential contents, for the life of the process, so runs reuse a token until
 * a request is answered 401.
 */
const preAuthenticated = new Map<string, ICredentialDataDecryptedObject>();

/**
 * Credentials n8n updated (refreshed OAuth2 tokens), per credential type and the contents the resolver answered
 * before the update: while the resolver still answers the old contents (its owner has not stored the update, or
 * cannot), runs use the updated ones, so a rotated refresh token is never sent again.
 */
const updated = new Map<string, ICredentialDataDecryptedObject>();

/** JSON with every object's keys sorted, so equal contents give equal keys whatever the order they were built in. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const contentKey = (type: string, credentials: ICredentialDataDecryptedObject) =>
  createHash('sha256')
    .update(`${type}\u0000${canonicalJson(credentials)}`)
    .digest('hex');

function preAuthenticationKey(type: ICredentialType | undefined, credentials: ICredentialDataDecryptedObject): string {
  const expirable = expirableProperty(type);
  const rest = Object.entries(credentials)
    .filter(([key]) => key !== expirable)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256')
    .update(`${type?.name ?? ''}\u0000${JSON.stringify(rest)}`)
    .digest('hex');
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
    private readonly onUpdate?: (update: CredentialUpdate) => Promise<void> | void,
  ) {
    super();
  }

  /** What the resolver answered last, per reference and type: the key of an update made from it. */
  private readonly resolved = new Map<string, string>();

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
    return authenticateRequest({ type: this.credentialTypes[typeName], credentials, request: requestOptions });
  }

  /** n8n's pre-authentication (see `preAuthenticate`); what it fetched is kept for the next runs. */
  async preAuthentication(
    helpers: IHttpRequestHelper,
    credentials: ICredentialDataDecryptedObject,
    typeName: string,
    _node: INode,
    credentialsExpired: boolean,
  ): Promise<ICredentialDataDecryptedObject | undefined> {
    const type = this.credentialTypes[typeName];
    const fetched = await preAuthenticate({ type, credentials, helpers, expired: credentialsExpired });
    if (fetched) preAuthenticated.set(preAuthenticationKey(type, credentials), fetched);
    return fetched;
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
    const resolved = await this.resolver({ reference: nodeCredentials, type, node });
    const key = contentKey(type, resolved);
    this.resolved.set(`${type}\u0000${nodeCredentials.id ?? nodeCredentials.name}`, key);
    const credentials = updated.get(key) ?? resolved;
    const fetched = preAuthenticated.get(preAuthenticationKey(this.credentialTypes[type], credentials));
    return fetched ? { ...credentials, ...fetched } : credentials;
  }

  /** n8n changed a credential (a refreshed OAuth2 token): used from now on, and handed to its owner to store. */
  async updateCredentialsOauthTokenData(
    nodeCredentials: INodeCredentialsDetails,
    type: string,
    data: ICredentialDataDecryptedObject,
  ): Promise<void> {
    const key = this.resolved.get(`${type}\u0000${nodeCredentials.id ?? nodeCredentials.name}`);
    // Only what is stored: n8n passes the whole credential object, including values it added for the request.
    const stored = { ...data };
    if (key !== undefined) updated.set(key, stored);
    await this.onUpdate?.({ reference: nodeCredentials, type, data: stored });
  }

  async updateCredentials(
    nodeCredentials: INodeCredentialsDetails,
    type: string,
    data: ICredentialDataDecryptedObject,
  ) {
    await this.updateCredentialsOauthTokenData(nodeCredentials, type, data);
  }

  getCredentialsProperties(type: string): INodeProperties[] {
    const own = this.credentialTypes[type]?.properties ?? [];
    return [...this.getParentTypes(type).flatMap((parent) => this.credentialTypes[parent]?.properties ?? []), ...own];
  }
}
