import { createHash, randomBytes } from 'node:crypto';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { listAgentConfigurations } from '../../data-access/agents-repository';
import type { ConnectionState } from '../../data-access/schema';
import { AppError, conflict, forbidden } from '../../errors';
import { checkedAgentOf } from '../agents/agent-runs';
import { hasRole, type AppContext, type WorkspaceAccess } from '../context';
import { KeyedMutex } from '../keyed-mutex';
import type { Creator } from '../model';
import type { IntegrationCredentials, Profiles } from '../profiles';
import type { WorkspaceAccessPolicy } from '../workspace-access';
import { badCallback, newNonce, signOAuthState, verifyOAuthState } from './oauth-state';

export const TIKTOK_CALLBACK_PATH = '/api/connections/tiktok/callback';
/** Refresh an access token this long before it expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;
const REAL = {
  authorize: 'https://www.tiktok.com/v2/auth/authorize/',
  token: 'https://open.tiktokapis.com/v2/oauth/token/',
  revoke: 'https://open.tiktokapis.com/v2/oauth/revoke/',
};

interface TikTokApp {
  clientKey: string;
  clientSecret: string;
  sandbox: boolean;
}

interface TokenResponse {
  access_token?: string;
  expires_in?: number;
  open_id?: string;
  refresh_token?: string;
  refresh_expires_in?: number;
  scope?: string;
  error?: string;
  error_description?: string;
}

/** The error a run or a request gets when a Creator's TikTok connection can no longer be used. */
export function reconnectCreator(creatorName: string, state: ConnectionState | 'none'): AppError {
  const why =
    state === 'revoked'
      ? 'its TikTok authorization was revoked'
      : state === 'expired'
        ? 'its TikTok login expired'
        : 'it is not connected to TikTok';
  return conflict(
    'tiktok_reconnect',
    `Creator "${creatorName}" cannot be used: ${why}. Connect it again (Creators > Connect TikTok).`,
  );
}

/**
 * Connecting a Creator to a TikTok account: Login Kit v2 (authorize with state and PKCE S256 -> code exchange),
 * token refresh before expiry (TikTok rotates refresh tokens: the new pair replaces the old one in one conditional
 * update), and revoke on disconnect. Against the sandbox by default, real TikTok with TIKTOK_CLIENT_KEY/SECRET.
 */
export class TikTokConnections {
  readonly #ctx: AppContext;
  readonly #profiles: Profiles;
  readonly #access: WorkspaceAccessPolicy;
  readonly #refreshing = new KeyedMutex();
  #listeningUrl = '';

  constructor(ctx: AppContext, deps: { profiles: Profiles; access: WorkspaceAccessPolicy }) {
    this.#ctx = ctx;
    this.#profiles = deps.profiles;
    this.#access = deps.access;
  }

  attach({ baseUrl }: { baseUrl: string }): void {
    this.#listeningUrl = baseUrl;
  }

  callbackUrl(): string {
    return `${this.#ctx.config.publicUrl ?? this.#listeningUrl}${TIKTOK_CALLBACK_PATH}`;
  }

  #app(): TikTokApp {
    const configured = this.#ctx.config.tiktokApp;
    if (configured) return { ...configured, sandbox: false };
    if (this.#ctx.config.sandbox)
      return {
        clientKey: SANDBOX_CREDENTIALS.tiktok.clientKey,
        clientSecret: SANDBOX_CREDENTIALS.tiktok.clientSecret,
        sandbox: true,
      };
    throw conflict(
      'tiktok_not_configured',
      'This server has no TikTok app: set TIKTOK_CLIENT_KEY, TIKTOK_CLIENT_SECRET and PUBLIC_URL (or run the sandbox)',
    );
  }

  #endpoints(app: TikTokApp) {
    if (!app.sandbox) return REAL;
    const base = `${this.#listeningUrl}/sandbox/tiktok`;
    return {
      authorize: `${base}/v2/auth/authorize/`,
      token: `${base}/v2/oauth/token/`,
      revoke: `${base}/v2/oauth/revoke/`,
    };
  }

  /** Scopes the workspace's agents declare for TikTok connections (user.info.basic at least). */
  async #scopes(workspaceId: string): Promise<string[]> {
    const scopes = new Set<string>(['user.info.basic']);
    for (const config of await listAgentConfigurations(this.#ctx.db, workspaceId)) {
      try {
        for (const connection of Object.values(checkedAgentOf(config.yaml).agent.spec.connections ?? {}))
          if (connection.type === 'tiktok')
            for (const scope of connection.scopes ?? []) if (/^(user\.info\.|video\.)/.test(scope)) scopes.add(scope);
      } catch {
        // An agent that no longer validates declares nothing.
      }
    }
    return [...scopes].sort();
  }

  async begin(
    access: WorkspaceAccess,
    creatorId: string,
  ): Promise<{ authorizeUrl: string; stateCookie: string; scopes: string[] }> {
    requireAdmin(access);
    if (access.actor.kind !== 'user')
      throw forbidden('api_token_not_allowed', 'Connecting an account is done by a signed-in person in a browser');
    const app = this.#app();
    await this.#profiles.getCreator(access, creatorId);
    const scopes = await this.#scopes(access.workspaceId);
    const codeVerifier = randomBytes(48).toString('base64url');
    const nonce = newNonce();
    const url = new URL(this.#endpoints(app).authorize);
    url.searchParams.set('client_key', app.clientKey);
    url.searchParams.set('scope', scopes.join(','));
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('redirect_uri', this.callbackUrl());
    url.searchParams.set('state', nonce);
    url.searchParams.set('code_challenge', createHash('sha256').update(codeVerifier).digest('base64url'));
    url.searchParams.set('code_challenge_method', 'S256');
    const stateCookie = await signOAuthState(
      {
        provider: 'tiktok',
        nonce,
        userId: access.actor.userId,
        workspaceId: access.workspaceId,
        ownerId: creatorId,
        redirectUri: this.callbackUrl(),
        codeVerifier,
      },
      this.#ctx.jwtKey,
    );
    return { authorizeUrl: url.toString(), stateCookie, scopes };
  }

  /**
   * Completes a connection from TikTok's redirect: the state cookie and nonce, then either the user's refusal
   * (`error=access_denied`: nothing stored, the Creator says so) or the code exchange with the PKCE verifier.
   */
  async complete(args: {
    query: Record<string, unknown>;
    cookie: string | undefined;
  }): Promise<{ workspaceId: string; creatorId: string; outcome: 'connected' | 'denied' }> {
    const state = await verifyOAuthState({
      cookie: args.cookie,
      stateParam: args.query.state,
      provider: 'tiktok',
      key: this.#ctx.jwtKey,
    });
    const access = await this.#access.require({
      actor: { kind: 'user', userId: state.userId, sessionId: 'oauth' },
      workspaceId: state.workspaceId,
      minRole: 'admin',
    });
    await this.#profiles.getCreator(access, state.ownerId);
    if (typeof args.query.error === 'string') {
      await this.#setState(
        state.workspaceId,
        state.ownerId,
        null,
        `TikTok: ${args.query.error} (${String(args.query.error_description ?? '')})`.slice(0, 300),
      );
      return { workspaceId: state.workspaceId, creatorId: state.ownerId, outcome: 'denied' };
    }
    const code = args.query.code;
    if (typeof code !== 'string' || !code) throw badCallback('code', 'missing: the redirect must come from TikTok');
    const app = this.#app();
    const token = await this.#token(app, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: state.redirectUri,
      code_verifier: state.codeVerifier ?? '',
    });
    if (!token.access_token)
      throw new AppError({
        status: 400,
        code: 'oauth_exchange_failed',
        message: `TikTok refused the authorization code (${token.error ?? 'no token'}); start connecting again`,
      });
    await this.#profiles.setCredentials(access, {
      ownerType: 'creator',
      ownerId: state.ownerId,
      credentials: credentialsOf(token),
    });
    await this.#ctx.db
      .updateTable('creators')
      .set({
        open_id: token.open_id ?? null,
        connection_state: 'connected',
        connection_detail: null,
        updated_at: new Date(),
      })
      .where('workspace_id', '=', state.workspaceId)
      .where('id', '=', state.ownerId)
      .execute();
    return { workspaceId: state.workspaceId, creatorId: state.ownerId, outcome: 'connected' };
  }

  /**
   * Credentials of a Creator ready to use: refreshed first when the access token expires within 5 minutes. A
   * revoked or expired authorization marks the Creator and throws `tiktok_reconnect` (409) naming the fix.
   */
  async usableCredentials(args: {
    workspaceId: string;
    creatorId: string;
    force?: boolean;
  }): Promise<IntegrationCredentials> {
    return this.#refreshing.run(args.creatorId, async () => {
      const creator = await this.#ctx.db
        .selectFrom('creators')
        .select(['name', 'connection_state'])
        .where('workspace_id', '=', args.workspaceId)
        .where('id', '=', args.creatorId)
        .executeTakeFirst();
      if (!creator) throw conflict('tiktok_reconnect', 'The Creator no longer exists');
      const current = await this.#profiles.readCredentials({
        workspaceId: args.workspaceId,
        ownerType: 'creator',
        ownerId: args.creatorId,
      });
      if (!current) throw reconnectCreator(creator.name, creator.connection_state ?? 'none');
      if (creator.connection_state && creator.connection_state !== 'connected')
        throw reconnectCreator(creator.name, creator.connection_state);
      const expiresAt = current.expiresAt ? Date.parse(current.expiresAt) : Number.POSITIVE_INFINITY;
      if (!args.force && expiresAt - Date.now() > REFRESH_MARGIN_MS) return current;
      if (!current.refreshToken) {
        await this.#setState(args.workspaceId, args.creatorId, 'expired', 'The TikTok login expired; connect again');
        throw reconnectCreator(creator.name, 'expired');
      }
      const token = await this.#token(this.#app(), {
        grant_type: 'refresh_token',
        refresh_token: current.refreshToken,
      });
      if (!token.access_token) {
        // invalid_grant: the refresh token was revoked, expired or already used; only the user can fix that.
        const state: ConnectionState = token.error === 'invalid_grant' ? 'revoked' : 'expired';
        await this.#setState(
          args.workspaceId,
          args.creatorId,
          state,
          `TikTok refused the refresh (${token.error ?? 'error'}); connect again`,
        );
        throw reconnectCreator(creator.name, state);
      }
      const next = credentialsOf(token);
      const replaced = await this.#profiles.replaceCredentialsIfUnchanged({
        workspaceId: args.workspaceId,
        ownerType: 'creator',
        ownerId: args.creatorId,
        previousAccessToken: current.accessToken,
        credentials: next,
      });
      if (!replaced) {
        // Another process refreshed (or someone reconnected) meanwhile: theirs is the current pair.
        const latest = await this.#profiles.readCredentials({
          workspaceId: args.workspaceId,
          ownerType: 'creator',
          ownerId: args.creatorId,
        });
        if (!latest) throw reconnectCreator(creator.name, 'none');
        return latest;
      }
      return next;
    });
  }

  /** Refreshes now (the API operation): the Creator afterwards. */
  async refresh(access: WorkspaceAccess, creatorId: string): Promise<Creator> {
    requireAdmin(access);
    await this.#profiles.getCreator(access, creatorId);
    await this.usableCredentials({ workspaceId: access.workspaceId, creatorId, force: true });
    return this.#profiles.getCreator(access, creatorId);
  }

  /** Revokes the authorization at TikTok, then deletes the tokens here. */
  async disconnect(access: WorkspaceAccess, creatorId: string): Promise<Creator> {
    requireAdmin(access);
    await this.#profiles.getCreator(access, creatorId);
    const credentials = await this.#profiles.readCredentials({
      workspaceId: access.workspaceId,
      ownerType: 'creator',
      ownerId: creatorId,
    });
    if (credentials) {
      const app = this.#app();
      const response = await fetch(this.#endpoints(app).revoke, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_key: app.clientKey,
          client_secret: app.clientSecret,
          token: credentials.accessToken,
        }),
        signal: AbortSignal.timeout(15_000),
      }).catch((error: unknown) => error as Error);
      if (response instanceof Error || !response.ok)
        this.#ctx.logger.warn(
          { creatorId },
          'TikTok did not confirm the revocation; the tokens are deleted here anyway',
        );
    }
    await this.#profiles.removeCredentials(access, { ownerType: 'creator', ownerId: creatorId });
    await this.#setState(
      access.workspaceId,
      creatorId,
      'disconnected',
      'Disconnected; connect the account again to use it',
    );
    return this.#profiles.getCreator(access, creatorId);
  }

  async #setState(workspaceId: string, creatorId: string, state: ConnectionState | null, detail: string | null) {
    await this.#ctx.db
      .updateTable('creators')
      .set({ connection_state: state, connection_detail: detail, updated_at: new Date() })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', creatorId)
      .execute();
  }

  async #token(app: TikTokApp, params: Record<string, string>): Promise<TokenResponse> {
    const response = await fetch(this.#endpoints(app).token, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'cache-control': 'no-cache' },
      body: new URLSearchParams({ client_key: app.clientKey, client_secret: app.clientSecret, ...params }),
      signal: AbortSignal.timeout(15_000),
    });
    return (await response.json().catch(() => ({ error: `http_${response.status}` }))) as TokenResponse;
  }
}

function credentialsOf(token: TokenResponse): IntegrationCredentials {
  return {
    accessToken: token.access_token!,
    ...(token.refresh_token ? { refreshToken: token.refresh_token } : {}),
    scopes: (token.scope ?? '').split(',').filter(Boolean),
    expiresAt: token.expires_in ? new Date(Date.now() + token.expires_in * 1000).toISOString() : null,
  };
}

function requireAdmin(access: WorkspaceAccess): void {
  if (!hasRole(access.role, 'admin'))
    throw forbidden('insufficient_role', 'Connecting and disconnecting accounts needs the admin role');
}
