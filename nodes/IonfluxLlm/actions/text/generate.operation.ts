import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { readString } from '../../../shared/parameters';
import { LlmClient } from '../../transport';
import type { ChatMessage } from '../../transport';
import { modelProperties, readModelOptions } from '../common.descriptions';

export const meta: OperationMeta = { action: 'llm.generate', effect: 'read', idempotent: false };

export const description: INodeProperties[] = forOperation('text', 'generate', [
  {
    displayName: 'Prompt',
    name: 'prompt',
    type: 'string',
    typeOptions: { rows: 4 },
    default: '',
    required: true,
    description: 'What to ask',
  },
  {
    displayName: 'System',
    name: 'system',
    type: 'string',
    typeOptions: { rows: 2 },
    default: '',
    description: 'System instructions',
  },
  ...modelProperties,
]);

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const prompt = readString(this, 'prompt', itemIndex, { required: true });
  const system = readString(this, 'system', itemIndex);
  const options = readModelOptions(this, itemIndex);
  const messages: ChatMessage[] = [
    ...(system ? [{ role: 'system' as const, content: system }] : []),
    { role: 'user', content: prompt },
  ];
  const llm = await LlmClient.forItem(this, itemIndex);
  const completion = await llm.complete({ messages, ...options });
  return { text: completion.content, model: completion.model, usage: { ...completion.usage } };
}
