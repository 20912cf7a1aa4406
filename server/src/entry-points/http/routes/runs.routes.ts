import { z } from 'zod';
import { agentRunStatuses, AgentRunSchema } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { int32, queryInt, uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';

const AgentParams = WorkspaceParams.extend({ agentId: uuid });
const RunParams = WorkspaceParams.extend({ runId: uuid });

export function runRoutes(useCases: UseCases): RouteDefinition[] {
  const { runs } = useCases;
  const tags = ['agents'];
  const AgentSettingsSchema = z.object({
    runTokenBudget: z
      .int()
      .nullable()
      .describe('Most LLM tokens one agent run in this workspace may use (null: no workspace budget)'),
    runUsdBudget: z
      .number()
      .nullable()
      .describe('Most US dollars of model calls one agent run in this workspace may cost (null: no USD budget)'),
  });
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/agent-settings',
      operationId: 'getWorkspaceAgentSettings',
      summary: "The workspace's settings for agent runs (its token and USD budgets per run)",
      tags,
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      response: { status: 200, description: 'The settings', schema: AgentSettingsSchema },
      handler: async ({ auth }) => runs.settings(auth.access!),
    }),
    defineRoute({
      method: 'put',
      path: '/api/workspaces/:workspaceId/agent-settings',
      operationId: 'updateWorkspaceAgentSettings',
      summary: "Set the workspace's token and USD budgets per agent run (admins)",
      description:
        'Every run of the workspace stops with an error naming the step that brought it over the budget; an ' +
        "agent's own policy budget and its configuration's tokenBudget / usdBudget apply too (the tightest wins). " +
        "A USD budget prices model calls with the server's token prices (IONFLUX_TOKEN_PRICES): a run with a USD " +
        'budget that calls a model without a price is stopped. A field left out keeps its value.',
      tags,
      policy: { kind: 'workspace', minRole: 'admin' },
      params: WorkspaceParams,
      body: z.strictObject({
        runTokenBudget: int32(1).nullable().optional(),
        runUsdBudget: z.number().positive().max(1_000_000).nullable().optional(),
      }),
      example: { body: { runTokenBudget: 20000, runUsdBudget: 0.5 } },
      response: { status: 200, description: 'Saved', schema: AgentSettingsSchema },
      handler: async ({ auth, body }) => runs.updateSettings(auth.access!, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/agents/:agentId/runs',
      operationId: 'startAgentRun',
      summary: "Run an agent now: queued durably, then executed on the server's engine pool",
      description:
        'Answers 202 with the queued run once it is stored. `inputs` override the configuration values (checked ' +
        'against the agent: 422 `invalid_inputs`); `trigger` is the trigger payload (for a shopify.order agent, the ' +
        'order in the Shopify webhook shape). Progress arrives on the workspace socket room as `run:queued`, ' +
        '`run:step` and `run:finished`; or poll getAgentRun.',
      tags,
      policy: { kind: 'workspace', minRole: 'member' },
      params: AgentParams,
      body: z
        .strictObject({
          inputs: z.record(z.string(), z.unknown()).optional(),
          trigger: z.unknown().optional().describe('Trigger payload ({{ trigger }})'),
        })
        .default({}),
      example: { body: { inputs: { period: 'last_7_days' } } },
      response: { status: 202, description: 'Queued', schema: z.object({ run: AgentRunSchema }) },
      errors: [409, 422],
      handler: async ({ auth, params, body }) => ({
        run: await runs.start(auth.access!, params.agentId, {
          ...(body.inputs ? { inputs: body.inputs } : {}),
          ...(body.trigger !== undefined ? { trigger: body.trigger } : {}),
        }),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/runs',
      operationId: 'listAgentRuns',
      summary: 'Runs, newest first (optionally of one agent, one status); paginated with cursor',
      tags,
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      query: z.object({
        agentId: uuid.optional(),
        status: z.enum(agentRunStatuses).optional(),
        cursor: uuid.optional().describe('nextCursor of the previous page'),
        limit: queryInt({ min: 1, max: 200, fallback: 50 }),
      }),
      response: {
        status: 200,
        description: 'A page of runs',
        schema: z.object({ runs: z.array(AgentRunSchema), nextCursor: uuid.nullable() }),
      },
      handler: async ({ auth, query }) => runs.list(auth.access!, query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/runs/:runId',
      operationId: 'getAgentRun',
      summary: 'One run: status, output, error (step and line:col), per-step log and token usage',
      tags,
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: RunParams,
      response: { status: 200, description: 'The run', schema: z.object({ run: AgentRunSchema }) },
      handler: async ({ auth, params }) => ({ run: await runs.get(auth.access!, params.runId) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/runs/:runId/cancel',
      operationId: 'cancelAgentRun',
      summary: 'Cancel a run: a queued one at once, a running one at its next node',
      tags,
      policy: { kind: 'workspace', minRole: 'member' },
      params: RunParams,
      response: { status: 200, description: 'The run after the request', schema: z.object({ run: AgentRunSchema }) },
      handler: async ({ auth, params }) => ({ run: await runs.cancel(auth.access!, params.runId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/chat/complete',
      operationId: 'completeChatCommand',
      summary: 'Autocomplete a chat command: commands, agent names, actions and input keys for the text typed so far',
      tags: ['chat', 'agents'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      query: z.object({ text: z.string().max(2000).describe('The message text typed so far, e.g. "/run_agent Sla"') }),
      example: { query: { text: '/run_agent Sla' } },
      response: {
        status: 200,
        description: 'Suggestions for the word being typed',
        schema: z.object({
          suggestions: z.array(
            z.object({
              kind: z.enum(['command', 'agent', 'action', 'input']),
              value: z.string().describe('Text that replaces the word being typed'),
              label: z.string(),
              description: z.string(),
            }),
          ),
        }),
      },
      handler: async ({ auth, query }) => ({
        suggestions: await useCases.chatCommands.complete(auth.access!, query.text),
      }),
    }),
  ];
}
