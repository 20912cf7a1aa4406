import type { Kysely, Selectable } from 'kysely';
import { isoRequired, toJsonb, type CanvasBlockOutputsTable, type Database } from './schema';

export type BlockOutputRow = Selectable<CanvasBlockOutputsTable>;

/** One output an agent-snippet block showed, with where it came from. */
export interface BlockOutput {
  id: string;
  blockId: string;
  content: unknown;
  agentConfigId: string | null;
  agentRevision: number | null;
  runId: string | null;
  restoredFrom: string | null;
  writtenBy: string | null;
  writtenAt: string;
}

export function toBlockOutput(row: BlockOutputRow): BlockOutput {
  return {
    id: row.id,
    blockId: row.block_id,
    content: row.content,
    agentConfigId: row.agent_config_id,
    agentRevision: row.agent_revision,
    runId: row.run_id,
    restoredFrom: row.restored_from,
    writtenBy: row.written_by,
    writtenAt: isoRequired(row.written_at),
  };
}

export async function insertBlockOutput(
  db: Kysely<Database>,
  args: {
    workspaceId: string;
    blockId: string;
    content: unknown;
    agentConfigId: string | null;
    agentRevision: number | null;
    runId: string | null;
    restoredFrom: string | null;
    writtenBy: string | null;
  },
): Promise<BlockOutputRow> {
  return db
    .insertInto('canvas_block_outputs')
    .values({
      workspace_id: args.workspaceId,
      block_id: args.blockId,
      content: toJsonb(args.content),
      agent_config_id: args.agentConfigId,
      agent_revision: args.agentRevision,
      run_id: args.runId,
      restored_from: args.restoredFrom,
      written_by: args.writtenBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A block's outputs, newest first. */
export async function listBlockOutputs(
  db: Kysely<Database>,
  args: { workspaceId: string; blockId: string; limit: number },
): Promise<BlockOutputRow[]> {
  return db
    .selectFrom('canvas_block_outputs')
    .selectAll()
    .where('workspace_id', '=', args.workspaceId)
    .where('block_id', '=', args.blockId)
    .orderBy('written_at', 'desc')
    .orderBy('id', 'desc')
    .limit(args.limit)
    .execute();
}

export async function findBlockOutput(
  db: Kysely<Database>,
  args: { workspaceId: string; blockId: string; outputId: string },
): Promise<BlockOutputRow | undefined> {
  return db
    .selectFrom('canvas_block_outputs')
    .selectAll()
    .where('workspace_id', '=', args.workspaceId)
    .where('block_id', '=', args.blockId)
    .where('id', '=', args.outputId)
    .executeTakeFirst();
}
