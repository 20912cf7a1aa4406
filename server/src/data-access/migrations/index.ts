import type { Kysely } from 'kysely';
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration';
import * as initial from './0001-initial';
import * as pageRevision from './0002-page-revision';
import * as vectors from './0003-vectors';
import * as sessionRevocations from './0004-session-revocations';
import * as agentConfigurations from './0005-agent-configurations';
import * as agentRuns from './0006-agent-runs';
import * as agentTriggers from './0007-agent-triggers';
import * as outputsAndBudgets from './0008-outputs-and-budgets';
import * as shopifyWebhookInbox from './0009-shopify-webhook-inbox';
import * as marketplace from './0011-marketplace';
import * as rentalsLedger from './0012-rentals-ledger';
import * as usdBudgetsAndWebhookWindows from './0013-usd-budgets-and-webhook-windows';
import * as agentSuspensions from './0014-agent-suspensions';
import * as claimAgentRuns from './0015-claim-agent-runs';
import * as agentLayouts from './0017-agent-layouts';
import * as runQueueFunctions from './0018-run-queue-functions';
import * as queueAndClaimAgentRuns from './0019-queue-and-claim-agent-runs';

/**
 * Every schema change, in order, as code (no files read at runtime, so the built package is self-contained).
 * Add a migration: a new `NNNN-name.ts` exporting `up`/`down` and one line here. Never edit a released migration.
 */
export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-page-revision': pageRevision,
  '0003-vectors': vectors,
  '0004-session-revocations': sessionRevocations,
  '0005-agent-configurations': agentConfigurations,
  '0006-agent-runs': agentRuns,
  '0007-agent-triggers': agentTriggers,
  '0008-outputs-and-budgets': outputsAndBudgets,
  '0009-shopify-webhook-inbox': shopifyWebhookInbox,
  '0011-marketplace': marketplace,
  '0012-rentals-ledger': rentalsLedger,
  '0013-usd-budgets-and-webhook-windows': usdBudgetsAndWebhookWindows,
  '0014-agent-suspensions': agentSuspensions,
  '0015-claim-agent-runs': claimAgentRuns,
  '0017-agent-layouts': agentLayouts,
  '0018-run-queue-functions': runQueueFunctions,
  '0019-queue-and-claim-agent-runs': queueAndClaimAgentRuns,
};

const provider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};

/** Brings the database to the latest schema; throws with the failing migration's name and cause. */
export async function migrateToLatest<T>(db: Kysely<T>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'ionflux_migrations',
    migrationLockTableName: 'ionflux_migrations_lock',
    // Numbers are handed out per piece of work and land in any order (0009 before 0007): a database that already has
    // a later one still gets an earlier one that landed since. Migrations of different numbers never depend on each
    // other's order unless they say so.
    allowUnorderedMigrations: true,
  });
  const result = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`Database migration ${failed?.migrationName ?? '(unknown)'} failed: ${cause}`, {
      cause: result.error,
    });
  }
  return result;
}

/** Rolls back the newest migration (used by the migration test; not exposed to users). */
export async function migrateDown<T>(db: Kysely<T>): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: 'ionflux_migrations',
    migrationLockTableName: 'ionflux_migrations_lock',
  });
  return migrator.migrateDown();
}
