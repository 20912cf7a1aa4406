import type { Kysely, Selectable } from 'kysely';
import type { User } from '../domain/model';
import { isoRequired, type Database, type UsersTable } from './schema';

export type UserRow = Selectable<UsersTable>;

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    avatarUrl: row.avatar_url,
    currentWorkspaceId: row.current_workspace_id,
    createdAt: isoRequired(row.created_at),
  };
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserById(db: Kysely<Database>, userId: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirst();
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('email_normalized', '=', normalizeEmail(email)).executeTakeFirst();
}

export async function insertUser(
  db: Kysely<Database>,
  args: { email: string; passwordHash: string; displayName: string },
): Promise<UserRow> {
  return db
    .insertInto('users')
    .values({
      email: args.email.trim(),
      email_normalized: normalizeEmail(args.email),
      password_hash: args.passwordHash,
      display_name: args.displayName,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateUser(
  db: Kysely<Database>,
  args: { userId: string; displayName?: string; avatarUrl?: string | null; currentWorkspaceId?: string | null },
): Promise<UserRow | undefined> {
  return db
    .updateTable('users')
    .set({
      ...(args.displayName !== undefined ? { display_name: args.displayName } : {}),
      ...(args.avatarUrl !== undefined ? { avatar_url: args.avatarUrl } : {}),
      ...(args.currentWorkspaceId !== undefined ? { current_workspace_id: args.currentWorkspaceId } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', args.userId)
    .returningAll()
    .executeTakeFirst();
}

export interface RefreshTokenRow {
  id: string;
  family_id: string;
  user_id: string;
  expires_at: Date;
  used_at: Date | null;
  revoked_at: Date | null;
}

export async function insertRefreshToken(
  db: Kysely<Database>,
  args: { familyId: string; userId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({ family_id: args.familyId, user_id: args.userId, token_hash: args.tokenHash, expires_at: args.expiresAt })
    .execute();
}

export async function findRefreshToken(db: Kysely<Database>, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  return db
    .selectFrom('refresh_tokens')
    .select(['id', 'family_id', 'user_id', 'expires_at', 'used_at', 'revoked_at'])
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export async function findRefreshTokenById(db: Kysely<Database>, id: string): Promise<RefreshTokenRow | undefined> {
  return db
    .selectFrom('refresh_tokens')
    .select(['id', 'family_id', 'user_id', 'expires_at', 'used_at', 'revoked_at'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** Marks a refresh token used, atomically: returns false when someone else already used it (reuse). */
export async function claimRefreshToken(db: Kysely<Database>, tokenId: string): Promise<boolean> {
  const result = await db
    .updateTable('refresh_tokens')
    .set({ used_at: new Date() })
    .where('id', '=', tokenId)
    .where('used_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * True when `tokenId` is the latest refresh token of its family that was rotated, i.e. no token of the family was
 * used after it (the session has not moved on since this token was spent).
 */
export async function isLatestSpentRefreshToken(
  db: Kysely<Database>,
  args: { familyId: string; tokenId: string; usedAt: Date },
): Promise<boolean> {
  const later = await db
    .selectFrom('refresh_tokens')
    .select('id')
    .where('family_id', '=', args.familyId)
    .where('id', '!=', args.tokenId)
    .where('used_at', '>', args.usedAt)
    .executeTakeFirst();
  return later === undefined;
}

export async function revokeRefreshFamily(db: Kysely<Database>, familyId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}

export async function updatePasswordHash(db: Kysely<Database>, args: { userId: string; passwordHash: string }) {
  await db
    .updateTable('users')
    .set({ password_hash: args.passwordHash, updated_at: new Date() })
    .where('id', '=', args.userId)
    .execute();
}

/** Session (refresh-token family) ids of a user that are not revoked yet. */
export async function listLiveSessionIds(db: Kysely<Database>, userId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('refresh_tokens')
    .select('family_id')
    .distinct()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .execute();
  return rows.map((r) => r.family_id);
}

/** Records revoked sessions until `expiresAt` (when their last access token would expire anyway). */
export async function insertRevokedSessions(
  db: Kysely<Database>,
  rows: Array<{ sessionId: string; userId: string; expiresAt: Date }>,
): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('revoked_sessions')
    .values(rows.map((r) => ({ session_id: r.sessionId, user_id: r.userId, expires_at: r.expiresAt })))
    .onConflict((oc) =>
      oc.column('session_id').doUpdateSet((eb) => ({
        expires_at: eb.fn('greatest', ['revoked_sessions.expires_at', eb.ref('excluded.expires_at')]),
      })),
    )
    .execute();
}

/** Revocations still in force at `now` (loaded at start); expired ones are deleted on the way. */
export async function listRevokedSessions(
  db: Kysely<Database>,
  now: Date,
): Promise<Array<{ session_id: string; expires_at: Date }>> {
  await db.deleteFrom('revoked_sessions').where('expires_at', '<=', now).execute();
  return db.selectFrom('revoked_sessions').select(['session_id', 'expires_at']).execute();
}

export async function deleteUser(db: Kysely<Database>, userId: string): Promise<boolean> {
  const result = await db.deleteFrom('users').where('id', '=', userId).executeTakeFirst();
  return result.numDeletedRows === 1n;
}

export async function userExists(db: Kysely<Database>, userId: string): Promise<boolean> {
  return (await db.selectFrom('users').select('id').where('id', '=', userId).executeTakeFirst()) !== undefined;
}
