import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readString } from '../../../shared/parameters';
import { cents, pageSizeFor, toAmount } from '../../normalize';
import { createdAtQuery, localDateOf, isoDate, PERIODS } from '../../periods';
import type { PeriodName } from '../../periods';
import { fetchShop, periodOf } from '../../queries';
import { ShopifyGraphql } from '../../transport';
import { periodProperties } from '../common.descriptions';

export const meta: OperationMeta = { action: 'shopify.revenue.summary', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('revenue', 'summary', periodProperties);

/** Cost per order: 1 + 2 money bags x 2 = 5, so 199 orders a page. */
const REVENUE_ORDERS_QUERY = `query IonfluxRevenueOrders($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, query: $query, sortKey: CREATED_AT) {
    nodes { createdAt cancelledAt totalPriceSet { shopMoney { amount currencyCode } } totalRefundedSet { shopMoney { amount } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const REVENUE_NODE_COST = 5;

interface RevenueOrder {
  createdAt: string;
  cancelledAt: string | null;
  totalPriceSet: { shopMoney: { amount: string; currencyCode: string } };
  totalRefundedSet: { shopMoney: { amount: string } };
}

/**
 * Gross sales (sum of `totalPriceSet` in shop money) and count of the non-cancelled orders created in the period,
 * average order value, refunds on those orders, net (gross - refunded) and a daily series with every day of the
 * period (days in the store's time zone).
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const period = (readString(this, 'period', itemIndex, { oneOf: PERIODS }) ?? 'last_7_days') as PeriodName;
  const from = readString(this, 'from', itemIndex);
  const to = readString(this, 'to', itemIndex);
  const shopify = await ShopifyGraphql.forItem(this, itemIndex);
  const shop = await fetchShop(shopify);
  const range = periodOf(this, itemIndex, {
    period,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    timeZone: shop.ianaTimezone,
  });
  const orders = await shopify.paginate<
    { orders: { nodes: RevenueOrder[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
    RevenueOrder
  >({
    query: REVENUE_ORDERS_QUERY,
    variables: { query: createdAtQuery(range) },
    connection: (data) => data.orders,
    pageSize: pageSizeFor(REVENUE_NODE_COST),
    limit: Number.MAX_SAFE_INTEGER,
  });
  const daily = new Map(range.days.map((day) => [day, { total: 0, orders: 0 }]));
  let total = 0;
  let refunded = 0;
  let count = 0;
  for (const order of orders) {
    if (order.cancelledAt !== null) continue;
    const amount = cents(order.totalPriceSet);
    total += amount;
    refunded += cents(order.totalRefundedSet);
    count++;
    const day = daily.get(isoDate(localDateOf(Date.parse(order.createdAt), range.timeZone)));
    if (day) {
      day.total += amount;
      day.orders++;
    }
  }
  return {
    total: toAmount(total),
    orders: count,
    averageOrderValue: count === 0 ? 0 : toAmount(Math.round(total / count)),
    refunded: toAmount(refunded),
    net: toAmount(total - refunded),
    currency: shop.currencyCode,
    from: range.fromIso,
    to: range.toIso,
    daily: [...daily.entries()].map(([date, d]) => ({ date, total: toAmount(d.total), orders: d.orders })),
  };
}
