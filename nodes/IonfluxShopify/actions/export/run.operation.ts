import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, toNodeError } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readInteger, readString } from '../../../shared/parameters';
import { EXPORT_RESOURCES, exportRecords } from '../../export';
import type { ExportRecord, ExportResource } from '../../export';
import { toAmount } from '../../normalize';
import type { GraphqlShop } from '../../normalize';
import { PERIODS } from '../../periods';
import type { PeriodName } from '../../periods';
import { fetchShop, periodOf } from '../../queries';
import { ShopifyGraphql } from '../../transport';
import { periodProperties } from '../common.descriptions';

export const meta: OperationMeta = { action: 'shopify.export', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('export', 'run', [
  {
    displayName: 'Data',
    name: 'data',
    type: 'options',
    options: [
      { name: 'Orders', value: 'orders' },
      { name: 'Line Items', value: 'lineItems' },
      { name: 'Customers', value: 'customers' },
      { name: 'Products', value: 'products' },
    ],
    default: 'orders',
    description: 'What to export: the orders, line items (of the orders), customers or products created in the period',
  },
  ...periodProperties,
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 0, maxValue: 10000 },
    default: 100,
    description:
      'Max number of records returned in the output; every record is still counted and added up (0 returns none)',
  },
  {
    displayName: 'Bulk Threshold',
    name: 'bulkThreshold',
    type: 'number',
    typeOptions: { minValue: 0 },
    default: 2500,
    description:
      'Above this many matching objects the export runs as a Shopify bulk operation (streamed JSONL), below it pages',
  },
]);

/**
 * Orders, line items, customers or products created in a period: counted, added up and (the first `limit` of them)
 * returned. Above `bulkThreshold` objects through a Shopify bulk operation, streamed line by line; below by paging.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const data = (readString(this, 'data', itemIndex, { oneOf: EXPORT_RESOURCES }) ?? 'orders') as ExportResource;
  const period = (readString(this, 'period', itemIndex, { oneOf: PERIODS }) ?? 'last_7_days') as PeriodName;
  const from = readString(this, 'from', itemIndex);
  const to = readString(this, 'to', itemIndex);
  const limit = readInteger(this, 'limit', itemIndex, { min: 0, max: 10000 }) ?? 100;
  const bulkThreshold = readInteger(this, 'bulkThreshold', itemIndex, { min: 0 }) ?? 2500;
  const shopify = await ShopifyGraphql.forItem(this, itemIndex);
  let shop: GraphqlShop;
  try {
    shop = await fetchShop(shopify);
  } catch (error) {
    throw toNodeError(this.getNode(), error, itemIndex);
  }
  const range = periodOf(this, itemIndex, {
    period,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    timeZone: shop.ianaTimezone,
  });
  const records: ExportRecord[] = [];
  let result;
  try {
    result = await exportRecords({
      shopify,
      node: this.getNode(),
      itemIndex,
      resource: data,
      range,
      bulkThreshold,
      onRecord: (record) => {
        if (records.length < limit) records.push(record);
      },
    });
  } catch (error) {
    throw toNodeError(this.getNode(), error, itemIndex);
  }
  return {
    source: result.source,
    data,
    count: result.totals.count,
    amount: toAmount(result.totals.amountCents),
    quantity: result.totals.quantity,
    records: records as unknown as IDataObject[],
    truncated: result.totals.count > records.length,
    bulkOperationId: result.bulkOperation?.id ?? null,
    fileSize: result.bulkOperation?.fileSize ?? null,
    currency: shop.currencyCode,
    from: range.fromIso,
    to: range.toIso,
    apiCalls: result.calls + 1,
    costPoints: result.costPoints,
  };
}
