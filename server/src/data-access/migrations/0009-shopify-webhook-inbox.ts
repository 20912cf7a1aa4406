import { sql, type Kysely } from 'kysely';

/**
 * The Shopify webhook inbox: every signed webhook is inserted here, keyed by (shop, X-Shopify-Event-Id), before the
 * server answers 200. The unique key is the dedupe key, so storing the event and recording that it was seen are one
 * statement (one transaction): a replay inserts nothing. Rows are processed later (runs started, privacy requests
 * honoured) by whichever process claims them; `processed_at` is set in the same transaction as the runs it starts,
 * so a crash anywhere leaves a row either untouched (processed after restart) or fully processed (never twice).
 * Brands and creators get the state of their OAuth connection.
 */
const statements = [
  `create table shopify_webhook_inbox (
     id bigint generated always as identity primary key,
     shop_domain text not null,
     event_id text not null,
     webhook_id text,
     topic text not null,
     api_version text,
     triggered_at timestamptz,
     payload jsonb not null,
     received_at timestamptz not null default clock_timestamp(),
     processed_at timestamptz,
     attempts integer not null default 0,
     runs_started integer,
     outcome text,
     constraint shopify_webhook_inbox_event unique (shop_domain, event_id)
   )`,
  `create index shopify_webhook_inbox_pending on shopify_webhook_inbox (id) where processed_at is null`,
  `create index shopify_webhook_inbox_shop on shopify_webhook_inbox (shop_domain, received_at)`,
  // The connection of a Brand (Shopify) or Creator (TikTok): null until an OAuth flow touches it.
  `alter table brands add column connection_state text
     check (connection_state in ('connected', 'disconnected', 'uninstalled', 'revoked', 'expired'))`,
  `alter table brands add column connection_detail text`,
  `alter table brands add column webhook_subscriptions jsonb not null default '[]'::jsonb`,
  `create index brands_shop_domain on brands (shop_domain)`,
  `alter table creators add column connection_state text
     check (connection_state in ('connected', 'disconnected', 'uninstalled', 'revoked', 'expired'))`,
  `alter table creators add column connection_detail text`,
  `alter table creators add column open_id text`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table if exists shopify_webhook_inbox`.execute(db);
  await sql`drop index if exists brands_shop_domain`.execute(db);
  for (const table of ['brands', 'creators'])
    for (const column of ['connection_state', 'connection_detail', 'webhook_subscriptions', 'open_id'])
      await sql.raw(`alter table ${table} drop column if exists ${column}`).execute(db);
}
