import { sql, type Kysely, type Selectable } from 'kysely';
import { toJsonb, type Database, type ShopifyWebhookInboxTable } from './schema';

export type ShopifyWebhookRow = Selectable<ShopifyWebhookInboxTable>;

/**
 * Stores a verified webhook unless its (shop, event id) was seen before: one INSERT ... ON CONFLICT DO NOTHING, so
 * the event and its dedupe key are written in the same statement. Returns whether it was new.
 */
export async function insertShopifyWebhook(
  db: Kysely<Database>,
  args: {
    shopDomain: string;
    eventId: string;
    webhookId: string | null;
    topic: string;
    apiVersion: string | null;
    triggeredAt: Date | null;
    payloadJson: string;
  },
): Promise<boolean> {
  const result = await db
    .insertInto('shopify_webhook_inbox')
    .values({
      shop_domain: args.shopDomain,
      event_id: args.eventId,
      webhook_id: args.webhookId,
      topic: args.topic,
      api_version: args.apiVersion,
      triggered_at: args.triggeredAt,
      payload: args.payloadJson,
    })
    .onConflict((oc) => oc.constraint('shopify_webhook_inbox_event').doNothing())
    .returning('id')
    .executeTakeFirst();
  return result !== undefined;
}

/**
 * Takes up to `limit` unprocessed rows, oldest first, locked for this transaction (`FOR UPDATE SKIP LOCKED`: another
 * process takes other rows). Call inside the transaction that also records their processing.
 */
export async function lockPendingShopifyWebhooks(trx: Kysely<Database>, limit: number): Promise<ShopifyWebhookRow[]> {
  const result = await sql<ShopifyWebhookRow>`
    select * from shopify_webhook_inbox where processed_at is null order by id limit ${limit}
    for update skip locked`.execute(trx);
  return result.rows;
}

export async function markShopifyWebhookProcessed(
  trx: Kysely<Database>,
  args: { id: string; runsStarted: number; outcome: string },
): Promise<void> {
  await trx
    .updateTable('shopify_webhook_inbox')
    .set({
      processed_at: new Date(),
      runs_started: args.runsStarted,
      outcome: args.outcome,
      attempts: sql`attempts + 1`,
    })
    .where('id', '=', args.id)
    .execute();
}

/** Counts a failed processing attempt (outside the failed transaction), so a poison row is not retried forever. */
export async function recordShopifyWebhookFailure(
  db: Kysely<Database>,
  args: { id: string; outcome: string; giveUp: boolean },
): Promise<void> {
  await db
    .updateTable('shopify_webhook_inbox')
    .set({
      attempts: sql`attempts + 1`,
      outcome: args.outcome,
      ...(args.giveUp ? { processed_at: new Date(), runs_started: 0 } : {}),
    })
    .where('id', '=', args.id)
    .execute();
}

/** Replaces the stored payloads of a shop's webhooks that match `where` (privacy redaction). */
export async function redactShopifyWebhookPayloads(
  trx: Kysely<Database>,
  args: { shopDomain: string; orderIds: string[]; customerId: string | null },
): Promise<number> {
  const result = await sql`
    update shopify_webhook_inbox set payload = ${toJsonb({ redacted: true })}::jsonb
    where shop_domain = ${args.shopDomain}
      and topic like 'orders/%'
      and (payload->>'id' = any(${args.orderIds}::text[])
        or (${args.customerId}::text is not null and payload->'customer'->>'id' = ${args.customerId}::text))`.execute(
    trx,
  );
  return Number(result.numAffectedRows ?? 0n);
}

export async function deleteShopifyWebhooksOfShop(trx: Kysely<Database>, shopDomain: string): Promise<number> {
  const result = await trx
    .deleteFrom('shopify_webhook_inbox')
    .where('shop_domain', '=', shopDomain)
    .where('topic', 'not in', ['shop/redact'])
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
