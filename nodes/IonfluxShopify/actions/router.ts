import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { nodeProperties, routeOperation } from '../../shared/operation';
import type { OperationTable } from '../../shared/operation';
import { authenticationProperty } from '../authentication';
import * as customerList from './customer/list.operation';
import * as exportRun from './export/run.operation';
import * as orderGet from './order/get.operation';
import * as orderList from './order/list.operation';
import * as productGet from './product/get.operation';
import * as productList from './product/list.operation';
import * as productLowStock from './product/lowStock.operation';
import * as revenueByChannel from './revenue/byChannel.operation';
import * as revenueByProduct from './revenue/byProduct.operation';
import * as revenueSeries from './revenue/series.operation';
import * as revenueSummary from './revenue/summary.operation';
import * as revenueTopProducts from './revenue/topProducts.operation';

export const operations: OperationTable = {
  order: { list: orderList, get: orderGet },
  revenue: {
    summary: revenueSummary,
    series: revenueSeries,
    byChannel: revenueByChannel,
    byProduct: revenueByProduct,
    topProducts: revenueTopProducts,
  },
  product: { list: productList, get: productGet, lowStock: productLowStock },
  customer: { list: customerList },
  export: { run: exportRun },
};

export const properties = nodeProperties(
  [
    {
      value: 'order',
      name: 'Order',
      operations: [
        {
          value: 'list',
          name: 'List',
          action: 'List orders',
          description: 'Orders created in a period, newest first, across all pages',
        },
        { value: 'get', name: 'Get', action: 'Get an order', description: 'One order by ID' },
      ],
    },
    {
      value: 'revenue',
      name: 'Revenue',
      operations: [
        {
          value: 'summary',
          name: 'Summary',
          action: 'Summarize revenue',
          description: 'Gross sales, orders, average order value, refunds and a daily series for a period',
        },
        {
          value: 'series',
          name: 'By Day, Week or Month',
          action: 'Get revenue by day, week or month',
          description: 'Sales of a period per day, week or month',
        },
        {
          value: 'byChannel',
          name: 'By Sales Channel',
          action: 'Get revenue by sales channel',
          description: 'Sales of a period per sales channel, highest first',
        },
        {
          value: 'byProduct',
          name: 'By Product',
          action: 'Get revenue by product',
          description: 'Sales of a period per product',
        },
        {
          value: 'topProducts',
          name: 'Top Products',
          action: 'Get top products',
          description: 'Best-selling products of a period by net sales or items sold',
        },
      ],
    },
    {
      value: 'product',
      name: 'Product',
      operations: [
        {
          value: 'list',
          name: 'List',
          action: 'List products',
          description: 'Products, optionally filtered with Shopify search syntax',
        },
        { value: 'get', name: 'Get', action: 'Get a product', description: 'One product by ID' },
        {
          value: 'lowStock',
          name: 'Low Stock',
          action: 'List low stock products',
          description: 'Active products at or below an inventory threshold, lowest first',
        },
      ],
    },
    {
      value: 'customer',
      name: 'Customer',
      operations: [
        { value: 'list', name: 'List', action: 'List customers', description: 'Customers sorted by amount spent' },
      ],
    },
    {
      value: 'export',
      name: 'Export',
      operations: [
        {
          value: 'run',
          name: 'Run',
          action: 'Export store data',
          description:
            'Orders, line items, customers or products created in a period; large exports run as a bulk operation',
        },
      ],
    },
  ],
  operations,
  { before: [authenticationProperty] },
);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  return await routeOperation(this, operations);
}
