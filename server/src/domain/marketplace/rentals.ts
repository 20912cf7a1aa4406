import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AgentRentalAgreementsTable, TransactionKind } from '../../data-access/marketplace-schema';
import {
  findMarketplaceAgent,
  findMarketplaceAgentById,
  findVersionById,
  type MarketplaceAgentWithPublisher,
} from '../../data-access/marketplace-repository';
import { isoRequired, type Database } from '../../data-access/schema';
import { AppError, conflict, forbidden, isUniqueViolation, notFound } from '../../errors';
import { hasRole, type AppContext, type WorkspaceAccess } from '../context';
import { actingUserId } from '../workspace-access';
import type { PackageMetadata, Rental, Transaction as LedgerTransaction } from './model';

type Db = Kysely<Database> | Transaction<Database>;
type RentalRow = Selectable<AgentRentalAgreementsTable>;

/** The platform keeps this share of every rental payment (basis points); the publisher gets the rest. */
export const PLATFORM_FEE_BPS = 2_000;
/** Renewals caught up in one settlement at most (a rental untouched for years expires rather than loops). */
const MAX_RENEWALS_PER_SETTLEMENT = 24;

/** A ledger account by its owner. */
type AccountRef =
  | { kind: 'workspace_balance'; workspaceId: string }
  | { kind: 'publisher_earnings'; publisherId: string }
  | { kind: 'platform_revenue' }
  | { kind: 'platform_clearing' }
  | { kind: 'external' };

function ownerKey(ref: AccountRef, currency: string): string {
  switch (ref.kind) {
    case 'workspace_balance':
      return `workspace:${ref.workspaceId}:${currency}`;
    case 'publisher_earnings':
      return `publisher:${ref.publisherId}:${currency}`;
    default:
      return `${ref.kind}:${currency}`;
  }
}

async function accountId(db: Db, ref: AccountRef, currency: string): Promise<string> {
  const key = ownerKey(ref, currency);
  const found = await db.selectFrom('ledger_accounts').select('id').where('owner_key', '=', key).executeTakeFirst();
  if (found) return found.id;
  const inserted = await db
    .insertInto('ledger_accounts')
    .values({
      kind: ref.kind,
      workspace_id: ref.kind === 'workspace_balance' ? ref.workspaceId : null,
      publisher_id: ref.kind === 'publisher_earnings' ? ref.publisherId : null,
      currency,
      owner_key: key,
    })
    .onConflict((oc) => oc.column('owner_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return (
    inserted?.id ??
    (await db.selectFrom('ledger_accounts').select('id').where('owner_key', '=', key).executeTakeFirstOrThrow()).id
  );
}

/**
 * Posts one balanced transaction: its entries (account, signed amount; positive adds to the account) must sum to
 * zero, or nothing is written (a programmer error: the ledger never holds an unbalanced transaction).
 */
async function postTransaction(
  db: Db,
  args: {
    kind: TransactionKind;
    workspaceId: string | null;
    rentalId?: string;
    idempotencyKey?: string;
    currency: string;
    description: string;
    createdBy: string | null;
    entries: { account: AccountRef; amountMinor: number }[];
  },
): Promise<string> {
  const sum = args.entries.reduce((total, entry) => total + entry.amountMinor, 0);
  if (sum !== 0 || args.entries.some((e) => !Number.isSafeInteger(e.amountMinor)))
    throw new Error(`Unbalanced ${args.kind} transaction (entries sum to ${sum}); nothing was written`);
  const workspaceEffect = args.entries
    .filter((e) => e.account.kind === 'workspace_balance')
    .reduce((total, e) => total + e.amountMinor, 0);
  const transaction = await db
    .insertInto('platform_transactions')
    .values({
      kind: args.kind,
      workspace_id: args.workspaceId,
      rental_id: args.rentalId ?? null,
      idempotency_key: args.idempotencyKey ?? null,
      currency: args.currency,
      amount_minor: workspaceEffect,
      description: args.description,
      created_by: args.createdBy,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const entry of args.entries)
    await db
      .insertInto('ledger_entries')
      .values({
        transaction_id: transaction.id,
        account_id: await accountId(db, entry.account, args.currency),
        amount_minor: entry.amountMinor,
        currency: args.currency,
      })
      .execute();
  return transaction.id;
}

/** The balance of a ledger account (sum of its entries). */
async function balanceOf(db: Db, ref: AccountRef, currency: string): Promise<number> {
  const row = await db
    .selectFrom('ledger_entries as e')
    .innerJoin('ledger_accounts as a', 'a.id', 'e.account_id')
    .select(sql<string>`coalesce(sum(e.amount_minor), 0)`.as('balance'))
    .where('a.owner_key', '=', ownerKey(ref, currency))
    .executeTakeFirstOrThrow();
  return Number(row.balance);
}

/** One calendar month after `from` (the last day of a shorter month when the day does not exist). */
export function addMonth(from: Date): Date {
  const next = new Date(from.getTime());
  const day = next.getUTCDate();
  next.setUTCDate(1);
  next.setUTCMonth(next.getUTCMonth() + 1);
  const lastDay = new Date(Date.UTC(next.getUTCFullYear(), next.getUTCMonth() + 1, 0)).getUTCDate();
  next.setUTCDate(Math.min(day, lastDay));
  return next;
}

function toRental(row: RentalRow, agentName: string): Rental {
  return {
    id: row.id,
    workspaceId: row.workspace_id,
    agent: agentName,
    priceMinor: row.price_minor,
    currency: row.currency,
    status: row.status,
    periodStart: isoRequired(row.period_start),
    periodEnd: isoRequired(row.period_end),
    cancelAtPeriodEnd: row.cancel_at_period_end,
    renewals: row.renewals,
    createdAt: isoRequired(row.created_at),
  };
}

/**
 * Rentals of paid agents (the plan's AgentRentalAgreement) and the double-entry ledger behind them. A workspace
 * balance stands in for a payment provider: top-ups come from the `external` account. A rental charge moves the
 * price from the workspace balance to the platform's clearing account, and the publisher payout moves it on to the
 * publisher's earnings less the platform fee. Renewals, expiry and end-of-period cancellation are settled when the
 * rental is next looked at (listing, installing, running): a renewal is charged when the balance covers it, else
 * the rental expires and the agent's runs are refused with a message saying so.
 */
export class Rentals {
  readonly #ctx: AppContext;
  /** The clock (tests move it instead of waiting a month). */
  now: () => Date = () => new Date();

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  async balance(access: WorkspaceAccess, currency: string): Promise<number> {
    return balanceOf(this.#ctx.db, { kind: 'workspace_balance', workspaceId: access.workspaceId }, currency);
  }

  /** Adds money to the workspace balance (the stand-in for a card payment); once per idempotency key. */
  async topUp(
    access: WorkspaceAccess,
    args: { amountMinor: number; currency: string; idempotencyKey: string },
  ): Promise<{ transactionId: string; balanceMinor: number }> {
    requireAdmin(access, 'Adding funds');
    const id = await this.#once(access.workspaceId, args.idempotencyKey, 'top_up', (trx) =>
      postTransaction(trx, {
        kind: 'top_up',
        workspaceId: access.workspaceId,
        idempotencyKey: args.idempotencyKey,
        currency: args.currency,
        description: `Top-up of ${formatMoney(args.amountMinor, args.currency)}`,
        createdBy: actingUserId(access),
        entries: [
          { account: { kind: 'external' }, amountMinor: -args.amountMinor },
          { account: { kind: 'workspace_balance', workspaceId: access.workspaceId }, amountMinor: args.amountMinor },
        ],
      }),
    );
    return { transactionId: id, balanceMinor: await this.balance(access, args.currency) };
  }

  /**
   * Rents a paid agent for one month: charges the workspace balance and pays the publisher, in one database
   * transaction. A repeated request with the same idempotency key returns the same rental and charges nothing.
   */
  async rent(
    access: WorkspaceAccess,
    args: { agent: string; idempotencyKey: string },
  ): Promise<{ rental: Rental; transactionIds: string[]; balanceMinor: number }> {
    requireAdmin(access, 'Renting agents');
    const agent = await findMarketplaceAgent(this.#ctx.db, args.agent);
    if (!agent || !agent.latest_version) throw notFound('marketplace agent');
    const previous = await this.#transactionByKey(access.workspaceId, args.idempotencyKey);
    if (previous) {
      if (previous.kind !== 'rental_charge' || !previous.rental_id)
        throw conflict('idempotency_key_reused', 'This idempotency key was used for another operation; use a new key');
      const rental = (await this.#rentalRow(access.workspaceId, previous.rental_id))!;
      return {
        rental: toRental(rental, agent.name),
        transactionIds: [previous.id],
        balanceMinor: await this.balance(access, rental.currency),
      };
    }
    if (agent.price_minor <= 0 || !agent.currency)
      throw conflict('agent_is_free', `${agent.name} is free: install it without renting`);
    await this.settle(access.workspaceId, agent.id);
    const price = agent.price_minor;
    const currency = agent.currency;
    try {
      const result = await this.#ctx.db.transaction().execute(async (trx) => {
        // A request with the same key that committed meanwhile: answer like a repeat (below).
        const repeatedKey = async () =>
          (await trx
            .selectFrom('platform_transactions')
            .select('id')
            .where('workspace_id', '=', access.workspaceId)
            .where('idempotency_key', '=', args.idempotencyKey)
            .executeTakeFirst()) !== undefined;
        if (await repeatedKey()) return undefined;
        const live = await trx
          .selectFrom('agent_rental_agreements')
          .selectAll()
          .where('workspace_id', '=', access.workspaceId)
          .where('marketplace_agent_id', '=', agent.id)
          .where('status', '=', 'active')
          .executeTakeFirst();
        // On PostgreSQL each statement sees what committed before it started: the rental found here may be the one
        // a request with the same key committed after the check above (its charge committed with it).
        if (live && (await repeatedKey())) return undefined;
        if (live)
          throw conflict(
            'already_rented',
            `This workspace rents ${agent.name} until ${isoRequired(live.period_end)} already`,
            { rental: toRental(live, agent.name) },
          );
        await this.#requireFunds(trx, access.workspaceId, price, currency, agent.name);
        const now = this.now();
        const rental = await trx
          .insertInto('agent_rental_agreements')
          .values({
            workspace_id: access.workspaceId,
            marketplace_agent_id: agent.id,
            price_minor: price,
            currency,
            status: 'active',
            period_start: now,
            period_end: addMonth(now),
            created_by: actingUserId(access),
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        const ids = await this.#charge(trx, {
          kind: 'rental_charge',
          rental,
          agent,
          idempotencyKey: args.idempotencyKey,
          createdBy: actingUserId(access),
        });
        return { rental, ids };
      });
      if (!result) return this.rent(access, args);
      return {
        rental: toRental(result.rental, agent.name),
        transactionIds: result.ids,
        balanceMinor: await this.balance(access, currency),
      };
    } catch (error) {
      // The same key sent twice at once: the second one lost the race on the unique key; answer like a repeat.
      // (On PostgreSQL both may also meet at the one-live-rental index.)
      if (
        isUniqueViolation(error, 'platform_transactions_idempotency') ||
        isUniqueViolation(error, 'agent_rentals_one_live')
      )
        return this.rent(access, args);
      throw error;
    }
  }

  /** Charge and payout of one period (two balanced transactions); returns their ids. */
  async #charge(
    trx: Db,
    args: {
      kind: 'rental_charge' | 'renewal_charge';
      rental: RentalRow;
      agent: MarketplaceAgentWithPublisher;
      idempotencyKey?: string;
      createdBy: string | null;
    },
  ): Promise<string[]> {
    const { rental, agent } = args;
    const price = rental.price_minor;
    const fee = Math.floor((price * PLATFORM_FEE_BPS) / 10_000);
    const period = `${isoRequired(rental.period_start).slice(0, 10)} to ${isoRequired(rental.period_end).slice(0, 10)}`;
    const charge = await postTransaction(trx, {
      kind: args.kind,
      workspaceId: rental.workspace_id,
      rentalId: rental.id,
      ...(args.idempotencyKey ? { idempotencyKey: args.idempotencyKey } : {}),
      currency: rental.currency,
      description: `${args.kind === 'rental_charge' ? 'Rental' : 'Renewal'} of ${agent.name}, ${period}`,
      createdBy: args.createdBy,
      entries: [
        { account: { kind: 'workspace_balance', workspaceId: rental.workspace_id }, amountMinor: -price },
        { account: { kind: 'platform_clearing' }, amountMinor: price },
      ],
    });
    const payout = await postTransaction(trx, {
      kind: 'publisher_payout',
      workspaceId: rental.workspace_id,
      rentalId: rental.id,
      currency: rental.currency,
      description: `Payout to ${agent.publisher_name} for ${agent.name}, ${period} (platform fee ${formatMoney(fee, rental.currency)})`,
      createdBy: args.createdBy,
      entries: [
        { account: { kind: 'platform_clearing' }, amountMinor: -price },
        { account: { kind: 'publisher_earnings', publisherId: agent.publisher_id }, amountMinor: price - fee },
        { account: { kind: 'platform_revenue' }, amountMinor: fee },
      ],
    });
    return [charge, payout];
  }

  async #requireFunds(trx: Db, workspaceId: string, price: number, currency: string, what: string): Promise<void> {
    const balance = await balanceOf(trx, { kind: 'workspace_balance', workspaceId }, currency);
    if (balance < price)
      throw new AppError({
        status: 402,
        code: 'insufficient_balance',
        message: `Renting ${what} costs ${formatMoney(price, currency)} a month and the workspace balance is ${formatMoney(balance, currency)}; add funds first`,
        details: { balanceMinor: balance, priceMinor: price, currency },
      });
  }

  /**
   * Cancels a rental: at the end of the period by default (it stays active until then, and is not renewed), or
   * `immediately`, which ends it now and refunds the unused part of the period (pro rata, rounded down), taken back
   * from the publisher's earnings and the platform fee in the same proportions.
   */
  async cancel(access: WorkspaceAccess, rentalId: string, args: { immediately?: boolean }): Promise<Rental> {
    requireAdmin(access, 'Cancelling rentals');
    const row = await this.#rentalRow(access.workspaceId, rentalId);
    if (!row) throw notFound('rental');
    const agent = (await findMarketplaceAgentById(this.#ctx.db, row.marketplace_agent_id))!;
    await this.settle(access.workspaceId, agent.id);
    const current = (await this.#rentalRow(access.workspaceId, rentalId))!;
    if (current.status !== 'active')
      throw conflict('rental_not_active', `This rental is ${current.status} already`, {
        rental: toRental(current, agent.name),
      });
    const now = this.now();
    const updated = await this.#ctx.db.transaction().execute(async (trx) => {
      if (!args.immediately)
        return trx
          .updateTable('agent_rental_agreements')
          .set({ cancel_at_period_end: true, updated_at: now })
          .where('id', '=', rentalId)
          .returningAll()
          .executeTakeFirstOrThrow();
      const start = new Date(current.period_start).getTime();
      const end = new Date(current.period_end).getTime();
      const unused = Math.max(0, end - now.getTime());
      const refund = Math.floor((current.price_minor * unused) / Math.max(1, end - start));
      if (refund > 0) {
        const feeBack = Math.floor((refund * PLATFORM_FEE_BPS) / 10_000);
        await postTransaction(trx, {
          kind: 'refund',
          workspaceId: access.workspaceId,
          rentalId,
          currency: current.currency,
          description: `Refund of the unused part of ${agent.name} (${formatMoney(refund, current.currency)})`,
          createdBy: actingUserId(access),
          entries: [
            { account: { kind: 'workspace_balance', workspaceId: access.workspaceId }, amountMinor: refund },
            {
              account: { kind: 'publisher_earnings', publisherId: agent.publisher_id },
              amountMinor: -(refund - feeBack),
            },
            { account: { kind: 'platform_revenue' }, amountMinor: -feeBack },
          ],
        });
      }
      return trx
        .updateTable('agent_rental_agreements')
        .set({ status: 'canceled', cancel_at_period_end: true, period_end: now, updated_at: now })
        .where('id', '=', rentalId)
        .returningAll()
        .executeTakeFirstOrThrow();
    });
    return toRental(updated, agent.name);
  }

  async list(access: WorkspaceAccess): Promise<Rental[]> {
    const rows = await this.#ctx.db
      .selectFrom('agent_rental_agreements as r')
      .innerJoin('marketplace_agents as a', 'a.id', 'r.marketplace_agent_id')
      .select('a.id as agent_id')
      .where('r.workspace_id', '=', access.workspaceId)
      .execute();
    for (const agentId of new Set(rows.map((r) => r.agent_id))) await this.settle(access.workspaceId, agentId);
    const settled = await this.#ctx.db
      .selectFrom('agent_rental_agreements as r')
      .innerJoin('marketplace_agents as a', 'a.id', 'r.marketplace_agent_id')
      .selectAll('r')
      .select('a.name as agent_name')
      .where('r.workspace_id', '=', access.workspaceId)
      .orderBy('r.created_at', 'desc')
      .execute();
    return settled.map((row) => toRental(row, row.agent_name));
  }

  /**
   * Brings the workspace's active rental of an agent up to now: each period that ended is renewed (charged) when it
   * is not cancelled and the balance covers it; otherwise the rental ends (canceled or expired).
   */
  async settle(workspaceId: string, marketplaceAgentId: string): Promise<void> {
    const now = this.now();
    await this.#ctx.db.transaction().execute(async (trx) => {
      let rental = await trx
        .selectFrom('agent_rental_agreements')
        .selectAll()
        .where('workspace_id', '=', workspaceId)
        .where('marketplace_agent_id', '=', marketplaceAgentId)
        .where('status', '=', 'active')
        .forUpdate()
        .executeTakeFirst();
      if (!rental || new Date(rental.period_end) > now) return;
      const agent = (await findMarketplaceAgentById(trx, marketplaceAgentId))!;
      for (let i = 0; rental && new Date(rental.period_end) <= now; i++) {
        const funded =
          (await balanceOf(trx, { kind: 'workspace_balance', workspaceId }, rental.currency)) >= rental.price_minor;
        if (rental.cancel_at_period_end || !funded || i >= MAX_RENEWALS_PER_SETTLEMENT) {
          await trx
            .updateTable('agent_rental_agreements')
            .set({ status: rental.cancel_at_period_end ? 'canceled' : 'expired', updated_at: now })
            .where('id', '=', rental.id)
            .execute();
          return;
        }
        const start: Date = new Date(rental.period_end);
        rental = await trx
          .updateTable('agent_rental_agreements')
          .set({ period_start: start, period_end: addMonth(start), renewals: rental.renewals + 1, updated_at: now })
          .where('id', '=', rental.id)
          .returningAll()
          .executeTakeFirstOrThrow();
        await this.#charge(trx, { kind: 'renewal_charge', rental, agent, createdBy: null });
      }
    });
  }

  /** Throws 402 `rental_required` unless the workspace rents the agent now (settling renewals first). */
  async requireActive(workspaceId: string, agent: { id: string; name: string }): Promise<void> {
    await this.settle(workspaceId, agent.id);
    const live = await this.#ctx.db
      .selectFrom('agent_rental_agreements')
      .select('id')
      .where('workspace_id', '=', workspaceId)
      .where('marketplace_agent_id', '=', agent.id)
      .where('status', '=', 'active')
      .executeTakeFirst();
    if (!live)
      throw new AppError({
        status: 402,
        code: 'rental_required',
        message: `${agent.name} is a paid agent: rent it for this workspace first (rentMarketplaceAgent)`,
      });
  }

  /**
   * Refuses a run of a configuration installed from a paid marketplace agent whose rental is not active (expired
   * or cancelled): 402 `rental_expired`, saying when it ended and how to renew.
   */
  async checkRunAllowed(config: { workspace_id: string; definition_id: string | null; name: string }): Promise<void> {
    if (!config.definition_id) return;
    const version = await findVersionById(this.#ctx.db, config.definition_id);
    if (!version || (version.metadata as PackageMetadata).pricing.model !== 'monthly') return;
    await this.settle(config.workspace_id, version.agent_id);
    const last = await this.#ctx.db
      .selectFrom('agent_rental_agreements')
      .selectAll()
      .where('workspace_id', '=', config.workspace_id)
      .where('marketplace_agent_id', '=', version.agent_id)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    if (last?.status === 'active') return;
    const agent = (await findMarketplaceAgentById(this.#ctx.db, version.agent_id))!;
    throw new AppError({
      status: 402,
      code: 'rental_expired',
      message: last
        ? `The rental of ${agent.name} ${last.status === 'expired' ? 'expired' : 'was cancelled'} on ${isoRequired(last.period_end)}, so "${config.name}" cannot run; rent it again (rentMarketplaceAgent) to run it`
        : `"${config.name}" comes from ${agent.name}, a paid agent this workspace does not rent; rent it (rentMarketplaceAgent) to run it`,
    });
  }

  /**
   * The same decision without writing, inside the caller's transaction (runs started by events, queued in the event's
   * transaction): a rental whose period ended still counts when its renewal is due and the balance covers it (the
   * renewal is then charged by the next settlement).
   */
  async checkRunAllowedIn(
    db: Db,
    config: { workspace_id: string; definition_id: string | null; name: string },
  ): Promise<void> {
    if (!config.definition_id) return;
    const version = await findVersionById(db, config.definition_id);
    if (!version || (version.metadata as PackageMetadata).pricing.model !== 'monthly') return;
    const last = await db
      .selectFrom('agent_rental_agreements')
      .selectAll()
      .where('workspace_id', '=', config.workspace_id)
      .where('marketplace_agent_id', '=', version.agent_id)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    const live =
      last?.status === 'active' &&
      (new Date(last.period_end) > this.now() ||
        (!last.cancel_at_period_end &&
          (await balanceOf(db, { kind: 'workspace_balance', workspaceId: config.workspace_id }, last.currency)) >=
            last.price_minor));
    if (!live)
      throw new AppError({
        status: 402,
        code: 'rental_expired',
        message: `"${config.name}" comes from a paid agent whose rental is not active; rent it again (rentMarketplaceAgent) to run it`,
      });
  }

  /** The workspace's transactions, newest first, each with its balanced entries. */
  async transactions(
    access: WorkspaceAccess,
    args: { limit: number },
  ): Promise<{ transactions: LedgerTransaction[]; balances: { currency: string; amountMinor: number }[] }> {
    if (!hasRole(access.role, 'admin'))
      throw forbidden('insufficient_role', `The ledger needs the admin role (you are ${access.role})`);
    const rows = await this.#ctx.db
      .selectFrom('platform_transactions')
      .selectAll()
      .where('workspace_id', '=', access.workspaceId)
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(args.limit)
      .execute();
    const entries = rows.length
      ? await this.#ctx.db
          .selectFrom('ledger_entries as e')
          .innerJoin('ledger_accounts as a', 'a.id', 'e.account_id')
          .leftJoin('publishers as p', 'p.id', 'a.publisher_id')
          .select(['e.transaction_id', 'e.amount_minor', 'a.kind', 'p.name as publisher_name'])
          .where(
            'e.transaction_id',
            'in',
            rows.map((r) => r.id),
          )
          .execute()
      : [];
    const label = (e: (typeof entries)[number]) =>
      e.kind === 'workspace_balance'
        ? 'workspace balance'
        : e.kind === 'publisher_earnings'
          ? `earnings of ${e.publisher_name}`
          : e.kind.replace('_', ' ');
    const balances = await this.#ctx.db
      .selectFrom('ledger_entries as e')
      .innerJoin('ledger_accounts as a', 'a.id', 'e.account_id')
      .select(['a.currency', sql<string>`sum(e.amount_minor)`.as('amount')])
      .where('a.owner_key', 'like', `workspace:${access.workspaceId}:%`)
      .groupBy('a.currency')
      .orderBy('a.currency')
      .execute();
    return {
      transactions: rows.map((row) => ({
        id: row.id,
        kind: row.kind,
        rentalId: row.rental_id,
        amountMinor: row.amount_minor,
        currency: row.currency,
        description: row.description,
        entries: entries
          .filter((e) => e.transaction_id === row.id)
          .map((e) => ({ account: label(e), amountMinor: e.amount_minor })),
        createdAt: isoRequired(row.created_at),
      })),
      balances: balances.map((b) => ({ currency: b.currency, amountMinor: Number(b.amount) })),
    };
  }

  async #transactionByKey(workspaceId: string, key: string) {
    return this.#ctx.db
      .selectFrom('platform_transactions')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
  }

  async #rentalRow(workspaceId: string, rentalId: string): Promise<RentalRow | undefined> {
    return this.#ctx.db
      .selectFrom('agent_rental_agreements')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', rentalId)
      .executeTakeFirst();
  }

  /** Runs `post` once per idempotency key: a repeat returns the first transaction's id (same kind only). */
  async #once(
    workspaceId: string,
    key: string,
    kind: TransactionKind,
    post: (trx: Transaction<Database>) => Promise<string>,
  ): Promise<string> {
    const previous = await this.#transactionByKey(workspaceId, key);
    if (previous) {
      if (previous.kind !== kind)
        throw conflict('idempotency_key_reused', 'This idempotency key was used for another operation; use a new key');
      return previous.id;
    }
    try {
      return await this.#ctx.db.transaction().execute(post);
    } catch (error) {
      if (isUniqueViolation(error, 'platform_transactions_idempotency'))
        return this.#once(workspaceId, key, kind, post);
      throw error;
    }
  }
}

function requireAdmin(access: WorkspaceAccess, what: string): void {
  if (!hasRole(access.role, 'admin'))
    throw forbidden('insufficient_role', `${what} needs the admin role (you are ${access.role})`);
}

/** 1234 USD -> "USD 12.34" (two decimals; the ledger itself only holds integers). */
export function formatMoney(minor: number, currency: string): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${currency} ${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
