import { createHmac, timingSafeEqual } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { SANDBOX_CREDENTIALS } from '@ionflux/sandbox';
import { suspendAgentsOfBrand, type AgentConfigurationRow } from '../../data-access/agents-repository';
import { findMessage, toMessage } from '../../data-access/chat-repository';
import { insertNotification, redactNotificationsOfRuns } from '../../data-access/notifications-repository';
import type { Database } from '../../data-access/schema';
import {
  deleteShopifyWebhooksOfShop,
  insertShopifyWebhooks,
  lockPendingShopifyWebhooks,
  markShopifyWebhooksProcessed,
  recordShopifyWebhookFailure,
  redactShopifyWebhookPayloads,
  type NewShopifyWebhook,
  type ShopifyWebhookRow,
} from '../../data-access/shopify-webhook-inbox-repository';
import { AppError, unauthorized } from '../../errors';
import type { AgentRuns } from '../agents/agent-runs';
import { checkedAgentOf } from '../agents/agent-runs';
import type { AppContext } from '../context';
import { GroupCommit } from '../group-commit';
import type { AgentRun, Notification } from '../model';
import { sanitizeShopDomain } from './shop-domain';

/** Topics Shopify requires every app to handle (https://shopify.dev/docs/apps/build/compliance/privacy-law-compliance). */
export const SHOPIFY_PRIVACY_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;
export const SHOPIFY_APP_UNINSTALLED = 'app/uninstalled';

/**
 * How many inbox rows one processing transaction takes. On PGlite (one connection) the intake's INSERTs wait for
 * the transaction in progress, so a long one shows in the acknowledgement latency: small batches there. PostgreSQL
 * serves both at once: larger batches, fewer transactions.
 */
const BATCH = { pglite: 20, postgres: 200 } as const;
/** A row whose processing failed this many times is set aside (recorded as failed) instead of retried forever. */
const MAX_ATTEMPTS = 5;
/**
 * During a burst (the intake is storing webhooks), a processing batch that was not full is followed by this pause:
 * the next one takes more rows in one transaction, and the intake's INSERTs and acknowledgements are not interleaved
 * with a processing transaction every few webhooks. A webhook arriving while the intake is quiet is processed at once.
 */
const BURST_PAUSE_MS = 50;
/** The most webhooks one INSERT of the intake stores (group commit, see {@link GroupCommit}). */
const INTAKE_BATCH = 500;

/** The headers of a Shopify webhook delivery that the intake reads (lower-case names, as Node gives them). */
export interface ShopifyWebhookHeaders {
  hmac: string | undefined;
  topic: string | undefined;
  shopDomain: string | undefined;
  eventId: string | undefined;
  webhookId: string | undefined;
  apiVersion: string | undefined;
  triggeredAt: string | undefined;
}

function badHeader(header: string, fix: string): AppError {
  return new AppError({
    status: 400,
    code: 'invalid_webhook',
    message: `${header}: ${fix}`,
    fields: [{ path: `headers.${header}`, message: fix }],
  });
}

/** Base64 HMAC-SHA256 of the raw body compared in constant time with X-Shopify-Hmac-Sha256. */
export function isValidShopifyHmac(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !/^[A-Za-z0-9+/]+={0,2}$/.test(header)) return false;
  const expected = createHmac('sha256', secret).update(rawBody).digest();
  const given = Buffer.from(header, 'base64');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Shopify webhook intake and processing. `receive` verifies, deduplicates and stores (the 200 means "in
 * PostgreSQL"); processing runs afterwards, in this or any other server process, from the inbox table: one run per
 * enabled agent whose `shopify.order` trigger is bound to a connected Brand of that shop and listens to that topic;
 * `app/uninstalled` and the privacy topics act on what this server holds about the shop.
 */
export class ShopifyWebhooks {
  readonly #ctx: AppContext;
  readonly #runs: AgentRuns;
  #timer: NodeJS.Timeout | undefined;
  #draining: Promise<void> | undefined;
  #again = false;
  #stopped = true;
  /**
   * Webhooks arriving while earlier ones are being stored go into the next INSERT together; each is acknowledged
   * once the INSERT holding it committed. PGlite has one connection: one INSERT at a time. PostgreSQL: two, so a
   * batch fills while the other is written.
   */
  readonly #inserts: GroupCommit<NewShopifyWebhook, boolean>;
  readonly #batchSize: number;

  constructor(ctx: AppContext, runs: AgentRuns) {
    this.#ctx = ctx;
    this.#runs = runs;
    this.#batchSize = BATCH[ctx.config.database.kind === 'postgres' ? 'postgres' : 'pglite'];
    this.#inserts = new GroupCommit({
      maxBatch: INTAKE_BATCH,
      maxInFlight: ctx.config.database.kind === 'postgres' ? 2 : 1,
      write: (webhooks) => insertShopifyWebhooks(ctx.db, webhooks),
    });
  }

  /** The app secret webhooks are signed with: the configured Shopify app's, else the sandbox app's (sandbox on). */
  signingSecret(): string | null {
    const app = this.#ctx.config.shopifyApp;
    if (app) return app.apiSecret;
    return this.#ctx.config.sandbox ? SANDBOX_CREDENTIALS.shopify.clientSecret : null;
  }

  /**
   * Verifies the HMAC over the raw bytes (401 otherwise, before anything is parsed), then stores the event unless its
   * X-Shopify-Event-Id was seen for this shop. Resolves once it is durable; processing is woken, not awaited.
   */
  async receive(rawBody: Buffer, headers: ShopifyWebhookHeaders): Promise<{ duplicate: boolean }> {
    const secret = this.signingSecret();
    // Without an app secret no signature can be valid: the same 401, saying what the operator must set.
    if (!secret)
      throw unauthorized(
        'shopify_not_configured',
        'This server has no Shopify app to verify webhooks with: set SHOPIFY_API_KEY and SHOPIFY_API_SECRET',
      );
    if (!isValidShopifyHmac(rawBody, headers.hmac, secret))
      throw unauthorized(
        'invalid_webhook_signature',
        'X-Shopify-Hmac-Sha256 is missing or is not the HMAC of this body with the app secret',
      );
    const topic = headers.topic?.trim() ?? '';
    if (!/^[a-z_]+\/[a-z_]+$/.test(topic)) throw badHeader('X-Shopify-Topic', 'send the topic, e.g. orders/create');
    const shopDomain = sanitizeShopDomain(headers.shopDomain);
    if (!shopDomain) throw badHeader('X-Shopify-Shop-Domain', 'send the shop domain, e.g. my-store.myshopify.com');
    const eventId = (headers.eventId ?? headers.webhookId ?? '').trim();
    if (!eventId || eventId.length > 200) throw badHeader('X-Shopify-Event-Id', 'send the event id Shopify assigned');
    const payloadJson = rawBody.toString('utf8');
    let payload: unknown;
    try {
      payload = JSON.parse(payloadJson);
    } catch {
      throw new AppError({ status: 400, code: 'invalid_json', message: 'The webhook body is not valid JSON' });
    }
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload))
      throw new AppError({ status: 400, code: 'invalid_webhook', message: 'The webhook body must be a JSON object' });
    // PostgreSQL's jsonb cannot hold U+0000: said here, before the INSERT would fail (the cheap test first).
    if (payloadJson.includes('\\u0000') && holdsNul(payload))
      throw new AppError({
        status: 400,
        code: 'invalid_webhook',
        message: 'The webhook body holds the character U+0000 (\\u0000), which cannot be stored; remove it',
      });
    const triggeredAt = headers.triggeredAt ? new Date(headers.triggeredAt) : null;
    const inserted = await this.#inserts.submit({
      shopDomain,
      eventId,
      webhookId: headers.webhookId?.slice(0, 200) ?? null,
      topic,
      apiVersion: headers.apiVersion?.slice(0, 20) ?? null,
      triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
      payloadJson,
    });
    if (inserted) this.wake();
    return { duplicate: !inserted };
  }

  /** Starts processing: what the inbox holds now (rows left by a crash included), then whatever arrives. */
  start(): void {
    this.#stopped = false;
    this.#timer = setInterval(() => this.wake(), Math.max(this.#ctx.config.runPollMs, 200) * 5).unref();
    this.wake();
  }

  /** Stops taking new rows and waits for the batch in progress (its transaction commits or rolls back). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    await this.#draining;
  }

  /** Processes pending rows soon (coalesced: one drain loop at a time). */
  wake(): void {
    if (this.#stopped) return;
    if (this.#draining) {
      this.#again = true;
      return;
    }
    this.#draining = this.#drain().finally(() => {
      this.#draining = undefined;
      if (this.#again && !this.#stopped) {
        this.#again = false;
        this.wake();
      }
    });
  }

  /** Resolves when nothing is pending that this process could take (tests and the bench wait on it). */
  async idle(): Promise<void> {
    for (;;) {
      await this.#draining;
      if (!this.#draining) return;
    }
  }

  async #drain(): Promise<void> {
    while (!this.#stopped) {
      let count: number;
      try {
        count = await this.processBatch();
      } catch (error) {
        this.#ctx.logger.error({ err: error }, 'shopify webhook processing failed; retrying later');
        return;
      }
      if (count === 0) return;
      if (count < this.#batchSize && this.#inserts.busy)
        await new Promise((resolve) => setTimeout(resolve, BURST_PAUSE_MS));
    }
  }

  /**
   * Processes up to one batch of pending rows in one transaction; returns how many it took. First all rows at once
   * (their outcomes recorded by one UPDATE); if one of them fails, that transaction is rolled back and the batch is
   * taken again row by row, each under a savepoint, so the others still commit and only the failing one is retried.
   */
  async processBatch(): Promise<number> {
    const done = await this.#processRows({ isolated: false });
    return done ?? (await this.#processRows({ isolated: true }))!;
  }

  /** One processing transaction; undefined when a row failed outside `isolated` (nothing of it committed). */
  async #processRows({ isolated }: { isolated: boolean }): Promise<number | undefined> {
    const queued: AgentRun[] = [];
    const redacted: RedactedMessage[] = [];
    const notices: Notice[] = [];
    const agents: ChangedAgent[] = [];
    let failed: { row: ShopifyWebhookRow; error: unknown } | undefined;
    const taken = await this.#ctx.db
      .transaction()
      .execute(async (trx) => {
        const rows = await lockPendingShopifyWebhooks(trx, this.#batchSize);
        // The agents listening to a shop, looked up once per batch and shop (a burst is mostly one shop).
        const listeners = new Map<string, Promise<Listener[]>>();
        const processed: Array<{ id: string; runsStarted: number; outcome: string }> = [];
        for (const row of rows) {
          if (isolated) await sql`savepoint webhook_row`.execute(trx);
          try {
            const result = await this.#process(trx, row, listeners);
            const outcome = { id: row.id, runsStarted: result.runs.length, outcome: result.outcome };
            if (isolated) {
              await markShopifyWebhooksProcessed(trx, [outcome]);
              await sql`release savepoint webhook_row`.execute(trx);
            } else processed.push(outcome);
            // Announced after the commit; a row rolled back (here or with the whole batch) announces nothing.
            queued.push(...result.runs);
            if (result.messages) redacted.push(...result.messages);
            if (result.notices) notices.push(...result.notices);
            if (result.agents) agents.push(...result.agents);
          } catch (error) {
            if (!isolated) throw new BatchRowFailed(error);
            // This row's work is undone; the others of the batch still commit.
            await sql`rollback to savepoint webhook_row`.execute(trx);
            failed ??= { row, error };
          }
        }
        if (!isolated)
          await markShopifyWebhooksProcessed(trx, processed).catch((error: unknown) => {
            throw new BatchRowFailed(error);
          });
        return rows.length;
      })
      .catch((error: unknown) => {
        if (error instanceof BatchRowFailed) return undefined;
        throw error;
      });
    if (taken === undefined) return undefined;
    this.#runs.announce(queued);
    // Viewers of a channel see a redacted message change in place, as an edit.
    for (const { messageId, workspaceId, channelId } of redacted) {
      const message = await findMessage(this.#ctx.db, { workspaceId, messageId });
      if (message) this.#ctx.events.emit('message.updated', { workspaceId, channelId, message: toMessage(message) });
    }
    // Recipients see a notification arrive (a data request) or change in place (a redaction).
    for (const { userId, notification, change } of notices)
      this.#ctx.events.emit(change === 'created' ? 'notification.created' : 'notification.updated', {
        userId,
        notification,
      });
    // A workspace's studios see its agents suspended when the store uninstalled the app.
    for (const { workspaceId, agentId } of agents) this.#ctx.events.emit('agent.changed', { workspaceId, agentId });
    if (failed) {
      const giveUp = failed.row.attempts + 1 >= MAX_ATTEMPTS;
      this.#ctx.logger.error(
        { err: failed.error, inboxId: failed.row.id, topic: failed.row.topic, giveUp },
        'a shopify webhook could not be processed',
      );
      await recordShopifyWebhookFailure(this.#ctx.db, {
        id: failed.row.id,
        outcome: `failed: ${failed.error instanceof Error ? failed.error.message : String(failed.error)}`.slice(0, 500),
        giveUp,
      });
    }
    return taken;
  }

  async #process(
    trx: Kysely<Database>,
    row: ShopifyWebhookRow,
    listeners: Map<string, Promise<Listener[]>>,
  ): Promise<RowResult> {
    switch (row.topic) {
      case SHOPIFY_APP_UNINSTALLED:
        return { runs: [], ...(await this.#uninstalled(trx, row.shop_domain)) };
      case 'customers/data_request':
        return { runs: [], ...(await this.#dataRequest(trx, row)) };
      case 'customers/redact':
        return { runs: [], ...(await this.#customerRedact(trx, row)) };
      case 'shop/redact':
        return { runs: [], ...(await this.#shopRedact(trx, row.shop_domain)) };
      default: {
        let found = listeners.get(row.shop_domain);
        if (!found) listeners.set(row.shop_domain, (found = listenersOf(trx, row.shop_domain)));
        return this.#startRuns(trx, row, await found);
      }
    }
  }

  /** One run per enabled agent with a shopify.order trigger on this topic, bound to a connected Brand of the shop. */
  async #startRuns(
    trx: Kysely<Database>,
    row: ShopifyWebhookRow,
    candidates: Listener[],
  ): Promise<{ runs: AgentRun[]; outcome: string }> {
    const runs: AgentRun[] = [];
    const skipped: string[] = [];
    for (const { config, topic } of candidates) {
      if (topic !== row.topic) continue;
      try {
        runs.push(
          await this.#runs.queueTriggeredRun(trx, {
            config,
            triggerKind: 'shopify.order',
            trigger: { topic: row.topic, shop: row.shop_domain, order: row.payload },
          }),
        );
      } catch (error) {
        // A database error leaves the transaction unusable: the row fails (and is retried), never half-processed.
        if (isDatabaseError(error)) throw error;
        // Inputs that no longer fit the agent, a rental that ended: that agent is skipped (and said why), the
        // others still run.
        skipped.push(`${config.name}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const outcome = `${runs.length} run(s) started${skipped.length ? `; skipped ${skipped.join('; ')}` : ''}`;
    return { runs, outcome: outcome.slice(0, 1000) };
  }

  /**
   * The app was removed from the shop: its Brands are disconnected (token deleted), the agents bound to them
   * suspended (disabled until the store is connected again) and their runs stopped.
   */
  async #uninstalled(trx: Kysely<Database>, shopDomain: string): Promise<{ outcome: string; agents: ChangedAgent[] }> {
    const brands = await trx
      .updateTable('brands')
      .set({
        connection_state: 'uninstalled',
        connection_detail: 'The app was uninstalled from the store; connect it again to resume',
        webhook_subscriptions: '[]',
        updated_at: new Date(),
      })
      .where('shop_domain', '=', shopDomain)
      .returning(['id', 'workspace_id', 'name'])
      .execute();
    if (brands.length === 0) return { outcome: 'no brand for this shop', agents: [] };
    const brandIds = brands.map((b) => b.id);
    const agents: ChangedAgent[] = [];
    for (const brand of brands)
      for (const agentId of await suspendAgentsOfBrand(trx, {
        workspaceId: brand.workspace_id,
        brandId: brand.id,
        reason: `the Shopify store ${shopDomain} uninstalled the app; connect the Brand "${brand.name}" to its store again to resume it`,
      }))
        agents.push({ workspaceId: brand.workspace_id, agentId });
    await trx
      .deleteFrom('integration_credentials')
      .where('owner_type', '=', 'brand')
      .where('owner_id', 'in', brandIds)
      .execute();
    // Every queued or running run of an agent bound to one of these Brands stops (queued: at once; running: at its
    // next node, as a cancel does).
    const canceled = await sql<{ id: string }>`
      update agent_runs r set cancel_requested = true,
        status = case when r.status = 'queued' then 'canceled' else r.status end,
        finished_at = case when r.status = 'queued' then now() else r.finished_at end,
        error = case when r.status = 'queued'
          then ${JSON.stringify({ code: 'canceled', message: 'The Shopify app was uninstalled from the store' })}::jsonb
          else r.error end
      from agent_configurations a
      where a.id = r.agent_id and r.status in ('queued', 'running')
        and exists (select 1 from jsonb_each(a.bindings) as b(name, value)
                    where b.value->>'brandId' = any(${brandIds}::text[]))
      returning r.id`.execute(trx);
    return {
      outcome: `${brands.length} brand(s) disconnected, ${agents.length} agent(s) suspended, ${canceled.rows.length} run(s) stopped`,
      agents,
    };
  }

  /** Shopify asks what this server holds about a customer: the admins of every Brand of the shop are told. */
  async #dataRequest(trx: Kysely<Database>, row: ShopifyWebhookRow): Promise<{ outcome: string; notices: Notice[] }> {
    const request = privacyRequest(row.payload);
    const held = await heldAboutCustomer(trx, row.shop_domain, request);
    const recipients = await adminsOfShop(trx, row.shop_domain);
    const orderList = held.orderIds.length ? held.orderIds.join(', ') : 'none';
    const notices: Notice[] = [];
    for (const recipient of recipients) {
      const notification = await insertNotification(trx, {
        userId: recipient.userId,
        workspaceId: recipient.workspaceId,
        kind: 'shopify.data_request',
        title: `Shopify customer data request (${row.shop_domain})`,
        body:
          `Customer ${request.customerId ?? '?'} (${request.email ?? 'no email'}) asked for their data ` +
          `(request ${request.requestId ?? '?'}). This workspace holds ${held.events} order event(s) and ` +
          `${held.runs} agent run(s) about them; orders: ${orderList}. Send these to the store owner within 30 days.`,
        link: null,
        source: null,
      });
      notices.push({ userId: recipient.userId, notification, change: 'created' });
    }
    return {
      outcome: `data request: ${held.events} event(s), ${held.runs} run(s) held; ${recipients.length} admin(s) notified`,
      notices,
    };
  }

  /**
   * Shopify asks to erase a customer's data: their order events, the runs they triggered and what those runs posted
   * (chat messages, notifications) are redacted.
   */
  async #customerRedact(
    trx: Kysely<Database>,
    row: ShopifyWebhookRow,
  ): Promise<{ outcome: string; messages: RedactedMessage[]; notices: Notice[] }> {
    const request = privacyRequest(row.payload);
    const events = await redactShopifyWebhookPayloads(trx, {
      shopDomain: row.shop_domain,
      orderIds: request.orderIds,
      customerId: request.customerId,
    });
    const runs = await redactRuns(trx, row.shop_domain, request);
    return {
      outcome: `customer redacted: ${events} event(s), ${runs.runs} run(s), ${runs.messages.length} chat message(s), ${runs.notices.length} notification(s)`,
      messages: runs.messages,
      notices: runs.notices,
    };
  }

  /** 48 hours after an uninstall Shopify asks to erase the shop's data: events, tokens and run payloads go. */
  async #shopRedact(
    trx: Kysely<Database>,
    shopDomain: string,
  ): Promise<{ outcome: string; messages: RedactedMessage[]; notices: Notice[] }> {
    const events = await deleteShopifyWebhooksOfShop(trx, shopDomain);
    const brandIds = (await trx.selectFrom('brands').select('id').where('shop_domain', '=', shopDomain).execute()).map(
      (b) => b.id,
    );
    if (brandIds.length > 0)
      await trx
        .deleteFrom('integration_credentials')
        .where('owner_type', '=', 'brand')
        .where('owner_id', 'in', brandIds)
        .execute();
    const runs = await redactRuns(trx, shopDomain, null);
    return {
      outcome: `shop redacted: ${events} event(s) deleted, ${brandIds.length} brand token(s) deleted, ${runs.runs} run(s), ${runs.messages.length} chat message(s), ${runs.notices.length} notification(s)`,
      messages: runs.messages,
      notices: runs.notices,
    };
  }
}

/** A row failed while a batch was processed without savepoints: the transaction rolls back, the batch is redone. */
class BatchRowFailed extends Error {
  constructor(cause: unknown) {
    super('a webhook of the batch failed', { cause });
  }
}

/** An error PostgreSQL (server or PGlite) answered: it carries the SQLSTATE and severity of its error response. */
function isDatabaseError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, severity } = error as { code?: unknown; severity?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}

/** Whether a parsed JSON value holds U+0000 in a string or a key (iterative: the depth is the sender's). */
function holdsNul(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const next = stack.pop();
    if (typeof next === 'string') {
      if (next.includes('\0')) return true;
    } else if (Array.isArray(next)) {
      stack.push(...next);
    } else if (next !== null && typeof next === 'object') {
      for (const [key, inner] of Object.entries(next)) {
        if (key.includes('\0')) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

/** An enabled agent whose shopify.order trigger is bound to a connected Brand of a shop, and its topic. */
interface Listener {
  config: AgentConfigurationRow;
  topic: string;
}

async function listenersOf(trx: Kysely<Database>, shopDomain: string): Promise<Listener[]> {
  const candidates = await trx
    .selectFrom('agent_configurations as a')
    .innerJoin('brands as b', 'b.workspace_id', 'a.workspace_id')
    .selectAll('a')
    .select('b.id as brand_id')
    .where('b.shop_domain', '=', shopDomain)
    .where((eb) => eb.or([eb('b.connection_state', 'is', null), eb('b.connection_state', '=', 'connected')]))
    .where('a.enabled', '=', true)
    .where('a.trigger_kind', '=', 'shopify.order')
    .execute();
  const listeners: Listener[] = [];
  for (const candidate of candidates) {
    const { brand_id: brandId, ...config } = candidate as AgentConfigurationRow & { brand_id: string };
    const trigger = triggerOf(config);
    if (!trigger) continue;
    const binding = (config.bindings as Record<string, unknown>)[trigger.connection] as
      { brandId?: string } | undefined;
    if (binding?.brandId === brandId) listeners.push({ config, topic: trigger.topic });
  }
  return listeners;
}

/** The shopify.order trigger of a stored agent (connection and topic), if it has one. */
function triggerOf(config: AgentConfigurationRow): { connection: string; topic: string } | undefined {
  try {
    const trigger = checkedAgentOf(config.yaml).agent.spec.trigger as Record<string, unknown> | undefined;
    const order = trigger?.['shopify.order'] as { connection?: string; topic?: string } | undefined;
    if (!order?.connection) return undefined;
    return { connection: order.connection, topic: order.topic ?? 'orders/create' };
  } catch {
    return undefined;
  }
}

interface PrivacyRequest {
  customerId: string | null;
  email: string | null;
  orderIds: string[];
  requestId: string | null;
}

function privacyRequest(payload: unknown): PrivacyRequest {
  const p = (payload ?? {}) as Record<string, unknown>;
  const customer = (p.customer ?? {}) as Record<string, unknown>;
  const orders = (Array.isArray(p.orders_requested) ? p.orders_requested : p.orders_to_redact) as unknown[] | undefined;
  const request = (p.data_request ?? {}) as Record<string, unknown>;
  return {
    customerId: customer.id !== undefined && customer.id !== null ? String(customer.id) : null,
    email: typeof customer.email === 'string' ? customer.email : null,
    orderIds: (orders ?? []).map(String),
    requestId: request.id !== undefined ? String(request.id) : null,
  };
}

/** Which order events and runs of a shop are about a customer (by order id or customer id). */
async function heldAboutCustomer(
  trx: Kysely<Database>,
  shopDomain: string,
  request: PrivacyRequest,
): Promise<{ events: number; runs: number; orderIds: string[] }> {
  const events = await sql<{ order_id: string }>`
    select payload->>'id' as order_id from shopify_webhook_inbox
    where shop_domain = ${shopDomain} and topic like 'orders/%'
      and (payload->>'id' = any(${request.orderIds}::text[])
        or (${request.customerId}::text is not null and payload->'customer'->>'id' = ${request.customerId}::text))`.execute(
    trx,
  );
  const runs = await sql<{ n: number }>`
    select count(*)::int as n from agent_runs
    where trigger_kind = 'shopify.order' and trigger_payload->>'shop' = ${shopDomain}
      and (trigger_payload->'order'->>'id' = any(${request.orderIds}::text[])
        or (${request.customerId}::text is not null
            and trigger_payload->'order'->'customer'->>'id' = ${request.customerId}::text))`.execute(trx);
  return {
    events: events.rows.length,
    runs: runs.rows[0]?.n ?? 0,
    orderIds: [...new Set(events.rows.map((r) => r.order_id))].sort(),
  };
}

/** What processing one inbox row did, and what to announce once its transaction committed. */
interface RowResult {
  runs: AgentRun[];
  outcome: string;
  messages?: RedactedMessage[];
  notices?: Notice[];
  agents?: ChangedAgent[];
}

/** A notification a row created (data request) or rewrote (redaction), for its recipient's sockets. */
interface Notice {
  userId: string;
  notification: Notification;
  change: 'created' | 'updated';
}

/** An agent a row suspended (app/uninstalled), for its workspace's sockets. */
interface ChangedAgent {
  workspaceId: string;
  agentId: string;
}

/** A chat message a redaction rewrote (its channel's viewers are told once the redaction committed). */
interface RedactedMessage {
  messageId: string;
  workspaceId: string;
  channelId: string;
}

/** What a redacted chat message says instead of what the run posted. */
export const REDACTED_MESSAGE_TEXT = '[Removed: this message held customer data that the store asked to erase]';
/** What a redacted notification says instead of what the run sent. */
export const REDACTED_NOTIFICATION_TITLE = 'Notification removed (customer data erased at the store’s request)';

/**
 * Runs started by a shop's orders (of one customer, or all when `request` is null) lose the order data they hold:
 * their trigger payload, output and step log, and what they posted: the text and card of every chat message the
 * run's token posted (replaced by {@link REDACTED_MESSAGE_TEXT}, marked edited; the message keeps its place in the
 * channel and its thread) and the title and body of every notification it sent (source `agent_run`). Messages people
 * wrote, even replies quoting the order, are theirs and are not changed. Returns how many runs.
 */
async function redactRuns(
  trx: Kysely<Database>,
  shopDomain: string,
  request: PrivacyRequest | null,
): Promise<{ runs: number; messages: RedactedMessage[]; notices: Notice[] }> {
  const redacted = JSON.stringify({ topic: null, shop: shopDomain, order: { redacted: true } });
  const result = request
    ? await sql<{ id: string }>`
        update agent_runs set trigger_payload = ${redacted}::jsonb, output = null, steps = '[]'::jsonb
        where trigger_kind = 'shopify.order' and trigger_payload->>'shop' = ${shopDomain}
          and (trigger_payload->'order'->>'id' = any(${request.orderIds}::text[])
            or (${request.customerId}::text is not null
                and trigger_payload->'order'->'customer'->>'id' = ${request.customerId}::text))
        returning id`.execute(trx)
    : await sql<{ id: string }>`
        update agent_runs set trigger_payload = ${redacted}::jsonb, output = null, steps = '[]'::jsonb
        where trigger_kind = 'shopify.order' and trigger_payload->>'shop' = ${shopDomain}
        returning id`.execute(trx);
  const runIds = result.rows.map((r) => String(r.id));
  if (runIds.length === 0) return { runs: 0, messages: [], notices: [] };
  // A run's token posts as sender `token:<run id>` (its api_token_id is the run id).
  const messages = await sql<RedactedMessage>`
    update chat_messages set text = ${REDACTED_MESSAGE_TEXT}, payload = null, edited_at = now()
    where sender_key = any(${runIds.map((id) => `token:${id}`)}::text[]) and deleted_at is null
      and text <> ${REDACTED_MESSAGE_TEXT}
    returning id as "messageId", workspace_id as "workspaceId", channel_id as "channelId"`.execute(trx);
  const notifications = await redactNotificationsOfRuns(trx, { runIds, title: REDACTED_NOTIFICATION_TITLE });
  return {
    runs: runIds.length,
    messages: messages.rows,
    notices: notifications.map((n) => ({ ...n, change: 'updated' as const })),
  };
}

/** Owners and admins of every workspace that has a Brand of this shop. */
async function adminsOfShop(
  trx: Kysely<Database>,
  shopDomain: string,
): Promise<{ userId: string; workspaceId: string }[]> {
  const rows = await trx
    .selectFrom('brands as b')
    .innerJoin('workspace_members as m', 'm.workspace_id', 'b.workspace_id')
    .select(['m.user_id', 'm.workspace_id'])
    .where('b.shop_domain', '=', shopDomain)
    .where('m.role', 'in', ['owner', 'admin'])
    .distinct()
    .execute();
  return rows.map((r) => ({ userId: r.user_id, workspaceId: r.workspace_id }));
}
