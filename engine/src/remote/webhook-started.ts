import { stableUuid, toPublicApiWorkflow, type N8nWorkflow, type PublicApiWorkflow } from '@ionflux/compiler';

/** What a server-started run sends to its workflow's webhook (POST JSON). */
export interface WebhookRunRequest {
  /** The run's inputs (checked and completed with defaults). */
  inputs: Record<string, unknown>;
  /** The bound connections as the Inputs node holds them (`{ name, type, account }`, never secrets). */
  connections: Record<string, unknown>;
  /** The trigger item, in the shape the agent's own trigger node produces (see `triggerItem`). */
  trigger: Record<string, unknown>;
  /** The run's short-lived token: the IONFLUX API credential of the deployment reads it (see below). */
  runToken: string;
  /** The run's token budget, if any: the LLM credential of the deployment reads it (see `runBudgetCredentialData`). */
  tokenBudget?: number;
  /** The run's USD budget, if any (read the same way, priced with the server's prices). */
  usdBudget?: number;
}

/** The n8n node a server-deployed workflow answers its webhook with (the execution id, before the steps run). */
export const RUN_RESPONSE_NODE = 'IONFLUX run started';

/**
 * The credential data of the IONFLUX API credential of a server deployment: the token is an n8n expression that reads
 * the run's own token from the Inputs node, so each execution calls back with its run's token (which dies with the
 * run) and no long-lived token is stored in n8n.
 */
export function runTokenCredentialData({ baseUrl, inputsNode }: { baseUrl: string; inputsNode: string }): {
  baseUrl: string;
  token: string;
} {
  return { baseUrl, token: `={{ $(${JSON.stringify(inputsNode)}).first().json.runToken }}` };
}

/**
 * What the LLM credential of a server deployment adds to its data: its budgets per execution read the run's token
 * and USD budgets from the Inputs node (empty: none), so the model calls of each execution stop where that run's
 * budgets end; `prices` (IONFLUX_TOKEN_PRICES' form) price the calls for the USD budget.
 */
export function runBudgetCredentialData({ inputsNode, prices }: { inputsNode: string; prices: string }): {
  executionBudget: string;
  executionBudgetUsd: string;
  prices: string;
} {
  const inputs = `$(${JSON.stringify(inputsNode)}).first().json`;
  return {
    executionBudget: `={{ ${inputs}.tokenBudget }}`,
    executionBudgetUsd: `={{ ${inputs}.usdBudget }}`,
    prices,
  };
}

/**
 * The compiled workflow as an IONFLUX server deploys it to n8n to start its runs there: the agent's trigger node
 * becomes a Webhook node of the same name (POST `path`) that answers at once with the execution id (a Respond to
 * Webhook node, placed above the steps so n8n's v1 order runs it first), and the Inputs node takes the run's inputs,
 * connections, trigger item, token and budgets from the request ({@link WebhookRunRequest}) instead of the compiled defaults.
 * Every step node is unchanged, so executions read back with `agentRunFromExecution` like the agent's own workflow.
 * `credentials` maps each compiled reference (`type` + name) to the n8n credential to use.
 *
 * @example
 * const body = webhookStartedWorkflow({ workflow, path: 'ionflux-<agent id>-<secret>', webhookId, credentials });
 * await api.createWorkflow(body);
 */
export function webhookStartedWorkflow({
  workflow,
  name,
  path,
  webhookId,
  credentials,
  staticData = {},
}: {
  workflow: N8nWorkflow;
  name: string;
  path: string;
  webhookId: string;
  credentials: (reference: { type: string; name: string }) => { id: string; name: string };
  staticData?: Record<string, unknown>;
}): PublicApiWorkflow {
  const sources = workflow.meta.ionflux.nodes;
  const trigger = workflow.nodes.find((n) => sources[n.name]?.role === 'trigger');
  const inputs = workflow.nodes.find((n) => sources[n.name]?.role === 'inputs');
  if (!trigger || !inputs) throw new Error('The compiled workflow has no trigger or Inputs node.');
  const nodes = workflow.nodes.map((node) => {
    let result = node;
    if (node === trigger) {
      result = {
        id: node.id,
        name: node.name,
        type: 'n8n-nodes-base.webhook',
        typeVersion: 2,
        position: node.position,
        webhookId,
        parameters: { httpMethod: 'POST', path, responseMode: 'responseNode', options: {} },
      };
    } else if (node === inputs) {
      const parameters = structuredClone(node.parameters) as {
        assignments: { assignments: { name: string; value: unknown; type: string; id: string }[] };
      };
      const list = parameters.assignments.assignments;
      for (const assignment of list)
        if (['inputs', 'connections', 'trigger'].includes(assignment.name))
          assignment.value = `={{ $json.body.${assignment.name} }}`;
      list.push({
        id: stableUuid(`${webhookId}/run-token`),
        name: 'runToken',
        value: '={{ $json.body.runToken }}',
        type: 'string',
      });
      for (const budget of ['tokenBudget', 'usdBudget'])
        list.push({
          id: stableUuid(`${webhookId}/${budget}`),
          name: budget,
          value: `={{ String($json.body.${budget} ?? '') }}`,
          type: 'string',
        });
      result = { ...node, parameters: parameters as unknown as Record<string, unknown> };
    }
    if (!result.credentials) return result;
    return {
      ...result,
      credentials: Object.fromEntries(
        Object.entries(result.credentials).map(([type, ref]) => [type, credentials({ type, name: ref.name })]),
      ),
    };
  });
  const [x, y] = trigger.position;
  nodes.push({
    id: stableUuid(`${webhookId}/respond`),
    name: RUN_RESPONSE_NODE,
    type: 'n8n-nodes-base.respondToWebhook',
    typeVersion: 1.1,
    // Above every step: n8n's v1 order runs the branches of a node top to bottom, so the answer goes out first.
    position: [x + 220, y - 400],
    parameters: {
      respondWith: 'json',
      responseBody: '={{ JSON.stringify({ executionId: $execution.id }) }}',
      options: {},
    },
  });
  const outgoing = (workflow.connections[trigger.name] as { main: { node: string; type: string; index: number }[][] })
    .main;
  const connections = {
    ...workflow.connections,
    [trigger.name]: {
      main: [[{ node: RUN_RESPONSE_NODE, type: 'main', index: 0 }, ...(outgoing[0] ?? [])], ...outgoing.slice(1)],
    },
  };
  // n8n saves the execution after each node, so the server reads its steps back while it runs (live progress).
  const settings = { ...workflow.settings, saveExecutionProgress: true };
  const body = toPublicApiWorkflow({ ...workflow, name, nodes, connections, settings } as N8nWorkflow);
  return { ...body, staticData: { ...body.staticData, ...staticData } };
}
