import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readInteger, readString } from '../../../shared/parameters';
import type { ProductOrder } from '../../breakdown';
import { openSalesReport } from '../../report';
import { periodProperties } from '../common.descriptions';
import { productSales } from './byProduct.operation';

export const meta: OperationMeta = { action: 'shopify.revenue.topProducts', effect: 'read', idempotent: true };

const RANKINGS: ProductOrder[] = ['netSales', 'quantity'];

export const description: INodeProperties[] = forOperation('revenue', 'topProducts', [
  ...periodProperties,
  {
    displayName: 'Rank By',
    name: 'rankBy',
    type: 'options',
    options: [
      { name: 'Net Sales', value: 'netSales' },
      { name: 'Net Items Sold', value: 'quantity' },
    ],
    default: 'netSales',
    description: 'What makes a product top: its net sales or its net items sold',
  },
  {
    displayName: 'Limit',
    name: 'limit',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 100 },
    default: 10,
    description: 'Max number of results to return',
  },
]);

/** The best-selling products of a period by net sales or net items sold (ShopifyQL `ORDER BY ... LIMIT`). */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const productOrder = (readString(this, 'rankBy', itemIndex, { oneOf: RANKINGS }) ?? 'netSales') as ProductOrder;
  const limit = readInteger(this, 'limit', itemIndex, { min: 1, max: 100 }) ?? 10;
  const report = await openSalesReport(this, itemIndex);
  return productSales(this, itemIndex, { report, productOrder, limit });
}
