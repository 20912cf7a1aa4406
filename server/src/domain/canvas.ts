import { z } from 'zod';
import {
  findBlockOutput,
  insertBlockOutput,
  listBlockOutputs,
  toBlockOutput,
  type BlockOutput,
} from '../data-access/block-outputs-repository';
import { findRunById } from '../data-access/runs-repository';
import { appPath } from './app-path';
import {
  deleteBlock,
  findBlock,
  findBlockByKey,
  findPage,
  findPagesByTitle,
  findPageRevision,
  findPageWithBlocksJson,
  insertBlock,
  insertPage,
  listBlocks,
  listPages,
  updateBlock,
  updatePage,
  type BlockFields,
} from '../data-access/canvas-repository';
import { sql, type Kysely } from 'kysely';
import type { BlockType, Database } from '../data-access/schema';
import { conflict, forbidden, invalidRequest, isUniqueViolation, notFound } from '../errors';
import { toFieldProblems } from './field-problems';
import { boundedJson } from './bounded-json';
import { BoundedCache } from './bounded-cache';
import { actingAsUserId, hasRole, type AppContext, type WorkspaceAccess } from './context';
import type { Block, Page } from './model';
import { actingUserId } from './workspace-access';

const MAX_CONTENT_BYTES = 64 * 1024;
const httpUrl = z.url({ protocol: /^https?$/, hostname: z.regexes.domain }).max(2000);
/** An http(s) URL, or a real path of this app (never `//host` or `/\\host`, which browsers treat as other sites). */
const imageUrl = z.union([httpUrl, appPath]);

/** The content document of each block type. Unknown fields are rejected so typos surface as 400s. */
export const blockContentSchemas = {
  text: z.strictObject({ text: z.string().max(20_000).describe('Markdown') }),
  heading: z.strictObject({
    text: z.string().max(500),
    level: z.union([z.literal(1), z.literal(2), z.literal(3)]).default(1),
  }),
  checklist: z.strictObject({
    items: z
      .array(
        z.strictObject({
          id: z.string().max(64).optional(),
          text: z.string().max(1000),
          checked: z.boolean().default(false),
        }),
      )
      .max(500),
  }),
  agent_snippet: z.strictObject({
    title: z.string().max(200).optional(),
    status: z.enum(['idle', 'running', 'succeeded', 'failed']).optional(),
    markdown: z.string().max(20_000).optional().describe('Rendered summary of the run output'),
    data: z.unknown().optional().describe('Structured output of the agent run (JSON)'),
  }),
  image: z.strictObject({
    url: imageUrl,
    alt: z.string().max(500).optional(),
    caption: z.string().max(500).optional(),
  }),
  embed: z.strictObject({ url: httpUrl, title: z.string().max(200).optional() }),
} satisfies Record<BlockType, z.ZodType>;

export const BlockKeySchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,99}$/, 'use 1-100 lowercase letters, digits, - or _ (a slug such as revenue-summary)');
export const BlockPositionSchema = z.object({ x: z.number().min(-1e6).max(1e6), y: z.number().min(-1e6).max(1e6) });
export const BlockSizeSchema = z.object({
  width: z.number().positive().max(1e5),
  height: z.number().positive().max(1e5),
});
/** Block content as sent by clients: any JSON within the size bound; checked against its type by {@link parseBlockContent}. */
export const BlockContentInputSchema = boundedJson(MAX_CONTENT_BYTES).describe(
  'Depends on type: text {text}, heading {text, level}, checklist {items:[{text, checked}]}, agent_snippet {title?, status?, markdown?, data?}, image {url, alt?}, embed {url, title?}',
);

/** Validates content for a block type; problems come back under `content.<path>`. */
export function parseBlockContent(type: BlockType, content: unknown): unknown {
  const result = blockContentSchemas[type].safeParse(content);
  if (result.success) return result.data;
  throw invalidRequest(
    toFieldProblems(result.error, ['content']).map((f) => ({ ...f, message: `${f.message} (for a ${type} block)` })),
  );
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Canvas pages and blocks, with optimistic versioning on every block write. */
export class Canvas {
  readonly #ctx: AppContext;
  readonly #pageDocuments = new BoundedCache<{ revision: number; doc: string }>({
    maxEntries: 500,
    maxWeight: 64 * 1024 * 1024,
    weigh: (v) => v.doc.length,
  });

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  listPages(access: WorkspaceAccess, args: { archived: boolean }): Promise<Page[]> {
    return listPages(this.#ctx.db, { workspaceId: access.workspaceId, archived: args.archived });
  }

  async createPage(
    access: WorkspaceAccess,
    args: { title: string; icon?: string | null; position?: number },
  ): Promise<Page> {
    requireWriter(access);
    const page = await insertPage(this.#ctx.db, {
      workspaceId: access.workspaceId,
      title: args.title.trim(),
      icon: args.icon ?? null,
      position: args.position,
      createdBy: actingUserId(access),
    });
    this.#ctx.events.emit('page.changed', { workspaceId: access.workspaceId, page });
    return page;
  }

  /** The page and all its blocks (ordered top to bottom, left to right): what the canvas view loads. */
  async getPage(access: WorkspaceAccess, pageId: string): Promise<{ page: Page; blocks: Block[] }> {
    const page = await findPage(this.#ctx.db, { workspaceId: access.workspaceId, pageId });
    if (!page) throw notFound('page');
    const blocks = await listBlocks(this.#ctx.db, { workspaceId: access.workspaceId, pageId });
    return { page, blocks };
  }

  /**
   * The same document as {@link getPage}, already serialized by the database (the hot path of a canvas view).
   * Documents are kept in memory per page and reused while the page's revision (bumped by database triggers on any
   * change to the page or its blocks, from any process) is unchanged: a hit costs one primary-key lookup.
   * @example res.type('json').send(await canvas.getPageJson(access, pageId));
   */
  async getPageJson(access: WorkspaceAccess, pageId: string): Promise<string> {
    const key = `${access.workspaceId}:${pageId}`;
    const cached = this.#pageDocuments.get(key);
    if (cached) {
      const revision = await findPageRevision(this.#ctx.db, { workspaceId: access.workspaceId, pageId });
      if (revision === undefined) throw notFound('page');
      if (revision === cached.revision) return cached.doc;
    }
    const fresh = await findPageWithBlocksJson(this.#ctx.db, { workspaceId: access.workspaceId, pageId });
    if (fresh === undefined) throw notFound('page');
    this.#pageDocuments.set(key, fresh);
    return fresh.doc;
  }

  /** Whether the page exists in this workspace (a one-row lookup). */
  async hasPage(access: WorkspaceAccess, pageId: string): Promise<boolean> {
    return (await findPageRevision(this.#ctx.db, { workspaceId: access.workspaceId, pageId })) !== undefined;
  }

  async updatePage(
    access: WorkspaceAccess,
    pageId: string,
    args: { title?: string; icon?: string | null; position?: number; archived?: boolean },
  ): Promise<Page> {
    requireWriter(access);
    const page = await updatePage(this.#ctx.db, {
      workspaceId: access.workspaceId,
      pageId,
      ...args,
      title: args.title?.trim(),
    });
    if (!page) throw notFound('page');
    this.#ctx.events.emit('page.changed', { workspaceId: access.workspaceId, page });
    return page;
  }

  /** A page by id or by exact title (case-insensitive); an ambiguous title is a 409 that asks for the id. */
  async resolvePage(access: WorkspaceAccess, args: { page: string; createIfMissing?: boolean }): Promise<Page> {
    if (UUID.test(args.page)) {
      const page = await findPage(this.#ctx.db, { workspaceId: access.workspaceId, pageId: args.page });
      if (page) return page;
    }
    const matches = await findPagesByTitle(this.#ctx.db, { workspaceId: access.workspaceId, title: args.page });
    if (matches.length > 1)
      throw conflict(
        'ambiguous_page_title',
        `Several pages are titled ${JSON.stringify(args.page)}; address the page by id`,
      );
    if (matches[0]) return matches[0];
    if (args.createIfMissing) return this.#createPageTitled(access, args.page);
    throw notFound('page');
  }

  /**
   * The page titled `title`, created unless another writer has just created it: parallel runs of one agent that write
   * to a page by title make one page, not one each (which would leave the title ambiguous for every later run).
   */
  async #createPageTitled(access: WorkspaceAccess, title: string): Promise<Page> {
    requireWriter(access);
    const workspaceId = access.workspaceId;
    const { page, created } = await this.#ctx.db.transaction().execute(async (trx) => {
      // Creators of the same title queue on this lock (across processes); the later ones find the first one's page.
      const lockKey = `page-title:${workspaceId}:${title.trim().toLowerCase()}`;
      await sql`select pg_advisory_xact_lock(hashtextextended(${lockKey}, 0))`.execute(trx);
      const [existing] = await findPagesByTitle(trx, { workspaceId, title });
      if (existing) return { page: existing, created: false };
      const inserted = await insertPage(trx, {
        workspaceId,
        title: title.trim(),
        icon: null,
        createdBy: actingUserId(access),
      });
      return { page: inserted, created: true };
    });
    if (created) this.#ctx.events.emit('page.changed', { workspaceId, page });
    return page;
  }

  /** The block with `key` on a page given by id or title (what an agent reads back). */
  async getBlockByKey(
    access: WorkspaceAccess,
    args: { page: string; key: string },
  ): Promise<{ block: Block; page: Page }> {
    const page = await this.resolvePage(access, { page: args.page });
    const block = await findBlockByKey(this.#ctx.db, {
      workspaceId: access.workspaceId,
      pageId: page.id,
      key: args.key,
    });
    if (!block) throw notFound('block');
    return { block, page };
  }

  async createBlock(
    access: WorkspaceAccess,
    pageId: string,
    fields: BlockFields & { type: BlockType; content: unknown },
  ): Promise<Block> {
    requireWriter(access);
    const page = await findPage(this.#ctx.db, { workspaceId: access.workspaceId, pageId });
    if (!page) throw notFound('page');
    const content = parseBlockContent(fields.type, fields.content);
    const block = await this.#withOutput(access, fields.type === 'agent_snippet', (db) =>
      this.#insert(db, access, page.id, { ...fields, content }),
    );
    this.#ctx.events.emit('block.created', { workspaceId: access.workspaceId, pageId: page.id, block });
    return block;
  }

  /**
   * Applies a change made from version `baseVersion`. If someone wrote the block since, nothing is written and the
   * caller gets 409 `version_conflict` with the current block in `details.current`, to merge and retry.
   */
  async updateBlock(
    access: WorkspaceAccess,
    args: { pageId: string; blockId: string; baseVersion: number; fields: BlockFields },
  ): Promise<Block> {
    requireWriter(access);
    const existing = await findBlock(this.#ctx.db, {
      workspaceId: access.workspaceId,
      pageId: args.pageId,
      blockId: args.blockId,
    });
    if (!existing) throw notFound('block');
    const fields = { ...args.fields };
    if (fields.type !== undefined && fields.type !== existing.type && fields.content === undefined) {
      throw invalidRequest([
        { path: 'content', message: `changing the type to ${fields.type} needs new content for that type` },
      ]);
    }
    if (fields.content !== undefined) fields.content = parseBlockContent(fields.type ?? existing.type, fields.content);
    const recordsOutput = fields.content !== undefined && (fields.type ?? existing.type) === 'agent_snippet';
    const block = await this.#withOutput(access, recordsOutput, (db) =>
      this.#update(db, access, {
        pageId: args.pageId,
        blockId: args.blockId,
        baseVersion: args.baseVersion,
        fields,
      }),
    );
    this.#ctx.events.emit('block.updated', { workspaceId: access.workspaceId, pageId: args.pageId, block });
    return block;
  }

  async deleteBlock(
    access: WorkspaceAccess,
    args: { pageId: string; blockId: string; baseVersion: number },
  ): Promise<void> {
    requireWriter(access);
    const deleted = await deleteBlock(this.#ctx.db, { workspaceId: access.workspaceId, ...args });
    if (!deleted) {
      const current = await findBlock(this.#ctx.db, {
        workspaceId: access.workspaceId,
        pageId: args.pageId,
        blockId: args.blockId,
      });
      if (!current) throw notFound('block');
      throw versionConflict(current);
    }
    this.#ctx.events.emit('block.deleted', {
      workspaceId: access.workspaceId,
      pageId: args.pageId,
      blockId: args.blockId,
      version: args.baseVersion + 1,
    });
  }

  /**
   * Creates or replaces the block with `key` on a page given by id or title: what an agent calls to write its output.
   * Without `baseVersion` the write always applies (an agent owns its block); with it, a stale write is a 409.
   */
  async upsertBlockByKey(
    access: WorkspaceAccess,
    args: {
      page: string;
      createPageIfMissing: boolean;
      key: string;
      baseVersion?: number;
      fields: BlockFields & { type: BlockType; content: unknown };
    },
  ): Promise<{ block: Block; created: boolean; page: Page }> {
    requireWriter(access);
    const page = await this.resolvePage(access, { page: args.page, createIfMissing: args.createPageIfMissing });
    const content = parseBlockContent(args.fields.type, args.fields.content);
    const fields = { ...args.fields, key: args.key, content };
    // A run's token writes the block's provenance itself: which agent configuration and which run (its revision and
    // time are the run's), whatever the node sent.
    const run = access.actor.kind === 'apiToken' ? access.actor.run : undefined;
    if (run) Object.assign(fields, { agentConfigId: run.agentId, writtenByRunId: run.runId });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const existing = await findBlockByKey(this.#ctx.db, {
        workspaceId: access.workspaceId,
        pageId: page.id,
        key: args.key,
      });
      if (existing) {
        // No baseVersion: the write applies whatever the current version (still atomically bumped).
        const block = await this.#withOutput(access, fields.type === 'agent_snippet', (db) =>
          this.#update(db, access, {
            pageId: page.id,
            blockId: existing.id,
            baseVersion: args.baseVersion,
            fields,
          }),
        );
        this.#ctx.events.emit('block.updated', { workspaceId: access.workspaceId, pageId: page.id, block });
        return { block, created: false, page };
      }
      if (args.baseVersion !== undefined) throw notFound('block');
      try {
        // Straight to the repository: a key collision here means "someone just created it", not a 409.
        const block = await this.#withOutput(access, fields.type === 'agent_snippet', (db) =>
          insertBlock(db, {
            workspaceId: access.workspaceId,
            pageId: page.id,
            userId: actingUserId(access),
            fields,
          }),
        );
        this.#ctx.events.emit('block.created', { workspaceId: access.workspaceId, pageId: page.id, block });
        return { block, created: true, page };
      } catch (error) {
        // Someone created the key between our read and insert: go round once more and update it instead.
        if (!isUniqueViolation(error, 'canvas_blocks_page_key')) throw error;
      }
    }
    throw conflict('block_key_busy', 'The block was being created concurrently; retry the request');
  }

  /** The outputs an agent-snippet block showed, newest first (the first is what it shows now). */
  async listBlockOutputs(
    access: WorkspaceAccess,
    args: { pageId: string; blockId: string; limit: number },
  ): Promise<BlockOutput[]> {
    const block = await findBlock(this.#ctx.db, { workspaceId: access.workspaceId, ...args });
    if (!block) throw notFound('block');
    const rows = await listBlockOutputs(this.#ctx.db, {
      workspaceId: access.workspaceId,
      blockId: block.id,
      limit: args.limit,
    });
    return rows.map(toBlockOutput);
  }

  /**
   * Shows an earlier output again: the block gets that output's content and provenance (agent, run) as a new
   * version, and the history records the restore (who, when, from which output). `baseVersion`, when given, must be
   * the block's current version (409 otherwise).
   */
  async restoreBlockOutput(
    access: WorkspaceAccess,
    args: { pageId: string; blockId: string; outputId: string; baseVersion?: number },
  ): Promise<{ block: Block; output: BlockOutput }> {
    requireWriter(access);
    const existing = await findBlock(this.#ctx.db, {
      workspaceId: access.workspaceId,
      pageId: args.pageId,
      blockId: args.blockId,
    });
    if (!existing) throw notFound('block');
    const old = await findBlockOutput(this.#ctx.db, {
      workspaceId: access.workspaceId,
      blockId: existing.id,
      outputId: args.outputId,
    });
    if (!old) throw notFound('block output');
    // The block's new version and its history entry commit together or not at all.
    const { block, output } = await this.#ctx.db.transaction().execute(async (trx) => {
      const block = await this.#update(trx, access, {
        pageId: args.pageId,
        blockId: existing.id,
        baseVersion: args.baseVersion,
        fields: { content: old.content, agentConfigId: old.agent_config_id, writtenByRunId: old.run_id },
      });
      const output = await insertBlockOutput(trx, {
        workspaceId: access.workspaceId,
        blockId: block.id,
        content: block.content,
        agentConfigId: old.agent_config_id,
        agentRevision: old.agent_revision,
        runId: old.run_id,
        restoredFrom: old.id,
        writtenBy: actingAsUserId(access.actor),
      });
      return { block, output };
    });
    this.#ctx.events.emit('block.updated', { workspaceId: access.workspaceId, pageId: args.pageId, block });
    return { block, output: toBlockOutput(output) };
  }

  /**
   * Runs a block write; when it may change what an agent-snippet block shows (`recordsOutput`), the write and the
   * history entry of the block's new content happen in one transaction, so neither exists without the other.
   */
  async #withOutput(
    access: WorkspaceAccess,
    recordsOutput: boolean,
    write: (db: Kysely<Database>) => Promise<Block>,
  ): Promise<Block> {
    if (!recordsOutput) return write(this.#ctx.db);
    return this.#ctx.db.transaction().execute(async (trx) => {
      const block = await write(trx);
      await this.#recordOutput(trx, access, block);
      return block;
    });
  }

  /** Keeps what an agent-snippet block shows now in its history, with provenance (a run's agent and revision). */
  async #recordOutput(db: Kysely<Database>, access: WorkspaceAccess, block: Block): Promise<void> {
    if (block.type !== 'agent_snippet') return;
    const run = access.actor.kind === 'apiToken' ? access.actor.run : undefined;
    const revision = run ? ((await findRunById(db, run.runId))?.revision ?? null) : null;
    await insertBlockOutput(db, {
      workspaceId: access.workspaceId,
      blockId: block.id,
      content: block.content,
      agentConfigId: run ? run.agentId : null,
      agentRevision: revision,
      runId: run ? run.runId : null,
      restoredFrom: null,
      writtenBy: actingAsUserId(access.actor),
    });
  }

  async #insert(
    db: Kysely<Database>,
    access: WorkspaceAccess,
    pageId: string,
    fields: BlockFields & { type: BlockType; content: unknown },
  ): Promise<Block> {
    try {
      return await insertBlock(db, {
        workspaceId: access.workspaceId,
        pageId,
        userId: actingUserId(access),
        fields,
      });
    } catch (error) {
      if (isUniqueViolation(error, 'canvas_blocks_page_key')) throw blockKeyTaken(fields.key ?? '');
      throw error;
    }
  }

  async #update(
    db: Kysely<Database>,
    access: WorkspaceAccess,
    args: { pageId: string; blockId: string; baseVersion: number | undefined; fields: BlockFields },
  ): Promise<Block> {
    let block: Block | undefined;
    try {
      block = await updateBlock(db, {
        workspaceId: access.workspaceId,
        userId: actingUserId(access),
        ...args,
      });
    } catch (error) {
      if (isUniqueViolation(error, 'canvas_blocks_page_key')) throw blockKeyTaken(args.fields.key ?? '');
      throw error;
    }
    if (block) return block;
    const current = await findBlock(db, {
      workspaceId: access.workspaceId,
      pageId: args.pageId,
      blockId: args.blockId,
    });
    if (!current) throw notFound('block');
    throw versionConflict(current);
  }
}

function requireWriter(access: WorkspaceAccess): void {
  if (!hasRole(access.role, 'member')) throw forbidden('insufficient_role', 'Viewers cannot change the canvas');
}

function versionConflict(current: Block) {
  return conflict(
    'version_conflict',
    `The block changed since the version you edited (now at version ${current.version}); merge with details.current and retry with baseVersion ${current.version}`,
    { current },
  );
}

function blockKeyTaken(key: string) {
  return conflict(
    'block_key_taken',
    `Another block on this page already has key ${JSON.stringify(key)}; pick another key or update that block`,
  );
}
