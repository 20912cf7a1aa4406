import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readString } from '../../../shared/parameters';
import type { Interval } from '../../breakdown';
import { openSalesReport, reportFooter, salesBreakdown, salesFigures } from '../../report';
import { periodProperties } from '../common.descriptions';

export const meta: OperationMeta = { action: 'shopify.revenue.series', effect: 'read', idempotent: true };

const INTERVALS: Interval[] = ['day', 'week', 'month'];

export const description: INodeProperties[] = forOperation('revenue', 'series', [
  ...periodProperties,
  {
    displayName: 'Interval',
    name: 'interval',
    type: 'options',
    options: [
      { name: 'Day', value: 'day' },
      { name: 'Week (Starting Monday)', value: 'week' },
      { name: 'Month', value: 'month' },
    ],
    default: 'day',
    description: "Length of each bucket, in the store's time zone",
  },
]);

/**
 * Sales of a period per day, week or month (every bucket of the period, empty ones included; the first and last may
 * be partial), in Shopify's definitions. ShopifyQL `GROUP BY <interval>` with read_reports, else paging orders;
 * `source` says which.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const interval = (readString(this, 'interval', itemIndex, { oneOf: INTERVALS }) ?? 'day') as Interval;
  const report = await openSalesReport(this, itemIndex);
  const figures = await salesBreakdown(this, itemIndex, report, { breakdown: interval });
  return {
    source: figures.source,
    interval,
    buckets: figures.rows.map((row) => ({
      start: row.key,
      ...salesFigures(row.totals, { withShipping: true }),
    })),
    ...reportFooter(report, figures),
  };
}
