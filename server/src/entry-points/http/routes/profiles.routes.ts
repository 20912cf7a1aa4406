import { z } from 'zod';
import { BrandSchema, CreatorSchema } from '../../../domain/model';
import type { UseCases } from '../../../domain/use-cases';
import { text, uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';

const BrandParams = WorkspaceParams.extend({ brandId: uuid });
const CreatorParams = WorkspaceParams.extend({ creatorId: uuid });
const shopDomain = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, 'use the store domain, e.g. my-store.myshopify.com');
const tiktokHandle = z
  .string()
  .trim()
  .transform((s) => s.replace(/^@/, ''))
  .pipe(z.string().regex(/^[A-Za-z0-9_.]{2,24}$/, 'use a TikTok handle such as @my.creator'));
const CredentialsBody = z.strictObject({
  accessToken: z.string().min(1).max(4096).describe('Stored encrypted; never returned'),
  refreshToken: z.string().min(1).max(4096).optional(),
  scopes: z.array(z.string().min(1).max(100)).max(100).default([]),
  expiresAt: z.iso.datetime({ offset: true }).nullable().default(null),
});

export function profileRoutes(useCases: UseCases): RouteDefinition[] {
  const { profiles } = useCases;
  return [
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/brands',
      operationId: 'listBrands',
      summary: 'Brands (Shopify stores) of the workspace',
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      response: { status: 200, description: 'Brands', schema: z.object({ brands: z.array(BrandSchema) }) },
      handler: async ({ auth }) => ({ brands: await profiles.listBrands(auth.access!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/brands',
      operationId: 'createBrand',
      summary: 'Add a brand',
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: WorkspaceParams,
      body: z.strictObject({ name: text(100, 'Name'), shopDomain: shopDomain.nullable().default(null) }),
      example: { body: { name: 'My Test Store', shopDomain: 'my-test-store.myshopify.com' } },
      response: { status: 201, description: 'Created', schema: z.object({ brand: BrandSchema }) },
      handler: async ({ auth, body }) => ({ brand: await profiles.createBrand(auth.access!, body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/brands/:brandId',
      operationId: 'getBrand',
      summary: 'One brand',
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: BrandParams,
      response: { status: 200, description: 'Brand', schema: z.object({ brand: BrandSchema }) },
      handler: async ({ auth, params }) => ({ brand: await profiles.getBrand(auth.access!, params.brandId) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId/brands/:brandId',
      operationId: 'updateBrand',
      summary: 'Rename a brand or change its store domain',
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: BrandParams,
      body: z.strictObject({ name: text(100, 'Name').optional(), shopDomain: shopDomain.nullable().optional() }),
      example: { body: { name: 'My Store' } },
      response: { status: 200, description: 'Updated', schema: z.object({ brand: BrandSchema }) },
      handler: async ({ auth, params, body }) => ({
        brand: await profiles.updateBrand(auth.access!, params.brandId, body),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/brands/:brandId',
      operationId: 'deleteBrand',
      summary: 'Delete a brand and its stored credentials',
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: BrandParams,
      response: { status: 204, description: 'Deleted' },
      handler: async ({ auth, params }) => {
        await profiles.deleteProfile(auth.access!, { ownerType: 'brand', ownerId: params.brandId });
        return undefined;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/workspaces/:workspaceId/brands/:brandId/credentials',
      operationId: 'setBrandCredentials',
      summary: "Store the brand's OAuth tokens (encrypted at rest; never returned)",
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: BrandParams,
      body: CredentialsBody,
      example: { body: { accessToken: 'shpat_example', scopes: ['read_orders'] } },
      response: {
        status: 200,
        description: 'Stored; the brand shows credentials.connected',
        schema: z.object({ brand: BrandSchema }),
      },
      handler: async ({ auth, params, body }) => {
        await profiles.setCredentials(auth.access!, { ownerType: 'brand', ownerId: params.brandId, credentials: body });
        return { brand: await profiles.getBrand(auth.access!, params.brandId) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/brands/:brandId/credentials',
      operationId: 'deleteBrandCredentials',
      summary: "Forget the brand's OAuth tokens",
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: BrandParams,
      response: { status: 200, description: 'Disconnected', schema: z.object({ brand: BrandSchema }) },
      handler: async ({ auth, params }) => {
        await profiles.removeCredentials(auth.access!, { ownerType: 'brand', ownerId: params.brandId });
        return { brand: await profiles.getBrand(auth.access!, params.brandId) };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/creators',
      operationId: 'listCreators',
      summary: 'Creators (TikTok accounts) of the workspace',
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      response: { status: 200, description: 'Creators', schema: z.object({ creators: z.array(CreatorSchema) }) },
      handler: async ({ auth }) => ({ creators: await profiles.listCreators(auth.access!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/creators',
      operationId: 'createCreator',
      summary: 'Add a creator',
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: WorkspaceParams,
      body: z.strictObject({ name: text(100, 'Name'), handle: tiktokHandle.nullable().default(null) }),
      example: { body: { name: 'My Test Creator', handle: '@my.test.creator' } },
      response: { status: 201, description: 'Created', schema: z.object({ creator: CreatorSchema }) },
      handler: async ({ auth, body }) => ({ creator: await profiles.createCreator(auth.access!, body) }),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/creators/:creatorId',
      operationId: 'getCreator',
      summary: 'One creator',
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: CreatorParams,
      response: { status: 200, description: 'Creator', schema: z.object({ creator: CreatorSchema }) },
      handler: async ({ auth, params }) => ({ creator: await profiles.getCreator(auth.access!, params.creatorId) }),
    }),
    defineRoute({
      method: 'patch',
      path: '/api/workspaces/:workspaceId/creators/:creatorId',
      operationId: 'updateCreator',
      summary: 'Rename a creator or change the handle',
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: CreatorParams,
      body: z.strictObject({ name: text(100, 'Name').optional(), handle: tiktokHandle.nullable().optional() }),
      example: { body: { name: 'Renamed Creator' } },
      response: { status: 200, description: 'Updated', schema: z.object({ creator: CreatorSchema }) },
      handler: async ({ auth, params, body }) => ({
        creator: await profiles.updateCreator(auth.access!, params.creatorId, body),
      }),
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/creators/:creatorId',
      operationId: 'deleteCreator',
      summary: 'Delete a creator and its stored credentials',
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: CreatorParams,
      response: { status: 204, description: 'Deleted' },
      handler: async ({ auth, params }) => {
        await profiles.deleteProfile(auth.access!, { ownerType: 'creator', ownerId: params.creatorId });
        return undefined;
      },
    }),
    defineRoute({
      method: 'put',
      path: '/api/workspaces/:workspaceId/creators/:creatorId/credentials',
      operationId: 'setCreatorCredentials',
      summary: "Store the creator's OAuth tokens (encrypted at rest; never returned)",
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: CreatorParams,
      body: CredentialsBody,
      example: { body: { accessToken: 'act.example', scopes: ['user.info.basic'] } },
      response: { status: 200, description: 'Stored', schema: z.object({ creator: CreatorSchema }) },
      handler: async ({ auth, params, body }) => {
        await profiles.setCredentials(auth.access!, {
          ownerType: 'creator',
          ownerId: params.creatorId,
          credentials: body,
        });
        return { creator: await profiles.getCreator(auth.access!, params.creatorId) };
      },
    }),
    defineRoute({
      method: 'delete',
      path: '/api/workspaces/:workspaceId/creators/:creatorId/credentials',
      operationId: 'deleteCreatorCredentials',
      summary: "Forget the creator's OAuth tokens",
      tags: ['brands & creators'],
      policy: { kind: 'workspace', minRole: 'admin' },
      params: CreatorParams,
      response: { status: 200, description: 'Disconnected', schema: z.object({ creator: CreatorSchema }) },
      handler: async ({ auth, params }) => {
        await profiles.removeCredentials(auth.access!, { ownerType: 'creator', ownerId: params.creatorId });
        return { creator: await profiles.getCreator(auth.access!, params.creatorId) };
      },
    }),
  ];
}
