import { sql, type Kysely } from 'kysely';

/**
 * The run queue's claim as one statement: `select * from claim_agent_runs(instance, max, workspace_limit)` takes
 * the claim lock (transaction-scoped advisory lock, held until the statement's transaction ends), then, with a
 * snapshot taken after the lock (each command of a volatile function takes its own in READ COMMITTED), picks up to
 * `max` queued runs oldest first within the per-workspace limit and one running run per serialization key, locks
 * them `FOR UPDATE SKIP LOCKED` and marks them running for `instance`. It replaces a transaction of six round trips
 * (begin, lock, pick, lock rows, update, commit): on embedded PGlite every round trip crosses threads, and it is paid
 * for nearly every run (bench/runs). PL/pgSQL, not SQL: a session plans the function's query once and keeps the plan.
 */
const CLAIM_LOCK = 0x1f_4a_52_75;

const statements = [
  `create function claim_agent_runs(p_instance text, p_max integer, p_workspace_limit integer)
   returns setof agent_runs language plpgsql volatile as $$
   begin
     perform pg_advisory_xact_lock(${CLAIM_LOCK});
     return query with queued as (
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
     ), candidates as (
       select ranked.id from ranked left join running on running.workspace_id = ranked.workspace_id
       where ranked.workspace_rank + coalesce(running.n, 0) <= p_workspace_limit
         and (ranked.serialize_key is null or ranked.key_rank = 1)
       order by ranked.created_at, ranked.id
       limit p_max
     ), locked as (
       select id from agent_runs where id in (select id from candidates) and status = 'queued'
       for update skip locked
     )
     update agent_runs set status = 'running', claimed_by = p_instance, started_at = clock_timestamp(),
       heartbeat_at = clock_timestamp(), attempts = attempts + 1
     where id in (select id from locked)
     returning agent_runs.*;
   end
   $$`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function if exists claim_agent_runs(text, integer, integer)`.execute(db);
}
