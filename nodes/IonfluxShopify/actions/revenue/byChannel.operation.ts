import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { openSalesReport, reportFooter, salesBreakdown, salesFigures } from '../../report';
import { periodProperties } from '../common.descriptions';

export const meta: OperationMeta = { action: 'shopify.revenue.byChannel', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('revenue', 'byChannel', periodProperties);

/**
 * Sales of a period per sales channel (Online Store, Point of Sale, Draft Orders, apps), highest total sales first.
 * ShopifyQL `GROUP BY sales_channel` with read_reports, else paging orders (channel from the order's `sourceName`);
 * `source` says which.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const report = await openSalesReport(this, itemIndex);
  const figures = await salesBreakdown(this, itemIndex, report, { breakdown: 'channel' });
  return {
    source: figures.source,
    channels: figures.rows.map((row) => ({
      channel: row.key,
      ...salesFigures(row.totals, { withShipping: true }),
    })),
    ...reportFooter(report, figures),
  };
}
