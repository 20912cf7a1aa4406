import { sql, type Kysely } from 'kysely';

/**
 * The marketplace: publishers (a workspace that publishes, or the platform's own "IONFLUX"), their Ed25519 public
 * keys, published agents (one row per name, holding the catalog fields of its newest visible version and the search
 * document) and their immutable versions (YAML, compiled workflow, derived manifest, metadata, digest and signature).
 * `search` is written with each publish (name and tags weigh most, then description, then the readme).
 */
const statements = [
  `create table publishers (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid references workspaces(id) on delete cascade,
     name text not null,
     name_normalized text not null unique,
     created_at timestamptz not null default now()
   )`,
  `create unique index publishers_workspace on publishers (workspace_id) where workspace_id is not null`,
  `create table publisher_keys (
     publisher_id uuid not null references publishers(id) on delete cascade,
     key_id text not null,
     public_key text not null,
     created_at timestamptz not null default now(),
     primary key (publisher_id, key_id)
   )`,
  `create table marketplace_agents (
     id uuid primary key default gen_random_uuid(),
     publisher_id uuid not null references publishers(id) on delete cascade,
     name text not null unique,
     display_name text not null,
     description text not null default '',
     readme text not null default '',
     category text not null,
     tags jsonb not null default '[]'::jsonb,
     icon text,
     connection_types jsonb not null default '[]'::jsonb,
     price_minor integer not null default 0,
     currency text,
     latest_version text,
     installs integer not null default 0,
     search tsvector not null default ''::tsvector,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now()
   )`,
  `create index marketplace_agents_search on marketplace_agents using gin (search)`,
  `create index marketplace_agents_publisher on marketplace_agents (publisher_id)`,
  `create table marketplace_agent_versions (
     id uuid primary key default gen_random_uuid(),
     agent_id uuid not null references marketplace_agents(id) on delete cascade,
     version text not null,
     yaml text not null,
     workflow jsonb not null,
     manifest jsonb not null,
     metadata jsonb not null,
     digest text not null,
     signature text not null,
     key_id text not null,
     yanked_at timestamptz,
     yank_reason text,
     published_by uuid references users(id) on delete set null,
     created_at timestamptz not null default now(),
     unique (agent_id, version)
   )`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists marketplace_agent_versions`.execute(db);
  await sql`drop table if exists marketplace_agents`.execute(db);
  await sql`drop table if exists publisher_keys`.execute(db);
  await sql`drop table if exists publishers`.execute(db);
}
