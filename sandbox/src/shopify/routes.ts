/**
 * HTTP entry points of the Shopify emulation, mounted at `/sandbox/shopify`. Paths after the prefix are Shopify's:
 *
 *   POST /admin/api/2025-10/graphql.json       GraphQL Admin API (X-Shopify-Access-Token)
 *   GET  /admin/oauth/authorize                 authorization code grant, step 1 (auto-approved consent)
 *   POST /admin/oauth/access_token              authorization code grant, step 2
 *
 * plus sandbox control endpoints (no Shopify equivalent; they stand in for things a merchant does in the admin),
 * behind `controlAccess` when given (the IONFLUX server requires a server admin):
 *
 *   POST /webhooks/deliver    sign and POST an order webhook to an address subscribed with webhookSubscriptionCreate
 *   POST /control/orders      create an order (e.g. a $150 order) and fire subscribed orders/create webhooks
 *
 * Deliveries report the target's status code, never its body: the sandbox must not be a way to read local services.
 */
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { GraphQLError, execute, parse, validate } from 'graphql';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { randomUUID } from 'node:crypto';
import { buildAdminSchema } from './admin-schema';
import { bulkFinishPayload } from './bulk';
import type { BulkOperationRecord, BulkOperations } from './bulk';
import { createReadStream } from 'node:fs';
import { isoSeconds } from '../shared/dates';
import type { AdminContext } from './admin-schema';
import { gid, parseGid, parseMoney } from './format';
import { ShopifyTokenStore, signShopifyQuery } from './oauth';
import { CostBucket, SINGLE_QUERY_MAX_COST, actualQueryCost, requestedQueryCost } from './query-cost';
import { InvalidStoreInputError } from './store';
import type { FinancialStatus, ShopifyStore, StoreOrder } from './store';
import { isRegisteredRedirect } from '../shared/redirects';
import { WebhookRegistry, deliverWebhook, orderPayload, topicFromRest, topicToRest } from './webhooks';
import type { DeliveryResult } from './webhooks';
import type { FaultInjector } from '../shared/faults';

export const SHOPIFY_API_VERSION = '2025-10';
const INVALID_TOKEN_BODY = { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' };
const RATE_LIMITS_DOC = 'https://shopify.dev/api/usage/rate-limits';

export interface ShopifyEmulatorOptions {
  store: ShopifyStore;
  /** Bulk operations of the app (bulkOperationRunQuery); their files are served under /bulk-operations. */
  bulkOperations?: BulkOperations;
  faults: FaultInjector;
  clientId: string;
  clientSecret: string;
  accessToken: string;
  scopes: readonly string[];
  fetch: typeof fetch;
  clock: () => number;
  /** Bucket size and restore rate per second (the default 2000 / 100 is a Standard plan store; Plus restores 1000/s). */
  bucket?: { maximumAvailable: number; restoreRate: number };
  /** The app's allowed redirection URLs (exact match); default SANDBOX_CREDENTIALS.shopify.redirectUrls. */
  redirectUrls: readonly string[];
  /** Runs before the control endpoints (/control/*, /webhooks/deliver): the host's admin check. */
  controlAccess?: RequestHandler;
}

let cachedSchema: GraphQLSchema | null = null;
function adminSchema(): GraphQLSchema {
  cachedSchema ??= buildAdminSchema();
  return cachedSchema;
}

/** Rewrites graphql-js validation wording to Shopify's where Shopify's is known. */
function shopifyError(error: GraphQLError): Record<string, unknown> {
  const json = { ...error.toJSON() } as Record<string, unknown>;
  const undefinedField = /^Cannot query field "(\w+)" on type "(\w+)"\./.exec(error.message);
  if (undefinedField) {
    return {
      ...json,
      message: `Field '${undefinedField[1]}' doesn't exist on type '${undefinedField[2]}'`,
      extensions: { code: 'undefinedField', typeName: undefinedField[2], fieldName: undefinedField[1] },
    };
  }
  const unknownArg = /^Unknown argument "(\w+)" on field "(\w+)\.(\w+)"\./.exec(error.message);
  if (unknownArg) {
    return {
      ...json,
      message: `Field '${unknownArg[3]}' doesn't accept argument '${unknownArg[1]}'`,
      extensions: { code: 'argumentNotAccepted', name: unknownArg[3], typeName: 'Field', argumentName: unknownArg[1] },
    };
  }
  return json;
}

function faultBody(status: number): unknown {
  if (status === 429)
    return {
      errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.',
    };
  if (status === 503) return { errors: 'Unavailable Shop' };
  return { errors: 'Internal Server Error' };
}

/** Two callback URLs name the same address (after URL normalization). */
function sameAddress(a: string, b: string): boolean {
  try {
    return new URL(a).href === new URL(b).href;
  } catch {
    return false;
  }
}

export function createShopifyRouter(options: ShopifyEmulatorOptions): Router {
  const router = express.Router();
  const { store, faults } = options;
  const webhooks = new WebhookRegistry();
  const tokens = new ShopifyTokenStore(options.clock, [
    {
      token: options.accessToken,
      scope: [...options.scopes],
      clientId: options.clientId,
      perUser: false,
      expiresAt: null,
    },
  ]);
  const bucketConfig = options.bucket ?? { maximumAvailable: 2000, restoreRate: 100 };
  const bucket = new CostBucket(bucketConfig.maximumAvailable, bucketConfig.restoreRate, options.clock);

  // Control endpoints are authorized before their bodies are even read.
  if (options.controlAccess) router.use(['/control', '/webhooks'], options.controlAccess);
  router.use(express.json({ limit: '1mb' }));
  router.use(express.urlencoded({ extended: true, limit: '1mb' }));
  router.use(express.text({ type: 'application/graphql', limit: '1mb' }));

  router.use((req, res, next) => {
    const fault = faults.take('shopify', req.get('X-Sandbox-Fault'));
    if (!fault) return next();
    res.status(fault.status);
    if (fault.status === 429 || fault.status === 503) res.set('Retry-After', String(fault.retryAfter));
    res.json(faultBody(fault.status));
  });

  // ---------------------------------------------------------------------------------------------------------------
  // GraphQL Admin API

  router.post('/admin/api/:version/graphql.json', async (req: Request, res: Response) => {
    const version = String(req.params.version);
    if (!/^\d{4}-(01|04|07|10)$/.test(version) && version !== 'unstable')
      return res.status(404).json({ errors: 'Not Found' });
    // Like Shopify, an unsupported version is served by a supported one, announced in X-Shopify-API-Version.
    res.set('X-Shopify-API-Version', SHOPIFY_API_VERSION);
    res.set('X-Request-Id', randomUUID());
    const token = req.get('X-Shopify-Access-Token');
    const issued = tokens.lookup(token);
    if (!issued) return res.status(401).json(INVALID_TOKEN_BODY);

    let query: unknown;
    let variables: unknown;
    let operationName: unknown;
    if (typeof req.body === 'string') query = req.body;
    else if (req.body && typeof req.body === 'object')
      ({ query, variables, operationName } = req.body as Record<string, unknown>);
    if (typeof query !== 'string' || query.trim() === '')
      return res.status(400).json({ errors: { query: 'Required parameter missing or invalid' } });
    if (variables !== undefined && variables !== null && (typeof variables !== 'object' || Array.isArray(variables))) {
      return res.status(400).json({ errors: { variables: 'Parameter must be a JSON object' } });
    }
    if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') {
      return res.status(400).json({ errors: { operationName: 'Parameter must be a string' } });
    }
    const vars = (variables ?? {}) as Record<string, unknown>;
    const opName = (operationName ?? null) as string | null;
    const schema = adminSchema();

    let document: DocumentNode;
    try {
      document = parse(query);
    } catch (error) {
      return res.json({ errors: [shopifyError(error as GraphQLError)] });
    }
    const validationErrors = validate(schema, document);
    if (validationErrors.length > 0) return res.json({ errors: validationErrors.map(shopifyError) });

    const requested = requestedQueryCost(schema, document, opName, vars);
    const key = token!;
    if (requested > SINGLE_QUERY_MAX_COST) {
      return res.json({
        errors: [
          {
            message: `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).\n\nSee ${RATE_LIMITS_DOC} for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
            extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: SINGLE_QUERY_MAX_COST },
          },
        ],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status(key) },
        },
      });
    }
    if (!bucket.take(key, requested)) {
      return res.json({
        errors: [{ message: 'Throttled', extensions: { code: 'THROTTLED', documentation: RATE_LIMITS_DOC } }],
        extensions: {
          cost: { requestedQueryCost: requested, actualQueryCost: null, throttleStatus: bucket.status(key) },
        },
      });
    }
    const context: AdminContext = {
      store,
      webhooks,
      now: () => store.now,
      scopes: issued.scope,
      searchReports: [],
      ...(options.bulkOperations
        ? {
            bulk: {
              operations: options.bulkOperations,
              baseUrl: `${req.protocol}://${req.get('host')}${req.baseUrl}`,
              onFinish: announceBulkFinish,
            },
          }
        : {}),
    };
    const result = await execute({
      schema,
      document,
      variableValues: vars,
      operationName: opName,
      contextValue: context,
    });
    const actual = result.data ? actualQueryCost(schema, document, result.data, opName, vars) : requested;
    bucket.refund(key, requested - actual);
    const extensions: Record<string, unknown> = {
      cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: bucket.status(key) },
    };
    if (context.searchReports.length > 0) extensions.search = context.searchReports;
    const body: Record<string, unknown> = {};
    if (result.errors && result.errors.length > 0) body.errors = result.errors.map(shopifyError);
    body.data = result.data ?? null;
    body.extensions = extensions;
    return res.json(body);
  });

  // ---------------------------------------------------------------------------------------------------------------
  // Bulk operation results: the JSONL of a finished operation, at the unguessable URL its `url` field gives.

  router.get('/bulk-operations/:id/:file', async (req: Request, res: Response) => {
    const match = /^([0-9a-f]{32})\.jsonl$/.exec(String(req.params.file));
    const operation =
      match && /^\d+$/.test(String(req.params.id))
        ? options.bulkOperations?.file(Number(req.params.id), match[1]!)
        : undefined;
    if (!operation)
      return res
        .status(404)
        .type('application/xml')
        .send('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code></Error>');
    res.status(200).type('application/jsonl');
    if (operation.fileSize !== null) res.set('Content-Length', String(operation.fileSize));
    createReadStream(operation.file)
      .on('error', () => res.destroy())
      .pipe(res);
  });

  /** The bulk_operations/finish webhook, to every address subscribed to BULK_OPERATIONS_FINISH. */
  function announceBulkFinish(operation: BulkOperationRecord): void {
    const payload = bulkFinishPayload(operation, isoSeconds);
    for (const subscription of webhooks.forTopic('BULK_OPERATIONS_FINISH'))
      void deliverTo(subscription.uri, 'bulk_operations/finish', payload);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // OAuth

  const oauthError = (res: Response, status: number, error: string, description: string) =>
    res.status(status).json({ error, error_description: description });

  router.get('/admin/oauth/authorize', (req: Request, res: Response) => {
    const q = req.query as Record<string, unknown>;
    const clientId = typeof q.client_id === 'string' ? q.client_id : '';
    const redirectUri = typeof q.redirect_uri === 'string' ? q.redirect_uri : '';
    if (!clientId) return oauthError(res, 400, 'invalid_request', 'Missing client_id parameter.');
    if (clientId !== options.clientId)
      return oauthError(
        res,
        400,
        'invalid_request',
        `Unknown client_id '${clientId}'. The sandbox app's client_id is '${options.clientId}'.`,
      );
    let redirect: URL;
    try {
      redirect = new URL(redirectUri);
      if (redirect.protocol !== 'http:' && redirect.protocol !== 'https:') throw new Error('scheme');
    } catch {
      return oauthError(res, 400, 'invalid_request', 'The redirect_uri is missing or is not an absolute http(s) URL.');
    }
    // Shopify refuses (and never redirects to) a URL that is not one of the app's allowed redirection URLs.
    if (!isRegisteredRedirect(redirectUri, options.redirectUrls))
      return oauthError(
        res,
        400,
        'invalid_request',
        "The redirect_uri is not whitelisted: add it to the app's allowed redirection URLs (redirect_urls).",
      );
    const scopeParam = typeof q.scope === 'string' ? q.scope : '';
    const scope = scopeParam
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = scope.filter((s) => !/^(read|write|unauthenticated_read|unauthenticated_write)_[a-z_]+$/.test(s));
    if (unknown.length > 0) return oauthError(res, 400, 'invalid_scope', `Invalid scope: ${unknown.join(', ')}`);
    const grantOptions = ([] as unknown[]).concat(q['grant_options'] ?? [], q['grant_options[]'] ?? []).map(String);
    const code = tokens.issueCode({ clientId, scope, redirectUri, perUser: grantOptions.includes('per-user') });
    const params: Record<string, string> = {
      code,
      host: Buffer.from(`admin.shopify.com/store/${store.shop.myshopifyDomain.replace('.myshopify.com', '')}`).toString(
        'base64',
      ),
      shop: store.shop.myshopifyDomain,
      timestamp: String(Math.floor(options.clock() / 1000)),
    };
    if (typeof q.state === 'string') params.state = q.state;
    params.hmac = signShopifyQuery(params, options.clientSecret);
    for (const [k, v] of Object.entries(params)) redirect.searchParams.set(k, v);
    return res.redirect(302, redirect.toString());
  });

  router.post('/admin/oauth/access_token', (req: Request, res: Response) => {
    const body = (req.body && typeof req.body === 'object' ? req.body : {}) as Record<string, unknown>;
    const merged = { ...(req.query as Record<string, unknown>), ...body };
    const clientId = typeof merged.client_id === 'string' ? merged.client_id : '';
    const clientSecret = typeof merged.client_secret === 'string' ? merged.client_secret : '';
    const grantType = typeof merged.grant_type === 'string' ? merged.grant_type : 'authorization_code';
    if (!clientId || !clientSecret)
      return oauthError(res, 400, 'invalid_request', 'client_id and client_secret are required.');
    if (clientId !== options.clientId || clientSecret !== options.clientSecret)
      return oauthError(res, 401, 'invalid_client', 'The client_id and client_secret are incorrect.');
    if (grantType === 'client_credentials') {
      const issued = tokens.issueClientCredentials(clientId, [...options.scopes]);
      return res.json({
        access_token: issued.token,
        scope: issued.scope.join(','),
        expires_in: ShopifyTokenStore.onlineTokenTtlSeconds,
      });
    }
    if (grantType === 'refresh_token') {
      const refreshToken = typeof merged.refresh_token === 'string' ? merged.refresh_token : '';
      if (!refreshToken) return oauthError(res, 400, 'invalid_request', 'Missing refresh_token parameter.');
      const refreshed = tokens.refresh(refreshToken, clientId);
      if (!refreshed)
        return oauthError(res, 400, 'invalid_grant', 'The refresh token is invalid, expired or was already replaced.');
      return res.json(refreshed);
    }
    if (grantType !== 'authorization_code')
      return oauthError(res, 400, 'unsupported_grant_type', `grant_type '${grantType}' is not supported.`);
    const code = typeof merged.code === 'string' ? merged.code : '';
    if (!code) return oauthError(res, 400, 'invalid_request', 'Missing code parameter.');
    const issued = tokens.redeem(code, clientId);
    if (!issued)
      return oauthError(res, 400, 'invalid_request', 'The authorization code was not found or was already used');
    // `expiring=1` asks for an expiring offline token with a refresh token (online tokens always expire).
    const expiring = ['1', 'true', 1, true].includes(merged.expiring as string | number | boolean);
    if (!issued.perUser && expiring) return res.json(tokens.issueExpiring(issued));
    if (!issued.perUser) return res.json({ access_token: issued.token, scope: issued.scope.join(',') });
    return res.json({
      access_token: issued.token,
      scope: issued.scope.join(','),
      expires_in: ShopifyTokenStore.onlineTokenTtlSeconds,
      associated_user_scope: issued.scope.join(','),
      associated_user: {
        id: 902541635,
        first_name: 'Demo',
        last_name: 'Owner',
        email: store.shop.email,
        email_verified: true,
        account_owner: true,
        locale: 'en',
        collaborator: false,
      },
    });
  });

  // ---------------------------------------------------------------------------------------------------------------
  // Control: webhooks and orders

  const controlError = (res: Response, status: number, message: string, field?: string) =>
    res.status(status).json({ errors: [{ message, ...(field ? { field } : {}) }] });

  async function deliverTo(address: string, restTopic: string, payload: unknown): Promise<DeliveryResult> {
    return deliverWebhook({
      address,
      topic: restTopic,
      payload,
      secret: options.clientSecret,
      shopDomain: store.shop.myshopifyDomain,
      apiVersion: SHOPIFY_API_VERSION,
      fetch: options.fetch,
    });
  }

  function lookupOrder(id: unknown): StoreOrder | undefined {
    if (typeof id === 'number') return store.order(id);
    if (typeof id !== 'string') return undefined;
    if (/^\d+$/.test(id)) return store.order(Number(id));
    const parsed = parseGid(id);
    return parsed && parsed.resource === 'Order' ? store.order(parsed.legacyId) : undefined;
  }

  router.post('/webhooks/deliver', async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const topic = typeof body.topic === 'string' ? body.topic : 'orders/create';
    if (!topicFromRest(topic) || !topic.startsWith('orders/'))
      return controlError(
        res,
        400,
        `topic must be an orders topic (${['orders/create', 'orders/updated', 'orders/paid', 'orders/cancelled', 'orders/fulfilled'].join(', ')})`,
        'topic',
      );
    // Only to an address an app subscribed to this topic (webhookSubscriptionCreate with its access token): the
    // sandbox never POSTs to an address someone merely names here.
    const subscribed =
      typeof body.address === 'string'
        ? webhooks.forTopic(topicFromRest(topic)!).find((s) => sameAddress(s.uri, body.address as string))
        : undefined;
    if (!subscribed)
      return controlError(
        res,
        400,
        `address must be the callback URL of a webhook subscription for ${topic}; subscribe it first with the webhookSubscriptionCreate mutation`,
        'address',
      );
    let payload: unknown;
    if (body.order !== undefined) {
      if (!body.order || typeof body.order !== 'object' || Array.isArray(body.order))
        return controlError(res, 400, 'order must be a JSON object in the REST webhook payload shape', 'order');
      payload = body.order;
    } else {
      const order = body.orderId !== undefined ? lookupOrder(body.orderId) : store.orders()[store.orders().length - 1];
      if (!order) return controlError(res, 404, `order ${String(body.orderId)} does not exist`, 'orderId');
      payload = orderPayload(store, order);
    }
    const result = await deliverTo(subscribed.uri, topic, payload);
    return res.status(200).json({ delivery: result });
  });

  router.post('/control/orders', async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const totalCents = body.total !== undefined ? parseMoney(body.total) : undefined;
    if (totalCents === null)
      return controlError(res, 400, 'total must be a positive amount, e.g. 150 or "150.00"', 'total');
    let lineItems: { variantLegacyId: number; quantity: number }[] | undefined;
    if (body.lineItems !== undefined) {
      if (!Array.isArray(body.lineItems))
        return controlError(res, 400, 'lineItems must be an array of { variantId, quantity }', 'lineItems');
      lineItems = [];
      for (const [i, raw] of (body.lineItems as unknown[]).entries()) {
        const item = (raw ?? {}) as Record<string, unknown>;
        const variantGid = typeof item.variantId === 'string' ? parseGid(item.variantId) : null;
        const variantId =
          typeof item.variantId === 'number'
            ? item.variantId
            : variantGid?.resource === 'ProductVariant'
              ? variantGid.legacyId
              : NaN;
        if (!Number.isSafeInteger(variantId))
          return controlError(
            res,
            400,
            'variantId must be a ProductVariant gid or numeric id',
            `lineItems.${i}.variantId`,
          );
        lineItems.push({
          variantLegacyId: variantId,
          quantity: item.quantity === undefined ? 1 : Number(item.quantity),
        });
      }
    }
    const customerGid = typeof body.customerId === 'string' ? parseGid(body.customerId) : null;
    if (body.customerId !== undefined && (!customerGid || customerGid.resource !== 'Customer'))
      return controlError(res, 400, 'customerId must be a Customer gid', 'customerId');
    if (body.email !== undefined && (typeof body.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(body.email)))
      return controlError(res, 400, 'email must be an email address', 'email');
    const financial = body.financialStatus;
    const allowed: FinancialStatus[] = ['PAID', 'PENDING', 'AUTHORIZED'];
    if (financial !== undefined && !allowed.includes(financial as FinancialStatus))
      return controlError(res, 400, `financialStatus must be one of ${allowed.join(', ')}`, 'financialStatus');
    let order: StoreOrder;
    try {
      order = store.createOrder({
        ...(totalCents !== undefined ? { totalCents } : {}),
        ...(lineItems ? { lineItems } : {}),
        ...(customerGid ? { customerLegacyId: customerGid.legacyId } : {}),
        ...(typeof body.email === 'string' ? { email: body.email } : {}),
        ...(financial ? { financialStatus: financial as FinancialStatus } : {}),
        ...(Array.isArray(body.tags) ? { tags: body.tags.map(String) } : {}),
        ...(typeof body.note === 'string' ? { note: body.note } : {}),
      });
    } catch (error) {
      if (error instanceof InvalidStoreInputError) return controlError(res, 400, error.message, error.field);
      throw error;
    }
    const topics = ['ORDERS_CREATE', ...(order.financialStatus === 'PAID' ? ['ORDERS_PAID'] : [])];
    const deliveries: DeliveryResult[] = [];
    for (const topic of topics) {
      for (const subscription of webhooks.forTopic(topic)) {
        deliveries.push(
          await deliverTo(
            subscription.uri,
            topicToRest(topic)!,
            orderPayload(store, order, subscription.includeFields),
          ),
        );
      }
    }
    return res.status(201).json({
      order: {
        id: gid('Order', order.legacyId),
        legacyResourceId: String(order.legacyId),
        name: order.name,
        createdAt: order.createdAt.toISOString(),
        totalPrice: (order.totalCents / 100).toFixed(2),
        currencyCode: 'USD',
      },
      webhook: orderPayload(store, order),
      deliveries,
    });
  });

  // Body-parser failures and anything unexpected: a 4xx in Shopify's error shape, never an HTML 500 page.
  router.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    if (status >= 400 && status < 500)
      return res
        .status(status)
        .json({ errors: status === 413 ? 'Request entity too large' : 'Bad Request: the body is not valid JSON' });
    console.error('[sandbox:shopify]', error);
    return res.status(500).json({ errors: 'Internal Server Error' });
  });

  return router;
}
