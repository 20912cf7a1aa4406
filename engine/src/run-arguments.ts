import type { InputDefinition } from '@ionflux/dsl';
import type { N8nNode, N8nWorkflow } from '@ionflux/compiler';
import { resolveInputs } from './inputs';
import { triggerItem } from './trigger-payload';

/**
 * A run's arguments checked against the compiled agent: its inputs (defaults filled in, each checked against its
 * declaration) and the item its trigger hands to the run. Throws `RunInputError` naming the field and the fix.
 * Loads nothing of n8n, so a command line can check its arguments before it starts a server or the engine.
 *
 * @example
 * const { inputs } = checkRunArguments({ workflow, input: { period: 'last_30_days' } });
 */
export function checkRunArguments({
  workflow,
  input,
  trigger,
  accounts,
  now,
}: {
  workflow: N8nWorkflow;
  input?: Record<string, unknown> | undefined;
  trigger?: unknown;
  accounts?: Record<string, string> | undefined;
  now?: Date;
}): { inputs: Record<string, unknown>; triggerNode: N8nNode; startItem: Record<string, unknown> } {
  const meta = workflow.meta?.ionflux;
  const sources = meta?.nodes ?? {};
  const inputs = resolveInputs((meta?.inputs ?? {}) as Record<string, InputDefinition>, input);
  const triggerNode = workflow.nodes.find((n) => sources[n.name]?.role === 'trigger') ?? workflow.nodes[0]!;
  const triggerConnection = Object.values(triggerNode.credentials ?? {})[0]?.id?.replace(/^ionflux:/, '');
  const startItem = triggerItem({
    triggerType: triggerNode.type,
    parameters: triggerNode.parameters,
    payload: trigger,
    ...(triggerConnection && accounts?.[triggerConnection] ? { shop: accounts[triggerConnection] } : {}),
    ...(now ? { now } : {}),
  });
  return { inputs, triggerNode, startItem };
}
