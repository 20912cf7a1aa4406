import { sql, type Kysely } from 'kysely';

/**
 * Agent runs, which are also the durable run queue: a run is inserted `queued` before the API answers 202, claimed
 * by a server process with `FOR UPDATE SKIP LOCKED` (status -> running, claimed_by, heartbeat), and finished with
 * its output, error, per-step log and token usage. A process heartbeats its running runs; a run whose heartbeat
 * stops (its process died) is failed as interrupted or re-queued when every step only reads. The partial index
 * keeps the claim query on queued rows only.
 */
const statements = [
  `create table agent_runs (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     agent_id uuid not null references agent_configurations(id) on delete cascade,
     revision integer not null,
     trigger_kind text not null check (trigger_kind in ('manual', 'schedule', 'webhook', 'chat.command', 'shopify.order')),
     trigger_payload jsonb,
     inputs jsonb not null default '{}'::jsonb,
     context jsonb,
     status text not null default 'queued' check (status in ('queued', 'running', 'succeeded', 'failed', 'canceled')),
     serialize_key uuid,
     read_only boolean not null default false,
     started_by uuid references users(id) on delete set null,
     claimed_by text,
     attempts integer not null default 0,
     cancel_requested boolean not null default false,
     output jsonb,
     error jsonb,
     steps jsonb not null default '[]'::jsonb,
     usage jsonb,
     created_at timestamptz not null default clock_timestamp(),
     started_at timestamptz,
     heartbeat_at timestamptz,
     finished_at timestamptz
   )`,
  `create index agent_runs_queued on agent_runs (created_at) where status = 'queued'`,
  `create index agent_runs_running on agent_runs (workspace_id) where status = 'running'`,
  `create index agent_runs_workspace on agent_runs (workspace_id, created_at desc)`,
  `create index agent_runs_agent on agent_runs (agent_id, created_at desc)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists agent_runs`.execute(db);
}
