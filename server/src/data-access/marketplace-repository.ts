import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import './marketplace-schema';
import type { MarketplaceAgentsTable, MarketplaceAgentVersionsTable, PublishersTable } from './marketplace-schema';
import { toJsonb, type Database } from './schema';

type Db = Kysely<Database> | Transaction<Database>;
export type PublisherRow = Selectable<PublishersTable>;
export type MarketplaceAgentRow = Selectable<MarketplaceAgentsTable>;
export type MarketplaceVersionRow = Selectable<MarketplaceAgentVersionsTable>;
export type MarketplaceAgentWithPublisher = MarketplaceAgentRow & {
  publisher_name: string;
  publisher_workspace_id: string | null;
  rank?: number;
};

export async function findPublisherOfWorkspace(db: Db, workspaceId: string): Promise<PublisherRow | undefined> {
  return db.selectFrom('publishers').selectAll().where('workspace_id', '=', workspaceId).executeTakeFirst();
}

export async function findPublisherByName(db: Db, name: string): Promise<PublisherRow | undefined> {
  return db
    .selectFrom('publishers')
    .selectAll()
    .where('name_normalized', '=', name.trim().toLowerCase())
    .executeTakeFirst();
}

export async function insertPublisher(
  db: Db,
  args: { workspaceId: string | null; name: string },
): Promise<PublisherRow> {
  return db
    .insertInto('publishers')
    .values({ workspace_id: args.workspaceId, name: args.name, name_normalized: args.name.trim().toLowerCase() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPublisherKey(
  db: Db,
  args: { publisherId: string; keyId: string },
): Promise<{ public_key: string } | undefined> {
  return db
    .selectFrom('publisher_keys')
    .select('public_key')
    .where('publisher_id', '=', args.publisherId)
    .where('key_id', '=', args.keyId)
    .executeTakeFirst();
}

export async function listPublisherKeyIds(db: Db, publisherId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('publisher_keys')
    .select('key_id')
    .where('publisher_id', '=', publisherId)
    .orderBy('key_id')
    .execute();
  return rows.map((r) => r.key_id);
}

export async function insertPublisherKey(
  db: Db,
  args: { publisherId: string; keyId: string; publicKey: string },
): Promise<void> {
  await db
    .insertInto('publisher_keys')
    .values({ publisher_id: args.publisherId, key_id: args.keyId, public_key: args.publicKey })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

function withPublisher(db: Db) {
  return db
    .selectFrom('marketplace_agents as a')
    .innerJoin('publishers as p', 'p.id', 'a.publisher_id')
    .selectAll('a')
    .select(['p.name as publisher_name', 'p.workspace_id as publisher_workspace_id']);
}

export async function findMarketplaceAgent(
  db: Db,
  name: string,
  { forUpdate = false }: { forUpdate?: boolean } = {},
): Promise<MarketplaceAgentWithPublisher | undefined> {
  let query = withPublisher(db).where('a.name', '=', name);
  if (forUpdate) query = query.forUpdate('a');
  return query.executeTakeFirst();
}

export async function findMarketplaceAgentById(db: Db, id: string): Promise<MarketplaceAgentWithPublisher | undefined> {
  return withPublisher(db).where('a.id', '=', id).executeTakeFirst();
}

export async function insertMarketplaceAgent(
  db: Db,
  args: { publisherId: string; name: string; displayName: string; category: string },
): Promise<MarketplaceAgentRow> {
  return db
    .insertInto('marketplace_agents')
    .values({
      publisher_id: args.publisherId,
      name: args.name,
      display_name: args.displayName,
      category: args.category,
      description: '',
      readme: '',
      tags: toJsonb([]),
      icon: null,
      connection_types: toJsonb([]),
      price_minor: 0,
      currency: null,
      latest_version: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listVersions(db: Db, agentId: string): Promise<MarketplaceVersionRow[]> {
  return db.selectFrom('marketplace_agent_versions').selectAll().where('agent_id', '=', agentId).execute();
}

export async function findVersion(
  db: Db,
  args: { agentId: string; version: string },
): Promise<MarketplaceVersionRow | undefined> {
  return db
    .selectFrom('marketplace_agent_versions')
    .selectAll()
    .where('agent_id', '=', args.agentId)
    .where('version', '=', args.version)
    .executeTakeFirst();
}

export async function findVersionById(db: Db, id: string): Promise<MarketplaceVersionRow | undefined> {
  return db.selectFrom('marketplace_agent_versions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertVersion(
  db: Db,
  args: {
    agentId: string;
    version: string;
    yaml: string;
    workflow: unknown;
    manifest: unknown;
    metadata: unknown;
    digest: string;
    signature: string;
    keyId: string;
    publishedBy: string | null;
  },
): Promise<MarketplaceVersionRow> {
  return db
    .insertInto('marketplace_agent_versions')
    .values({
      agent_id: args.agentId,
      version: args.version,
      yaml: args.yaml,
      workflow: toJsonb(args.workflow),
      manifest: toJsonb(args.manifest),
      metadata: toJsonb(args.metadata),
      digest: args.digest,
      signature: args.signature,
      key_id: args.keyId,
      published_by: args.publishedBy,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** The catalog fields of an agent, from the version shown in the catalog (or none when every version is yanked). */
export async function updateCatalogRow(
  db: Db,
  args: {
    agentId: string;
    latestVersion: string | null;
    displayName: string;
    description: string;
    readme: string;
    category: string;
    tags: string[];
    icon: string | null;
    connectionTypes: string[];
    priceMinor: number;
    currency: string | null;
  },
): Promise<void> {
  const tags = args.tags.join(' ');
  await db
    .updateTable('marketplace_agents')
    .set({
      latest_version: args.latestVersion,
      display_name: args.displayName,
      description: args.description,
      readme: args.readme,
      category: args.category,
      tags: toJsonb(args.tags),
      icon: args.icon,
      connection_types: toJsonb(args.connectionTypes),
      price_minor: args.priceMinor,
      currency: args.currency,
      updated_at: new Date(),
    })
    .where('id', '=', args.agentId)
    .execute();
  // The search document: names and tags weigh most, then the description, then the readme.
  await sql`update marketplace_agents set search =
      setweight(to_tsvector('english', ${args.displayName} || ' ' || replace(name, '-', ' ')), 'A') ||
      setweight(to_tsvector('english', ${tags}), 'A') ||
      setweight(to_tsvector('english', ${args.description}), 'B') ||
      setweight(to_tsvector('english', ${args.readme}), 'C')
    where id = ${args.agentId}`.execute(db);
}

export async function yankVersion(
  db: Db,
  args: { versionId: string; reason: string | null },
): Promise<MarketplaceVersionRow | undefined> {
  return db
    .updateTable('marketplace_agent_versions')
    .set({ yanked_at: new Date(), yank_reason: args.reason })
    .where('id', '=', args.versionId)
    .where('yanked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
}

export async function incrementInstalls(db: Db, agentId: string): Promise<void> {
  await db
    .updateTable('marketplace_agents')
    .set((eb) => ({ installs: eb('installs', '+', 1) }))
    .where('id', '=', agentId)
    .execute();
}

export interface CatalogQuery {
  q?: string;
  category?: string;
  tag?: string;
  price?: 'free' | 'paid';
  publisher?: string;
  connection?: string;
  sort: 'relevance' | 'installs' | 'newest' | 'name';
  limit: number;
  offset: number;
}

/**
 * The visible catalog (agents with a version that is not yanked): full-text search over name, tags, description and
 * readme (`websearch_to_tsquery`: words, "phrases", -exclusions), filters, a sort and a page; and the total count.
 */
export async function searchCatalog(
  db: Db,
  query: CatalogQuery,
): Promise<{ rows: MarketplaceAgentWithPublisher[]; total: number }> {
  const tsquery = query.q ? sql`websearch_to_tsquery('english', ${query.q})` : undefined;
  let base = withPublisher(db).where('a.latest_version', 'is not', null);
  if (tsquery) base = base.where(sql<boolean>`a.search @@ ${tsquery}`);
  if (query.category) base = base.where('a.category', '=', query.category);
  if (query.tag) base = base.where(sql<boolean>`a.tags @> ${toJsonb([query.tag])}::jsonb`);
  if (query.connection) base = base.where(sql<boolean>`a.connection_types @> ${toJsonb([query.connection])}::jsonb`);
  if (query.price === 'free') base = base.where('a.price_minor', '=', 0);
  if (query.price === 'paid') base = base.where('a.price_minor', '>', 0);
  if (query.publisher) base = base.where('p.name_normalized', '=', query.publisher.trim().toLowerCase());
  const counted = await base
    .clearSelect()
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  let page = base.select(
    tsquery ? sql<number>`ts_rank_cd(a.search, ${tsquery})`.as('rank') : sql<number>`0`.as('rank'),
  );
  const sort = query.sort === 'relevance' && !tsquery ? 'installs' : query.sort;
  if (sort === 'relevance') page = page.orderBy('rank', 'desc').orderBy('a.installs', 'desc');
  else if (sort === 'installs') page = page.orderBy('a.installs', 'desc');
  else if (sort === 'newest') page = page.orderBy('a.updated_at', 'desc');
  page = page.orderBy('a.name');
  const rows = await page.limit(query.limit).offset(query.offset).execute();
  return { rows: rows as MarketplaceAgentWithPublisher[], total: Number(counted.n) };
}
