import type { ColumnType, Generated } from 'kysely';

/**
 * Row types of the marketplace, rental and ledger tables (migrations 0011 and 0012). They join the `Database`
 * interface by declaration merging, so this area does not edit the shared table list.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Jsonb<T> = ColumnType<T, string | undefined, string>;
type Tsvector = ColumnType<string, never, never>;

export interface PublishersTable {
  id: Generated<string>;
  workspace_id: string | null;
  name: string;
  name_normalized: string;
  created_at: Timestamp;
}

export interface PublisherKeysTable {
  publisher_id: string;
  key_id: string;
  public_key: string;
  created_at: Timestamp;
}

export interface MarketplaceAgentsTable {
  id: Generated<string>;
  publisher_id: string;
  name: string;
  display_name: string;
  description: string;
  readme: string;
  category: string;
  tags: Jsonb<string[]>;
  icon: string | null;
  connection_types: Jsonb<string[]>;
  price_minor: number;
  currency: string | null;
  latest_version: string | null;
  installs: Generated<number>;
  search: Tsvector;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface MarketplaceAgentVersionsTable {
  id: Generated<string>;
  agent_id: string;
  version: string;
  yaml: string;
  workflow: Jsonb<unknown>;
  manifest: Jsonb<unknown>;
  metadata: Jsonb<unknown>;
  digest: string;
  signature: string;
  key_id: string;
  yanked_at: NullableTimestamp;
  yank_reason: string | null;
  published_by: string | null;
  created_at: Timestamp;
}

export type RentalStatus = 'active' | 'canceled' | 'expired';

export interface AgentRentalAgreementsTable {
  id: Generated<string>;
  workspace_id: string;
  marketplace_agent_id: string;
  price_minor: number;
  currency: string;
  status: RentalStatus;
  period_start: Timestamp;
  period_end: Timestamp;
  cancel_at_period_end: Generated<boolean>;
  renewals: Generated<number>;
  created_by: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export type LedgerAccountKind =
  'workspace_balance' | 'publisher_earnings' | 'platform_revenue' | 'platform_clearing' | 'external';

export interface LedgerAccountsTable {
  id: Generated<string>;
  kind: LedgerAccountKind;
  workspace_id: string | null;
  publisher_id: string | null;
  currency: string;
  owner_key: string;
  created_at: Timestamp;
}

export type TransactionKind = 'top_up' | 'rental_charge' | 'renewal_charge' | 'refund' | 'publisher_payout';

export interface PlatformTransactionsTable {
  id: Generated<string>;
  kind: TransactionKind;
  workspace_id: string | null;
  rental_id: string | null;
  idempotency_key: string | null;
  currency: string;
  amount_minor: number;
  description: string;
  created_by: string | null;
  created_at: Timestamp;
}

export interface LedgerEntriesTable {
  id: Generated<string>;
  transaction_id: string;
  account_id: string;
  amount_minor: number;
  currency: string;
}

declare module './schema' {
  interface Database {
    publishers: PublishersTable;
    publisher_keys: PublisherKeysTable;
    marketplace_agents: MarketplaceAgentsTable;
    marketplace_agent_versions: MarketplaceAgentVersionsTable;
    agent_rental_agreements: AgentRentalAgreementsTable;
    ledger_accounts: LedgerAccountsTable;
    platform_transactions: PlatformTransactionsTable;
    ledger_entries: LedgerEntriesTable;
  }
}
