import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { nodeProperties, routeOperation } from '../../shared/operation';
import type { OperationTable } from '../../shared/operation';
import * as create from './notification/create.operation';

export const operations: OperationTable = { notification: { create } };

export const properties = nodeProperties(
  [
    {
      value: 'notification',
      name: 'Notification',
      operations: [
        { value: 'create', name: 'Create', action: 'Create a notification', description: 'Notify workspace members' },
      ],
    },
  ],
  operations,
);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  return await routeOperation(this, operations);
}
