/** The TikTok emulation, mounted at `/sandbox/tiktok` (see open-api.ts and business-api.ts for the endpoint list). */
import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { createBusinessApiRouter } from './business-api';
import type { TikTokDataset } from './dataset';
import { TikTokTokenStore, USER_SCOPES, createOpenApiRouter, logId } from './open-api';
import { SlidingWindowLimiter } from './rate-limit';
import type { RateLimit } from './rate-limit';
import { SANDBOX_CREDENTIALS } from '../credentials';
import type { FaultInjector } from '../shared/faults';

export interface TikTokRateLimits {
  display: RateLimit;
  research: RateLimit;
  business: RateLimit;
  creativeCenter: RateLimit;
}

/**
 * Defaults modelled on TikTok's published quotas: Display API 600 requests/minute per endpoint and token, Research API
 * 1000 requests/day per client, API for Business 10 QPS (as 600/minute), Creative Center an anonymous page's pace.
 */
export const DEFAULT_TIKTOK_RATE_LIMITS: TikTokRateLimits = {
  display: { windowMs: 60_000, max: 600 },
  research: { windowMs: 86_400_000, max: 1000 },
  business: { windowMs: 60_000, max: 600 },
  creativeCenter: { windowMs: 60_000, max: 120 },
};

export interface TikTokEmulatorOptions {
  dataset: TikTokDataset;
  faults: FaultInjector;
  clock: () => number;
  clientSecret: string;
  rateLimits?: Partial<TikTokRateLimits>;
  /** Redirect URIs registered for the app (Login Kit); default SANDBOX_CREDENTIALS.tiktok.redirectUris. */
  redirectUris?: readonly string[];
}

export function createTikTokRouter(options: TikTokEmulatorOptions): Router {
  const router = express.Router();
  const limits = { ...DEFAULT_TIKTOK_RATE_LIMITS, ...options.rateLimits };
  const tokens = new TikTokTokenStore(options.clock);
  const creds = SANDBOX_CREDENTIALS.tiktok;
  tokens.addStatic({
    token: creds.userAccessToken,
    kind: 'user',
    clientKey: creds.clientKey,
    scopes: [...USER_SCOPES],
    openId: options.dataset.brandAccount.openId,
  });
  tokens.addStatic({
    token: creds.clientAccessToken,
    kind: 'client',
    clientKey: creds.clientKey,
    scopes: ['research.data.basic'],
    openId: null,
  });

  router.use(express.json({ limit: '256kb' }));
  router.use(express.urlencoded({ extended: false, limit: '64kb' }));

  router.use((req: Request, res: Response, next: NextFunction) => {
    const fault = options.faults.take('tiktok', req.get('X-Sandbox-Fault'));
    if (!fault) return next();
    if (fault.status === 429 || fault.status === 503) res.set('Retry-After', String(fault.retryAfter));
    const business = req.path.startsWith('/open_api/') || req.path.startsWith('/creative_radar_api/');
    if (business) {
      const code = fault.status === 429 ? 40100 : 50000;
      return res.status(fault.status).json({
        code,
        message:
          fault.status === 429
            ? 'Requests made too frequently. Please retry after some time.'
            : 'System error. Please retry later.',
        request_id: logId(options.clock),
        data: {},
      });
    }
    const code = fault.status === 429 ? 'rate_limit_exceeded' : 'internal_error';
    return res.status(fault.status).json({
      data: {},
      error: {
        code,
        message:
          fault.status === 429
            ? 'API rate limit exceeded, please retry later.'
            : 'Something went wrong. Please try again later.',
        log_id: logId(options.clock),
      },
    });
  });

  router.use(
    createOpenApiRouter({
      dataset: options.dataset,
      tokens,
      clientKey: creds.clientKey,
      clientSecret: options.clientSecret,
      redirectUris: options.redirectUris ?? creds.redirectUris,
      clock: options.clock,
      limiters: {
        display: new SlidingWindowLimiter(limits.display, options.clock),
        research: new SlidingWindowLimiter(limits.research, options.clock),
      },
    }),
  );
  router.use(
    createBusinessApiRouter({
      dataset: options.dataset,
      accessToken: creds.businessAccessToken,
      tcmAccountId: creds.tcmAccountId,
      clock: options.clock,
      limiters: {
        business: new SlidingWindowLimiter(limits.business, options.clock),
        creativeCenter: new SlidingWindowLimiter(limits.creativeCenter, options.clock),
      },
    }),
  );

  router.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status =
      typeof (error as { status?: unknown }).status === 'number' ? (error as { status: number }).status : 500;
    const business = req.path.startsWith('/open_api/') || req.path.startsWith('/creative_radar_api/');
    if (status >= 400 && status < 500) {
      if (business)
        return res.status(status).json({
          code: 40002,
          message: 'The request body is not valid JSON.',
          request_id: logId(options.clock),
          data: {},
        });
      return res.status(status).json({
        data: {},
        error: {
          code: 'invalid_params',
          message: 'The request body is malformed (invalid JSON or form encoding).',
          log_id: logId(options.clock),
        },
      });
    }
    console.error('[sandbox:tiktok]', error);
    return res.status(500).json({
      data: {},
      error: { code: 'internal_error', message: 'Internal error in the sandbox.', log_id: logId(options.clock) },
    });
  });
  return router;
}
