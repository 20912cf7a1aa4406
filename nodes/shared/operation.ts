/**
 * The shape every IONFLUX node operation has (model: n8n's Airtable v2 `actions/<resource>/<op>.operation.ts`), and
 * the router that runs one for each input item.
 *
 * An operation file exports:
 * - `meta`: the catalog action it implements, READ or WRITE, and whether repeating it is safe (idempotent);
 * - `description`: its node properties, shown only for its resource and operation;
 * - `execute(itemIndex)`: the output object of one item (the catalog's output shape).
 *
 * Adding an operation = one new file + one line in the node's router table.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
  IDataObject,
  IExecuteFunctions,
  INode,
  INodeExecutionData,
  INodeProperties,
  INodePropertyOptions,
} from 'n8n-workflow';
import {
  HttpCancelledError,
  HttpNetworkError,
  HttpTimeoutError,
  ResponseTooLargeError,
  TooManyRedirectsError,
} from './http/errors';
import { SsrfBlockedError } from './http/ssrf';

/**
 * An error that ends the execution whatever the node's "On Error" setting says (an exhausted token budget, say):
 * "continue on fail" does not turn it into an item.
 */
export class ExecutionStoppedError extends NodeOperationError {}

/** Tokens spent by model calls, as a provider reports them. */
export interface SpentTokens {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** Why an execution was stopped (a budget), as its flow context keeps it: see {@link recordExecutionStop}. */
export interface ExecutionStop {
  /** The node that stopped it (its model call went over the budget). */
  node: string;
  message: string;
  /** What that node's model calls spent in its run, the call that went over included (it has no output to carry them). */
  usage: SpentTokens;
  /** The same by the model that answered, to price them. */
  byModel: Record<string, SpentTokens>;
}

/** The flow context key of an execution's {@link ExecutionStop}. */
const EXECUTION_STOP_KEY = 'ionfluxExecutionStop';

/**
 * The key, in the error context of a node that fails with its execution's budget stop (the node whose call went
 * over, asked for another call in the same run: another item, another batch), of `{ usage, byModel }` (the tokens its
 * run spent, in all and by model): stored by n8n with the node's error in the execution, where an IONFLUX server
 * running agents on n8n reads the stop and its tokens back (`agentRunFromExecution`).
 */
export const BUDGET_STOP_CONTEXT_KEY = 'ionfluxBudgetStop';

function flowOf(ctx: Pick<IExecuteFunctions, 'getContext'>): Record<string, unknown> | undefined {
  return typeof ctx.getContext === 'function' ? (ctx.getContext('flow') as Record<string, unknown>) : undefined;
}

/** The stop of this execution, if a node stopped it. */
export function executionStopOf(ctx: Pick<IExecuteFunctions, 'getContext'>): ExecutionStop | undefined {
  const stop = flowOf(ctx)?.[EXECUTION_STOP_KEY];
  return stop && typeof stop === 'object' ? (stop as ExecutionStop) : undefined;
}

function stopError(node: INode, stop: ExecutionStop, itemIndex: number | undefined): ExecutionStoppedError {
  const error = new ExecutionStoppedError(node, stop.message, itemIndex === undefined ? {} : { itemIndex });
  error.context[BUDGET_STOP_CONTEXT_KEY] = { usage: { ...stop.usage }, byModel: structuredClone(stop.byModel) };
  return error;
}

/**
 * The `group.key` of the execution hint ({@link recordExecutionStop}) with which the node whose model call went over
 * a budget marks its own task data: n8n stores hints with the node's run in the execution (`runData[node][i].hints`)
 * and shows them on the node in its editor; an IONFLUX server running agents on n8n finds the stop there
 * (`agentRunFromExecution`), even when that node is the workflow's last.
 */
export const BUDGET_STOP_HINT_KEY = 'ionfluxBudgetStop';

/**
 * Stops the execution (a model call went over its budget) and keeps the node's answer: from then on every IONFLUX
 * node of the execution refuses to act ({@link refuseIfExecutionStopped}), while the node whose call went over
 * returns its items, marked by an execution hint (the stop's message; see {@link BUDGET_STOP_HINT_KEY}), as the
 * embedded engine logs that step succeeded with its output and ends the run after it. n8n gives a node no way to
 * end its own execution (a node that continues on error even turns errors into items and n8n goes on), so it is the
 * later nodes that do nothing, and no side effect follows the stop.
 */
export function recordExecutionStop(
  ctx: Pick<IExecuteFunctions, 'getContext' | 'getNode'> & Partial<Pick<IExecuteFunctions, 'addExecutionHints'>>,
  { message, usage, byModel }: { message: string; usage: SpentTokens; byModel: Record<string, SpentTokens> },
): void {
  const node = ctx.getNode();
  const stop: ExecutionStop = { node: node.name, message, usage: { ...usage }, byModel: structuredClone(byModel) };
  const flow = flowOf(ctx);
  if (flow) flow[EXECUTION_STOP_KEY] = stop;
  ctx.addExecutionHints?.({
    message,
    type: 'warning',
    location: 'outputPane',
    group: { key: BUDGET_STOP_HINT_KEY, summary: message },
  });
}

/**
 * Fails a node that would act after its execution was stopped: the node that stopped it (asked for another call in
 * the same run, or run again) fails with the stop itself; any other with "Not run: <the stop>".
 */
export function refuseIfExecutionStopped(
  ctx: Pick<IExecuteFunctions, 'getContext' | 'getNode'>,
  itemIndex?: number,
): void {
  const stop = executionStopOf(ctx);
  if (!stop) return;
  const node = ctx.getNode();
  if (stop.node === node.name) throw stopError(node, stop, itemIndex);
  throw new ExecutionStoppedError(node, `Not run: ${stop.message}`, itemIndex === undefined ? {} : { itemIndex });
}

export interface OperationMeta {
  /** The `@ionflux/dsl` catalog action this operation implements, e.g. `shopify.orders.list`. */
  action: string;
  /** READ only observes; WRITE changes something outside the run. */
  effect: 'read' | 'write';
  /** Running it twice with the same parameters has the same effect as once (safe to retry). */
  idempotent: boolean;
}

export interface OperationModule {
  meta: OperationMeta;
  description: INodeProperties[];
  execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject>;
}

/** resource -> operation -> module. */
export type OperationTable = Record<string, Record<string, OperationModule>>;

/** Shows properties only for one resource and operation (n8n's `updateDisplayOptions`). */
export function forOperation(resource: string, operation: string, properties: INodeProperties[]): INodeProperties[] {
  return properties.map((property) => ({
    ...property,
    displayOptions: {
      ...property.displayOptions,
      show: { ...property.displayOptions?.show, resource: [resource], operation: [operation] },
    },
  }));
}

/**
 * A node subtitle that reads like n8n's own: the display name of the chosen operation ("List low stock products"),
 * from the `action` of each operation option. It reads only `resource` and `operation`, which are never
 * expressions (`noDataExpression`), so the editor can always show it.
 */
export function operationSubtitle(properties: INodeProperties[]): string {
  const names: Record<string, string> = {};
  for (const property of properties) {
    if (property.name !== 'operation') continue;
    const resource = property.displayOptions!.show!.resource![0] as string;
    for (const option of property.options as INodePropertyOptions[])
      names[`${resource}:${String(option.value)}`] = option.action ?? option.name;
  }
  return optionSubtitle(names, '$parameter["resource"] + ":" + $parameter["operation"]');
}

/** `={{ ({ value: "Display name", ... })[key] }}`: a display name looked up by a parameter's value. */
export function optionSubtitle(names: Record<string, string>, key: string): string {
  return `={{ (${JSON.stringify(names)})[${key}] }}`;
}

export interface ResourceDescription {
  value: string;
  name: string;
  description?: string;
  operations: (INodePropertyOptions & { value: string })[];
}

/**
 * The `resource` and `operation` selectors of a node, followed by every operation's properties and the shared
 * `options` collection.
 */
export function nodeProperties(
  resources: ResourceDescription[],
  table: OperationTable,
  extra: { before?: INodeProperties[]; options?: INodeProperties } = {},
): INodeProperties[] {
  const properties: INodeProperties[] = [...(extra.before ?? [])];
  properties.push({
    displayName: 'Resource',
    name: 'resource',
    type: 'options',
    noDataExpression: true,
    options: resources.map(({ value, name, description }) => ({
      value,
      name,
      ...(description ? { description } : {}),
    })),
    default: resources[0]!.value,
  });
  for (const resource of resources) {
    properties.push({
      displayName: 'Operation',
      name: 'operation',
      type: 'options',
      noDataExpression: true,
      displayOptions: { show: { resource: [resource.value] } },
      options: resource.operations,
      default: resource.operations[0]!.value,
    });
  }
  for (const [, operations] of Object.entries(table)) {
    for (const module of Object.values(operations)) properties.push(...module.description);
  }
  properties.push(extra.options ?? requestOptionsProperty);
  return properties;
}

/** The `options` collection the compiler writes: `{ timeoutMs?, retries?, retryDelayMs? }`. */
export const requestOptionsProperty: INodeProperties = {
  displayName: 'Options',
  name: 'options',
  type: 'collection',
  placeholder: 'Add option',
  default: {},
  description: "Deadline and retries of each item's requests",
  options: [
    {
      displayName: 'Timeout (ms)',
      name: 'timeoutMs',
      type: 'number',
      typeOptions: { minValue: 1 },
      default: 60000,
      description: 'Deadline for the whole operation of one item (every page and every retry), in milliseconds',
    },
    {
      displayName: 'Retries',
      name: 'retries',
      type: 'number',
      typeOptions: { minValue: 0, maxValue: 10 },
      default: 0,
      description:
        'Retries with exponential backoff for retryable failures only: network errors, HTTP 429 and 5xx (Retry-After is honoured). Fixed-delay retries are the node settings "Retry On Fail".',
    },
    {
      displayName: 'Retry Delay (ms)',
      name: 'retryDelayMs',
      type: 'number',
      typeOptions: { minValue: 0 },
      default: 1000,
      description: 'First backoff delay; each further retry waits twice as long',
    },
  ],
};

export interface RequestPolicy {
  timeoutMs?: number;
  retries: number;
  retryDelayMs: number;
}

/** Reads and checks the `options` collection of one item. */
export function readRequestPolicy(
  ctx: Pick<IExecuteFunctions, 'getNodeParameter' | 'getNode'>,
  itemIndex: number,
): RequestPolicy {
  const options = ctx.getNodeParameter('options', itemIndex, {}) as IDataObject;
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw new NodeOperationError(
      ctx.getNode(),
      'Parameter "options" must be an object such as { "timeoutMs": 30000, "retries": 2 }.',
      { itemIndex },
    );
  }
  const number = (key: string, min: number, max: number): number | undefined => {
    const value = options[key];
    if (value === undefined || value === null || value === '') return undefined;
    const n = typeof value === 'number' ? value : Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new NodeOperationError(
        ctx.getNode(),
        `Parameter "options.${key}" must be a whole number between ${min} and ${max}, but got ${JSON.stringify(value)}.`,
        { itemIndex },
      );
    }
    return n;
  };
  const timeoutMs = number('timeoutMs', 1, 86_400_000);
  return {
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    retries: number('retries', 0, 10) ?? 0,
    retryDelayMs: number('retryDelayMs', 0, 600_000) ?? 1000,
  };
}

const CLIENT_ERRORS = [
  HttpTimeoutError,
  HttpCancelledError,
  HttpNetworkError,
  TooManyRedirectsError,
  ResponseTooLargeError,
  SsrfBlockedError,
];

/** Any failure as an n8n node error that carries the item index (what n8n shows and routes per item). */
export function toNodeError(node: INode, error: unknown, itemIndex: number): NodeOperationError | NodeApiError {
  if (error instanceof NodeApiError || error instanceof NodeOperationError) {
    error.context = { ...error.context, itemIndex: error.context?.itemIndex ?? itemIndex };
    return error;
  }
  if (CLIENT_ERRORS.some((type) => error instanceof type)) {
    return new NodeOperationError(node, (error as Error).message, { itemIndex, description: (error as Error).name });
  }
  if (error instanceof Error) return new NodeOperationError(node, error, { itemIndex });
  return new NodeOperationError(node, String(error), { itemIndex });
}

/**
 * Runs an operation for every input item. A failing item either stops the node (a NodeOperationError/NodeApiError
 * with its item index) or, when the node continues on fail, becomes `{ json: { error } }` paired with its item;
 * with "continue (using error output)" n8n routes those items to the error output.
 */
export async function runForEachItem(
  ctx: IExecuteFunctions,
  run: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
): Promise<INodeExecutionData[]> {
  const items = ctx.getInputData();
  const out: INodeExecutionData[] = [];
  for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
    try {
      const result = await run(itemIndex);
      for (const json of Array.isArray(result) ? result : [result]) out.push({ json, pairedItem: { item: itemIndex } });
    } catch (error) {
      const nodeError = toNodeError(ctx.getNode(), error, itemIndex);
      if (ctx.continueOnFail() && !(nodeError instanceof ExecutionStoppedError)) {
        out.push({ json: { error: nodeError.message }, pairedItem: { item: itemIndex } });
        continue;
      }
      throw nodeError;
    }
  }
  return out;
}

/** The `execute` of a node: dispatches on resource and operation, then runs the operation per item. */
export async function routeOperation(ctx: IExecuteFunctions, table: OperationTable): Promise<INodeExecutionData[][]> {
  const resource = ctx.getNodeParameter('resource', 0) as string;
  const operation = ctx.getNodeParameter('operation', 0) as string;
  const module = table[resource]?.[operation];
  // Nothing acts once a budget stopped the execution, even where n8n goes on past the stop (see recordExecutionStop).
  refuseIfExecutionStopped(ctx);
  if (!module) {
    const known = Object.entries(table).flatMap(([r, ops]) => Object.keys(ops).map((o) => `${r}/${o}`));
    throw new NodeOperationError(
      ctx.getNode(),
      `The operation "${resource}/${operation}" is not supported; use one of ${known.join(', ')}.`,
    );
  }
  return [await runForEachItem(ctx, (itemIndex) => module.execute.call(ctx, itemIndex))];
}
