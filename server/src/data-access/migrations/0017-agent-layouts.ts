import { sql, type Kysely } from 'kysely';

/**
 * The agent editor's node positions, kept with the configuration and not in the YAML (the YAML is the agent; where
 * its nodes sit on a canvas is the builder's view of it): n8n node name -> [x, y] on n8n's canvas. Not part of a
 * revision: moving a node saves no new revision.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table agent_configurations add column layout jsonb not null default '{}'::jsonb`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table agent_configurations drop column layout`.execute(db);
}
