import { createHash } from 'node:crypto';
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { LlmClient } from '../../../IonfluxLlm/transport';
import { forOperation } from '../../../shared/operation';
import type { OperationMeta } from '../../../shared/operation';
import { parameterError, readAny, readString } from '../../../shared/parameters';
import { vectorBackend, type StoredVector } from '../../transport';

export const meta: OperationMeta = { action: 'vector.upsert', effect: 'write', idempotent: true };

export const description: INodeProperties[] = forOperation('vector', 'upsert', [
  {
    displayName: 'Namespace',
    name: 'namespace',
    type: 'string',
    default: '',
    required: true,
    placeholder: 'persona-maya',
    description: 'Partition of the store to write to',
  },
  {
    displayName: 'Documents',
    name: 'documents',
    type: 'json',
    default: '[]',
    required: true,
    description: 'Texts, or objects { "id", "text", "metadata" }; the id defaults to a hash of the text',
  },
]);

const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function readNamespace(ctx: IExecuteFunctions, itemIndex: number): string {
  const namespace = readString(ctx, 'namespace', itemIndex, { required: true }).trim();
  if (!NAMESPACE.test(namespace))
    throw parameterError(
      ctx,
      'namespace',
      itemIndex,
      `must be 1-100 letters, digits, dot, dash or underscore, but got "${namespace}".`,
    );
  return namespace;
}

/** Embeds the documents with the LLM credential, then stores them; the same text always gets the same id. */
export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const namespace = readNamespace(this, itemIndex);
  let documents = readAny(this, 'documents', itemIndex);
  if (typeof documents === 'string') {
    try {
      documents = JSON.parse(documents);
    } catch (error) {
      throw parameterError(
        this,
        'documents',
        itemIndex,
        `must be a list of texts or { "text" } objects written as JSON (${(error as Error).message}).`,
      );
    }
  }
  if (!Array.isArray(documents) || documents.length === 0)
    throw parameterError(
      this,
      'documents',
      itemIndex,
      'must be a non-empty list of texts or { "id", "text", "metadata" } objects.',
    );
  const parsed = documents.map((doc, index) => {
    if (typeof doc === 'string') return { text: doc, metadata: {} as IDataObject };
    if (doc && typeof doc === 'object' && typeof (doc as IDataObject).text === 'string') {
      const { id, text, metadata } = doc as IDataObject;
      return {
        ...(typeof id === 'string' && id ? { id } : {}),
        text: text as string,
        metadata: (metadata && typeof metadata === 'object' && !Array.isArray(metadata) ? metadata : {}) as IDataObject,
      };
    }
    throw parameterError(
      this,
      'documents',
      itemIndex,
      `entry ${index} must be a text or an object with a "text", but got ${JSON.stringify(doc)?.slice(0, 80)}.`,
    );
  });
  const llm = await LlmClient.forItem(this, itemIndex);
  const { vectors } = await llm.embed(parsed.map((d) => d.text));
  const stored: StoredVector[] = parsed.map((d, i) => ({
    id: d.id ?? createHash('sha256').update(d.text).digest('hex').slice(0, 32),
    text: d.text,
    metadata: d.metadata,
    values: vectors[i]!,
  }));
  const backend = await vectorBackend(this, itemIndex);
  const upserted = await backend.upsert(namespace, stored);
  return { upserted, namespace };
}
