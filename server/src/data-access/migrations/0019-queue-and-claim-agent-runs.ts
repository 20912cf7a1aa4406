import { sql, type Kysely } from 'kysely';

/**
 * `queue_and_claim_agent_runs`: queues runs (`queue_agent_runs`, migration 0018) and, in the same statement, claims
 * queued runs for a process with free slots (`claim_agent_runs_with_settings`, the same claim, oldest first, which
 * sees the runs just queued). A process that executes runs queues its own requests with it: a run started while a
 * slot is free is claimed without a claim statement of its own (in bench/runs nearly every insert was followed by a
 * claim; half a claim per run on the database thread, one more round trip before the run could start).
 *
 * Answers the queued runs first (`claimed` false: only `id` and `created_at` set), then, when `p_max` > 0, the claim's
 * rows (`claimed` true: one row even when nothing is claimed, `id` null, with `more_queued`).
 */
const statements = [
  `create function queue_and_claim_agent_runs(p_ids uuid[], p_workspace_ids uuid[], p_agent_ids uuid[],
     p_revisions integer[], p_trigger_kinds text[], p_trigger_payloads text[], p_inputs text[], p_contexts text[],
     p_serialize_keys uuid[], p_read_only boolean[], p_started_by uuid[], p_instance text, p_max integer,
     p_workspace_limit integer)
   returns table (claimed boolean, id uuid, workspace_id uuid, agent_id uuid, revision integer, trigger_kind text,
     trigger_payload jsonb, inputs jsonb, context jsonb, status text, started_by uuid, attempts integer,
     cancel_requested boolean, created_at timestamptz, started_at timestamptz, agent_name text,
     config_token_budget integer, config_usd_budget double precision, config_created_by uuid,
     revision_created_by uuid, workspace_run_token_budget integer, workspace_run_usd_budget double precision,
     more_queued boolean)
   language plpgsql volatile as $$
   #variable_conflict use_column
   begin
     return query select false, q.id, null::uuid, null::uuid, null::integer, null::text, null::jsonb, null::jsonb,
       null::jsonb, null::text, null::uuid, null::integer, null::boolean, q.created_at, null::timestamptz, null::text,
       null::integer, null::double precision, null::uuid, null::uuid, null::integer, null::double precision,
       null::boolean
     from queue_agent_runs(p_ids, p_workspace_ids, p_agent_ids, p_revisions, p_trigger_kinds, p_trigger_payloads,
       p_inputs, p_contexts, p_serialize_keys, p_read_only, p_started_by) q;
     -- A later command of a volatile function sees what the earlier ones wrote: the claim can take the runs queued.
     if p_max > 0 then
       return query select true, c.* from claim_agent_runs_with_settings(p_instance, p_max, p_workspace_limit) c;
     end if;
   end
   $$`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists queue_and_claim_agent_runs(uuid[], uuid[], uuid[], integer[], text[], text[], text[], text[], uuid[], boolean[], uuid[], text, integer, integer)`.execute(
    db,
  );
}
