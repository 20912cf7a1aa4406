import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readInteger, readString } from '../../../shared/parameters';
import type { ProductOrder } from '../../breakdown';
import { openSalesReport, reportFooter, salesBreakdown, salesFigures } from '../../report';
import type { SalesReport } from '../../report';
import { periodProperties } from '../common.descriptions';

export const meta: OperationMeta = { action: 'shopify.revenue.byProduct', effect: 'read', idempotent: true };

export const PRODUCT_ORDERS: ProductOrder[] = ['netSales', 'quantity', 'title'];

export const description: INodeProperties[] = forOperation('revenue', 'byProduct', [
  ...periodProperties,
  {
    displayName: 'Sort By',
    name: 'sortBy',
    type: 'options',
    options: [
      { name: 'Net Sales (Highest First)', value: 'netSales' },
      { name: 'Net Items Sold (Most First)', value: 'quantity' },
      { name: 'Product Title (A-Z)', value: 'title' },
    ],
    default: 'title',
    description: 'Order of the products in the output',
  },
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 5000 },
    default: 1000,
    description: 'Max number of results to return',
  },
]);

/** A product breakdown's output (shared with revenue / topProducts). */
export async function productSales(
  ctx: IExecuteFunctions,
  itemIndex: number,
  { report, productOrder, limit }: { report: SalesReport; productOrder: ProductOrder; limit: number },
): Promise<IDataObject> {
  const figures = await salesBreakdown(ctx, itemIndex, report, { breakdown: 'product', productOrder, limit });
  const products = figures.rows.map((row) => ({
    productId: row.key,
    title: row.title ?? null,
    ...salesFigures(row.totals, { withShipping: false }),
  }));
  return { source: figures.source, products, count: products.length, ...reportFooter(report, figures) };
}

/**
 * Sales of a period per product (gross sales, discounts, returns, net sales, the taxes on the product's lines, total,
 * net items sold, orders; shipping is an order's line, not a product's). ShopifyQL `GROUP BY product_id,
 * product_title` with read_reports, else paging orders; `source` says which.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const productOrder = (readString(this, 'sortBy', itemIndex, { oneOf: PRODUCT_ORDERS }) ?? 'title') as ProductOrder;
  const limit = readInteger(this, 'limit', itemIndex, { min: 1, max: 5000 }) ?? 1000;
  const report = await openSalesReport(this, itemIndex);
  return productSales(this, itemIndex, { report, productOrder, limit });
}
