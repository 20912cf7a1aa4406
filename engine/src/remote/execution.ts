import type { N8nWorkflow } from '@ionflux/compiler';
import type { DocumentPath, Range } from '@ionflux/dsl';
import { BUDGET_STOP_CONTEXT_KEY, BUDGET_STOP_HINT_KEY, priceOfModel, type TokenPrice } from 'n8n-nodes-ionflux';
import type { AgentRunResult, StepResult, TokenUsage } from '../run-agent';
import type { N8nExecutionRecord, N8nTaskData } from './n8n-api';

type Json = Record<string, unknown>;

/** Tokens of one model, as a node reports them. */
interface ModelSpending {
  model: string | undefined;
  usage: TokenUsage;
}

const tokensOf = (value: unknown): TokenUsage | undefined => {
  const u = value as Partial<TokenUsage> | null | undefined;
  if (!u || typeof u !== 'object' || typeof u.totalTokens !== 'number') return undefined;
  return { promptTokens: u.promptTokens ?? 0, completionTokens: u.completionTokens ?? 0, totalTokens: u.totalTokens };
};

function addUsage(to: TokenUsage, usage: TokenUsage): void {
  to.promptTokens += usage.promptTokens;
  to.completionTokens += usage.completionTokens;
  to.totalTokens += usage.totalTokens;
}

/**
 * The budget stop of a node's run, if its model call went over the run's budget and stopped the execution (see
 * n8n-nodes-ionflux's `recordExecutionStop`): the node kept its answer and marked its run with a hint (`message`:
 * the stop), or it failed with the stop (its error carries the tokens its run spent, `usage` and `byModel`).
 */
export function budgetStopOf(
  task: N8nTaskData,
): { message: string; usage?: TokenUsage; byModel?: Record<string, TokenUsage> } | undefined {
  const hint = task.hints?.find((h) => h.group?.key === BUDGET_STOP_HINT_KEY);
  if (!task.error && hint) return { message: hint.message };
  const stop = task.error?.context?.[BUDGET_STOP_CONTEXT_KEY];
  return stop && typeof stop === 'object' ? { ...(stop as object), message: task.error!.message } : undefined;
}

/**
 * What a node's run spent, by model: the usage its output items report (each with the model that answered), or,
 * when it failed, what its error carries (a failed node's items, if any, are its input passed on by "continue on
 * error", not answers of its own).
 */
function spendingOf(task: N8nTaskData): ModelSpending[] {
  if (task.error) {
    const stop = budgetStopOf(task);
    const byModel = Object.entries(stop?.byModel ?? {}).flatMap(([model, value]) => {
      const usage = tokensOf(value);
      return usage ? [{ model, usage }] : [];
    });
    if (byModel.length > 0) return byModel;
    const usage = tokensOf(stop?.usage);
    return usage ? [{ model: undefined, usage }] : [];
  }
  return (task.data?.main?.[0] ?? []).flatMap((item) => {
    const usage = tokensOf(item.json?.usage);
    const model = item.json?.model;
    return usage ? [{ model: typeof model === 'string' ? model : undefined, usage }] : [];
  });
}

/** The tokens a node's run spent (see `spendingOf`), if it reported any. */
export function taskUsage(task: N8nTaskData): TokenUsage | undefined {
  const spending = spendingOf(task);
  if (spending.length === 0) return undefined;
  const usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  for (const spent of spending) addUsage(usage, spent.usage);
  return usage;
}

const countItems = (task: N8nTaskData) => (task.data?.main ?? []).reduce((sum, items) => sum + (items?.length ?? 0), 0);

/**
 * An execution read back from n8n's executions API as the run result the embedded engine gives
 * (`runAgent`): status, the agent's output (the Output node's value, else the last action's output), steps with
 * items and token usage, and an error at the step's YAML line:col. `workflow` is the compiled workflow that was
 * deployed (its `meta.ionflux` maps nodes to steps).
 */
export function agentRunFromExecution({
  workflow,
  execution,
  sourceMap,
  tokenPrices,
}: {
  workflow: N8nWorkflow;
  execution: N8nExecutionRecord;
  sourceMap?: Record<string, { path: DocumentPath; range: Range }>;
  /** Model -> USD per million tokens: prices each node's tokens by the model that answered (`costUsd`), as `runAgent`. */
  tokenPrices?: Record<string, TokenPrice>;
}): AgentRunResult {
  const sources = workflow.meta.ionflux.nodes;
  const onErrorOf = new Map(workflow.nodes.map((n) => [n.name, n.onError]));
  const runData = execution.data?.resultData.runData ?? {};
  // Every node run in the order n8n ran them, up to the one whose model call went over the run's budget: nothing
  // after it acted (its execution was stopped there, though n8n goes on past a node that continues on error).
  let runs = Object.entries(runData)
    .flatMap(([node, tasks]) => tasks.map((task) => ({ node, task })))
    .sort((a, b) => a.task.startTime - b.task.startTime);
  const stopIndex = runs.findIndex(({ task }) => budgetStopOf(task));
  const budgetStop = stopIndex >= 0 ? runs[stopIndex] : undefined;
  if (budgetStop) runs = runs.slice(0, stopIndex + 1);
  const steps = new Map<string, StepResult>();
  const totals: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  let costUsd = 0;
  const unpricedModels = new Set<string>();
  for (const { node, task } of runs) {
    const source = sources[node];
    const usage = taskUsage(task);
    if (usage) addUsage(totals, usage);
    if (tokenPrices)
      for (const { model, usage: spent } of spendingOf(task)) {
        const price = model === undefined ? undefined : priceOfModel(tokenPrices, model);
        if (price)
          costUsd += (spent.promptTokens * price.prompt + spent.completionTokens * price.completion) / 1_000_000;
        else unpricedModels.add(model ?? 'unknown');
      }
    const role = source?.role;
    const id =
      role === 'output-canvas'
        ? 'output.canvas'
        : role === 'output-chat'
          ? 'output.chat'
          : ['action', 'if', 'switch', 'loop'].includes(role ?? '')
            ? source!.step
            : undefined;
    if (!id) continue;
    const step = steps.get(id) ?? { id, node, status: 'success', durationMs: 0, items: 0, runs: 0 };
    step.durationMs += task.executionTime;
    step.items += role === 'if' || role === 'switch' ? countItems(task) : (task.data?.main?.[0]?.length ?? 0);
    step.runs += 1;
    if (task.error || itemsAreErrors(task, onErrorOf.get(node))) step.status = 'error';
    if (usage) addUsage((step.usage ??= { promptTokens: 0, completionTokens: 0, totalTokens: 0 }), usage);
    steps.set(id, step);
  }

  const started = Date.parse(execution.startedAt);
  const stopped = execution.stoppedAt ? Date.parse(execution.stoppedAt) : started;
  const result: AgentRunResult = {
    executionId: String(execution.id),
    status: budgetStop
      ? 'error'
      : execution.status === 'success'
        ? 'success'
        : execution.status === 'canceled'
          ? 'canceled'
          : 'error',
    output: undefined,
    steps: [...steps.values()],
    usage: totals,
    ...(tokenPrices ? { costUsd: Number(costUsd.toFixed(6)) } : {}),
    ...(unpricedModels.size > 0 ? { unpricedModels: [...unpricedModels] } : {}),
    durationMs: Math.max(0, stopped - started),
  };
  // The Output node's value, else the last action's output, of the nodes the run ran (up to a budget stop: the node
  // that went over kept its answer, as the embedded engine keeps the output of the step it stops after).
  const outputNode = Object.keys(sources).find((name) => sources[name]!.role === 'output');
  const outputRun = [...runs].reverse().find(({ node }) => node === outputNode);
  if (budgetStop?.task.error) {
    // It failed instead (a further call of its run refused): it has no answer, and the items n8n passed on past it
    // when it continues on error are its input, not an output.
  } else if (outputRun) {
    result.output = (outputRun.task.data?.main?.[0]?.[0]?.json as Json | undefined)?.value;
  } else {
    const lastAction = [...runs].reverse().find(({ node }) => sources[node]?.role === 'action');
    if (lastAction) result.output = lastAction.task.data?.main?.[0]?.[0]?.json;
  }
  if (result.status !== 'success') {
    const runError = execution.data?.resultData.error;
    const stop = budgetStop ? budgetStopOf(budgetStop.task) : undefined;
    const error: { message: string; description?: string } | undefined = stop ? { message: stop.message } : runError;
    const node = budgetStop ? budgetStop.node : (runError?.node?.name ?? execution.data?.resultData.lastNodeExecuted);
    const source = node ? sources[node] : undefined;
    const range = node ? sourceMap?.[node]?.range : undefined;
    result.error = {
      message: error?.message ?? `The run ended with status ${execution.status}.`,
      ...(node ? { node } : {}),
      ...(source?.step ? { step: source.step } : {}),
      ...(source ? { path: source.path } : {}),
      ...(range ? { line: range.start.line, col: range.start.col } : {}),
    };
    if (error?.description && !result.error.message.includes(error.description))
      result.error.message += `: ${error.description}`;
  }
  return result;
}

/** A node that continued on error passes its failures on (see runAgent): the step failed though the run went on. */
function itemsAreErrors(task: N8nTaskData, onError: string | undefined): boolean {
  const outputs = task.data?.main ?? [];
  if (onError === 'continueErrorOutput') return (outputs[outputs.length - 1]?.length ?? 0) > 0 && outputs.length > 1;
  return outputs.some((items) =>
    (items ?? []).some(
      (item) =>
        item.json?.error !== undefined &&
        Object.keys(item.json).every((key) => ['error', 'message', 'details'].includes(key)),
    ),
  );
}
