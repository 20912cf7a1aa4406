import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sql } from 'kysely';
import { buildAgentPackage, generatePublisherKey, signAgentPackage } from '../../domain/marketplace/package';
import { startTestServer, type TestServer, type TestUser } from '../../testing/test-server';

const PAID_AGENT = `apiVersion: ionflux/v1
kind: Agent
metadata: { name: weekly-pulse, displayName: Weekly Pulse, version: 1.0.0, description: A paid weekly note }
spec:
  trigger: { manual: {} }
  steps:
    - id: note
      uses: notify
      with: { title: Weekly pulse }
`;
const PRICE = 1_000;
const FEE = 200; // 20 % platform fee

let t: TestServer;
let publisher: TestUser;
let renter: TestUser;
let pw: string;
let rw: string;
let clock = new Date();

/** Every transaction's entries sum to zero, every transaction has two entries or more, and so does the ledger. */
async function expectLedgerBalanced(): Promise<void> {
  const db = t.server.db;
  const unbalanced = await sql<{ transaction_id: string }>`
    select t.id as transaction_id from platform_transactions t left join ledger_entries e on e.transaction_id = t.id
    group by t.id having coalesce(sum(e.amount_minor), 0) <> 0 or count(e.id) < 2`.execute(db);
  expect(unbalanced.rows).toEqual([]);
  const total = await sql<{ total: string | null }>`select sum(amount_minor) as total from ledger_entries`.execute(db);
  expect(Number(total.rows[0]!.total ?? 0)).toBe(0);
}

/** An account's balance straight from the ledger entries. */
async function accountBalance(ownerKeyPrefix: string): Promise<number> {
  const rows = await sql<{ total: string | null }>`
    select sum(e.amount_minor) as total from ledger_entries e join ledger_accounts a on a.id = e.account_id
    where a.owner_key like ${`${ownerKeyPrefix}%`}`.execute(t.server.db);
  return Number(rows.rows[0]!.total ?? 0);
}

const W = () => `/api/workspaces/${rw}`;
const post = (path: string, body: unknown) => t.request('POST', `${W()}${path}`, { token: renter.token, body });
const rent = (idempotencyKey: string) => post('/marketplace/rentals', { agent: 'weekly-pulse', idempotencyKey });
const topUp = (amountMinor: number, idempotencyKey: string) =>
  post('/balance/top-ups', { amountMinor, currency: 'USD', idempotencyKey });
const rentals = async () =>
  (await t.request('GET', `${W()}/marketplace/rentals`, { token: renter.token })).body.rentals as any[];
const balance = async () =>
  (await t.request('GET', `${W()}/transactions`, { token: renter.token })).body.balances.find(
    (b: any) => b.currency === 'USD',
  )?.amountMinor ?? 0;

beforeAll(async () => {
  t = await startTestServer();
  t.server.useCases.rentals.now = () => clock;
  publisher = await t.signup('Paid Publisher');
  renter = await t.signup('Renter');
  pw = await t.createWorkspace(publisher, 'Pulse Works');
  rw = await t.createWorkspace(renter, 'Renting Shop');
  const key = generatePublisherKey();
  const pkg = buildAgentPackage({
    yaml: PAID_AGENT,
    category: 'productivity',
    pricing: { model: 'monthly', priceMinor: PRICE, currency: 'USD' },
  });
  const res = await t.request('POST', `/api/workspaces/${pw}/marketplace/agents`, {
    token: publisher.token,
    body: signAgentPackage(pkg, key.privateKeyPem),
  });
  expect(res.status).toBe(201);
  expect(res.body.agent.pricing).toEqual({ model: 'monthly', priceMinor: PRICE, currency: 'USD' });
}, 120_000);
afterAll(async () => {
  await t.close();
});

describe('rentals and the ledger', () => {
  let configurationId: string;

  it('needs a rental to install a paid agent, and funds to rent it', async () => {
    const install = await post('/marketplace/installs', { agent: 'weekly-pulse' });
    expect(install.status).toBe(402);
    expect(install.body.error.code).toBe('rental_required');
    const broke = await rent('rent-key-0001');
    expect(broke.status).toBe(402);
    expect(broke.body.error).toMatchObject({
      code: 'insufficient_balance',
      details: { balanceMinor: 0, priceMinor: PRICE },
    });
    await expectLedgerBalanced();
  });

  it('charges once per idempotency key, pays the publisher less the fee, and balances every transaction', async () => {
    expect((await topUp(2_500, 'top-up-key-1')).body.balanceMinor).toBe(2_500);
    expect((await topUp(2_500, 'top-up-key-1')).body.balanceMinor).toBe(2_500);
    await expectLedgerBalanced();
    // The same key twice at once, then again: one rental, one charge.
    const [a, b] = await Promise.all([rent('rent-key-0002'), rent('rent-key-0002')]);
    const c = await rent('rent-key-0002');
    expect([a.status, b.status, c.status]).toEqual([201, 201, 201]);
    expect(new Set([a.body.rental.id, b.body.rental.id, c.body.rental.id]).size).toBe(1);
    expect(c.body.balanceMinor).toBe(2_500 - PRICE);
    const ledger = (await t.request('GET', `${W()}/transactions`, { token: renter.token })).body;
    expect(ledger.transactions.map((x: any) => x.kind)).toEqual(['publisher_payout', 'rental_charge', 'top_up']);
    for (const transaction of ledger.transactions)
      expect(transaction.entries.reduce((sum: number, e: any) => sum + e.amountMinor, 0)).toBe(0);
    expect(ledger.transactions[1].amountMinor).toBe(-PRICE);
    const publisherId = (
      await sql<{ id: string }>`select id from publishers where workspace_id = ${pw}`.execute(t.server.db)
    ).rows[0]!.id;
    expect(await accountBalance(`publisher:${publisherId}:`)).toBe(PRICE - FEE);
    expect(await accountBalance('platform_revenue:')).toBe(FEE);
    expect(await accountBalance('platform_clearing:')).toBe(0);
    const again = await rent('rent-key-0003');
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('already_rented');
    await expectLedgerBalanced();
  });

  it('installs and runs while rented, renews at the end of a period, and an expired rental stops runs', async () => {
    const install = await post('/marketplace/installs', { agent: 'weekly-pulse' });
    expect(install.status).toBe(201);
    configurationId = install.body.agent.id;
    expect((await post(`/agents/${configurationId}/runs`, {})).status).toBe(202);

    const [first] = await rentals();
    clock = new Date(new Date(first.periodEnd).getTime() + 60_000);
    const [renewed] = await rentals();
    expect(renewed).toMatchObject({ status: 'active', renewals: 1, periodStart: first.periodEnd });
    expect(await balance()).toBe(2_500 - 2 * PRICE);
    await expectLedgerBalanced();
    expect((await post(`/agents/${configurationId}/runs`, {})).status).toBe(202);

    // The next period cannot be paid (500 left): the rental expires and runs are refused, saying why.
    clock = new Date(new Date(renewed.periodEnd).getTime() + 60_000);
    const refused = await post(`/agents/${configurationId}/runs`, {});
    expect(refused.status).toBe(402);
    expect(refused.body.error.code).toBe('rental_expired');
    expect(refused.body.error.message).toContain('The rental of weekly-pulse expired on');
    expect(refused.body.error.message).toContain('rent it again');
    expect((await rentals())[0]).toMatchObject({ status: 'expired', renewals: 1 });
    // Runs started by events (queued inside the event's transaction) are refused as well.
    const config = (
      await sql<any>`select * from agent_configurations where id = ${configurationId}`.execute(t.server.db)
    ).rows[0];
    await expect(
      t.server.db
        .transaction()
        .execute((trx) =>
          t.server.useCases.runs.queueTriggeredRun(trx, { config, triggerKind: 'manual', trigger: {} }),
        ),
    ).rejects.toMatchObject({ code: 'rental_expired' });
    expect(await balance()).toBe(2_500 - 2 * PRICE);
    await expectLedgerBalanced();
  });

  it('cancels at the end of the period (no renewal), or now with a pro-rata refund', async () => {
    await topUp(5_000, 'top-up-key-2');
    const rental = (await rent('rent-key-0004')).body.rental;
    expect((await post(`/agents/${configurationId}/runs`, {})).status).toBe(202);
    const cancelled = await post(`/marketplace/rentals/${rental.id}/cancel`, {});
    expect(cancelled.body.rental).toMatchObject({ status: 'active', cancelAtPeriodEnd: true });
    const before = await balance();
    clock = new Date(new Date(rental.periodEnd).getTime() + 1_000);
    expect((await rentals())[0]).toMatchObject({ id: rental.id, status: 'canceled', renewals: 0 });
    expect(await balance()).toBe(before);
    const refused = await post(`/agents/${configurationId}/runs`, {});
    expect(refused.body.error.code).toBe('rental_expired');
    expect(refused.body.error.message).toContain('was cancelled');
    await expectLedgerBalanced();

    const second = (await rent('rent-key-0005')).body.rental;
    const start = new Date(second.periodStart).getTime();
    const end = new Date(second.periodEnd).getTime();
    clock = new Date(start + (end - start) / 4);
    const afterCharge = await balance();
    const now = await post(`/marketplace/rentals/${second.id}/cancel`, { immediately: true });
    expect(now.body.rental.status).toBe('canceled');
    const refund = Math.floor((PRICE * (end - clock.getTime())) / (end - start));
    expect(await balance()).toBe(afterCharge + refund);
    const ledger = (await t.request('GET', `${W()}/transactions`, { token: renter.token })).body.transactions;
    expect(ledger[0]).toMatchObject({ kind: 'refund', amountMinor: refund });
    expect((await post(`/marketplace/rentals/${second.id}/cancel`, {})).body.error.code).toBe('rental_not_active');
    await expectLedgerBalanced();
  });

  it('keeps the ledger to admins and refuses reused or foreign keys', async () => {
    const viewer = await t.signup('Viewer');
    await t.addMember({ owner: renter, user: viewer, workspaceId: rw, role: 'viewer' });
    expect((await t.request('GET', `${W()}/transactions`, { token: viewer.token })).status).toBe(403);
    const reused = await rent('top-up-key-2');
    expect(reused.status).toBe(409);
    expect(reused.body.error.code).toBe('idempotency_key_reused');
    // Another workspace's key space is its own: the same key there is a new top-up.
    const pubTopUp = await t.request('POST', `/api/workspaces/${pw}/balance/top-ups`, {
      token: publisher.token,
      body: { amountMinor: 100, currency: 'USD', idempotencyKey: 'top-up-key-2' },
    });
    expect(pubTopUp.body.balanceMinor).toBe(100);
    await expectLedgerBalanced();
  });
});
