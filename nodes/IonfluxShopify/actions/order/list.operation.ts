import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readInteger, readString } from '../../../shared/parameters';
import { ORDERS_QUERY, ORDER_NODE_COST, normalizeOrder, pageSizeFor } from '../../normalize';
import type { GraphqlOrder } from '../../normalize';
import { createdAtQuery, PERIODS } from '../../periods';
import type { PeriodName } from '../../periods';
import { completeLineItems, fetchShop, periodOf } from '../../queries';
import { assertSearchAccepted, ShopifyGraphql } from '../../transport';
import { periodProperties } from '../common.descriptions';

export const meta: OperationMeta = { action: 'shopify.orders.list', effect: 'read', idempotent: true };

const STATUSES = ['any', 'open', 'closed', 'cancelled'] as const;

export const description: INodeProperties[] = forOperation('order', 'list', [
  ...periodProperties,
  {
    displayName: 'Status',
    name: 'status',
    type: 'options',
    options: [
      { name: 'Any', value: 'any' },
      { name: 'Open', value: 'open' },
      { name: 'Closed', value: 'closed' },
      { name: 'Cancelled', value: 'cancelled' },
    ],
    default: 'any',
    description: 'Order status filter',
  },
  {
    displayName: 'Query',
    name: 'query',
    type: 'string',
    default: '',
    placeholder: 'financial_status:paid',
    description: 'Extra Shopify search syntax, ANDed with the period and status',
  },
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 10000 },
    default: 250,
    description: 'Max number of results to return',
  },
]);

/** Orders created in the period, newest first, across all pages (15 per page keeps each page under 1000 points). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const period = readString(this, 'period', itemIndex, { oneOf: PERIODS }) as PeriodName | undefined;
  const from = readString(this, 'from', itemIndex);
  const to = readString(this, 'to', itemIndex);
  const status = readString(this, 'status', itemIndex, { oneOf: STATUSES }) ?? 'any';
  const userQuery = readString(this, 'query', itemIndex);
  const limit = readInteger(this, 'limit', itemIndex, { min: 1, max: 10000 }) ?? 250;

  const shopify = await ShopifyGraphql.forItem(this, itemIndex);
  const shop = await fetchShop(shopify);
  const range = periodOf(this, itemIndex, {
    period: period ?? 'last_7_days',
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    timeZone: shop.ianaTimezone,
  });
  const terms = [createdAtQuery(range)];
  if (status !== 'any') terms.push(`status:${status}`);
  if (userQuery) terms.push(`(${userQuery})`);
  const orders = await shopify.paginate<
    { orders: { nodes: GraphqlOrder[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
    GraphqlOrder
  >({
    query: ORDERS_QUERY,
    variables: { query: terms.join(' AND ') },
    connection: (data) => data.orders,
    pageSize: pageSizeFor(ORDER_NODE_COST),
    limit,
    onPage: (page) => assertSearchAccepted(this, itemIndex, 'query', page.search),
  });
  await completeLineItems(shopify, orders);
  return { orders: orders.map(normalizeOrder), count: orders.length, from: range.fromIso, to: range.toIso };
}
