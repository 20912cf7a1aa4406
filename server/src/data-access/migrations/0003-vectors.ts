import { sql, type Kysely } from 'kysely';

/**
 * Embeddings for the vector store behind the IONFLUX Vector Store node (when no Pinecone index is bound). Vectors
 * are stored as float8[] so one schema serves every PostgreSQL; where the pgvector extension exists (embedded PGlite
 * ships it; a server may have it installed) the query casts to `vector` and uses its cosine distance, otherwise it
 * computes the cosine in SQL. The extension is created when available; its absence is not an error.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`savepoint ionflux_try_vector`.execute(db);
  try {
    await sql`create extension if not exists vector`.execute(db);
    await sql`release savepoint ionflux_try_vector`.execute(db);
  } catch {
    await sql`rollback to savepoint ionflux_try_vector`.execute(db);
  }
  await sql`
    create table vector_documents (
      workspace_id uuid not null references workspaces(id) on delete cascade,
      namespace text not null,
      id text not null,
      text text not null,
      metadata jsonb not null default '{}'::jsonb,
      embedding float8[] not null,
      dimensions integer not null,
      norm float8 not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      primary key (workspace_id, namespace, id)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists vector_documents`.execute(db);
}
