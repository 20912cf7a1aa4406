/**
 * What every sales report operation does around its figures: read the shop (time zone, currency) and the scopes the
 * connection was granted, resolve the period in the shop's zone, choose the source (ShopifyQL with `read_reports`
 * and whole days, else paging orders) and turn ShopifyQL parse errors into node errors.
 */
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { toNodeError } from '../shared/operation';
import { readString } from '../shared/parameters';
import { pageSizeFor, toAmount } from './normalize';
import type { GraphqlShop } from './normalize';
import { PERIODS } from './periods';
import type { PeriodName, ResolvedPeriod } from './periods';
import { periodOf } from './queries';
import { ShopifyqlParseError, isWholeDays } from './sales';
import type { SalesSource } from './sales';
import { ShopifyGraphql } from './transport';
import { BREAKDOWN_ORDER_NODE_COST, breakdownFromOrders, breakdownFromShopifyql, netOf, totalOf } from './breakdown';
import type { Breakdown, BreakdownFigures, BreakdownTotals, ProductOrder } from './breakdown';

/** The shop and the scopes the connection was granted (read_reports decides the source). */
export const SHOP_AND_SCOPES_QUERY =
  'query IonfluxShopAndScopes { shop { ianaTimezone currencyCode myshopifyDomain } currentAppInstallation { accessScopes { handle } } }';

export interface SalesReport {
  shopify: ShopifyGraphql;
  shop: GraphqlShop;
  range: ResolvedPeriod;
  /** Whether ShopifyQL can answer: the connection has read_reports and the period is whole days. */
  source: SalesSource;
}

/** Reads `period`, `from`, `to`, the shop and its scopes; chooses the source. One API call. */
export async function openSalesReport(ctx: IExecuteFunctions, itemIndex: number): Promise<SalesReport> {
  const period = (readString(ctx, 'period', itemIndex, { oneOf: PERIODS }) ?? 'last_7_days') as PeriodName;
  const from = readString(ctx, 'from', itemIndex);
  const to = readString(ctx, 'to', itemIndex);
  const shopify = await ShopifyGraphql.forItem(ctx, itemIndex);
  const { data } = await shopify.query<{
    shop: GraphqlShop;
    currentAppInstallation: { accessScopes: { handle: string }[] } | null;
  }>(SHOP_AND_SCOPES_QUERY);
  const scopes = new Set((data.currentAppInstallation?.accessScopes ?? []).map((s) => s.handle));
  const range = periodOf(ctx, itemIndex, {
    period,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    timeZone: data.shop.ianaTimezone,
  });
  return {
    shopify,
    shop: data.shop,
    range,
    source: scopes.has('read_reports') && isWholeDays(range) ? 'shopifyql' : 'orders',
  };
}

/** Runs a report's query; ShopifyQL parse errors fail the item quoting the query and Shopify's messages. */
export async function withReportErrors<T>(ctx: IExecuteFunctions, itemIndex: number, run: () => Promise<T>) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof ShopifyqlParseError)
      throw new NodeOperationError(ctx.getNode(), error.message, {
        itemIndex,
        description: 'ShopifyQL reference: https://shopify.dev/docs/api/shopifyql',
      });
    throw toNodeError(ctx.getNode(), error, itemIndex);
  }
}

/** A breakdown of the report's period from its source. */
export async function salesBreakdown(
  ctx: IExecuteFunctions,
  itemIndex: number,
  report: SalesReport,
  options: { breakdown: Breakdown; productOrder?: ProductOrder; limit?: number },
): Promise<BreakdownFigures> {
  const { shopify, range } = report;
  return withReportErrors(ctx, itemIndex, () =>
    report.source === 'shopifyql'
      ? breakdownFromShopifyql({ shopify, range, ...options })
      : breakdownFromOrders({ shopify, range, pageSize: pageSizeFor(BREAKDOWN_ORDER_NODE_COST), ...options }),
  );
}

/**
 * A breakdown row's figures as amounts (the names of revenue / summary). Product rows have no `shipping` (shipping is
 * an order's line, not a product's): their `total` is net sales + the taxes on the product's lines.
 */
export function salesFigures(t: BreakdownTotals, { withShipping }: { withShipping: boolean }) {
  return {
    grossSales: toAmount(t.grossSales),
    discounts: toAmount(t.discounts),
    refunded: toAmount(t.returns),
    net: toAmount(netOf(t)),
    ...(withShipping ? { shipping: toAmount(t.shippingCharges) } : {}),
    taxes: toAmount(t.taxes),
    total: toAmount(totalOf(t)),
    orders: t.orders,
    quantity: t.quantity,
  };
}

/** The fields every report ends with. */
export function reportFooter(report: SalesReport, figures: BreakdownFigures): IDataObject {
  return {
    currency: report.shop.currencyCode,
    from: report.range.fromIso,
    to: report.range.toIso,
    apiCalls: figures.calls + 1,
    costPoints: figures.costPoints,
  };
}
