import { randomUUID } from 'node:crypto';
import { AppError, conflict, invalidRequest, isUniqueViolation, notFound, unauthorized } from '../errors';
import { deleteWorkspace, listOwnedWorkspaces, listWorkspaceIdsOfUser } from '../data-access/workspaces-repository';
import {
  claimRefreshToken,
  deleteUser,
  insertRevokedSessions,
  listLiveSessionIds,
  listRevokedSessions,
  updatePasswordHash,
  userExists,
  findRefreshToken,
  findRefreshTokenById,
  isLatestSpentRefreshToken,
  findUserByEmail,
  findUserById,
  insertRefreshToken,
  insertUser,
  normalizeEmail,
  revokeRefreshFamily,
  toUser,
  updateUser,
  type UserRow,
} from '../data-access/users-repository';
import type { ApiTokens } from './api-tokens';
import type { AppContext } from './context';
import { assertPasswordPolicy } from './password-policy';
import type { User } from './model';
import { hashPassword, makeDecoyHash, verifyPassword } from './passwords';
import { FixedWindowLimiter } from './rate-limiter';
import type { WorkspaceAccessPolicy } from './workspace-access';
import { generateOpaqueToken, hashToken, signAccessToken } from './tokens';

/** What a successful signup/login/refresh produces; the HTTP layer turns `refreshToken` into an httpOnly cookie. */
export interface IssuedSession {
  user: User;
  accessToken: string;
  accessTokenExpiresAt: Date;
  refreshToken: string;
  refreshTokenExpiresAt: Date;
  sessionId: string;
}

/**
 * Account use cases: signup (throttled per client), login (attempts counted per account and per client before the
 * password is hashed), refresh with rotation and reuse detection, logout, password change and account deletion
 * (both re-authenticated; both end every session and API token of the user), profile.
 */
export class Accounts {
  readonly #ctx: AppContext;
  readonly #apiTokens: ApiTokens;
  readonly #access: WorkspaceAccessPolicy;
  /** Password checks per account (normalized email). */
  readonly #accountAttempts: FixedWindowLimiter;
  /** Password checks per client address. */
  readonly #clientAttempts: FixedWindowLimiter;
  readonly #signups: FixedWindowLimiter;
  /** user id -> until when it is known to exist (so an access token costs no lookup on every request). */
  readonly #knownUsers = new Map<string, number>();
  #decoyHash: Promise<string> | undefined;
  static readonly KNOWN_USER_MS = 30_000;

  constructor(ctx: AppContext, deps: { apiTokens: ApiTokens; access: WorkspaceAccessPolicy }) {
    this.#ctx = ctx;
    this.#apiTokens = deps.apiTokens;
    this.#access = deps.access;
    const windowMs = ctx.config.loginWindowSeconds * 1000;
    this.#accountAttempts = new FixedWindowLimiter({ limit: ctx.config.loginMaxAttempts, windowMs });
    this.#clientAttempts = new FixedWindowLimiter({ limit: ctx.config.loginMaxAttemptsPerIp, windowMs });
    this.#signups = new FixedWindowLimiter({
      limit: ctx.config.signupMaxPerIp,
      windowMs: ctx.config.signupWindowSeconds * 1000,
    });
  }

  /** Loads the persisted session revocations (at start), so logged-out access tokens stay dead across restarts. */
  async loadRevokedSessions(): Promise<number> {
    const rows = await listRevokedSessions(this.#ctx.db, new Date());
    for (const row of rows) this.#ctx.revokedSessions.set(row.session_id, row.expires_at.getTime());
    return rows.length;
  }

  /** Creates an account. `clientKey` (the client address) is throttled: `signupMaxPerIp` per window. */
  async signup(args: {
    email: string;
    password: string;
    displayName: string;
    clientKey?: string;
  }): Promise<IssuedSession> {
    if (args.clientKey !== undefined && !this.#signups.tryHit(args.clientKey)) {
      const retryAfter = this.#signups.retryAfterSeconds(args.clientKey);
      throw new AppError({
        status: 429,
        code: 'too_many_signups',
        message: `Too many accounts created from this address; try again in ${retryAfter} s`,
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
    assertPasswordPolicy({ password: args.password, field: 'password', email: args.email });
    const passwordHash = await hashPassword({ password: args.password, cost: this.#ctx.config.passwordHashCost });
    try {
      const row = await insertUser(this.#ctx.db, {
        email: args.email,
        passwordHash,
        displayName: args.displayName.trim(),
      });
      return await this.#issue({ user: toUser(row), familyId: randomUUID() });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw conflict(
          'email_taken',
          'An account with this email already exists; log in instead, or use another email',
        );
      }
      throw error;
    }
  }

  /**
   * Signs in. Every attempt is counted, per account and per client, before the (slow) password hash runs, in one
   * synchronous step: parallel guesses cannot all pass a check that none of them has counted yet. Past
   * `loginMaxAttempts` for the account (or `loginMaxAttemptsPerIp` for the client) in the window: 429 + Retry-After,
   * whatever the password. A successful login clears the account's count and gives the client its attempt back.
   */
  async login(args: { email: string; password: string; clientKey: string }): Promise<IssuedSession> {
    const row = await this.#checkPassword({ email: args.email, password: args.password, clientKey: args.clientKey });
    if (!row) throw unauthorized('invalid_credentials', 'Wrong email or password');
    return this.#issue({ user: toUser(row), familyId: randomUUID() });
  }

  /**
   * Rotates a refresh token: the presented one is spent and a new one (same family) is returned. Presenting a spent
   * token again means it leaked: the whole family is revoked, including the access tokens issued from it. Except in
   * the rotation leeway (`refreshReuseGraceSeconds`): the immediately previous token, presented again shortly after
   * it was rotated (a reload cut off the response that carried the new cookie), rotates again in the same session.
   */
  async refresh(args: { refreshToken: string }): Promise<IssuedSession> {
    const row = await findRefreshToken(this.#ctx.db, hashToken(args.refreshToken));
    if (!row) throw unauthorized('invalid_refresh_token', 'The refresh token is unknown; log in again');
    if (row.revoked_at) throw unauthorized('session_revoked', 'This session was ended; log in again');
    if (row.expires_at.getTime() <= Date.now())
      throw unauthorized('refresh_token_expired', 'The session expired; log in again');
    const claimed = await claimRefreshToken(this.#ctx.db, row.id);
    if (!claimed && (await this.#withinRotationLeeway(row))) {
      this.#ctx.logger.info(
        { userId: row.user_id, sessionId: row.family_id },
        'previous refresh token presented again within the rotation leeway; rotated again',
      );
    } else if (!claimed) {
      await this.#revokeSessions({ userId: row.user_id, sessionIds: [row.family_id] });
      this.#ctx.logger.warn(
        { userId: row.user_id, sessionId: row.family_id },
        'refresh token reuse detected; session revoked',
      );
      throw unauthorized(
        'refresh_token_reused',
        'This refresh token was already used, so the session was revoked for safety; log in again',
      );
    }
    const user = await findUserById(this.#ctx.db, row.user_id);
    if (!user) throw unauthorized('invalid_refresh_token', 'The account no longer exists');
    return this.#issue({ user: toUser(user), familyId: row.family_id });
  }

  /** The presented token was spent a moment ago and is still the latest spent one of its (live) session. */
  async #withinRotationLeeway(row: { id: string; family_id: string }): Promise<boolean> {
    const graceMs = this.#ctx.config.refreshReuseGraceSeconds * 1000;
    if (graceMs <= 0) return false;
    const current = await findRefreshTokenById(this.#ctx.db, row.id);
    if (!current?.used_at || current.revoked_at) return false;
    if (Date.now() - current.used_at.getTime() > graceMs) return false;
    return isLatestSpentRefreshToken(this.#ctx.db, {
      familyId: row.family_id,
      tokenId: row.id,
      usedAt: current.used_at,
    });
  }

  /** Ends the session of this refresh token (idempotent; an unknown token is fine). */
  async logout(args: { refreshToken?: string; sessionId?: string }): Promise<void> {
    let sessionId = args.sessionId;
    let userId: string | undefined;
    if (args.refreshToken) {
      const row = await findRefreshToken(this.#ctx.db, hashToken(args.refreshToken));
      sessionId = row?.family_id ?? sessionId;
      userId = row?.user_id;
    }
    if (sessionId && userId) await this.#revokeSessions({ userId, sessionIds: [sessionId] });
  }

  /**
   * Changes the password after checking the current one (counted like a login attempt). Every session of the user
   * ends, including this one, and every API token they created is revoked; a fresh session is returned so the
   * caller stays signed in.
   */
  async changePassword(args: {
    userId: string;
    currentPassword: string;
    newPassword: string;
    clientKey: string;
  }): Promise<IssuedSession> {
    const user = await this.#reauthenticate(args.userId, args.currentPassword, args.clientKey, 'currentPassword');
    assertPasswordPolicy({ password: args.newPassword, field: 'newPassword', email: user.email });
    if (args.newPassword === args.currentPassword)
      throw invalidRequest([{ path: 'newPassword', message: 'must differ from your current password' }]);
    const passwordHash = await hashPassword({ password: args.newPassword, cost: this.#ctx.config.passwordHashCost });
    await updatePasswordHash(this.#ctx.db, { userId: user.id, passwordHash });
    await this.#endEverything(user.id);
    this.#ctx.logger.info({ userId: user.id }, 'password changed; every session and API token revoked');
    return this.#issue({ user: toUser(user), familyId: randomUUID() });
  }

  /**
   * Deletes the account after checking the password (counted like a login attempt). Refused (409 sole_owner) while
   * the user is the only owner of a workspace that has other members; a workspace where they are the only member
   * is deleted with them. Every session and API token of the user ends; their messages stay, shown as
   * "Former member".
   */
  async deleteAccount(args: { userId: string; password: string; clientKey: string }): Promise<void> {
    const user = await this.#reauthenticate(args.userId, args.password, args.clientKey, 'password');
    const owned = await listOwnedWorkspaces(this.#ctx.db, user.id);
    const blocking = owned.filter((w) => w.owners <= 1 && w.members > 1);
    if (blocking.length > 0) {
      throw conflict(
        'sole_owner',
        `You are the only owner of ${blocking.map((w) => JSON.stringify(w.name)).join(', ')}: make another member owner (or remove the other members) first`,
        { workspaces: blocking.map((w) => ({ id: w.id, name: w.name })) },
      );
    }
    const workspaceIds = await listWorkspaceIdsOfUser(this.#ctx.db, user.id);
    await this.#endEverything(user.id);
    await this.#ctx.db.transaction().execute(async (tx) => {
      for (const workspace of owned.filter((w) => w.members <= 1)) await deleteWorkspace(tx, workspace.id);
      await deleteUser(tx, user.id);
    });
    this.#knownUsers.delete(user.id);
    for (const workspaceId of workspaceIds) {
      this.#access.forget({ userId: user.id, workspaceId });
      this.#ctx.events.emit('access.revoked', { workspaceId, userId: user.id });
    }
    this.#ctx.logger.info({ userId: user.id, deletedWorkspaces: owned.length }, 'account deleted');
  }

  /** Whether an access token's user still exists (cached briefly; account deletion clears it at once). */
  async isActiveUser(userId: string): Promise<boolean> {
    const knownUntil = this.#knownUsers.get(userId);
    if (knownUntil !== undefined && knownUntil > Date.now()) return true;
    const exists = await userExists(this.#ctx.db, userId);
    if (exists) {
      if (this.#knownUsers.size > 50_000) this.#knownUsers.clear();
      this.#knownUsers.set(userId, Date.now() + Accounts.KNOWN_USER_MS);
    } else this.#knownUsers.delete(userId);
    return exists;
  }

  /** Whether the user is a server administrator (their email is in `adminEmails`). */
  async isServerAdmin(userId: string): Promise<boolean> {
    const row = await findUserById(this.#ctx.db, userId);
    return row !== undefined && this.#ctx.config.adminEmails.includes(row.email_normalized);
  }

  async getProfile(userId: string): Promise<User> {
    const row = await findUserById(this.#ctx.db, userId);
    if (!row) throw notFound('user');
    return toUser(row);
  }

  async updateProfile(args: { userId: string; displayName?: string; avatarUrl?: string | null }): Promise<User> {
    const row = await updateUser(this.#ctx.db, {
      userId: args.userId,
      displayName: args.displayName?.trim(),
      avatarUrl: args.avatarUrl,
    });
    if (!row) throw notFound('user');
    return toUser(row);
  }

  /** The rate-limited password check shared by login and the re-authenticated operations; undefined = wrong. */
  async #checkPassword(args: { email: string; password: string; clientKey: string }): Promise<UserRow | undefined> {
    const accountKey = normalizeEmail(args.email);
    if (!this.#clientAttempts.tryHit(args.clientKey)) {
      throw tooManyAttempts(this.#clientAttempts.retryAfterSeconds(args.clientKey), 'from this address');
    }
    if (!this.#accountAttempts.tryHit(accountKey)) {
      // Refused without hashing: it costs nothing, so it does not use up the client's attempts either.
      this.#clientAttempts.unhit(args.clientKey);
      throw tooManyAttempts(this.#accountAttempts.retryAfterSeconds(accountKey), 'for this account');
    }
    const row = await findUserByEmail(this.#ctx.db, args.email);
    // Unknown emails still pay for a hash, so response time does not reveal which emails have accounts.
    this.#decoyHash ??= makeDecoyHash(this.#ctx.config.passwordHashCost);
    const ok = await verifyPassword({ password: args.password, stored: row?.password_hash ?? (await this.#decoyHash) });
    if (!row || !ok) return undefined;
    this.#accountAttempts.reset(accountKey);
    this.#clientAttempts.unhit(args.clientKey);
    return row;
  }

  async #reauthenticate(userId: string, password: string, clientKey: string, field: string): Promise<UserRow> {
    const current = await findUserById(this.#ctx.db, userId);
    if (!current) throw unauthorized('account_deleted', 'This account no longer exists');
    const row = await this.#checkPassword({ email: current.email, password, clientKey });
    if (!row || row.id !== userId) {
      throw new AppError({
        status: 403,
        code: 'wrong_password',
        message: 'That is not your current password',
        fields: [{ path: field, message: 'is not your current password' }],
      });
    }
    return row;
  }

  /** Ends every session of the user (persisted) and revokes every API token they created, in every workspace. */
  async #endEverything(userId: string): Promise<void> {
    await this.#revokeSessions({ userId, sessionIds: await listLiveSessionIds(this.#ctx.db, userId) });
    await this.#apiTokens.revokeCreatedBy({ userId });
  }

  /**
   * Revokes sessions: their refresh tokens now, their access tokens (which live up to `accessTokenTtlSeconds`)
   * through the revocation list, which is persisted until those tokens would have expired anyway.
   */
  async #revokeSessions(args: { userId: string; sessionIds: string[] }): Promise<void> {
    if (args.sessionIds.length === 0) return;
    const until = new Date(Date.now() + this.#ctx.config.accessTokenTtlSeconds * 1000);
    for (const sessionId of args.sessionIds) await revokeRefreshFamily(this.#ctx.db, sessionId);
    await insertRevokedSessions(
      this.#ctx.db,
      args.sessionIds.map((sessionId) => ({ sessionId, userId: args.userId, expiresAt: until })),
    );
    const revoked = this.#ctx.revokedSessions;
    if (revoked.size > 100_000) for (const [id, end] of revoked) if (end <= Date.now()) revoked.delete(id);
    for (const sessionId of args.sessionIds) {
      revoked.set(sessionId, until.getTime());
      this.#ctx.events.emit('session.revoked', { sessionId });
    }
  }

  async #issue(args: { user: User; familyId: string }): Promise<IssuedSession> {
    const { config, db, jwtKey } = this.#ctx;
    const refreshToken = generateOpaqueToken('ifr');
    const refreshTokenExpiresAt = new Date(Date.now() + config.refreshTokenTtlSeconds * 1000);
    await insertRefreshToken(db, {
      familyId: args.familyId,
      userId: args.user.id,
      tokenHash: hashToken(refreshToken),
      expiresAt: refreshTokenExpiresAt,
    });
    const access = await signAccessToken({
      claims: { userId: args.user.id, sessionId: args.familyId },
      key: jwtKey,
      ttlSeconds: config.accessTokenTtlSeconds,
    });
    return {
      user: args.user,
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt,
      refreshToken,
      refreshTokenExpiresAt,
      sessionId: args.familyId,
    };
  }
}

function tooManyAttempts(retryAfter: number, scope: string): AppError {
  return new AppError({
    status: 429,
    code: 'too_many_login_attempts',
    message: `Too many password attempts ${scope}; try again in ${retryAfter} s`,
    headers: { 'Retry-After': String(retryAfter) },
  });
}
