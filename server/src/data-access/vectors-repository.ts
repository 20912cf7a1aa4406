import { sql, type Kysely } from 'kysely';
import type { Database } from './schema';

type Db = Kysely<Database>;

export interface VectorDocumentInput {
  id: string;
  text: string;
  metadata: Record<string, unknown>;
  embedding: number[];
}

export interface VectorMatch {
  id: string;
  score: number;
  text: string;
  metadata: Record<string, unknown>;
}

/** Whether the pgvector extension is installed in this database (checked once per server). */
export async function hasPgvector(db: Db): Promise<boolean> {
  const row = await sql<{
    present: boolean;
  }>`select exists(select 1 from pg_extension where extname = 'vector') as present`.execute(db);
  return row.rows[0]?.present === true;
}

const norm = (v: number[]) => Math.sqrt(v.reduce((sum, x) => sum + x * x, 0));

/** Inserts or replaces documents of one namespace, in one statement. */
export async function upsertVectorDocuments(
  db: Db,
  args: { workspaceId: string; namespace: string; documents: VectorDocumentInput[] },
): Promise<number> {
  if (args.documents.length === 0) return 0;
  const rows = args.documents.map(
    (d) =>
      sql`(${args.workspaceId}::uuid, ${args.namespace}, ${d.id}, ${d.text}, ${JSON.stringify(d.metadata)}::jsonb, ${`{${d.embedding.join(',')}}`}::float8[], ${d.embedding.length}, ${norm(d.embedding)}, now())`,
  );
  await sql`
    insert into vector_documents (workspace_id, namespace, id, text, metadata, embedding, dimensions, norm, updated_at)
    values ${sql.join(rows)}
    on conflict (workspace_id, namespace, id) do update set
      text = excluded.text, metadata = excluded.metadata, embedding = excluded.embedding,
      dimensions = excluded.dimensions, norm = excluded.norm, updated_at = now()`.execute(db);
  return args.documents.length;
}

/** The `topK` documents of a namespace closest to `embedding` by cosine similarity (same dimensions only). */
export async function queryVectorDocuments(
  db: Db,
  args: { workspaceId: string; namespace: string; embedding: number[]; topK: number; pgvector: boolean },
): Promise<VectorMatch[]> {
  const vector = `{${args.embedding.join(',')}}`;
  const queryNorm = norm(args.embedding) || 1;
  const result = args.pgvector
    ? await sql<{ id: string; text: string; metadata: Record<string, unknown>; score: number }>`
        select id, text, metadata, 1 - (embedding::vector <=> ${`[${args.embedding.join(',')}]`}::vector) as score
        from vector_documents
        where workspace_id = ${args.workspaceId}::uuid and namespace = ${args.namespace} and dimensions = ${args.embedding.length}
          and norm > 0
        order by embedding::vector <=> ${`[${args.embedding.join(',')}]`}::vector, id
        limit ${args.topK}`.execute(db)
    : await sql<{ id: string; text: string; metadata: Record<string, unknown>; score: number }>`
        select id, text, metadata,
          (select coalesce(sum(a * b), 0) from unnest(embedding, ${vector}::float8[]) as pair(a, b)) / (nullif(norm, 0) * ${queryNorm}) as score
        from vector_documents
        where workspace_id = ${args.workspaceId}::uuid and namespace = ${args.namespace} and dimensions = ${args.embedding.length}
        order by score desc nulls last, id
        limit ${args.topK}`.execute(db);
  return result.rows.map((r) => ({ id: r.id, text: r.text, metadata: r.metadata ?? {}, score: Number(r.score ?? 0) }));
}

export async function countVectorDocuments(db: Db, args: { workspaceId: string; namespace: string }): Promise<number> {
  const row = await sql<{
    n: number;
  }>`select count(*)::int as n from vector_documents where workspace_id = ${args.workspaceId}::uuid and namespace = ${args.namespace}`.execute(
    db,
  );
  return row.rows[0]?.n ?? 0;
}

export async function deleteVectorNamespace(db: Db, args: { workspaceId: string; namespace: string }): Promise<number> {
  const result =
    await sql`delete from vector_documents where workspace_id = ${args.workspaceId}::uuid and namespace = ${args.namespace}`.execute(
      db,
    );
  return Number(result.numAffectedRows ?? 0);
}
