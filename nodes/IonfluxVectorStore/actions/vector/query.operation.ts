import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { LlmClient } from '../../../IonfluxLlm/transport';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readInteger, readString } from '../../../shared/parameters';
import { vectorBackend } from '../../transport';
import { readNamespace } from './upsert.operation';

export const meta: OperationMeta = { action: 'vector.query', effect: 'read', idempotent: true };

export const description: INodeProperties[] = forOperation('vector', 'query', [
  {
    displayName: 'Namespace',
    name: 'namespace',
    type: 'string',
    default: '',
    required: true,
    placeholder: 'persona-maya',
    description: 'Partition of the store to search',
  },
  {
    displayName: 'Text',
    name: 'text',
    type: 'string',
    typeOptions: { rows: 3 },
    default: '',
    required: true,
    description: 'Text to search for',
  },
  {
    displayName: 'Top K',
    name: 'topK',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 100 },
    default: 5,
    description: 'How many matches to return',
  },
]);

/** Embeds the text and returns the stored documents most similar to it, best first. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const namespace = readNamespace(this, itemIndex);
  const text = readString(this, 'text', itemIndex, { required: true });
  const topK = readInteger(this, 'topK', itemIndex, { min: 1, max: 100 }) ?? 5;
  const llm = await LlmClient.forItem(this, itemIndex);
  const { vectors } = await llm.embed([text]);
  const backend = await vectorBackend(this, itemIndex);
  const matches = await backend.query(namespace, vectors[0]!, topK);
  return { matches: matches as unknown as IDataObject[], count: matches.length };
}
