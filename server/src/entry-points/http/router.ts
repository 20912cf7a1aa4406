import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { UseCases } from '../../domain/use-cases';
import { AppError, notFound, unauthorized } from '../../errors';
import { authenticateRequest, checkCsrf, readCookies, REFRESH_COOKIE } from './authentication';
import { ROUTE_POLICY, SerializedJson, type RouteAuth, type RouteDefinition } from './route';
import { parseOrThrow, rejectInputProblems } from './validation';

const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const UNSUPPORTED_MEDIA_TYPE = () =>
  new AppError({
    status: 415,
    code: 'unsupported_media_type',
    message: 'Send the body as JSON in UTF-8, with the header Content-Type: application/json',
  });

/** Whether the request carries a body at all (a length, or chunked transfer), whatever its type. */
function hasBody(req: Request): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = Number(req.headers['content-length']);
  return Number.isFinite(length) && length > 0;
}

/** The body's declared charset is UTF-8 (or none is declared, which JSON defines as UTF-8). */
function isUtf8(req: Request): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1];
  return charset === undefined || /^utf-?8$/i.test(charset);
}

/**
 * A request whose JSON body could not be read: malformed, too large, or not UTF-8 JSON. A client that went away
 * (or was cut off by the request timeout) while sending it is left to the error handler, which logs it as such.
 */
function bodyParserError(error: unknown): AppError | undefined {
  if (typeof error !== 'object' || error === null || !('type' in error)) return undefined;
  const type = (error as { type: unknown }).type;
  if (type === 'entity.parse.failed') {
    return new AppError({
      status: 400,
      code: 'invalid_json',
      message: `The body is not valid JSON: ${String((error as { message?: unknown }).message)}`,
    });
  }
  if (type === 'entity.too.large') {
    const limit = (error as { limit?: number }).limit;
    return new AppError({
      status: 413,
      code: 'payload_too_large',
      message: `The body is larger than this operation accepts (${limit} bytes); send less data`,
    });
  }
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return UNSUPPORTED_MEDIA_TYPE();
  return undefined;
}

/**
 * Registers each route on the app: authenticate (per policy) -> authorize the workspace -> validate params, query
 * and body -> run the use case -> validate and strip the response with its schema -> send.
 */
export function mountRoutes(args: { app: Express; routes: RouteDefinition[]; useCases: UseCases }): void {
  const { app, routes, useCases } = args;
  const checkSerializedResponses = !useCases.ctx.config.production;
  const jsonParsers = new Map<number, RequestHandler>();
  const jsonParser = (limit: number): RequestHandler => {
    let parser = jsonParsers.get(limit);
    if (!parser) {
      const inner = express.json({ limit, strict: false });
      parser = (req, res, next) => {
        // One story for every body that is not UTF-8 JSON (text/plain, forms, charset=latin1): 415 naming the fix.
        // A request without a body goes on, and validation says which body to send.
        if (hasBody(req) && (!req.is('application/json') || !isUtf8(req))) return next(UNSUPPORTED_MEDIA_TYPE());
        inner(req, res, (error?: unknown) => {
          if (error) return next(bodyParserError(error) ?? error);
          next();
        });
      };
      jsonParsers.set(limit, parser);
    }
    return parser;
  };

  const rawParser = (limit: number): RequestHandler => {
    const inner = express.raw({ type: () => true, limit });
    return (req, res, next) =>
      inner(req, res, (error?: unknown) => {
        if (error) return next(bodyParserError(error) ?? error);
        if (!Buffer.isBuffer(req.body)) req.body = Buffer.alloc(0);
        next();
      });
  };

  for (const route of routes) {
    // Authentication runs before the body is even read: no credentials, no parsing.
    const authenticate: RequestHandler = (req, res, next) => {
      authorize(useCases, route, req).then((auth) => {
        res.locals.auth = auth;
        next();
      }, next);
    };
    const handle = async (req: Request, res: Response): Promise<void> => {
      const auth = res.locals.auth as RouteAuth;
      // Depth and NUL bounds first, iteratively: validation, JSON.stringify and logging all recurse.
      rejectInputProblems(req.params);
      rejectInputProblems(req.query);
      if (route.body) rejectInputProblems(req.body);
      const params = route.params ? parseOrThrow(route.params, req.params, 'path') : {};
      const query = route.query ? parseOrThrow(route.query, req.query ?? {}, 'query') : {};
      const body = route.body ? parseOrThrow(route.body, req.body, 'body') : undefined;
      const result = await route.handler({ params, query, body, auth, req, res });
      if (route.raw) return;
      if (!route.response.schema) {
        res.status(route.response.status).end();
        return;
      }
      if (result instanceof SerializedJson) {
        if (checkSerializedResponses) checkedResponse(route, JSON.parse(result.text));
        res.status(route.response.status).type('application/json').send(result.text);
        return;
      }
      res.status(route.response.status).json(checkedResponse(route, result));
    };
    const stack: RequestHandler[] = [authenticate];
    if (route.body) stack.push(jsonParser(route.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));
    if (route.rawBody) stack.push(rawParser(route.rawBody.maxBytes));
    stack.push(handle as RequestHandler);
    const expressRoute = app.route(route.path);
    (expressRoute as unknown as Record<symbol, unknown>)[ROUTE_POLICY] = route.policy;
    expressRoute[route.method](...stack);
  }
}

/**
 * The response parsed with its schema (unknown fields stripped). A response that does not match its own schema is a
 * programmer error: fail loudly (500 with the request id), never send it.
 */
function checkedResponse(route: RouteDefinition, value: unknown): unknown {
  const checked = route.response.schema!.safeParse(value);
  if (!checked.success)
    throw new Error(`Response of ${route.operationId} does not match its schema: ${z.prettifyError(checked.error)}`);
  return checked.data;
}

async function authorize(useCases: UseCases, route: RouteDefinition, req: Request): Promise<RouteAuth> {
  const { policy } = route;
  switch (policy.kind) {
    // shopifyWebhook: the handler checks the signature over the raw body; oauthState: the handler checks the cookie.
    case 'public':
    case 'shopifyWebhook':
    case 'oauthState':
      return { actor: undefined, access: undefined };
    case 'refreshCookie': {
      checkCsrf(req, useCases.ctx.config.allowedOrigins);
      if (!readCookies(req)[REFRESH_COOKIE]) throw unauthorized('not_signed_in', 'No session cookie; log in first');
      return { actor: undefined, access: undefined };
    }
    case 'user': {
      const actor = await authenticateRequest(useCases, req);
      if (!actor) throw unauthorized('not_signed_in', 'Sign in and send "Authorization: Bearer <access token>"');
      if (actor.kind !== 'user')
        throw new AppError({
          status: 403,
          code: 'api_token_not_allowed',
          message: 'API tokens cannot call this operation; sign in as a user',
        });
      return { actor, access: undefined };
    }
    case 'apiToken': {
      const actor = await authenticateRequest(useCases, req);
      if (!actor) throw unauthorized('not_signed_in', 'Send "Authorization: Bearer <API token>"');
      if (actor.kind !== 'apiToken')
        throw new AppError({
          status: 403,
          code: 'api_token_required',
          message: 'This operation is for API tokens (ifx_...)',
        });
      return { actor, access: undefined };
    }
    case 'workspace': {
      const actor = await authenticateRequest(useCases, req);
      if (!actor)
        throw unauthorized('not_signed_in', 'Sign in (or use an API token) and send "Authorization: Bearer <token>"');
      const workspaceId = req.params.workspaceId;
      // A malformed id cannot name any workspace: same answer as someone else's workspace.
      if (typeof workspaceId !== 'string' || !UUID.test(workspaceId)) throw notFound('workspace');
      const access = await useCases.access.require({
        actor,
        workspaceId: workspaceId.toLowerCase(),
        minRole: policy.minRole,
        scope: policy.apiTokenScope,
      });
      return { actor, access };
    }
  }
}

/** Marks an app mounted under a prefix (not part of the route table) with the policy it declares. */
export const MOUNT_POLICY = Symbol('ionflux.mountPolicy');

/**
 * An app mounted as a whole under a path prefix, with its own access rules: the sandbox emulators answer with the
 * emulated services' own authentication (their fake tokens), never with IONFLUX data.
 */
export interface Mount {
  path: string;
  handler: RequestHandler;
  policy: { kind: 'sandbox' | 'studio'; description: string };
}

/** Every route layer of the app with the policy it carries (undefined = registered outside the route table). */
export function listRegisteredRoutes(app: Express): Array<{ method: string; path: string; policy: unknown }> {
  const found: Array<{ method: string; path: string; policy: unknown }> = [];
  const walk = (stack: unknown[], prefix: string): void => {
    for (const layer of stack as Array<{
      route?: { path: string; methods: Record<string, boolean> };
      handle?: { stack?: unknown[] };
      rawPath?: string;
    }>) {
      const mountPolicy = (layer.handle as Record<symbol, unknown> | undefined)?.[MOUNT_POLICY];
      if (mountPolicy !== undefined) {
        found.push({
          method: 'all',
          path: `${prefix}${typeof layer.rawPath === 'string' ? layer.rawPath.replace(/\/$/, '') : ''}/*`,
          policy: mountPolicy,
        });
      } else if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) {
          found.push({
            method,
            path: prefix + layer.route.path,
            policy: (layer.route as unknown as Record<symbol, unknown>)[ROUTE_POLICY],
          });
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + (typeof layer.rawPath === 'string' ? layer.rawPath : ''));
      }
    }
  };
  walk((app as unknown as { router: { stack: unknown[] } }).router.stack, '');
  return found;
}
