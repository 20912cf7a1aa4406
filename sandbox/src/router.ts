/**
 * `createSandboxRouter()`: every emulator under one Express router, to be mounted at `/sandbox`.
 */
import express from 'express';
import type { Request, RequestHandler, Response, Router } from 'express';
import { SANDBOX_CREDENTIALS } from './credentials';
import { ENDPOINT_CATALOG } from './catalog';
import { FaultInjector, isFaultStatus } from './shared/faults';
import type { SandboxService } from './shared/faults';
import { startOfUtcDay } from './shared/dates';
import { BulkOperations } from './shopify/bulk';
import { createShopifyRouter } from './shopify/routes';
import { generateStore } from './shopify/store';
import type { ShopifyStore, StoreOptions } from './shopify/store';
import { createTikTokRouter } from './tiktok/routes';
import type { TikTokRateLimits } from './tiktok/routes';
import { generateTikTok } from './tiktok/dataset';
import { createOpenAIRouter } from './openai/routes';

export interface SandboxOptions {
  /** Seed of all generated data (default 42). */
  seed?: number;
  /** The store clock: history ends here. Default: the start of the current UTC day, so data is stable all day. */
  now?: Date | string;
  /** Shopify app client secret used for OAuth HMACs and webhook signatures (default: the sandbox app's). */
  shopifyAppSecret?: string;
  /** TikTok app client secret accepted by the token endpoint (default: the sandbox app's). */
  tiktokClientSecret?: string;
  /** fetch used to deliver webhooks (default: global fetch). Deliveries only ever target loopback addresses. */
  fetch?: typeof fetch;
  /** Millisecond clock for rate limits, token expiry and OAuth timestamps (tests inject a fake one). */
  clock?: () => number;
  /** Overrides of the TikTok sliding-window limits (tests use small windows). */
  tiktokRateLimits?: Partial<TikTokRateLimits>;
  /**
   * Size and time zone of the Shopify store: about how many orders (default ~20 000 a year), days of history
   * (default 365) and the shop's IANA zone (default Etc/UTC).
   */
  shopifyStore?: StoreOptions;
  /**
   * Scopes of the sandbox access token (default SANDBOX_CREDENTIALS.shopify.scopes, which include read_reports; leave
   * read_reports out to exercise the paths that work without ShopifyQL).
   */
  shopifyScopes?: readonly string[];
  /** Shopify cost bucket (default: 2000 points, restoring 100/s). */
  shopifyBucket?: { maximumAvailable: number; restoreRate: number };
  /** The Shopify app's allowed redirection URLs (default SANDBOX_CREDENTIALS.shopify.redirectUrls). */
  shopifyRedirectUrls?: readonly string[];
  /** The TikTok app's registered redirect URIs (default SANDBOX_CREDENTIALS.tiktok.redirectUris). */
  tiktokRedirectUris?: readonly string[];
  /**
   * Runs before every control endpoint (`/control/*`, `/shopify/control/*`, `/shopify/webhooks/deliver`), before
   * their bodies are read. The IONFLUX server passes its admin check; the standalone loopback server passes none.
   */
  controlAccess?: RequestHandler;
}

export interface SandboxHandle {
  router: Router;
  store: ShopifyStore;
  faults: FaultInjector;
  /** Shopify bulk operations (their JSONL files live in the OS temp directory until `dispose`). */
  bulkOperations: BulkOperations;
  /** Waits for running bulk operations and deletes their files. */
  dispose(): Promise<void>;
}

export const DEFAULT_SEED = 42;

/** Builds the router and exposes the state behind it (for the CLI, the server and tests). */
export function createSandbox(options: SandboxOptions = {}): SandboxHandle {
  const seed = options.seed ?? DEFAULT_SEED;
  const clock = options.clock ?? (() => Date.now());
  const now =
    options.now !== undefined
      ? options.now instanceof Date
        ? options.now
        : new Date(options.now)
      : startOfUtcDay(new Date(clock()));
  if (Number.isNaN(now.getTime())) throw new TypeError(`Invalid now: ${String(options.now)}`);
  const store = generateStore(seed, now, options.shopifyStore ?? {});
  const tiktok = generateTikTok(seed, now);
  const faults = new FaultInjector();
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);

  const router = express.Router();
  router.get('/', (_req: Request, res: Response) => {
    res.json({
      name: 'IONFLUX sandbox',
      description:
        'Loopback emulators of the Shopify Admin API, TikTok APIs and an OpenAI-compatible offline model. Deterministic data from a seed; not the real services.',
      seed,
      now: now.toISOString(),
      credentials: SANDBOX_CREDENTIALS,
      endpoints: ENDPOINT_CATALOG,
    });
  });

  if (options.controlAccess) router.use('/control', options.controlAccess);
  router.use('/control', express.json({ limit: '64kb' }));
  router.get('/control/faults', (_req: Request, res: Response) => {
    res.json({ faults: faults.pending() });
  });
  router.post('/control/faults', (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const service = body.service ?? '*';
    if (service !== '*' && service !== 'shopify' && service !== 'tiktok' && service !== 'openai') {
      return res
        .status(400)
        .json({ error: { message: "service must be 'shopify', 'tiktok', 'openai' or '*'", field: 'service' } });
    }
    if (!isFaultStatus(body.status))
      return res.status(400).json({ error: { message: 'status must be one of 429, 500, 502, 503', field: 'status' } });
    const count = body.count === undefined ? 1 : body.count;
    if (typeof count !== 'number' || !Number.isInteger(count) || count < 1 || count > 1000)
      return res
        .status(400)
        .json({ error: { message: 'count must be an integer between 1 and 1000', field: 'count' } });
    const retryAfter = body.retryAfter === undefined ? 1 : body.retryAfter;
    if (typeof retryAfter !== 'number' || !Number.isInteger(retryAfter) || retryAfter < 0 || retryAfter > 3600)
      return res.status(400).json({
        error: { message: 'retryAfter must be an integer number of seconds between 0 and 3600', field: 'retryAfter' },
      });
    faults.enqueue({ service: service as SandboxService | '*', status: body.status, count, retryAfter });
    return res.status(201).json({ faults: faults.pending() });
  });
  router.delete('/control/faults', (_req: Request, res: Response) => {
    faults.clear();
    res.json({ faults: [] });
  });

  const bulkOperations = new BulkOperations({ now: () => store.now });
  router.use(
    '/shopify',
    createShopifyRouter({
      store,
      bulkOperations,
      faults,
      clientId: SANDBOX_CREDENTIALS.shopify.clientId,
      clientSecret: options.shopifyAppSecret ?? SANDBOX_CREDENTIALS.shopify.clientSecret,
      accessToken: SANDBOX_CREDENTIALS.shopify.accessToken,
      scopes: options.shopifyScopes ?? SANDBOX_CREDENTIALS.shopify.scopes,
      fetch: fetchImpl,
      clock,
      redirectUrls: options.shopifyRedirectUrls ?? SANDBOX_CREDENTIALS.shopify.redirectUrls,
      ...(options.controlAccess ? { controlAccess: options.controlAccess } : {}),
      ...(options.shopifyBucket ? { bucket: options.shopifyBucket } : {}),
    }),
  );
  router.use(
    '/tiktok',
    createTikTokRouter({
      dataset: tiktok,
      faults,
      clock,
      clientSecret: options.tiktokClientSecret ?? SANDBOX_CREDENTIALS.tiktok.clientSecret,
      ...(options.tiktokRedirectUris ? { redirectUris: options.tiktokRedirectUris } : {}),
      ...(options.tiktokRateLimits ? { rateLimits: options.tiktokRateLimits } : {}),
    }),
  );
  router.use('/openai', createOpenAIRouter({ faults, clock }));
  return { router, store, faults, bulkOperations, dispose: () => bulkOperations.close() };
}

/**
 * The sandbox emulators as an Express router, to mount at `/sandbox`.
 *
 * @example
 * app.use('/sandbox', createSandboxRouter({ seed: 42 }));
 * // GET /sandbox lists the emulated endpoints
 */
export function createSandboxRouter(options: SandboxOptions = {}): Router {
  return createSandbox(options).router;
}
