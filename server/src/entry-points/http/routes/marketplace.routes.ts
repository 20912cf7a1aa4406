import { z } from 'zod';
import { AgentConfigurationSchema, ConnectionBindingSchema } from '../../../domain/model';
import {
  type AgentManifest,
  BalanceSchema,
  marketplaceCategories,
  MarketplaceAgentDetailSchema,
  MarketplaceAgentSummarySchema,
  MarketplaceVersionSchema,
  PackageMetadataSchema,
  RentalSchema,
  TransactionSchema,
  UpgradeResultSchema,
} from '../../../domain/marketplace/model';
import type { UseCases } from '../../../domain/use-cases';
import { int32, queryInt, text, uuid, WorkspaceParams } from '../common-schemas';
import { defineRoute, type RouteDefinition } from '../route';
import { EXAMPLE_AGENT_YAML } from './agents.routes';

const AGENT_NAME = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,62}$/, 'an agent name: lowercase letters, digits and dashes (metadata.name)');
const VERSION = z.string().min(1).max(100).describe('A semantic version, e.g. 1.2.0');
const PACKAGE_BODY_BYTES = 1024 * 1024;
const idempotencyKey = z
  .string()
  .trim()
  .min(8, 'at least 8 characters (a UUID is a good key)')
  .max(200)
  .describe('The same key answers with the first result and charges once');
const inputs = z.record(z.string(), z.unknown());
const bindings = z
  .record(z.string(), ConnectionBindingSchema)
  .describe("The agent's connection name -> the workspace's Brand, Creator or the sandbox");

/** A request body for the docs and the tenant-isolation test: the example agent, free (its manifest is checked). */
const EXAMPLE_PUBLISH = {
  yaml: EXAMPLE_AGENT_YAML,
  manifest: {
    connections: [{ name: 'store', type: 'shopify', scopes: ['read_orders'], usedBy: ['revenue'] }],
    steps: [{ id: 'revenue', uses: 'shopify.revenue.summary', effect: 'read', target: 'shopify', connection: 'store' }],
    writeSteps: [],
    readSteps: ['revenue'],
    httpHosts: [],
    inputs: [{ name: 'period', type: 'string', required: false, default: 'last_7_days' }],
    trigger: 'manual',
    output: { canvas: true, chat: false },
  },
  metadata: {
    name: 'revenue-tracker-lite',
    version: '1.0.0',
    displayName: 'Revenue Tracker Lite',
    description: '',
    readme: '# Revenue Tracker Lite',
    category: 'analytics',
    tags: ['shopify'],
    icon: null,
    pricing: { model: 'free' },
  },
  digest: '0'.repeat(64),
  signature: 'AA==',
  publicKey: '-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n',
} as const;

export function marketplaceRoutes(useCases: UseCases): RouteDefinition[] {
  const { marketplace, rentals } = useCases;
  const tags = ['marketplace'];
  const AgentParams = z.object({ name: AGENT_NAME });
  const VersionParams = WorkspaceParams.extend({ name: AGENT_NAME, version: VERSION });
  return [
    defineRoute({
      method: 'get',
      path: '/api/marketplace/agents',
      operationId: 'listMarketplaceAgents',
      summary: 'The marketplace catalog: search, filter, sort, page',
      description:
        '`q` is a full-text search (PostgreSQL, English stemming) over name, tags, description and readme; it ' +
        'accepts words, "quoted phrases" and -exclusions. Only agents with a version that is not yanked are listed.',
      tags,
      policy: { kind: 'public' },
      query: z.object({
        q: z.string().trim().max(200).optional(),
        category: z.enum(marketplaceCategories).optional(),
        tag: z.string().trim().max(40).optional(),
        price: z.enum(['free', 'paid']).optional(),
        publisher: z.string().trim().max(100).optional(),
        connection: z.enum(['shopify', 'tiktok', 'llm', 'pinecone']).optional().describe('Connection type it needs'),
        sort: z
          .enum(['relevance', 'installs', 'newest', 'name'])
          .default('relevance')
          .describe('relevance needs q; without q it sorts by installs'),
        limit: queryInt({ min: 1, max: 100, fallback: 20 }),
        offset: queryInt({ min: 0, max: 100_000, fallback: 0 }),
      }),
      example: { query: { q: 'revenue' } },
      response: {
        status: 200,
        description: 'One page of agents and the total',
        schema: z.object({
          agents: z.array(MarketplaceAgentSummarySchema),
          total: z.int(),
          limit: z.int(),
          offset: z.int(),
        }),
      },
      handler: async ({ query }) => marketplace.list(query),
    }),
    defineRoute({
      method: 'get',
      path: '/api/marketplace/agents/:name',
      operationId: 'getMarketplaceAgent',
      summary: 'One marketplace agent: readme, versions, manifest and its permissions in plain words, installs',
      tags,
      policy: { kind: 'public' },
      params: AgentParams,
      response: { status: 200, description: 'The agent', schema: z.object({ agent: MarketplaceAgentDetailSchema }) },
      handler: async ({ params }) => ({ agent: await marketplace.get(params.name) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/marketplace/packages',
      operationId: 'buildAgentPackage',
      summary: 'Build the package of agent YAML for signing (nothing is stored): manifest, metadata, digest, message',
      description:
        'For a client that signs with a key it holds but does not build packages itself (the studio signs with ' +
        "WebCrypto's Ed25519): the package as publishAgentVersion expects it, its `digest`, the exact `message` to " +
        "sign (UTF-8), and the workspace's publisher with the ids of its keys (null before its first publish). " +
        'Check that the package holds your YAML, sign `message`, then publish the package with the digest, the ' +
        'signature (base64) and your public key. An invalid agent is refused with its diagnostics (422 `invalid_agent`).',
      tags,
      policy: { kind: 'workspace', minRole: 'admin', apiTokenScope: 'marketplace:write' },
      params: WorkspaceParams,
      maxBodyBytes: PACKAGE_BODY_BYTES,
      body: z.strictObject({
        yaml: z
          .string()
          .min(1)
          .max(256 * 1024),
        category: PackageMetadataSchema.shape.category,
        readme: PackageMetadataSchema.shape.readme.optional(),
        tags: PackageMetadataSchema.shape.tags.optional(),
        pricing: PackageMetadataSchema.shape.pricing.optional(),
      }),
      example: { body: { yaml: EXAMPLE_AGENT_YAML, category: 'analytics', readme: '# Revenue Tracker Lite' } },
      response: {
        status: 200,
        description: 'The package to sign',
        schema: z.object({
          package: z.object({
            yaml: z.string(),
            manifest: z.record(z.string(), z.unknown()),
            metadata: PackageMetadataSchema,
          }),
          digest: z.string(),
          message: z.string().describe('What to sign: the package format and the digest'),
          publisher: z.object({ name: z.string(), keyIds: z.array(z.string()) }).nullable(),
        }),
      },
      errors: [422],
      handler: async ({ auth, body }) =>
        marketplace.packageForSigning(auth.access!, {
          yaml: body.yaml,
          category: body.category,
          ...(body.readme !== undefined ? { readme: body.readme } : {}),
          ...(body.tags !== undefined ? { tags: body.tags } : {}),
          ...(body.pricing !== undefined ? { pricing: body.pricing } : {}),
        }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/marketplace/agents',
      operationId: 'publishAgentVersion',
      summary: "Publish a signed agent package (name@version) as the workspace's publisher",
      description:
        'The package is the agent YAML, its manifest and metadata; `digest` is the SHA-256 of their canonical JSON ' +
        'and `signature` its Ed25519 signature by `publicKey` (`ionflux publish` builds all of it). The server ' +
        'derives the manifest from the YAML itself and refuses a package whose manifest or metadata differ ' +
        '(422 `package_mismatch`), whose digest is not its own (422 `digest_mismatch`) or whose signature does not ' +
        "verify (422 `invalid_signature`). The workspace's first publish creates its publisher with this key; later " +
        'ones must be signed with a key it has (403 `unknown_publisher_key`). Versions are semver and immutable: an ' +
        'existing version or one not greater than every earlier one is refused (409).',
      tags,
      policy: { kind: 'workspace', minRole: 'admin', apiTokenScope: 'marketplace:write' },
      params: WorkspaceParams,
      maxBodyBytes: PACKAGE_BODY_BYTES,
      body: z.strictObject({
        yaml: z
          .string()
          .min(1)
          .max(256 * 1024),
        manifest: z
          .record(z.string(), z.unknown())
          .describe('The AgentManifest derived from the YAML (the server derives it again and compares)'),
        metadata: PackageMetadataSchema,
        digest: z.string().regex(/^[0-9a-f]{64}$/, 'SHA-256 in lowercase hex'),
        signature: z.string().min(1).max(200).describe('base64'),
        publicKey: z.string().min(1).max(1000).describe('Ed25519 public key, PEM (SPKI)'),
        publisherName: text(100, 'Publisher name').optional().describe('Used when this publish creates the publisher'),
      }),
      example: { body: EXAMPLE_PUBLISH as never },
      response: {
        status: 201,
        description: 'Published',
        schema: z.object({ agent: MarketplaceAgentSummarySchema, version: MarketplaceVersionSchema }),
      },
      errors: [409, 422],
      handler: async ({ auth, body }) =>
        marketplace.publish(auth.access!, { ...body, manifest: body.manifest as unknown as AgentManifest }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/marketplace/agents/:name/versions/:version/yank',
      operationId: 'yankAgentVersion',
      summary: 'Hide a version from new installs (installed ones keep working); only its publisher may',
      tags,
      policy: { kind: 'workspace', minRole: 'admin', apiTokenScope: 'marketplace:write' },
      params: VersionParams,
      body: z.strictObject({ reason: z.string().trim().max(500).optional() }),
      example: { body: { reason: 'breaks on stores without inventory tracking' } },
      response: { status: 200, description: 'Yanked', schema: z.object({ version: MarketplaceVersionSchema }) },
      errors: [409],
      handler: async ({ auth, params, body }) => ({
        version: await marketplace.yank(auth.access!, {
          agent: params.name,
          version: params.version,
          ...(body.reason ? { reason: body.reason } : {}),
        }),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/marketplace/installs',
      operationId: 'installMarketplaceAgent',
      summary: 'Install a marketplace agent (a version, default the newest) as an agent configuration',
      description:
        "The package's signature is verified again (409 `package_tampered` when it does not match). Bind each " +
        "connection the agent declares to the workspace's own Brand or Creator, whatever it is called " +
        '(`bindings: { store: { brandId } }`); credentials are never copied. A paid agent needs an active rental ' +
        '(402 `rental_required`). Validation as for createAgentConfiguration.',
      tags,
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'marketplace:write' },
      params: WorkspaceParams,
      body: z.strictObject({
        agent: AGENT_NAME.describe('Marketplace agent name'),
        version: VERSION.optional(),
        name: text(100, 'Name').optional().describe("The configuration's name (default: the display name)"),
        inputs: inputs.optional(),
        bindings: bindings.optional(),
      }),
      example: { body: { agent: 'revenue-tracker-lite', bindings: { store: { sandbox: true } } } },
      response: {
        status: 201,
        description: 'Installed',
        schema: z.object({ agent: AgentConfigurationSchema, version: MarketplaceVersionSchema }),
      },
      errors: [402, 409, 422],
      handler: async ({ auth, body }) => marketplace.install(auth.access!, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/marketplace/updates',
      operationId: 'listAgentUpdates',
      summary: 'Installed marketplace agents, their version and the newest one available',
      tags,
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      response: {
        status: 200,
        description: 'One entry per configuration installed from the marketplace',
        schema: z.object({
          updates: z.array(
            z.object({
              agentId: uuid,
              name: z.string(),
              marketplaceAgent: z.string(),
              installedVersion: z.string(),
              latestVersion: z.string().nullable(),
              updateAvailable: z.boolean(),
            }),
          ),
        }),
      },
      handler: async ({ auth }) => ({ updates: await marketplace.updates(auth.access!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/agents/:agentId/upgrade',
      operationId: 'upgradeAgentConfiguration',
      summary: 'Upgrade an installed marketplace agent: the diff first, then (confirm) the new version',
      description:
        'Without `confirm` nothing changes: the answer is the diff (steps added, removed, changed; connections, ' +
        'scopes, write steps and hosts the new version adds, in `highlights`; bindings and inputs kept or needing ' +
        'attention). With `confirm: true` and `baseRevision`, the new version is saved as a new revision keeping ' +
        'the bindings and input values that still fit (merged with `bindings`/`inputs` given).',
      tags,
      policy: { kind: 'workspace', minRole: 'member', apiTokenScope: 'marketplace:write' },
      params: WorkspaceParams.extend({ agentId: uuid }),
      body: z.strictObject({
        version: VERSION.optional().describe('Default: the newest version that is not yanked'),
        confirm: z.boolean().optional(),
        baseRevision: int32(1).optional(),
        inputs: inputs.optional(),
        bindings: bindings.optional(),
      }),
      example: { body: {} },
      response: { status: 200, description: 'The diff, and the saved agent when applied', schema: UpgradeResultSchema },
      errors: [409, 422],
      handler: async ({ auth, params, body }) => marketplace.upgrade(auth.access!, params.agentId, body),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/marketplace/rentals',
      operationId: 'rentMarketplaceAgent',
      summary: 'Rent a paid agent for a month (charged to the workspace balance)',
      description:
        'Charges the monthly price to the workspace balance and pays the publisher (less the platform fee), as ' +
        'balanced ledger transactions. The same `idempotencyKey` answers with the same rental and charges once. ' +
        '402 `insufficient_balance` when the balance does not cover the price.',
      tags,
      policy: { kind: 'workspace', minRole: 'admin', apiTokenScope: 'marketplace:write' },
      params: WorkspaceParams,
      body: z.strictObject({ agent: AGENT_NAME, idempotencyKey }),
      example: { body: { agent: 'revenue-tracker-lite', idempotencyKey: 'rent-0001-example' } },
      response: {
        status: 201,
        description: 'Rented (or the rental of the first request with this key)',
        schema: z.object({ rental: RentalSchema, transactionIds: z.array(uuid), balanceMinor: z.int() }),
      },
      errors: [402, 409],
      handler: async ({ auth, body }) => rentals.rent(auth.access!, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/marketplace/rentals',
      operationId: 'listRentals',
      summary: "The workspace's rentals (renewals and expiry settled first)",
      tags,
      policy: { kind: 'workspace', minRole: 'viewer' },
      params: WorkspaceParams,
      response: { status: 200, description: 'Newest first', schema: z.object({ rentals: z.array(RentalSchema) }) },
      handler: async ({ auth }) => ({ rentals: await rentals.list(auth.access!) }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/marketplace/rentals/:rentalId/cancel',
      operationId: 'cancelRental',
      summary: 'Cancel a rental at the end of its period (default), or now with a pro-rata refund',
      tags,
      policy: { kind: 'workspace', minRole: 'admin', apiTokenScope: 'marketplace:write' },
      params: WorkspaceParams.extend({ rentalId: uuid }),
      body: z.strictObject({ immediately: z.boolean().optional() }),
      example: { body: {} },
      response: { status: 200, description: 'The rental', schema: z.object({ rental: RentalSchema }) },
      errors: [409],
      handler: async ({ auth, params, body }) => ({
        rental: await rentals.cancel(auth.access!, params.rentalId, body),
      }),
    }),
    defineRoute({
      method: 'post',
      path: '/api/workspaces/:workspaceId/balance/top-ups',
      operationId: 'topUpWorkspaceBalance',
      summary: 'Add funds to the workspace balance (stands in for a payment provider)',
      tags,
      policy: { kind: 'workspace', minRole: 'admin' },
      params: WorkspaceParams,
      body: z.strictObject({
        amountMinor: z.int().min(1).max(100_000_000).describe('Minor units (cents)'),
        currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
        idempotencyKey,
      }),
      example: { body: { amountMinor: 5000, currency: 'USD', idempotencyKey: 'top-up-0001-example' } },
      response: {
        status: 201,
        description: 'Added (or the result of the first request with this key)',
        schema: z.object({ transactionId: uuid, balanceMinor: z.int() }),
      },
      handler: async ({ auth, body }) => rentals.topUp(auth.access!, body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/workspaces/:workspaceId/transactions',
      operationId: 'listWorkspaceTransactions',
      summary: "The workspace's ledger: top-ups, charges, refunds and payouts, each with balanced entries",
      tags,
      policy: { kind: 'workspace', minRole: 'admin' },
      params: WorkspaceParams,
      query: z.object({ limit: queryInt({ min: 1, max: 500, fallback: 100 }) }),
      response: {
        status: 200,
        description: 'Newest first, and the balances',
        schema: z.object({ transactions: z.array(TransactionSchema), balances: z.array(BalanceSchema) }),
      },
      handler: async ({ auth, query }) => rentals.transactions(auth.access!, query),
    }),
  ];
}
