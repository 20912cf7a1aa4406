import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { WorkspaceRole } from '../../domain/model';
import type { Actor, WorkspaceAccess } from '../../domain/context';
import type { ApiTokenScope } from '../../domain/model';

/**
 * Who may call a route. Every route has exactly one; there is no default, and a test walks the Express router to
 * prove that no route got registered without one.
 *
 * - `public`: anyone (signup, login, health, docs).
 * - `refreshCookie`: the httpOnly refresh cookie authenticates; CSRF-checked (double-submit token + Origin).
 * - `user`: a signed-in user's bearer access token.
 * - `apiToken`: a workspace API token (`ifx_...`).
 * - `workspace`: a user who is a member with at least `minRole` of `:workspaceId`, or, when `apiTokenScope` is
 *   set, an API token of that workspace with that scope and at least `minRole`.
 * - `shopifyWebhook`: Shopify's signature (X-Shopify-Hmac-Sha256 over the raw body with the app secret), checked by
 *   the handler before the body is parsed.
 * - `oauthState`: an OAuth redirect back from a provider, authenticated by the signed, httpOnly state cookie that
 *   the matching begin operation set for the signed-in user (and the state parameter equal to its nonce).
 */
export type RoutePolicy =
  | { kind: 'public' }
  | { kind: 'refreshCookie' }
  | { kind: 'user' }
  | { kind: 'apiToken' }
  | { kind: 'workspace'; minRole: WorkspaceRole; apiTokenScope?: ApiTokenScope }
  | { kind: 'shopifyWebhook' }
  | { kind: 'oauthState' };

export interface RouteAuth {
  actor: Actor | undefined;
  /** Set for `workspace` routes: the checked access to `:workspaceId`. */
  access: WorkspaceAccess | undefined;
}

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

type AnyObjectSchema = z.ZodType<Record<string, unknown>>;

export interface RouteDefinition<
  P extends AnyObjectSchema = AnyObjectSchema,
  Q extends AnyObjectSchema = AnyObjectSchema,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  /** Express path, e.g. `/api/workspaces/:workspaceId/pages/:pageId`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  policy: RoutePolicy;
  params?: P;
  query?: Q;
  body?: B;
  /** Largest accepted JSON body in bytes (default 64 KiB). */
  maxBodyBytes?: number;
  /**
   * The body is read as raw bytes (any content type, up to `maxBytes`) and handed to the handler as a Buffer in
   * `req.body`, for signatures computed over the exact bytes. `schema` documents it.
   */
  rawBody?: { maxBytes: number; schema: z.ZodType; example?: unknown };
  response: { status: number; description: string; schema?: R };
  /** Error statuses worth documenting besides the ones every route can return. */
  errors?: number[];
  /** A valid request: shown in the docs and replayed by the tenant-isolation test. */
  example?: { body?: z.input<B>; query?: Record<string, string> };
  /** Non-JSON responses (docs assets) send themselves and return undefined. */
  raw?: boolean;
  handler: (input: {
    params: z.output<P>;
    query: z.output<Q>;
    body: z.output<B>;
    auth: RouteAuth;
    req: Request;
    res: Response;
  }) => Promise<(R extends z.ZodType ? z.input<R> : never) | SerializedJson | undefined>;
}

/**
 * A response body the database already serialized (see findPageWithBlocksJson): sent as is. Outside production
 * the router still parses it and checks it against the route's response schema.
 */
export class SerializedJson {
  constructor(readonly text: string) {}
}

/** Identity function that keeps the route's types tied together (params/query/body/response -> handler). */
export function defineRoute<
  P extends AnyObjectSchema,
  Q extends AnyObjectSchema,
  B extends z.ZodType,
  R extends z.ZodType,
>(route: RouteDefinition<P, Q, B, R>): RouteDefinition {
  return route as unknown as RouteDefinition;
}

/** Marks an Express Route object with the policy it was registered under (read by the router walk). */
export const ROUTE_POLICY = Symbol.for('ionflux.routePolicy');
