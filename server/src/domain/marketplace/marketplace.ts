import { canonicalJson, compileAgent } from '@ionflux/compiler';
import { findAgentConfiguration } from '../../data-access/agents-repository';
import {
  findMarketplaceAgent,
  findMarketplaceAgentById,
  findPublisherByName,
  findPublisherKey,
  findPublisherOfWorkspace,
  findVersion,
  findVersionById,
  incrementInstalls,
  insertMarketplaceAgent,
  insertPublisher,
  insertPublisherKey,
  insertVersion,
  listPublisherKeyIds,
  listVersions,
  searchCatalog,
  updateCatalogRow,
  yankVersion,
  type CatalogQuery,
  type MarketplaceAgentWithPublisher,
  type MarketplaceVersionRow,
  type PublisherRow,
} from '../../data-access/marketplace-repository';
import type { Transaction as KyselyTransaction } from 'kysely';

import { findWorkspace } from '../../data-access/workspaces-repository';
import { AppError, conflict, forbidden, isUniqueViolation, notFound, type FieldProblem } from '../../errors';
import { summarizeAgentChange, unifiedDiff } from '../agents/agent-diff';
import type { AgentConfigurations } from '../agents/agent-configurations';
import { hasRole, type AppContext, type WorkspaceAccess } from '../context';
import { isoRequired, type Database } from '../../data-access/schema';
import type { AgentConfiguration, ConnectionBinding } from '../model';
import { actingUserId } from '../workspace-access';
import { manifestOfYaml, permissionsInWords, scopeInWords, stepInWords } from './manifest';
import type {
  AgentManifest,
  MarketplaceAgentDetail,
  MarketplaceAgentSummary,
  MarketplaceVersion,
  PackageMetadata,
  Pricing,
  UpgradeDiff,
} from './model';
import {
  buildAgentPackage,
  keyIdOf,
  normalizePublicKey,
  PACKAGE_FORMAT,
  packageDigest,
  verifyDigest,
  type AgentPackage,
} from './package';
import { compareSemver, compareVersionText, parseSemver } from './semver';
import type { Rentals } from './rentals';

type Tx = KyselyTransaction<Database>;

/** The platform's own publisher: the example agents are published under it. */
export const PLATFORM_PUBLISHER = 'IONFLUX';

/** What `publishAgentVersion` receives: a package, its digest and signature, and the signing public key. */
export interface PublishRequest extends AgentPackage {
  digest: string;
  signature: string;
  publicKey: string;
  /** Name of the workspace's publisher, when this publish creates it (default: the workspace's name). */
  publisherName?: string;
}

function pricingOf(row: { price_minor: number; currency: string | null }): Pricing {
  return row.price_minor > 0 && row.currency
    ? { model: 'monthly', priceMinor: row.price_minor, currency: row.currency }
    : { model: 'free' };
}

function toVersion(row: MarketplaceVersionRow): MarketplaceVersion {
  return {
    version: row.version,
    digest: row.digest,
    signature: row.signature,
    keyId: row.key_id,
    yanked: row.yanked_at !== null,
    yankReason: row.yank_reason,
    publishedAt: isoRequired(row.created_at),
  };
}

export function toSummary(row: MarketplaceAgentWithPublisher): MarketplaceAgentSummary {
  return {
    name: row.name,
    displayName: row.display_name,
    description: row.description,
    category: row.category,
    tags: row.tags,
    icon: row.icon,
    publisher: {
      id: row.publisher_id,
      name: row.publisher_name,
      verified: row.publisher_workspace_id === null,
    },
    pricing: pricingOf(row),
    latestVersion: row.latest_version,
    connectionTypes: row.connection_types,
    installs: row.installs,
    ...(typeof row.rank === 'number' && row.rank > 0 ? { rank: Number(row.rank) } : {}),
    createdAt: isoRequired(row.created_at),
    updatedAt: isoRequired(row.updated_at),
  };
}

/** The differences between two manifests, by top-level field (for a precise "manifest does not match" answer). */
function manifestDifferences(a: AgentManifest, b: unknown): string[] {
  const other = (b ?? {}) as Record<string, unknown>;
  return Object.keys(a).filter(
    (key) => canonicalJson((a as Record<string, unknown>)[key]) !== canonicalJson(other[key]),
  );
}

/**
 * The marketplace: publishing signed agent packages (semver-ordered, immutable versions), the catalog (full-text
 * search, filters, detail with permissions in plain words), installing a version into a workspace as an agent
 * configuration (after re-verifying its signature), yanking, and upgrading an installed agent with a diff first.
 */
export class Marketplace {
  readonly #ctx: AppContext;
  readonly #agents: AgentConfigurations;
  #rentals: Rentals | undefined;

  constructor(ctx: AppContext, agents: AgentConfigurations) {
    this.#ctx = ctx;
    this.#agents = agents;
  }

  /** Connects the rentals (paid agents install only under an active rental). */
  attach(rentals: Rentals): void {
    this.#rentals = rentals;
  }

  /**
   * Publishes `name@version` for the workspace's publisher (created on its first publish, with the signing key as
   * its first key). Refused: a YAML that does not validate, a manifest or metadata that is not the one derived from
   * the YAML, a digest that is not the package's, a bad signature, a key the publisher does not have, an agent name
   * another publisher owns, a version that exists or is not greater than every earlier one.
   */
  async publish(
    access: WorkspaceAccess,
    request: PublishRequest,
  ): Promise<{ agent: MarketplaceAgentSummary; version: MarketplaceVersion }> {
    if (!hasRole(access.role, 'admin'))
      throw forbidden(
        'insufficient_role',
        `Publishing agents for this workspace needs the admin role (you are ${access.role})`,
      );
    return this.#publish(request, {
      userId: actingUserId(access),
      publisherOf: async (trx, key) => {
        let publisher = await findPublisherOfWorkspace(trx, access.workspaceId);
        if (!publisher) {
          const workspace = await findWorkspace(trx, access.workspaceId);
          const name = (request.publisherName ?? workspace?.name ?? 'Publisher').trim();
          if (name.toLowerCase() === PLATFORM_PUBLISHER.toLowerCase() || (await findPublisherByName(trx, name)))
            throw conflict(
              'publisher_name_taken',
              `A publisher named "${name}" exists already; publish with another publisher name (publisherName)`,
            );
          publisher = await insertPublisher(trx, { workspaceId: access.workspaceId, name });
          await insertPublisherKey(trx, { publisherId: publisher.id, keyId: key.keyId, publicKey: key.publicKey });
        }
        return publisher;
      },
    });
  }

  /**
   * The package of agent YAML as a publish must send it (manifest and metadata derived from the YAML) with its
   * digest and the exact message to sign, for a client that signs with a key it holds and builds no package itself
   * (the studio, with WebCrypto's Ed25519); and the workspace's publisher, if it has one (then only its keys are
   * accepted). Nothing is stored. The client should check that the package's YAML is its own before signing.
   */
  async packageForSigning(
    access: WorkspaceAccess,
    request: Pick<PackageMetadata, 'category'> &
      Partial<Pick<PackageMetadata, 'readme' | 'tags' | 'pricing'>> & {
        yaml: string;
      },
  ): Promise<{
    package: AgentPackage;
    digest: string;
    message: string;
    publisher: { name: string; keyIds: string[] } | null;
  }> {
    if (!hasRole(access.role, 'admin'))
      throw forbidden(
        'insufficient_role',
        `Publishing agents for this workspace needs the admin role (you are ${access.role})`,
      );
    const pkg = buildAgentPackage({
      yaml: request.yaml,
      category: request.category,
      ...(request.readme !== undefined ? { readme: request.readme } : {}),
      ...(request.tags !== undefined ? { tags: request.tags } : {}),
      ...(request.pricing !== undefined ? { pricing: request.pricing } : {}),
    });
    const digest = packageDigest(pkg);
    const publisher = await findPublisherOfWorkspace(this.#ctx.db, access.workspaceId);
    return {
      package: pkg,
      digest,
      message: `${PACKAGE_FORMAT}:${digest}`,
      publisher: publisher
        ? { name: publisher.name, keyIds: await listPublisherKeyIds(this.#ctx.db, publisher.id) }
        : null,
    };
  }

  /** Publishes an example agent as the platform's own publisher (the catalog seed; its key is registered first). */
  async publishAsPlatform(
    request: PublishRequest,
  ): Promise<{ agent: MarketplaceAgentSummary; version: MarketplaceVersion }> {
    return this.#publish(request, {
      userId: null,
      publisherOf: async (trx) => {
        const publisher = await findPublisherByName(trx, PLATFORM_PUBLISHER);
        if (!publisher || publisher.workspace_id !== null) throw new Error('The IONFLUX publisher is missing');
        return publisher;
      },
    });
  }

  async #publish(
    request: PublishRequest,
    args: {
      userId: string | null;
      publisherOf: (trx: Tx, key: { keyId: string; publicKey: string }) => Promise<PublisherRow>;
    },
  ): Promise<{ agent: MarketplaceAgentSummary; version: MarketplaceVersion }> {
    const pkg = this.#checkPackage(request);
    const publicKey = normalizePublicKey(request.publicKey);
    if (!publicKey)
      throw new AppError({
        status: 422,
        code: 'invalid_public_key',
        message: 'publicKey is not an Ed25519 public key in PEM (SPKI); send the public half of your publisher key',
        fields: [{ path: 'publicKey', message: 'Not an Ed25519 public key (PEM)' }],
      });
    const keyId = keyIdOf(publicKey);
    const digest = packageDigest(pkg);
    if (digest !== request.digest)
      throw new AppError({
        status: 422,
        code: 'digest_mismatch',
        message: `The package's digest is ${digest}, not ${request.digest}: the YAML, manifest or metadata changed after the package was built; rebuild and sign it again`,
        fields: [{ path: 'digest', message: 'Does not match the package' }],
      });
    if (!verifyDigest({ digest, signature: request.signature, publicKeyPem: publicKey }))
      throw new AppError({
        status: 422,
        code: 'invalid_signature',
        message: `The signature is not a valid Ed25519 signature of digest ${digest} by key ${keyId}; sign the package with that key`,
        fields: [{ path: 'signature', message: 'Does not verify' }],
      });
    const workflow = compileAgent(pkg.yaml).workflow;
    try {
      return await this.#ctx.db.transaction().execute(async (trx) => {
        const publisher = await args.publisherOf(trx, { keyId, publicKey });
        if (!(await findPublisherKey(trx, { publisherId: publisher.id, keyId })))
          throw forbidden(
            'unknown_publisher_key',
            `Publisher "${publisher.name}" has no key ${keyId}; sign with the key its earlier versions were signed with`,
          );
        const existing = await findMarketplaceAgent(trx, pkg.metadata.name, { forUpdate: true });
        if (existing && existing.publisher_id !== publisher.id)
          throw forbidden(
            'agent_owned_by_another_publisher',
            `"${pkg.metadata.name}" is published by ${existing.publisher_name}; only that publisher can publish its versions (rename your agent in metadata.name)`,
          );
        const agentRow =
          existing ??
          (await insertMarketplaceAgent(trx, {
            publisherId: publisher.id,
            name: pkg.metadata.name,
            displayName: pkg.metadata.displayName,
            category: pkg.metadata.category,
          }));
        const versions = await listVersions(trx, agentRow.id);
        const wanted = parseSemver(pkg.metadata.version)!;
        if (versions.some((v) => v.version === pkg.metadata.version))
          throw conflict(
            'version_exists',
            `${pkg.metadata.name}@${pkg.metadata.version} is published already and versions are immutable; raise metadata.version`,
          );
        const newest = versions
          .map((v) => v.version)
          .sort(compareVersionText)
          .pop();
        if (newest && compareSemver(wanted, parseSemver(newest)!) <= 0)
          throw conflict(
            'version_not_greater',
            `${pkg.metadata.name}@${pkg.metadata.version} is not greater than the newest published version ${newest}; raise metadata.version above it`,
          );
        const version = await insertVersion(trx, {
          agentId: agentRow.id,
          version: pkg.metadata.version,
          yaml: pkg.yaml,
          workflow,
          manifest: pkg.manifest,
          metadata: pkg.metadata,
          digest,
          signature: request.signature,
          keyId,
          publishedBy: args.userId,
        });
        await this.#refreshCatalog(trx, agentRow.id);
        const fresh = (await findMarketplaceAgentById(trx, agentRow.id))!;
        return { agent: toSummary(fresh), version: toVersion(version) };
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict(
          'publish_conflict',
          `Someone published ${pkg.metadata.name} at the same time; check its versions and publish a greater one`,
        );
      throw error;
    }
  }

  /** The manifest and metadata must be exactly what the YAML gives; the version must be semver. */
  #checkPackage(request: PublishRequest): AgentPackage {
    const { ir, manifest } = manifestOfYaml(request.yaml);
    const problems: FieldProblem[] = [];
    const differs = manifestDifferences(manifest, request.manifest);
    if (differs.length)
      problems.push({
        path: 'manifest',
        message: `Not the manifest derived from the YAML (differs in ${differs.join(', ')}); build the package from the YAML (ionflux publish does)`,
      });
    const fromYaml = {
      name: ir.metadata.name,
      version: ir.metadata.version,
      displayName: ir.metadata.displayName,
      description: ir.metadata.description ?? '',
    };
    for (const [key, value] of Object.entries(fromYaml))
      if (request.metadata[key as keyof typeof fromYaml] !== value)
        problems.push({
          path: `metadata.${key}`,
          message: `Must be the YAML's metadata.${key} (${JSON.stringify(value)})`,
        });
    if (!parseSemver(ir.metadata.version))
      problems.push({
        path: 'metadata.version',
        message: `"${ir.metadata.version}" is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.2.0)`,
      });
    if (problems.length)
      throw new AppError({
        status: 422,
        code: 'package_mismatch',
        message: `The package does not match its YAML: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        fields: problems,
      });
    return { yaml: request.yaml, manifest: request.manifest, metadata: request.metadata };
  }

  /** Catalog fields from the newest version that is not yanked. */
  async #refreshCatalog(trx: Parameters<typeof listVersions>[0], agentId: string): Promise<void> {
    const visible = (await listVersions(trx, agentId))
      .filter((v) => v.yanked_at === null)
      .sort((a, b) => compareVersionText(a.version, b.version));
    const latest = visible.pop();
    if (!latest) {
      await trx
        .updateTable('marketplace_agents')
        .set({ latest_version: null, updated_at: new Date() })
        .where('id', '=', agentId)
        .execute();
      return;
    }
    const metadata = latest.metadata as PackageMetadata;
    const manifest = latest.manifest as AgentManifest;
    await updateCatalogRow(trx, {
      agentId,
      latestVersion: latest.version,
      displayName: metadata.displayName,
      description: metadata.description,
      readme: metadata.readme,
      category: metadata.category,
      tags: metadata.tags,
      icon: metadata.icon,
      connectionTypes: [...new Set(manifest.connections.map((c) => c.type))].sort(),
      priceMinor: metadata.pricing.model === 'monthly' ? metadata.pricing.priceMinor : 0,
      currency: metadata.pricing.model === 'monthly' ? metadata.pricing.currency : null,
    });
  }

  async list(
    query: CatalogQuery,
  ): Promise<{ agents: MarketplaceAgentSummary[]; total: number; limit: number; offset: number }> {
    const { rows, total } = await searchCatalog(this.#ctx.db, query);
    return { agents: rows.map(toSummary), total, limit: query.limit, offset: query.offset };
  }

  async get(name: string): Promise<MarketplaceAgentDetail> {
    const row = await findMarketplaceAgent(this.#ctx.db, name);
    if (!row) throw notFound('marketplace agent');
    const versions = (await listVersions(this.#ctx.db, row.id)).sort((a, b) =>
      compareVersionText(b.version, a.version),
    );
    const latest = versions.find((v) => v.version === row.latest_version);
    const manifest = (latest?.manifest as AgentManifest | undefined) ?? null;
    return {
      ...toSummary(row),
      readme: row.readme,
      versions: versions.map(toVersion),
      manifest,
      permissions: manifest ? permissionsInWords(manifest) : [],
      yaml: latest?.yaml ?? null,
    };
  }

  /**
   * Re-verifies a stored version: its digest is recomputed from the stored YAML, manifest and metadata and its
   * signature checked with the publisher's stored key. A version changed after publishing is refused (409).
   */
  async verifyStored(agent: MarketplaceAgentWithPublisher, version: MarketplaceVersionRow): Promise<void> {
    const key = await findPublisherKey(this.#ctx.db, { publisherId: agent.publisher_id, keyId: version.key_id });
    const pkg = {
      yaml: version.yaml,
      manifest: version.manifest as AgentManifest,
      metadata: version.metadata as PackageMetadata,
    };
    const digest = packageDigest(pkg);
    const derived = manifestOfYaml(version.yaml).manifest;
    const ok =
      key !== undefined &&
      digest === version.digest &&
      verifyDigest({ digest, signature: version.signature, publicKeyPem: key.public_key }) &&
      canonicalJson(derived) === canonicalJson(pkg.manifest);
    if (!ok)
      throw conflict(
        'package_tampered',
        `${agent.name}@${version.version} does not match its signature (its stored YAML, manifest or metadata changed after ${agent.publisher_name} signed it); it will not be installed`,
      );
  }

  /** The version to install or upgrade to: the one asked for (not yanked), else the newest visible one. */
  async #versionToInstall(
    agent: MarketplaceAgentWithPublisher,
    version: string | undefined,
  ): Promise<MarketplaceVersionRow> {
    const wanted = version ?? agent.latest_version;
    if (!wanted)
      throw conflict('no_installable_version', `Every version of ${agent.name} is yanked; nothing can be installed`);
    const row = await findVersion(this.#ctx.db, { agentId: agent.id, version: wanted });
    if (!row) throw notFound('marketplace agent version', 'version_not_found');
    if (row.yanked_at)
      throw conflict(
        'version_yanked',
        `${agent.name}@${wanted} was yanked by its publisher${row.yank_reason ? ` (${row.yank_reason})` : ''}; install ${agent.latest_version ? `${agent.latest_version} or ` : ''}another version`,
      );
    return row;
  }

  /**
   * Installs a version as an agent configuration of the workspace: the signature is verified again, a paid agent
   * needs an active rental, and each connection the agent declares is bound to the workspace's own Brand or Creator
   * (whatever they are called) with `bindings`. Credentials are never copied: the configuration only names them.
   */
  async install(
    access: WorkspaceAccess,
    args: {
      agent: string;
      version?: string;
      name?: string;
      inputs?: Record<string, unknown>;
      bindings?: Record<string, ConnectionBinding>;
    },
  ): Promise<{ agent: AgentConfiguration; version: MarketplaceVersion }> {
    if (!hasRole(access.role, 'member'))
      throw forbidden('insufficient_role', `Installing agents needs the member role (you are ${access.role})`);
    const agent = await findMarketplaceAgent(this.#ctx.db, args.agent);
    if (!agent || (!agent.latest_version && !args.version)) throw notFound('marketplace agent');
    const version = await this.#versionToInstall(agent, args.version);
    await this.verifyStored(agent, version);
    const metadata = version.metadata as PackageMetadata;
    if (metadata.pricing.model === 'monthly') await this.#rentals!.requireActive(access.workspaceId, agent);
    const configuration = await this.#agents.create(access, {
      yaml: version.yaml,
      ...(args.name ? { name: args.name } : {}),
      description: metadata.description,
      definitionId: version.id,
      inputs: args.inputs ?? {},
      bindings: args.bindings ?? {},
    });
    await incrementInstalls(this.#ctx.db, agent.id);
    return { agent: configuration, version: toVersion(version) };
  }

  /** Hides a version from new installs (existing installs keep working). Only the agent's publisher may. */
  async yank(
    access: WorkspaceAccess,
    args: { agent: string; version: string; reason?: string },
  ): Promise<MarketplaceVersion> {
    const agent = await this.#ownAgent(access, args.agent);
    const version = await findVersion(this.#ctx.db, { agentId: agent.id, version: args.version });
    if (!version) throw notFound('marketplace agent version', 'version_not_found');
    return this.#ctx.db.transaction().execute(async (trx) => {
      const yanked = await yankVersion(trx, { versionId: version.id, reason: args.reason ?? null });
      if (!yanked) throw conflict('already_yanked', `${agent.name}@${args.version} is yanked already`);
      await this.#refreshCatalog(trx, agent.id);
      return toVersion(yanked);
    });
  }

  /** An agent of the workspace's own publisher (404 for everyone else's, as for any foreign resource). */
  async #ownAgent(access: WorkspaceAccess, name: string): Promise<MarketplaceAgentWithPublisher> {
    if (!hasRole(access.role, 'admin'))
      throw forbidden('insufficient_role', `Changing published agents needs the admin role (you are ${access.role})`);
    const agent = await findMarketplaceAgent(this.#ctx.db, name);
    const publisher = await findPublisherOfWorkspace(this.#ctx.db, access.workspaceId);
    if (!agent || !publisher || agent.publisher_id !== publisher.id) throw notFound('marketplace agent');
    return agent;
  }

  /** Installed configurations that came from the marketplace, with their version and the newest one available. */
  async updates(access: WorkspaceAccess): Promise<
    {
      agentId: string;
      name: string;
      marketplaceAgent: string;
      installedVersion: string;
      latestVersion: string | null;
      updateAvailable: boolean;
    }[]
  > {
    const configurations = (await this.#agents.list(access)).filter((c) => c.definitionId);
    const result = [];
    for (const configuration of configurations) {
      const version = await findVersionById(this.#ctx.db, configuration.definitionId!);
      if (!version) continue;
      const agent = (await findMarketplaceAgentById(this.#ctx.db, version.agent_id))!;
      result.push({
        agentId: configuration.id,
        name: configuration.name,
        marketplaceAgent: agent.name,
        installedVersion: version.version,
        latestVersion: agent.latest_version,
        updateAvailable: agent.latest_version !== null && compareVersionText(agent.latest_version, version.version) > 0,
      });
    }
    return result;
  }

  /**
   * Upgrades an installed agent to another version of its marketplace agent. Without `confirm` nothing changes and
   * the answer is the diff: steps added, removed or changed, and what the new version may do that the installed one
   * could not (connections, scopes, write steps, hosts), plus which bindings and input values carry over and which
   * need attention. With `confirm` (and the current revision as `baseRevision`), it saves the new version as a new
   * revision with the bindings and inputs that still fit, merged with those given.
   */
  async upgrade(
    access: WorkspaceAccess,
    agentId: string,
    args: {
      version?: string;
      confirm?: boolean;
      baseRevision?: number;
      inputs?: Record<string, unknown>;
      bindings?: Record<string, ConnectionBinding>;
    },
  ): Promise<{ diff: UpgradeDiff; applied: boolean; agent?: AgentConfiguration }> {
    if (!hasRole(access.role, 'member'))
      throw forbidden('insufficient_role', `Upgrading agents needs the member role (you are ${access.role})`);
    const configuration = await findAgentConfiguration(this.#ctx.db, { workspaceId: access.workspaceId, agentId });
    if (!configuration) throw notFound('agent');
    const installed = configuration.definition_id
      ? await findVersionById(this.#ctx.db, configuration.definition_id)
      : undefined;
    if (!installed)
      throw conflict(
        'not_from_marketplace',
        `Agent "${configuration.name}" was not installed from the marketplace, so it has no versions to upgrade to`,
      );
    const agent = (await findMarketplaceAgentById(this.#ctx.db, installed.agent_id))!;
    const target = await this.#versionToInstall(agent, args.version);
    await this.verifyStored(agent, target);
    const diff = upgradeDiff({
      agentId,
      name: agent.name,
      from: { version: installed.version, manifest: installed.manifest as AgentManifest },
      current: {
        yaml: configuration.yaml,
        inputs: configuration.inputs,
        bindings: configuration.bindings as Record<string, ConnectionBinding>,
      },
      to: { version: target.version, yaml: target.yaml, manifest: target.manifest as AgentManifest },
    });
    if (!args.confirm) return { diff, applied: false };
    if (args.baseRevision === undefined)
      throw new AppError({
        status: 400,
        code: 'invalid_request',
        message: 'Send baseRevision (the revision you reviewed the diff against) with confirm: true',
        fields: [{ path: 'baseRevision', message: 'Required with confirm' }],
      });
    const keptBindings = Object.fromEntries(
      Object.entries(configuration.bindings as Record<string, ConnectionBinding>).filter(([name]) =>
        diff.bindingsKept.includes(name),
      ),
    );
    const keptInputs = Object.fromEntries(
      Object.entries(configuration.inputs).filter(([name]) => diff.inputsKept.includes(name)),
    );
    const saved = await this.#agents.update(access, agentId, {
      baseRevision: args.baseRevision,
      yaml: target.yaml,
      definitionId: target.id,
      inputs: { ...keptInputs, ...(args.inputs ?? {}) },
      bindings: { ...keptBindings, ...(args.bindings ?? {}) },
    });
    return { diff, applied: true, agent: saved };
  }
}

/** The upgrade diff of an installed configuration to another version (see Marketplace.upgrade). */
export function upgradeDiff(args: {
  agentId: string;
  name: string;
  from: { version: string; manifest: AgentManifest };
  current: { yaml: string; inputs: Record<string, unknown>; bindings: Record<string, ConnectionBinding> };
  to: { version: string; yaml: string; manifest: AgentManifest };
}): UpgradeDiff {
  const { from, current, to } = args;
  const summary = summarizeAgentChange(
    { yaml: current.yaml, inputs: {}, bindings: {} },
    { yaml: to.yaml, inputs: {}, bindings: {} },
  );
  const highlights: string[] = [];
  const beforeConnections = new Map(from.manifest.connections.map((c) => [c.name, c]));
  for (const connection of to.manifest.connections) {
    const before = beforeConnections.get(connection.name);
    if (!before) highlights.push(`New connection '${connection.name}' (${connection.type}) to bind`);
    for (const scope of connection.scopes)
      if (!before || !before.scopes.includes(scope) || before.type !== connection.type)
        highlights.push(`New permission: ${scopeInWords(connection.type as never, scope, connection.name)}`);
  }
  const beforeWrites = new Set(from.manifest.writeSteps);
  const writeStepsAdded = to.manifest.writeSteps.filter((id) => !beforeWrites.has(id));
  for (const id of writeStepsAdded) {
    const step = to.manifest.steps.find((s) => s.id === id)!;
    highlights.push(`New write step: ${stepInWords(step) ?? `'${id}' (${step.uses})`}`);
  }
  const hostsAdded = to.manifest.httpHosts.filter((host) => !from.manifest.httpHosts.includes(host));
  for (const host of hostsAdded)
    highlights.push(`New host: ${host === '*' ? 'any web address (decided at run time)' : host}`);
  if (to.manifest.output.chat && !from.manifest.output.chat) highlights.push('Now posts its output to a chat channel');
  if (to.manifest.output.canvas && !from.manifest.output.canvas)
    highlights.push('Now writes its output to a canvas block');

  const needsAttention: { path: string; message: string }[] = [];
  const bindingsKept: string[] = [];
  const newConnections = new Map(to.manifest.connections.map((c) => [c.name, c]));
  for (const [name, binding] of Object.entries(current.bindings)) {
    const connection = newConnections.get(name);
    const before = beforeConnections.get(name);
    if (!connection) {
      needsAttention.push({
        path: `bindings.${name}`,
        message: `The new version has no connection '${name}'; the binding is dropped`,
      });
    } else if (before && before.type !== connection.type) {
      needsAttention.push({
        path: `bindings.${name}`,
        message: `Connection '${name}' is now a ${connection.type} connection (was ${before.type}); bind it again`,
      });
    } else bindingsKept.push(name);
    void binding;
  }
  for (const connection of to.manifest.connections)
    if (!(connection.name in current.bindings) && (connection.type === 'shopify' || connection.type === 'tiktok'))
      needsAttention.push({
        path: `bindings.${connection.name}`,
        message: `New ${connection.type} connection '${connection.name}': bind it with { "${connection.type === 'shopify' ? 'brandId' : 'creatorId'}": "<id>" }`,
      });
  const inputsKept: string[] = [];
  const newInputs = new Map(to.manifest.inputs.map((i) => [i.name, i]));
  const beforeInputs = new Map(from.manifest.inputs.map((i) => [i.name, i]));
  for (const name of Object.keys(current.inputs)) {
    const input = newInputs.get(name);
    if (!input)
      needsAttention.push({
        path: `inputs.${name}`,
        message: `The new version has no input '${name}'; its value is dropped`,
      });
    else if (beforeInputs.get(name) && beforeInputs.get(name)!.type !== input.type)
      needsAttention.push({
        path: `inputs.${name}`,
        message: `Input '${name}' is now of type ${input.type} (was ${beforeInputs.get(name)!.type}); set it again`,
      });
    else inputsKept.push(name);
  }
  for (const input of to.manifest.inputs)
    if (input.required && !(input.name in current.inputs))
      needsAttention.push({
        path: `inputs.${input.name}`,
        message: `New required input '${input.name}' (${input.type}): give it a value`,
      });
  return {
    agentId: args.agentId,
    name: args.name,
    fromVersion: from.version,
    toVersion: to.version,
    unifiedDiff: unifiedDiff({
      before: current.yaml,
      after: to.yaml,
      fromLabel: `${args.name}@${from.version} (installed)`,
      toLabel: `${args.name}@${to.version}`,
    }),
    summary,
    writeStepsAdded,
    hostsAdded,
    highlights,
    bindingsKept,
    inputsKept,
    needsAttention,
  };
}
