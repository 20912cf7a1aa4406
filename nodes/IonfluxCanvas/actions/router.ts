import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { nodeProperties, routeOperation } from '../../shared/operation';
import type { OperationTable } from '../../shared/operation';
import * as append from './block/append.operation';
import * as replace from './block/replace.operation';
import * as write from './block/write.operation';

export const operations: OperationTable = { block: { write, append, replace } };

export const properties = nodeProperties(
  [
    {
      value: 'block',
      name: 'Block',
      operations: [
        {
          value: 'write',
          name: 'Write',
          action: 'Write a block',
          description: 'Create the block, or replace its content when it exists',
        },
        {
          value: 'append',
          name: 'Append',
          action: 'Append to a block',
          description: "Add to the block's content (creating it when missing)",
        },
        {
          value: 'replace',
          name: 'Replace',
          action: 'Replace a block',
          description: 'Replace the content of an existing block; fails when it does not exist',
        },
      ],
    },
  ],
  operations,
);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  return await routeOperation(this, operations);
}
