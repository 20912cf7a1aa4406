import { sql, type Kysely } from 'kysely';

/**
 * Triggers that start runs without a person: schedules and webhooks.
 *
 * - `agent_schedule_firings` holds every cron occurrence a scheduler fired, keyed by (agent, occurrence). A server
 *   inserts the occurrence and queues its run in one transaction, so with any number of server processes on one
 *   PostgreSQL (and across restarts) an occurrence is fired once: the second insert of the same key does nothing.
 * - `schedule_since` is when the configuration's current schedule began (set on create, when the cron or timezone
 *   changes, and when the agent is enabled again): occurrences before it are never fired.
 * - `webhook_secret_hash` is the SHA-256 of the agent's webhook secret (the secret itself is shown once, when issued).
 */
const statements = [
  `alter table agent_configurations add column schedule_since timestamptz`,
  `alter table agent_configurations add column webhook_secret_hash text`,
  `alter table agent_configurations add column webhook_secret_at timestamptz`,
  `create index agent_configurations_scheduled on agent_configurations (id) where trigger_kind = 'schedule' and enabled`,
  `create table agent_schedule_firings (
     agent_id uuid not null references agent_configurations(id) on delete cascade,
     scheduled_at timestamptz not null,
     workspace_id uuid not null references workspaces(id) on delete cascade,
     run_id uuid references agent_runs(id) on delete set null,
     fired_by text not null,
     fired_at timestamptz not null default now(),
     primary key (agent_id, scheduled_at)
   )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists agent_schedule_firings`.execute(db);
  await sql`drop index if exists agent_configurations_scheduled`.execute(db);
  await sql`alter table agent_configurations drop column if exists webhook_secret_at`.execute(db);
  await sql`alter table agent_configurations drop column if exists webhook_secret_hash`.execute(db);
  await sql`alter table agent_configurations drop column if exists schedule_since`.execute(db);
}
