import { sql, type Kysely } from 'kysely';

/**
 * Rentals of paid marketplace agents and the double-entry ledger that pays for them, in integer minor units.
 *
 * - `agent_rental_agreements`: one per workspace and rented agent (period, price, status, renewals, cancel at end).
 * - `ledger_accounts`: a workspace balance, a publisher's earnings, the platform's revenue, the platform's clearing
 *   account and the outside world (`external`: top-ups come from it; there is no payment provider).
 * - `platform_transactions` (charge, renewal, refund, payout, top-up) and their `ledger_entries`: the entries of a
 *   transaction sum to zero per currency (checked before insert, and by the tests after every operation); a
 *   workspace's idempotency key names one transaction at most.
 */
const statements = [
  `create table agent_rental_agreements (
     id uuid primary key default gen_random_uuid(),
     workspace_id uuid not null references workspaces(id) on delete cascade,
     marketplace_agent_id uuid not null references marketplace_agents(id) on delete cascade,
     price_minor integer not null check (price_minor > 0),
     currency text not null,
     status text not null check (status in ('active', 'canceled', 'expired')),
     period_start timestamptz not null,
     period_end timestamptz not null,
     cancel_at_period_end boolean not null default false,
     renewals integer not null default 0,
     created_by uuid references users(id) on delete set null,
     created_at timestamptz not null default now(),
     updated_at timestamptz not null default now()
   )`,
  `create unique index agent_rentals_one_live on agent_rental_agreements (workspace_id, marketplace_agent_id)
     where status = 'active'`,
  `create table ledger_accounts (
     id uuid primary key default gen_random_uuid(),
     kind text not null check (kind in ('workspace_balance', 'publisher_earnings', 'platform_revenue', 'platform_clearing', 'external')),
     workspace_id uuid references workspaces(id) on delete cascade,
     publisher_id uuid references publishers(id) on delete cascade,
     currency text not null,
     owner_key text not null unique,
     created_at timestamptz not null default now()
   )`,
  `create table platform_transactions (
     id uuid primary key default gen_random_uuid(),
     kind text not null check (kind in ('top_up', 'rental_charge', 'renewal_charge', 'refund', 'publisher_payout')),
     workspace_id uuid references workspaces(id) on delete cascade,
     rental_id uuid references agent_rental_agreements(id) on delete set null,
     idempotency_key text,
     currency text not null,
     amount_minor integer not null,
     description text not null,
     created_by uuid references users(id) on delete set null,
     created_at timestamptz not null default clock_timestamp()
   )`,
  `create unique index platform_transactions_idempotency on platform_transactions (workspace_id, idempotency_key)
     where idempotency_key is not null`,
  `create index platform_transactions_workspace on platform_transactions (workspace_id, created_at desc)`,
  `create table ledger_entries (
     id uuid primary key default gen_random_uuid(),
     transaction_id uuid not null references platform_transactions(id) on delete cascade,
     account_id uuid not null references ledger_accounts(id) on delete cascade,
     amount_minor integer not null,
     currency text not null
   )`,
  `create index ledger_entries_account on ledger_entries (account_id)`,
  `create index ledger_entries_transaction on ledger_entries (transaction_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['ledger_entries', 'platform_transactions', 'ledger_accounts', 'agent_rental_agreements'])
    await sql`drop table if exists ${sql.table(table)}`.execute(db);
}
