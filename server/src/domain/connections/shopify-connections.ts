import type { Shopify } from '@shopify/shopify-api';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { listAgentConfigurations, resumeAgentsOfBrand } from '../../data-access/agents-repository';
import type { WebhookSubscription } from '../../data-access/schema';
import { AppError, conflict, forbidden } from '../../errors';
import { checkedAgentOf } from '../agents/agent-runs';
import { hasRole, type AppContext, type WorkspaceAccess } from '../context';
import { KeyedMutex } from '../keyed-mutex';
import type { Brand } from '../model';
import type { Profiles } from '../profiles';
import type { WorkspaceAccessPolicy } from '../workspace-access';
import { badCallback, newNonce, signOAuthState, verifyOAuthState, type OAuthState } from './oauth-state';
import { SHOPIFY_APP_UNINSTALLED } from './shopify-webhooks';
import { sanitizeShopDomain } from './shop-domain';

export const SHOPIFY_CALLBACK_PATH = '/api/connections/shopify/callback';
const API_VERSION = SANDBOX_CREDENTIALS.shopify.apiVersion;

/** `orders/create` -> `ORDERS_CREATE` (the Admin GraphQL WebhookSubscriptionTopic). */
export const graphqlTopic = (topic: string) => topic.toUpperCase().replace(/\//g, '_');

interface ShopifyApp {
  apiKey: string;
  apiSecret: string;
  /** True for the sandbox app: the shop is the server's own emulator. */
  sandbox: boolean;
}

/**
 * Connecting a Brand to a Shopify store: the authorization code grant (begin -> Shopify's consent -> callback),
 * with the shop domain and the callback's HMAC checked by the official @shopify/shopify-api (`sanitizeShop`,
 * `validateHmac`), the state nonce in a signed httpOnly cookie, then webhook subscriptions for the topics the
 * workspace's agents listen to (plus app/uninstalled) through the Admin GraphQL webhookSubscriptionCreate.
 * Against the sandbox store by default; against real Shopify with SHOPIFY_API_KEY/SECRET and PUBLIC_URL.
 */
export class ShopifyConnections {
  readonly #ctx: AppContext;
  readonly #profiles: Profiles;
  readonly #access: WorkspaceAccessPolicy;
  #listeningUrl = '';
  #library: Shopify | undefined;

  constructor(ctx: AppContext, deps: { profiles: Profiles; access: WorkspaceAccessPolicy }) {
    this.#ctx = ctx;
    this.#profiles = deps.profiles;
    this.#access = deps.access;
    // Subscriptions follow the agents: one enabled, disabled, rebound or deleted changes the topics a shop sends.
    ctx.events.on('agent.changed', ({ workspaceId }) => {
      const sync = this.syncWorkspace(workspaceId).catch((error: unknown) =>
        ctx.logger.warn({ err: error, workspaceId }, 'could not update Shopify webhook subscriptions'),
      );
      this.#syncing.add(sync);
      void sync.finally(() => this.#syncing.delete(sync));
    });
  }

  readonly #syncing = new Set<Promise<unknown>>();
  /**
   * One subscription change at a time per Brand in this process: a background sync (agents changed) and a
   * disconnect or connect of the same Brand never interleave, so a disconnect deletes what a sync just created.
   */
  readonly #brandLocks = new KeyedMutex();

  /** Resolves when the subscription updates started so far are done (tests wait on it). */
  async settled(): Promise<void> {
    await Promise.all([...this.#syncing]);
  }

  /** Where this server listens (set by startServer): its own sandbox is reached there. */
  attach({ baseUrl }: { baseUrl: string }): void {
    this.#listeningUrl = baseUrl;
  }

  /** The address browsers and Shopify reach this server at. */
  publicUrl(): string {
    return this.#ctx.config.publicUrl ?? this.#listeningUrl;
  }

  callbackUrl(): string {
    return `${this.publicUrl()}${SHOPIFY_CALLBACK_PATH}`;
  }

  #app(): ShopifyApp {
    const configured = this.#ctx.config.shopifyApp;
    if (configured) return { ...configured, sandbox: false };
    if (this.#ctx.config.sandbox)
      return {
        apiKey: SANDBOX_CREDENTIALS.shopify.clientId,
        apiSecret: SANDBOX_CREDENTIALS.shopify.clientSecret,
        sandbox: true,
      };
    throw conflict(
      'shopify_not_configured',
      'This server has no Shopify app: set SHOPIFY_API_KEY, SHOPIFY_API_SECRET and PUBLIC_URL (or run the sandbox)',
    );
  }

  #shopify(): Shopify {
    if (!this.#library) {
      // Loaded on first use: most servers never connect a store, and the library is large.
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load of the official library
      require('@shopify/shopify-api/adapters/node');
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- lazy load of the official library
      const { shopifyApi } = require('@shopify/shopify-api') as typeof import('@shopify/shopify-api');
      const app = this.#app();
      const url = new URL(this.publicUrl() || 'http://127.0.0.1');
      this.#library = shopifyApi({
        apiKey: app.apiKey,
        apiSecretKey: app.apiSecret,
        scopes: ['read_orders'],
        hostName: url.host,
        hostScheme: url.protocol === 'https:' ? 'https' : 'http',
        apiVersion: API_VERSION as never,
        isEmbeddedApp: false,
        logger: { level: 0, log: async () => undefined },
      });
    }
    return this.#library;
  }

  /** Base URL of a shop's Admin endpoints: the sandbox store on this server, or the real shop. */
  #shopBase(app: ShopifyApp, shop: string): string {
    return app.sandbox ? `${this.#listeningUrl}/sandbox/shopify` : `https://${shop}`;
  }

  /** The shop domain for a flow: the one given, else the Brand's, else (sandbox) the sandbox store. */
  #shopFor(app: ShopifyApp, brand: Brand, given: string | undefined): string {
    const raw = given ?? brand.shopDomain ?? (app.sandbox ? SANDBOX_CREDENTIALS.shopify.shopDomain : undefined);
    const shop = this.#sanitize(raw);
    if (!shop)
      throw new AppError({
        status: 400,
        code: 'invalid_request',
        message: 'shopDomain: give the store as <name>.myshopify.com',
        fields: [{ path: 'shopDomain', message: 'give the store as <name>.myshopify.com' }],
      });
    if (app.sandbox && shop !== SANDBOX_CREDENTIALS.shopify.shopDomain)
      throw new AppError({
        status: 400,
        code: 'invalid_request',
        message: `shopDomain: this server connects to the sandbox store only (${SANDBOX_CREDENTIALS.shopify.shopDomain}); set SHOPIFY_API_KEY and SHOPIFY_API_SECRET for real stores`,
        fields: [{ path: 'shopDomain', message: 'not the sandbox store' }],
      });
    return shop;
  }

  #sanitize(value: string | undefined | null): string | null {
    if (!value) return null;
    const library = this.#shopify().utils.sanitizeShop(value.trim(), false);
    return library ? sanitizeShopDomain(library) : null;
  }

  /** Scopes the workspace's agents declare for their Shopify connections (read_orders at least). */
  async #scopes(workspaceId: string): Promise<string[]> {
    const scopes = new Set<string>(['read_orders']);
    for (const config of await listAgentConfigurations(this.#ctx.db, workspaceId)) {
      try {
        for (const connection of Object.values(checkedAgentOf(config.yaml).agent.spec.connections ?? {}))
          if (connection.type === 'shopify') for (const scope of connection.scopes ?? []) scopes.add(scope);
      } catch {
        // An agent that no longer validates declares nothing.
      }
    }
    return [...scopes].sort();
  }

  /**
   * Starts connecting `brandId`: answers the URL to send the browser to and the signed state cookie to set.
   *
   * @example const { authorizeUrl, stateCookie } = await connections.begin(access, brandId, {});
   */
  async begin(
    access: WorkspaceAccess,
    brandId: string,
    args: { shopDomain?: string },
  ): Promise<{ authorizeUrl: string; stateCookie: string; shopDomain: string; scopes: string[] }> {
    requireAdmin(access);
    if (access.actor.kind !== 'user')
      throw forbidden('api_token_not_allowed', 'Connecting a store is done by a signed-in person in a browser');
    const app = this.#app();
    const brand = await this.#profiles.getBrand(access, brandId);
    const shop = this.#shopFor(app, brand, args.shopDomain);
    const scopes = await this.#scopes(access.workspaceId);
    const state: OAuthState = {
      provider: 'shopify',
      nonce: newNonce(),
      userId: access.actor.userId,
      workspaceId: access.workspaceId,
      ownerId: brandId,
      redirectUri: this.callbackUrl(),
      shop,
    };
    const url = new URL(`${this.#shopBase(app, shop)}/admin/oauth/authorize`);
    url.searchParams.set('client_id', app.apiKey);
    url.searchParams.set('scope', scopes.join(','));
    url.searchParams.set('redirect_uri', state.redirectUri);
    url.searchParams.set('state', state.nonce);
    return {
      authorizeUrl: url.toString(),
      stateCookie: await signOAuthState(state, this.#ctx.jwtKey),
      shopDomain: shop,
      scopes,
    };
  }

  /**
   * Completes a connection from Shopify's redirect: state cookie and nonce, the query's HMAC (constant time, with
   * its timestamp), the shop (a *.myshopify.com, the one the flow began with), then the code exchange. Stores the
   * token encrypted, marks the Brand connected and subscribes the webhooks. Returns where the Brand lives.
   */
  async complete(args: {
    query: Record<string, unknown>;
    cookie: string | undefined;
  }): Promise<{ workspaceId: string; brandId: string }> {
    const state = await verifyOAuthState({
      cookie: args.cookie,
      stateParam: args.query.state,
      provider: 'shopify',
      key: this.#ctx.jwtKey,
    });
    const app = this.#app();
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(args.query)) if (typeof value === 'string') query[key] = value;
    if (!query.hmac) throw badCallback('hmac', 'missing: the redirect must come from Shopify');
    if (
      !(await this.#shopify()
        .utils.validateHmac(query, { signator: 'admin' })
        .catch(() => false))
    )
      throw badCallback('hmac', 'does not match the query (or the timestamp is too old): not a redirect from Shopify');
    const shop = this.#sanitize(query.shop);
    if (!shop) throw badCallback('shop', 'not a *.myshopify.com shop domain');
    if (shop !== state.shop)
      throw badCallback('shop', `the connection was started for ${state.shop}, not ${shop}; start again`);
    if (!query.code) throw badCallback('code', 'missing');
    const access = await this.#access.require({
      actor: { kind: 'user', userId: state.userId, sessionId: 'oauth' },
      workspaceId: state.workspaceId,
      minRole: 'admin',
    });
    await this.#profiles.getBrand(access, state.ownerId);

    const exchange = await fetch(`${this.#shopBase(app, shop)}/admin/oauth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      // An expiring offline token (an hour) with a rotating refresh token, as Shopify now recommends
      // (https://shopify.dev/changelog/offline-access-tokens-now-support-expiry-and-refresh): runs refresh it through
      // n8n's OAuth2 helper and the run executor stores each rotated pair.
      body: JSON.stringify({ client_id: app.apiKey, client_secret: app.apiSecret, code: query.code, expiring: 1 }),
      signal: AbortSignal.timeout(15_000),
    });
    const token = (await exchange.json().catch(() => ({}))) as {
      access_token?: string;
      scope?: string;
      expires_in?: number;
      refresh_token?: string;
    };
    if (!exchange.ok || !token.access_token)
      throw new AppError({
        status: 400,
        code: 'oauth_exchange_failed',
        message: `Shopify refused the authorization code (${exchange.status}); start connecting again`,
      });
    await this.#profiles.setCredentials(access, {
      ownerType: 'brand',
      ownerId: state.ownerId,
      credentials: {
        accessToken: token.access_token,
        ...(token.refresh_token ? { refreshToken: token.refresh_token } : {}),
        scopes: (token.scope ?? '').split(',').filter(Boolean),
        expiresAt:
          typeof token.expires_in === 'number' ? new Date(Date.now() + token.expires_in * 1000).toISOString() : null,
      },
    });
    await this.#ctx.db
      .updateTable('brands')
      .set({ shop_domain: shop, connection_state: 'connected', connection_detail: null, updated_at: new Date() })
      .where('workspace_id', '=', state.workspaceId)
      .where('id', '=', state.ownerId)
      .execute();
    // Agents suspended when the store uninstalled the app run again (before subscribing, so their topics count).
    const resumed = await resumeAgentsOfBrand(this.#ctx.db, { workspaceId: state.workspaceId, brandId: state.ownerId });
    await this.syncSubscriptions({ workspaceId: state.workspaceId, brandId: state.ownerId });
    // The workspace's studios see them enabled again.
    for (const agentId of resumed) this.#ctx.events.emit('agent.changed', { workspaceId: state.workspaceId, agentId });
    return { workspaceId: state.workspaceId, brandId: state.ownerId };
  }

  /**
   * Disconnects a Brand: its webhook subscriptions are deleted in the shop, then its token here. Waits for a
   * subscription sync of the Brand in progress, so what it created is deleted too.
   */
  async disconnect(access: WorkspaceAccess, brandId: string): Promise<Brand> {
    requireAdmin(access);
    await this.#profiles.getBrand(access, brandId);
    return this.#brandLocks.run(brandId, () => this.#disconnect(access, brandId));
  }

  async #disconnect(access: WorkspaceAccess, brandId: string): Promise<Brand> {
    const brand = await this.#profiles.getBrand(access, brandId);
    const row = await this.#brandRow(access.workspaceId, brandId);
    const credentials = await this.#profiles.readCredentials({
      workspaceId: access.workspaceId,
      ownerType: 'brand',
      ownerId: brandId,
    });
    if (credentials && brand.shopDomain && row) {
      const app = this.#app();
      for (const subscription of row.webhook_subscriptions) {
        await this.#graphql(app, brand.shopDomain, credentials.accessToken, {
          query:
            'mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { deletedWebhookSubscriptionId userErrors { message } } }',
          variables: { id: subscription.id },
        }).catch((error: unknown) =>
          this.#ctx.logger.warn({ err: error, brandId }, 'could not delete a webhook subscription while disconnecting'),
        );
      }
    }
    await this.#profiles.removeCredentials(access, { ownerType: 'brand', ownerId: brandId });
    await this.#ctx.db
      .updateTable('brands')
      .set({
        connection_state: 'disconnected',
        connection_detail: 'Disconnected; connect the store again to resume its agents',
        webhook_subscriptions: '[]',
        updated_at: new Date(),
      })
      .where('workspace_id', '=', access.workspaceId)
      .where('id', '=', brandId)
      .execute();
    return this.#profiles.getBrand(access, brandId);
  }

  /**
   * Makes the shop's subscriptions match what the workspace's enabled agents bound to this Brand listen to (plus
   * app/uninstalled): creates the missing ones, deletes the ones no agent needs. No-op for a Brand not connected
   * through OAuth.
   */
  async syncSubscriptions(args: { workspaceId: string; brandId: string }): Promise<WebhookSubscription[]> {
    return this.#brandLocks.run(args.brandId, () => this.#syncSubscriptions(args));
  }

  async #syncSubscriptions(args: { workspaceId: string; brandId: string }): Promise<WebhookSubscription[]> {
    const row = await this.#brandRow(args.workspaceId, args.brandId);
    if (!row || row.connection_state !== 'connected' || !row.shop_domain) return [];
    const credentials = await this.#profiles.readCredentials({
      workspaceId: args.workspaceId,
      ownerType: 'brand',
      ownerId: args.brandId,
    });
    if (!credentials) return [];
    const wanted = new Set<string>([SHOPIFY_APP_UNINSTALLED]);
    for (const config of await listAgentConfigurations(this.#ctx.db, args.workspaceId)) {
      if (!config.enabled || config.trigger_kind !== 'shopify.order') continue;
      try {
        const trigger = (checkedAgentOf(config.yaml).agent.spec.trigger as Record<string, unknown>)[
          'shopify.order'
        ] as {
          connection: string;
          topic?: string;
        };
        const binding = (config.bindings as Record<string, { brandId?: string }>)[trigger.connection];
        if (binding?.brandId === args.brandId) wanted.add(trigger.topic ?? 'orders/create');
      } catch {
        // An agent that no longer validates listens to nothing.
      }
    }
    const app = this.#app();
    const address = `${this.publicUrl()}/webhooks/shopify`;
    const kept: WebhookSubscription[] = [];
    const made: WebhookSubscription[] = [];
    for (const subscription of row.webhook_subscriptions) {
      if (wanted.has(subscription.topic)) {
        kept.push(subscription);
        wanted.delete(subscription.topic);
      } else {
        await this.#graphql(app, row.shop_domain, credentials.accessToken, {
          query: 'mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { userErrors { message } } }',
          variables: { id: subscription.id },
        });
      }
    }
    for (const topic of wanted) {
      const data = await this.#graphql(app, row.shop_domain, credentials.accessToken, {
        query: `mutation($topic: WebhookSubscriptionTopic!, $sub: WebhookSubscriptionInput!) {
          webhookSubscriptionCreate(topic: $topic, webhookSubscription: $sub) {
            webhookSubscription { id } userErrors { field message } } }`,
        variables: { topic: graphqlTopic(topic), sub: { uri: address, format: 'JSON' } },
      });
      const created = data.webhookSubscriptionCreate as {
        webhookSubscription: { id: string } | null;
        userErrors: { message: string }[];
      };
      if (created.webhookSubscription) {
        kept.push({ id: created.webhookSubscription.id, topic });
        made.push({ id: created.webhookSubscription.id, topic });
      } else if (created.userErrors.some((e) => /already been taken/.test(e.message))) {
        // The store already sends this topic here (a subscription this server no longer records, e.g. one left
        // from before an uninstall): adopt it, so it is kept in step and deleted on disconnect like the others.
        const existing = await this.#graphql(app, row.shop_domain, credentials.accessToken, {
          query: `query($topic: WebhookSubscriptionTopic!, $uri: String!) {
            webhookSubscriptions(first: 1, topics: [$topic], uri: $uri) { nodes { id } } }`,
          variables: { topic: graphqlTopic(topic), uri: address },
        });
        const found = (existing.webhookSubscriptions as { nodes: { id: string }[] } | undefined)?.nodes[0];
        if (found) kept.push({ id: found.id, topic });
      } else
        throw new AppError({
          status: 502,
          code: 'shopify_subscription_failed',
          message: `Shopify refused the ${topic} webhook subscription: ${created.userErrors.map((e) => e.message).join('; ')}`,
        });
    }
    // Recorded only while the Brand is still connected: another server process may have disconnected it (or the
    // store uninstalled the app) while the shop was being called. Then what this sync created is deleted again
    // (the token in hand still works unless it was revoked, and then the shop dropped them itself).
    const recorded = await this.#ctx.db
      .updateTable('brands')
      .set({ webhook_subscriptions: JSON.stringify(kept) })
      .where('workspace_id', '=', args.workspaceId)
      .where('id', '=', args.brandId)
      .where('connection_state', '=', 'connected')
      .executeTakeFirst();
    if (Number(recorded.numUpdatedRows) === 0) {
      for (const subscription of made)
        await this.#graphql(app, row.shop_domain, credentials.accessToken, {
          query: 'mutation($id: ID!) { webhookSubscriptionDelete(id: $id) { userErrors { message } } }',
          variables: { id: subscription.id },
        }).catch((error: unknown) =>
          this.#ctx.logger.warn(
            { err: error, brandId: args.brandId },
            'could not delete a webhook subscription of a Brand disconnected during a sync',
          ),
        );
      return [];
    }
    return kept;
  }

  /** Re-syncs every OAuth-connected Brand of a workspace (after agents are saved, enabled, disabled or deleted). */
  async syncWorkspace(workspaceId: string): Promise<void> {
    const brands = await this.#ctx.db
      .selectFrom('brands')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('connection_state', '=', 'connected')
      .execute();
    for (const brand of brands) await this.syncSubscriptions({ workspaceId, brandId: brand.id });
  }

  async #brandRow(workspaceId: string, brandId: string) {
    return this.#ctx.db
      .selectFrom('brands')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', brandId)
      .executeTakeFirst();
  }

  async #graphql(
    app: ShopifyApp,
    shop: string,
    accessToken: string,
    body: { query: string; variables: Record<string, unknown> },
  ): Promise<Record<string, unknown>> {
    const response = await fetch(`${this.#shopBase(app, shop)}/admin/api/${API_VERSION}/graphql.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-access-token': accessToken },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const json = (await response.json().catch(() => ({}))) as { data?: Record<string, unknown>; errors?: unknown };
    if (!response.ok || json.errors || !json.data)
      throw new AppError({
        status: 502,
        code: 'shopify_unavailable',
        message: `The Shopify Admin API answered ${response.status}${json.errors ? `: ${JSON.stringify(json.errors).slice(0, 300)}` : ''}`,
      });
    return json.data;
  }
}

function requireAdmin(access: WorkspaceAccess): void {
  if (!hasRole(access.role, 'admin'))
    throw forbidden('insufficient_role', 'Connecting and disconnecting stores needs the admin role');
}
