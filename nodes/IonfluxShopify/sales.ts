/**
 * Sales figures of a period, as Shopify's analytics define them, from either source:
 *
 * - `shopifyql`: one `shopifyqlQuery` (`FROM sales SHOW ... GROUP BY day SINCE ... UNTIL ...`, needs `read_reports`):
 *   Shopify aggregates, the cost is constant in the period's length;
 * - `orders`: the orders touched in the period, paged through the Admin API, turned into the same sale and return
 *   events Shopify's `sales` table records (a sale on the day an order is placed, a return on the day of a refund or
 *   cancellation; gift cards are not sales).
 *
 * Both give the same figures (in cents, positive): see the node README for what each one means.
 */
import type { ShopifyGraphql } from './transport';
import { cents } from './normalize';
import type { MoneyBag } from './normalize';
import { isoDate, localDateOf, zonedInstant } from './periods';
import type { ResolvedPeriod } from './periods';

export type SalesSource = 'shopifyql' | 'orders';

export interface SalesTotals {
  grossSales: number;
  discounts: number;
  returns: number;
  shippingCharges: number;
  taxes: number;
  orders: number;
}

export interface SalesFigures {
  source: SalesSource;
  totals: SalesTotals;
  /** Every day of the period (shop's zone), in order. */
  daily: { date: string; totals: SalesTotals }[];
  /** Admin API calls and the cost points they used. */
  calls: number;
  costPoints: number;
}

export const emptyTotals = (): SalesTotals => ({
  grossSales: 0,
  discounts: 0,
  returns: 0,
  shippingCharges: 0,
  taxes: 0,
  orders: 0,
});

export const netSalesOf = (t: SalesTotals) => t.grossSales - t.discounts - t.returns;
export const totalSalesOf = (t: SalesTotals) => netSalesOf(t) + t.shippingCharges + t.taxes;

function addTotals(into: SalesTotals, from: SalesTotals): void {
  into.grossSales += from.grossSales;
  into.discounts += from.discounts;
  into.returns += from.returns;
  into.shippingCharges += from.shippingCharges;
  into.taxes += from.taxes;
  into.orders += from.orders;
}

/** Whether the period starts and ends at midnights of the shop's zone (ShopifyQL ranges are whole days). */
export function isWholeDays(range: ResolvedPeriod): boolean {
  const midnight = (instant: number) => zonedInstant(localDateOf(instant, range.timeZone), range.timeZone) === instant;
  return midnight(range.from.getTime()) && midnight(range.to.getTime());
}

// ---------------------------------------------------------------------------------------------------------------------
// ShopifyQL

export const SALES_SHOPIFYQL_QUERY = `query IonfluxSalesReport($query: String!) {
  shopifyqlQuery(query: $query) {
    parseErrors
    tableData { columns { name dataType } rows }
  }
}`;

export class ShopifyqlParseError extends Error {
  constructor(
    readonly query: string,
    readonly parseErrors: string[],
  ) {
    super(`Shopify could not run the ShopifyQL query "${query}": ${parseErrors.join('; ')}`);
    this.name = 'ShopifyqlParseError';
  }
}

/** Runs ShopifyQL; throws ShopifyqlParseError when Shopify reports parse errors. */
export async function runShopifyql(
  shopify: ShopifyGraphql,
  query: string,
): Promise<{ columns: { name: string; dataType: string }[]; rows: Record<string, unknown>[]; cost: number }> {
  const result = await shopify.query<{
    shopifyqlQuery: {
      parseErrors: string[];
      tableData: { columns: { name: string; dataType: string }[]; rows: Record<string, unknown>[] } | null;
    } | null;
  }>(SALES_SHOPIFYQL_QUERY, { query });
  const response = result.data.shopifyqlQuery;
  if (!response) throw new ShopifyqlParseError(query, ['Shopify returned no result']);
  if (response.parseErrors.length > 0 || !response.tableData)
    throw new ShopifyqlParseError(query, response.parseErrors.length > 0 ? response.parseErrors : ['no table']);
  return {
    columns: response.tableData.columns,
    rows: response.tableData.rows,
    cost: result.cost?.actualQueryCost ?? result.cost?.requestedQueryCost ?? 0,
  };
}

/** A MONEY cell ("123.45", "-12.3", 3 decimals when Shopify converts currencies) in cents. */
function moneyCell(value: unknown): number {
  if (value === null || value === undefined || value === '') return 0;
  return Math.round(Number(value) * 100);
}

/** The ShopifyQL of a period's daily sales. */
export function dailySalesShopifyql(range: ResolvedPeriod): string {
  const first = isoDate(localDateOf(range.from.getTime(), range.timeZone));
  const last = isoDate(localDateOf(range.to.getTime() - 1, range.timeZone));
  return `FROM sales SHOW gross_sales, discounts, returns, shipping_charges, taxes, orders GROUP BY day SINCE ${first} UNTIL ${last} ORDER BY day`;
}

export async function salesFromShopifyql(shopify: ShopifyGraphql, range: ResolvedPeriod): Promise<SalesFigures> {
  const { rows, cost } = await runShopifyql(shopify, dailySalesShopifyql(range));
  const byDay = new Map(range.days.map((day) => [day, emptyTotals()]));
  const totals = emptyTotals();
  for (const row of rows) {
    const day: SalesTotals = {
      grossSales: moneyCell(row.gross_sales),
      // ShopifyQL reports discounts and returns as negative amounts.
      discounts: -moneyCell(row.discounts),
      returns: -moneyCell(row.returns),
      shippingCharges: moneyCell(row.shipping_charges),
      taxes: moneyCell(row.taxes),
      orders: Number(row.orders ?? 0),
    };
    addTotals(totals, day);
    const slot = byDay.get(String(row.day).slice(0, 10));
    if (slot) addTotals(slot, day);
  }
  return {
    source: 'shopifyql',
    totals,
    daily: [...byDay.entries()].map(([date, t]) => ({ date, totals: t })),
    calls: 1,
    costPoints: cost,
  };
}

// ---------------------------------------------------------------------------------------------------------------------
// Paging through orders

/**
 * Every order a sale or return of the period can come from: placed before its end and updated since its start (a
 * refund or cancellation updates the order). Cost per order: 1 + 2 money bags x 2, line items 2 + 5 x 5 (more are
 * fetched per order when an order has them), refunds (a list) 1 + refund lines 2 + 5 x 6 + shipping lines 2 + 1 x 3 = 70, so 14 orders a page.
 */
export const SALES_ORDERS_QUERY = `query IonfluxSalesOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    nodes {
      id createdAt cancelledAt
      totalShippingPriceSet { shopMoney { amount } }
      totalTaxSet { shopMoney { amount } }
      lineItems(first: 5) {
        nodes { id isGiftCard originalTotalSet { shopMoney { amount } } totalDiscountSet { shopMoney { amount } } }
        pageInfo { hasNextPage endCursor }
      }
      refunds(first: 5) {
        createdAt
        refundLineItems(first: 5) {
          nodes { lineItem { isGiftCard } subtotalSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } } }
        }
        refundShippingLines(first: 1) { nodes { subtotalAmountSet { shopMoney { amount } } } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;
const SALES_ORDER_NODE_COST = 1 + 2 * 2 + (2 + 5 * 5) + (1 + (2 + 5 * 6) + (2 + 1 * 3));

const ORDER_MORE_LINES_QUERY = `query IonfluxSalesOrderLines($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 100, after: $after) {
      nodes { id isGiftCard originalTotalSet { shopMoney { amount } } totalDiscountSet { shopMoney { amount } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

interface SalesLine {
  id: string;
  isGiftCard: boolean;
  originalTotalSet: MoneyBag;
  totalDiscountSet: MoneyBag;
}

interface SalesOrder {
  id: string;
  createdAt: string;
  cancelledAt: string | null;
  totalShippingPriceSet: MoneyBag;
  totalTaxSet: MoneyBag | null;
  lineItems: { nodes: SalesLine[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  refunds: {
    createdAt: string | null;
    refundLineItems: { nodes: { lineItem: { isGiftCard: boolean }; subtotalSet: MoneyBag; totalTaxSet: MoneyBag }[] };
    refundShippingLines: { nodes: { subtotalAmountSet: MoneyBag }[] };
  }[];
}

const utcSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Search terms for the orders a period's sales and returns can come from. */
export function touchedOrdersQuery(range: Pick<ResolvedPeriod, 'from' | 'to'>): string {
  return `updated_at:>='${utcSeconds(Math.floor(range.from.getTime() / 1000) * 1000)}' created_at:<'${utcSeconds(Math.ceil(range.to.getTime() / 1000) * 1000)}'`;
}

/** The period's sale and return events of some orders, in Shopify's definitions (see the module comment). */
export function salesOfOrders(orders: SalesOrder[], range: ResolvedPeriod): Omit<SalesFigures, 'calls' | 'costPoints'> {
  const from = range.from.getTime();
  const to = range.to.getTime();
  const byDay = new Map(range.days.map((day) => [day, emptyTotals()]));
  const totals = emptyTotals();
  const record = (at: number, event: Partial<SalesTotals>) => {
    if (at < from || at >= to) return;
    const day = byDay.get(isoDate(localDateOf(at, range.timeZone)));
    for (const [key, value] of Object.entries(event) as [keyof SalesTotals, number][]) {
      totals[key] += value;
      if (day) day[key] += value;
    }
  };
  for (const order of orders) {
    const lines = order.lineItems.nodes.filter((l) => !l.isGiftCard);
    const gross = lines.reduce((s, l) => s + cents(l.originalTotalSet), 0);
    const discounts = lines.reduce((s, l) => s + cents(l.totalDiscountSet), 0);
    const shipping = cents(order.totalShippingPriceSet);
    const taxes = cents(order.totalTaxSet);
    record(Date.parse(order.createdAt), {
      grossSales: gross,
      discounts,
      shippingCharges: shipping,
      taxes,
      orders: 1,
    });
    if (order.cancelledAt) {
      // A cancellation returns the whole order on its day, whether it was refunded or voided.
      record(Date.parse(order.cancelledAt), {
        returns: gross - discounts,
        shippingCharges: -shipping,
        taxes: -taxes,
      });
      continue;
    }
    for (const refund of order.refunds) {
      if (!refund.createdAt) continue;
      const goods = refund.refundLineItems.nodes.filter((l) => !l.lineItem.isGiftCard);
      record(Date.parse(refund.createdAt), {
        returns: goods.reduce((s, l) => s + cents(l.subtotalSet), 0),
        taxes: -goods.reduce((s, l) => s + cents(l.totalTaxSet), 0),
        shippingCharges: -refund.refundShippingLines.nodes.reduce((s, l) => s + cents(l.subtotalAmountSet), 0),
      });
    }
  }
  return {
    source: 'orders',
    totals,
    daily: [...byDay.entries()].map(([date, t]) => ({ date, totals: t })),
  };
}

export async function salesFromOrders(
  shopify: ShopifyGraphql,
  range: ResolvedPeriod,
  pageSize: number,
): Promise<SalesFigures> {
  let calls = 0;
  let costPoints = 0;
  const count = (cost: { actualQueryCost?: number | null; requestedQueryCost?: number } | undefined) => {
    calls++;
    costPoints += cost?.actualQueryCost ?? cost?.requestedQueryCost ?? 0;
  };
  const orders = await shopify.paginate<
    { orders: { nodes: SalesOrder[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
    SalesOrder
  >({
    query: SALES_ORDERS_QUERY,
    variables: { query: touchedOrdersQuery(range) },
    connection: (data) => data.orders,
    pageSize,
    limit: Number.MAX_SAFE_INTEGER,
    onPage: (page) => count(page.cost),
  });
  for (const order of orders) {
    let pageInfo = order.lineItems.pageInfo;
    while (pageInfo.hasNextPage && pageInfo.endCursor) {
      const result = await shopify.query<{
        order: { lineItems: { nodes: SalesLine[]; pageInfo: typeof pageInfo } } | null;
      }>(ORDER_MORE_LINES_QUERY, { id: order.id, after: pageInfo.endCursor });
      count(result.cost);
      if (!result.data.order) break;
      order.lineItems.nodes.push(...result.data.order.lineItems.nodes);
      pageInfo = result.data.order.lineItems.pageInfo;
    }
  }
  return { ...salesOfOrders(orders, range), calls, costPoints };
}

export const SALES_ORDERS_PAGE_COST = SALES_ORDER_NODE_COST;
