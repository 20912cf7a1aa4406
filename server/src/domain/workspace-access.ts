import { findMembershipRole } from '../data-access/workspaces-repository';
import type { WorkspaceRole } from './model';
import { AppError, notFound, unauthorized } from '../errors';
import { hasRole, type Actor, type AppContext, type WorkspaceAccess } from './context';
import type { ApiTokenScope } from './model';

/**
 * Decides whether an actor may act in a workspace. Outsiders get 404 (as if the workspace did not exist);
 * members with too small a role get 403, because they already know the workspace exists.
 *
 * An API token acts as the user who created it, limited by its scopes and its role: its effective role is the lower
 * of the token's role and its creator's current role, and it stops working (401) once its creator is no longer a
 * member (removal also revokes it for good, see Workspaces.removeMember).
 *
 * Membership lookups are cached for a few seconds and dropped immediately when this process changes a membership
 * (single server process; the cache is what keeps a page load at one query for the page itself).
 */
export class WorkspaceAccessPolicy {
  readonly #ctx: AppContext;
  readonly #cache = new Map<string, { role: WorkspaceRole | null; expiresAt: number }>();
  static readonly CACHE_MS = 5_000;

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  async roleOf(args: { userId: string; workspaceId: string }): Promise<WorkspaceRole | undefined> {
    const key = `${args.userId}:${args.workspaceId}`;
    const cached = this.#cache.get(key);
    if (cached && cached.expiresAt > Date.now()) return cached.role ?? undefined;
    const role = await findMembershipRole(this.#ctx.db, args);
    if (this.#cache.size > 50_000) this.#cache.clear();
    this.#cache.set(key, { role: role ?? null, expiresAt: Date.now() + WorkspaceAccessPolicy.CACHE_MS });
    return role;
  }

  forget(args: { userId: string; workspaceId: string }): void {
    this.#cache.delete(`${args.userId}:${args.workspaceId}`);
  }

  /** Resolves the access or throws 404 (outsider) / 403 (role or scope too small). */
  async require(args: {
    actor: Actor;
    workspaceId: string;
    minRole: WorkspaceRole;
    scope?: ApiTokenScope;
  }): Promise<WorkspaceAccess> {
    const { actor, workspaceId, minRole, scope } = args;
    let role: WorkspaceRole | undefined;
    if (actor.kind === 'user') {
      role = await this.roleOf({ userId: actor.userId, workspaceId });
    } else if (actor.workspaceId === workspaceId) {
      if (scope === undefined) {
        throw new AppError({
          status: 403,
          code: 'api_token_not_allowed',
          message: 'API tokens cannot call this operation; sign in as a user',
        });
      }
      if (!actor.scopes.includes(scope)) {
        throw new AppError({
          status: 403,
          code: 'missing_scope',
          message: `This API token lacks the ${scope} scope; create a token with it`,
        });
      }
      const creatorRole = await this.roleOf({ userId: actor.createdBy, workspaceId });
      if (!creatorRole)
        throw unauthorized(
          'api_token_creator_left',
          'The user who created this API token is no longer a member of its workspace, so the token stopped working; create a new one',
        );
      role = hasRole(creatorRole, actor.role) ? actor.role : creatorRole;
    }
    if (!role) throw notFound('workspace');
    if (!hasRole(role, minRole)) {
      throw new AppError({
        status: 403,
        code: 'insufficient_role',
        message: `This needs the ${minRole} role or higher in this workspace (you are ${role})`,
      });
    }
    return { workspaceId, role, actor };
  }
}

/** The user id behind an access, or null for API tokens (rows then record no user as creator). */
export function actingUserId(access: WorkspaceAccess): string | null {
  return access.actor.kind === 'user' ? access.actor.userId : null;
}
