import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { nodeProperties, routeOperation } from '../../shared/operation';
import type { OperationTable } from '../../shared/operation';
import * as send from './request/send.operation';

export const operations: OperationTable = {
  request: { send },
};

export const properties = nodeProperties(
  [
    {
      value: 'request',
      name: 'Request',
      operations: [
        {
          value: 'send',
          name: 'Send',
          action: 'Send an HTTP request',
          description: 'Call a URL and return its status, headers and body',
        },
      ],
    },
  ],
  operations,
);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  return await routeOperation(this, operations);
}
