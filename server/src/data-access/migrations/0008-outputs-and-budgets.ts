import { sql, type Kysely } from 'kysely';

/**
 * - `workspaces.run_token_budget`: most LLM tokens one agent run of the workspace may use (besides each agent's own
 *   policy budget and its configuration's); null: no workspace budget.
 * - `canvas_block_outputs`: every output written to an agent-snippet block, with its provenance (agent
 *   configuration, revision, run, when, by whom), so a person can see and restore an earlier one.
 */
const statements = [
  `alter table workspaces add column run_token_budget integer check (run_token_budget is null or run_token_budget > 0)`,
  `create table canvas_block_outputs (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     block_id uuid not null references canvas_blocks(id) on delete cascade,
     content jsonb not null,
     agent_config_id uuid,
     agent_revision integer,
     run_id text,
     restored_from uuid,
     written_by uuid references users(id) on delete set null,
     written_at timestamptz not null default clock_timestamp()
   )`,
  `create index canvas_block_outputs_block on canvas_block_outputs (block_id, written_at desc)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists canvas_block_outputs`.execute(db);
  await sql`alter table workspaces drop column if exists run_token_budget`.execute(db);
}
