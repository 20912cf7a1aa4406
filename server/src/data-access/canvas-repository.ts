import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Block, Page } from '../domain/model';
import {
  isoRequired,
  toJsonb,
  type BlockType,
  type CanvasBlocksTable,
  type CanvasPagesTable,
  type Database,
} from './schema';

type Db = Kysely<Database> | Transaction<Database>;
type PageRow = Omit<Selectable<CanvasPagesTable>, 'search' | 'revision'>;
type BlockRow = Omit<Selectable<CanvasBlocksTable>, 'search'>;

const pageColumns = [
  'id',
  'workspace_id',
  'title',
  'icon',
  'position',
  'archived_at',
  'created_by',
  'created_at',
  'updated_at',
] as const;
const blockColumns = [
  'id',
  'workspace_id',
  'page_id',
  'type',
  'key',
  'content',
  'x',
  'y',
  'width',
  'height',
  'agent_config_id',
  'written_by_run_id',
  'version',
  'created_by',
  'updated_by',
  'created_at',
  'updated_at',
] as const;

export function toPage(row: PageRow): Page {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    title: row.title,
    icon: row.icon,
    position: row.position,
    archived: row.archived_at !== null,
    createdAt: isoRequired(row.created_at),
    updatedAt: isoRequired(row.updated_at),
  };
}

export function toBlock(row: BlockRow): Block {
  return {
    id: row.id,
    pageId: row.page_id,
    workspaceId: row.workspace_id,
    type: row.type,
    key: row.key,
    content: row.content,
    position: { x: row.x, y: row.y },
    size: { width: row.width, height: row.height },
    agentConfigId: row.agent_config_id,
    writtenByRunId: row.written_by_run_id,
    version: row.version,
    createdAt: isoRequired(row.created_at),
    updatedAt: isoRequired(row.updated_at),
  };
}

export async function listPages(db: Db, args: { workspaceId: string; archived: boolean }): Promise<Page[]> {
  const rows = await db
    .selectFrom('canvas_pages')
    .select(pageColumns)
    .where('workspace_id', '=', args.workspaceId)
    .where('archived_at', args.archived ? 'is not' : 'is', null)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
  return rows.map(toPage);
}

export async function findPage(db: Db, args: { workspaceId: string; pageId: string }): Promise<Page | undefined> {
  const row = await db
    .selectFrom('canvas_pages')
    .select(pageColumns)
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.pageId)
    .executeTakeFirst();
  return row ? toPage(row) : undefined;
}

/** Non-archived pages whose title equals `title`, ignoring case (agents address pages by title). */
export async function findPagesByTitle(db: Db, args: { workspaceId: string; title: string }): Promise<Page[]> {
  const rows = await db
    .selectFrom('canvas_pages')
    .select(pageColumns)
    .where('workspace_id', '=', args.workspaceId)
    .where(sql`lower(title)`, '=', args.title.trim().toLowerCase())
    .where('archived_at', 'is', null)
    .limit(2)
    .execute();
  return rows.map(toPage);
}

export async function insertPage(
  db: Db,
  args: { workspaceId: string; title: string; icon: string | null; position?: number; createdBy: string | null },
): Promise<Page> {
  const position =
    args.position ??
    (
      await db
        .selectFrom('canvas_pages')
        .select(sql<number>`coalesce(max(position), 0) + 1`.as('next'))
        .where('workspace_id', '=', args.workspaceId)
        .executeTakeFirstOrThrow()
    ).next;
  const row = await db
    .insertInto('canvas_pages')
    .values({
      workspace_id: args.workspaceId,
      title: args.title,
      icon: args.icon,
      position,
      created_by: args.createdBy,
    })
    .returning(pageColumns)
    .executeTakeFirstOrThrow();
  return toPage(row);
}

export async function updatePage(
  db: Db,
  args: {
    workspaceId: string;
    pageId: string;
    title?: string;
    icon?: string | null;
    position?: number;
    archived?: boolean;
  },
): Promise<Page | undefined> {
  const row = await db
    .updateTable('canvas_pages')
    .set({
      ...(args.title !== undefined ? { title: args.title } : {}),
      ...(args.icon !== undefined ? { icon: args.icon } : {}),
      ...(args.position !== undefined ? { position: args.position } : {}),
      ...(args.archived !== undefined
        ? { archived_at: args.archived ? sql<Date>`coalesce(archived_at, now())` : null }
        : {}),
      updated_at: new Date(),
    })
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.pageId)
    .returning(pageColumns)
    .executeTakeFirst();
  return row ? toPage(row) : undefined;
}

/** `to_char` pattern giving exactly what Date#toISOString gives (UTC, milliseconds, Z). */
const isoText = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/**
 * The page and its blocks as one JSON document built by PostgreSQL, in the exact shape of {@link toPage} and
 * {@link toBlock}. One round trip, and the driver hands back a single string instead of decoding 200 rows of 17
 * columns: this is what keeps a canvas page load fast, on PGlite in particular (see bench/api).
 */
export async function findPageWithBlocksJson(
  db: Db,
  args: { workspaceId: string; pageId: string },
): Promise<{ revision: number; doc: string } | undefined> {
  const result = await sql<{ revision: number; doc: string }>`
    select p.revision, json_build_object(
      'page', json_build_object(
        'id', p.id, 'workspaceId', p.workspace_id, 'title', p.title, 'icon', p.icon, 'position', p.position,
        'archived', p.archived_at is not null, 'createdAt', ${isoText('p.created_at')}, 'updatedAt', ${isoText('p.updated_at')}),
      'blocks', coalesce((
        select json_agg(json_build_object(
          'id', b.id, 'pageId', b.page_id, 'workspaceId', b.workspace_id, 'type', b.type, 'key', b.key, 'content', b.content,
          'position', json_build_object('x', b.x, 'y', b.y), 'size', json_build_object('width', b.width, 'height', b.height),
          'agentConfigId', b.agent_config_id, 'writtenByRunId', b.written_by_run_id, 'version', b.version,
          'createdAt', ${isoText('b.created_at')}, 'updatedAt', ${isoText('b.updated_at')}
        ) order by b.y, b.x, b.created_at)
        from canvas_blocks b where b.page_id = p.id and b.workspace_id = p.workspace_id
      ), '[]'::json)
    )::text as doc
    from canvas_pages p
    where p.workspace_id = ${args.workspaceId} and p.id = ${args.pageId}`.execute(db);
  return result.rows[0];
}

/** The page's revision (see migration 0002), or undefined when the page is not in this workspace. */
export async function findPageRevision(
  db: Db,
  args: { workspaceId: string; pageId: string },
): Promise<number | undefined> {
  const row = await db
    .selectFrom('canvas_pages')
    .select('revision')
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.pageId)
    .executeTakeFirst();
  return row?.revision;
}

export async function listBlocks(db: Db, args: { workspaceId: string; pageId: string }): Promise<Block[]> {
  const rows = await db
    .selectFrom('canvas_blocks')
    .select(blockColumns)
    .where('workspace_id', '=', args.workspaceId)
    .where('page_id', '=', args.pageId)
    .orderBy('y')
    .orderBy('x')
    .orderBy('created_at')
    .execute();
  return rows.map(toBlock);
}

export async function findBlock(
  db: Db,
  args: { workspaceId: string; pageId: string; blockId: string },
): Promise<Block | undefined> {
  const row = await db
    .selectFrom('canvas_blocks')
    .select(blockColumns)
    .where('workspace_id', '=', args.workspaceId)
    .where('page_id', '=', args.pageId)
    .where('id', '=', args.blockId)
    .executeTakeFirst();
  return row ? toBlock(row) : undefined;
}

export async function findBlockByKey(
  db: Db,
  args: { workspaceId: string; pageId: string; key: string },
): Promise<Block | undefined> {
  const row = await db
    .selectFrom('canvas_blocks')
    .select(blockColumns)
    .where('workspace_id', '=', args.workspaceId)
    .where('page_id', '=', args.pageId)
    .where('key', '=', args.key)
    .executeTakeFirst();
  return row ? toBlock(row) : undefined;
}

export interface BlockFields {
  type?: BlockType;
  key?: string | null;
  content?: unknown;
  position?: { x: number; y: number };
  size?: { width: number; height: number };
  agentConfigId?: string | null;
  writtenByRunId?: string | null;
}

export async function insertBlock(
  db: Db,
  args: {
    workspaceId: string;
    pageId: string;
    userId: string | null;
    fields: BlockFields & { type: BlockType; content: unknown };
  },
): Promise<Block> {
  const { fields } = args;
  const row = await db
    .insertInto('canvas_blocks')
    .values({
      workspace_id: args.workspaceId,
      page_id: args.pageId,
      type: fields.type,
      key: fields.key ?? null,
      content: toJsonb(fields.content),
      x: fields.position?.x ?? 0,
      y: fields.position?.y ?? 0,
      width: fields.size?.width ?? 480,
      height: fields.size?.height ?? 120,
      agent_config_id: fields.agentConfigId ?? null,
      written_by_run_id: fields.writtenByRunId ?? null,
      created_by: args.userId,
      updated_by: args.userId,
    })
    .returning(blockColumns)
    .executeTakeFirstOrThrow();
  return toBlock(row);
}

/**
 * Optimistic write: applies `fields` only if the block is still at `baseVersion` (when given), bumping the version.
 * Returns undefined when nothing matched (gone, or stale: the caller tells which).
 */
export async function updateBlock(
  db: Db,
  args: {
    workspaceId: string;
    pageId: string;
    blockId: string;
    baseVersion?: number;
    userId: string | null;
    fields: BlockFields;
  },
): Promise<Block | undefined> {
  const { fields } = args;
  let query = db
    .updateTable('canvas_blocks')
    .set((eb) => ({
      ...(fields.type !== undefined ? { type: fields.type } : {}),
      ...(fields.key !== undefined ? { key: fields.key } : {}),
      ...(fields.content !== undefined ? { content: toJsonb(fields.content) } : {}),
      ...(fields.position !== undefined ? { x: fields.position.x, y: fields.position.y } : {}),
      ...(fields.size !== undefined ? { width: fields.size.width, height: fields.size.height } : {}),
      ...(fields.agentConfigId !== undefined ? { agent_config_id: fields.agentConfigId } : {}),
      ...(fields.writtenByRunId !== undefined ? { written_by_run_id: fields.writtenByRunId } : {}),
      version: eb('version', '+', 1),
      updated_by: args.userId,
      updated_at: new Date(),
    }))
    .where('workspace_id', '=', args.workspaceId)
    .where('page_id', '=', args.pageId)
    .where('id', '=', args.blockId);
  if (args.baseVersion !== undefined) query = query.where('version', '=', args.baseVersion);
  const row = await query.returning(blockColumns).executeTakeFirst();
  return row ? toBlock(row) : undefined;
}

export async function deleteBlock(
  db: Db,
  args: { workspaceId: string; pageId: string; blockId: string; baseVersion: number },
): Promise<boolean> {
  const result = await db
    .deleteFrom('canvas_blocks')
    .where('workspace_id', '=', args.workspaceId)
    .where('page_id', '=', args.pageId)
    .where('id', '=', args.blockId)
    .where('version', '=', args.baseVersion)
    .executeTakeFirst();
  return result.numDeletedRows === 1n;
}
