import type { Request, Response } from 'express';
import { z } from 'zod';
import { OAUTH_COOKIE, OAUTH_STATE_TTL_SECONDS, oauthReturnWorkspace } from '../../../domain/connections/oauth-state';
import { AppError } from '../../../errors';
import { BrandSchema, CreatorSchema } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { readCookies } from '../authentication';
import { uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';

const BrandParams = WorkspaceParams.extend({ brandId: uuid });
const CreatorParams = WorkspaceParams.extend({ creatorId: uuid });
const COOKIE_PATH = '/api/connections';

const BeginResponse = z.object({
  authorizeUrl: z.string().describe('Send the browser here (the provider asks the user to approve)'),
  scopes: z.array(z.string()).describe("What is asked for: the scopes the workspace's agents declare"),
});

/**
 * Connecting Brands to Shopify stores and Creators to TikTok accounts through the providers' OAuth screens. Begin
 * answers the URL to open and sets the flow's signed state cookie (httpOnly, SameSite=Lax so the provider's
 * top-level redirect back carries it); the callback checks it and redirects the browser back to the studio.
 */
export function connectionRoutes(useCases: UseCases): RouteDefinition[] {
  const { shopifyConnections, tiktokConnections } = useCases;
  const secure = useCases.ctx.config.cookieSecure;
  const setStateCookie = (res: Response, value: string) =>
    res.cookie(OAUTH_COOKIE, value, {
      httpOnly: true,
      sameSite: 'lax',
      secure,
      path: COOKIE_PATH,
      maxAge: OAUTH_STATE_TTL_SECONDS * 1000,
    });
  const finish = (res: Response, params: Record<string, string>) => {
    res.clearCookie(OAUTH_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: COOKIE_PATH });
    res.redirect(303, `/?${new URLSearchParams(params).toString()}`);
  };
  const stateCookie = (req: Request) => readCookies(req)[OAUTH_COOKIE];
  /**
   * A callback that fails (bad state, bad HMAC, a refused exchange): a browser that the provider sent back (a
   * top-level navigation) returns to the studio's Connections screen with the error, readable; an API client (no
   * navigation) gets the JSON error.
   */
  const completeOrReturn = async (
    req: Request,
    res: Response,
    provider: 'shopify' | 'tiktok',
    complete: () => Promise<Record<string, string>>,
  ) => {
    let params: Record<string, string>;
    try {
      params = await complete();
    } catch (error) {
      if (!(error instanceof AppError) || error.status >= 500 || req.get('sec-fetch-mode') !== 'navigate') throw error;
      const workspaceId = await oauthReturnWorkspace(stateCookie(req), useCases.ctx.jwtKey);
      finish(res, {
        connection: provider,
        status: 'error',
        code: error.code,
        message: error.message,
        ...(workspaceId ? { workspaceId } : {}),
      });
      return;
    }
    finish(res, params);
  };
  const CallbackQuery = z.looseObject({
    state: z.string().max(200).optional().describe('The nonce begin sent'),
    code: z.string().max(2000).optional(),
  });

  return [
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/brands/:brandId/shopify/connect',
      operationId: 'beginShopifyConnection',
      summary: "Start connecting a Brand to its Shopify store: answers the store's authorization URL",
      description:
        'Scopes are what the workspace agents declare for Shopify (read_orders at least). The shop is `shopDomain`, ' +
        "else the Brand's, else (sandbox) the sandbox store; it must be a *.myshopify.com domain. Sets the flow's " +
        'state cookie; open `authorizeUrl` in the same browser within 10 minutes.',
      tags: ['connections'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: BrandParams,
      body: z
        .strictObject({
          shopDomain: z.string().max(255).optional().describe('e.g. my-store.myshopify.com'),
        })
        .default({}),
      example: { body: {} },
      response: { status: 200, description: 'Where to send the browser', schema: BeginResponse },
      errors: [409],
      handler: async ({ auth, params, body, res }) => {
        const begun = await shopifyConnections.begin(auth.access!, params.brandId, {
          ...(body.shopDomain ? { shopDomain: body.shopDomain } : {}),
        });
        setStateCookie(res, begun.stateCookie);
        return { authorizeUrl: begun.authorizeUrl, scopes: begun.scopes };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/connections/shopify/callback',
      operationId: 'completeShopifyConnection',
      summary: 'Shopify redirects here after the merchant approves: the token is stored and webhooks subscribed',
      description:
        'Checks the state cookie and nonce (401), the HMAC of the query (400 `query.hmac`) and the shop (400 ' +
        '`query.shop`: a *.myshopify.com, the one the connection began with), exchanges the code, stores the token ' +
        'encrypted, subscribes the webhooks and redirects (303) to `/?connection=shopify&status=connected&...`. ' +
        'A failure in a browser navigation (Sec-Fetch-Mode: navigate) redirects (303) to ' +
        '`/?connection=shopify&status=error&code=...&message=...` instead of answering the JSON error.',
      tags: ['connections'],
      policy: { kind: 'oauthState' },
      query: CallbackQuery,
      raw: true,
      response: { status: 303, description: 'Back to the studio' },
      errors: [400],
      handler: async ({ req, res }) => {
        await completeOrReturn(req, res, 'shopify', async () => {
          const done = await shopifyConnections.complete({
            query: req.query as Record<string, unknown>,
            cookie: stateCookie(req),
          });
          return { connection: 'shopify', status: 'connected', workspaceId: done.workspaceId, brandId: done.brandId };
        });
        return undefined;
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/brands/:brandId/shopify/connection',
      operationId: 'disconnectBrand',
      summary: 'Disconnect a Brand from Shopify: its webhook subscriptions are removed, then its token',
      tags: ['connections'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: BrandParams,
      response: { status: 200, description: 'The Brand, disconnected', schema: z.object({ brand: BrandSchema }) },
      handler: async ({ auth, params }) => ({
        brand: await shopifyConnections.disconnect(auth.access!, params.brandId),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/creators/:creatorId/tiktok/connect',
      operationId: 'beginTikTokConnection',
      summary: "Start connecting a Creator to a TikTok account (Login Kit): answers TikTok's authorization URL",
      description:
        "Scopes are what the workspace's agents declare for TikTok (user.info.basic at least); state and a PKCE " +
        "challenge (S256) are sent, the state and verifier kept in the flow's signed cookie.",
      tags: ['connections'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: CreatorParams,
      response: { status: 200, description: 'Where to send the browser', schema: BeginResponse },
      errors: [409],
      handler: async ({ auth, params, res }) => {
        const begun = await tiktokConnections.begin(auth.access!, params.creatorId);
        setStateCookie(res, begun.stateCookie);
        return { authorizeUrl: begun.authorizeUrl, scopes: begun.scopes };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/connections/tiktok/callback',
      operationId: 'completeTikTokConnection',
      summary: 'TikTok redirects here after the user answers: tokens stored (or the refusal recorded)',
      description:
        'Checks the state cookie and nonce (401). A refusal (`error=access_denied`) stores nothing and redirects ' +
        'with `status=denied`; otherwise the code is exchanged with the PKCE verifier and the tokens stored ' +
        'encrypted (303 to `/?connection=tiktok&status=connected&...`).',
      tags: ['connections'],
      policy: { kind: 'oauthState' },
      query: CallbackQuery,
      raw: true,
      response: { status: 303, description: 'Back to the studio' },
      errors: [400],
      handler: async ({ req, res }) => {
        await completeOrReturn(req, res, 'tiktok', async () => {
          const done = await tiktokConnections.complete({
            query: req.query as Record<string, unknown>,
            cookie: stateCookie(req),
          });
          return {
            connection: 'tiktok',
            status: done.outcome,
            workspaceId: done.workspaceId,
            creatorId: done.creatorId,
          };
        });
        return undefined;
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/creators/:creatorId/tiktok/refresh',
      operationId: 'refreshTikTokConnection',
      summary: "Refresh a Creator's TikTok token now (runs refresh it on their own before it expires)",
      description:
        'TikTok rotates refresh tokens: the new access and refresh tokens replace the old ones together. A revoked ' +
        'or expired authorization marks the Creator and answers 409 `tiktok_reconnect`.',
      tags: ['connections'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: CreatorParams,
      response: { status: 200, description: 'The Creator', schema: z.object({ creator: CreatorSchema }) },
      errors: [409],
      handler: async ({ auth, params }) => ({
        creator: await tiktokConnections.refresh(auth.access!, params.creatorId),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/creators/:creatorId/tiktok/connection',
      operationId: 'disconnectCreator',
      summary: 'Disconnect a Creator from TikTok: the authorization is revoked at TikTok, then the tokens deleted',
      tags: ['connections'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: CreatorParams,
      response: { status: 200, description: 'The Creator, disconnected', schema: z.object({ creator: CreatorSchema }) },
      handler: async ({ auth, params }) => ({
        creator: await tiktokConnections.disconnect(auth.access!, params.creatorId),
      }),
    }),
  ];
}
