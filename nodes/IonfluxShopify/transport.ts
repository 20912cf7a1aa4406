/**
 * All Shopify HTTP of the IONFLUX nodes: the Admin GraphQL API (pinned to API version 2025-10 unless the credential
 * says otherwise) through the shared client, with Shopify's rate limits handled:
 *
 * - calculated query cost: each response reports `extensions.cost.throttleStatus` (bucket size, what is left and
 *   the restore rate per second). The client remembers it per token and, before a query whose cost it knows, waits
 *   until the bucket holds enough instead of being throttled;
 * - a `THROTTLED` error (HTTP 200) waits the time the bucket needs to restore the requested cost, then retries;
 * - HTTP 429 waits `Retry-After`; 5xx and network errors use the node's exponential retries.
 *
 * https://shopify.dev/docs/api/usage/limits#graphql-admin-api-rate-limits
 */
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
  ICredentialDataDecryptedObject,
  IExecuteFunctions,
  IHookFunctions,
  INode,
  JsonObject,
} from 'n8n-workflow';
import { HttpClient } from '../shared/http/client';
import type { Exchange, HttpResponse, ResponseVerdict } from '../shared/http/client';
import { itemHttpClient } from '../shared/http/item-client';
import { n8nCredentialExchange } from '../shared/http/n8n-exchange';

export const SHOPIFY_API_VERSION = '2025-10';
export const ACCESS_TOKEN_CREDENTIAL = 'ionfluxShopifyAccessTokenApi';
export const INSTALLED_APP_CREDENTIAL = 'ionfluxShopifyOAuth2Api';
/** Shopify rejects queries whose requested cost is above this. */
export const SINGLE_QUERY_MAX_COST = 1000;
/** Waits for rate limits (THROTTLED, 429) before a query fails. */
const RATE_LIMIT_RETRIES = 8;

export interface ShopifyConnection {
  shopDomain: string;
  endpoint: string;
  /** The credential type that authenticates requests (its `authenticate`, or n8n's OAuth2 signing). */
  credentialType: string;
  /** Identifies the rate-limit bucket (Shopify's bucket is per app and store); requests carry it via n8n. */
  accessToken: string;
  apiVersion: string;
  /** Secret that signs webhooks (empty when the credential has none). */
  appSecret: string;
}

/** `my-store` or `my-store.myshopify.com` (any case, with or without https://) as `my-store.myshopify.com`. */
export function normalizeShopDomain(value: string): string | null {
  const host = value
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/.*$/, '');
  if (/^[a-z0-9][a-z0-9-]*$/.test(host)) return `${host}.myshopify.com`;
  if (/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/.test(host)) return host;
  return null;
}

type CredentialSource =
  | Pick<IExecuteFunctions, 'getCredentials' | 'getNodeParameter' | 'getNode'>
  | Pick<IHookFunctions, 'getCredentials' | 'getNodeParameter' | 'getNode'>;

/** The connection of the node's credential (`authentication`: accessToken, the default, or oAuth2). */
export async function shopifyConnection(ctx: CredentialSource, itemIndex = 0): Promise<ShopifyConnection> {
  const authentication = (ctx.getNodeParameter('authentication', 0, 'accessToken') as string) || 'accessToken';
  let credentials: ICredentialDataDecryptedObject;
  let accessToken: string;
  let appSecret: string;
  if (authentication === 'oAuth2') {
    credentials = await ctx.getCredentials(INSTALLED_APP_CREDENTIAL, itemIndex);
    const tokenData = credentials.oauthTokenData as { access_token?: unknown } | undefined;
    accessToken = typeof tokenData?.access_token === 'string' ? tokenData.access_token : '';
    if (!accessToken)
      throw new NodeOperationError(
        ctx.getNode(),
        'The Shopify OAuth2 credential is not connected yet: connect it to the store first.',
        { itemIndex },
      );
    appSecret = String(credentials.appSecret || credentials.clientSecret || '');
  } else if (authentication === 'accessToken') {
    credentials = await ctx.getCredentials(ACCESS_TOKEN_CREDENTIAL, itemIndex);
    accessToken = String(credentials.accessToken ?? '');
    if (!accessToken)
      throw new NodeOperationError(ctx.getNode(), 'The Shopify credential has no access token.', { itemIndex });
    appSecret = String(credentials.appSecret ?? '');
  } else {
    throw new NodeOperationError(
      ctx.getNode(),
      `Parameter "authentication" must be "accessToken" or "oAuth2", but got "${authentication}".`,
      { itemIndex },
    );
  }
  const rawDomain = String(credentials.shopDomain ?? '');
  const baseUrl = String(credentials.baseUrl ?? '')
    .trim()
    .replace(/\/+$/, '');
  const shopDomain = normalizeShopDomain(rawDomain);
  if (!shopDomain && !baseUrl) {
    throw new NodeOperationError(
      ctx.getNode(),
      `The Shopify credential's shop domain "${rawDomain}" is not a store domain such as my-store.myshopify.com.`,
      { itemIndex },
    );
  }
  const apiVersion = String(credentials.apiVersion || SHOPIFY_API_VERSION);
  if (!/^\d{4}-(01|04|07|10)$/.test(apiVersion) && apiVersion !== 'unstable') {
    throw new NodeOperationError(
      ctx.getNode(),
      `The Shopify credential's API version "${apiVersion}" is not a Shopify version such as ${SHOPIFY_API_VERSION}.`,
      { itemIndex },
    );
  }
  const root = baseUrl || `https://${shopDomain}`;
  return {
    shopDomain: shopDomain ?? rawDomain,
    endpoint: `${root}/admin/api/${apiVersion}/graphql.json`,
    credentialType: authentication === 'oAuth2' ? INSTALLED_APP_CREDENTIAL : ACCESS_TOKEN_CREDENTIAL,
    accessToken,
    apiVersion,
    appSecret,
  };
}

/**
 * Sends through n8n with the connection's credential: the access-token credential's `authenticate` sets
 * `X-Shopify-Access-Token`; an OAuth2 credential is signed by n8n with the token in the same header (as n8n's own
 * Shopify node asks, `keyToIncludeInAccessTokenHeader`).
 */
export function shopifyExchange(
  ctx: Pick<IExecuteFunctions | IHookFunctions, 'helpers'>,
  connection: Pick<ShopifyConnection, 'credentialType'>,
): Exchange {
  return n8nCredentialExchange(ctx, connection.credentialType, {
    oauth2: { tokenType: 'Bearer', keyToIncludeInAccessTokenHeader: 'X-Shopify-Access-Token' },
  });
}

export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

interface CostExtension {
  requestedQueryCost?: number;
  actualQueryCost?: number | null;
  throttleStatus?: ThrottleStatus;
}

export interface SearchReport {
  path: (string | number)[];
  query: string;
  warnings: { field: string; message: string }[];
}

export interface GraphqlResult<T> {
  data: T;
  cost: CostExtension | undefined;
  /** Warnings Shopify reports about search queries (`extensions.search`). */
  search: SearchReport[];
}

interface GraphqlError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
  path?: (string | number)[];
}

/**
 * What we last heard about a token's bucket (shared by every run in this process, as the bucket is per app and
 * store on Shopify's side).
 */
const buckets = new Map<string, { status: ThrottleStatus; at: number }>();
const knownCosts = new Map<string, number>();

function bucketKey(connection: ShopifyConnection): string {
  return `${connection.endpoint}\u0000${connection.accessToken}`;
}

/** Milliseconds until the bucket holds `cost` points (0 when it already does or nothing is known). */
export function waitForCost({
  status,
  at,
  cost,
  now = Date.now(),
}: {
  status: ThrottleStatus | undefined;
  at: number;
  cost: number;
  now?: number;
}): number {
  if (!status || status.restoreRate <= 0) return 0;
  const available = Math.min(
    status.maximumAvailable,
    status.currentlyAvailable + ((now - at) / 1000) * status.restoreRate,
  );
  if (available >= cost) return 0;
  return Math.ceil(((cost - available) / status.restoreRate) * 1000) + 50;
}

function parseBody(
  response: HttpResponse,
): { errors?: unknown; data?: unknown; extensions?: { cost?: CostExtension; search?: SearchReport[] } } | undefined {
  try {
    return JSON.parse(response.text()) as never;
  } catch {
    return undefined;
  }
}

function throttledWait(body: ReturnType<typeof parseBody>): number | undefined {
  const errors = Array.isArray(body?.errors) ? (body!.errors as GraphqlError[]) : [];
  if (!errors.some((e) => e.extensions?.code === 'THROTTLED')) return undefined;
  const cost = body?.extensions?.cost;
  const status = cost?.throttleStatus;
  if (!status || !cost?.requestedQueryCost) return 1000;
  return (
    waitForCost({ status, at: Date.now(), cost: Math.min(cost.requestedQueryCost, status.maximumAvailable) }) || 1000
  );
}

/**
 * A GraphQL client of one store for one item: its deadline and retries come from the node's options.
 *
 * @example
 * const shopify = new ShopifyGraphql({ http, connection, node: this.getNode(), itemIndex });
 * const { data } = await shopify.query<{ shop: { name: string } }>('{ shop { name } }');
 */
export class ShopifyGraphql {
  readonly http: HttpClient;
  readonly connection: ShopifyConnection;
  private readonly node: INode;
  private readonly itemIndex: number;
  /** Observer of rate-limit waits (tests and logs). */
  onThrottle?: (event: { reason: 'THROTTLED' | 'HTTP 429' | 'bucket low'; waitMs: number }) => void;

  constructor({
    http,
    connection,
    node,
    itemIndex,
  }: {
    http: HttpClient;
    connection: ShopifyConnection;
    node: INode;
    itemIndex: number;
  }) {
    this.http = http;
    this.connection = connection;
    this.node = node;
    this.itemIndex = itemIndex;
  }

  /** The client of an item of an n8n node: credential, options and cancellation. */
  static async forItem(ctx: IExecuteFunctions, itemIndex: number): Promise<ShopifyGraphql> {
    const connection = await shopifyConnection(ctx, itemIndex);
    const http = itemHttpClient(ctx, itemIndex, {
      rateLimitRetries: RATE_LIMIT_RETRIES,
      exchange: shopifyExchange(ctx, connection),
    });
    return new ShopifyGraphql({ http, connection, node: ctx.getNode(), itemIndex });
  }

  private apiError(message: string, response: HttpResponse | undefined, extra: JsonObject = {}): NodeApiError {
    return new NodeApiError(
      this.node,
      {
        ...(response ? { status: response.status, body: response.text().slice(0, 2000) } : {}),
        ...extra,
      } as JsonObject,
      { itemIndex: this.itemIndex, message, ...(response ? { httpCode: String(response.status) } : {}) },
    );
  }

  /** Runs a query (or mutation); throws NodeApiError with Shopify's messages on any error. */
  async query<T>(query: string, variables: Record<string, unknown> = {}): Promise<GraphqlResult<T>> {
    const key = bucketKey(this.connection);
    const known = buckets.get(key);
    const expected = knownCosts.get(query);
    if (expected !== undefined) {
      const waitMs = waitForCost({ status: known?.status, at: known?.at ?? 0, cost: expected });
      if (waitMs > 0) {
        this.onThrottle?.({ reason: 'bucket low', waitMs });
        await this.http.wait(waitMs, new URL(this.connection.endpoint).host);
      }
    }
    let lastBody: ReturnType<typeof parseBody>;
    const classify = (response: HttpResponse): ResponseVerdict => {
      if (response.status === 429) {
        const retryAfter = response.headers['retry-after'];
        const retryAfterMs =
          retryAfter !== undefined && /^\d+(\.\d+)?$/.test(retryAfter.trim()) ? Number(retryAfter) * 1000 : 2000;
        this.onThrottle?.({ reason: 'HTTP 429', waitMs: retryAfterMs });
        return { kind: 'rateLimited', retryAfterMs };
      }
      if ([500, 502, 503, 504].includes(response.status)) return { kind: 'transient' };
      if (response.status !== 200) return { kind: 'ok' };
      lastBody = parseBody(response);
      const waitMs = throttledWait(lastBody);
      if (waitMs === undefined) return { kind: 'ok' };
      this.remember(lastBody?.extensions?.cost);
      this.onThrottle?.({ reason: 'THROTTLED', waitMs });
      return { kind: 'rateLimited', retryAfterMs: waitMs };
    };
    const response = await this.http.send(
      {
        method: 'POST',
        url: this.connection.endpoint,
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ query, variables }),
      },
      { classify },
    );
    if (response.status === 401 || response.status === 403) {
      throw this.apiError(
        `Shopify rejected the credential (HTTP ${response.status}): ${describeErrors(parseBody(response)?.errors) || 'invalid API key or access token'}. Check the access token and its scopes.`,
        response,
      );
    }
    if (response.status === 404)
      throw this.apiError(
        `Shopify answered 404 for ${this.connection.endpoint}: check the shop domain and API version.`,
        response,
      );
    if (response.status === 429)
      throw this.apiError(
        `Shopify kept rate limiting the request (HTTP 429) after ${RATE_LIMIT_RETRIES} waits.`,
        response,
      );
    if (response.status >= 400)
      throw this.apiError(
        `Shopify answered HTTP ${response.status}: ${describeErrors(parseBody(response)?.errors) || response.text().slice(0, 200)}`,
        response,
      );
    const body = lastBody ?? parseBody(response);
    if (!body || typeof body !== 'object')
      throw this.apiError('Shopify answered with a body that is not JSON.', response);
    this.remember(body.extensions?.cost, query);
    const errors = Array.isArray(body.errors)
      ? (body.errors as GraphqlError[])
      : body.errors
        ? [{ message: String(describeErrors(body.errors)) }]
        : [];
    if (errors.length > 0) {
      const codes = errors.map((e) => e.extensions?.code).filter(Boolean);
      if (codes.includes('THROTTLED')) {
        const status = body.extensions?.cost?.throttleStatus;
        const bucket = status
          ? ` The cost bucket holds ${status.currentlyAvailable} of ${status.maximumAvailable} points (restoring ${status.restoreRate}/s) and this query needs ${body.extensions?.cost?.requestedQueryCost ?? '?'}.`
          : '';
        throw this.apiError(
          `Shopify throttled the query (THROTTLED) and it did not fit within ${RATE_LIMIT_RETRIES} waits or the timeout (options.timeoutMs).${bucket}`,
          response,
          { errors: errors as unknown as JsonObject[] } as JsonObject,
        );
      }
      throw this.apiError(`Shopify GraphQL error: ${describeErrors(errors)}`, response, {
        errors: errors as unknown as JsonObject[],
      } as JsonObject);
    }
    return { data: body.data as T, cost: body.extensions?.cost, search: body.extensions?.search ?? [] };
  }

  private remember(cost: CostExtension | undefined, query?: string): void {
    if (cost?.throttleStatus) buckets.set(bucketKey(this.connection), { status: cost.throttleStatus, at: Date.now() });
    if (query && typeof cost?.requestedQueryCost === 'number') knownCosts.set(query, cost.requestedQueryCost);
  }

  /**
   * Walks a connection page by page (cursor pagination) until `limit` nodes or the last page.
   *
   * @example
   * const orders = await shopify.paginate({ query: ORDERS, variables: { q }, connection: (d) => d.orders, pageSize: 15, limit: 500 });
   */
  async paginate<TData, TNode>({
    query,
    variables,
    connection,
    pageSize,
    limit,
    onPage,
  }: {
    query: string;
    variables: Record<string, unknown>;
    connection: (data: TData) => { nodes: TNode[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
    pageSize: number;
    limit: number;
    onPage?: (result: GraphqlResult<TData>) => void;
  }): Promise<TNode[]> {
    const out: TNode[] = [];
    let after: string | null = null;
    while (out.length < limit) {
      const first = Math.min(pageSize, limit - out.length);
      const result: GraphqlResult<TData> = await this.query<TData>(query, { ...variables, first, after });
      onPage?.(result);
      const page = connection(result.data);
      out.push(...page.nodes);
      if (!page.pageInfo.hasNextPage || !page.pageInfo.endCursor) break;
      after = page.pageInfo.endCursor;
    }
    return out;
  }
}

function describeErrors(errors: unknown): string {
  if (!errors) return '';
  if (typeof errors === 'string') return errors;
  if (Array.isArray(errors)) {
    return errors
      .map((e) => {
        const error = e as GraphqlError;
        const code = error.extensions?.code ? ` (${error.extensions.code})` : '';
        const path = error.path ? ` at ${error.path.join('.')}` : '';
        return `${error.message ?? JSON.stringify(e)}${code}${path}`;
      })
      .join('; ');
  }
  if (typeof errors === 'object')
    return Object.entries(errors)
      .map(([k, v]) => `${k}: ${String(v)}`)
      .join('; ');
  return String(errors);
}

/**
 * Fails naming the parameter when Shopify reported warnings about a search query it was given (Shopify ignores the
 * bad terms and answers anyway; a report built on a half-read filter would be wrong). Called on the first page.
 */
export function assertSearchAccepted(
  ctx: Pick<IExecuteFunctions, 'getNode'>,
  itemIndex: number,
  parameter: string,
  reports: SearchReport[],
): void {
  const detail = [...new Set(reports.flatMap((r) => r.warnings).map((w) => `${w.field}: ${w.message}`))].join('; ');
  if (detail === '') return;
  throw new NodeOperationError(
    ctx.getNode(),
    `Parameter "${parameter}" is not a valid Shopify search query: ${detail}`,
    { itemIndex, description: 'See https://shopify.dev/docs/api/usage/search-syntax' },
  );
}

/** Accepts `gid://shopify/<Type>/123` or `123`; returns the global id, or null when it is neither. */
export function toGlobalId(value: string, type: 'Order' | 'Product' | 'Customer'): string | null {
  const trimmed = value.trim().replace(/^#/, '');
  const gid = new RegExp(`^gid://shopify/${type}/(\\d+)$`).exec(trimmed);
  if (gid) return trimmed;
  if (/^\d+$/.test(trimmed)) return `gid://shopify/${type}/${trimmed}`;
  return null;
}
