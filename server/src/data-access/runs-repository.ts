import { sql, type Kysely, type Selectable } from 'kysely';
import type { AgentRun } from '../domain/model';
import { iso, isoRequired, toJsonb, type AgentRunStatus, type AgentRunsTable, type Database } from './schema';

export type AgentRunRow = Selectable<AgentRunsTable>;

/** The columns of a run its API shape shows (not the queue's bookkeeping). */
export type AgentRunFields = Omit<AgentRunRow, 'serialize_key' | 'read_only' | 'claimed_by' | 'heartbeat_at'>;

export function toAgentRun(row: AgentRunFields & { agent_name?: string }): AgentRun {
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

/** A run to queue with {@link queueRuns}: `id` is chosen by the caller (it finds its row by it). */
export type RunToQueue = Parameters<typeof insertRun>[1] & { id: string };

/** Slots of a process that executes runs, to fill with queued runs in the statement that queues: see {@link queueRuns}. */
export interface ClaimArgs {
  instanceId: string;
  max: number;
  workspaceLimit: number;
}

/** What {@link claimRuns} answers. */
export interface ClaimResult {
  runs: ClaimedRunRow[];
  /** Whether runs queued when the claim started are still queued (see {@link claimRuns}). */
  moreQueued: boolean;
}

/**
 * Queues runs, each of configuration `agentId` at `revision`, only while that configuration is still at that
 * revision and enabled (one statement for all of them: the caller checked a copy of each configuration, and this
 * makes sure the copy is still current, whichever process changed it). Answers one entry per run, in order: its row,
 * or undefined when its configuration is not current (read it again). Rows are inserted in the order given (their
 * `created_at` follows it, which is the queue's order).
 *
 * With `claim`, the same statement then claims queued runs for that process as {@link claimRuns} does (oldest first,
 * so the runs just queued when nothing older waits; migration 0019) and answers them in `claimed`.
 *
 * Only the id and `created_at` come back: the rest of each row is what was given (its JSON values as stored, read
 * back from the text sent) and the table's defaults. Returning every column cost the database thread more than the
 * insert itself (parsing each row's JSON and timestamps, then cloning it across threads; bench/runs).
 */
export async function queueRuns(
  db: Kysely<Database>,
  runs: RunToQueue[],
  claim?: ClaimArgs,
): Promise<{ rows: (AgentRunRow | undefined)[]; claimed: ClaimResult | undefined }> {
  if (runs.length === 0) return { rows: [], claimed: claim ? await claimRuns(db, claim) : undefined };
  const json = (value: unknown) => (value === undefined || value === null ? null : toJsonb(value));
  const triggerPayloads = runs.map((r) => json(r.triggerPayload));
  const inputs = runs.map((r) => toJsonb(r.inputs));
  const contexts = runs.map((r) => json(r.context));
  const { rows: answered } = await sql<Nullable<ClaimedRunRow> & { claimed: boolean; more_queued: boolean | null }>`
    select * from queue_and_claim_agent_runs(${runs.map((r) => r.id)}::uuid[],
      ${runs.map((r) => r.workspaceId)}::uuid[], ${runs.map((r) => r.agentId)}::uuid[],
      ${runs.map((r) => r.revision)}::int[], ${runs.map((r) => r.triggerKind)}::text[], ${triggerPayloads}::text[],
      ${inputs}::text[], ${contexts}::text[], ${runs.map((r) => r.serializeKey)}::uuid[],
      ${runs.map((r) => r.readOnly)}::boolean[], ${runs.map((r) => r.startedBy)}::uuid[],
      ${claim?.instanceId ?? ''}, ${claim?.max ?? 0}::int, ${claim?.workspaceLimit ?? 0}::int)`.execute(db);
  const createdAt = new Map<string, Date>();
  const claimedRows: (Nullable<ClaimedRunRow> & { more_queued: boolean | null })[] = [];
  for (const row of answered) {
    if (row.claimed) claimedRows.push(row);
    else createdAt.set(row.id!, row.created_at!);
  }
  const rows = runs.map((run, index): AgentRunRow | undefined => {
    const created = createdAt.get(run.id);
    if (created === undefined) return undefined;
    const parsed = (text: string | null) => (text === null ? null : (JSON.parse(text) as unknown));
    return {
      id: run.id,
      workspace_id: run.workspaceId,
      agent_id: run.agentId,
      revision: run.revision,
      trigger_kind: run.triggerKind,
      trigger_payload: parsed(triggerPayloads[index]!),
      inputs: JSON.parse(inputs[index]!) as Record<string, unknown>,
      context: parsed(contexts[index]!) as Record<string, unknown> | null,
      // The table's defaults (migration 0006).
      status: 'queued',
      serialize_key: run.serializeKey,
      read_only: run.readOnly,
      started_by: run.startedBy,
      claimed_by: null,
      attempts: 0,
      cancel_requested: false,
      output: null,
      error: null,
      steps: [],
      usage: null,
      created_at: created,
      started_at: null,
      heartbeat_at: null,
      finished_at: null,
    };
  });
  return { rows, claimed: claim && claim.max > 0 ? claimResultOf(claimedRows) : undefined };
}

/** The claim's answer from its rows: one row even when nothing is claimed (migration 0018). */
function claimResultOf(rows: (Nullable<ClaimedRunRow> & { more_queued: boolean | null })[]): ClaimResult {
  return {
    runs: rows.filter((row): row is typeof row & ClaimedRunRow => row.id !== null),
    moreQueued: rows[0]?.more_queued ?? true,
  };
}

/**
 * The columns of a claimed run that executing it and announcing its end read (not its end columns, still empty,
 * nor its queue bookkeeping): what `claim_agent_runs_with_settings` answers of the run (migration 0018).
 */
type ClaimedRunColumn =
  | 'id'
  | 'workspace_id'
  | 'agent_id'
  | 'revision'
  | 'trigger_kind'
  | 'trigger_payload'
  | 'inputs'
  | 'context'
  | 'status'
  | 'started_by'
  | 'attempts'
  | 'cancel_requested'
  | 'created_at'
  | 'started_at';

/** A claimed run with what executing it reads: its agent's name and budgets, who saved the revision, the workspace budgets. */
export interface ClaimedRunRow extends Pick<AgentRunRow, ClaimedRunColumn> {
  /** Null when the configuration or its revision was deleted before the run started. */
  agent_name: string | null;
  config_token_budget: number | null;
  config_usd_budget: number | null;
  config_created_by: string | null;
  /** Null when the revision was deleted or its author no longer exists. */
  revision_created_by: string | null;
  workspace_run_token_budget: number | null;
  workspace_run_usd_budget: number | null;
}

/**
 * Claims up to `max` queued runs for `instanceId`, oldest first, keeping at most `workspaceLimit` running runs per
 * workspace and one running run per serialization key, in one statement: `claim_agent_runs` (migration 0015) takes
 * the claim lock (so two processes never both count the same free slot), takes the rows `FOR UPDATE SKIP LOCKED` (a
 * row another transaction holds, such as a cancel, is skipped rather than waited for) and marks them running; the
 * same round trip reads the agent and workspace settings each run needs. The revision's YAML and bindings, which
 * never change, the executor reads once per revision ({@link findRevisionSource}).
 *
 * `moreQueued` says whether runs that were queued when the statement started are still queued (not claimed: held
 * back by a limit, a serialization key or the `max`, or taken by another process meanwhile). When it is false, a run
 * ending frees nothing a claim could use until some run is queued again, and whoever queues one wakes a claim.
 */
export async function claimRuns(db: Kysely<Database>, args: ClaimArgs): Promise<ClaimResult> {
  if (args.max <= 0) return { runs: [], moreQueued: true };
  const { rows } = await sql<Nullable<ClaimedRunRow> & { more_queued: boolean }>`
    select * from claim_agent_runs_with_settings(${args.instanceId}, ${args.max}, ${args.workspaceLimit})`.execute(db);
  return claimResultOf(rows);
}

/** What a revision runs: its YAML, content hash and connection bindings (a revision never changes once saved). */
export interface RevisionSource {
  yaml: string;
  contentHash: string;
  bindings: Record<string, unknown>;
}

/** The source of a configuration's revision; undefined when it no longer exists (its configuration was deleted). */
export async function findRevisionSource(
  db: Kysely<Database>,
  args: { workspaceId: string; agentId: string; revision: number },
): Promise<RevisionSource | undefined> {
  const row = await db
    .selectFrom('agent_revisions')
    .select(['yaml', 'content_hash', 'bindings'])
    .where('workspace_id', '=', args.workspaceId)
    .where('agent_id', '=', args.agentId)
    .where('revision', '=', args.revision)
    .executeTakeFirst();
  return row
    ? { yaml: row.yaml, contentHash: row.content_hash, bindings: (row.bindings ?? {}) as Record<string, unknown> }
    : undefined;
}

/** Every column of `T` may be null (an outer join that found nothing). */
type Nullable<T> = { [K in keyof T]: T[K] | null };

/** A run's end, as {@link finishRuns} writes it. */
export interface RunEnd {
  runId: string;
  /** The process that must still hold the run for its end to be written. */
  instanceId: string;
  status: Exclude<AgentRunStatus, 'queued' | 'running'>;
  output: unknown;
  error: Record<string, unknown> | null;
  steps: unknown[];
  usage: Record<string, unknown> | null;
  finishedAt: Date;
}

/**
 * Writes the end of several runs in one statement (each only while its process still holds it); answers one entry
 * per run, in order: whether its end was written (false when its process no longer holds it). The caller has the
 * rest of the run (it claimed it): nothing else is read back. Each succeeded run's output becomes its
 * configuration's latest output, unless a later run's is there already (of the runs of one configuration that end
 * together, the one that finished last).
 */
export async function finishRuns(db: Kysely<Database>, ends: RunEnd[]): Promise<boolean[]> {
  if (ends.length === 0) return [];
  const json = (value: unknown) => (value === undefined || value === null ? null : toJsonb(value));
  const { rows } = await sql<{ id: string }>`
    select id from finish_agent_runs(${ends.map((e) => e.runId)}::uuid[], ${ends.map((e) => e.instanceId)}::text[],
      ${ends.map((e) => e.status)}::text[], ${ends.map((e) => (e.output === undefined ? null : toJsonb(e.output)))}::text[],
      ${ends.map((e) => json(e.error))}::text[], ${ends.map((e) => toJsonb(e.steps))}::text[],
      ${ends.map((e) => json(e.usage))}::text[], ${ends.map((e) => e.finishedAt.toISOString())}::text[]) as id`.execute(
    db,
  );
  const written = new Set(rows.map((row) => row.id));
  return ends.map((end) => written.has(end.runId));
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
