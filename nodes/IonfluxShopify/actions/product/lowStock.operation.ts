import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readInteger } from '../../../shared/parameters';
import { PRODUCTS_QUERY, PRODUCT_NODE_COST, normalizeProduct, pageSizeFor } from '../../normalize';
import type { GraphqlProduct } from '../../normalize';
import { completeVariants } from '../../queries';
import { ShopifyGraphql } from '../../transport';

export const meta: OperationMeta = { action: 'shopify.products.lowStock', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('product', 'lowStock', [
  {
    displayName: 'Threshold',
    name: 'threshold',
    type: 'number',
    typeOptions: { minValue: 0 },
    default: 10,
    description: 'Total inventory at or below this counts as low',
  },
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 5000 },
    default: 50,
    description: 'Max number of results to return',
  },
]);

/**
 * Active products whose total inventory is at or below the threshold, lowest first. Products that do not track
 * inventory (gift cards, digital goods) never run out and are left out.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const threshold = readInteger(this, 'threshold', itemIndex, { min: 0 }) ?? 10;
  const limit = readInteger(this, 'limit', itemIndex, { min: 1, max: 5000 }) ?? 50;
  const shopify = await ShopifyGraphql.forItem(this, itemIndex);
  const matching = await shopify.paginate<
    { products: { nodes: GraphqlProduct[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } } },
    GraphqlProduct
  >({
    query: PRODUCTS_QUERY,
    variables: {
      query: `status:active AND inventory_total:<=${threshold}`,
      sortKey: 'INVENTORY_TOTAL',
      reverse: false,
    },
    connection: (data) => data.products,
    pageSize: pageSizeFor(PRODUCT_NODE_COST),
    limit: Number.MAX_SAFE_INTEGER,
  });
  const low = matching
    .filter((p) => p.tracksInventory && p.status === 'ACTIVE' && p.totalInventory <= threshold)
    .sort((a, b) => a.totalInventory - b.totalInventory || a.title.localeCompare(b.title))
    .slice(0, limit);
  await completeVariants(shopify, low);
  return { products: low.map(normalizeProduct), count: low.length, threshold };
}
