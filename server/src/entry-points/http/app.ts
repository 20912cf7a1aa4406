import { randomUUID } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import type { UseCases } from '../../domain/use-cases';
import { AppError, isAppError } from '../../errors';
import { buildOpenApiDocument } from './openapi';
import type { RouteDefinition } from './route';
import { listRegisteredRoutes, mountRoutes, MOUNT_POLICY, type Mount } from './router';
import { agentRoutes } from './routes/agents.routes';
import { apiTokenRoutes } from './routes/api-tokens.routes';
import { authRoutes } from './routes/auth.routes';
import { marketplaceRoutes } from './routes/marketplace.routes';
import { runRoutes } from './routes/runs.routes';
import { canvasRoutes } from './routes/canvas.routes';
import { chatRoutes } from './routes/chat.routes';
import { connectionRoutes } from './routes/connections.routes';
import { notificationRoutes } from './routes/notifications.routes';
import { profileRoutes } from './routes/profiles.routes';
import { promptRoutes } from './routes/prompts.routes';
import { searchRoutes } from './routes/search.routes';
import { systemRoutes, type Readiness } from './routes/system.routes';
import { vectorRoutes } from './routes/vectors.routes';
import { webhookRoutes } from './routes/webhooks.routes';
import { blockOutputRoutes } from './routes/block-outputs.routes';
import { workspaceRoutes } from './routes/workspaces.routes';

/** Counts requests in progress so shutdown can wait for them (and the writes they do) to finish. */
export class InFlight {
  #count = 0;
  #waiters: Array<() => void> = [];
  get count(): number {
    return this.#count;
  }
  begin(): void {
    this.#count += 1;
  }
  end(): void {
    this.#count -= 1;
    if (this.#count === 0) for (const wake of this.#waiters.splice(0)) wake();
  }
  /** Resolves when nothing is in flight, or after `timeoutMs` (returns false then). */
  async idle(timeoutMs: number): Promise<boolean> {
    if (this.#count === 0) return true;
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** Every route of the server, in one table: the router, the OpenAPI document and the policy tests all read it. */
export function buildRouteTable(args: {
  useCases: UseCases;
  readiness: Readiness;
  version: string;
}): RouteDefinition[] {
  const { useCases } = args;
  let document: Record<string, unknown> | undefined;
  const routes: RouteDefinition[] = [];
  routes.push(
    ...systemRoutes({
      readiness: args.readiness,
      openApiDocument: () => (document ??= buildOpenApiDocument({ routes, version: args.version })),
    }),
    ...authRoutes(useCases),
    ...workspaceRoutes(useCases),
    ...profileRoutes(useCases),
    ...canvasRoutes(useCases),
    ...chatRoutes(useCases),
    ...promptRoutes(useCases),
    ...notificationRoutes(useCases),
    ...searchRoutes(useCases),
    ...apiTokenRoutes(useCases),
    ...vectorRoutes(useCases),
    ...agentRoutes(useCases),
    ...runRoutes(useCases),
    ...connectionRoutes(useCases),
    ...webhookRoutes(useCases),
    ...blockOutputRoutes(useCases),
    ...marketplaceRoutes(useCases),
  );
  return routes;
}

/** A request path as logged: the secret of an agent's webhook URL is never written to the logs. */
export function loggedPath(path: string): string {
  return path.replace(/^(\/api\/hooks\/agents\/[^/]+\/)[^/]+/, '$1[secret]');
}

/**
 * Security headers of every response (helmet): a CSP that allows nothing (JSON needs nothing; the docs page sets its
 * own, see system.routes.ts) and forbids framing, Referrer-Policy: no-referrer, nosniff, COOP/CORP same-origin, and
 * HSTS when cookies are marked Secure (the server is behind HTTPS then).
 */
export const API_CONTENT_SECURITY_POLICY = {
  'default-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

/** The security headers middleware (helmet) of every API answer; see {@link API_CONTENT_SECURITY_POLICY}. */
export function securityHeaders(args: { cookieSecure: boolean }): RequestHandler {
  return helmet({
    contentSecurityPolicy: { useDefaults: false, directives: API_CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: args.cookieSecure ? { maxAge: 31_536_000 } : false,
  }) as RequestHandler;
}

/**
 * How an error is answered: an operational error (4xx) with its code, message, fields and details; anything else
 * with its status (or 500) and no detail, to be logged (`log`) with the request id.
 */
export function errorAnswer(
  error: unknown,
  requestId: string,
): {
  status: number;
  body: { error: Record<string, unknown> };
  headers?: Record<string, string>;
  /** What to log (and its message) when the status is 5xx. */
  log: [fields: { err: unknown; code?: string }, message: string];
} {
  if (isAppError(error) && error.status < 500)
    return {
      status: error.status,
      headers: error.headers,
      body: {
        error: {
          code: error.code,
          message: error.message,
          requestId,
          ...(error.fields ? { fields: error.fields } : {}),
          ...(error.details ? { details: error.details } : {}),
        },
      },
      log: [{ err: error, code: error.code }, error.message],
    };
  if (isAppError(error))
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, requestId } },
      log: [{ err: error, code: error.code }, error.message],
    };
  return {
    status: 500,
    body: {
      error: {
        code: 'internal_error',
        message: 'Something went wrong on our side; quote the request id if you report it',
        requestId,
      },
    },
    log: [{ err: error }, 'unhandled error'],
  };
}

/** True when the client went away (or was cut off) before the request was read or answered. */
function isClientAbort(error: unknown, req: Request): boolean {
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined;
  return type === 'request.aborted' || (req.destroyed && !req.complete);
}

/** The Express app: security headers, request ids and logs, the route table, JSON 404s and the error handler. */
export function createHttpApp(args: {
  useCases: UseCases;
  logger: Logger;
  routes: RouteDefinition[];
  inFlight: InFlight;
  /** Apps mounted under a prefix with their own, declared policy (the sandbox emulators). */
  mounts?: Mount[];
}): Express {
  const { logger, routes, inFlight } = args;
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(securityHeaders({ cookieSecure: args.useCases.ctx.config.cookieSecure }));

  app.use((req: Request, res: Response, next: NextFunction) => {
    const incoming = req.headers['x-request-id'];
    req.id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    req.log = logger.child({ requestId: req.id });
    res.setHeader('X-Request-Id', req.id);
    // Answers carry tokens and workspace data: no cache keeps them (static docs assets opt out).
    res.setHeader('Cache-Control', 'no-store');
    const started = process.hrtime.bigint();
    inFlight.begin();
    let ended = false;
    const finish = () => {
      if (ended) return;
      ended = true;
      inFlight.end();
      const ms = Math.round((Number(process.hrtime.bigint() - started) / 1e6) * 100) / 100;
      if (!res.writableFinished) {
        // The client left (or the request timeout cut it off) before an answer was sent: not a server error.
        req.log.info(
          { method: req.method, path: loggedPath(req.path), aborted: true, ms },
          'request aborted by the client',
        );
        return;
      }
      const level = res.statusCode >= 500 ? 'error' : 'debug';
      req.log[level]({ method: req.method, path: loggedPath(req.path), status: res.statusCode, ms }, 'request');
    };
    res.on('finish', finish);
    res.on('close', finish);
    next();
  });

  mountRoutes({ app, routes, useCases: args.useCases });
  for (const mount of args.mounts ?? []) {
    const handler = mount.handler as RequestHandler & { [MOUNT_POLICY]?: Mount['policy'] };
    handler[MOUNT_POLICY] = mount.policy;
    app.use(mount.path, handler);
  }

  app.use((req: Request, _res: Response, next: NextFunction) => {
    next(
      new AppError({
        status: 404,
        code: 'route_not_found',
        message: `No route ${req.method} ${req.path}; see /api/docs for the API`,
      }),
    );
  });

  // Express recognises error handlers by their four parameters.
  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const requestId = req.id ?? 'unknown';
    if (isClientAbort(error, req)) {
      // Nobody is left to answer; the request line is logged (at info) when the connection closes.
      (req.log ?? logger).debug({ code: (error as { code?: unknown }).code }, 'request body not received');
      return;
    }
    const answer = errorAnswer(error, requestId);
    if (answer.status >= 500) (req.log ?? logger).error(...answer.log);
    if (res.headersSent) return;
    if (answer.headers) res.set(answer.headers);
    res.status(answer.status).json(answer.body);
  });

  return app;
}

export { listRegisteredRoutes };
