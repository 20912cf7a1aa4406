import {
  findApiTokenByHash,
  findApiTokenById,
  insertApiToken,
  listApiTokens,
  revokeApiToken,
  revokeApiTokensCreatedBy,
  toApiToken,
  touchApiToken,
  type ApiTokenRow,
} from '../data-access/api-tokens-repository';
import { findWorkspace } from '../data-access/workspaces-repository';
import { forbidden, notFound, unauthorized } from '../errors';
import { hasRole, type Actor, type AppContext, type WorkspaceAccess } from './context';
import type { ApiToken, ApiTokenScope } from './model';
import { generateOpaqueToken, hashToken } from './tokens';
import { actingUserId } from './workspace-access';

/** Prefix of workspace API tokens; anything else in a Bearer header is treated as a JWT access token. */
export const API_TOKEN_PREFIX = 'ifx_';
const CACHE_MS = 30_000;
const TOUCH_EVERY_MS = 60_000;

/**
 * Workspace API tokens (the IonfluxApi credential of the n8n nodes): shown once, stored hashed, scoped to one
 * workspace with a role and scopes, revocable.
 */
export class ApiTokens {
  readonly #ctx: AppContext;
  readonly #cache = new Map<string, { row: ApiTokenRow | undefined; expiresAt: number }>();
  readonly #lastTouched = new Map<string, number>();

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  async create(
    access: WorkspaceAccess,
    args: { name: string; role: ApiToken['role']; scopes: ApiTokenScope[]; expiresInDays?: number },
  ): Promise<{ apiToken: ApiToken; token: string }> {
    if (!hasRole(access.role, args.role))
      throw forbidden(
        'insufficient_role',
        `You cannot create a token with more rights (${args.role}) than your own (${access.role})`,
      );
    const token = generateOpaqueToken('ifx');
    const createdBy = actingUserId(access);
    if (!createdBy) throw forbidden('api_token_not_allowed', 'API tokens cannot create API tokens; sign in as a user');
    const row = await insertApiToken(this.#ctx.db, {
      workspaceId: access.workspaceId,
      name: args.name.trim(),
      role: args.role,
      scopes: [...new Set(args.scopes)],
      tokenHash: hashToken(token),
      tokenPrefix: token.slice(0, 12),
      createdBy,
      expiresAt: args.expiresInDays ? new Date(Date.now() + args.expiresInDays * 86_400_000) : null,
    });
    return { apiToken: toApiToken(row), token };
  }

  async list(access: WorkspaceAccess): Promise<ApiToken[]> {
    return (await listApiTokens(this.#ctx.db, access.workspaceId)).map(toApiToken);
  }

  async revoke(access: WorkspaceAccess, tokenId: string): Promise<ApiToken> {
    const row = await revokeApiToken(this.#ctx.db, { workspaceId: access.workspaceId, tokenId });
    if (!row) throw notFound('API token');
    this.#cache.clear();
    this.#ctx.events.emit('apiToken.revoked', { tokenId: row.id });
    return toApiToken(row);
  }

  /**
   * Revokes, for good, every active token `userId` created (in one workspace, or everywhere): a token dies with its
   * creator's membership, password change and account. Returns how many were revoked.
   */
  async revokeCreatedBy(args: { userId: string; workspaceId?: string }): Promise<number> {
    const rows = await revokeApiTokensCreatedBy(this.#ctx.db, args);
    this.#cache.clear();
    for (const row of rows) this.#ctx.events.emit('apiToken.revoked', { tokenId: row.id });
    return rows.length;
  }

  /** What an API token is (the n8n credential test calls this): its workspace, role and scopes. */
  async describe(
    actor: Extract<Actor, { kind: 'apiToken' }>,
  ): Promise<{ workspace: { id: string; name: string }; apiToken: ApiToken }> {
    const workspace = await findWorkspace(this.#ctx.db, actor.workspaceId);
    if (workspace && actor.run) {
      // A run's short-lived token: described like an API token, so nodes find their workspace the same way.
      return {
        workspace: { id: workspace.id, name: workspace.name },
        apiToken: {
          id: actor.run.runId,
          workspaceId: actor.workspaceId,
          name: actor.name,
          role: actor.role,
          scopes: actor.scopes,
          prefix: 'ifr_',
          createdAt: new Date().toISOString(),
          lastUsedAt: null,
          expiresAt: actor.expiresAtMs ? new Date(actor.expiresAtMs).toISOString() : null,
          revoked: false,
        },
      };
    }
    const row = (await listApiTokens(this.#ctx.db, actor.workspaceId)).find((r) => r.id === actor.tokenId);
    if (!workspace || !row) throw notFound('API token');
    return { workspace: { id: workspace.id, name: workspace.name }, apiToken: toApiToken(row) };
  }

  /** Whether the token still works (not revoked, not expired); read fresh from the database. */
  async isActive(tokenId: string): Promise<boolean> {
    const row = await findApiTokenById(this.#ctx.db, tokenId);
    return (
      row !== undefined &&
      row.revoked_at === null &&
      row.created_by !== null &&
      (row.expires_at === null || row.expires_at.getTime() > Date.now())
    );
  }

  /** The actor behind a raw `ifx_...` token, or a 401 saying why it does not work. */
  async authenticate(rawToken: string): Promise<Extract<Actor, { kind: 'apiToken' }>> {
    const tokenHash = hashToken(rawToken);
    let cached = this.#cache.get(tokenHash);
    if (!cached || cached.expiresAt <= Date.now()) {
      cached = { row: await findApiTokenByHash(this.#ctx.db, tokenHash), expiresAt: Date.now() + CACHE_MS };
      if (this.#cache.size > 10_000) this.#cache.clear();
      this.#cache.set(tokenHash, cached);
    }
    const row = cached.row;
    if (!row)
      throw unauthorized('invalid_api_token', 'Unknown API token; create one under workspace settings > API tokens');
    if (row.revoked_at) throw unauthorized('api_token_revoked', 'This API token was revoked; create a new one');
    if (row.expires_at && row.expires_at.getTime() <= Date.now())
      throw unauthorized('api_token_expired', 'This API token expired; create a new one');
    const last = this.#lastTouched.get(row.id) ?? 0;
    if (Date.now() - last > TOUCH_EVERY_MS) {
      this.#lastTouched.set(row.id, Date.now());
      touchApiToken(this.#ctx.db, row.id).catch((error: unknown) =>
        this.#ctx.logger.warn({ err: error }, 'could not record API token use'),
      );
    }
    // A token acts as its creator; one whose creator's account is gone (created_by set null) acts as nobody.
    if (!row.created_by)
      throw unauthorized(
        'api_token_creator_left',
        'The user who created this API token no longer exists, so the token stopped working; create a new one',
      );
    return {
      kind: 'apiToken',
      tokenId: row.id,
      workspaceId: row.workspace_id,
      role: row.role,
      scopes: row.scopes as ApiTokenScope[],
      name: row.name,
      createdBy: row.created_by,
      ...(row.expires_at ? { expiresAtMs: row.expires_at.getTime() } : {}),
    };
  }
}
