import { sql, type Kysely } from 'kysely';

/**
 * - USD budgets per run, beside the token budgets: `agent_configurations.usd_budget` (and its revisions'),
 *   `workspaces.run_usd_budget`; null: none. The engine prices model calls with the server's token prices.
 * - `agent_webhook_windows`: requests counted per agent webhook in fixed one-minute windows, shared by every server
 *   process on the database (one atomic upsert per request), so the limit holds across processes.
 */
const statements = [
  `alter table agent_configurations add column usd_budget double precision check (usd_budget is null or usd_budget > 0)`,
  `alter table agent_revisions add column usd_budget double precision`,
  `alter table workspaces add column run_usd_budget double precision check (run_usd_budget is null or run_usd_budget > 0)`,
  `create table agent_webhook_windows (
     agent_id uuid primary key references agent_configurations(id) on delete cascade,
     window_start timestamptz not null,
     requests integer not null
   )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists agent_webhook_windows`.execute(db);
  await sql`alter table workspaces drop column if exists run_usd_budget`.execute(db);
  await sql`alter table agent_revisions drop column if exists usd_budget`.execute(db);
  await sql`alter table agent_configurations drop column if exists usd_budget`.execute(db);
}
