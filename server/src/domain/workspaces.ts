import { addChannelMember, findChannelByName, insertChannel } from '../data-access/chat-repository';
import type { WorkspaceRole } from './model';
import { findUserById, normalizeEmail, updateUser } from '../data-access/users-repository';
import {
  countOwners,
  deleteMember,
  findInvitationByTokenHash,
  findWorkspaceForMember,
  insertInvitation,
  insertWorkspace,
  listInvitations,
  listMembers,
  listWorkspacesOfUser,
  markInvitationAccepted,
  renameWorkspace,
  findMembershipRole,
  revokeInvitation,
  toInvitation,
  upsertMember,
} from '../data-access/workspaces-repository';
import { AppError, conflict, forbidden, notFound } from '../errors';
import { hasRole, type AppContext, type WorkspaceAccess } from './context';
import type { Invitation, Member, Workspace } from './model';
import { generateOpaqueToken, hashToken } from './tokens';
import type { ApiTokens } from './api-tokens';
import type { WorkspaceAccessPolicy } from './workspace-access';

const INVITATION_TTL_MS = 7 * 24 * 3600 * 1000;

/** The workspace's default channels: everyone who joins the workspace is a member of those that are public. */
export const DEFAULT_CHANNEL_NAMES: readonly string[] = ['general'];

/** Workspaces, membership and invitations. Every call that takes a WorkspaceAccess stays inside that workspace. */
export class Workspaces {
  readonly #ctx: AppContext;
  readonly #access: WorkspaceAccessPolicy;
  readonly #apiTokens: ApiTokens;

  constructor(ctx: AppContext, access: WorkspaceAccessPolicy, apiTokens: ApiTokens) {
    this.#ctx = ctx;
    this.#access = access;
    this.#apiTokens = apiTokens;
  }

  listMine(userId: string): Promise<Workspace[]> {
    return listWorkspacesOfUser(this.#ctx.db, userId);
  }

  /** Creates a workspace owned by the user, with a public #general channel, and makes it the user's current one. */
  async create(args: { userId: string; name: string }): Promise<Workspace> {
    const workspaceId = await this.#ctx.db.transaction().execute(async (tx) => {
      const { id } = await insertWorkspace(tx, { name: args.name.trim(), createdBy: args.userId });
      await upsertMember(tx, { workspaceId: id, userId: args.userId, role: 'owner' });
      const general = await insertChannel(tx, {
        workspaceId: id,
        name: 'general',
        visibility: 'public',
        topic: 'Company-wide announcements and chat',
        createdBy: args.userId,
      });
      await addChannelMember(tx, { workspaceId: id, channelId: general.id, userId: args.userId });
      await updateUser(tx, { userId: args.userId, currentWorkspaceId: id });
      return id;
    });
    this.#access.forget({ userId: args.userId, workspaceId });
    return (await findWorkspaceForMember(this.#ctx.db, { workspaceId, userId: args.userId }))!;
  }

  async get(access: WorkspaceAccess): Promise<Workspace> {
    const workspace = await findWorkspaceForMember(this.#ctx.db, {
      workspaceId: access.workspaceId,
      userId: this.#userId(access),
    });
    if (!workspace) throw notFound('workspace');
    return workspace;
  }

  async rename(access: WorkspaceAccess, name: string): Promise<Workspace> {
    await renameWorkspace(this.#ctx.db, { workspaceId: access.workspaceId, name: name.trim() });
    return this.get(access);
  }

  /** Makes this workspace the user's current one (what the studio opens next time). */
  async switchTo(access: WorkspaceAccess): Promise<Workspace> {
    await updateUser(this.#ctx.db, { userId: this.#userId(access), currentWorkspaceId: access.workspaceId });
    return this.get(access);
  }

  listMembers(access: WorkspaceAccess): Promise<Member[]> {
    return listMembers(this.#ctx.db, access.workspaceId);
  }

  /** Admins manage members; only owners grant or take away the owner role; the last owner stays an owner. */
  async changeRole(access: WorkspaceAccess, args: { userId: string; role: WorkspaceRole }): Promise<Member> {
    const current = await findMembershipRole(this.#ctx.db, { workspaceId: access.workspaceId, userId: args.userId });
    if (!current) throw notFound('member');
    if ((current === 'owner' || args.role === 'owner') && access.role !== 'owner') {
      throw forbidden('owner_required', 'Only an owner can grant or remove the owner role');
    }
    if (current === 'owner' && args.role !== 'owner' && (await countOwners(this.#ctx.db, access.workspaceId)) <= 1) {
      throw conflict('last_owner', 'A workspace needs at least one owner: make someone else owner first');
    }
    await upsertMember(this.#ctx.db, { workspaceId: access.workspaceId, userId: args.userId, role: args.role });
    this.#access.forget({ userId: args.userId, workspaceId: access.workspaceId });
    const member = (await listMembers(this.#ctx.db, access.workspaceId)).find((m) => m.userId === args.userId);
    if (!member) throw notFound('member');
    return member;
  }

  /** Removes a member (admins), or lets a member leave (anyone, for themselves). */
  async removeMember(access: WorkspaceAccess, userId: string): Promise<void> {
    const self = access.actor.kind === 'user' && access.actor.userId === userId;
    if (!self && !hasRole(access.role, 'admin'))
      throw forbidden('insufficient_role', 'Only admins can remove other members');
    const current = await findMembershipRole(this.#ctx.db, { workspaceId: access.workspaceId, userId });
    if (!current) throw notFound('member');
    if (current === 'owner' && !self && access.role !== 'owner')
      throw forbidden('owner_required', 'Only an owner can remove an owner');
    if (current === 'owner' && (await countOwners(this.#ctx.db, access.workspaceId)) <= 1) {
      throw conflict('last_owner', 'The last owner cannot leave: make someone else owner first');
    }
    await this.#ctx.db.transaction().execute((tx) => deleteMember(tx, { workspaceId: access.workspaceId, userId }));
    this.#access.forget({ userId, workspaceId: access.workspaceId });
    // API tokens act as their creator: they die with the membership (and stay dead if the user comes back).
    await this.#apiTokens.revokeCreatedBy({ userId, workspaceId: access.workspaceId });
    this.#ctx.events.emit('access.revoked', { workspaceId: access.workspaceId, userId });
  }

  /** Creates an invitation; the token is returned once (only its hash is stored). */
  async invite(
    access: WorkspaceAccess,
    args: { email: string; role: WorkspaceRole },
  ): Promise<{ invitation: Invitation; token: string }> {
    if (args.role === 'owner' && access.role !== 'owner')
      throw forbidden('owner_required', 'Only an owner can invite another owner');
    const token = generateOpaqueToken('ifi');
    const row = await insertInvitation(this.#ctx.db, {
      workspaceId: access.workspaceId,
      email: normalizeEmail(args.email),
      role: args.role,
      tokenHash: hashToken(token),
      invitedBy: this.#userId(access),
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
    });
    return { invitation: toInvitation(row), token };
  }

  async listInvitations(access: WorkspaceAccess): Promise<Invitation[]> {
    return (await listInvitations(this.#ctx.db, access.workspaceId)).map((row) => toInvitation(row));
  }

  async revokeInvitation(access: WorkspaceAccess, invitationId: string): Promise<Invitation> {
    const row = await revokeInvitation(this.#ctx.db, { workspaceId: access.workspaceId, invitationId });
    if (!row) throw notFound('invitation');
    return toInvitation(row);
  }

  /**
   * Accepts an invitation for the signed-in user, whose email must be the invited one; the new member is in the
   * workspace's default channels (#general) right away.
   */
  async acceptInvitation(args: { userId: string; token: string }): Promise<Workspace> {
    const row = await findInvitationByTokenHash(this.#ctx.db, hashToken(args.token));
    if (!row) throw notFound('invitation');
    const user = await findUserById(this.#ctx.db, args.userId);
    if (!user) throw notFound('user');
    const invitation = toInvitation(row);
    if (invitation.status !== 'pending') {
      throw new AppError({
        status: 410,
        code: `invitation_${invitation.status}`,
        message: `This invitation is ${invitation.status}; ask for a new one`,
      });
    }
    if (user.email_normalized !== row.email_normalized) {
      throw forbidden(
        'invitation_email_mismatch',
        `This invitation is for ${row.email_normalized}; sign in with that email to accept it`,
      );
    }
    await this.#ctx.db.transaction().execute(async (tx) => {
      if (!(await markInvitationAccepted(tx, { invitationId: row.id, userId: args.userId }))) {
        throw new AppError({ status: 410, code: 'invitation_accepted', message: 'This invitation was already used' });
      }
      const existing = await findMembershipRole(tx, { workspaceId: row.workspace_id, userId: args.userId });
      // Accepting never demotes someone who is already a member with a higher role.
      if (!existing || !hasRole(existing, row.role))
        await upsertMember(tx, { workspaceId: row.workspace_id, userId: args.userId, role: row.role });
      // Joining the workspace joins its default channels, in the same transaction as the membership.
      for (const name of DEFAULT_CHANNEL_NAMES) {
        const channel = await findChannelByName(tx, { workspaceId: row.workspace_id, name });
        if (channel?.visibility === 'public')
          await addChannelMember(tx, { workspaceId: row.workspace_id, channelId: channel.id, userId: args.userId });
      }
      await updateUser(tx, { userId: args.userId, currentWorkspaceId: row.workspace_id });
    });
    this.#access.forget({ userId: args.userId, workspaceId: row.workspace_id });
    return (await findWorkspaceForMember(this.#ctx.db, { workspaceId: row.workspace_id, userId: args.userId }))!;
  }

  #userId(access: WorkspaceAccess): string {
    if (access.actor.kind !== 'user')
      throw forbidden('api_token_not_allowed', 'API tokens cannot call this operation; sign in as a user');
    return access.actor.userId;
  }
}
