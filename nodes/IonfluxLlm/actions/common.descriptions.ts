import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { readInteger, readNumber, readString } from '../../shared/parameters';

/** `model`, `temperature`, `maxTokens`, shared by every LLM operation. */
export const modelProperties: INodeProperties[] = [
  {
    displayName: 'Model',
    name: 'model',
    type: 'string',
    default: '',
    placeholder: "Credential's default (e.g. gpt-4o-mini)",
    description: "Model ID; empty means the credential's default model",
  },
  {
    displayName: 'Temperature',
    name: 'temperature',
    type: 'number',
    typeOptions: { minValue: 0, maxValue: 2, numberPrecision: 2 },
    default: undefined,
    placeholder: "Provider's default (1 for OpenAI)",
    description: "Sampling temperature; empty means the provider's default",
  },
  {
    displayName: 'Max Tokens',
    name: 'maxTokens',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 200000 },
    default: undefined,
    placeholder: "Model's limit",
    description: "Upper bound on completion tokens; empty means the model's own limit",
  },
];

export function readModelOptions(
  ctx: IExecuteFunctions,
  itemIndex: number,
): { model?: string; temperature?: number; maxTokens?: number } {
  const model = readString(ctx, 'model', itemIndex);
  const temperature = readNumber(ctx, 'temperature', itemIndex, { min: 0, max: 2 });
  const maxTokens = readInteger(ctx, 'maxTokens', itemIndex, { min: 1, max: 200000 });
  return {
    ...(model ? { model } : {}),
    ...(temperature !== undefined ? { temperature } : {}),
    ...(maxTokens !== undefined ? { maxTokens } : {}),
  };
}
