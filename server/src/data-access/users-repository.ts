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

export async function revokeRefreshFamily(db: Kysely<Database>, familyId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: new Date() })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}
