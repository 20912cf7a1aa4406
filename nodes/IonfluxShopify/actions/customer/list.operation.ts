import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readInteger, readString } from '../../../shared/parameters';
import { CUSTOMERS_QUERY, CUSTOMER_NODE_COST, cents, normalizeCustomer, pageSizeFor } from '../../normalize';
import type { GraphqlCustomer } from '../../normalize';
import { assertSearchAccepted, ShopifyGraphql } from '../../transport';

export const meta: OperationMeta = { action: 'shopify.customers.list', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('customer', 'list', [
  {
    displayName: 'Query',
    name: 'query',
    type: 'string',
    default: '',
    placeholder: 'orders_count:>3',
    description: 'Shopify search syntax, e.g. orders_count:>3 or country:Canada',
  },
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 5000 },
    default: 100,
    description: 'Max number of results to return',
  },
]);

/**
 * Customers matching the query, sorted by amount spent (highest first), at most `limit` of them; `total` is how many
 * match. The Admin API cannot sort customers by amount spent, so every matching customer is read (250 a page) and
 * sorted here.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const userQuery = readString(this, 'query', itemIndex);
  const limit = readInteger(this, 'limit', itemIndex, { min: 1, max: 5000 }) ?? 100;
  const shopify = await ShopifyGraphql.forItem(this, itemIndex);
  const customers = await shopify.paginate<
    { customers: { nodes: GraphqlCustomer[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
    GraphqlCustomer
  >({
    query: CUSTOMERS_QUERY,
    variables: { query: userQuery ?? null },
    connection: (data) => data.customers,
    pageSize: pageSizeFor(CUSTOMER_NODE_COST),
    limit: Number.MAX_SAFE_INTEGER,
    onPage: (page) => assertSearchAccepted(this, itemIndex, 'query', page.search),
  });
  const sorted = customers
    .sort(
      (a, b) => cents({ shopMoney: b.amountSpent }) - cents({ shopMoney: a.amountSpent }) || a.id.localeCompare(b.id),
    )
    .slice(0, limit);
  return { customers: sorted.map(normalizeCustomer), count: sorted.length, total: customers.length };
}
