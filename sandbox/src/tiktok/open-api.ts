/**
 * TikTok for Developers v2 APIs (host open.tiktokapis.com, authorize page on www.tiktok.com), under `/sandbox/tiktok`:
 *
 *   GET  /v2/auth/authorize/           Login Kit authorize (auto-approved) - https://developers.tiktok.com/doc/login-kit-web
 *   POST /v2/oauth/token/              authorization_code | refresh_token | client_credentials (form-encoded)
 *                                      https://developers.tiktok.com/doc/oauth-user-access-token-management,
 *                                      https://developers.tiktok.com/doc/client-access-token-management
 *   POST /v2/oauth/revoke/             https://developers.tiktok.com/doc/oauth-user-access-token-management
 *   GET  /v2/user/info/?fields=        Display API - https://developers.tiktok.com/doc/tiktok-api-v2-get-user-info
 *   POST /v2/video/list/?fields=       Display API - https://developers.tiktok.com/doc/tiktok-api-v2-video-list
 *   POST /v2/video/query/?fields=      Display API - https://developers.tiktok.com/doc/tiktok-api-v2-video-query
 *   POST /v2/research/video/query/     Research API - https://developers.tiktok.com/doc/research-api-specs-query-videos
 *   POST /v2/research/user/info/       Research API - https://developers.tiktok.com/doc/research-api-specs-query-user-info
 *
 * Envelope: `{ data, error: { code, message, log_id } }` with `code: "ok"` on success; error codes and HTTP statuses
 * from https://developers.tiktok.com/doc/tiktok-api-v2-error-handling. OAuth errors are `{ error, error_description,
 * log_id }` (https://developers.tiktok.com/doc/oauth-error-handling).
 */
import { isRegisteredRedirect } from '../shared/redirects';
import express from 'express';
import type { Request, Response, Router } from 'express';
import { createHash, randomBytes } from 'node:crypto';
import type { TikTokCreator, TikTokDataset, TikTokVideo } from './dataset';
import { SlidingWindowLimiter } from './rate-limit';
import { REGIONS } from './vocabulary';
import { DAY_MS } from '../shared/dates';

export const USER_SCOPES = ['user.info.basic', 'user.info.profile', 'user.info.stats', 'video.list'] as const;
export const RESEARCH_SCOPES = ['research.data.basic'] as const;
const ACCESS_TTL_S = 86_400;
const REFRESH_TTL_S = 31_536_000;
const CLIENT_TTL_S = 7_200;
const CODE_TTL_MS = 10 * 60_000;

/** A log id like TikTok's: a timestamp plus hex. */
export function logId(clock: () => number): string {
  const d = new Date(clock());
  const stamp = d
    .toISOString()
    .replace(/[-:TZ.]/g, '')
    .slice(0, 14);
  return `${stamp}${randomBytes(9).toString('hex').toUpperCase()}`;
}

export interface OpenTokenRecord {
  token: string;
  kind: 'user' | 'client';
  clientKey: string;
  scopes: string[];
  openId: string | null;
  expiresAt: number;
  /** The user's authorization this token belongs to (kept across refreshes; revoking ends all of its tokens). */
  grant?: string;
}

interface RefreshRecord {
  token: string;
  clientKey: string;
  scopes: string[];
  openId: string;
  expiresAt: number;
  grant: string;
}

/** Codes, access tokens and refresh tokens issued by the emulated OAuth server. */
export class TikTokTokenStore {
  private readonly codes = new Map<
    string,
    { clientKey: string; scopes: string[]; redirectUri: string; codeChallenge: string | null; expiresAt: number }
  >();
  private readonly access = new Map<string, OpenTokenRecord>();
  private readonly refresh = new Map<string, RefreshRecord>();

  constructor(private readonly clock: () => number) {}

  addStatic(record: Omit<OpenTokenRecord, 'expiresAt'>): void {
    this.access.set(record.token, { ...record, expiresAt: Number.POSITIVE_INFINITY });
  }

  issueCode(input: { clientKey: string; scopes: string[]; redirectUri: string; codeChallenge: string | null }): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, { ...input, expiresAt: this.clock() + CODE_TTL_MS });
    return code;
  }

  takeCode(code: string) {
    const pending = this.codes.get(code);
    this.codes.delete(code);
    if (!pending || pending.expiresAt < this.clock()) return null;
    return pending;
  }

  issueUser(clientKey: string, scopes: string[], openId: string, grant = randomBytes(8).toString('hex')) {
    const accessToken = `act.${randomBytes(24).toString('hex')}`;
    const refreshToken = `rft.${randomBytes(24).toString('hex')}`;
    this.access.set(accessToken, {
      token: accessToken,
      kind: 'user',
      clientKey,
      scopes,
      openId,
      expiresAt: this.clock() + ACCESS_TTL_S * 1000,
      grant,
    });
    this.refresh.set(refreshToken, {
      token: refreshToken,
      clientKey,
      scopes,
      openId,
      expiresAt: this.clock() + REFRESH_TTL_S * 1000,
      grant,
    });
    return {
      access_token: accessToken,
      expires_in: ACCESS_TTL_S,
      open_id: openId,
      refresh_expires_in: REFRESH_TTL_S,
      refresh_token: refreshToken,
      scope: scopes.join(','),
      token_type: 'Bearer',
    };
  }

  /** Rotates a refresh token (the previous one stops working, as TikTok documents). */
  useRefresh(refreshToken: string, clientKey: string) {
    const record = this.refresh.get(refreshToken);
    if (!record || record.clientKey !== clientKey || record.expiresAt < this.clock()) return null;
    this.refresh.delete(refreshToken);
    return this.issueUser(clientKey, record.scopes, record.openId, record.grant);
  }

  issueClient(clientKey: string) {
    const token = `clt.${randomBytes(24).toString('hex')}`;
    this.access.set(token, {
      token,
      kind: 'client',
      clientKey,
      scopes: [...RESEARCH_SCOPES],
      openId: null,
      expiresAt: this.clock() + CLIENT_TTL_S * 1000,
    });
    return { access_token: token, expires_in: CLIENT_TTL_S, token_type: 'Bearer' };
  }

  /**
   * Revokes the user's authorization that `token` (access or refresh) belongs to: every access and refresh token of
   * it stops working, as when a user removes the app (TikTok: "revoke ... the user's authorization").
   */
  revoke(token: string): void {
    const grant = this.access.get(token)?.grant ?? this.refresh.get(token)?.grant;
    this.access.delete(token);
    this.refresh.delete(token);
    if (!grant) return;
    for (const [key, record] of this.access) if (record.grant === grant) this.access.delete(key);
    for (const [key, record] of this.refresh) if (record.grant === grant) this.refresh.delete(key);
  }

  lookup(token: string | undefined): OpenTokenRecord | null {
    if (!token) return null;
    const record = this.access.get(token);
    if (!record || record.expiresAt < this.clock()) return null;
    return record;
  }
}

export interface OpenApiOptions {
  dataset: TikTokDataset;
  tokens: TikTokTokenStore;
  clientKey: string;
  clientSecret: string;
  /** Redirect URIs registered in the app's Login Kit configuration (see shared/redirects.ts). */
  redirectUris: readonly string[];
  clock: () => number;
  limiters: { display: SlidingWindowLimiter; research: SlidingWindowLimiter };
}

type ErrorCode =
  'access_token_invalid' | 'scope_not_authorized' | 'invalid_params' | 'rate_limit_exceeded' | 'internal_error';
const STATUS: Record<ErrorCode, number> = {
  access_token_invalid: 401,
  scope_not_authorized: 401,
  invalid_params: 400,
  rate_limit_exceeded: 429,
  internal_error: 500,
};

class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
  }
}

const USER_FIELDS = [
  'open_id',
  'union_id',
  'avatar_url',
  'avatar_url_100',
  'avatar_large_url',
  'display_name',
  'bio_description',
  'profile_deep_link',
  'is_verified',
  'username',
  'follower_count',
  'following_count',
  'likes_count',
  'video_count',
] as const;
const USER_FIELD_SCOPE: Record<string, string> = {
  open_id: 'user.info.basic',
  union_id: 'user.info.basic',
  avatar_url: 'user.info.basic',
  avatar_url_100: 'user.info.basic',
  avatar_large_url: 'user.info.basic',
  display_name: 'user.info.basic',
  bio_description: 'user.info.profile',
  profile_deep_link: 'user.info.profile',
  is_verified: 'user.info.profile',
  username: 'user.info.profile',
  follower_count: 'user.info.stats',
  following_count: 'user.info.stats',
  likes_count: 'user.info.stats',
  video_count: 'user.info.stats',
};
const VIDEO_FIELDS = [
  'id',
  'create_time',
  'cover_image_url',
  'share_url',
  'video_description',
  'duration',
  'height',
  'width',
  'title',
  'embed_html',
  'embed_link',
  'like_count',
  'comment_count',
  'share_count',
  'view_count',
] as const;
const RESEARCH_VIDEO_FIELDS = [
  'id',
  'video_description',
  'create_time',
  'region_code',
  'share_count',
  'view_count',
  'like_count',
  'comment_count',
  'music_id',
  'hashtag_names',
  'username',
  'effect_ids',
  'playlist_id',
  'voice_to_text',
  'is_stem_verified',
  'favorites_count',
  'video_duration',
  'hashtag_info_list',
  'video_mention_list',
  'video_label',
] as const;
const RESEARCH_USER_FIELDS = [
  'display_name',
  'bio_description',
  'avatar_url',
  'is_verified',
  'follower_count',
  'following_count',
  'likes_count',
  'video_count',
  'bio_url',
] as const;
const QUERY_FIELDS = [
  'create_date',
  'username',
  'region_code',
  'video_id',
  'hashtag_name',
  'keyword',
  'music_id',
  'effect_id',
  'video_length',
] as const;
const OPERATIONS = ['EQ', 'IN', 'GT', 'GTE', 'LT', 'LTE'] as const;

/** JSON with 64-bit integers written as bare numbers (Research API ids are int64 in the JSON). */
export function jsonWithInt64(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `__int64__${v.toString()}` : v)).replace(
    /"__int64__(-?\d+)"/g,
    '$1',
  );
}

function parseFields(req: Request, allowed: readonly string[]): string[] {
  const raw = typeof req.query.fields === 'string' ? req.query.fields : '';
  const fields = raw
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (fields.length === 0)
    throw new ApiError(
      'invalid_params',
      'The fields query parameter is required, e.g. ?fields=' + allowed.slice(0, 4).join(','),
    );
  const unknown = fields.filter((f) => !allowed.includes(f));
  if (unknown.length > 0)
    throw new ApiError(
      'invalid_params',
      `Invalid fields: ${unknown.join(', ')}. Supported fields: ${allowed.join(', ')}`,
    );
  return fields;
}

function pick(record: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(fields.map((f) => [f, record[f]]));
}

function avatar(creator: TikTokCreator, size: number): string {
  return `https://p16-sign.tiktokcdn-us.com/sandbox/avatar/${creator.handle}~c5_${size}x${size}.jpeg`;
}

function displayVideo(video: TikTokVideo): Record<string, unknown> {
  const shareUrl = `https://www.tiktok.com/@${video.creator.handle}/video/${video.id}`;
  return {
    id: video.id,
    create_time: video.createTime,
    cover_image_url: `https://p16-sign.tiktokcdn-us.com/sandbox/cover/${video.id}.jpeg`,
    share_url: shareUrl,
    video_description: video.description,
    duration: video.duration,
    height: 1024,
    width: 576,
    title: video.description.split(' #')[0],
    embed_html: `<blockquote class="tiktok-embed" cite="${shareUrl}" data-video-id="${video.id}"></blockquote>`,
    embed_link: `https://www.tiktok.com/player/v1/${video.id}`,
    like_count: video.likes,
    comment_count: video.comments,
    share_count: video.shares,
    view_count: video.views,
  };
}

function researchVideo(video: TikTokVideo): Record<string, unknown> {
  return {
    id: BigInt(video.id),
    video_description: video.description,
    create_time: video.createTime,
    region_code: video.regionCode,
    share_count: video.shares,
    view_count: video.views,
    like_count: video.likes,
    comment_count: video.comments,
    favorites_count: video.favorites,
    music_id: BigInt(video.musicId),
    hashtag_names: video.hashtags,
    username: video.creator.handle,
    effect_ids: [],
    playlist_id: 0,
    voice_to_text: '',
    is_stem_verified: false,
    video_duration: video.duration,
    hashtag_info_list: video.hashtags.map((name) => ({ hashtag_name: name, hashtag_description: '' })),
    video_mention_list: [],
    video_label: { content: '' },
  };
}

function yyyymmdd(value: unknown, name: string): number {
  if (typeof value !== 'string' || !/^\d{8}$/.test(value))
    throw new ApiError('invalid_params', `${name} must be a date in YYYYMMDD format`);
  const t = Date.parse(`${value.slice(0, 4)}-${value.slice(4, 6)}-${value.slice(6, 8)}T00:00:00Z`);
  if (Number.isNaN(t)) throw new ApiError('invalid_params', `${name} is not a valid date`);
  return t;
}

interface Condition {
  operation: string;
  field_name: string;
  field_values: string[];
}

function parseConditions(value: unknown, clause: string): Condition[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new ApiError('invalid_params', `query.${clause} must be an array of conditions`);
  return value.map((raw, i) => {
    const c = (raw ?? {}) as Record<string, unknown>;
    if (!OPERATIONS.includes(c.operation as (typeof OPERATIONS)[number]))
      throw new ApiError('invalid_params', `query.${clause}[${i}].operation must be one of ${OPERATIONS.join(', ')}`);
    if (!QUERY_FIELDS.includes(c.field_name as (typeof QUERY_FIELDS)[number]))
      throw new ApiError(
        'invalid_params',
        `query.${clause}[${i}].field_name must be one of ${QUERY_FIELDS.join(', ')}`,
      );
    if (
      !Array.isArray(c.field_values) ||
      c.field_values.length === 0 ||
      !c.field_values.every((v) => typeof v === 'string')
    ) {
      throw new ApiError('invalid_params', `query.${clause}[${i}].field_values must be a non-empty array of strings`);
    }
    if (c.field_name === 'region_code') {
      const bad = (c.field_values as string[]).filter((v) => !/^[A-Z]{2}$/.test(v));
      if (bad.length > 0)
        throw new ApiError('invalid_params', `query.${clause}[${i}]: invalid region_code ${bad.join(', ')}`);
    }
    return c as unknown as Condition;
  });
}

function videoLengthBucket(seconds: number): string {
  return seconds < 15 ? 'SHORT' : seconds <= 60 ? 'MID' : seconds <= 300 ? 'LONG' : 'EXTRA_LONG';
}

function conditionMatches(video: TikTokVideo, c: Condition): boolean {
  const values = c.field_values;
  const cmp = (actual: string | number, expected: string): boolean => {
    const a = typeof actual === 'number' ? actual : actual;
    const e = typeof actual === 'number' ? Number(expected) : expected;
    switch (c.operation) {
      case 'EQ':
      case 'IN':
        return typeof a === 'number' ? a === e : String(a).toLowerCase() === String(e).toLowerCase();
      case 'GT':
        return a > e;
      case 'GTE':
        return a >= e;
      case 'LT':
        return a < e;
      case 'LTE':
        return a <= e;
      default:
        return false;
    }
  };
  const any = (actual: string | number) => values.some((v) => cmp(actual, v));
  switch (c.field_name) {
    case 'create_date':
      return any(Number(new Date(video.createTime * 1000).toISOString().slice(0, 10).replace(/-/g, '')));
    case 'username':
      return any(video.creator.handle);
    case 'region_code':
      return any(video.regionCode);
    case 'video_id':
      return values.includes(video.id);
    case 'hashtag_name':
      return video.hashtags.some((h) => values.some((v) => v.replace(/^#/, '').toLowerCase() === h));
    case 'keyword':
      return values.some((v) => video.description.toLowerCase().includes(v.toLowerCase()));
    case 'music_id':
      return values.includes(video.musicId);
    case 'effect_id':
      return false;
    case 'video_length':
      return values.includes(videoLengthBucket(video.duration));
    default:
      return false;
  }
}

export function createOpenApiRouter(options: OpenApiOptions): Router {
  const router = express.Router();
  const { dataset, tokens, clock } = options;

  const ok = (res: Response, data: unknown, int64 = false) => {
    const body = { data, error: { code: 'ok', message: '', log_id: logId(clock) } };
    res.type('application/json').send(int64 ? jsonWithInt64(body) : JSON.stringify(body));
  };
  const fail = (res: Response, error: ApiError, retryAfter?: number) => {
    if (retryAfter !== undefined) res.set('Retry-After', String(retryAfter));
    res
      .status(STATUS[error.code])
      .json({ data: {}, error: { code: error.code, message: error.message, log_id: logId(clock) } });
  };
  const oauthFail = (res: Response, status: number, error: string, description: string) =>
    res.status(status).json({ error, error_description: description, log_id: logId(clock) });

  /** Bearer auth + per-token sliding window, then the handler; errors become the v2 envelope. */
  const api =
    (
      family: 'display' | 'research',
      handler: (req: Request, res: Response, token: ReturnType<TikTokTokenStore['lookup']> & object) => void,
    ) =>
    (req: Request, res: Response) => {
      try {
        const header = req.get('Authorization') ?? '';
        const match = /^Bearer\s+(\S+)$/i.exec(header);
        const token = tokens.lookup(match?.[1]);
        if (!token)
          throw new ApiError('access_token_invalid', 'The access token is invalid or not found in the request.');
        if (family === 'research' && token.kind !== 'client')
          throw new ApiError(
            'scope_not_authorized',
            'The Research API needs a client access token (grant_type=client_credentials) with research.data.basic.',
          );
        if (family === 'display' && token.kind !== 'user')
          throw new ApiError(
            'scope_not_authorized',
            'This endpoint needs a user access token from the authorization code flow.',
          );
        const limit = options.limiters[family].hit(token.token);
        if (!limit.allowed)
          return fail(
            res,
            new ApiError('rate_limit_exceeded', 'API rate limit exceeded, please retry later.'),
            limit.retryAfter,
          );
        handler(req, res, token);
      } catch (error) {
        if (error instanceof ApiError) return fail(res, error);
        throw error;
      }
    };

  const requireScope = (token: OpenTokenRecord, scope: string) => {
    if (!token.scopes.includes(scope))
      throw new ApiError(
        'scope_not_authorized',
        `The user did not authorize the scope required for completing this request (${scope}).`,
      );
  };

  const creatorOf = (token: OpenTokenRecord): TikTokCreator =>
    dataset.creators.find((c) => c.openId === token.openId) ?? dataset.brandAccount;

  // ---------------------------------------------------------------------------------------------------------------
  // OAuth

  router.get('/v2/auth/authorize/', (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const clientKey = typeof q.client_key === 'string' ? q.client_key : '';
    const redirectUri = typeof q.redirect_uri === 'string' ? q.redirect_uri : '';
    if (clientKey !== options.clientKey)
      return oauthFail(
        res,
        400,
        'invalid_client',
        `Unknown client_key '${clientKey}'. The sandbox app's client_key is '${options.clientKey}'.`,
      );
    let redirect: URL;
    try {
      redirect = new URL(redirectUri);
      if (redirect.protocol !== 'http:' && redirect.protocol !== 'https:') throw new Error('scheme');
    } catch {
      return oauthFail(res, 400, 'invalid_request', 'redirect_uri is missing or is not an absolute http(s) URL.');
    }
    // Never redirect (not even an error) to a URI the app did not register.
    if (!isRegisteredRedirect(redirectUri, options.redirectUris))
      return oauthFail(
        res,
        400,
        'invalid_request',
        'redirect_uri is not registered for this app (Login Kit > Redirect URI); register it or use a registered one.',
      );
    if (q.response_type !== 'code')
      return oauthFail(res, 400, 'unsupported_response_type', "response_type must be 'code'.");
    // The consent screen is approved at once; `sandbox_consent=deny` plays the user pressing Cancel, which TikTok
    // reports to the redirect URI as error=access_denied.
    if (q.sandbox_consent === 'deny') {
      redirect.searchParams.set('error', 'access_denied');
      redirect.searchParams.set('error_description', 'The user denied the authorization request.');
      if (typeof q.state === 'string') redirect.searchParams.set('state', q.state);
      return res.redirect(302, redirect.toString());
    }
    const scopes = (typeof q.scope === 'string' ? q.scope : '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = scopes.filter((s) => !(USER_SCOPES as readonly string[]).includes(s));
    if (scopes.length === 0 || unknown.length > 0) {
      // TikTok reports scope problems back to the redirect URI.
      redirect.searchParams.set('error', 'invalid_scope');
      redirect.searchParams.set(
        'error_description',
        scopes.length === 0 ? 'scope is required' : `Unsupported scopes: ${unknown.join(', ')}`,
      );
      if (typeof q.state === 'string') redirect.searchParams.set('state', q.state);
      return res.redirect(302, redirect.toString());
    }
    const codeChallenge = typeof q.code_challenge === 'string' ? q.code_challenge : null;
    const code = tokens.issueCode({ clientKey, scopes, redirectUri, codeChallenge });
    redirect.searchParams.set('code', code);
    redirect.searchParams.set('scopes', scopes.join(','));
    if (typeof q.state === 'string') redirect.searchParams.set('state', q.state);
    return res.redirect(302, redirect.toString());
  });

  router.post('/v2/oauth/token/', (req: Request, res: Response) => {
    if (!req.is('application/x-www-form-urlencoded'))
      return oauthFail(res, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded.');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const get = (k: string) => (typeof body[k] === 'string' ? (body[k] as string) : '');
    const clientKey = get('client_key');
    const grantType = get('grant_type');
    if (!clientKey || !get('client_secret') || !grantType)
      return oauthFail(res, 400, 'invalid_request', 'client_key, client_secret and grant_type are required.');
    if (clientKey !== options.clientKey || get('client_secret') !== options.clientSecret)
      return oauthFail(
        res,
        401,
        'invalid_client',
        'Client authentication failed: unknown client_key or wrong client_secret.',
      );
    if (grantType === 'client_credentials') return res.json(tokens.issueClient(clientKey));
    if (grantType === 'refresh_token') {
      const issued = tokens.useRefresh(get('refresh_token'), clientKey);
      if (!issued)
        return oauthFail(res, 400, 'invalid_grant', 'The refresh token is invalid, expired or was already used.');
      return res.json(issued);
    }
    if (grantType !== 'authorization_code')
      return oauthFail(res, 400, 'unsupported_grant_type', `grant_type '${grantType}' is not supported.`);
    const code = get('code');
    if (!code) return oauthFail(res, 400, 'invalid_request', 'code is required.');
    const pending = tokens.takeCode(code);
    if (!pending || pending.clientKey !== clientKey)
      return oauthFail(
        res,
        400,
        'invalid_grant',
        'Authorization code is expired, was already used, or was issued to another client.',
      );
    if (get('redirect_uri') !== pending.redirectUri)
      return oauthFail(res, 400, 'invalid_grant', 'redirect_uri does not match the one used to request the code.');
    if (pending.codeChallenge) {
      const verifier = get('code_verifier');
      const digest = createHash('sha256').update(verifier).digest();
      // TikTok's desktop PKCE uses the hex digest; RFC 7636 uses base64url. Either matches.
      if (
        !verifier ||
        (pending.codeChallenge !== digest.toString('hex') && pending.codeChallenge !== digest.toString('base64url'))
      ) {
        return oauthFail(res, 400, 'invalid_grant', 'code_verifier does not match the code_challenge.');
      }
    }
    return res.json(tokens.issueUser(clientKey, pending.scopes, dataset.brandAccount.openId));
  });

  router.post('/v2/oauth/revoke/', (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body.client_key !== options.clientKey || body.client_secret !== options.clientSecret)
      return oauthFail(res, 401, 'invalid_client', 'Client authentication failed.');
    if (typeof body.token !== 'string' || !body.token)
      return oauthFail(res, 400, 'invalid_request', 'token is required.');
    tokens.revoke(body.token);
    return res.json({});
  });

  // ---------------------------------------------------------------------------------------------------------------
  // Display API

  router.get(
    '/v2/user/info/',
    api('display', (req, res, token) => {
      const fields = parseFields(req, USER_FIELDS);
      for (const f of fields) requireScope(token, USER_FIELD_SCOPE[f]!);
      const c = creatorOf(token);
      const record: Record<string, unknown> = {
        open_id: c.openId,
        union_id: `union-${c.openId.slice(4)}`,
        avatar_url: avatar(c, 168),
        avatar_url_100: avatar(c, 100),
        avatar_large_url: avatar(c, 1080),
        display_name: c.displayName,
        bio_description: c.bio,
        profile_deep_link: `https://vm.tiktok.com/sandbox-${c.handle}/`,
        is_verified: c.verified,
        username: c.handle,
        follower_count: c.followers,
        following_count: c.following,
        likes_count: c.totalLikes,
        video_count: dataset.videosOf(c).length,
      };
      ok(res, { user: pick(record, fields) });
    }),
  );

  router.post(
    '/v2/video/list/',
    api('display', (req, res, token) => {
      requireScope(token, 'video.list');
      const fields = parseFields(req, VIDEO_FIELDS);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const maxCount = body.max_count === undefined ? 10 : body.max_count;
      if (typeof maxCount !== 'number' || !Number.isInteger(maxCount) || maxCount < 1 || maxCount > 20)
        throw new ApiError('invalid_params', 'max_count must be an integer between 1 and 20');
      const cursor = body.cursor === undefined ? null : body.cursor;
      if (cursor !== null && (typeof cursor !== 'number' || !Number.isInteger(cursor) || cursor < 0))
        throw new ApiError('invalid_params', 'cursor must be a UTC Unix timestamp in milliseconds');
      const all = dataset.videosOf(creatorOf(token));
      const after = cursor === null ? all : all.filter((v) => v.createTime * 1000 < cursor);
      const page = after.slice(0, maxCount);
      const last = page[page.length - 1];
      ok(res, {
        videos: page.map((v) => pick(displayVideo(v), fields)),
        cursor: last ? last.createTime * 1000 : (cursor ?? 0),
        has_more: after.length > page.length,
      });
    }),
  );

  router.post(
    '/v2/video/query/',
    api('display', (req, res, token) => {
      requireScope(token, 'video.list');
      const fields = parseFields(req, VIDEO_FIELDS);
      const filters = ((req.body ?? {}) as Record<string, unknown>).filters as Record<string, unknown> | undefined;
      const ids = filters?.video_ids;
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 20 || !ids.every((id) => typeof id === 'string')) {
        throw new ApiError('invalid_params', 'filters.video_ids must be an array of 1 to 20 video id strings');
      }
      // Like TikTok, only the authorized user's own videos are returned; unknown ids are skipped.
      const own = new Map(dataset.videosOf(creatorOf(token)).map((v) => [v.id, v]));
      ok(res, {
        videos: (ids as string[]).flatMap((id) => (own.has(id) ? [pick(displayVideo(own.get(id)!), fields)] : [])),
      });
    }),
  );

  // ---------------------------------------------------------------------------------------------------------------
  // Research API

  router.post(
    '/v2/research/video/query/',
    api('research', (req, res) => {
      const fields = parseFields(req, RESEARCH_VIDEO_FIELDS);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const query = body.query as Record<string, unknown> | undefined;
      if (!query || typeof query !== 'object')
        throw new ApiError(
          'invalid_params',
          'query is required: { and?: Condition[], or?: Condition[], not?: Condition[] }',
        );
      const and = parseConditions(query.and, 'and');
      const or = parseConditions(query.or, 'or');
      const not = parseConditions(query.not, 'not');
      if (and.length + or.length + not.length === 0)
        throw new ApiError('invalid_params', 'query needs at least one condition');
      const start = yyyymmdd(body.start_date, 'start_date');
      const end = yyyymmdd(body.end_date, 'end_date');
      if (end < start) throw new ApiError('invalid_params', 'end_date must not be before start_date');
      if ((end - start) / DAY_MS > 30)
        throw new ApiError('invalid_params', 'start_date and end_date must be at most 30 days apart');
      const maxCount = body.max_count === undefined ? 20 : body.max_count;
      if (typeof maxCount !== 'number' || !Number.isInteger(maxCount) || maxCount < 1 || maxCount > 100)
        throw new ApiError('invalid_params', 'max_count must be an integer between 1 and 100');
      const cursor = body.cursor === undefined ? 0 : body.cursor;
      if (typeof cursor !== 'number' || !Number.isInteger(cursor) || cursor < 0)
        throw new ApiError('invalid_params', 'cursor must be a non-negative integer');
      const canonical = JSON.stringify({ and, or, not, start: body.start_date, end: body.end_date });
      const searchId = createHash('sha256').update(canonical).digest('hex').slice(0, 20);
      if (body.search_id !== undefined && body.search_id !== searchId)
        throw new ApiError(
          'invalid_params',
          'search_id does not belong to this query; send the same query with the search_id it returned',
        );
      const matched = dataset.allVideos().filter((v) => {
        const t = v.createTime * 1000;
        if (t < start || t >= end + DAY_MS) return false;
        return (
          and.every((c) => conditionMatches(v, c)) &&
          (or.length === 0 || or.some((c) => conditionMatches(v, c))) &&
          !not.some((c) => conditionMatches(v, c))
        );
      });
      const page = matched.slice(cursor, cursor + maxCount);
      ok(
        res,
        {
          videos: page.map((v) => pick(researchVideo(v), fields)),
          cursor: cursor + page.length,
          has_more: cursor + page.length < matched.length,
          search_id: searchId,
        },
        true,
      );
    }),
  );

  router.post(
    '/v2/research/user/info/',
    api('research', (req, res) => {
      const fields = parseFields(req, RESEARCH_USER_FIELDS);
      const username = ((req.body ?? {}) as Record<string, unknown>).username;
      if (typeof username !== 'string' || username.trim() === '')
        throw new ApiError('invalid_params', 'username is required');
      const c = dataset.creatorByHandle(username);
      if (!c) throw new ApiError('invalid_params', `User '${username}' does not exist or is not public`);
      const record: Record<string, unknown> = {
        display_name: c.displayName,
        bio_description: c.bio,
        avatar_url: avatar(c, 168),
        is_verified: c.verified,
        follower_count: c.followers,
        following_count: c.following,
        likes_count: c.totalLikes,
        video_count: dataset.videosOf(c).length,
        bio_url: '',
      };
      ok(res, pick(record, fields));
    }),
  );

  return router;
}

export { REGIONS };
