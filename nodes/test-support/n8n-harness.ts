/**
 * Runs IONFLUX nodes for real on n8n-core's WorkflowExecute (the recipe of /work/shared/notes/n8n-embedded-engine.md):
 * a one- or two-node workflow, node types resolved with NodeHelpers.getVersionedNodeType, ExecutionLifecycleHooks,
 * and a credentials helper that hands out test credentials by type.
 */
import { randomUUID } from 'node:crypto';
import { ExecutionLifecycleHooks, HookContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import { ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';
import type {
  IConnections,
  ICredentialDataDecryptedObject,
  ICredentials,
  ICredentialType,
  IDataObject,
  IHttpRequestHelper,
  IHttpRequestOptions,
  INode,
  INodeExecutionData,
  INodeProperties,
  INodeType,
  INodeTypes,
  IRun,
  ITaskData,
  IVersionedNodeType,
  IWebhookData,
  IWorkflowExecuteAdditionalData,
  WorkflowExecuteMode,
} from 'n8n-workflow';
import { credentialTypes, nodeTypes } from '../index';
import { authenticateRequest, preAuthenticate } from '../shared/credential-authentication';

export const PACKAGE = 'n8n-nodes-ionflux';

/** Credential data per credential type name, e.g. `{ ionfluxShopifyAccessTokenApi: { shopDomain, accessToken, ... } }`. */
export type TestCredentials = Record<string, ICredentialDataDecryptedObject>;

/** What pre-authentication fetched, per test credential object: kept across runs, as n8n keeps it in its database. */
const preAuthenticated = new WeakMap<ICredentialDataDecryptedObject, ICredentialDataDecryptedObject>();

class TestCredentialsHelper extends ICredentialsHelper {
  constructor(private readonly credentials: TestCredentials) {
    super();
  }
  getParentTypes(name: string): string[] {
    const type = credentialTypeByName(name);
    return type?.extends ?? [];
  }
  isCredentialUsableByNode(): boolean {
    return true;
  }
  /** As n8n does: the credential type's `authenticate` (see shared/credential-authentication.ts). */
  async authenticate(
    credentials: ICredentialDataDecryptedObject,
    typeName: string,
    requestOptions: IHttpRequestOptions,
  ): Promise<IHttpRequestOptions> {
    return authenticateRequest({ type: credentialTypeByName(typeName), credentials, request: requestOptions });
  }
  /** As n8n does; what it fetched is kept with the test credentials. */
  async preAuthentication(
    helpers: IHttpRequestHelper,
    credentials: ICredentialDataDecryptedObject,
    typeName: string,
    _node: INode,
    expired: boolean,
  ): Promise<ICredentialDataDecryptedObject | undefined> {
    const fetched = await preAuthenticate({ type: credentialTypeByName(typeName), credentials, helpers, expired });
    const stored = this.credentials[typeName];
    if (fetched && stored) preAuthenticated.set(stored, fetched);
    return fetched;
  }
  async runPreAuthentication(): Promise<undefined> {
    return undefined;
  }
  async getCredentials(): Promise<ICredentials> {
    throw new Error('Test credentials are only available decrypted.');
  }
  async getDecrypted(
    _additionalData: IWorkflowExecuteAdditionalData,
    _details: unknown,
    type: string,
  ): Promise<ICredentialDataDecryptedObject> {
    const data = this.credentials[type];
    if (!data) throw new Error(`No test credentials of type ${type}`);
    return { ...data, ...preAuthenticated.get(data) };
  }
  async updateCredentials(): Promise<void> {}
  async updateCredentialsOauthTokenData(): Promise<void> {}
  getCredentialsProperties(type: string): INodeProperties[] {
    return credentialTypeByName(type)?.properties ?? [];
  }
}

function credentialTypeByName(name: string): ICredentialType | undefined {
  const Type = (credentialTypes as Record<string, new () => ICredentialType>)[name];
  return Type ? new Type() : undefined;
}

/** INodeTypes over the package's nodes (and extra ones a test brings). */
export function testNodeTypes(extra: Record<string, INodeType | IVersionedNodeType> = {}): INodeTypes {
  const instances = new Map<string, INodeType | IVersionedNodeType>();
  for (const [name, Type] of Object.entries(nodeTypes)) instances.set(`${PACKAGE}.${name}`, new Type());
  for (const [name, instance] of Object.entries(extra)) instances.set(name, instance);
  return {
    getByName: (type) => {
      const found = instances.get(type);
      if (!found) throw new Error(`Unknown node type ${type}`);
      return found;
    },
    getByNameAndVersion: (type, version) =>
      NodeHelpers.getVersionedNodeType(
        instances.get(type) ??
          (() => {
            throw new Error(`Unknown node type ${type}`);
          })(),
        version,
      ),
    getKnownTypes: () => ({}),
  };
}

export function additionalDataFor({
  credentials,
  executionId,
  workflowData,
  mode,
  webhookBaseUrl,
}: {
  credentials: TestCredentials;
  executionId: string;
  workflowData: IDataObject;
  mode: WorkflowExecuteMode;
  webhookBaseUrl?: string;
}): IWorkflowExecuteAdditionalData {
  return {
    hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData as never),
    executionId,
    credentialsHelper: new TestCredentialsHelper(credentials),
    webhookBaseUrl: webhookBaseUrl ?? 'http://127.0.0.1/webhook',
    webhookTestBaseUrl: webhookBaseUrl ?? 'http://127.0.0.1/webhook-test',
    webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
    formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
    instanceBaseUrl: 'http://127.0.0.1/',
    restApiUrl: 'http://127.0.0.1/rest',
    variables: {},
    currentNodeParameters: undefined,
    executionTimeoutTimestamp: undefined,
    userId: 'test-user',
  } as unknown as IWorkflowExecuteAdditionalData;
}

export interface RunNodeInput {
  /** Node name without the package, e.g. `ionfluxShopify`. */
  type: string;
  parameters: IDataObject;
  credentials?: TestCredentials;
  /** Credential references written on the node (default: one per type in `credentials`). */
  nodeCredentials?: INode['credentials'];
  /** Input items (default one empty item). */
  items?: IDataObject[];
  onError?: INode['onError'];
  name?: string;
  /** A second node of this package fed by the first one's main output (its credentials come from `credentials`). */
  next?: { type: string; name: string; parameters: IDataObject; nodeCredentials?: INode['credentials'] };
}

export interface NodeRun {
  run: IRun;
  /** Items of the main output. */
  items: IDataObject[];
  /** Items of the error output (onError: continueErrorOutput). */
  errorItems: IDataObject[];
  /** The node's error when the run failed. */
  error: (Error & { context?: IDataObject; description?: string }) | undefined;
  /** The execution hints n8n stored with the node's run. */
  hints: NonNullable<ITaskData['hints']>;
  /** The `next` node's run, if it ran. */
  next?: { items: IDataObject[]; error: NodeRun['error'] };
}

/** Runs one node of this package on WorkflowExecute with the given input items. */
export async function runNode(input: RunNodeInput): Promise<NodeRun> {
  const name = input.name ?? 'Node under test';
  const credentials = input.credentials ?? {};
  const node: INode = {
    id: randomUUID(),
    name,
    type: `${PACKAGE}.${input.type}`,
    typeVersion: 1,
    position: [0, 0],
    parameters: input.parameters as INode['parameters'],
    credentials:
      input.nodeCredentials ??
      Object.fromEntries(Object.keys(credentials).map((type) => [type, { id: `test:${type}`, name: type }])),
    ...(input.onError ? { onError: input.onError } : {}),
  };
  const nodes: INode[] = [node];
  const connections: IConnections = {};
  if (input.next) {
    nodes.push({
      id: randomUUID(),
      name: input.next.name,
      type: `${PACKAGE}.${input.next.type}`,
      typeVersion: 1,
      position: [200, 0],
      parameters: input.next.parameters as INode['parameters'],
      credentials: input.next.nodeCredentials ?? node.credentials,
    });
    connections[name] = { main: [[{ node: input.next.name, type: 'main', index: 0 }]] };
  }
  const workflowData = {
    id: `wf-${node.id}`,
    name: 'test',
    nodes,
    connections,
    active: false,
    settings: { executionOrder: 'v1' },
  };
  const workflow = new Workflow({
    id: workflowData.id,
    name: workflowData.name,
    nodes,
    connections,
    active: false,
    nodeTypes: testNodeTypes(),
    settings: { executionOrder: 'v1' },
  });
  const executionId = randomUUID();
  const mode: WorkflowExecuteMode = 'manual';
  const additionalData = additionalDataFor({ credentials, executionId, workflowData, mode });
  const items: INodeExecutionData[] = (input.items ?? [{}]).map((json) => ({ json }));
  const run = await new WorkflowExecute(additionalData, mode).run({
    workflow,
    startNode: workflow.getNode(name)!,
    triggerToStartFrom: {
      name,
      data: { startTime: Date.now(), executionIndex: 0, executionTime: 0, source: [], data: { main: [items] } },
    },
  });
  const taskData = run.data.resultData.runData[name]?.[0];
  const outputs = taskData?.data?.main ?? [];
  const nextTask = input.next ? run.data.resultData.runData[input.next.name]?.[0] : undefined;
  return {
    run,
    items: (outputs[0] ?? []).map((item) => item.json),
    errorItems: (outputs[1] ?? []).map((item) => item.json),
    hints: taskData?.hints ?? [],
    error: (taskData?.error ?? (nextTask ? undefined : run.data.resultData.error)) as NodeRun['error'],
    ...(nextTask
      ? {
          next: {
            items: (nextTask.data?.main?.[0] ?? []).map((item) => item.json),
            error: nextTask.error as NodeRun['error'],
          },
        }
      : {}),
  };
}

/** Runs a node and returns its first output item, failing with the node's error message when it failed. */
export async function runNodeForOutput(input: RunNodeInput): Promise<IDataObject> {
  const result = await runNode(input);
  if (result.error)
    throw new Error(
      `Node failed: ${result.error.message}${result.error.description ? ` (${result.error.description})` : ''}`,
    );
  if (result.items.length !== 1) throw new Error(`Expected one output item, got ${result.items.length}`);
  return result.items[0]!;
}

/** A workflow holding one trigger node, with the n8n contexts a webhook trigger runs in (activation and requests). */
export function webhookHarness({
  type,
  parameters,
  credentials,
  webhookBaseUrl,
  webhookId,
}: {
  type: string;
  parameters: IDataObject;
  credentials: TestCredentials;
  webhookBaseUrl: string;
  webhookId?: string;
}) {
  const node: INode = {
    id: randomUUID(),
    name: 'Trigger under test',
    type: `${PACKAGE}.${type}`,
    typeVersion: 1,
    position: [0, 0],
    parameters: parameters as INode['parameters'],
    credentials: Object.fromEntries(Object.keys(credentials).map((t) => [t, { id: `test:${t}`, name: t }])),
    webhookId: webhookId ?? randomUUID(),
  };
  const nodeTypesForRun = testNodeTypes();
  const workflow = new Workflow({
    id: `wf-${node.id}`,
    nodes: [node],
    connections: {},
    active: true,
    nodeTypes: nodeTypesForRun,
    settings: { executionOrder: 'v1' },
  });
  const mode: WorkflowExecuteMode = 'webhook';
  const additionalData = additionalDataFor({
    credentials,
    executionId: randomUUID(),
    workflowData: { id: workflow.id },
    mode,
    webhookBaseUrl,
  });
  const nodeType = nodeTypesForRun.getByNameAndVersion(node.type, 1);
  const description = nodeType.description.webhooks?.[0];
  if (!description) throw new Error(`${type} declares no webhook`);
  const webhookPath = String(description.path);
  const webhook: IWebhookData = {
    httpMethod: description.httpMethod as IWebhookData['httpMethod'],
    node: node.name,
    path: NodeHelpers.getNodeWebhookPath(workflow.id, node, webhookPath, Boolean(description.isFullPath)),
    webhookDescription: description,
    workflowId: workflow.id,
    workflowExecuteAdditionalData: additionalData,
    ...(node.webhookId ? { webhookId: node.webhookId } : {}),
  };
  return {
    node: workflow.getNode(node.name)!,
    nodeType,
    webhook,
    /** The URL n8n registers for this node's default webhook. */
    url: `${webhookBaseUrl}/${webhook.path}`,
    hookContext: () =>
      new HookContext(workflow, workflow.getNode(node.name)!, additionalData, mode, 'activate', webhook),
    webhookContext: (request: unknown, response: unknown) =>
      new WebhookContext(
        workflow,
        workflow.getNode(node.name)!,
        {
          ...additionalData,
          httpRequest: request,
          httpResponse: response,
        } as unknown as IWorkflowExecuteAdditionalData,
        mode,
        webhook,
        [],
        null,
      ),
  };
}
