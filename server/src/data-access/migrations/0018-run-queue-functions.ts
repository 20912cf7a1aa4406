import { sql, type Kysely } from 'kysely';

/**
 * The run queue's three statements per run (queue, claim, finish) as PL/pgSQL functions. Sent as plain statements,
 * each was planned again on every call: in bench/runs on PostgreSQL (pg_stat_statements) planning took 0.46, 0.33 and
 * 0.21 ms a call against 0.56, 0.40 and 0.23 ms of execution, and embedded PGlite pays the same again in WebAssembly.
 * A session plans a function's query once and keeps the plan; the statement that calls the function is trivial to
 * plan. `#variable_conflict use_column`: a name that is both a column and an output parameter means the column.
 *
 * - `queue_agent_runs`: runs.repository `insertRunsIfCurrent` (insert the runs whose configuration is still at their
 *   revision and enabled, in the order given; answers each inserted run's id and `created_at`).
 * - `claim_agent_runs_with_settings`: `claimRuns` (claim_agent_runs of migration 0015 plus what executing each run
 *   reads, and whether runs queued before the statement are still queued; one row even when nothing is claimed).
 * - `finish_agent_runs`: `finishRuns` (each run's end, only while its process still holds it; a succeeded run's
 *   output becomes its configuration's latest output unless a later one is there; answers the ids written).
 */
const statements = [
  `create function queue_agent_runs(p_ids uuid[], p_workspace_ids uuid[], p_agent_ids uuid[], p_revisions integer[],
     p_trigger_kinds text[], p_trigger_payloads text[], p_inputs text[], p_contexts text[], p_serialize_keys uuid[],
     p_read_only boolean[], p_started_by uuid[])
   returns table (id uuid, created_at timestamptz) language plpgsql volatile as $$
   #variable_conflict use_column
   begin
     return query insert into agent_runs as r (id, workspace_id, agent_id, revision, trigger_kind, trigger_payload,
       inputs, context, serialize_key, read_only, started_by)
     select t.id, c.workspace_id, c.id, c.revision, t.trigger_kind, t.trigger_payload::jsonb, t.inputs::jsonb,
       t.context::jsonb, t.serialize_key, t.read_only, t.started_by
     from unnest(p_ids, p_workspace_ids, p_agent_ids, p_revisions, p_trigger_kinds, p_trigger_payloads, p_inputs,
                 p_contexts, p_serialize_keys, p_read_only, p_started_by)
       with ordinality as t(id, workspace_id, agent_id, revision, trigger_kind, trigger_payload, inputs, context,
         serialize_key, read_only, started_by, position)
     join agent_configurations c on c.id = t.agent_id and c.workspace_id = t.workspace_id
       and c.revision = t.revision and c.enabled
     order by t.position
     returning r.id, r.created_at;
   end
   $$`,
  `create function claim_agent_runs_with_settings(p_instance text, p_max integer, p_workspace_limit integer)
   returns table (id uuid, workspace_id uuid, agent_id uuid, revision integer, trigger_kind text, trigger_payload jsonb,
     inputs jsonb, context jsonb, status text, started_by uuid, attempts integer, cancel_requested boolean,
     created_at timestamptz, started_at timestamptz, agent_name text, config_token_budget integer,
     config_usd_budget double precision, config_created_by uuid, revision_created_by uuid,
     workspace_run_token_budget integer, workspace_run_usd_budget double precision, more_queued boolean)
   language plpgsql volatile as $$
   #variable_conflict use_column
   begin
     return query with claimed as (
       select * from claim_agent_runs(p_instance, p_max, p_workspace_limit)
     ), more as (
       select exists (select 1 from agent_runs q where q.status = 'queued'
         and q.id not in (select claimed.id from claimed)) as more_queued
     )
     select r.id, r.workspace_id, r.agent_id, r.revision, r.trigger_kind, r.trigger_payload, r.inputs, r.context,
       r.status, r.started_by, r.attempts, r.cancel_requested, r.created_at, r.started_at,
       c.name, c.token_budget, c.usd_budget, c.created_by, v.created_by, w.run_token_budget, w.run_usd_budget,
       more.more_queued
     from more
     left join claimed r on true
     left join agent_configurations c on c.id = r.agent_id and c.workspace_id = r.workspace_id
     left join agent_revisions v on v.agent_id = r.agent_id and v.workspace_id = r.workspace_id
       and v.revision = r.revision
     left join workspaces w on w.id = r.workspace_id
     order by r.created_at, r.id;
   end
   $$`,
  `create function finish_agent_runs(p_ids uuid[], p_instances text[], p_statuses text[], p_outputs text[],
     p_errors text[], p_steps text[], p_usages text[], p_finished_at text[])
   returns setof uuid language plpgsql volatile as $$
   begin
     return query with ends as (
       select * from unnest(p_ids, p_instances, p_statuses, p_outputs, p_errors, p_steps, p_usages, p_finished_at)
         as t(id, instance_id, status, output, error, steps, usage, finished_at)
     ), finished as (
       update agent_runs r set status = e.status, output = e.output::jsonb, error = e.error::jsonb,
         steps = e.steps::jsonb, usage = e.usage::jsonb, finished_at = e.finished_at::timestamptz
       from ends e
       where r.id = e.id and r.claimed_by = e.instance_id and r.status = 'running'
       returning r.id, r.workspace_id, r.agent_id, r.revision, r.status, r.output, r.finished_at
     ), newest as (
       select distinct on (f.agent_id) f.* from finished f where f.status = 'succeeded'
       order by f.agent_id, f.finished_at desc, f.id desc
     ), latest as (
       update agent_configurations c set latest_output = coalesce(f.output, 'null'::jsonb), latest_run_id = f.id,
         latest_output_revision = f.revision, latest_output_at = f.finished_at
       from newest f
       where c.id = f.agent_id and c.workspace_id = f.workspace_id
         and (c.latest_output_at is null or c.latest_output_at <= f.finished_at)
     )
     select f.id from finished f;
   end
   $$`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists finish_agent_runs(uuid[], text[], text[], text[], text[], text[], text[], text[])`.execute(
    db,
  );
  await sql`drop function if exists claim_agent_runs_with_settings(text, integer, integer)`.execute(db);
  await sql`drop function if exists queue_agent_runs(uuid[], uuid[], uuid[], integer[], text[], text[], text[], text[], uuid[], boolean[], uuid[])`.execute(
    db,
  );
}
