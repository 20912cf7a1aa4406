/**
 * All TikTok HTTP of the IONFLUX nodes, through the shared client:
 *
 * - Creative Center trend lists (ads.tiktok.com `creative_radar_api`, anonymous like the web page that reads them);
 * - API for Business Creator Marketplace (business-api.tiktok.com, `Access-Token` header);
 * - Research API (open.tiktokapis.com, a client access token from the client_credentials grant).
 *
 * Authenticated requests go through n8n's `httpRequestWithAuthentication` with the TikTok credential: its
 * `authenticate` picks the header per API and its `preAuthentication` fetches the client token (again after a 401).
 *
 * Rate limits: requests are paced client-side with a sliding window per token and API family (TikTok's published
 * quotas by default: Research 1000/day per client, API for Business 600/min per token, Creative Center
 * 120/min); a 429, a v2 `rate_limit_exceeded` or a Business API code 40100 (which the real API sends with HTTP 200)
 * waits Retry-After and retries. TikTok's error envelopes become NodeApiErrors with TikTok's own error code.
 *
 * Research API ids are 64-bit integers written as bare JSON numbers; they are read from the raw text (JSON.parse
 * reviver with the source text) so no digit is lost.
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INode, JsonObject } from 'n8n-workflow';
import type { HttpClient, HttpResponse, ResponseVerdict } from '../shared/http/client';
import { parseRetryAfter } from '../shared/http/client';
import { itemHttpClient } from '../shared/http/item-client';
import { n8nCredentialExchange } from '../shared/http/n8n-exchange';
import { SlidingWindowRateLimiter } from '../shared/rate-limit';
import type { RateLimit } from '../shared/rate-limit';

export const TIKTOK_CREDENTIAL = 'ionfluxTikTokOAuth2Api';
const RATE_LIMIT_RETRIES = 5;
/** Longest client-side pacing wait before failing (a used-up daily quota is reported, not waited for). */
const MAX_PACING_WAIT_MS = 60_000;

export type TikTokApiFamily = 'research' | 'business' | 'creativeCenter';

/** TikTok's published quotas (the sandbox enforces the same defaults). */
export const DEFAULT_TIKTOK_RATE_LIMITS: Record<TikTokApiFamily, RateLimit> = {
  research: { windowMs: 86_400_000, max: 1000 },
  business: { windowMs: 60_000, max: 600 },
  creativeCenter: { windowMs: 60_000, max: 120 },
};

const limiters: Record<TikTokApiFamily, SlidingWindowRateLimiter> = {
  research: new SlidingWindowRateLimiter(DEFAULT_TIKTOK_RATE_LIMITS.research),
  business: new SlidingWindowRateLimiter(DEFAULT_TIKTOK_RATE_LIMITS.business),
  creativeCenter: new SlidingWindowRateLimiter(DEFAULT_TIKTOK_RATE_LIMITS.creativeCenter),
};

/**
 * Changes the client-side pacing (for an account with other quotas, or tests with small windows). Returns the
 * previous limits.
 *
 * @example
 * configureTikTokRateLimits({ creativeCenter: { windowMs: 1000, max: 3 } });
 */
export function configureTikTokRateLimits(
  limits: Partial<Record<TikTokApiFamily, RateLimit>>,
): Record<TikTokApiFamily, RateLimit> {
  const previous = {
    research: limiters.research.limit,
    business: limiters.business.limit,
    creativeCenter: limiters.creativeCenter.limit,
  };
  for (const [family, limit] of Object.entries(limits) as [TikTokApiFamily, RateLimit][]) {
    limiters[family] = new SlidingWindowRateLimiter(limit);
  }
  return previous;
}

export interface TikTokConnection {
  clientKey: string;
  clientSecret: string;
  businessAccessToken: string;
  tcmAccountId: string;
  openApiBase: string;
  businessApiBase: string;
  creativeCenterBase: string;
}

export async function tiktokConnection(
  ctx: Pick<IExecuteFunctions, 'getCredentials'>,
  itemIndex: number,
): Promise<TikTokConnection> {
  const credentials = await ctx.getCredentials(TIKTOK_CREDENTIAL, itemIndex);
  const override = String(credentials.baseUrl ?? '')
    .trim()
    .replace(/\/+$/, '');
  return {
    clientKey: String(credentials.clientKey ?? ''),
    clientSecret: String(credentials.clientSecret ?? ''),
    businessAccessToken: String(credentials.businessAccessToken ?? ''),
    tcmAccountId: String(credentials.tcmAccountId ?? ''),
    openApiBase: override || 'https://open.tiktokapis.com',
    businessApiBase: override || 'https://business-api.tiktok.com',
    creativeCenterBase: override || 'https://ads.tiktok.com',
  };
}

/** JSON.parse that keeps integers beyond 2^53 exactly, as strings (Research API video and music ids). */
export function parseJsonKeepingBigIntegers(text: string): unknown {
  return JSON.parse(text, function revive(this: unknown, _key: string, value: unknown, context?: { source?: string }) {
    if (
      typeof value === 'number' &&
      !Number.isSafeInteger(value) &&
      context?.source !== undefined &&
      /^-?\d+$/.test(context.source)
    )
      return context.source;
    return value;
  } as (this: unknown, key: string, value: unknown) => unknown);
}

interface V2Envelope {
  data?: unknown;
  error?: { code?: string; message?: string; log_id?: string };
}

interface BusinessEnvelope {
  code?: number;
  message?: string;
  msg?: string;
  request_id?: string;
  data?: unknown;
}

function safeParse(response: HttpResponse): unknown {
  try {
    return parseJsonKeepingBigIntegers(response.text());
  } catch {
    return undefined;
  }
}

/** Rate limits and transient failures in any of TikTok's envelopes. */
function tiktokVerdict(response: HttpResponse): ResponseVerdict {
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
  const body = safeParse(response) as (V2Envelope & BusinessEnvelope) | undefined;
  const rateLimited = response.status === 429 || body?.error?.code === 'rate_limit_exceeded' || body?.code === 40100;
  if (rateLimited) return { kind: 'rateLimited', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  if (
    [500, 502, 503, 504].includes(response.status) ||
    body?.error?.code === 'internal_error' ||
    body?.code === 50000
  ) {
    return { kind: 'transient', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { kind: 'ok' };
}

/**
 * The TikTok APIs for one item.
 *
 * @example
 * const tiktok = await TikTokApi.forItem(this, itemIndex);
 * const data = await tiktok.creativeCenter('/creative_radar_api/v1/popular_trend/hashtag/list', { keyword: 'fashion' });
 */
export class TikTokApi {
  /** Authenticated by the credential through n8n (API for Business, Research API). */
  readonly http: HttpClient;
  /** Anonymous (Creative Center). */
  readonly anonymousHttp: HttpClient;
  readonly connection: TikTokConnection;
  private readonly node: INode;
  private readonly itemIndex: number;

  constructor({
    http,
    anonymousHttp = http,
    connection,
    node,
    itemIndex,
  }: {
    http: HttpClient;
    anonymousHttp?: HttpClient;
    connection: TikTokConnection;
    node: INode;
    itemIndex: number;
  }) {
    this.http = http;
    this.anonymousHttp = anonymousHttp;
    this.connection = connection;
    this.node = node;
    this.itemIndex = itemIndex;
  }

  static async forItem(ctx: IExecuteFunctions, itemIndex: number): Promise<TikTokApi> {
    const connection = await tiktokConnection(ctx, itemIndex);
    return new TikTokApi({
      http: itemHttpClient(ctx, itemIndex, {
        rateLimitRetries: RATE_LIMIT_RETRIES,
        exchange: n8nCredentialExchange(ctx, TIKTOK_CREDENTIAL),
      }),
      anonymousHttp: itemHttpClient(ctx, itemIndex, { rateLimitRetries: RATE_LIMIT_RETRIES }),
      connection,
      node: ctx.getNode(),
      itemIndex,
    });
  }

  private failure(message: string, response?: HttpResponse, extra: JsonObject = {}): NodeApiError {
    return new NodeApiError(
      this.node,
      {
        ...(response ? { status: response.status, body: response.text().slice(0, 2000) } : {}),
        ...extra,
      } as JsonObject,
      {
        itemIndex: this.itemIndex,
        message,
        ...(response ? { httpCode: String(response.status) } : {}),
      },
    );
  }

  private missing(what: string): NodeOperationError {
    return new NodeOperationError(this.node, `The TikTok credential has no ${what}.`, { itemIndex: this.itemIndex });
  }

  private async pace(family: TikTokApiFamily, key: string, host: string): Promise<void> {
    await limiters[family].acquire(`${host}|${key}`, async (ms) => {
      if (ms > MAX_PACING_WAIT_MS) {
        throw new NodeApiError(this.node, {} as JsonObject, {
          itemIndex: this.itemIndex,
          message: `TikTok ${family} quota of ${limiters[family].limit.max} requests per ${Math.round(limiters[family].limit.windowMs / 60_000)} min is used up; the next request fits in ${Math.ceil(ms / 60_000)} min.`,
        });
      }
      await this.http.wait(ms, host);
    });
  }

  /** Sends through pacing + the shared client; returns the parsed envelope. */
  private async call(
    family: TikTokApiFamily,
    paceKey: string,
    request: Parameters<HttpClient['send']>[0],
  ): Promise<{ response: HttpResponse; body: unknown }> {
    const host = new URL(request.url).host;
    await this.pace(family, paceKey, host);
    const http = family === 'creativeCenter' ? this.anonymousHttp : this.http;
    const response = await http.send(request, { classify: tiktokVerdict });
    return { response, body: safeParse(response) };
  }

  private businessData(response: HttpResponse, body: unknown, api: string): unknown {
    const envelope = body as BusinessEnvelope | undefined;
    if (!envelope || typeof envelope !== 'object' || typeof envelope.code !== 'number') {
      throw this.failure(`TikTok ${api} answered HTTP ${response.status} without its JSON envelope.`, response);
    }
    if (envelope.code !== 0) {
      const message = envelope.message ?? envelope.msg ?? 'unknown error';
      const rateLimit = envelope.code === 40100 ? ` (still rate limited after ${RATE_LIMIT_RETRIES} waits)` : '';
      throw this.failure(
        `TikTok ${api} error ${envelope.code}: ${message}${rateLimit}${envelope.request_id ? ` [request_id ${envelope.request_id}]` : ''}`,
        response,
        { code: envelope.code },
      );
    }
    return envelope.data;
  }

  /** Creative Center trend lists (`{ code, msg, data }`). */
  async creativeCenter(path: string, query: Record<string, string | number | undefined>): Promise<unknown> {
    const url = `${this.connection.creativeCenterBase}${path}`;
    const { response, body } = await this.call('creativeCenter', 'anonymous', {
      method: 'GET',
      url,
      query,
      headers: { Accept: 'application/json' },
    });
    return this.businessData(response, body, 'Creative Center');
  }

  /** API for Business (`{ code, message, request_id, data }`), authenticated with the Access-Token header. */
  async business(
    method: 'GET' | 'POST',
    path: string,
    { query, body }: { query?: Record<string, string | number | undefined>; body?: unknown } = {},
  ): Promise<unknown> {
    if (!this.connection.businessAccessToken)
      throw this.missing('Business Access Token (needed for Creator Marketplace)');
    const url = `${this.connection.businessApiBase}${path}`;
    const { response, body: parsed } = await this.call('business', this.connection.businessAccessToken, {
      method,
      url,
      ...(query ? { query } : {}),
      // The credential's `authenticate` adds the Access-Token header.
      headers: {
        Accept: 'application/json',
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return this.businessData(response, parsed, 'API for Business');
  }

  /** Research API (`{ data, error: { code, message, log_id } }`) with the client token; ids kept exact. */
  async research(path: string, fields: string[], body: unknown): Promise<unknown> {
    if (!this.connection.clientKey || !this.connection.clientSecret)
      throw this.missing('client key and secret (needed for the Research API client token)');
    const url = `${this.connection.openApiBase}${path}`;
    // The credential's pre-authentication fetches the client token (and fetches it again after a 401).
    const { response, body: parsed } = await this.call('research', this.connection.clientKey, {
      method: 'POST',
      url,
      query: { fields: fields.join(',') },
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
    const envelope = parsed as V2Envelope | undefined;
    if (!envelope || typeof envelope !== 'object' || !envelope.error)
      throw this.failure(`TikTok Research API answered HTTP ${response.status} without its JSON envelope.`, response);
    const code = envelope.error.code ?? 'unknown';
    if (code === 'ok') return envelope.data;
    const rateLimit = code === 'rate_limit_exceeded' ? ` (still rate limited after ${RATE_LIMIT_RETRIES} waits)` : '';
    throw this.failure(
      `TikTok Research API error ${code}: ${envelope.error.message ?? ''}${rateLimit}${envelope.error.log_id ? ` [log_id ${envelope.error.log_id}]` : ''}`,
      response,
      { code },
    );
  }
}
