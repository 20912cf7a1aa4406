import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import { forOperation, toNodeError } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readString } from '../../../shared/parameters';
import { pageSizeFor, toAmount } from '../../normalize';
import type { GraphqlShop } from '../../normalize';
import { PERIODS } from '../../periods';
import type { PeriodName } from '../../periods';
import { periodOf } from '../../queries';
import {
  SALES_ORDERS_PAGE_COST,
  ShopifyqlParseError,
  isWholeDays,
  netSalesOf,
  salesFromOrders,
  salesFromShopifyql,
  totalSalesOf,
} from '../../sales';
import type { SalesFigures } from '../../sales';
import { ShopifyGraphql } from '../../transport';
import { periodProperties } from '../common.descriptions';

export const meta: OperationMeta = { action: 'shopify.revenue.summary', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('revenue', 'summary', periodProperties);

/** The shop and the scopes the connection was granted (read_reports decides the source). */
const SHOP_AND_SCOPES_QUERY =
  'query IonfluxShopAndScopes { shop { ianaTimezone currencyCode myshopifyDomain } currentAppInstallation { accessScopes { handle } } }';

/**
 * Sales of a period in Shopify's definitions (gross sales, discounts, returns, net sales, shipping, taxes, total
 * sales, orders; see the node README), with a daily series in the shop's time zone. Uses ShopifyQL when the
 * connection has `read_reports` and the period is whole days, and pages through the orders otherwise; `source` says
 * which.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const period = (readString(this, 'period', itemIndex, { oneOf: PERIODS }) ?? 'last_7_days') as PeriodName;
  const from = readString(this, 'from', itemIndex);
  const to = readString(this, 'to', itemIndex);
  const shopify = await ShopifyGraphql.forItem(this, itemIndex);
  const { data } = await shopify.query<{
    shop: GraphqlShop;
    currentAppInstallation: { accessScopes: { handle: string }[] } | null;
  }>(SHOP_AND_SCOPES_QUERY);
  const shop = data.shop;
  const scopes = new Set((data.currentAppInstallation?.accessScopes ?? []).map((s) => s.handle));
  const range = periodOf(this, itemIndex, {
    period,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    timeZone: shop.ianaTimezone,
  });
  let figures: SalesFigures;
  try {
    figures =
      scopes.has('read_reports') && isWholeDays(range)
        ? await salesFromShopifyql(shopify, range)
        : await salesFromOrders(shopify, range, pageSizeFor(SALES_ORDERS_PAGE_COST));
  } catch (error) {
    if (error instanceof ShopifyqlParseError)
      throw new NodeOperationError(this.getNode(), error.message, {
        itemIndex,
        description: 'ShopifyQL reference: https://shopify.dev/docs/api/shopifyql',
      });
    throw toNodeError(this.getNode(), error, itemIndex);
  }
  const t = figures.totals;
  const totalSales = totalSalesOf(t);
  return {
    source: figures.source,
    total: toAmount(totalSales),
    orders: t.orders,
    averageOrderValue: t.orders === 0 ? 0 : toAmount(Math.round((t.grossSales - t.discounts) / t.orders)),
    grossSales: toAmount(t.grossSales),
    discounts: toAmount(t.discounts),
    refunded: toAmount(t.returns),
    net: toAmount(netSalesOf(t)),
    shipping: toAmount(t.shippingCharges),
    taxes: toAmount(t.taxes),
    currency: shop.currencyCode,
    from: range.fromIso,
    to: range.toIso,
    daily: figures.daily.map(({ date, totals }) => ({
      date,
      total: toAmount(totalSalesOf(totals)),
      net: toAmount(netSalesOf(totals)),
      orders: totals.orders,
    })),
    apiCalls: figures.calls + 1,
    costPoints: figures.costPoints,
  };
}
