import type { Kysely, Selectable } from 'kysely';
import type { Brand, CredentialStatus, Creator } from '../domain/model';
import {
  iso,
  isoRequired,
  toJsonb,
  type BrandsTable,
  type CreatorsTable,
  type CredentialOwnerType,
  type Database,
} from './schema';

interface CredentialStatusRow {
  cred_id: string | null;
  cred_scopes: string[] | null;
  cred_expires_at: Date | null;
  cred_updated_at: Date | null;
}

function toCredentialStatus(row: CredentialStatusRow): CredentialStatus {
  return {
    connected: row.cred_id !== null,
    scopes: row.cred_scopes ?? [],
    expiresAt: iso(row.cred_expires_at),
    updatedAt: iso(row.cred_updated_at),
  };
}

const credentialColumns = [
  'c.id as cred_id',
  'c.scopes as cred_scopes',
  'c.expires_at as cred_expires_at',
  'c.updated_at as cred_updated_at',
] as const;

/** Brand rows with the status of their credentials; never the ciphertext. */
function selectBrands(db: Kysely<Database>) {
  return db
    .selectFrom('brands as p')
    .leftJoin('integration_credentials as c', (join) =>
      join.onRef('c.owner_id', '=', 'p.id').on('c.owner_type', '=', 'brand'),
    )
    .selectAll('p')
    .select(credentialColumns);
}

function selectCreators(db: Kysely<Database>) {
  return db
    .selectFrom('creators as p')
    .leftJoin('integration_credentials as c', (join) =>
      join.onRef('c.owner_id', '=', 'p.id').on('c.owner_type', '=', 'creator'),
    )
    .selectAll('p')
    .select(credentialColumns);
}

type BrandRow = Selectable<BrandsTable> & CredentialStatusRow;
type CreatorRow = Selectable<CreatorsTable> & CredentialStatusRow;

function toBrand(r: BrandRow): Brand {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    shopDomain: r.shop_domain,
    credentials: toCredentialStatus(r),
    connection: { state: r.connection_state, detail: r.connection_detail },
    createdAt: isoRequired(r.created_at),
    updatedAt: isoRequired(r.updated_at),
  };
}

function toCreator(r: CreatorRow): Creator {
  return {
    id: r.id,
    workspaceId: r.workspace_id,
    name: r.name,
    handle: r.handle,
    credentials: toCredentialStatus(r),
    connection: { state: r.connection_state, detail: r.connection_detail },
    createdAt: isoRequired(r.created_at),
    updatedAt: isoRequired(r.updated_at),
  };
}

export async function listBrands(db: Kysely<Database>, workspaceId: string): Promise<Brand[]> {
  return (await selectBrands(db).where('p.workspace_id', '=', workspaceId).orderBy('p.created_at').execute()).map(
    toBrand,
  );
}

export async function findBrand(
  db: Kysely<Database>,
  args: { workspaceId: string; brandId: string },
): Promise<Brand | undefined> {
  const row = await selectBrands(db)
    .where('p.workspace_id', '=', args.workspaceId)
    .where('p.id', '=', args.brandId)
    .executeTakeFirst();
  return row ? toBrand(row) : undefined;
}

export async function insertBrand(
  db: Kysely<Database>,
  args: { workspaceId: string; name: string; shopDomain: string | null },
): Promise<string> {
  const row = await db
    .insertInto('brands')
    .values({ workspace_id: args.workspaceId, name: args.name, shop_domain: args.shopDomain })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateBrand(
  db: Kysely<Database>,
  args: { workspaceId: string; brandId: string; name?: string; shopDomain?: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('brands')
    .set({
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args.shopDomain !== undefined ? { shop_domain: args.shopDomain } : {}),
      updated_at: new Date(),
    })
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.brandId)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function listCreators(db: Kysely<Database>, workspaceId: string): Promise<Creator[]> {
  return (await selectCreators(db).where('p.workspace_id', '=', workspaceId).orderBy('p.created_at').execute()).map(
    toCreator,
  );
}

export async function findCreator(
  db: Kysely<Database>,
  args: { workspaceId: string; creatorId: string },
): Promise<Creator | undefined> {
  const row = await selectCreators(db)
    .where('p.workspace_id', '=', args.workspaceId)
    .where('p.id', '=', args.creatorId)
    .executeTakeFirst();
  return row ? toCreator(row) : undefined;
}

export async function insertCreator(
  db: Kysely<Database>,
  args: { workspaceId: string; name: string; handle: string | null },
): Promise<string> {
  const row = await db
    .insertInto('creators')
    .values({ workspace_id: args.workspaceId, name: args.name, handle: args.handle })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateCreator(
  db: Kysely<Database>,
  args: { workspaceId: string; creatorId: string; name?: string; handle?: string | null },
): Promise<boolean> {
  const result = await db
    .updateTable('creators')
    .set({
      ...(args.name !== undefined ? { name: args.name } : {}),
      ...(args.handle !== undefined ? { handle: args.handle } : {}),
      updated_at: new Date(),
    })
    .where('workspace_id', '=', args.workspaceId)
    .where('id', '=', args.creatorId)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function deleteProfile(
  db: Kysely<Database>,
  args: { workspaceId: string; ownerType: CredentialOwnerType; ownerId: string },
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await tx
      .deleteFrom('integration_credentials')
      .where('workspace_id', '=', args.workspaceId)
      .where('owner_type', '=', args.ownerType)
      .where('owner_id', '=', args.ownerId)
      .execute();
    const table = args.ownerType === 'brand' ? 'brands' : 'creators';
    const result = await tx
      .deleteFrom(table)
      .where('workspace_id', '=', args.workspaceId)
      .where('id', '=', args.ownerId)
      .executeTakeFirst();
    return result.numDeletedRows === 1n;
  });
}

export async function upsertCredential(
  db: Kysely<Database>,
  args: {
    workspaceId: string;
    ownerType: CredentialOwnerType;
    ownerId: string;
    keyId: string;
    ciphertext: string;
    scopes: string[];
    expiresAt: Date | null;
  },
): Promise<void> {
  await db
    .insertInto('integration_credentials')
    .values({
      workspace_id: args.workspaceId,
      owner_type: args.ownerType,
      owner_id: args.ownerId,
      key_id: args.keyId,
      ciphertext: args.ciphertext,
      scopes: toJsonb(args.scopes),
      expires_at: args.expiresAt,
    })
    .onConflict((oc) =>
      oc.columns(['owner_type', 'owner_id']).doUpdateSet({
        key_id: args.keyId,
        ciphertext: args.ciphertext,
        scopes: toJsonb(args.scopes),
        expires_at: args.expiresAt,
        updated_at: new Date(),
      }),
    )
    .execute();
}

export async function findCredential(
  db: Kysely<Database>,
  args: { workspaceId: string; ownerType: CredentialOwnerType; ownerId: string },
): Promise<{ id: string; key_id: string; ciphertext: string; scopes: string[]; expires_at: Date | null } | undefined> {
  return db
    .selectFrom('integration_credentials')
    .select(['id', 'key_id', 'ciphertext', 'scopes', 'expires_at'])
    .where('workspace_id', '=', args.workspaceId)
    .where('owner_type', '=', args.ownerType)
    .where('owner_id', '=', args.ownerId)
    .executeTakeFirst();
}

export async function deleteCredential(
  db: Kysely<Database>,
  args: { workspaceId: string; ownerType: CredentialOwnerType; ownerId: string },
): Promise<boolean> {
  const result = await db
    .deleteFrom('integration_credentials')
    .where('workspace_id', '=', args.workspaceId)
    .where('owner_type', '=', args.ownerType)
    .where('owner_id', '=', args.ownerId)
    .executeTakeFirst();
  return result.numDeletedRows === 1n;
}

/** Credentials sealed with any key but `currentKeyId`, a batch at a time (rotation). */
export async function listCredentialsNotSealedWith(
  db: Kysely<Database>,
  args: { currentKeyId: string; limit: number },
): Promise<
  Array<{ id: string; owner_type: CredentialOwnerType; owner_id: string; key_id: string; ciphertext: string }>
> {
  return db
    .selectFrom('integration_credentials')
    .select(['id', 'owner_type', 'owner_id', 'key_id', 'ciphertext'])
    .where('key_id', '<>', args.currentKeyId)
    .limit(args.limit)
    .execute();
}

export async function replaceCredentialCiphertext(
  db: Kysely<Database>,
  args: { id: string; fromKeyId: string; keyId: string; ciphertext: string },
): Promise<void> {
  await db
    .updateTable('integration_credentials')
    .set({ key_id: args.keyId, ciphertext: args.ciphertext })
    .where('id', '=', args.id)
    .where('key_id', '=', args.fromKeyId)
    .execute();
}
