import { sql, type Kysely } from 'kysely';

/**
 * Revoked login sessions, kept until the last access token of the session would have expired, so that logging out,
 * changing the password or deleting the account still holds after a restart. No foreign key to users: the row must
 * outlive a deleted account. API tokens get an index on their creator (a token dies with its creator's membership).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table revoked_sessions (
      session_id uuid primary key,
      user_id uuid not null,
      revoked_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index revoked_sessions_expires on revoked_sessions (expires_at)`.execute(db);
  await sql`create index api_tokens_created_by on api_tokens (workspace_id, created_by)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index if exists api_tokens_created_by`.execute(db);
  await sql`drop table if exists revoked_sessions`.execute(db);
}
