import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readInteger, readString } from '../../../shared/parameters';
import { PRODUCTS_QUERY, PRODUCT_NODE_COST, normalizeProduct, pageSizeFor } from '../../normalize';
import type { GraphqlProduct } from '../../normalize';
import { completeVariants } from '../../queries';
import { assertSearchAccepted, ShopifyGraphql } from '../../transport';

export const meta: OperationMeta = { action: 'shopify.products.list', effect: 'read', idempotent: true };

const STATUSES = ['active', 'draft', 'archived', 'any'] as const;

export const description: INodeProperties[] = forOperation('product', 'list', [
  {
    displayName: 'Query',
    name: 'query',
    type: 'string',
    default: '',
    placeholder: 'product_type:Hoodies',
    description: 'Shopify search syntax, e.g. title:*shirt* or product_type:Hoodies',
  },
  {
    displayName: 'Status',
    name: 'status',
    type: 'options',
    options: [
      { name: 'Active', value: 'active' },
      { name: 'Draft', value: 'draft' },
      { name: 'Archived', value: 'archived' },
      { name: 'Any', value: 'any' },
    ],
    default: 'active',
    description: 'Only products with this status in the Shopify admin',
  },
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 5000 },
    default: 250,
    description: 'Max number of results to return',
  },
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const userQuery = readString(this, 'query', itemIndex);
  const status = readString(this, 'status', itemIndex, { oneOf: STATUSES }) ?? 'active';
  const limit = readInteger(this, 'limit', itemIndex, { min: 1, max: 5000 }) ?? 250;
  const terms: string[] = [];
  if (status !== 'any') terms.push(`status:${status}`);
  if (userQuery) terms.push(`(${userQuery})`);
  const shopify = await ShopifyGraphql.forItem(this, itemIndex);
  const products = await shopify.paginate<
    { products: { nodes: GraphqlProduct[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
    GraphqlProduct
  >({
    query: PRODUCTS_QUERY,
    variables: { query: terms.length > 0 ? terms.join(' AND ') : null, sortKey: 'TITLE', reverse: false },
    connection: (data) => data.products,
    pageSize: pageSizeFor(PRODUCT_NODE_COST),
    limit,
    onPage: (page) => assertSearchAccepted(this, itemIndex, 'query', page.search),
  });
  await completeVariants(shopify, products);
  return { products: products.map(normalizeProduct), count: products.length };
}
