import { z } from 'zod';
import { BlockSchema } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { int32, queryInt, uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';

const BlockParams = WorkspaceParams.extend({ pageId: uuid, blockId: uuid });
const OutputParams = BlockParams.extend({ outputId: uuid });

const BlockOutputSchema = z
  .object({
    id: uuid,
    blockId: uuid,
    content: z.unknown().describe('What the block showed (agent_snippet content)'),
    agentConfigId: uuid.nullable().describe('The agent configuration whose run wrote it (null: a person)'),
    agentRevision: z.int().nullable().describe('The revision of the agent that run used'),
    runId: z.string().nullable().describe('The run that wrote it'),
    restoredFrom: uuid.nullable().describe('Set when this entry is a restore of an earlier output'),
    writtenBy: uuid.nullable().describe('The user the write acted as (a run acts as its user)'),
    writtenAt: z.string(),
  })
  .meta({ id: 'BlockOutput' });

/** The history of an agent-snippet block: every output it showed, with provenance, and restoring one. */
export function blockOutputRoutes(useCases: UseCases): RouteDefinition[] {
  const { canvas } = useCases;
  const tags = ['canvas'];
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/pages/:pageId/blocks/:blockId/outputs',
      operationId: 'listBlockOutputs',
      summary: 'The outputs an agent-snippet block showed, newest first, with their agent, revision, run and time',
      tags,
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: BlockParams,
      query: z.object({ limit: queryInt({ min: 1, max: 200, fallback: 50 }) }),
      response: { status: 200, description: 'Outputs', schema: z.object({ outputs: z.array(BlockOutputSchema) }) },
      handler: async ({ auth, params, query }) => ({
        outputs: await canvas.listBlockOutputs(auth.access!, { ...params, limit: query.limit }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/pages/:pageId/blocks/:blockId/outputs/:outputId/restore',
      operationId: 'restoreBlockOutput',
      summary: 'Show an earlier output in the block again (a new version; the history records the restore)',
      description: '`baseVersion`, when sent, must be the block version you saw (409 `version_conflict` otherwise).',
      tags,
      policy: { kind: 'workspace', minRole: 'member' },
      params: OutputParams,
      body: z.strictObject({ baseVersion: int32(1).optional() }).default({}),
      example: { body: {} },
      response: {
        status: 200,
        description: 'The block as it is now, and the history entry of the restore',
        schema: z.object({ block: BlockSchema, output: BlockOutputSchema }),
      },
      errors: [409],
      handler: async ({ auth, params, body }) =>
        canvas.restoreBlockOutput(auth.access!, {
          ...params,
          ...(body.baseVersion !== undefined ? { baseVersion: body.baseVersion } : {}),
        }),
    }),
  ];
}
