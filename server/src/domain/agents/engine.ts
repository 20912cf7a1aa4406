import type { DocumentPath, InputDefinition, Range } from '@ionflux/dsl';
import type { N8nWorkflow } from '@ionflux/compiler';

/**
 * The part of `@ionflux/engine` the server uses, loaded at run time. The server cannot reference the engine's
 * TypeScript project: the engine references the n8n node package, whose tests start this server (a cycle in
 * `tsc -b`). So the contract is declared here, structurally, and `loadEngine()` checks it is there when it loads.
 */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type NodeEvent =
  | { type: 'start'; node: string; step?: string; role?: string; at: number }
  | {
      type: 'end';
      node: string;
      step?: string;
      role?: string;
      at: number;
      durationMs: number;
      status: 'success' | 'error';
      inputItems: number;
      outputItems: number;
      error?: { message: string; description?: string };
      usage?: TokenUsage;
    };

export interface AgentRunResult {
  executionId: string;
  status: 'success' | 'error' | 'canceled';
  output: unknown;
  steps: {
    id: string;
    node: string;
    status: 'success' | 'error';
    durationMs: number;
    items: number;
    usage?: TokenUsage;
  }[];
  error?: { message: string; node?: string; step?: string; line?: number; col?: number; path?: DocumentPath };
  usage: TokenUsage;
  /** USD cost of the model calls, when the run was given prices; models without a price count nothing. */
  costUsd?: number;
  unpricedModels?: string[];
  durationMs: number;
}

/** USD per million tokens. */
export interface TokenPrice {
  prompt: number;
  completion: number;
}

export type CredentialData = Record<string, unknown>;

export interface CredentialUpdate {
  reference: { id?: string | null; name?: string };
  type: string;
  data: CredentialData;
}

export type CredentialResolver = (request: {
  reference: { id?: string | null; name?: string };
  type: string;
  node: { name: string; type: string };
}) => Promise<CredentialData>;

export interface PoolRunOptions {
  workflow: N8nWorkflow;
  sourceMap?: Record<string, { path: DocumentPath; range: Range }>;
  input?: Record<string, unknown>;
  trigger?: unknown;
  accounts?: Record<string, string>;
  credentials?: CredentialResolver;
  executionId?: string;
  timeoutMs?: number;
  signal?: AbortSignal;
  onNodeEvent?: (event: NodeEvent) => void;
  /** `per-step`: the worker sends the node events together when a step's node starts and at the end. */
  nodeEvents?: 'live' | 'per-step';
  /** A credential n8n changed during the run (a refreshed OAuth2 token), for its owner to store. */
  onCredentialUpdate?: (update: CredentialUpdate) => Promise<void> | void;
  /** Prices the model calls and enforces the workflow's `policy.budget.usd`. */
  tokenPrices?: Record<string, TokenPrice>;
  /** Who set the budgets, for the error stopping a run ("the workspace's"). */
  budgetOwners?: { tokens?: string; usd?: string };
}

export interface EnginePoolLike {
  readonly size: number;
  run(options: PoolRunOptions): Promise<AgentRunResult>;
  close(): Promise<void>;
}

/** An execution as n8n's executions API returns it (read by `agentRunFromExecution`). */
export interface N8nExecution {
  id: string | number;
  finished: boolean;
  status: string;
  startedAt: string;
  stoppedAt?: string | null;
  data?: {
    resultData: {
      runData: Record<string, N8nTask[]>;
      error?: { message: string };
    };
  };
}

/** One run of one node in an n8n execution. */
export interface N8nTask {
  startTime: number;
  executionTime: number;
  data?: { main: ({ json: Record<string, unknown> }[] | null)[] };
  error?: { message: string; description?: string; context?: Record<string, unknown> };
}

export interface N8nWorkflowRecord {
  id: string;
  name: string;
  active: boolean;
  staticData?: unknown;
  createdAt?: string;
}

/** The calls the server makes to n8n's public API (`N8nApi` of @ionflux/engine). */
export interface N8nApiLike {
  readonly baseUrl: string;
  listWorkflows(): Promise<N8nWorkflowRecord[]>;
  getWorkflow(id: string): Promise<N8nWorkflowRecord>;
  createWorkflow(workflow: object): Promise<N8nWorkflowRecord>;
  updateWorkflow(id: string, workflow: object): Promise<N8nWorkflowRecord>;
  deleteWorkflow(id: string): Promise<unknown>;
  activateWorkflow(id: string): Promise<N8nWorkflowRecord>;
  deactivateWorkflow(id: string): Promise<N8nWorkflowRecord>;
  listCredentials(): Promise<{ id: string; name: string; type: string }[]>;
  createCredential(credential: { name: string; type: string; data: object }): Promise<{ id: string }>;
  updateCredential(id: string, credential: { name: string; type: string; data: object }): Promise<unknown>;
  deleteCredential(id: string): Promise<unknown>;
  getExecution(id: string | number): Promise<N8nExecution>;
  stopExecution(id: string | number): Promise<unknown>;
}

export interface EngineModule {
  N8nApi: new (options: { baseUrl: string; apiKey: string }) => N8nApiLike;
  agentRunFromExecution(args: {
    workflow: N8nWorkflow;
    execution: N8nExecution;
    sourceMap?: Record<string, { path: DocumentPath; range: Range }>;
    tokenPrices?: Record<string, TokenPrice>;
  }): AgentRunResult;
  /** A node's budget stop (its model call went over the run's budget): its hint, or its error with its run's tokens. */
  budgetStopOf(task: N8nTask): { message: string; usage?: TokenUsage } | undefined;
  /** The tokens a node's run spent (its items' usage, or what its error carries). */
  taskUsage(task: N8nTask): TokenUsage | undefined;
  webhookStartedWorkflow(args: {
    workflow: N8nWorkflow;
    name: string;
    path: string;
    webhookId: string;
    credentials: (reference: { type: string; name: string }) => { id: string; name: string };
    staticData?: Record<string, unknown>;
  }): object;
  runTokenCredentialData(args: { baseUrl: string; inputsNode: string }): { baseUrl: string; token: string };
  runBudgetCredentialData(args: { inputsNode: string; prices: string }): {
    executionBudget: string;
    executionBudgetUsd: string;
    prices: string;
  };
  credentialReferences(workflow: Pick<N8nWorkflow, 'nodes'>): { type: string; name: string }[];
  ionfluxCredentialId(name: string): string;
  triggerItem(args: {
    triggerType: string;
    parameters: Record<string, unknown>;
    payload: unknown;
    shop?: string;
  }): Record<string, unknown>;
  RUN_RESPONSE_NODE: string;
  EnginePool: new (options: { size?: number; credentials: CredentialResolver }) => EnginePoolLike;
  resolveInputs(definitions: Record<string, InputDefinition>, given?: Record<string, unknown>): Record<string, unknown>;
  RunInputError: new (field: string, message: string) => Error & { field: string };
  CredentialNotFound: new (message: string) => Error;
  sandboxCredentials(args: { sandboxBaseUrl: string }): Record<string, CredentialData | undefined>;
  SANDBOX_ACCOUNTS: Record<string, string>;
}

let engine: EngineModule | undefined;

/** @ionflux/engine (n8n-core and the node package load with it: about a second, once per process). */
export function loadEngine(): EngineModule {
  if (!engine) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see the comment at the top of this file
    const loaded = require('@ionflux/engine') as EngineModule;
    for (const name of [
      'EnginePool',
      'resolveInputs',
      'RunInputError',
      'CredentialNotFound',
      'sandboxCredentials',
      'N8nApi',
      'agentRunFromExecution',
      'budgetStopOf',
      'taskUsage',
      'webhookStartedWorkflow',
      'triggerItem',
    ])
      if (typeof (loaded as unknown as Record<string, unknown>)[name] !== 'function')
        throw new Error(`@ionflux/engine does not export ${name}: rebuild it (npm run build)`);
    engine = loaded;
  }
  return engine;
}
