/**
 * `FROM orders` and `FROM products`, checked against the store's orders as the Admin GraphQL API serves them (paged
 * here and summed by this file's own code, in Shopify's definitions of the two datasets).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SANDBOX_CREDENTIALS } from '../credentials';
import { startSandboxServer } from '../server';
import type { SandboxServer } from '../server';

const NOW = '2026-02-01T15:30:00Z';
const TOKEN = SANDBOX_CREDENTIALS.shopify.accessToken;
const CHANNELS: Record<string, string> = {
  web: 'Online Store',
  pos: 'Point of Sale',
  shopify_draft_order: 'Draft Orders',
};

async function gql(server: SandboxServer, query: string, variables: Record<string, unknown> = {}) {
  const response = await fetch(`${server.url}/sandbox/shopify/admin/api/2025-10/graphql.json`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Shopify-Access-Token': TOKEN },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as any;
  expect(body.errors).toBeUndefined();
  return body.data;
}

type Table = { columns: { name: string; dataType: string; displayName: string }[]; rows: Record<string, any>[] };

async function shopifyql(server: SandboxServer, query: string) {
  const data = await gql(
    server,
    `query Q($query: String!) { shopifyqlQuery(query: $query) { parseErrors tableData { columns { name dataType displayName } rows } } }`,
    { query },
  );
  return data.shopifyqlQuery as { parseErrors: string[]; tableData: Table | null };
}

async function table(server: SandboxServer, query: string): Promise<Table> {
  const result = await shopifyql(server, query);
  expect(result.parseErrors).toEqual([]);
  return result.tableData!;
}

const cents = (value: unknown) => Math.round(Number(value ?? 0) * 100);
const money = (bag: { shopMoney: { amount: string } } | null) => cents(bag?.shopMoney.amount);

const ORDERS = `query Orders($after: String, $query: String) {
  orders(first: 5, after: $after, query: $query, sortKey: CREATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      legacyResourceId createdAt cancelledAt sourceName
      billingAddress { country province city }
      totalShippingPriceSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } }
      lineItems(first: 10) {
        pageInfo { hasNextPage }
        nodes { quantity isGiftCard product { id title } originalTotalSet { shopMoney { amount } } totalDiscountSet { shopMoney { amount } } }
      }
      refunds(first: 5) {
        createdAt
        refundLineItems(first: 10) {
          nodes { quantity lineItem { isGiftCard product { id } } subtotalSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } } }
        }
        refundShippingLines(first: 1) { nodes { subtotalAmountSet { shopMoney { amount } } } }
      }
    }
  }
}`;

async function ordersCreated(server: SandboxServer, from: number, to: number): Promise<any[]> {
  const out: any[] = [];
  let after: string | null = null;
  const query = `created_at:>='${new Date(from).toISOString()}' created_at:<'${new Date(to).toISOString()}'`;
  do {
    const data = await gql(server, ORDERS, { after, query });
    for (const order of data.orders.nodes) {
      expect(order.lineItems.pageInfo.hasNextPage).toBe(false);
      out.push(order);
    }
    after = data.orders.pageInfo.hasNextPage ? data.orders.pageInfo.endCursor : null;
  } while (after);
  return out;
}

/** Local date (YYYY-MM-DD) of an instant in a zone, and local midnight of a date, with Intl only. */
const localDate = (ms: number, timeZone: string) => new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date(ms));
function localMidnight(date: string, timeZone: string): number {
  const base = Date.parse(`${date}T00:00:00Z`);
  for (let offsetMinutes = -14 * 60; offsetMinutes <= 14 * 60; offsetMinutes += 15) {
    const t = base - offsetMinutes * 60_000;
    if (localDate(t, timeZone) === date && localDate(t - 60_000, timeZone) !== date) return t;
  }
  throw new Error(`no midnight for ${date} in ${timeZone}`);
}
const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** One row of the orders dataset, from an order of the GraphQL API: everything counts on the day it was placed. */
function orderFigures(order: any) {
  const lines = order.lineItems.nodes.filter((l: any) => !l.isGiftCard);
  const gross = lines.reduce((s: number, l: any) => s + money(l.originalTotalSet), 0);
  const discounts = lines.reduce((s: number, l: any) => s + money(l.totalDiscountSet), 0);
  const ordered = lines.reduce((s: number, l: any) => s + l.quantity, 0);
  let returns = 0;
  let returned = 0;
  let shipping = money(order.totalShippingPriceSet);
  let taxes = money(order.totalTaxSet);
  if (order.cancelledAt) {
    returns = gross - discounts;
    returned = ordered;
    shipping = 0;
    taxes = 0;
  } else
    for (const refund of order.refunds) {
      for (const l of refund.refundLineItems.nodes) {
        if (l.lineItem.isGiftCard) continue;
        returns += money(l.subtotalSet);
        returned += l.quantity;
        taxes -= money(l.totalTaxSet);
      }
      for (const s of refund.refundShippingLines.nodes) shipping -= money(s.subtotalAmountSet);
    }
  return { gross, discounts, returns, shipping, taxes, ordered, returned, orders: 1 };
}
type Figures = ReturnType<typeof orderFigures>;
const zero = (): Figures => ({
  gross: 0,
  discounts: 0,
  returns: 0,
  shipping: 0,
  taxes: 0,
  ordered: 0,
  returned: 0,
  orders: 0,
});
const add = (a: Figures, b: Figures) => {
  for (const k of Object.keys(a) as (keyof Figures)[]) a[k] += b[k];
};
function grouped(orders: any[], key: (order: any) => string | null): Map<string | null, Figures> {
  const out = new Map<string | null, Figures>();
  for (const order of orders) {
    const k = key(order);
    if (!out.has(k)) out.set(k, zero());
    add(out.get(k)!, orderFigures(order));
  }
  return out;
}
const fromRow = (row: Record<string, any>): Figures => ({
  gross: cents(row.sum_gross_sales),
  discounts: 0 - cents(row.sum_discounts) + 0,
  returns: 0 - cents(row.sum_returns) + 0,
  shipping: cents(row.sum_shipping),
  taxes: cents(row.sum_taxes),
  ordered: Number(row.sum_ordered_product_quantity),
  returned: Number(row.sum_returned_product_quantity),
  orders: Number(row.sum_orders),
});
const SUMS =
  'sum(gross_sales), sum(discounts), sum(returns), sum(shipping), sum(taxes), sum(ordered_product_quantity), sum(returned_product_quantity), sum(orders)';

describe.each(['America/New_York', 'Asia/Kolkata'])('FROM orders on a store in %s', (timeZone) => {
  const SINCE = '2026-01-19';
  const UNTIL = '2026-01-25';
  let server: SandboxServer;
  let orders: any[];
  let to: number;
  beforeAll(async () => {
    server = await startSandboxServer({
      seed: 42,
      now: NOW,
      shopifyStore: { timeZone },
      shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    });
    to = localMidnight(dayAfter(UNTIL), timeZone);
    orders = await ordersCreated(server, localMidnight(SINCE, timeZone), to);
  });
  afterAll(async () => {
    await server.close();
  });

  it('sums every order placed in the window, with its later returns, on the day it was placed', async () => {
    expect(orders.length).toBeGreaterThan(200);
    // The window's orders include refunds and cancellations made after the window: the dataset still counts them.
    expect(orders.some((o) => o.refunds.some((r: any) => Date.parse(r.createdAt) >= to))).toBe(true);
    expect(orders.some((o) => o.cancelledAt)).toBe(true);
    const expected = grouped(orders, () => 'all').get('all')!;
    expect(expected.returns).toBeGreaterThan(0);

    const total = await table(
      server,
      `FROM orders SHOW ${SUMS}, sum(net_sales), sum(net_product_quantity), average_order_value SINCE ${SINCE} UNTIL ${UNTIL}`,
    );
    const row = total.rows[0]!;
    expect(fromRow(row)).toEqual(expected);
    expect(cents(row.sum_net_sales)).toBe(expected.gross - expected.discounts - expected.returns);
    expect(Number(row.sum_net_product_quantity)).toBe(expected.ordered - expected.returned);
    expect(cents(row.average_order_value)).toBe(Math.round((expected.gross - expected.discounts) / expected.orders));
    expect(total.columns.map((c) => [c.name, c.dataType])).toContainEqual(['sum_gross_sales', 'MONEY']);
    expect(total.columns.map((c) => [c.name, c.dataType])).toContainEqual(['average_order_value', 'MONEY']);

    // The plain metric names (ShopifyQL 2025-10) give the same figures under their own names.
    const plain = await table(
      server,
      `FROM orders SHOW gross_sales, returns AS back, orders SINCE ${SINCE} UNTIL ${UNTIL}`,
    );
    expect(plain.rows[0]).toEqual({
      gross_sales: row.sum_gross_sales,
      back: row.sum_returns,
      orders: row.sum_orders,
    });
  });

  it("groups by the shop's day, sales channel and billing country, and filters on them", async () => {
    const days = await table(
      server,
      `FROM orders SHOW ${SUMS} GROUP BY day SINCE ${SINCE} UNTIL ${UNTIL} ORDER BY day`,
    );
    const byDay = grouped(orders, (o) => localDate(Date.parse(o.createdAt), timeZone));
    expect(days.rows.map((r) => r.day)).toEqual([...byDay.keys()].sort());
    for (const r of days.rows) expect([r.day, fromRow(r)]).toEqual([r.day, byDay.get(r.day)]);

    const channels = await table(
      server,
      `FROM orders SHOW sales_channel, ${SUMS} GROUP BY sales_channel SINCE ${SINCE} UNTIL ${UNTIL} ORDER BY sum_orders DESC`,
    );
    const byChannel = grouped(orders, (o) => CHANNELS[o.sourceName] ?? o.sourceName);
    expect(new Set(channels.rows.map((r) => r.sales_channel))).toEqual(new Set(byChannel.keys()));
    for (const r of channels.rows) expect(fromRow(r)).toEqual(byChannel.get(r.sales_channel));
    const counts = channels.rows.map((r) => Number(r.sum_orders));
    expect(counts).toEqual([...counts].sort((a, b) => b - a));

    const countries = await table(
      server,
      `FROM orders SHOW billing_country, ${SUMS} GROUP BY billing_country SINCE ${SINCE} UNTIL ${UNTIL}`,
    );
    const byCountry = grouped(orders, (o) => o.billingAddress?.country ?? null);
    expect(byCountry.size).toBeGreaterThan(1);
    expect(new Set(countries.rows.map((r) => r.billing_country))).toEqual(new Set(byCountry.keys()));
    for (const r of countries.rows) expect(fromRow(r)).toEqual(byCountry.get(r.billing_country));

    const [country] = [...byCountry.keys()].filter((k) => k !== null);
    const pos = 'Point of Sale';
    const filtered = await table(
      server,
      `FROM orders SHOW ${SUMS} WHERE billing_country = '${country}' AND sales_channel != '${pos}' SINCE ${SINCE} UNTIL ${UNTIL}`,
    );
    const expected = grouped(
      orders.filter((o) => o.billingAddress?.country === country && CHANNELS[o.sourceName] !== pos),
      () => 'x',
    ).get('x')!;
    expect(fromRow(filtered.rows[0]!)).toEqual(expected);
  });
});

describe('FROM products', () => {
  const timeZone = 'America/New_York';
  const SINCE = '2026-01-12';
  const UNTIL = '2026-01-25';
  let server: SandboxServer;
  beforeAll(async () => {
    server = await startSandboxServer({
      seed: 42,
      now: NOW,
      shopifyStore: { timeZone },
      shopifyBucket: { maximumAvailable: 1_000_000, restoreRate: 1_000_000 },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it("sums each product's lines sold and returned in the window, when they happen", async () => {
    const from = localMidnight(SINCE, timeZone);
    const to = localMidnight(dayAfter(UNTIL), timeZone);
    // Refunds and cancellations come within a week of the order: the orders of the week before can return in the window.
    const orders = await ordersCreated(server, from - 7 * 86_400_000, to);
    const expected = new Map<string, { title: string; gross: number; net: number; quantity: number }>();
    const of = (product: { id: string; title?: string }) => {
      if (!expected.has(product.id))
        expected.set(product.id, { title: product.title ?? '', gross: 0, net: 0, quantity: 0 });
      return expected.get(product.id)!;
    };
    const inWindow = (at: string) => Date.parse(at) >= from && Date.parse(at) < to;
    let returnsInWindow = 0;
    for (const order of orders) {
      const lines = order.lineItems.nodes.filter((l: any) => !l.isGiftCard);
      if (inWindow(order.createdAt))
        for (const l of lines) {
          const p = of(l.product);
          p.gross += money(l.originalTotalSet);
          p.net += money(l.originalTotalSet) - money(l.totalDiscountSet);
          p.quantity += l.quantity;
        }
      if (order.cancelledAt) {
        if (!inWindow(order.cancelledAt)) continue;
        for (const l of lines) of(l.product).net -= money(l.originalTotalSet) - money(l.totalDiscountSet);
        returnsInWindow++;
      } else
        for (const refund of order.refunds) {
          if (!inWindow(refund.createdAt)) continue;
          for (const l of refund.refundLineItems.nodes)
            if (!l.lineItem.isGiftCard) of(l.lineItem.product).net -= money(l.subtotalSet);
          returnsInWindow++;
        }
    }
    expect(returnsInWindow).toBeGreaterThan(10);

    const result = await table(
      server,
      `FROM products SHOW product_title, sum(gross_sales), sum(net_sales), sum(quantity_purchased) GROUP BY product_id, product_title SINCE ${SINCE} UNTIL ${UNTIL} ORDER BY sum_net_sales DESC, product_id`,
    );
    expect(result.columns.map((c) => c.name)).toEqual([
      'product_id',
      'product_title',
      'sum_gross_sales',
      'sum_net_sales',
      'sum_quantity_purchased',
    ]);
    const actual = new Map(
      result.rows.map((r) => [
        r.product_id,
        {
          title: r.product_title,
          gross: cents(r.sum_gross_sales),
          net: cents(r.sum_net_sales),
          quantity: r.sum_quantity_purchased,
        },
      ]),
    );
    // Products only returned in the window have a row with their returns (their title from the sale is not in `expected`).
    for (const [id, figures] of expected) {
      const row = actual.get(id)!;
      expect({ id, ...row, title: figures.title || row.title }).toEqual({
        id,
        ...figures,
        title: figures.title || row.title,
      });
    }
    expect(new Set(actual.keys())).toEqual(new Set(expected.keys()));
    const nets = result.rows.map((r) => cents(r.sum_net_sales));
    expect(nets).toEqual([...nets].sort((a, b) => b - a));

    // One product type, filtered, adds up from the per-product rows.
    const type = await table(
      server,
      `FROM products SHOW product_type, sum(net_sales) GROUP BY product_type SINCE ${SINCE} UNTIL ${UNTIL} ORDER BY net_sales DESC LIMIT 1`,
    );
    const topType = String(type.rows[0]!.product_type);
    const filtered = await table(
      server,
      `FROM products SHOW sum(net_sales), quantity_purchased WHERE product_type = '${topType}' SINCE ${SINCE} UNTIL ${UNTIL}`,
    );
    expect(filtered.rows[0]!.sum_net_sales).toBe(type.rows[0]!.sum_net_sales);
    expect(Number(filtered.rows[0]!.quantity_purchased)).toBeGreaterThan(0);
  });

  it.each([
    [
      'FROM products SHOW sum(view_sessions) SINCE -7d',
      /Column 'view_sessions' of table 'products' is not supported by the sandbox \(the sandbox store has no storefront sessions\) at line 1, column 24/,
    ],
    ['FROM orders SHOW sum(tips) SINCE -7d', /Column 'tips' of table 'orders' is not supported by the sandbox/],
    ['FROM orders SHOW total_sales', /Unknown column 'total_sales' for table 'orders' at line 1, column 18/],
    ['FROM products SHOW orders', /Unknown column 'orders' for table 'products'/],
    ['FROM orders SHOW avg(net_sales)', /Aggregate function 'avg' is not supported by the sandbox; use sum\(\)/],
    ['FROM orders SHOW sum(average_order_value)', /sum\(\) takes a numeric value of table 'orders'/],
    ['FROM orders SHOW sum(gross_sales SINCE -7d', /Expected \) after the numeric value at line 1, column 34/],
    ['FROM orders SHOW orders GROUP BY product_title', /Cannot group table 'orders' by 'product_title'/],
    [
      "FROM products SHOW net_sales WHERE sales_channel = 'Online Store'",
      /WHERE on 'sales_channel' is not supported for table 'products'/,
    ],
    ['FROM orders SHOW orders WHERE returns > 0', /WHERE on 'returns' is not supported for table 'orders'/],
    ['FROM orders SHOW orders GROUP BY day SINCE -7d ORDER BY net_sales', /ORDER BY column 'net_sales' is not in SHOW/],
  ])('answers %j with parseErrors and no table', async (query, message) => {
    const result = await shopifyql(server, query);
    expect(result.tableData).toBeNull();
    expect(result.parseErrors).toHaveLength(1);
    expect(result.parseErrors[0]).toMatch(message);
  });
});
