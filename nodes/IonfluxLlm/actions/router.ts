import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { nodeProperties, routeOperation } from '../../shared/operation';
import type { OperationTable } from '../../shared/operation';
import * as classify from './text/classify.operation';
import * as extract from './text/extract.operation';
import * as generate from './text/generate.operation';
import * as summarize from './text/summarize.operation';

export const operations: OperationTable = {
  text: { generate, summarize, extract, classify },
};

export const properties = nodeProperties(
  [
    {
      value: 'text',
      name: 'Text',
      operations: [
        {
          value: 'generate',
          name: 'Generate',
          action: 'Generate text',
          description: 'A chat completion: prompt in, text out',
        },
        {
          value: 'summarize',
          name: 'Summarize',
          action: 'Summarize text',
          description: 'A short summary and key points of text or chat messages',
        },
        {
          value: 'extract',
          name: 'Extract',
          action: 'Extract structured data',
          description: 'Fill a JSON Schema from text; the output is validated',
        },
        {
          value: 'classify',
          name: 'Classify',
          action: 'Classify text',
          description: 'Pick the label that fits the text best',
        },
      ],
    },
  ],
  operations,
);

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
  return await routeOperation(this, operations);
}
