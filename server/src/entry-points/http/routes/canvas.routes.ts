import { z } from 'zod';
import { BlockContentInputSchema, BlockKeySchema, BlockPositionSchema, BlockSizeSchema } from '../../../domain/canvas';
import { BlockSchema, BlockTypeSchema, PageSchema } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { int32, queryBoolean, queryInt32, text, uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, SerializedJson, type RouteDefinition } from '../route';

const PageParams = WorkspaceParams.extend({ pageId: uuid });
const BlockParams = PageParams.extend({ blockId: uuid });
const icon = z.string().trim().min(1).max(64).nullable();
const runId = z.string().trim().min(1).max(200).nullable().describe('Id of the agent run writing this block');
const agentConfigId = uuid.nullable().describe('Agent configuration this snippet shows (agent_snippet blocks)');
const BLOCK_BODY_BYTES = 96 * 1024;

const BlockWithPage = z.object({ block: BlockSchema });

export function canvasRoutes(useCases: UseCases): RouteDefinition[] {
  const { canvas } = useCases;
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/pages',
      operationId: 'listPages',
      summary: 'Canvas pages in sidebar order',
      tags: ['canvas'],
      policy: { kind: 'workspace', minRole: 'viewer', apiTokenScope: 'canvas:read' },
      params: WorkspaceParams,
      query: z.object({ archived: queryBoolean.default(false).describe('true lists archived pages instead') }),
      response: { status: 200, description: 'Pages', schema: z.object({ pages: z.array(PageSchema) }) },
      handler: async ({ auth, query }) => ({
        pages: await canvas.listPages(auth.access!, { archived: query.archived }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/pages',
      operationId: 'createPage',
      summary: 'Create a canvas page (appended at the end unless a position is given)',
      tags: ['canvas'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'canvas:write' },
      params: WorkspaceParams,
      body: z.strictObject({
        title: text(200, 'Title'),
        icon: icon.optional(),
        position: z.number().min(-1e9).max(1e9).optional(),
      }),
      example: { body: { title: 'Q4 Holiday Campaign Plan', icon: '🎄' } },
      response: { status: 201, description: 'Created', schema: z.object({ page: PageSchema }) },
      handler: async ({ auth, body }) => ({ page: await canvas.createPage(auth.access!, body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/pages/:pageId',
      operationId: 'getPage',
      summary: 'A page with all its blocks (what the canvas view loads)',
      tags: ['canvas'],
      policy: { kind: 'workspace', minRole: 'viewer', apiTokenScope: 'canvas:read' },
      params: PageParams,
      response: {
        status: 200,
        description: 'Page and blocks',
        schema: z.object({ page: PageSchema, blocks: z.array(BlockSchema) }),
      },
      handler: async ({ auth, params }) => new SerializedJson(await canvas.getPageJson(auth.access!, params.pageId)),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId/pages/:pageId',
      operationId: 'updatePage',
      summary: 'Rename, change icon, reorder (position) or archive/unarchive a page',
      tags: ['canvas'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'canvas:write' },
      params: PageParams,
      body: z.strictObject({
        title: text(200, 'Title').optional(),
        icon: icon.optional(),
        position: z.number().min(-1e9).max(1e9).optional().describe('Sidebar order: pages sort by position ascending'),
        archived: z.boolean().optional(),
      }),
      example: { body: { title: 'Q4 Holiday Campaign (final)' } },
      response: { status: 200, description: 'Updated', schema: z.object({ page: PageSchema }) },
      handler: async ({ auth, params, body }) => ({ page: await canvas.updatePage(auth.access!, params.pageId, body) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/pages/:pageId/blocks',
      operationId: 'createBlock',
      summary: 'Add a block to a page (broadcast as block:created to viewers of the page)',
      tags: ['canvas'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'canvas:write' },
      params: PageParams,
      maxBodyBytes: BLOCK_BODY_BYTES,
      body: z.strictObject({
        type: BlockTypeSchema,
        content: BlockContentInputSchema,
        key: BlockKeySchema.nullable().optional(),
        position: BlockPositionSchema.optional(),
        size: BlockSizeSchema.optional(),
        agentConfigId: agentConfigId.optional(),
        writtenByRunId: runId.optional(),
      }),
      example: {
        body: {
          type: 'text',
          content: { text: 'Goal: Drive 20% more sales for Product X.' },
          key: 'goal',
          position: { x: 40, y: 40 },
        },
      },
      response: { status: 201, description: 'Created', schema: BlockWithPage },
      errors: [409],
      handler: async ({ auth, params, body }) => ({
        block: await canvas.createBlock(auth.access!, params.pageId, body),
      }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId/pages/:pageId/blocks/:blockId',
      operationId: 'updateBlock',
      summary: 'Change a block, based on the version you last saw',
      description:
        'Send `baseVersion` = the block version your edit started from. If the block changed since, nothing is written and ' +
        'you get 409 version_conflict with the current block in error.details.current. On success the version increments ' +
        'and viewers of the page receive block:updated. baseVersion is at most 2147483647. Image blocks take an http(s) ' +
        'URL or a path of this app (never //host).',
      tags: ['canvas'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'canvas:write' },
      params: BlockParams,
      maxBodyBytes: BLOCK_BODY_BYTES,
      body: z.strictObject({
        baseVersion: int32(1),
        type: BlockTypeSchema.optional(),
        content: BlockContentInputSchema.optional(),
        key: BlockKeySchema.nullable().optional(),
        position: BlockPositionSchema.optional(),
        size: BlockSizeSchema.optional(),
        agentConfigId: agentConfigId.optional(),
        writtenByRunId: runId.optional(),
      }),
      example: { body: { baseVersion: 1, content: { text: 'Goal: Drive 25% more sales.' } } },
      response: { status: 200, description: 'Updated', schema: BlockWithPage },
      errors: [409],
      handler: async ({ auth, params, body }) => {
        const { baseVersion, ...fields } = body;
        return {
          block: await canvas.updateBlock(auth.access!, {
            pageId: params.pageId,
            blockId: params.blockId,
            baseVersion,
            fields,
          }),
        };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/pages/:pageId/blocks/:blockId',
      operationId: 'deleteBlock',
      summary: 'Delete a block, based on the version you last saw (409 if it changed since)',
      tags: ['canvas'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'canvas:write' },
      params: BlockParams,
      query: z.object({ baseVersion: queryInt32(1) }),
      example: { query: { baseVersion: '1' } },
      response: { status: 204, description: 'Deleted' },
      errors: [409],
      handler: async ({ auth, params, query }) => {
        await canvas.deleteBlock(auth.access!, {
          pageId: params.pageId,
          blockId: params.blockId,
          baseVersion: query.baseVersion,
        });
        return undefined;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/workspaces/:workspaceId/blocks/by-key',
      operationId: 'upsertBlockByKey',
      summary: 'Create or replace the block with a key on a page given by id or title (for agents)',
      description:
        'The simplest way for an agent to publish output: name the page (id or exact title) and a block key; the block is ' +
        'created the first time and replaced after. Without baseVersion the write always applies; with it, a stale ' +
        'write is a 409. `createPageIfMissing` creates a page with that title when none exists.',
      tags: ['canvas', 'agents'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'canvas:write' },
      params: WorkspaceParams,
      maxBodyBytes: BLOCK_BODY_BYTES,
      body: z.strictObject({
        page: text(200, 'Page').describe('Page id, or its exact title (case-insensitive)'),
        createPageIfMissing: z.boolean().default(false),
        key: BlockKeySchema,
        type: BlockTypeSchema,
        content: BlockContentInputSchema,
        baseVersion: int32(1).optional(),
        position: BlockPositionSchema.optional(),
        size: BlockSizeSchema.optional(),
        agentConfigId: agentConfigId.optional(),
        writtenByRunId: runId.optional(),
      }),
      example: {
        body: {
          page: 'Q4 Holiday Campaign Plan',
          key: 'tiktok-trends',
          type: 'agent_snippet',
          content: { title: 'TikTok Stylist', status: 'succeeded', markdown: '#holidaygifts is trending' },
          writtenByRunId: 'n8n-execution-42',
        },
      },
      response: {
        status: 200,
        description: 'The block, and whether it was created',
        schema: z.object({ block: BlockSchema, page: PageSchema, created: z.boolean() }),
      },
      errors: [409],
      handler: async ({ auth, body }) => {
        const { page, createPageIfMissing, key, baseVersion, ...fields } = body;
        return canvas.upsertBlockByKey(auth.access!, { page, createPageIfMissing, key, baseVersion, fields });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/blocks/by-key',
      operationId: 'getBlockByKey',
      summary: 'Read the block with a key on a page given by id or title (for agents)',
      tags: ['canvas', 'agents'],
      policy: { kind: 'workspace', minRole: 'viewer', apiTokenScope: 'canvas:read' },
      params: WorkspaceParams,
      query: z.object({ page: text(200, 'Page'), key: BlockKeySchema }),
      example: { query: { page: 'Q4 Holiday Campaign Plan', key: 'goal' } },
      response: { status: 200, description: 'The block', schema: z.object({ block: BlockSchema, page: PageSchema }) },
      handler: async ({ auth, query }) => canvas.getBlockByKey(auth.access!, query),
    }),
  ];
}
