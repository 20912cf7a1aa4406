import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { parameterError, readString, readStringList } from '../../../shared/parameters';
import { compileSchema, parseStructuredOutput } from '../../structured-output';
import { LlmClient } from '../../transport';
import { modelProperties, readModelOptions } from '../common.descriptions';

export const meta: OperationMeta = { action: 'llm.classify', effect: 'read', idempotent: false };

export const description: INodeProperties[] = forOperation('text', 'classify', [
  {
    displayName: 'Text',
    name: 'text',
    type: 'string',
    typeOptions: { rows: 4 },
    default: '',
    required: true,
    description: 'Text to classify into exactly one of the labels',
  },
  {
    displayName: 'Labels',
    name: 'labels',
    type: 'json',
    default: '[]',
    required: true,
    placeholder: '["order_status", "complaint", "other"]',
    description: 'The labels to choose from (at least two), as a JSON list',
  },
  {
    displayName: 'Instructions',
    name: 'instructions',
    type: 'string',
    typeOptions: { rows: 2 },
    default: '',
    description: 'What each label means or how to choose between them, added to the prompt',
  },
  ...modelProperties,
]);

/** Picks one of the labels (response_format json_schema with the labels as an enum); any other answer fails. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const text = readString(this, 'text', itemIndex, { required: true });
  const labels = readStringList(this, 'labels', itemIndex, { required: true, minItems: 2 })!;
  if (new Set(labels).size !== labels.length)
    throw parameterError(this, 'labels', itemIndex, 'must not repeat a label.');
  const instructions = readString(this, 'instructions', itemIndex);
  const options = readModelOptions(this, itemIndex);
  const schema = {
    type: 'object',
    properties: { label: { type: 'string', enum: labels } },
    required: ['label'],
    additionalProperties: false,
  };
  const llm = await LlmClient.forItem(this, itemIndex);
  const completion = await llm.complete({
    ...options,
    messages: [
      {
        role: 'system',
        content: `Classify the user's text. Choose exactly one label from: ${labels.join(', ')}. Reply with JSON {"label": "<label>"}.${instructions ? ` ${instructions}` : ''}`,
      },
      { role: 'user', content: text },
    ],
    jsonSchema: { name: 'classification', schema, strict: true },
  });
  const parsed = parseStructuredOutput(completion.content, compileSchema(schema));
  if (!parsed.ok)
    throw new NodeOperationError(
      this.getNode(),
      `The model did not answer with one of the labels (${labels.join(', ')}): ${parsed.problem}`,
      { itemIndex },
    );
  return { label: (parsed.value as { label: string }).label, model: completion.model, usage: { ...completion.usage } };
}
