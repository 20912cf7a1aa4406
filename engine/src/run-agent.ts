import './environment';
import type { DocumentPath, InputDefinition, Range } from '@ionflux/dsl';
import type { N8nNode, N8nWorkflow, NodeSource } from '@ionflux/compiler';
import { ExecutionLifecycleHooks, WorkflowExecute } from 'n8n-core';
import {
  Workflow,
  type ICredentialType,
  type IDataObject,
  type INode,
  type IRun,
  type ITaskData,
  type ITaskStartedData,
  type IWorkflowExecuteAdditionalData,
  type WorkflowExecuteMode,
} from 'n8n-workflow';
import { randomUUID } from 'node:crypto';
import { priceOfModel, type TokenPrice } from 'n8n-nodes-ionflux';
import { EngineCredentialsHelper, type CredentialResolver, type CredentialUpdate } from './credentials';
import { resolveInputs } from './inputs';
import { quietSilentN8nLogger, useUtcByDefault } from './n8n-globals';
import { EngineNodeTypes } from './node-registry';
import { triggerItem } from './trigger-payload';

type NodeClass = ConstructorParameters<typeof EngineNodeTypes>[0][string];

/** Where an event or error comes from in the agent YAML. */
export interface SourceLocation {
  path: DocumentPath;
  line?: number;
  col?: number;
}

export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

export type NodeEvent =
  | { type: 'start'; node: string; step?: string; role?: NodeSource['role']; at: number; source?: SourceLocation }
  | {
      type: 'end';
      node: string;
      step?: string;
      role?: NodeSource['role'];
      at: number;
      durationMs: number;
      status: 'success' | 'error';
      inputItems: number;
      outputItems: number;
      error?: { message: string; description?: string };
      usage?: TokenUsage;
      source?: SourceLocation;
    };

export interface StepResult {
  /** Step id in the agent (or `output.canvas` / `output.chat`). */
  id: string;
  node: string;
  status: 'success' | 'error';
  durationMs: number;
  /** Items the step produced (summed over runs in loops). */
  items: number;
  runs: number;
  usage?: TokenUsage;
}

export interface AgentRunResult {
  executionId: string;
  status: 'success' | 'error' | 'canceled';
  /** The run's value: the Output node's value, else the output of the last action step that ran. */
  output: unknown;
  steps: StepResult[];
  error?: { message: string; node?: string; step?: string; line?: number; col?: number; path?: DocumentPath };
  usage: TokenUsage;
  /**
   * What the run's model calls cost in USD, from `tokenPrices` (present when prices were given). Calls to a model
   * without a price count nothing; `unpricedModels` names those models.
   */
  costUsd?: number;
  unpricedModels?: string[];
  durationMs: number;
}

// A model's price (USD per million tokens) and how a dated model finds it: the LLM node's budgets price calls the same.
export { priceOfModel, type TokenPrice } from 'n8n-nodes-ionflux';

export interface RunAgentOptions {
  /** A compiled workflow (`compileAgent(...).workflow`), treated as immutable: runs of it share prepared state. */
  workflow: N8nWorkflow;
  /** Values for the agent's inputs (defaults fill the rest). */
  input?: Record<string, unknown>;
  /** The trigger payload (`{{ trigger }}`): for a Shopify order trigger, the order webhook body. */
  trigger?: unknown;
  /** Reads decrypted credentials for `ionflux:<connection>` references. */
  credentials: CredentialResolver;
  /** Receives a credential n8n changed during the run (a refreshed OAuth2 token) for its owner to store. */
  onCredentialUpdate?: (update: CredentialUpdate) => Promise<void> | void;
  /** What `{{ connections.<name>.account }}` shows (shop domain, handle, ...). */
  accounts?: Record<string, string>;
  onNodeEvent?: (event: NodeEvent) => void;
  /** Stops the run after this long (default: the workflow's executionTimeout, else 5 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Node -> YAML range (from `compileAgent(...).sourceMap`) so errors carry line:col. */
  sourceMap?: Record<string, { path: DocumentPath; range: Range }>;
  executionId?: string;
  /** Extra node types (n8n-nodes-ionflux's are registered by default). */
  nodeTypes?: Record<string, NodeClass>;
  credentialTypes?: Record<string, ICredentialType>;
  /**
   * Model -> USD per million tokens: prices the run's model calls (`costUsd`) and enforces the workflow's
   * `policy.budget.usd`. With a USD budget, a call to a model without a price stops the run (its cost is unknown).
   */
  tokenPrices?: Record<string, TokenPrice>;
  /** Who set the workflow's budgets, for the error that stops a run (default "its"): "the workspace's". */
  budgetOwners?: { tokens?: string; usd?: string };
}

export class AgentRunError extends Error {}

quietSilentN8nLogger();
useUtcByDefault();

const DEFAULT_TIMEOUT_MS = 5 * 60_000;
const TRIGGER_MODES: Record<string, WorkflowExecuteMode> = {
  'n8n-nodes-base.manualTrigger': 'manual',
  'n8n-nodes-base.scheduleTrigger': 'trigger',
  'n8n-nodes-base.webhook': 'webhook',
  'n8n-nodes-ionflux.ionfluxChatTrigger': 'webhook',
  'n8n-nodes-ionflux.ionfluxShopifyTrigger': 'webhook',
};

let sharedNodeTypes: EngineNodeTypes | undefined;
let packageModule:
  { nodeTypes: Record<string, NodeClass>; credentialTypes: Record<string, ICredentialType> } | undefined;

/** n8n-nodes-ionflux's nodes and credentials, loaded once. */
function ionfluxPackage(): NonNullable<typeof packageModule> {
  if (!packageModule) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first run, not at import
    const module = require('n8n-nodes-ionflux') as {
      nodeTypes: Record<string, NodeClass>;
      credentialTypes: Record<string, new () => ICredentialType>;
    };
    packageModule = {
      nodeTypes: Object.fromEntries(
        Object.entries(module.nodeTypes).map(([name, Node]) => [`n8n-nodes-ionflux.${name}`, Node]),
      ),
      credentialTypes: Object.fromEntries(
        Object.entries(module.credentialTypes).map(([name, Credential]) => [name, new Credential()]),
      ),
    };
  }
  return packageModule;
}

/**
 * The usage a model call reported, from the AI event the IONFLUX LLM transport logs once per provider response
 * (`n8n-nodes-ionflux`, `USAGE_EVENT`); undefined for other AI events.
 */
function reportedUsage(eventName: string, message: unknown): { usage: TokenUsage; model?: string } | undefined {
  if (eventName !== 'ai-llm-generated-output' || typeof message !== 'string') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  } catch {
    return undefined;
  }
  const report = parsed as { ionfluxUsage?: Partial<TokenUsage>; model?: unknown } | null;
  const usage = report?.ionfluxUsage;
  if (!usage || typeof usage.totalTokens !== 'number') return undefined;
  return {
    usage: {
      promptTokens: Number(usage.promptTokens) || 0,
      completionTokens: Number(usage.completionTokens) || 0,
      totalTokens: usage.totalTokens,
    },
    ...(typeof report.model === 'string' ? { model: report.model } : {}),
  };
}

function addUsage(target: TokenUsage, usage: TokenUsage): void {
  target.promptTokens += usage.promptTokens;
  target.completionTokens += usage.completionTokens;
  target.totalTokens += usage.totalTokens;
}

function countItems(data: ITaskData['data'] | undefined): number {
  return (data?.main ?? []).reduce((sum, output) => sum + (output?.length ?? 0), 0);
}

interface PreparedWorkflow {
  nodes: N8nNode[];
  workflow: Workflow;
}

/** Prepared workflows of each compiled workflow (treated as immutable), by inputs and connections. */
const prepared = new WeakMap<N8nWorkflow, Map<string, PreparedWorkflow>>();
const PREPARED_PER_WORKFLOW = 32;

/**
 * The n8n Workflow for a run: the compiled nodes with the run's inputs and connections written into the Inputs node.
 * Building one resolves every node's parameters against its description, a good part of a short run's time, so runs
 * of the same agent with the same inputs share it (as n8n shares one workflow between its executions; nothing in a
 * run writes to it) unless the caller brought node types of its own.
 */
function prepareWorkflow(
  compiled: N8nWorkflow,
  nodeTypes: EngineNodeTypes,
  inputsJson: string,
  connectionsJson: string,
  shareable: boolean,
): PreparedWorkflow {
  const key = `${inputsJson}\u0000${connectionsJson}`;
  const cache = shareable ? (prepared.get(compiled) ?? new Map<string, PreparedWorkflow>()) : undefined;
  const cached = cache?.get(key);
  if (cached) return cached;
  const sources = compiled.meta?.ionflux?.nodes ?? {};
  const nodes: N8nNode[] = structuredClone(compiled.nodes);
  if (nodes.length === 0) throw new AgentRunError('The workflow has no nodes.');
  const inputsNode = nodes.find((n) => sources[n.name]?.role === 'inputs');
  if (inputsNode) {
    const assignments = (inputsNode.parameters.assignments as { assignments: { name: string; value: unknown }[] })
      .assignments;
    for (const assignment of assignments) {
      if (assignment.name === 'inputs') assignment.value = inputsJson;
      if (assignment.name === 'connections') assignment.value = connectionsJson;
    }
  }
  const workflow = new Workflow({
    id: compiled.meta?.ionflux?.agent ?? compiled.name,
    name: compiled.name,
    nodes: nodes as unknown as INode[],
    connections: compiled.connections,
    active: false,
    nodeTypes,
    settings: compiled.settings,
  });
  const result = { nodes, workflow };
  if (cache) {
    cache.set(key, result);
    if (cache.size > PREPARED_PER_WORKFLOW) cache.delete(cache.keys().next().value!);
    prepared.set(compiled, cache);
  }
  return result;
}

/**
 * Runs a compiled agent in-process on n8n's own engine (n8n-core `WorkflowExecute`), with IONFLUX's nodes and the
 * allowlisted standard nodes. Inputs are checked and written into the Inputs node; the trigger payload is the
 * trigger node's output; per-node events report timing, item counts, token usage and YAML positions.
 *
 * @example
 * const { workflow, sourceMap } = compileAgent(yaml);
 * const result = await runAgent({ workflow, input: { period: 'last_30_days' }, credentials, sourceMap });
 */
export async function runAgent(options: RunAgentOptions): Promise<AgentRunResult> {
  const started = Date.now();
  const executionId = options.executionId ?? randomUUID();
  const compiled = options.workflow;
  const meta = compiled.meta?.ionflux;
  const sources = meta?.nodes ?? {};
  const ionflux = ionfluxPackage();
  // Node types are stateless (n8n shares them across executions too): one registry serves every run.
  const nodeTypes = options.nodeTypes
    ? new EngineNodeTypes({ ...ionflux.nodeTypes, ...options.nodeTypes })
    : (sharedNodeTypes ??= new EngineNodeTypes(ionflux.nodeTypes));
  const credentialTypes = { ...ionflux.credentialTypes, ...options.credentialTypes };

  const inputs = resolveInputs((meta?.inputs ?? {}) as Record<string, InputDefinition>, options.input);
  const connections: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries((meta?.connections ?? {}) as Record<string, { type: string }>)) {
    connections[name] = { name, type: definition.type, account: options.accounts?.[name] ?? '' };
  }
  const { nodes, workflow } = prepareWorkflow(
    compiled,
    nodeTypes,
    JSON.stringify(inputs),
    JSON.stringify(connections),
    options.nodeTypes === undefined,
  );
  const triggerNode = nodes.find((n) => sources[n.name]?.role === 'trigger') ?? nodes[0]!;
  const triggerConnection = Object.values(triggerNode.credentials ?? {})[0]?.id?.replace(/^ionflux:/, '');
  const startItem = triggerItem({
    triggerType: triggerNode.type,
    parameters: triggerNode.parameters,
    payload: options.trigger,
    ...(triggerConnection && options.accounts?.[triggerConnection]
      ? { shop: options.accounts[triggerConnection] }
      : {}),
  });

  const locate = (node: string): SourceLocation | undefined => {
    const source = sources[node];
    if (!source) return undefined;
    const range = options.sourceMap?.[node]?.range;
    return range ? { path: source.path, line: range.start.line, col: range.start.col } : { path: source.path };
  };

  const steps = new Map<string, StepResult>();
  const executionOrder: string[] = [];
  const totals: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  const budget = meta?.policy?.budget?.tokens;
  const usdBudget = meta?.policy?.budget?.usd;
  const prices = options.tokenPrices;
  let costUsd = 0;
  const unpricedModels = new Set<string>();
  let budgetExceeded: string | undefined;
  /** The node whose model call went over the budget. */
  let budgetNode: string | undefined;
  let execution: ReturnType<WorkflowExecute['run']> | undefined;

  const hooks = new ExecutionLifecycleHooks(TRIGGER_MODES[triggerNode.type] ?? 'manual', executionId, {
    id: meta?.agent ?? executionId,
    name: compiled.name,
    nodes,
    connections: compiled.connections,
    active: false,
    isArchived: false,
    settings: compiled.settings,
    createdAt: new Date(started),
    updatedAt: new Date(started),
  } as never);
  // Usage is counted where model calls report it (one AI event per provider response), not from node outputs: an
  // output travels on through branches and merges, and a retried node's earlier calls leave no output at all.
  const usageOfRunningNode = new Map<string, TokenUsage>();
  const stopOverBudget = (node: string, message: (who: string) => string) => {
    if (budgetExceeded) return;
    const step = sources[node]?.step;
    budgetExceeded = message(step ? `Step '${step}'` : `Node "${node}"`);
    budgetNode = node;
    execution?.cancel();
  };
  const onModelUsage = (node: string, usage: TokenUsage, model: string | undefined) => {
    const running = usageOfRunningNode.get(node) ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    addUsage(running, usage);
    usageOfRunningNode.set(node, running);
    addUsage(totals, usage);
    if (budget !== undefined && totals.totalTokens > budget)
      stopOverBudget(
        node,
        (who) =>
          `${who} brought the run to ${totals.totalTokens} tokens, over ${options.budgetOwners?.tokens ?? 'its'} budget of ${budget}; the run was stopped.`,
      );
    if (!prices) return;
    const price = model === undefined ? undefined : priceOfModel(prices, model);
    if (price) costUsd += (usage.promptTokens * price.prompt + usage.completionTokens * price.completion) / 1_000_000;
    else unpricedModels.add(model ?? 'unknown');
    if (usdBudget === undefined) return;
    const owner = options.budgetOwners?.usd ?? 'its';
    if (!price)
      stopOverBudget(
        node,
        (who) =>
          `${who} called the model ${JSON.stringify(model ?? 'unknown')}, which has no price, so ${owner} USD budget of $${usdBudget} cannot be checked; the run was stopped. Give the model a price (IONFLUX_TOKEN_PRICES) or remove the USD budget.`,
      );
    else if (costUsd > usdBudget)
      stopOverBudget(
        node,
        (who) =>
          `${who} brought the run to $${costUsd.toFixed(6)} (${totals.totalTokens} tokens), over ${owner} USD budget of $${usdBudget}; the run was stopped.`,
      );
  };
  hooks.addHandler('nodeExecuteBefore', (node: string, data: ITaskStartedData) => {
    usageOfRunningNode.delete(node);
    const source = sources[node];
    options.onNodeEvent?.({
      type: 'start',
      node,
      ...(source?.step ? { step: source.step } : {}),
      ...(source ? { role: source.role } : {}),
      at: data.startTime,
      ...(locate(node) ? { source: locate(node)! } : {}),
    });
  });
  hooks.addHandler('nodeExecuteAfter', (node: string, data: ITaskData, runData) => {
    const source = sources[node];
    const outputItems = countItems(data.data);
    const usage = usageOfRunningNode.get(node);
    usageOfRunningNode.delete(node);
    let inputItems = 0;
    for (const from of data.source ?? []) {
      if (!from) continue;
      const parent = runData.resultData.runData[from.previousNode]?.[from.previousNodeRun ?? 0];
      inputItems += parent?.data?.main?.[from.previousNodeOutput ?? 0]?.length ?? 0;
    }
    const status: 'success' | 'error' = data.error ? 'error' : 'success';
    executionOrder.push(node);
    const event: NodeEvent = {
      type: 'end',
      node,
      at: data.startTime + data.executionTime,
      durationMs: data.executionTime,
      status,
      inputItems,
      outputItems,
      ...(source?.step ? { step: source.step } : {}),
      ...(source ? { role: source.role } : {}),
      ...(data.error
        ? {
            error: {
              message: data.error.message,
              ...(data.error.description ? { description: String(data.error.description) } : {}),
            },
          }
        : {}),
      ...(usage ? { usage } : {}),
      ...(locate(node) ? { source: locate(node)! } : {}),
    };
    options.onNodeEvent?.(event);
    const role = source?.role;
    const id =
      role === 'output-canvas'
        ? 'output.canvas'
        : role === 'output-chat'
          ? 'output.chat'
          : ['action', 'if', 'switch', 'loop'].includes(role ?? '')
            ? source!.step
            : undefined;
    if (id) {
      const step = steps.get(id) ?? { id, node, status: 'success', durationMs: 0, items: 0, runs: 0 };
      step.durationMs += data.executionTime;
      step.items += role === 'if' || role === 'switch' ? countItems(data.data) : (data.data?.main?.[0]?.length ?? 0);
      step.runs += 1;
      if (status === 'error' || outputItemsAreErrors(data, nodes.find((n) => n.name === node)?.onError))
        step.status = 'error';
      if (usage) addUsage((step.usage ??= { promptTokens: 0, completionTokens: 0, totalTokens: 0 }), usage);
      steps.set(id, step);
    }
  });

  const credentialsHelper = new EngineCredentialsHelper(
    options.credentials,
    credentialTypes,
    (type) => (credentialTypes[type] as (ICredentialType & { supportedNodes?: string[] }) | undefined)?.supportedNodes,
    options.onCredentialUpdate,
  );
  const additionalData = {
    hooks,
    executionId,
    credentialsHelper,
    webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
    formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
    variables: {},
    restApiUrl: 'http://127.0.0.1/rest',
    instanceBaseUrl: 'http://127.0.0.1/',
    logAiEvent: (eventName: string, payload: { nodeName: string; msg?: unknown }) => {
      const reported = reportedUsage(eventName, payload.msg);
      if (reported) onModelUsage(payload.nodeName, reported.usage, reported.model);
    },
  } as unknown as IWorkflowExecuteAdditionalData;

  const timeoutMs =
    options.timeoutMs ??
    (compiled.settings.executionTimeout ? compiled.settings.executionTimeout * 1000 : DEFAULT_TIMEOUT_MS);
  let timedOut = false;
  execution = new WorkflowExecute(additionalData, TRIGGER_MODES[triggerNode.type] ?? 'manual').run({
    workflow,
    startNode: workflow.getNode(triggerNode.name)!,
    triggerToStartFrom: {
      name: triggerNode.name,
      data: {
        startTime: started,
        executionIndex: 0,
        executionTime: 0,
        source: [],
        data: { main: [[{ json: startItem as IDataObject }]] },
      },
    },
  });
  const timer = setTimeout(() => {
    timedOut = true;
    execution?.cancel();
  }, timeoutMs);
  let cancelRequested = false;
  const onAbort = () => {
    cancelRequested = true;
    execution?.cancel();
  };
  options.signal?.addEventListener('abort', onAbort);
  if (options.signal?.aborted) onAbort();
  let run: IRun | undefined;
  let canceled = false;
  try {
    run = await execution;
  } catch (error) {
    if ((error as Error).name !== 'CancelError') throw error;
    canceled = true;
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }

  const result: AgentRunResult = {
    executionId,
    status: 'success',
    output: undefined,
    steps: [...steps.values()],
    usage: totals,
    ...(prices ? { costUsd: Number(costUsd.toFixed(6)) } : {}),
    ...(unpricedModels.size > 0 ? { unpricedModels: [...unpricedModels] } : {}),
    durationMs: Date.now() - started,
  };
  const runData = run?.data.resultData.runData ?? {};
  const outputNode = Object.keys(sources).find((name) => sources[name]!.role === 'output');
  if (outputNode && runData[outputNode]) {
    result.output = (runData[outputNode]!.at(-1)?.data?.main?.[0]?.[0]?.json as IDataObject | undefined)?.value;
  } else {
    const lastAction = [...executionOrder].reverse().find((name) => sources[name]?.role === 'action');
    if (lastAction) result.output = runData[lastAction]?.at(-1)?.data?.main?.[0]?.[0]?.json;
  }

  const runError = run?.data.resultData.error;
  // Once we asked n8n to stop, whatever the nodes then report (an aborted request, say) is the cancellation.
  if (canceled || cancelRequested || run?.status === 'canceled' || budgetExceeded || timedOut) {
    result.status = budgetExceeded ? 'error' : 'canceled';
    const message =
      budgetExceeded ??
      (timedOut
        ? `The run took longer than ${Math.round(timeoutMs / 1000)}s and was stopped.`
        : 'The run was canceled.');
    result.error = { message };
    if (budgetExceeded && budgetNode) {
      const location = locate(budgetNode);
      result.error = {
        message,
        node: budgetNode,
        ...(sources[budgetNode]?.step ? { step: sources[budgetNode]!.step } : {}),
        ...(location ? { path: location.path } : {}),
        ...(location?.line !== undefined ? { line: location.line, col: location.col! } : {}),
      };
    }
  } else if (runError || (run && run.status !== 'success')) {
    result.status = 'error';
    const node = run?.data.resultData.lastNodeExecuted;
    const source = node ? sources[node] : undefined;
    const location = node ? locate(node) : undefined;
    result.error = {
      message: runError?.message ?? `The run ended with status ${run?.status}.`,
      ...(node ? { node } : {}),
      ...(source?.step ? { step: source.step } : {}),
      ...(location ? { path: location.path } : {}),
      ...(location?.line !== undefined ? { line: location.line, col: location.col! } : {}),
    };
    const description = (runError as { description?: unknown } | undefined)?.description;
    if (typeof description === 'string' && description && !result.error.message.includes(description))
      result.error.message += `: ${description}`;
  }
  return result;
}

/**
 * A node that continued on error passes its failures on: on its error output (the last one, n8n merges the input
 * item into them) or, for "continue", as `{ error }` items. The step failed even though the run goes on.
 */
function outputItemsAreErrors(data: ITaskData, onError: string | undefined): boolean {
  const outputs = data.data?.main ?? [];
  if (onError === 'continueErrorOutput') return (outputs[outputs.length - 1]?.length ?? 0) > 0 && outputs.length > 1;
  return outputs.some((items) =>
    (items ?? []).some((item) => {
      // n8n's own test for error items (workflow-execute handleNodeErrorOutput).
      const json = item.json as IDataObject | undefined;
      return (
        json !== undefined &&
        json.error !== undefined &&
        Object.keys(json).every((key) => ['error', 'message', 'details'].includes(key))
      );
    }),
  );
}
