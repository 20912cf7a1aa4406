import type { N8nWorkflow } from '@ionflux/compiler';
import type { DocumentPath, Range } from '@ionflux/dsl';
import type { AgentRunResult, StepResult, TokenUsage } from '../run-agent';
import type { N8nExecutionRecord, N8nTaskData } from './n8n-api';

type Json = Record<string, unknown>;

function usageOf(items: { json: Json }[] | null | undefined): TokenUsage | undefined {
  let usage: TokenUsage | undefined;
  for (const item of items ?? []) {
    const u = item.json?.usage as Partial<TokenUsage> | undefined;
    if (!u || typeof u.totalTokens !== 'number') continue;
    usage ??= { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    usage.promptTokens += u.promptTokens ?? 0;
    usage.completionTokens += u.completionTokens ?? 0;
    usage.totalTokens += u.totalTokens;
  }
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
}: {
  workflow: N8nWorkflow;
  execution: N8nExecutionRecord;
  sourceMap?: Record<string, { path: DocumentPath; range: Range }>;
}): AgentRunResult {
  const sources = workflow.meta.ionflux.nodes;
  const onErrorOf = new Map(workflow.nodes.map((n) => [n.name, n.onError]));
  const runData = execution.data?.resultData.runData ?? {};
  // Every node run in the order n8n ran them.
  const runs = Object.entries(runData)
    .flatMap(([node, tasks]) => tasks.map((task) => ({ node, task })))
    .sort((a, b) => a.task.startTime - b.task.startTime);
  const steps = new Map<string, StepResult>();
  const totals: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
  for (const { node, task } of runs) {
    const source = sources[node];
    const usage = usageOf(task.data?.main?.[0]);
    if (usage) {
      totals.promptTokens += usage.promptTokens;
      totals.completionTokens += usage.completionTokens;
      totals.totalTokens += usage.totalTokens;
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
    if (usage) {
      step.usage ??= { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
      step.usage.promptTokens += usage.promptTokens;
      step.usage.completionTokens += usage.completionTokens;
      step.usage.totalTokens += usage.totalTokens;
    }
    steps.set(id, step);
  }

  const started = Date.parse(execution.startedAt);
  const stopped = execution.stoppedAt ? Date.parse(execution.stoppedAt) : started;
  const result: AgentRunResult = {
    executionId: String(execution.id),
    status: execution.status === 'success' ? 'success' : execution.status === 'canceled' ? 'canceled' : 'error',
    output: undefined,
    steps: [...steps.values()],
    usage: totals,
    durationMs: Math.max(0, stopped - started),
  };
  const outputNode = Object.keys(sources).find((name) => sources[name]!.role === 'output');
  if (outputNode && runData[outputNode]) {
    result.output = (runData[outputNode].at(-1)?.data?.main?.[0]?.[0]?.json as Json | undefined)?.value;
  } else {
    const lastAction = [...runs].reverse().find(({ node }) => sources[node]?.role === 'action');
    if (lastAction) result.output = lastAction.task.data?.main?.[0]?.[0]?.json;
  }
  if (result.status !== 'success') {
    const error = execution.data?.resultData.error;
    const node = error?.node?.name ?? execution.data?.resultData.lastNodeExecuted;
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
