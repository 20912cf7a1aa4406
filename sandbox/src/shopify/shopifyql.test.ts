import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SANDBOX_CREDENTIALS } from '../credentials';
import { startSandboxServer } from '../server';
import type { SandboxServer } from '../server';
import { generateStore } from './store';
import type { ShopifyStore, StoreOrder } from './store';

const NOW = '2026-02-01T15:30:00Z';
const TOKEN = SANDBOX_CREDENTIALS.shopify.accessToken;

async function gql(server: SandboxServer, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${server.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as any;
}

const SHOPIFYQL = `query Q($query: String!) {
  shopifyqlQuery(query: $query) { parseErrors tableData { columns { name dataType displayName } rows } }
}`;

async function shopifyql(server: SandboxServer, query: string) {
  const body = await gql(server, SHOPIFYQL, { query });
  expect(body.errors).toBeUndefined();
  return body.data.shopifyqlQuery as {
    parseErrors: string[];
    tableData: { columns: { name: string; dataType: string }[]; rows: Record<string, string | number | null>[] } | null;
  };
}

const cents = (amount: string | number | null | undefined) => Math.round(Number(amount ?? 0) * 100);

/** Local midnight of a YYYY-MM-DD in a zone, by search over offsets (independent of the sandbox's zone code). */
function localMidnight(date: string, timeZone: string): number {
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    hourCycle: 'h23',
  });
  const base = Date.parse(`${date}T00:00:00Z`);
  for (let offsetHours = -14; offsetHours <= 14; offsetHours += 0.25) {
    const t = base - offsetHours * 3600_000;
    const parts = Object.fromEntries(format.formatToParts(new Date(t)).map((p) => [p.type, p.value]));
    if (`${parts.year}-${parts.month}-${parts.day}` === date && parts.hour === '00') {
      const minuteBefore = Object.fromEntries(format.formatToParts(new Date(t - 60_000)).map((p) => [p.type, p.value]));
      if (`${minuteBefore.year}-${minuteBefore.month}-${minuteBefore.day}` !== date) return t;
    }
  }
  throw new Error(`no midnight for ${date} in ${timeZone}`);
}

/**
 * Reference figures straight from the raw orders: a sale when the order is placed, the refund (or the whole order, when
 * cancelled) when it happens; gift cards left out.
 */
function reference(store: ShopifyStore, from: number, to: number) {
  const t = { gross: 0, discounts: 0, returns: 0, shipping: 0, taxes: 0, orders: 0 };
  const giftCard = (order: StoreOrder, k: number) =>
    store.product(order.lineItems[k]!.productLegacyId)!.productType === 'Gift Cards';
  const inWindow = (d: Date) => d.getTime() >= from && d.getTime() < to;
  for (const order of store.orders()) {
    if (inWindow(order.createdAt)) {
      t.orders++;
      order.lineItems.forEach((line, k) => {
        if (giftCard(order, k)) return;
        t.gross += line.unitPriceCents * line.quantity;
        t.discounts += line.discountCents;
      });
      t.shipping += order.shippingCents;
      t.taxes += order.taxCents;
    }
    if (order.cancelledAt) {
      if (!inWindow(order.cancelledAt)) continue;
      order.lineItems.forEach((line, k) => {
        if (!giftCard(order, k)) t.returns += line.unitPriceCents * line.quantity - line.discountCents;
      });
      t.shipping -= order.shippingCents;
      t.taxes -= order.taxCents;
    } else if (order.refund && inWindow(order.refund.createdAt)) {
      for (const line of order.refund.lines) {
        if (giftCard(order, line.lineIndex)) continue;
        t.returns += line.subtotalCents;
        t.taxes -= line.taxCents;
      }
      t.shipping -= order.refund.shippingCents;
    }
  }
  return t;
}

const METRICS = 'gross_sales, discounts, returns, net_sales, shipping_charges, taxes, total_sales, orders';

describe.each(['Etc/UTC', 'America/New_York', 'Asia/Kolkata'])('shopifyqlQuery on a store in %s', (timeZone) => {
  let server: SandboxServer;
  let store: ShopifyStore;
  beforeAll(async () => {
    server = await startSandboxServer({ seed: 42, now: NOW, shopifyStore: { timeZone } });
    store = generateStore(42, NOW, { timeZone });
  });
  afterAll(async () => {
    await server.close();
  });

  it.each([
    ['2026-01-25', '2026-01-31'],
    ['2026-01-01', '2026-01-31'],
    ['2025-11-01', '2026-01-30'],
    ['2025-02-01', '2026-02-01'],
    ['2025-11-28', '2025-11-28'],
  ])('agrees to the cent with the raw orders from %s to %s, in total and day by day', async (since, until) => {
    const from = localMidnight(since, timeZone);
    const to = localMidnight(
      new Date(Date.parse(`${until}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10),
      timeZone,
    );
    const expected = reference(store, from, to);
    expect(expected.orders).toBeGreaterThan(20);
    const total = await shopifyql(server, `FROM sales SHOW ${METRICS} SINCE ${since} UNTIL ${until}`);
    expect(total.parseErrors).toEqual([]);
    const row = total.tableData!.rows[0]!;
    expect({
      gross: cents(row.gross_sales),
      discounts: -cents(row.discounts),
      returns: -cents(row.returns),
      shipping: cents(row.shipping_charges),
      taxes: cents(row.taxes),
      orders: row.orders,
    }).toEqual(expected);
    expect(cents(row.net_sales)).toBe(expected.gross - expected.discounts - expected.returns);
    expect(cents(row.total_sales)).toBe(
      expected.gross - expected.discounts - expected.returns + expected.shipping + expected.taxes,
    );
    expect(expected.returns).toBeGreaterThan(0);

    const daily = await shopifyql(
      server,
      `FROM sales SHOW total_sales, orders GROUP BY day SINCE ${since} UNTIL ${until} ORDER BY day`,
    );
    const days = daily.tableData!.rows;
    expect(daily.tableData!.columns.map((c) => [c.name, c.dataType])).toEqual([
      ['day', 'DAY_TIMESTAMP'],
      ['total_sales', 'MONEY'],
      ['orders', 'INTEGER'],
    ]);
    expect(days.map((d) => d.day)).toEqual([...days.map((d) => d.day)].sort());
    expect(days.reduce((s, d) => s + cents(d.total_sales), 0)).toBe(cents(row.total_sales));
    expect(days.reduce((s, d) => s + Number(d.orders), 0)).toBe(expected.orders);
    const first = String(days[0]!.day);
    const firstFrom = localMidnight(first, timeZone);
    const firstTo = localMidnight(
      new Date(Date.parse(`${first}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10),
      timeZone,
    );
    const firstExpected = reference(store, firstFrom, firstTo);
    expect(cents(days[0]!.total_sales)).toBe(
      firstExpected.gross -
        firstExpected.discounts -
        firstExpected.returns +
        firstExpected.shipping +
        firstExpected.taxes,
    );
  });

  it("resolves Shopify's relative dates against the shop's today", async () => {
    const same = async (a: string, b: string) => {
      const [x, y] = [
        await shopifyql(server, `FROM sales SHOW total_sales, orders ${a}`),
        await shopifyql(server, `FROM sales SHOW total_sales, orders ${b}`),
      ];
      expect(x.parseErrors).toEqual([]);
      expect(x.tableData!.rows).toEqual(y.tableData!.rows);
      return x.tableData!.rows[0]!;
    };
    const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(NOW));
    const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(Date.parse(NOW) - 86_400_000));
    await same('DURING yesterday', `SINCE ${yesterday} UNTIL ${yesterday}`);
    await same('DURING today', `SINCE ${today} UNTIL ${today}`);
    await same('DURING last_7_days', 'SINCE -7d UNTIL -1d');
    await same('DURING last_month', 'SINCE startOfMonth(-1m) UNTIL endOfMonth(-1m)');
    const month = String(Number(today.slice(5, 7)) - 1 || 12).padStart(2, '0');
    const year = month === '12' ? String(Number(today.slice(0, 4)) - 1) : today.slice(0, 4);
    const last = new Date(Date.UTC(Number(year), Number(month), 0)).getUTCDate();
    await same('DURING last_month', `SINCE ${year}-${month}-01 UNTIL ${year}-${month}-${last}`);
    const lastYear = await same('DURING last_365_days', 'SINCE -365d UNTIL yesterday');
    expect(Number(lastYear.orders)).toBeGreaterThan(10_000);
  });
});

describe('shopifyqlQuery', () => {
  let server: SandboxServer;
  let store: ShopifyStore;
  beforeAll(async () => {
    server = await startSandboxServer({
      seed: 42,
      now: NOW,
      shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    });
    store = generateStore(42, NOW);
  });
  afterAll(async () => {
    await server.close();
  });

  it('groups by month, product and channel, filters with WHERE, orders and limits', async () => {
    const months = await shopifyql(
      server,
      'FROM sales SHOW total_sales GROUP BY month SINCE 2025-11-01 UNTIL 2026-01-31 ORDER BY month',
    );
    expect(months.tableData!.rows.map((r) => r.month)).toEqual(['2025-11-01', '2025-12-01', '2026-01-01']);
    expect(months.tableData!.columns[0]).toEqual({ name: 'month', dataType: 'MONTH_TIMESTAMP', displayName: 'Month' });
    const quarter = await shopifyql(server, 'FROM sales SHOW total_sales SINCE 2025-11-01 UNTIL 2026-01-31');
    expect(months.tableData!.rows.reduce((s, r) => s + cents(r.total_sales), 0)).toBe(
      cents(quarter.tableData!.rows[0]!.total_sales),
    );

    const top = await shopifyql(
      server,
      'FROM sales SHOW product_title, net_sales AS sales GROUP BY product_title SINCE 2026-01-01 UNTIL 2026-01-31 ORDER BY sales DESC LIMIT 5',
    );
    const rows = top.tableData!.rows;
    expect(rows).toHaveLength(5);
    expect(rows.map((r) => cents(r.sales))).toEqual([...rows.map((r) => cents(r.sales))].sort((a, b) => b - a));
    // The top product's net sales, from the raw orders of January (no order of it was cancelled or refunded later
    // than a week after its day, so January's sales and returns are all in these orders).
    const title = String(rows[0]!.product_title);
    const from = Date.parse('2026-01-01T00:00:00Z');
    const to = Date.parse('2026-02-01T00:00:00Z');
    let net = 0;
    for (const order of store.ordersCreatedBetween(from - 8 * 86_400_000, to)) {
      order.lineItems.forEach((line, k) => {
        if (store.product(line.productLegacyId)!.title !== title) return;
        const t = order.createdAt.getTime();
        if (t >= from && t < to) net += line.unitPriceCents * line.quantity - line.discountCents;
        const back = order.cancelledAt
          ? { at: order.cancelledAt, cents: line.unitPriceCents * line.quantity - line.discountCents }
          : order.refund?.lines.some((l) => l.lineIndex === k)
            ? { at: order.refund.createdAt, cents: order.refund.lines.find((l) => l.lineIndex === k)!.subtotalCents }
            : null;
        if (back && back.at.getTime() >= from && back.at.getTime() < to) net -= back.cents;
      });
    }
    expect(cents(rows[0]!.sales)).toBe(net);

    const channels = await shopifyql(
      server,
      'FROM sales SHOW sales_channel, orders GROUP BY sales_channel DURING last_month ORDER BY orders DESC',
    );
    const channelRows = channels.tableData!.rows;
    expect(channelRows.map((r) => r.sales_channel).sort()).toEqual(['Draft Orders', 'Online Store', 'Point of Sale']);
    expect(channelRows.map((r) => Number(r.orders))).toEqual(
      channelRows.map((r) => Number(r.orders)).sort((a, b) => b - a),
    );
    const all = await shopifyql(server, 'FROM sales SHOW orders DURING last_month');
    expect(channels.tableData!.rows.reduce((s, r) => s + Number(r.orders), 0)).toBe(all.tableData!.rows[0]!.orders);
    const web = await shopifyql(
      server,
      "FROM sales SHOW orders WHERE sales_channel = 'Online Store' DURING last_month",
    );
    expect(web.tableData!.rows[0]!.orders).toBe(
      channels.tableData!.rows.find((r) => r.sales_channel === 'Online Store')!.orders,
    );
  });

  it.each([
    ['FROM customers SHOW total_sales', /Table 'customers' is not supported/],
    ['FROM sales SHOW total_salez', /Unknown column 'total_salez'.*line 1, column 17/],
    ['FROM sales SHOW total_sales SINCE -7d GROUP BY day', /GROUP is out of order/],
    ["FROM sales SHOW orders WHERE sales_channel = 'pos' OR sales_channel = 'web'", /OR is not supported/],
    ['FROM sales SHOW orders DURING last_fortnight', /Unknown date range 'last_fortnight'/],
    ['FROM sales SHOW orders SINCE 2026-02-30', /'2026-02-30' is not a date/],
    ['FROM sales SHOW orders SINCE 2026-01-10 UNTIL 2026-01-01', /UNTIL must not be before SINCE/],
    ['SHOW orders', /Expected FROM/],
    ['FROM sales SHOW orders LIMIT 0', /LIMIT takes a positive whole number/],
    ['FROM sales SHOW sum(orders)', /Aggregate functions are not supported/],
  ])('answers %j with parseErrors and no table', async (query, message) => {
    const result = await shopifyql(server, query);
    expect(result.tableData).toBeNull();
    expect(result.parseErrors).toHaveLength(1);
    expect(result.parseErrors[0]).toMatch(message);
  });

  it('needs read_reports: without it the field is null with ACCESS_DENIED, and the token lists its scopes', async () => {
    const scopes = SANDBOX_CREDENTIALS.shopify.scopes.filter((s) => s !== 'read_reports');
    const limited = await startSandboxServer({ seed: 42, now: NOW, shopifyScopes: scopes });
    try {
      const denied = await gql(limited, SHOPIFYQL, { query: 'FROM sales SHOW orders DURING yesterday' });
      expect(denied.data).toEqual({ shopifyqlQuery: null });
      expect(denied.errors[0]).toMatchObject({
        message: 'Access denied for shopifyqlQuery field. Required access: `read_reports` access scope.',
        path: ['shopifyqlQuery'],
        extensions: { code: 'ACCESS_DENIED' },
      });
      const installation = await gql(limited, '{ currentAppInstallation { accessScopes { handle } } }');
      expect(installation.data.currentAppInstallation.accessScopes.map((s: { handle: string }) => s.handle)).toEqual(
        scopes,
      );
    } finally {
      await limited.close();
    }
  });

  it("serves refunds whose lines, shipping and totals add up to the order's refunded amount", async () => {
    const orders: any[] = [];
    let after: string | null = null;
    do {
      const body = await gql(
        server,
        `query($after: String) { orders(first: 8, after: $after, query: "financial_status:refunded OR financial_status:partially_refunded", sortKey: CREATED_AT, reverse: true) { pageInfo { hasNextPage endCursor } nodes {
        totalRefundedSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } } cancelledAt
        lineItems(first: 10) { nodes { id isGiftCard taxable taxLines(first: 3) { priceSet { shopMoney { amount } } } } }
        refunds(first: 10) { createdAt totalRefundedSet { shopMoney { amount } }
          refundLineItems(first: 10) { nodes { quantity lineItem { id } subtotalSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } } } }
          refundShippingLines(first: 2) { nodes { subtotalAmountSet { shopMoney { amount } } } } } } } }`,
        { after },
      );
      expect(body.errors).toBeUndefined();
      orders.push(...body.data.orders.nodes);
      after = body.data.orders.pageInfo.endCursor;
    } while (orders.length < 150);
    expect(orders.some((o) => o.cancelledAt !== null)).toBe(true);
    expect(orders.some((o) => o.refunds[0].refundShippingLines.nodes.length === 0)).toBe(true);
    for (const order of orders) {
      expect(order.refunds).toHaveLength(1);
      const refund = order.refunds[0];
      const parts =
        refund.refundLineItems.nodes.reduce(
          (s: number, l: any) => s + cents(l.subtotalSet.shopMoney.amount) + cents(l.totalTaxSet.shopMoney.amount),
          0,
        ) +
        refund.refundShippingLines.nodes.reduce(
          (s: number, l: any) => s + cents(l.subtotalAmountSet.shopMoney.amount),
          0,
        );
      expect(parts).toBe(cents(order.totalRefundedSet.shopMoney.amount));
      expect(cents(refund.totalRefundedSet.shopMoney.amount)).toBe(parts);
      // The order's taxes are its lines' tax lines (the sandbox charges none on shipping), none on untaxed lines.
      const lineTaxes = order.lineItems.nodes.map((l: any) =>
        l.taxLines.reduce((s: number, t: any) => s + cents(t.priceSet.shopMoney.amount), 0),
      );
      expect(lineTaxes.reduce((a: number, b: number) => a + b, 0)).toBe(cents(order.totalTaxSet.shopMoney.amount));
      order.lineItems.nodes.forEach((l: any, k: number) => {
        if (!l.taxable) expect(lineTaxes[k]).toBe(0);
      });
      const ids = new Set(order.lineItems.nodes.map((l: { id: string }) => l.id));
      for (const line of refund.refundLineItems.nodes) expect(ids.has(line.lineItem.id)).toBe(true);
    }
  });
});

describe('store size', () => {
  it('generates about the number of orders asked for, over the days asked for, keeping the mix', () => {
    const large = generateStore(7, '2026-06-01', { orders: 40_000, historyDays: 400 });
    const orders = large.orders();
    expect(orders.length).toBeGreaterThan(38_000);
    expect(orders.length).toBeLessThan(42_000);
    expect(Math.floor((Date.parse('2026-06-01') - orders[0]!.createdAt.getTime()) / 86_400_000)).toBe(399);
    const ids = new Set(orders.map((o) => o.legacyId));
    expect(ids.size).toBe(orders.length);
    const busiest = Math.max(...[...Array(400).keys()].map((k) => large.ordersOn(large.nowDay - 1 - k).length));
    expect(busiest).toBeGreaterThan(250);
    expect(large.order(orders[12_345]!.legacyId)).toBe(orders[12_345]);
    const cancelled = orders.filter((o) => o.cancelledAt).length / orders.length;
    expect(cancelled).toBeGreaterThan(0.015);
    expect(cancelled).toBeLessThan(0.03);
  });

  it('rejects sizes and zones it cannot honour, naming the option', () => {
    expect(() => generateStore(7, '2026-06-01', { orders: 0 })).toThrow(/orders must be an integer/);
    expect(() => generateStore(7, '2024-06-01', { historyDays: 800 })).toThrow(/before the store opened/);
    expect(() => generateStore(7, '2026-06-01', { timeZone: 'Mars/Olympus' })).toThrow(/timeZone must be an IANA/);
  });
});
