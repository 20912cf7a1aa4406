/**
 * Where vectors live: Pinecone (`@pinecone-database/pinecone`, through the shared client) or the IONFLUX workspace
 * store (the server's REST API, pgvector when the database has it). Both sides take vectors already embedded by the
 * LLM credential's embedding model, so the node's operations are the same whatever the store.
 */
import { Pinecone } from '@pinecone-database/pinecone';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, JsonObject } from 'n8n-workflow';
import { fetchThrough } from '../shared/http/client';
import { itemHttpClient } from '../shared/http/item-client';
import { n8nCredentialExchange } from '../shared/http/n8n-exchange';
import { IonfluxApiClient } from '../shared/ionflux/transport';

export interface StoredVector {
  id: string;
  text: string;
  metadata: IDataObject;
  values: number[];
}

export interface VectorMatch {
  id: string;
  score: number;
  text: string;
  metadata: IDataObject;
}

export interface VectorBackend {
  upsert(namespace: string, vectors: StoredVector[]): Promise<number>;
  query(namespace: string, vector: number[], topK: number): Promise<VectorMatch[]>;
}

export const PINECONE_CREDENTIAL = 'ionfluxPineconeApi';

/** The store chosen by the `backend` parameter, for one item. */
export async function vectorBackend(ctx: IExecuteFunctions, itemIndex: number): Promise<VectorBackend> {
  const backend = (ctx.getNodeParameter('backend', itemIndex, 'ionflux') as string) || 'ionflux';
  if (backend === 'pinecone') return pineconeBackend(ctx, itemIndex);
  if (backend !== 'ionflux')
    throw new NodeOperationError(
      ctx.getNode(),
      `Parameter "backend" must be "ionflux" or "pinecone", but got "${backend}".`,
      { itemIndex },
    );
  const api = await IonfluxApiClient.forItem(ctx, itemIndex);
  return {
    upsert: (namespace, vectors) =>
      api.run(async () => {
        let upserted = 0;
        for (let start = 0; start < vectors.length; start += 100) {
          const documents = vectors
            .slice(start, start + 100)
            .map((v) => ({ id: v.id, text: v.text, metadata: v.metadata, embedding: v.values }));
          upserted += (
            await api.workspace<{ upserted: number }>('PUT', `/vectors/${encodeURIComponent(namespace)}/documents`, {
              documents,
            })
          ).upserted;
        }
        return upserted;
      }),
    query: (namespace, vector, topK) =>
      api.run(
        async () =>
          (
            await api.workspace<{ matches: VectorMatch[] }>('POST', `/vectors/${encodeURIComponent(namespace)}/query`, {
              embedding: vector,
              topK,
            })
          ).matches,
      ),
  };
}

async function pineconeBackend(ctx: IExecuteFunctions, itemIndex: number): Promise<VectorBackend> {
  const credentials = await ctx.getCredentials(PINECONE_CREDENTIAL, itemIndex);
  const apiKey = String(credentials.apiKey ?? '');
  const indexName = String(credentials.indexName ?? '');
  if (!apiKey || !indexName)
    throw new NodeOperationError(ctx.getNode(), 'The Pinecone credential needs an API key and an index name.', {
      itemIndex,
    });
  const http = itemHttpClient(ctx, itemIndex, {
    rateLimitRetries: 3,
    exchange: n8nCredentialExchange(ctx, PINECONE_CREDENTIAL),
  });
  const controllerHost = String(credentials.controllerHost || '').trim();
  const client = new Pinecone({
    apiKey,
    // The credential's `authenticate` sets Api-Key (n8n's request helper), not the SDK.
    fetchApi: fetchThrough(http, { omitHeaders: ['api-key'] }) as never,
    ...(controllerHost ? { controllerHostUrl: controllerHost.replace(/\/+$/, '') } : {}),
  });
  const index = client.index(indexName);
  const wrap = async <T>(call: () => Promise<T>): Promise<T> => {
    try {
      return await call();
    } catch (error) {
      // The SDK wraps transport failures ("Request failed to reach Pinecone"): the cause says what actually happened.
      const cause = (error as Error & { cause?: Error }).cause;
      const message = `${(error as Error).message ?? String(error)}${cause?.message ? ` (${cause.message})` : ''}`;
      throw new NodeApiError(ctx.getNode(), { message } as JsonObject, { itemIndex, message: `Pinecone: ${message}` });
    }
  };
  return {
    upsert: (namespace, vectors) =>
      wrap(async () => {
        for (let start = 0; start < vectors.length; start += 100) {
          const records = vectors
            .slice(start, start + 100)
            .map((v) => ({ id: v.id, values: v.values, metadata: { ...flatMetadata(v.metadata), text: v.text } }));
          await index.upsert({ records, namespace });
        }
        return vectors.length;
      }),
    query: (namespace, vector, topK) =>
      wrap(async () => {
        const result = await index.query({ vector, topK, includeMetadata: true, namespace });
        return (result.matches ?? []).map((match) => {
          const { text, ...metadata } = (match.metadata ?? {}) as IDataObject;
          return { id: match.id, score: match.score ?? 0, text: typeof text === 'string' ? text : '', metadata };
        });
      }),
  };
}

/** Pinecone metadata values are strings, numbers, booleans or lists of strings; anything else is kept as JSON text. */
function flatMetadata(metadata: IDataObject): Record<string, string | number | boolean | string[]> {
  const out: Record<string, string | number | boolean | string[]> = {};
  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[key] = value as string[];
    else if (value !== null && value !== undefined) out[key] = JSON.stringify(value);
  }
  return out;
}
