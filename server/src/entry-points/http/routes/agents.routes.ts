import { z } from 'zod';
import {
  AgentConfigurationSchema,
  AgentRevisionDiffSchema,
  AgentRevisionSchema,
  ConnectionBindingSchema,
} from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { int32, queryInt32, text, uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';

const AgentParams = WorkspaceParams.extend({ agentId: uuid });
const RevisionParams = AgentParams.extend({ revision: queryInt32(1) });
/** Agent YAML is bounded by the DSL's own parse limits; the body allows it with room for inputs and bindings. */
const AGENT_BODY_BYTES = 512 * 1024;
const yaml = z
  .string()
  .min(1, 'Send the agent YAML')
  .max(256 * 1024)
  .describe("The agent's YAML source");
const inputs = z.record(z.string(), z.unknown()).describe('Values for the inputs the agent declares');
const bindings = z
  .record(z.string(), ConnectionBindingSchema)
  .describe('Connection name -> { brandId } | { creatorId } | { sandbox: true }');
const tokenBudget = int32(1).nullable().describe('Most LLM tokens one run of this agent may use');
const usdBudget = z
  .number()
  .positive()
  .max(1_000_000)
  .nullable()
  .describe('Most US dollars of model calls one run of this agent may cost (priced with IONFLUX_TOKEN_PRICES)');

export const EXAMPLE_AGENT_YAML = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: revenue-tracker-lite, displayName: Revenue Tracker Lite, version: 1.0.0 }
spec:
  inputs:
    period: { type: string, default: last_7_days }
  connections:
    store: { type: shopify, scopes: [read_orders] }
  trigger: { manual: {} }
  steps:
    - id: revenue
      uses: shopify.revenue.summary
      with: { period: "{{ inputs.period }}" }
  output:
    value: "{{ steps.revenue.output }}"
    canvas: { block: revenue, title: Revenue }
`;

const WebhookSchema = z
  .object({
    url: z.string().describe('POST here to start a run (the secret is in the path); shown only now'),
    path: z.string(),
    secret: z.string().describe('The secret part of the URL; the server keeps only its SHA-256'),
    issuedAt: z.string(),
  })
  .meta({ id: 'AgentWebhook' });

/** The calls an agent's webhook URL answers: the method its trigger declares (POST by default). */
function webhookIntakeRoute(useCases: UseCases, method: 'post' | 'put' | 'get'): RouteDefinition {
  const suffix = method === 'post' ? '' : method === 'put' ? 'Put' : 'Get';
  return defineRoute({
    method,
    path: '/api/hooks/agents/:agentId/:secret',
    operationId: `receiveAgentWebhook${suffix}`,
    summary: `Start a run of a webhook-triggered agent (${method.toUpperCase()})`,
    description:
      'The URL comes from rotateAgentWebhook. The run gets `{ body, headers, query, method }` as its trigger ' +
      'payload (`{{ trigger.body }}`; credentials headers are not stored). A wrong, rotated or revoked secret and ' +
      'an unknown agent all answer 404 (the secret is compared in constant time). Each agent takes ' +
      'IONFLUX_WEBHOOK_PER_MINUTE requests a minute (default 60): 429 with Retry-After past it. 405 when the ' +
      "agent's trigger declares another method; 409 when the agent is disabled.",
    tags: ['agents'],
    policy: { kind: 'public' },
    params: z.object({ agentId: uuid, secret: z.string().min(1).max(200) }),
    ...(method === 'get'
      ? {}
      : {
          body: z.unknown().optional().describe('Any JSON: the trigger payload body'),
          maxBodyBytes: 256 * 1024,
          example: { body: { order: 'A-1001', total: 150 } },
        }),
    response: {
      status: 202,
      description: 'The run is queued',
      schema: z.object({ run: z.object({ id: uuid, status: z.string() }) }),
    },
    errors: [404, 405, 409, 422, 429],
    handler: async ({ params, body, req }) => {
      const run = await useCases.agentWebhooks.receive({
        agentId: params.agentId,
        secret: params.secret,
        method: method.toUpperCase(),
        body,
        headers: req.headers,
        query: req.query as Record<string, unknown>,
      });
      return { run: { id: run.id, status: run.status } };
    },
  });
}

export function agentRoutes(useCases: UseCases): RouteDefinition[] {
  const { agents } = useCases;
  const tags = ['agents'];
  return [
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/agents/:agentId/webhook',
      operationId: 'rotateAgentWebhook',
      summary: 'Issue a new webhook URL for a webhook-triggered agent (the previous URL stops working)',
      description:
        "Answers the URL with its secret once; the server keeps only the secret's SHA-256, so a lost URL is " +
        'replaced by rotating again. 409 `not_a_webhook_agent` when the agent has another trigger.',
      tags,
      policy: { kind: 'workspace', minRole: 'member' },
      params: AgentParams,
      response: { status: 201, description: 'The new URL', schema: z.object({ webhook: WebhookSchema }) },
      errors: [409],
      handler: async ({ auth, params, req }) => ({
        webhook: await useCases.agentWebhooks.rotate(
          auth.access!,
          params.agentId,
          useCases.ctx.config.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`,
        ),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/agents/:agentId/webhook',
      operationId: 'revokeAgentWebhook',
      summary: "Revoke an agent's webhook URL (it answers 404 from now on)",
      tags,
      policy: { kind: 'workspace', minRole: 'member' },
      params: AgentParams,
      response: { status: 204, description: 'Revoked' },
      handler: async ({ auth, params }) => {
        await useCases.agentWebhooks.revoke(auth.access!, params.agentId);
        return undefined;
      },
    }),
    webhookIntakeRoute(useCases, 'post'),
    webhookIntakeRoute(useCases, 'put'),
    webhookIntakeRoute(useCases, 'get'),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/agents',
      operationId: 'listAgentConfigurations',
      summary: 'Agents installed in the workspace',
      tags,
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      response: {
        status: 200,
        description: 'Configurations, by name',
        schema: z.object({ agents: z.array(AgentConfigurationSchema) }),
      },
      handler: async ({ auth }) => ({ agents: await agents.list(auth.access!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/agents',
      operationId: 'createAgentConfiguration',
      summary: 'Install an agent: its YAML, input values and connection bindings (revision 1)',
      description:
        'The YAML is validated like `ionflux validate`: an invalid agent is not stored and the answer is 422 ' +
        '`invalid_agent` with `error.details.diagnostics` (code, severity, message, path, range). Input values are ' +
        'checked against the declared inputs (422 `invalid_inputs`), and every shopify/tiktok connection must be bound ' +
        'to a Brand/Creator of the workspace or the sandbox (422 `invalid_bindings` naming each). `name` defaults to ' +
        "the agent's displayName and is unique in the workspace (409 `agent_name_taken`).",
      tags,
      policy: { kind: 'workspace', minRole: 'member' },
      params: WorkspaceParams,
      maxBodyBytes: AGENT_BODY_BYTES,
      body: z.strictObject({
        yaml,
        name: text(100, 'Name').optional(),
        description: z.string().trim().max(2000).optional(),
        definitionId: uuid.nullable().optional().describe('Marketplace definition it comes from'),
        inputs: inputs.optional(),
        bindings: bindings.optional(),
        enabled: z.boolean().optional(),
        tokenBudget: tokenBudget.optional(),
        usdBudget: usdBudget.optional(),
      }),
      example: {
        body: { yaml: EXAMPLE_AGENT_YAML, inputs: { period: 'last_7_days' }, bindings: { store: { sandbox: true } } },
      },
      response: { status: 201, description: 'Installed', schema: z.object({ agent: AgentConfigurationSchema }) },
      errors: [409, 422],
      handler: async ({ auth, body }) => ({ agent: await agents.create(auth.access!, body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/agents/:agentId',
      operationId: 'getAgentConfiguration',
      summary: 'One installed agent, with its latest output',
      tags,
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: AgentParams,
      response: {
        status: 200,
        description: 'The configuration',
        schema: z.object({ agent: AgentConfigurationSchema }),
      },
      handler: async ({ auth, params }) => ({ agent: await agents.get(auth.access!, params.agentId) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId/agents/:agentId',
      operationId: 'updateAgentConfiguration',
      summary: 'Save a new revision (YAML, name, inputs, bindings, enabled, budget)',
      description:
        '`baseRevision` is the revision you edited: when someone saved since, nothing changes and the answer is 409 ' +
        '`revision_conflict` with the current configuration in `error.details.current`. Validation as on create.',
      tags,
      policy: { kind: 'workspace', minRole: 'member' },
      params: AgentParams,
      maxBodyBytes: AGENT_BODY_BYTES,
      body: z.strictObject({
        baseRevision: int32(1),
        yaml: yaml.optional(),
        name: text(100, 'Name').optional(),
        description: z.string().trim().max(2000).optional(),
        definitionId: uuid.nullable().optional(),
        inputs: inputs.optional(),
        bindings: bindings.optional(),
        enabled: z.boolean().optional(),
        tokenBudget: tokenBudget.optional(),
        usdBudget: usdBudget.optional(),
      }),
      example: { body: { baseRevision: 1, inputs: { period: 'last_30_days' } } },
      response: { status: 200, description: 'Saved', schema: z.object({ agent: AgentConfigurationSchema }) },
      errors: [409, 422],
      handler: async ({ auth, params, body }) => ({
        agent: await agents.update(auth.access!, params.agentId, body),
      }),
    }),
    defineRoute({
      method: 'put',
      path: '/api/workspaces/:workspaceId/agents/:agentId/layout',
      operationId: 'setAgentLayout',
      summary: "Keep the editor's node positions (not in the YAML; no new revision)",
      description:
        "Replaces the positions: n8n node name -> [x, y] on n8n's canvas. The editor draws (and compiles) with them; " +
        'nodes without a position are laid out automatically.',
      tags,
      policy: { kind: 'workspace', minRole: 'member' },
      params: AgentParams,
      body: z.strictObject({
        layout: z
          .record(
            z.string().min(1).max(200, 'Node names are at most 200 characters'),
            z.tuple([z.number().min(-1e6).max(1e6), z.number().min(-1e6).max(1e6)]),
          )
          .refine((layout) => Object.keys(layout).length <= 5000, 'At most 5000 node positions')
          .describe('n8n node name -> [x, y]'),
      }),
      example: { body: { layout: { 'Revenue summary': [220, 0] } } },
      response: { status: 200, description: 'Kept', schema: z.object({ agent: AgentConfigurationSchema }) },
      errors: [422],
      handler: async ({ auth, params, body }) => ({
        agent: await agents.setLayout(auth.access!, params.agentId, body.layout),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/agents/:agentId',
      operationId: 'deleteAgentConfiguration',
      summary: 'Uninstall an agent (its revisions go with it)',
      tags,
      policy: { kind: 'workspace', minRole: 'member' },
      params: AgentParams,
      response: { status: 204, description: 'Deleted' },
      handler: async ({ auth, params }) => {
        await agents.remove(auth.access!, params.agentId);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/agents/:agentId/revisions',
      operationId: 'listAgentRevisions',
      summary: 'Every saved revision of an agent, newest first (who, when, YAML, content hash)',
      tags,
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: AgentParams,
      response: {
        status: 200,
        description: 'Revisions',
        schema: z.object({ revisions: z.array(AgentRevisionSchema) }),
      },
      handler: async ({ auth, params }) => ({ revisions: await agents.revisions(auth.access!, params.agentId) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/agents/:agentId/revisions/:revision',
      operationId: 'getAgentRevision',
      summary: 'One revision of an agent',
      tags,
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: RevisionParams,
      response: { status: 200, description: 'The revision', schema: z.object({ revision: AgentRevisionSchema }) },
      handler: async ({ auth, params }) => ({
        revision: await agents.revision(auth.access!, params.agentId, params.revision),
      }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/agents/:agentId/diff',
      operationId: 'diffAgentRevisions',
      summary: 'Compare two revisions: a unified diff of the YAML and a step-level summary',
      tags,
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: AgentParams,
      query: z.object({ from: queryInt32(1), to: queryInt32(1) }),
      example: { query: { from: '1', to: '1' } },
      response: { status: 200, description: 'The difference (from -> to)', schema: AgentRevisionDiffSchema },
      handler: async ({ auth, params, query }) => agents.diff(auth.access!, params.agentId, query.from, query.to),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/agents/:agentId/revisions/:revision/restore',
      operationId: 'restoreAgentRevision',
      summary: 'Make an earlier revision current again (saved as a new revision)',
      tags,
      policy: { kind: 'workspace', minRole: 'member' },
      params: RevisionParams,
      body: z.strictObject({ baseRevision: int32(1).describe('The current revision you saw (409 otherwise)') }),
      example: { body: { baseRevision: 1 } },
      response: { status: 200, description: 'Restored', schema: z.object({ agent: AgentConfigurationSchema }) },
      errors: [409, 422],
      handler: async ({ auth, params, body }) => ({
        agent: await agents.restore(auth.access!, params.agentId, {
          revision: params.revision,
          baseRevision: body.baseRevision,
        }),
      }),
    }),
  ];
}
