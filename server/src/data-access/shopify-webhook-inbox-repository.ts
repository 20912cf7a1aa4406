import { sql, type Kysely, type Selectable } from 'kysely';
import { toJsonb, type Database, type ShopifyWebhookInboxTable } from './schema';

export type ShopifyWebhookRow = Selectable<ShopifyWebhookInboxTable>;

/** A verified webhook to store (its payload as the JSON text that was signed). */
export interface NewShopifyWebhook {
  shopDomain: string;
  eventId: string;
  webhookId: string | null;
  topic: string;
  apiVersion: string | null;
  triggeredAt: Date | null;
  payloadJson: string;
}

/**
 * Stores verified webhooks unless their (shop, event id) was seen before: one INSERT ... ON CONFLICT DO NOTHING for
 * the whole list (the events and their dedupe keys are written by the same statement, one transaction). Returns, in
 * order, whether each was new; of two with the same key in the list, the first is stored and the second is not new.
 * The statement text does not depend on the list's length (the columns go as arrays), so PostgreSQL plans one shape.
 */
export async function insertShopifyWebhooks(db: Kysely<Database>, webhooks: NewShopifyWebhook[]): Promise<boolean[]> {
  const keyOf = (w: { shopDomain: string; eventId: string }) => `${w.shopDomain}\n${w.eventId}`;
  const firsts = new Map<string, number>();
  webhooks.forEach((w, index) => {
    if (!firsts.has(keyOf(w))) firsts.set(keyOf(w), index);
  });
  const rows = [...firsts.values()].map((index) => webhooks[index]!);
  const result = await sql<{ shop_domain: string; event_id: string }>`
    insert into shopify_webhook_inbox (shop_domain, event_id, webhook_id, topic, api_version, triggered_at, payload)
    select shop_domain, event_id, webhook_id, topic, api_version, triggered_at::timestamptz, payload::jsonb
    from unnest(${rows.map((w) => w.shopDomain)}::text[], ${rows.map((w) => w.eventId)}::text[],
                ${rows.map((w) => w.webhookId)}::text[], ${rows.map((w) => w.topic)}::text[],
                ${rows.map((w) => w.apiVersion)}::text[], ${rows.map((w) => w.triggeredAt?.toISOString() ?? null)}::text[],
                ${rows.map((w) => w.payloadJson)}::text[])
      with ordinality as t(shop_domain, event_id, webhook_id, topic, api_version, triggered_at, payload, position)
    order by position
    on conflict on constraint shopify_webhook_inbox_event do nothing
    returning shop_domain, event_id`.execute(db);
  const inserted = new Set(result.rows.map((row) => keyOf({ shopDomain: row.shop_domain, eventId: row.event_id })));
  return webhooks.map((w, index) => firsts.get(keyOf(w)) === index && inserted.has(keyOf(w)));
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

/** Marks several rows processed in one statement (each with its own outcome). */
export async function markShopifyWebhooksProcessed(
  trx: Kysely<Database>,
  rows: Array<{ id: string; runsStarted: number; outcome: string }>,
): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    update shopify_webhook_inbox as i
    set processed_at = now(), runs_started = v.runs_started, outcome = v.outcome, attempts = i.attempts + 1
    from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.runsStarted)}::int[],
                ${rows.map((r) => r.outcome)}::text[]) as v(id, runs_started, outcome)
    where i.id = v.id`.execute(trx);
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
