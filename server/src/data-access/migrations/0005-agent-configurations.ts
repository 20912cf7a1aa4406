import { sql, type Kysely } from 'kysely';

/**
 * Agents installed in a workspace (the plan's AgentConfiguration) and every saved revision of each. The configuration
 * row holds the current state; `agent_revisions` holds each save (who, when, YAML, content hash, inputs, bindings),
 * so any two can be compared and any one restored. `revision` on the configuration is the optimistic-concurrency
 * precondition of saves. The latest output (and which run and revision wrote it) lives on the configuration.
 */
const statements = [
  `create table agent_configurations (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     name text not null,
     name_normalized text not null,
     description text not null default '',
     definition_id uuid,
     agent_name text not null,
     display_name text not null,
     yaml text not null,
     content_hash text not null,
     inputs jsonb not null default '{}'::jsonb,
     bindings jsonb not null default '{}'::jsonb,
     enabled boolean not null default true,
     token_budget integer,
     trigger_kind text not null,
     revision integer not null default 1,
     latest_output jsonb,
     latest_run_id uuid,
     latest_output_revision integer,
     latest_output_at timestamptz,
     created_by uuid references users(id) on delete set null,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now(),
     unique (workspace_id, name_normalized)
   )`,
  `create index agent_configurations_workspace on agent_configurations (workspace_id, name_normalized)`,
  `create table agent_revisions (
     agent_id uuid not null references agent_configurations(id) on delete cascade,
     workspace_id uuid not null references workspaces(id) on delete cascade,
     revision integer not null,
     name text not null,
     description text not null default '',
     yaml text not null,
     content_hash text not null,
     inputs jsonb not null default '{}'::jsonb,
     bindings jsonb not null default '{}'::jsonb,
     enabled boolean not null,
     token_budget integer,
     restored_from integer,
     created_by uuid references users(id) on delete set null,
     created_at timestamptz not null default now(),
     primary key (agent_id, revision)
   )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists agent_revisions`.execute(db);
  await sql`drop table if exists agent_configurations`.execute(db);
}
