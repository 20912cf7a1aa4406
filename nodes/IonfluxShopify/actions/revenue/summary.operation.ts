import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { pageSizeFor, toAmount } from '../../normalize';
import { openSalesReport, withReportErrors } from '../../report';
import { SALES_ORDERS_PAGE_COST, netSalesOf, salesFromOrders, salesFromShopifyql, totalSalesOf } from '../../sales';
import type { SalesFigures } from '../../sales';
import { periodProperties } from '../common.descriptions';

export const meta: OperationMeta = { action: 'shopify.revenue.summary', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('revenue', 'summary', periodProperties);

/**
 * Sales of a period in Shopify's definitions (gross sales, discounts, returns, net sales, shipping, taxes, total
 * sales, orders; see the node README), with a daily series in the shop's time zone. Uses ShopifyQL when the
 * connection has `read_reports` and the period is whole days, and pages through the orders otherwise; `source` says
 * which.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const report = await openSalesReport(this, itemIndex);
  const { shopify, shop, range } = report;
  const figures: SalesFigures = await withReportErrors(this, itemIndex, () =>
    report.source === 'shopifyql'
      ? salesFromShopifyql(shopify, range)
      : salesFromOrders(shopify, range, pageSizeFor(SALES_ORDERS_PAGE_COST)),
  );
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
