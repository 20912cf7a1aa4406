import { z } from 'zod';
import { AgentConfigurationSchema, AgentRevisionDiffSchema } from '../model';

/**
 * The marketplace's entities as zod schemas (types, response validation and OpenAPI components), like ../model.ts.
 */
const timestamp = z.iso.datetime({ offset: true });
const id = z.uuid();

export const marketplaceCategories = [
  'commerce',
  'marketing',
  'creators',
  'analytics',
  'operations',
  'support',
  'productivity',
] as const;
export const MarketplaceCategorySchema = z.enum(marketplaceCategories).meta({ id: 'MarketplaceCategory' });

export const ManifestStepSchema = z
  .object({
    id: z.string(),
    uses: z.string(),
    effect: z.enum(['read', 'write']).describe('write: changes something outside the run; read: only observes'),
    target: z.enum(['shopify', 'tiktok', 'llm', 'canvas', 'chat', 'notifications', 'vector', 'http']),
    connection: z.string().optional(),
    host: z.string().optional().describe('http.request: the host it calls (* when decided at run time)'),
    channel: z.string().optional().describe('chat.post: the channel, when written literally'),
  })
  .meta({ id: 'ManifestStep' });
export type ManifestStep = z.infer<typeof ManifestStepSchema>;

export const AgentManifestSchema = z
  .object({
    connections: z.array(
      z.object({
        name: z.string(),
        type: z.string(),
        scopes: z.array(z.string()),
        usedBy: z.array(z.string()).describe('Steps that use it'),
      }),
    ),
    steps: z.array(ManifestStepSchema),
    writeSteps: z.array(z.string()),
    readSteps: z.array(z.string()),
    httpHosts: z.array(z.string()),
    inputs: z.array(
      z.object({
        name: z.string(),
        type: z.string(),
        required: z.boolean(),
        default: z.unknown().optional(),
        description: z.string().optional(),
      }),
    ),
    trigger: z.string(),
    output: z.object({ canvas: z.boolean(), chat: z.boolean() }),
  })
  .describe('Derived from the YAML by the server (and the CLI): never typed by hand')
  .meta({ id: 'AgentManifest' });
export type AgentManifest = z.infer<typeof AgentManifestSchema>;

export const PricingSchema = z
  .union([
    z.strictObject({ model: z.literal('free') }),
    z.strictObject({
      model: z.literal('monthly'),
      priceMinor: z.int().min(1).max(100_000_000).describe('Monthly price in minor units (cents)'),
      currency: z
        .string()
        .regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD')
        .describe('ISO 4217'),
    }),
  ])
  .meta({ id: 'Pricing' });
export type Pricing = z.infer<typeof PricingSchema>;

/** The metadata a package carries besides its YAML and manifest (the digest covers all three). */
export const PackageMetadataSchema = z
  .strictObject({
    name: z.string().describe("The agent's metadata.name"),
    version: z.string().describe("The agent's metadata.version (semver)"),
    displayName: z.string(),
    description: z.string(),
    readme: z.string().max(200_000).describe('Markdown'),
    category: MarketplaceCategorySchema,
    tags: z.array(z.string().min(1).max(40)).max(20),
    icon: z.string().max(200).nullable(),
    pricing: PricingSchema,
  })
  .meta({ id: 'PackageMetadata' });
export type PackageMetadata = z.infer<typeof PackageMetadataSchema>;

export const PublisherSchema = z
  .object({ id, name: z.string(), verified: z.boolean().describe("The platform's own publisher (IONFLUX)") })
  .meta({ id: 'Publisher' });

export const MarketplaceVersionSchema = z
  .object({
    version: z.string(),
    digest: z.string().describe('SHA-256 (hex) of the canonical package'),
    signature: z.string().describe("Ed25519 signature of the digest (base64) by the publisher's key"),
    keyId: z.string(),
    yanked: z.boolean(),
    yankReason: z.string().nullable(),
    publishedAt: timestamp,
  })
  .meta({ id: 'MarketplaceVersion' });
export type MarketplaceVersion = z.infer<typeof MarketplaceVersionSchema>;

export const MarketplaceAgentSummarySchema = z
  .object({
    name: z.string(),
    displayName: z.string(),
    description: z.string(),
    category: z.string(),
    tags: z.array(z.string()),
    icon: z.string().nullable(),
    publisher: PublisherSchema,
    pricing: PricingSchema,
    latestVersion: z.string().nullable().describe('Newest version that is not yanked'),
    connectionTypes: z.array(z.string()),
    installs: z.int(),
    rank: z.number().optional().describe('Search relevance (with q)'),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'MarketplaceAgentSummary' });
export type MarketplaceAgentSummary = z.infer<typeof MarketplaceAgentSummarySchema>;

export const MarketplaceAgentDetailSchema = MarketplaceAgentSummarySchema.extend({
  readme: z.string(),
  versions: z.array(MarketplaceVersionSchema).describe('Newest first, yanked ones included (marked)'),
  manifest: AgentManifestSchema.nullable().describe('Of the latest version'),
  permissions: z.array(z.string()).describe('The manifest in plain words'),
  yaml: z.string().nullable().describe('Of the latest version'),
}).meta({ id: 'MarketplaceAgentDetail' });
export type MarketplaceAgentDetail = z.infer<typeof MarketplaceAgentDetailSchema>;

export const UpgradeDiffSchema = z
  .object({
    agentId: id,
    name: z.string(),
    fromVersion: z.string().nullable(),
    toVersion: z.string(),
    unifiedDiff: z.string(),
    summary: AgentRevisionDiffSchema.shape.summary,
    writeStepsAdded: z.array(z.string()),
    hostsAdded: z.array(z.string()),
    highlights: z.array(z.string()).describe('What the new version may do that the installed one could not'),
    bindingsKept: z.array(z.string()),
    inputsKept: z.array(z.string()),
    needsAttention: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .describe('Bindings and input values that no longer fit, or new connections to bind'),
  })
  .meta({ id: 'UpgradeDiff' });
export type UpgradeDiff = z.infer<typeof UpgradeDiffSchema>;

export const UpgradeResultSchema = z.object({
  diff: UpgradeDiffSchema,
  applied: z.boolean(),
  agent: AgentConfigurationSchema.optional(),
});

export const RentalSchema = z
  .object({
    id,
    workspaceId: id,
    agent: z.string().describe('Marketplace agent name'),
    priceMinor: z.int(),
    currency: z.string(),
    status: z.enum(['active', 'canceled', 'expired']),
    periodStart: timestamp,
    periodEnd: timestamp,
    cancelAtPeriodEnd: z.boolean(),
    renewals: z.int(),
    createdAt: timestamp,
  })
  .meta({ id: 'AgentRentalAgreement' });
export type Rental = z.infer<typeof RentalSchema>;

export const TransactionSchema = z
  .object({
    id,
    kind: z.enum(['top_up', 'rental_charge', 'renewal_charge', 'refund', 'publisher_payout']),
    rentalId: id.nullable(),
    amountMinor: z.int().describe('Effect on the workspace balance (negative for charges)'),
    currency: z.string(),
    description: z.string(),
    entries: z.array(z.object({ account: z.string(), amountMinor: z.int() })).describe('Sums to zero'),
    createdAt: timestamp,
  })
  .meta({ id: 'PlatformTransaction' });
export type Transaction = z.infer<typeof TransactionSchema>;

export const BalanceSchema = z.object({ currency: z.string(), amountMinor: z.int() }).meta({ id: 'Balance' });
