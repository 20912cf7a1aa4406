import { z } from 'zod';
import {
  countVectorDocuments,
  deleteVectorNamespace,
  hasPgvector,
  queryVectorDocuments,
  upsertVectorDocuments,
  type VectorMatch,
} from '../data-access/vectors-repository';
import { invalidRequest } from '../errors';
import type { AppContext, WorkspaceAccess } from './context';

export const VECTOR_LIMITS = {
  maxDimensions: 4096,
  maxDocumentsPerCall: 100,
  maxTextLength: 20_000,
  maxTopK: 100,
  maxDocumentsPerNamespace: 100_000,
  maxComponent: 1e6,
  minNorm: 1e-6,
} as const;

export const NamespaceSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'use 1-100 letters, digits, dot, dash or underscore');
/**
 * Components within +-1e6 (pgvector stores float4; real embeddings are within +-1) and a length of at least 1e-6:
 * cosine similarity has no meaning for a zero vector (PostgreSQL would divide by zero or return NaN).
 */
const embedding = z
  .array(
    z
      .number()
      .min(
        -VECTOR_LIMITS.maxComponent,
        `must be between -${VECTOR_LIMITS.maxComponent} and ${VECTOR_LIMITS.maxComponent}`,
      )
      .max(
        VECTOR_LIMITS.maxComponent,
        `must be between -${VECTOR_LIMITS.maxComponent} and ${VECTOR_LIMITS.maxComponent}`,
      ),
  )
  .min(1)
  .max(VECTOR_LIMITS.maxDimensions)
  .refine(
    (v) => Math.hypot(...v) >= VECTOR_LIMITS.minNorm,
    'must not be all zeros (or nearly): cosine similarity needs a direction',
  )
  .describe('The embedding (same model and dimensions for a whole namespace)');
export const VectorDocumentSchema = z.strictObject({
  id: z.string().min(1).max(200),
  text: z.string().max(VECTOR_LIMITS.maxTextLength),
  metadata: z.record(z.string(), z.unknown()).default({}),
  embedding,
});
export const VectorQuerySchema = z.strictObject({
  embedding,
  topK: z.int().min(1).max(VECTOR_LIMITS.maxTopK).default(5),
});
export const VectorMatchSchema = z.object({
  id: z.string(),
  score: z.number(),
  text: z.string(),
  metadata: z.record(z.string(), z.unknown()),
});

/** The workspace's own vector store (pgvector when the database has it), for agents without a Pinecone index. */
export class Vectors {
  readonly #ctx: AppContext;
  #pgvector: Promise<boolean> | undefined;

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  /** Whether similarity runs on pgvector (else plain SQL). */
  usesPgvector(): Promise<boolean> {
    this.#pgvector ??= hasPgvector(this.#ctx.db);
    return this.#pgvector;
  }

  async upsert(
    access: WorkspaceAccess,
    args: { namespace: string; documents: z.output<typeof VectorDocumentSchema>[] },
  ): Promise<{ upserted: number; namespace: string }> {
    const dimensions = new Set(args.documents.map((d) => d.embedding.length));
    if (dimensions.size > 1)
      throw invalidRequest([
        { path: 'documents', message: 'every embedding of one call must have the same number of dimensions' },
      ]);
    const existing = await countVectorDocuments(this.#ctx.db, {
      workspaceId: access.workspaceId,
      namespace: args.namespace,
    });
    if (existing + args.documents.length > VECTOR_LIMITS.maxDocumentsPerNamespace) {
      throw invalidRequest([
        {
          path: 'documents',
          message: `a namespace holds at most ${VECTOR_LIMITS.maxDocumentsPerNamespace} documents; use another namespace or Pinecone`,
        },
      ]);
    }
    const upserted = await upsertVectorDocuments(this.#ctx.db, {
      workspaceId: access.workspaceId,
      namespace: args.namespace,
      documents: args.documents,
    });
    return { upserted, namespace: args.namespace };
  }

  async query(
    access: WorkspaceAccess,
    args: { namespace: string; embedding: number[]; topK: number },
  ): Promise<{ matches: VectorMatch[]; count: number }> {
    const matches = await queryVectorDocuments(this.#ctx.db, {
      ...args,
      workspaceId: access.workspaceId,
      pgvector: await this.usesPgvector(),
    });
    return { matches, count: matches.length };
  }

  async deleteNamespace(access: WorkspaceAccess, namespace: string): Promise<{ deleted: number }> {
    return { deleted: await deleteVectorNamespace(this.#ctx.db, { workspaceId: access.workspaceId, namespace }) };
  }
}
