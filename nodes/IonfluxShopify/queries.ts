/** Reads shared by the Shopify operations, over the transport: the shop, and objects with all their nested pages. */
import { NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions } from 'n8n-workflow';
import type { ShopifyGraphql } from './transport';
import { ORDER_LINE_ITEMS_QUERY, PRODUCT_VARIANTS_QUERY, SHOP_QUERY } from './normalize';
import type { GraphqlLineItem, GraphqlOrder, GraphqlProduct, GraphqlShop, GraphqlVariant } from './normalize';
import { PeriodError, resolvePeriod } from './periods';
import type { PeriodName, ResolvedPeriod } from './periods';
import { toNodeError } from '../shared/operation';

export async function fetchShop(shopify: ShopifyGraphql): Promise<GraphqlShop> {
  const { data } = await shopify.query<{ shop: GraphqlShop }>(SHOP_QUERY);
  return data.shop;
}

/** Fetches the line items beyond the first page of every order that has more (rare: orders with > 10 lines). */
export async function completeLineItems(shopify: ShopifyGraphql, orders: GraphqlOrder[]): Promise<void> {
  for (const order of orders) {
    let pageInfo = order.lineItems.pageInfo;
    while (pageInfo.hasNextPage && pageInfo.endCursor) {
      const { data } = await shopify.query<{
        order: { lineItems: { nodes: GraphqlLineItem[]; pageInfo: typeof pageInfo } } | null;
      }>(ORDER_LINE_ITEMS_QUERY, { id: order.id, first: 100, after: pageInfo.endCursor });
      if (!data.order) break;
      order.lineItems.nodes.push(...data.order.lineItems.nodes);
      pageInfo = data.order.lineItems.pageInfo;
    }
    order.lineItems.pageInfo = pageInfo;
  }
}

/** Fetches the variants beyond the first page of every product that has more. */
export async function completeVariants(shopify: ShopifyGraphql, products: GraphqlProduct[]): Promise<void> {
  for (const product of products) {
    let pageInfo = product.variants.pageInfo;
    while (pageInfo.hasNextPage && pageInfo.endCursor) {
      const { data } = await shopify.query<{
        product: { variants: { nodes: GraphqlVariant[]; pageInfo: typeof pageInfo } } | null;
      }>(PRODUCT_VARIANTS_QUERY, { id: product.id, first: 100, after: pageInfo.endCursor });
      if (!data.product) break;
      product.variants.nodes.push(...data.product.variants.nodes);
      pageInfo = data.product.variants.pageInfo;
    }
    product.variants.pageInfo = pageInfo;
  }
}

/** The period of an item in the shop's time zone; errors name the parameter at fault. */
export function periodOf(
  ctx: Pick<IExecuteFunctions, 'getNode'>,
  itemIndex: number,
  input: { period: PeriodName; from?: string; to?: string; timeZone: string; now?: Date },
): ResolvedPeriod {
  try {
    return resolvePeriod(input);
  } catch (error) {
    if (error instanceof PeriodError) throw new NodeOperationError(ctx.getNode(), error.message, { itemIndex });
    throw toNodeError(ctx.getNode(), error, itemIndex);
  }
}
