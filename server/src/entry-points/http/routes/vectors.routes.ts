import { z } from 'zod';
import type { UseCases } from '../../../domain/use-cases';
import {
  NamespaceSchema,
  VECTOR_LIMITS,
  VectorDocumentSchema,
  VectorMatchSchema,
  VectorQuerySchema,
} from '../../../domain/vectors';
import { WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';

const NamespaceParams = WorkspaceParams.extend({ namespace: NamespaceSchema });
/** 100 documents x 4096 float dimensions as JSON, with room for their texts. */
const VECTOR_BODY_BYTES = 12 * 1024 * 1024;

export function vectorRoutes(useCases: UseCases): RouteDefinition[] {
  const { vectors } = useCases;
  return [
    defineRoute({
      method: 'put',
      path: '/api/workspaces/:workspaceId/vectors/:namespace/documents',
      operationId: 'upsertVectorDocuments',
      summary: 'Store embedded documents in a namespace (for the IONFLUX Vector Store node)',
      description:
        'The caller embeds the texts (the node uses the workspace LLM); the server stores the vectors (pgvector when ' +
        'the database has it). Documents with an existing id are replaced. One call: up to 100 documents.',
      tags: ['vectors', 'agents'],
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'vectors:write' },
      params: NamespaceParams,
      maxBodyBytes: VECTOR_BODY_BYTES,
      body: z.strictObject({ documents: z.array(VectorDocumentSchema).min(1).max(VECTOR_LIMITS.maxDocumentsPerCall) }),
      example: {
        body: {
          documents: [
            { id: 'note-1', text: 'Calm, warm voice.', metadata: { source: 'brief' }, embedding: [0.1, 0.2, 0.3] },
          ],
        },
      },
      response: {
        status: 200,
        description: 'How many were stored',
        schema: z.object({ upserted: z.int(), namespace: z.string() }),
      },
      handler: async ({ auth, params, body }) =>
        vectors.upsert(auth.access!, { namespace: params.namespace, documents: body.documents }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/vectors/:namespace/query',
      operationId: 'queryVectorDocuments',
      summary: 'The stored documents most similar to an embedding (cosine), best first',
      tags: ['vectors', 'agents'],
      policy: { kind: 'workspace', minRole: 'viewer', apiTokenScope: 'vectors:read' },
      params: NamespaceParams,
      maxBodyBytes: 256 * 1024,
      body: VectorQuerySchema,
      example: { body: { embedding: [0.1, 0.2, 0.3], topK: 3 } },
      response: {
        status: 200,
        description: 'Matches',
        schema: z.object({ matches: z.array(VectorMatchSchema), count: z.int() }),
      },
      handler: async ({ auth, params, body }) =>
        vectors.query(auth.access!, { namespace: params.namespace, embedding: body.embedding, topK: body.topK }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/vectors/:namespace',
      operationId: 'deleteVectorNamespace',
      summary: 'Delete every document of a namespace',
      tags: ['vectors'],
      policy: { kind: 'workspace', minRole: 'admin', apiTokenScope: 'vectors:write' },
      params: NamespaceParams,
      response: { status: 200, description: 'How many were deleted', schema: z.object({ deleted: z.int() }) },
      handler: async ({ auth, params }) => vectors.deleteNamespace(auth.access!, params.namespace),
    }),
  ];
}
