import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { parameterError, readAny, readInteger, readString } from '../../../shared/parameters';
import { compileSchema, parseStructuredOutput } from '../../structured-output';
import { LlmClient } from '../../transport';
import { modelProperties, readModelOptions } from '../common.descriptions';

export const meta: OperationMeta = { action: 'llm.summarize', effect: 'read', idempotent: false };

export const description: INodeProperties[] = forOperation('text', 'summarize', [
  {
    displayName: 'Text',
    name: 'text',
    type: 'string',
    typeOptions: { rows: 4 },
    default: '',
    description: 'Text to summarize (or give Messages)',
  },
  {
    displayName: 'Messages',
    name: 'messages',
    type: 'json',
    default: 'null',
    description: 'Chat messages to summarize, e.g. the messages of a chat thread step ({ author, text } each)',
  },
  {
    displayName: 'Max Sentences',
    name: 'maxSentences',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 50 },
    default: 5,
    description: 'Longest summary to write, in sentences',
  },
  {
    displayName: 'Focus',
    name: 'focus',
    type: 'string',
    default: '',
    description: 'What the summary should focus on',
  },
  ...modelProperties,
]);

const SUMMARY_SCHEMA = {
  type: 'object',
  properties: {
    summary: { type: 'string', description: 'The summary, in a few sentences' },
    keyPoints: { type: 'array', items: { type: 'string' }, description: 'The key points, one short sentence each' },
  },
  required: ['summary', 'keyPoints'],
  additionalProperties: false,
};
const validateSummary = compileSchema(SUMMARY_SCHEMA);

/** One line per message: `author: text` (chat.thread messages, OpenAI-style messages or plain strings). */
export function transcriptOf(messages: unknown[]): string | null {
  const lines: string[] = [];
  for (const message of messages) {
    if (typeof message === 'string') lines.push(message);
    else if (message && typeof message === 'object') {
      const m = message as Record<string, unknown>;
      const text = typeof m.text === 'string' ? m.text : typeof m.content === 'string' ? m.content : null;
      if (text === null) return null;
      const author =
        typeof m.author === 'string'
          ? m.author
          : typeof m.name === 'string'
            ? m.name
            : typeof m.role === 'string'
              ? m.role
              : null;
      lines.push(author ? `${author}: ${text}` : text);
    } else return null;
  }
  return lines.join('\n');
}

function materialOf(ctx: IExecuteFunctions, itemIndex: number): string {
  const text = readString(ctx, 'text', itemIndex);
  const messages = readAny(ctx, 'messages', itemIndex);
  if (messages !== undefined) {
    if (typeof messages === 'string') return messages;
    const list = Array.isArray(messages)
      ? messages
      : Array.isArray((messages as { messages?: unknown }).messages)
        ? (messages as { messages: unknown[] }).messages
        : null;
    const transcript = list ? transcriptOf(list) : null;
    if (transcript === null)
      throw parameterError(
        ctx,
        'messages',
        itemIndex,
        'must be a list of messages ({ author, text } or { role, content }) or text.',
      );
    if (transcript.trim() !== '') return text ? `${text}\n\n${transcript}` : transcript;
  }
  if (text) return text;
  throw new NodeOperationError(
    ctx.getNode(),
    'Give the text to summarize in parameter "text" or "messages" (both are empty).',
    { itemIndex },
  );
}

/** Summary and key points as JSON (response_format json_schema), validated before it is returned. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const material = materialOf(this, itemIndex);
  const maxSentences = readInteger(this, 'maxSentences', itemIndex, { min: 1, max: 50 }) ?? 5;
  const focus = readString(this, 'focus', itemIndex);
  const options = readModelOptions(this, itemIndex);
  const llm = await LlmClient.forItem(this, itemIndex);
  const completion = await llm.complete({
    ...options,
    // The instruction goes in the system message and the user message is only the material, so that nothing of the
    // instruction can be mistaken for content to summarize.
    messages: [
      {
        role: 'system',
        content: `You summarize text for a busy team. Reply with JSON only: "summary" holds at most ${maxSentences} sentences, "keyPoints" lists the key points as short sentences.${focus ? ` Focus on ${focus}.` : ''}`,
      },
      { role: 'user', content: material },
    ],
    jsonSchema: { name: 'summary', schema: SUMMARY_SCHEMA, strict: true },
  });
  if (completion.finishReason === 'length') {
    throw new NodeOperationError(
      this.getNode(),
      `The model's summary was cut off at the token limit (maxTokens ${options.maxTokens ?? 'default'}); raise maxTokens.`,
      { itemIndex },
    );
  }
  const parsed = parseStructuredOutput(completion.content, validateSummary);
  if (!parsed.ok)
    throw new NodeOperationError(this.getNode(), `The model's summary is invalid: ${parsed.problem}`, { itemIndex });
  const value = parsed.value as { summary: string; keyPoints: string[] };
  return {
    summary: value.summary,
    keyPoints: value.keyPoints,
    model: completion.model,
    usage: { ...completion.usage },
  };
}
