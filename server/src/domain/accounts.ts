import { randomUUID } from 'node:crypto';
import { AppError, conflict, isUniqueViolation, notFound, unauthorized } from '../errors';
import {
  claimRefreshToken,
  findRefreshToken,
  findUserByEmail,
  findUserById,
  insertRefreshToken,
  insertUser,
  normalizeEmail,
  revokeRefreshFamily,
  toUser,
  updateUser,
} from '../data-access/users-repository';
import type { AppContext } from './context';
import type { User } from './model';
import { hashPassword, makeDecoyHash, verifyPassword } from './passwords';
import { FixedWindowLimiter } from './rate-limiter';
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

/** Account use cases: signup, login (rate limited), refresh with rotation and reuse detection, logout, profile. */
export class Accounts {
  readonly #ctx: AppContext;
  readonly #failedLogins: FixedWindowLimiter;
  #decoyHash: Promise<string> | undefined;

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
    this.#failedLogins = new FixedWindowLimiter({
      limit: ctx.config.loginMaxAttempts,
      windowMs: ctx.config.loginWindowSeconds * 1000,
    });
  }

  async signup(args: { email: string; password: string; displayName: string }): Promise<IssuedSession> {
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

  /** Rejects with 429 once `loginMaxAttempts` failures for this email from this client happened in the window. */
  async login(args: { email: string; password: string; clientKey: string }): Promise<IssuedSession> {
    const limiterKey = `${normalizeEmail(args.email)}|${args.clientKey}`;
    if (this.#failedLogins.isBlocked(limiterKey)) {
      const retryAfter = this.#failedLogins.retryAfterSeconds(limiterKey);
      throw new AppError({
        status: 429,
        code: 'too_many_login_attempts',
        message: `Too many failed logins for this email; try again in ${retryAfter} s`,
        headers: { 'Retry-After': String(retryAfter) },
      });
    }
    const row = await findUserByEmail(this.#ctx.db, args.email);
    // Unknown emails still pay for a hash, so response time does not reveal which emails have accounts.
    this.#decoyHash ??= makeDecoyHash(this.#ctx.config.passwordHashCost);
    const ok = await verifyPassword({ password: args.password, stored: row?.password_hash ?? (await this.#decoyHash) });
    if (!row || !ok) {
      this.#failedLogins.hit(limiterKey);
      throw unauthorized('invalid_credentials', 'Wrong email or password');
    }
    this.#failedLogins.reset(limiterKey);
    return this.#issue({ user: toUser(row), familyId: randomUUID() });
  }

  /**
   * Rotates a refresh token: the presented one is spent and a new one (same family) is returned. Presenting a spent
   * token again means it leaked: the whole family is revoked, including the access tokens issued from it.
   */
  async refresh(args: { refreshToken: string }): Promise<IssuedSession> {
    const row = await findRefreshToken(this.#ctx.db, hashToken(args.refreshToken));
    if (!row) throw unauthorized('invalid_refresh_token', 'The refresh token is unknown; log in again');
    if (row.revoked_at) throw unauthorized('session_revoked', 'This session was ended; log in again');
    if (row.expires_at.getTime() <= Date.now())
      throw unauthorized('refresh_token_expired', 'The session expired; log in again');
    const claimed = await claimRefreshToken(this.#ctx.db, row.id);
    if (!claimed) {
      await this.#revokeFamily(row.family_id);
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

  /** Ends the session of this refresh token (idempotent; an unknown token is fine). */
  async logout(args: { refreshToken?: string; sessionId?: string }): Promise<void> {
    let familyId = args.sessionId;
    if (args.refreshToken)
      familyId = (await findRefreshToken(this.#ctx.db, hashToken(args.refreshToken)))?.family_id ?? familyId;
    if (familyId) await this.#revokeFamily(familyId);
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

  async #revokeFamily(familyId: string): Promise<void> {
    await revokeRefreshFamily(this.#ctx.db, familyId);
    this.#ctx.revokedSessions.set(familyId, Date.now() + this.#ctx.config.accessTokenTtlSeconds * 1000);
    this.#ctx.events.emit('session.revoked', { sessionId: familyId });
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
