import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation, toNodeError } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { parameterError, readObject, readString } from '../../../shared/parameters';
import { compileSchema, parseStructuredOutput, SchemaProblem } from '../../structured-output';
import { LlmClient } from '../../transport';
import { modelProperties, readModelOptions } from '../common.descriptions';

export const meta: OperationMeta = { action: 'llm.extract', effect: 'read', idempotent: false };

export const description: INodeProperties[] = forOperation('text', 'extract', [
  {
    displayName: 'Text',
    name: 'text',
    type: 'string',
    typeOptions: { rows: 4 },
    default: '',
    required: true,
    description: 'Source text',
  },
  {
    displayName: 'Schema',
    name: 'schema',
    type: 'json',
    default: '{}',
    required: true,
    placeholder: '{ "type": "object", "properties": { "name": { "type": "string" } }, "required": ["name"] }',
    description: 'JSON Schema (2020-12) of the object to extract; the output is validated against it',
  },
  {
    displayName: 'Instructions',
    name: 'instructions',
    type: 'string',
    typeOptions: { rows: 2 },
    default: '',
    description: 'Extra guidance for the model',
  },
  ...modelProperties,
]);

/**
 * Fills the schema from the text (response_format json_schema). The reply is validated with Ajv: a reply that is
 * not JSON, is cut off or does not match the schema fails the item.
 */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const text = readString(this, 'text', itemIndex, { required: true });
  const schema = readObject(this, 'schema', itemIndex, { required: true })!;
  // The field's default is {}: an empty schema is one nobody wrote.
  if (Object.keys(schema).length === 0)
    throw parameterError(this, 'schema', itemIndex, 'is required: give the JSON Schema of the object to extract.');
  const instructions = readString(this, 'instructions', itemIndex);
  const options = readModelOptions(this, itemIndex);
  let validate;
  try {
    validate = compileSchema(schema);
  } catch (error) {
    if (error instanceof SchemaProblem)
      throw parameterError(this, 'schema', itemIndex, `is not a valid JSON Schema: ${error.message}`);
    throw toNodeError(this.getNode(), error, itemIndex);
  }
  const llm = await LlmClient.forItem(this, itemIndex);
  const completion = await llm.complete({
    ...options,
    messages: [
      {
        role: 'system',
        content: `Extract the requested data from the user's text. Reply with one JSON object matching the given JSON Schema, nothing else.${instructions ? ` ${instructions}` : ''}`,
      },
      { role: 'user', content: text },
    ],
    jsonSchema: { name: 'extraction', schema, strict: false },
  });
  if (completion.finishReason === 'length') {
    throw new NodeOperationError(
      this.getNode(),
      `The model's output was cut off at the token limit (maxTokens ${options.maxTokens ?? 'default'}), so it is not a complete JSON object; raise maxTokens.`,
      { itemIndex },
    );
  }
  const parsed = parseStructuredOutput(completion.content, validate);
  if (!parsed.ok)
    throw new NodeOperationError(this.getNode(), `The model's output is invalid: ${parsed.problem}`, { itemIndex });
  return { data: parsed.value as IDataObject, model: completion.model, usage: { ...completion.usage } };
}
