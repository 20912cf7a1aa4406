import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { Invitation, Member, Workspace } from '../domain/model';
import { isoRequired, type Database, type InvitationsTable } from './schema';
import type { WorkspaceRole } from '../domain/model';

type Db = Kysely<Database> | Transaction<Database>;

interface WorkspaceWithRoleRow {
  id: string;
  name: string;
  role: WorkspaceRole;
  created_at: Date;
  updated_at: Date;
}

function toWorkspace(row: WorkspaceWithRoleRow): Workspace {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdAt: isoRequired(row.created_at),
    updatedAt: isoRequired(row.updated_at),
  };
}

export async function findMembershipRole(
  db: Db,
  args: { workspaceId: string; userId: string },
): Promise<WorkspaceRole | undefined> {
  const row = await db
    .selectFrom('workspace_members')
    .select('role')
    .where('workspace_id', '=', args.workspaceId)
    .where('user_id', '=', args.userId)
    .executeTakeFirst();
  return row?.role;
}

export async function listWorkspacesOfUser(db: Db, userId: string): Promise<Workspace[]> {
  const rows = await db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id', 'w.name', 'm.role', 'w.created_at', 'w.updated_at'])
    .where('m.user_id', '=', userId)
    .orderBy('w.created_at')
    .execute();
  return rows.map(toWorkspace);
}

export async function findWorkspaceForMember(
  db: Db,
  args: { workspaceId: string; userId: string },
): Promise<Workspace | undefined> {
  const row = await db
    .selectFrom('workspace_members as m')
    .innerJoin('workspaces as w', 'w.id', 'm.workspace_id')
    .select(['w.id', 'w.name', 'm.role', 'w.created_at', 'w.updated_at'])
    .where('m.user_id', '=', args.userId)
    .where('m.workspace_id', '=', args.workspaceId)
    .executeTakeFirst();
  return row ? toWorkspace(row) : undefined;
}

export async function findWorkspace(
  db: Db,
  workspaceId: string,
): Promise<{ id: string; name: string; created_at: Date; updated_at: Date } | undefined> {
  return db
    .selectFrom('workspaces')
    .select(['id', 'name', 'created_at', 'updated_at'])
    .where('id', '=', workspaceId)
    .executeTakeFirst();
}

export async function insertWorkspace(db: Db, args: { name: string; createdBy: string }): Promise<{ id: string }> {
  return db
    .insertInto('workspaces')
    .values({ name: args.name, created_by: args.createdBy })
    .returning('id')
    .executeTakeFirstOrThrow();
}

export async function renameWorkspace(db: Db, args: { workspaceId: string; name: string }): Promise<void> {
  await db
    .updateTable('workspaces')
    .set({ name: args.name, updated_at: new Date() })
    .where('id', '=', args.workspaceId)
    .execute();
}

export async function upsertMember(
  db: Db,
  args: { workspaceId: string; userId: string; role: WorkspaceRole },
): Promise<void> {
  await db
    .insertInto('workspace_members')
    .values({ workspace_id: args.workspaceId, user_id: args.userId, role: args.role })
    .onConflict((oc) => oc.columns(['workspace_id', 'user_id']).doUpdateSet({ role: args.role }))
    .execute();
}

export async function listMembers(db: Db, workspaceId: string): Promise<Member[]> {
  const rows = await db
    .selectFrom('workspace_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select(['u.id', 'u.email', 'u.display_name', 'm.role', 'm.created_at'])
    .where('m.workspace_id', '=', workspaceId)
    .orderBy('m.created_at')
    .execute();
  return rows.map((r) => ({
    userId: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role,
    joinedAt: isoRequired(r.created_at),
  }));
}

export async function countOwners(db: Db, workspaceId: string): Promise<number> {
  const row = await db
    .selectFrom('workspace_members')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('role', '=', 'owner')
    .executeTakeFirstOrThrow();
  return row.n;
}

export async function deleteMember(db: Db, args: { workspaceId: string; userId: string }): Promise<void> {
  await db
    .deleteFrom('channel_members')
    .where('workspace_id', '=', args.workspaceId)
    .where('user_id', '=', args.userId)
    .execute();
  await db
    .deleteFrom('workspace_members')
    .where('workspace_id', '=', args.workspaceId)
    .where('user_id', '=', args.userId)
    .execute();
  await db
    .updateTable('users')
    .set({ current_workspace_id: null })
    .where('id', '=', args.userId)
    .where('current_workspace_id', '=', args.workspaceId)
    .execute();
}

export type InvitationRow = Selectable<InvitationsTable>;

export function toInvitation(row: InvitationRow, now = Date.now()): Invitation {
  const status = row.accepted_at
    ? 'accepted'
    : row.revoked_at
      ? 'revoked'
      : row.expires_at.getTime() <= now
        ? 'expired'
        : 'pending';
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    email: row.email_normalized,
    role: row.role,
    status,
    expiresAt: isoRequired(row.expires_at),
    createdAt: isoRequired(row.created_at),
  };
}

export async function insertInvitation(
  db: Db,
  args: {
    workspaceId: string;
    email: string;
    role: WorkspaceRole;
    tokenHash: string;
    invitedBy: string;
    expiresAt: Date;
  },
): Promise<InvitationRow> {
  return db
    .insertInto('invitations')
    .values({
      workspace_id: args.workspaceId,
      email_normalized: args.email,
      role: args.role,
      token_hash: args.tokenHash,
      invited_by: args.invitedBy,
      expires_at: args.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listInvitations(db: Db, workspaceId: string): Promise<InvitationRow[]> {
  return db
    .selectFrom('invitations')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .limit(500)
    .execute();
}

export async function findInvitationByTokenHash(db: Db, tokenHash: string): Promise<InvitationRow | undefined> {
  return db.selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function revokeInvitation(
  db: Db,
  args: { workspaceId: string; invitationId: string },
): Promise<InvitationRow | undefined> {
  return db
    .updateTable('invitations')
    .set({ revoked_at: new Date() })
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.invitationId)
    .where('accepted_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

/** Marks the invitation accepted unless someone else got there first (returns false then). */
export async function markInvitationAccepted(db: Db, args: { invitationId: string; userId: string }): Promise<boolean> {
  const result = await db
    .updateTable('invitations')
    .set({ accepted_at: new Date(), accepted_by: args.userId })
    .where('id', '=', args.invitationId)
    .where('accepted_at', 'is', null)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Workspaces `userId` owns, with how many owners and members each has (account deletion checks them). */
export async function listOwnedWorkspaces(
  db: Db,
  userId: string,
): Promise<Array<{ id: string; name: string; owners: number; members: number }>> {
  const result = await sql<{ id: string; name: string; owners: number; members: number }>`
    select w.id, w.name,
      (select count(*)::int from workspace_members o where o.workspace_id = w.id and o.role = 'owner') as owners,
      (select count(*)::int from workspace_members a where a.workspace_id = w.id) as members
    from workspaces w
    join workspace_members m on m.workspace_id = w.id and m.user_id = ${userId} and m.role = 'owner'
    order by w.name`.execute(db);
  return result.rows;
}

/** Deletes a workspace and (by cascade) everything in it. */
export async function deleteWorkspace(db: Db, workspaceId: string): Promise<void> {
  await db.deleteFrom('workspaces').where('id', '=', workspaceId).execute();
}

/** Ids of the workspaces `userId` belongs to. */
export async function listWorkspaceIdsOfUser(db: Db, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('workspace_members').select('workspace_id').where('user_id', '=', userId).execute();
  return rows.map((r) => r.workspace_id);
}
