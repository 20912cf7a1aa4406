import { sql, type Kysely } from 'kysely';

/**
 * An agent suspended because a connection it is bound to went away (a Shopify store uninstalled the app): it is
 * disabled, and `suspended_brand_id` / `suspended_reason` say why, so connecting the store again enables it again
 * (an agent its users had disabled themselves is never suspended, so it stays disabled).
 */
const statements = [
  `alter table agent_configurations add column suspended_brand_id uuid`,
  `alter table agent_configurations add column suspended_reason text`,
  `create index agent_configurations_suspended on agent_configurations (suspended_brand_id)
     where suspended_brand_id is not null`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists agent_configurations_suspended`.execute(db);
  await sql`alter table agent_configurations drop column if exists suspended_reason`.execute(db);
  await sql`alter table agent_configurations drop column if exists suspended_brand_id`.execute(db);
}
