import {
  deleteCredential,
  deleteProfile,
  findBrand,
  findCreator,
  findCredential,
  insertBrand,
  insertCreator,
  listBrands,
  listCreators,
  listCredentialsNotSealedWith,
  replaceCredentialCiphertext,
  updateBrand,
  updateCreator,
  upsertCredential,
} from '../data-access/profiles-repository';
import type { CredentialOwnerType } from '../data-access/schema';
import { forbidden, notFound } from '../errors';
import { hasRole, type AppContext, type WorkspaceAccess } from './context';
import type { Brand, Creator } from './model';
import { decryptSecret, encryptSecret, rotateSecret } from './secrets/index';

/** The OAuth material of a brand (Shopify) or creator (TikTok); only ever decrypted inside the server. */
export interface IntegrationCredentials {
  accessToken: string;
  refreshToken?: string;
  scopes: string[];
  expiresAt: string | null;
}

function associatedData(ownerType: CredentialOwnerType, ownerId: string): string {
  return `${ownerType}:${ownerId}`;
}

/** Brand (Shopify store) and Creator (TikTok account) profiles and their encrypted credentials. */
export class Profiles {
  readonly #ctx: AppContext;

  constructor(ctx: AppContext) {
    this.#ctx = ctx;
  }

  listBrands(access: WorkspaceAccess): Promise<Brand[]> {
    return listBrands(this.#ctx.db, access.workspaceId);
  }

  async getBrand(access: WorkspaceAccess, brandId: string): Promise<Brand> {
    const brand = await findBrand(this.#ctx.db, { workspaceId: access.workspaceId, brandId });
    if (!brand) throw notFound('brand');
    return brand;
  }

  async createBrand(access: WorkspaceAccess, args: { name: string; shopDomain: string | null }): Promise<Brand> {
    requireAdmin(access);
    const brandId = await insertBrand(this.#ctx.db, {
      workspaceId: access.workspaceId,
      name: args.name.trim(),
      shopDomain: args.shopDomain,
    });
    return this.getBrand(access, brandId);
  }

  async updateBrand(
    access: WorkspaceAccess,
    brandId: string,
    args: { name?: string; shopDomain?: string | null },
  ): Promise<Brand> {
    requireAdmin(access);
    if (
      !(await updateBrand(this.#ctx.db, { workspaceId: access.workspaceId, brandId, ...args, name: args.name?.trim() }))
    )
      throw notFound('brand');
    return this.getBrand(access, brandId);
  }

  listCreators(access: WorkspaceAccess): Promise<Creator[]> {
    return listCreators(this.#ctx.db, access.workspaceId);
  }

  async getCreator(access: WorkspaceAccess, creatorId: string): Promise<Creator> {
    const creator = await findCreator(this.#ctx.db, { workspaceId: access.workspaceId, creatorId });
    if (!creator) throw notFound('creator');
    return creator;
  }

  async createCreator(access: WorkspaceAccess, args: { name: string; handle: string | null }): Promise<Creator> {
    requireAdmin(access);
    const creatorId = await insertCreator(this.#ctx.db, {
      workspaceId: access.workspaceId,
      name: args.name.trim(),
      handle: args.handle,
    });
    return this.getCreator(access, creatorId);
  }

  async updateCreator(
    access: WorkspaceAccess,
    creatorId: string,
    args: { name?: string; handle?: string | null },
  ): Promise<Creator> {
    requireAdmin(access);
    if (
      !(await updateCreator(this.#ctx.db, {
        workspaceId: access.workspaceId,
        creatorId,
        ...args,
        name: args.name?.trim(),
      }))
    )
      throw notFound('creator');
    return this.getCreator(access, creatorId);
  }

  async deleteProfile(
    access: WorkspaceAccess,
    args: { ownerType: CredentialOwnerType; ownerId: string },
  ): Promise<void> {
    requireAdmin(access);
    if (!(await deleteProfile(this.#ctx.db, { workspaceId: access.workspaceId, ...args })))
      throw notFound(args.ownerType);
  }

  /** Seals and stores credentials (replacing earlier ones). The response carries only their status. */
  async setCredentials(
    access: WorkspaceAccess,
    args: { ownerType: CredentialOwnerType; ownerId: string; credentials: IntegrationCredentials },
  ): Promise<void> {
    requireAdmin(access);
    await this.#assertOwner(access, args);
    const sealed = encryptSecret({
      plaintext: JSON.stringify({
        accessToken: args.credentials.accessToken,
        refreshToken: args.credentials.refreshToken,
      }),
      keyring: this.#ctx.keyring,
      associatedData: associatedData(args.ownerType, args.ownerId),
    });
    await upsertCredential(this.#ctx.db, {
      workspaceId: access.workspaceId,
      ownerType: args.ownerType,
      ownerId: args.ownerId,
      keyId: sealed.keyId,
      ciphertext: sealed.ciphertext,
      scopes: args.credentials.scopes,
      expiresAt: args.credentials.expiresAt ? new Date(args.credentials.expiresAt) : null,
    });
  }

  async removeCredentials(
    access: WorkspaceAccess,
    args: { ownerType: CredentialOwnerType; ownerId: string },
  ): Promise<void> {
    requireAdmin(access);
    await this.#assertOwner(access, args);
    await deleteCredential(this.#ctx.db, { workspaceId: access.workspaceId, ...args });
  }

  /**
   * Decrypted credentials for server-side use (OAuth refresh, agent runs). Not reachable from any route.
   * @example const creds = await profiles.readCredentials({ workspaceId, ownerType: 'brand', ownerId: brandId });
   */
  async readCredentials(args: {
    workspaceId: string;
    ownerType: CredentialOwnerType;
    ownerId: string;
  }): Promise<IntegrationCredentials | undefined> {
    const row = await findCredential(this.#ctx.db, args);
    if (!row) return undefined;
    const plaintext = decryptSecret({
      sealed: row.ciphertext,
      keyring: this.#ctx.keyring,
      associatedData: associatedData(args.ownerType, args.ownerId),
    });
    const secret = JSON.parse(plaintext) as { accessToken: string; refreshToken?: string };
    return {
      accessToken: secret.accessToken,
      refreshToken: secret.refreshToken,
      scopes: row.scopes,
      expiresAt: row.expires_at?.toISOString() ?? null,
    };
  }

  /**
   * Replaces credentials only if they are still the ones read (`previousAccessToken`): one conditional UPDATE of the
   * sealed access and refresh tokens together, so a rotated refresh token is never stored apart from its access
   * token and two concurrent refreshes cannot both win. Returns whether it replaced them.
   */
  async replaceCredentialsIfUnchanged(args: {
    workspaceId: string;
    ownerType: CredentialOwnerType;
    ownerId: string;
    previousAccessToken: string;
    credentials: IntegrationCredentials;
  }): Promise<boolean> {
    const current = await this.readCredentials(args);
    if (!current || current.accessToken !== args.previousAccessToken) return false;
    const row = await findCredential(this.#ctx.db, args);
    const sealed = encryptSecret({
      plaintext: JSON.stringify({
        accessToken: args.credentials.accessToken,
        refreshToken: args.credentials.refreshToken,
      }),
      keyring: this.#ctx.keyring,
      associatedData: associatedData(args.ownerType, args.ownerId),
    });
    const result = await this.#ctx.db
      .updateTable('integration_credentials')
      .set({
        key_id: sealed.keyId,
        ciphertext: sealed.ciphertext,
        scopes: JSON.stringify(args.credentials.scopes),
        expires_at: args.credentials.expiresAt ? new Date(args.credentials.expiresAt) : null,
        updated_at: new Date(),
      })
      .where('id', '=', row!.id)
      .where('ciphertext', '=', row!.ciphertext)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Re-encrypts every credential sealed with an older key under the current key; returns how many changed. */
  async rotateCredentialKeys(): Promise<number> {
    const { db, keyring } = this.#ctx;
    let rotated = 0;
    for (;;) {
      const batch = await listCredentialsNotSealedWith(db, { currentKeyId: keyring.currentKeyId, limit: 100 });
      if (batch.length === 0) return rotated;
      for (const row of batch) {
        const sealed = rotateSecret({
          sealed: { keyId: row.key_id, ciphertext: row.ciphertext },
          keyring,
          associatedData: associatedData(row.owner_type, row.owner_id),
        });
        await replaceCredentialCiphertext(db, {
          id: row.id,
          fromKeyId: row.key_id,
          keyId: sealed.keyId,
          ciphertext: sealed.ciphertext,
        });
        rotated += 1;
      }
    }
  }

  async #assertOwner(
    access: WorkspaceAccess,
    args: { ownerType: CredentialOwnerType; ownerId: string },
  ): Promise<void> {
    if (args.ownerType === 'brand') await this.getBrand(access, args.ownerId);
    else await this.getCreator(access, args.ownerId);
  }
}

function requireAdmin(access: WorkspaceAccess): void {
  if (!hasRole(access.role, 'admin'))
    throw forbidden('insufficient_role', 'Managing brands and creators needs the admin role');
}
