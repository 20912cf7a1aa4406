/**
 * Sales of a period broken down by time (day, week, month), sales channel or product, in the definitions of
 * `sales.ts` (Shopify's `sales` table), from either source:
 *
 * - `shopifyql`: one `shopifyqlQuery` grouped by the breakdown (`GROUP BY week`, `GROUP BY sales_channel`,
 *   `GROUP BY product_id, product_title`); Shopify aggregates;
 * - `orders`: the orders touched in the period, paged, turned into the same sale and return events (a sale on the
 *   day an order is placed, a return on the day of its refund or cancellation, gift cards left out) and grouped here.
 *
 * Product rows count product lines only, as `GROUP BY product_*` does: their taxes are the taxes charged on the
 * product's lines (an order's tax lines per line item, `LineItem.taxLines`) minus those refunded with them; an order's
 * shipping, and the taxes on it, are a line of their own with no product. Both paths give the same figures, in cents.
 */
import type { ShopifyGraphql } from './transport';
import { cents } from './normalize';
import type { MoneyBag } from './normalize';
import { addDays, isoDate, localDateOf } from './periods';
import type { LocalDate, ResolvedPeriod } from './periods';
import { runShopifyql, touchedOrdersQuery } from './sales';
import type { SalesSource } from './sales';

export type Interval = 'day' | 'week' | 'month';
export type Breakdown = Interval | 'channel' | 'product';
export type ProductOrder = 'netSales' | 'quantity' | 'title';

export interface BreakdownTotals {
  grossSales: number;
  discounts: number;
  returns: number;
  shippingCharges: number;
  taxes: number;
  orders: number;
  /** Items sold minus items returned (`net_items_sold`). */
  quantity: number;
}

export interface BreakdownRow {
  /** Bucket start date (YYYY-MM-DD), channel name, or product global id (null for a deleted product). */
  key: string | null;
  /** Product title (product breakdowns). */
  title?: string | null;
  totals: BreakdownTotals;
}

export interface BreakdownFigures {
  source: SalesSource;
  rows: BreakdownRow[];
  calls: number;
  costPoints: number;
}

export const emptyBreakdownTotals = (): BreakdownTotals => ({
  grossSales: 0,
  discounts: 0,
  returns: 0,
  shippingCharges: 0,
  taxes: 0,
  orders: 0,
  quantity: 0,
});

/** Shopify's names of the order sources the Admin API reports in `sourceName` (the `sales_channel` dimension). */
export const SALES_CHANNEL_NAMES: Record<string, string> = {
  web: 'Online Store',
  pos: 'Point of Sale',
  shopify_draft_order: 'Draft Orders',
};

// ---------------------------------------------------------------------------------------------------------------------
// Buckets

const weekday = (d: LocalDate) => new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay();

/** The first day of the bucket holding `date` (weeks start on Monday, as ShopifyQL's). */
export function bucketStart(date: LocalDate, interval: Interval): string {
  if (interval === 'day') return isoDate(date);
  if (interval === 'week') return isoDate(addDays(date, -((weekday(date) + 6) % 7)));
  return isoDate({ year: date.year, month: date.month, day: 1 });
}

/** Every bucket of the period, in order (the first and last may be partial). */
export function bucketsOf(range: ResolvedPeriod, interval: Interval): string[] {
  const starts = new Set<string>();
  for (const day of range.days) {
    const [year, month, d] = day.split('-').map(Number) as [number, number, number];
    starts.add(bucketStart({ year, month, day: d }, interval));
  }
  return [...starts];
}

// ---------------------------------------------------------------------------------------------------------------------
// Ordering (the same on both paths, so a LIMIT cuts at the same row)

const compareText = (a: string | null, b: string | null) =>
  a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1;
export const netOf = (t: BreakdownTotals) => t.grossSales - t.discounts - t.returns;
export const totalOf = (t: BreakdownTotals) => netOf(t) + t.shippingCharges + t.taxes;

function orderRows(rows: BreakdownRow[], breakdown: Breakdown, productOrder: ProductOrder): BreakdownRow[] {
  const sorted = [...rows];
  if (breakdown === 'channel')
    sorted.sort((a, b) => totalOf(b.totals) - totalOf(a.totals) || compareText(a.key, b.key));
  else if (breakdown === 'product')
    sorted.sort((a, b) => {
      if (productOrder === 'netSales') return netOf(b.totals) - netOf(a.totals) || compareText(a.key, b.key);
      if (productOrder === 'quantity') return b.totals.quantity - a.totals.quantity || compareText(a.key, b.key);
      return compareText(a.title ?? null, b.title ?? null) || compareText(a.key, b.key);
    });
  else sorted.sort((a, b) => compareText(a.key, b.key));
  return sorted;
}

// ---------------------------------------------------------------------------------------------------------------------
// ShopifyQL

const PRODUCT_ORDER_SQL: Record<ProductOrder, string> = {
  netSales: 'net_sales DESC, product_id ASC',
  quantity: 'net_items_sold DESC, product_id ASC',
  title: 'product_title ASC, product_id ASC',
};

/** The ShopifyQL of a breakdown over whole days of the period. */
export function breakdownShopifyql({
  range,
  breakdown,
  productOrder = 'netSales',
  limit,
}: {
  range: ResolvedPeriod;
  breakdown: Breakdown;
  productOrder?: ProductOrder;
  limit?: number;
}): string {
  const first = isoDate(localDateOf(range.from.getTime(), range.timeZone));
  const last = isoDate(localDateOf(range.to.getTime() - 1, range.timeZone));
  const window = `SINCE ${first} UNTIL ${last}`;
  if (breakdown === 'product')
    return `FROM sales SHOW product_title, gross_sales, discounts, returns, net_sales, taxes, net_items_sold, orders GROUP BY product_id, product_title ${window} ORDER BY ${PRODUCT_ORDER_SQL[productOrder]}${limit ? ` LIMIT ${limit}` : ''}`;
  const group = breakdown === 'channel' ? 'sales_channel' : breakdown;
  return `FROM sales SHOW gross_sales, discounts, returns, shipping_charges, taxes, orders, net_items_sold GROUP BY ${group} ${window} ORDER BY ${group}`;
}

function moneyCell(value: unknown): number {
  if (value === null || value === undefined || value === '') return 0;
  return Math.round(Number(value) * 100);
}

function productGid(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value);
  return /^\d+$/.test(text) ? `gid://shopify/Product/${text}` : text;
}

export async function breakdownFromShopifyql({
  shopify,
  range,
  breakdown,
  productOrder = 'netSales',
  limit,
}: {
  shopify: ShopifyGraphql;
  range: ResolvedPeriod;
  breakdown: Breakdown;
  productOrder?: ProductOrder;
  limit?: number;
}): Promise<BreakdownFigures> {
  const query = breakdownShopifyql({ range, breakdown, productOrder, ...(limit ? { limit } : {}) });
  const { rows, cost } = await runShopifyql(shopify, query);
  const out: BreakdownRow[] = rows.map((row) => {
    const totals: BreakdownTotals = {
      grossSales: moneyCell(row.gross_sales),
      // ShopifyQL reports discounts and returns as negative amounts (0 - 0 is 0, not -0).
      discounts: 0 - moneyCell(row.discounts) || 0,
      returns: 0 - moneyCell(row.returns) || 0,
      shippingCharges: breakdown === 'product' ? 0 : moneyCell(row.shipping_charges),
      taxes: moneyCell(row.taxes),
      orders: Number(row.orders ?? 0),
      quantity: Number(row.net_items_sold ?? 0),
    };
    if (breakdown === 'product')
      return { key: productGid(row.product_id), title: (row.product_title as string | null) ?? null, totals };
    if (breakdown === 'channel') return { key: (row.sales_channel as string | null) ?? null, totals };
    return { key: String(row[breakdown]).slice(0, 10), totals };
  });
  return {
    source: 'shopifyql',
    rows: breakdown === 'product' ? out : fillBuckets(orderRows(out, breakdown, productOrder), range, breakdown),
    calls: 1,
    costPoints: cost,
  };
}

/** Time breakdowns list every bucket of the period, empty ones included; other breakdowns pass through. */
function fillBuckets(rows: BreakdownRow[], range: ResolvedPeriod, breakdown: Breakdown): BreakdownRow[] {
  if (breakdown === 'channel' || breakdown === 'product') return rows;
  const byKey = new Map(rows.map((r) => [r.key, r]));
  return bucketsOf(range, breakdown).map((key) => byKey.get(key) ?? { key, totals: emptyBreakdownTotals() });
}

// ---------------------------------------------------------------------------------------------------------------------
// Paging through orders

/**
 * The orders of `touchedOrdersQuery` with what a breakdown needs: source, lines with product, quantity and taxes,
 * refunds with their lines. Cost per order: 1 + 2 money bags x 2, line items 2 + 5 x (6 + tax lines 3), refunds 1 +
 * refund lines 2 + 5 x 7 + shipping lines 2 + 1 x 3 = 95, so 10 orders a page.
 */
export const BREAKDOWN_ORDERS_QUERY = `query IonfluxSalesBreakdownOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    nodes {
      id createdAt cancelledAt sourceName
      totalShippingPriceSet { shopMoney { amount } }
      totalTaxSet { shopMoney { amount } }
      lineItems(first: 5) {
        nodes {
          id isGiftCard quantity product { id title }
          originalTotalSet { shopMoney { amount } } totalDiscountSet { shopMoney { amount } }
          taxLines(first: 5) { priceSet { shopMoney { amount } } }
        }
        pageInfo { hasNextPage endCursor }
      }
      refunds(first: 5) {
        createdAt
        refundLineItems(first: 5) {
          nodes {
            quantity lineItem { isGiftCard product { id title } }
            subtotalSet { shopMoney { amount } } totalTaxSet { shopMoney { amount } }
          }
        }
        refundShippingLines(first: 1) { nodes { subtotalAmountSet { shopMoney { amount } } } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}`;
export const BREAKDOWN_ORDER_NODE_COST = 1 + 2 * 2 + (2 + 5 * (6 + 3)) + (1 + (2 + 5 * 7) + (2 + 1 * 3));

const BREAKDOWN_MORE_LINES_QUERY = `query IonfluxSalesBreakdownOrderLines($id: ID!, $after: String) {
  order(id: $id) {
    lineItems(first: 100, after: $after) {
      nodes {
        id isGiftCard quantity product { id title }
        originalTotalSet { shopMoney { amount } } totalDiscountSet { shopMoney { amount } }
        taxLines(first: 5) { priceSet { shopMoney { amount } } }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

interface BreakdownLine {
  id: string;
  isGiftCard: boolean;
  quantity: number;
  product: { id: string; title: string } | null;
  originalTotalSet: MoneyBag;
  totalDiscountSet: MoneyBag;
  taxLines: { priceSet: MoneyBag }[];
}

export interface BreakdownOrder {
  id: string;
  createdAt: string;
  cancelledAt: string | null;
  sourceName: string | null;
  totalShippingPriceSet: MoneyBag;
  totalTaxSet: MoneyBag | null;
  lineItems: { nodes: BreakdownLine[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
  refunds: {
    createdAt: string | null;
    refundLineItems: {
      nodes: {
        quantity: number;
        lineItem: { isGiftCard: boolean; product: { id: string; title: string } | null };
        subtotalSet: MoneyBag;
        totalTaxSet: MoneyBag;
      }[];
    };
    refundShippingLines: { nodes: { subtotalAmountSet: MoneyBag }[] };
  }[];
}

/** One sale or return of a product line (with its taxes), or of an order's shipping and its taxes (product null). */
interface SalesEvent {
  at: number;
  kind: 'sale' | 'return';
  orderId: string;
  channel: string;
  product: { id: string; title: string } | null;
  /** Whether the event is a product line (false: the order's shipping/taxes/order count). */
  line: boolean;
  totals: Partial<BreakdownTotals>;
}

const lineTaxesOf = (line: BreakdownLine) => line.taxLines.reduce((s, t) => s + cents(t.priceSet), 0);

function eventsOf(order: BreakdownOrder): SalesEvent[] {
  const channel = order.sourceName ? (SALES_CHANNEL_NAMES[order.sourceName] ?? order.sourceName) : 'Unknown';
  const base = { orderId: order.id, channel };
  const created = Date.parse(order.createdAt);
  const lines = order.lineItems.nodes.filter((l) => !l.isGiftCard);
  const events: SalesEvent[] = lines.map((l) => ({
    ...base,
    at: created,
    kind: 'sale',
    product: l.product,
    line: true,
    totals: {
      grossSales: cents(l.originalTotalSet),
      discounts: cents(l.totalDiscountSet),
      taxes: lineTaxesOf(l),
      quantity: l.quantity,
    },
  }));
  const shipping = cents(order.totalShippingPriceSet);
  // The order's taxes not charged on a line item: the taxes on its shipping.
  const orderTaxes = cents(order.totalTaxSet) - order.lineItems.nodes.reduce((s, l) => s + lineTaxesOf(l), 0);
  events.push({
    ...base,
    at: created,
    kind: 'sale',
    product: null,
    line: false,
    totals: { shippingCharges: shipping, taxes: orderTaxes, orders: 1 },
  });
  if (order.cancelledAt) {
    // A cancellation returns the whole order on its day, whether it was refunded or voided.
    const at = Date.parse(order.cancelledAt);
    for (const l of lines)
      events.push({
        ...base,
        at,
        kind: 'return',
        product: l.product,
        line: true,
        totals: {
          returns: cents(l.originalTotalSet) - cents(l.totalDiscountSet),
          taxes: -lineTaxesOf(l),
          quantity: -l.quantity,
        },
      });
    events.push({
      ...base,
      at,
      kind: 'return',
      product: null,
      line: false,
      totals: { shippingCharges: -shipping, taxes: -orderTaxes },
    });
    return events;
  }
  for (const refund of order.refunds) {
    if (!refund.createdAt) continue;
    const at = Date.parse(refund.createdAt);
    const goods = refund.refundLineItems.nodes.filter((l) => !l.lineItem.isGiftCard);
    for (const l of goods)
      events.push({
        ...base,
        at,
        kind: 'return',
        product: l.lineItem.product,
        line: true,
        totals: { returns: cents(l.subtotalSet), taxes: -cents(l.totalTaxSet), quantity: -l.quantity },
      });
    events.push({
      ...base,
      at,
      kind: 'return',
      product: null,
      line: false,
      totals: {
        shippingCharges: -refund.refundShippingLines.nodes.reduce((s, l) => s + cents(l.subtotalAmountSet), 0),
      },
    });
  }
  return events;
}

/** The period's sales events of some orders, grouped by the breakdown (see the module comment). */
export function breakdownOfOrders({
  orders,
  range,
  breakdown,
  productOrder = 'netSales',
  limit,
}: {
  orders: BreakdownOrder[];
  range: ResolvedPeriod;
  breakdown: Breakdown;
  productOrder?: ProductOrder;
  limit?: number;
}): BreakdownRow[] {
  const from = range.from.getTime();
  const to = range.to.getTime();
  const groups = new Map<string | null, BreakdownRow & { orderIds: Set<string> }>();
  for (const order of orders)
    for (const event of eventsOf(order)) {
      if (event.at < from || event.at >= to) continue;
      // Product breakdowns count lines only; their orders are the orders with a sale of the product.
      if (breakdown === 'product' && !event.line) continue;
      const key =
        breakdown === 'product'
          ? (event.product?.id ?? null)
          : breakdown === 'channel'
            ? event.channel
            : bucketStart(localDateOf(event.at, range.timeZone), breakdown);
      let group = groups.get(key);
      if (!group) {
        group = {
          key,
          ...(breakdown === 'product' ? { title: event.product?.title ?? null } : {}),
          totals: emptyBreakdownTotals(),
          orderIds: new Set(),
        };
        groups.set(key, group);
      }
      for (const [name, value] of Object.entries(event.totals) as [keyof BreakdownTotals, number][])
        if (name !== 'orders') group.totals[name] += value;
      if (breakdown === 'product' && event.kind === 'sale') group.orderIds.add(event.orderId);
      else if (event.totals.orders) group.totals.orders += event.totals.orders;
    }
  const rows: BreakdownRow[] = [...groups.values()].map(({ orderIds, ...row }) =>
    breakdown === 'product' ? { ...row, totals: { ...row.totals, orders: orderIds.size } } : row,
  );
  const ordered = orderRows(rows, breakdown, productOrder);
  if (breakdown === 'product') return limit ? ordered.slice(0, limit) : ordered;
  return fillBuckets(ordered, range, breakdown);
}

export async function breakdownFromOrders({
  shopify,
  range,
  breakdown,
  pageSize,
  productOrder = 'netSales',
  limit,
}: {
  shopify: ShopifyGraphql;
  range: ResolvedPeriod;
  breakdown: Breakdown;
  pageSize: number;
  productOrder?: ProductOrder;
  limit?: number;
}): Promise<BreakdownFigures> {
  let calls = 0;
  let costPoints = 0;
  const count = (cost: { actualQueryCost?: number | null; requestedQueryCost?: number } | undefined) => {
    calls++;
    costPoints += cost?.actualQueryCost ?? cost?.requestedQueryCost ?? 0;
  };
  const orders = await shopify.paginate<
    { orders: { nodes: BreakdownOrder[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
    BreakdownOrder
  >({
    query: BREAKDOWN_ORDERS_QUERY,
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
        order: { lineItems: { nodes: BreakdownLine[]; pageInfo: typeof pageInfo } } | null;
      }>(BREAKDOWN_MORE_LINES_QUERY, { id: order.id, after: pageInfo.endCursor });
      count(result.cost);
      if (!result.data.order) break;
      order.lineItems.nodes.push(...result.data.order.lineItems.nodes);
      pageInfo = result.data.order.lineItems.pageInfo;
    }
  }
  return {
    source: 'orders',
    rows: breakdownOfOrders({ orders, range, breakdown, productOrder, ...(limit ? { limit } : {}) }),
    calls,
    costPoints,
  };
}
