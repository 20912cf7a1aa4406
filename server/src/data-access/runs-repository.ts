import { sql, type Kysely, type Selectable } from 'kysely';
import type { AgentRun } from '../domain/model';
import { iso, isoRequired, toJsonb, type AgentRunStatus, type AgentRunsTable, type Database } from './schema';

export type AgentRunRow = Selectable<AgentRunsTable>;

/** Serializes claims across processes (and keeps per-workspace limits exact): `pg_advisory_xact_lock` key. */
const CLAIM_LOCK = 0x1f_4a_52_75;

export function toAgentRun(row: AgentRunRow & { agent_name?: string }): AgentRun {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    agentId: row.agent_id,
    ...(row.agent_name !== undefined ? { agentName: row.agent_name } : {}),
    revision: row.revision,
    trigger: { kind: row.trigger_kind as AgentRun['trigger']['kind'], payload: row.trigger_payload ?? null },
    inputs: row.inputs,
    context: (row.context ?? null) as AgentRun['context'],
    status: row.status,
    startedBy: row.started_by,
    attempts: row.attempts,
    output: row.output ?? null,
    error: (row.error ?? null) as AgentRun['error'],
    steps: row.steps as AgentRun['steps'],
    usage: (row.usage ?? null) as AgentRun['usage'],
    createdAt: isoRequired(row.created_at),
    startedAt: iso(row.started_at),
    finishedAt: iso(row.finished_at),
  };
}

export async function insertRun(
  db: Kysely<Database>,
  args: {
    workspaceId: string;
    agentId: string;
    revision: number;
    triggerKind: string;
    triggerPayload: unknown;
    inputs: Record<string, unknown>;
    context: Record<string, unknown> | null;
    serializeKey: string | null;
    readOnly: boolean;
    startedBy: string | null;
  },
): Promise<AgentRunRow> {
  return db
    .insertInto('agent_runs')
    .values({
      workspace_id: args.workspaceId,
      agent_id: args.agentId,
      revision: args.revision,
      trigger_kind: args.triggerKind,
      trigger_payload: args.triggerPayload === undefined ? null : toJsonb(args.triggerPayload),
      inputs: toJsonb(args.inputs),
      context: args.context === null ? null : toJsonb(args.context),
      serialize_key: args.serializeKey,
      read_only: args.readOnly,
      started_by: args.startedBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Claims up to `max` queued runs for `instanceId`, oldest first, keeping at most `workspaceLimit` running runs per
 * workspace and one running run per serialization key. The claim is one transaction under an advisory lock (so two
 * processes never both count the same free slot), and the rows are taken `FOR UPDATE SKIP LOCKED` (a row that
 * another transaction holds, such as a cancel, is skipped rather than waited for).
 */
export async function claimRuns(
  db: Kysely<Database>,
  args: { instanceId: string; max: number; workspaceLimit: number },
): Promise<AgentRunRow[]> {
  if (args.max <= 0) return [];
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`.execute(trx);
    const candidates = await sql<{ id: string }>`
      with queued as (
        select id, workspace_id, serialize_key, created_at from agent_runs
        where status = 'queued' order by created_at, id limit 1000
      ), running as (
        select workspace_id, count(*)::int as n from agent_runs where status = 'running' group by workspace_id
      ), ranked as (
        select q.*,
          row_number() over (partition by q.workspace_id order by q.created_at, q.id) as workspace_rank,
          row_number() over (partition by q.serialize_key order by q.created_at, q.id) as key_rank
        from queued q
        where q.serialize_key is null or not exists (
          select 1 from agent_runs r where r.serialize_key = q.serialize_key and r.status = 'running')
      )
      select ranked.id from ranked left join running on running.workspace_id = ranked.workspace_id
      where ranked.workspace_rank + coalesce(running.n, 0) <= ${args.workspaceLimit}
        and (ranked.serialize_key is null or ranked.key_rank = 1)
      order by ranked.created_at, ranked.id
      limit ${args.max}`.execute(trx);
    if (candidates.rows.length === 0) return [];
    const ids = candidates.rows.map((r) => r.id);
    const locked = await sql<{ id: string }>`
      select id from agent_runs where id = any(${ids}::uuid[]) and status = 'queued' for update skip locked`.execute(
      trx,
    );
    if (locked.rows.length === 0) return [];
    return trx
      .updateTable('agent_runs')
      .set({
        status: 'running',
        claimed_by: args.instanceId,
        started_at: new Date(),
        heartbeat_at: new Date(),
        attempts: sql`attempts + 1`,
      })
      .where(
        'id',
        'in',
        locked.rows.map((r) => r.id),
      )
      .returningAll()
      .execute();
  });
}

/** Writes a run's end (only while this instance still holds it); undefined when it no longer does. */
export async function finishRun(
  db: Kysely<Database>,
  args: {
    runId: string;
    instanceId: string;
    status: Exclude<AgentRunStatus, 'queued' | 'running'>;
    output: unknown;
    error: Record<string, unknown> | null;
    steps: unknown[];
    usage: Record<string, unknown> | null;
  },
): Promise<AgentRunRow | undefined> {
  return db
    .updateTable('agent_runs')
    .set({
      status: args.status,
      output: args.output === undefined ? null : toJsonb(args.output),
      error: args.error === null ? null : toJsonb(args.error),
      steps: toJsonb(args.steps),
      usage: args.usage === null ? null : toJsonb(args.usage),
      finished_at: new Date(),
    })
    .where('id', '=', args.runId)
    .where('claimed_by', '=', args.instanceId)
    .where('status', '=', 'running')
    .returningAll()
    .executeTakeFirst();
}

export async function heartbeatRuns(
  db: Kysely<Database>,
  args: { runIds: string[]; instanceId: string },
): Promise<void> {
  if (args.runIds.length === 0) return;
  await db
    .updateTable('agent_runs')
    .set({ heartbeat_at: new Date() })
    .where('id', 'in', args.runIds)
    .where('claimed_by', '=', args.instanceId)
    .execute();
}

/** Running runs of this instance whose cancellation was requested (possibly through another process). */
export async function cancelRequestedAmong(db: Kysely<Database>, runIds: string[]): Promise<string[]> {
  if (runIds.length === 0) return [];
  const rows = await db
    .selectFrom('agent_runs')
    .select('id')
    .where('id', 'in', runIds)
    .where('cancel_requested', '=', true)
    .execute();
  return rows.map((r) => r.id);
}

/**
 * Runs left `running` by a process that stopped (no heartbeat since `staleBefore`, or every running run when
 * `all`, at the start of the only process of a PGlite folder): re-queued when every step only reads and it has not
 * been tried three times, failed as `interrupted` otherwise. Returns the rows changed.
 */
export async function recoverInterruptedRuns(
  db: Kysely<Database>,
  args: { staleBefore: Date; all: boolean; instanceId: string },
): Promise<AgentRunRow[]> {
  const interrupted = toJsonb({
    code: 'interrupted',
    message: 'The server stopped during this run (it was interrupted); start it again',
  });
  let query = db
    .updateTable('agent_runs')
    .set({
      status: sql`case when read_only and attempts < 3 and not cancel_requested then 'queued' else 'failed' end`,
      error: sql`case when read_only and attempts < 3 and not cancel_requested then null else ${interrupted}::jsonb end`,
      finished_at: sql`case when read_only and attempts < 3 and not cancel_requested then null else now() end`,
      claimed_by: null,
    })
    .where('status', '=', 'running');
  // A process never recovers its own runs: it knows they are alive, however late its heartbeats are.
  if (!args.all)
    query = query
      .where('heartbeat_at', '<', args.staleBefore)
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '<>', args.instanceId)]));
  return query.returningAll().execute();
}

export async function findRun(
  db: Kysely<Database>,
  args: { workspaceId: string; runId: string },
): Promise<(AgentRunRow & { agent_name: string }) | undefined> {
  return db
    .selectFrom('agent_runs as r')
    .innerJoin('agent_configurations as a', 'a.id', 'r.agent_id')
    .selectAll('r')
    .select('a.name as agent_name')
    .where('r.workspace_id', '=', args.workspaceId)
    .where('r.id', '=', args.runId)
    .executeTakeFirst();
}

export async function findRunById(db: Kysely<Database>, runId: string): Promise<AgentRunRow | undefined> {
  return db.selectFrom('agent_runs').selectAll().where('id', '=', runId).executeTakeFirst();
}

/** Runs newest first; `before` is the cursor (the last run of the previous page). */
export async function listRuns(
  db: Kysely<Database>,
  args: {
    workspaceId: string;
    agentId?: string;
    status?: AgentRunStatus;
    before?: { createdAt: Date; id: string };
    limit: number;
  },
): Promise<(AgentRunRow & { agent_name: string })[]> {
  let query = db
    .selectFrom('agent_runs as r')
    .innerJoin('agent_configurations as a', 'a.id', 'r.agent_id')
    .selectAll('r')
    .select('a.name as agent_name')
    .where('r.workspace_id', '=', args.workspaceId);
  if (args.agentId) query = query.where('r.agent_id', '=', args.agentId);
  if (args.status) query = query.where('r.status', '=', args.status);
  if (args.before) {
    const { createdAt, id } = args.before;
    query = query.where((eb) =>
      eb.or([eb('r.created_at', '<', createdAt), eb.and([eb('r.created_at', '=', createdAt), eb('r.id', '<', id)])]),
    );
  }
  return query.orderBy('r.created_at', 'desc').orderBy('r.id', 'desc').limit(args.limit).execute();
}

/** Cancels a queued run at once, or flags a running one for its process; returns the row after. */
export async function requestCancel(
  db: Kysely<Database>,
  args: { workspaceId: string; runId: string },
): Promise<AgentRunRow | undefined> {
  return db
    .updateTable('agent_runs')
    .set({
      cancel_requested: true,
      status: sql`case when status = 'queued' then 'canceled' else status end`,
      finished_at: sql`case when status = 'queued' then now() else finished_at end`,
      error: sql`case when status = 'queued' then ${toJsonb({ code: 'canceled', message: 'Canceled before it started' })}::jsonb else error end`,
    })
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.runId)
    .returningAll()
    .executeTakeFirst();
}
