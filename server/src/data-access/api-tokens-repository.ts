import type { Kysely, Selectable } from 'kysely';
import type { ApiToken, ApiTokenScope } from '../domain/model';
import { iso, isoRequired, toJsonb, type ApiTokensTable, type Database } from './schema';

export type ApiTokenRow = Omit<Selectable<ApiTokensTable>, 'token_hash'>;
const columns = [
  'id',
  'workspace_id',
  'name',
  'role',
  'scopes',
  'token_prefix',
  'created_by',
  'created_at',
  'last_used_at',
  'expires_at',
  'revoked_at',
] as const;

export function toApiToken(row: ApiTokenRow): ApiToken {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    name: row.name,
    role: row.role,
    scopes: row.scopes as ApiTokenScope[],
    prefix: row.token_prefix,
    createdAt: isoRequired(row.created_at),
    lastUsedAt: iso(row.last_used_at),
    expiresAt: iso(row.expires_at),
    revoked: row.revoked_at !== null,
  };
}

export async function insertApiToken(
  db: Kysely<Database>,
  args: {
    workspaceId: string;
    name: string;
    role: ApiToken['role'];
    scopes: ApiTokenScope[];
    tokenHash: string;
    tokenPrefix: string;
    createdBy: string | null;
    expiresAt: Date | null;
  },
): Promise<ApiTokenRow> {
  return db
    .insertInto('api_tokens')
    .values({
      workspace_id: args.workspaceId,
      name: args.name,
      role: args.role,
      scopes: toJsonb(args.scopes),
      token_hash: args.tokenHash,
      token_prefix: args.tokenPrefix,
      created_by: args.createdBy,
      expires_at: args.expiresAt,
    })
    .returning(columns)
    .executeTakeFirstOrThrow();
}

export async function listApiTokens(db: Kysely<Database>, workspaceId: string): Promise<ApiTokenRow[]> {
  return db
    .selectFrom('api_tokens')
    .select(columns)
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .execute();
}

export async function findApiTokenByHash(db: Kysely<Database>, tokenHash: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').select(columns).where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function findApiTokenById(db: Kysely<Database>, tokenId: string): Promise<ApiTokenRow | undefined> {
  return db.selectFrom('api_tokens').select(columns).where('id', '=', tokenId).executeTakeFirst();
}

export async function revokeApiToken(
  db: Kysely<Database>,
  args: { workspaceId: string; tokenId: string },
): Promise<ApiTokenRow | undefined> {
  return db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.tokenId)
    .returning(columns)
    .executeTakeFirst();
}

export async function touchApiToken(db: Kysely<Database>, tokenId: string): Promise<void> {
  await db.updateTable('api_tokens').set({ last_used_at: new Date() }).where('id', '=', tokenId).execute();
}

/** Revokes every active token `userId` created, in one workspace or in all of them; returns the revoked rows. */
export async function revokeApiTokensCreatedBy(
  db: Kysely<Database>,
  args: { userId: string; workspaceId?: string },
): Promise<ApiTokenRow[]> {
  let query = db
    .updateTable('api_tokens')
    .set({ revoked_at: new Date() })
    .where('created_by', '=', args.userId)
    .where('revoked_at', 'is', null);
  if (args.workspaceId) query = query.where('workspace_id', '=', args.workspaceId);
  return query.returning(columns).execute();
}
