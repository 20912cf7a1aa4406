import fs from 'node:fs';
import path from 'node:path';
import {
  findMarketplaceAgent,
  findPublisherByName,
  insertPublisher,
  insertPublisherKey,
  listVersions,
} from '../../data-access/marketplace-repository';
import type { AppContext } from '../context';
import { permissionsInWords } from './manifest';
import { PLATFORM_PUBLISHER, type Marketplace } from './marketplace';
import type { AgentManifest, PackageMetadata } from './model';
import { buildAgentPackage, generatePublisherKey, keyIdOf, signAgentPackage } from './package';

/** Where the example agents live in a checkout of the repository (from src/ and dist/ alike). */
export const EXAMPLE_AGENTS_DIR = path.join(__dirname, '..', '..', '..', '..', 'examples', 'agents');

/** The catalog category of each example agent. */
const EXAMPLE_CATEGORIES: Record<string, PackageMetadata['category']> = {
  'creator-persona-guardian': 'creators',
  'email-wizard': 'marketing',
  'inventory-guardian': 'operations',
  'outreach-automaton': 'creators',
  'revenue-tracker-lite': 'analytics',
  'shopify-sales-sentinel': 'commerce',
  'slack-brief-butler': 'productivity',
  'tiktok-stylist': 'marketing',
  'ugc-matchmaker': 'creators',
  'whatsapp-pulse': 'support',
};

/**
 * The readme of an example agent: the prose of its header comment (written by its author), then what it may do in
 * plain words, its inputs and how to install it.
 */
export function exampleReadme(
  yaml: string,
  manifest: AgentManifest,
  metadata: { name: string; displayName: string },
): string {
  const header: string[] = [];
  for (const line of yaml.split('\n')) {
    if (!line.startsWith('#')) break;
    const text = line.replace(/^# ?/, '');
    if (text.startsWith('yaml-language-server') || text.trim() === metadata.displayName) continue;
    header.push(text);
  }
  const prose = header.join(' ').replace(/\s+/g, ' ').trim();
  const inputs = manifest.inputs.map(
    (input) =>
      `| \`${input.name}\` | ${input.type} | ${input.default !== undefined ? `\`${JSON.stringify(input.default)}\`` : input.required ? 'required' : ''} | ${input.description ?? ''} |`,
  );
  const binds = manifest.connections
    .filter((c) => c.type === 'shopify' || c.type === 'tiktok')
    .map((c) => `--bind ${c.name}=<${c.type === 'shopify' ? 'brandId' : 'creatorId'}>`);
  return [
    `# ${metadata.displayName}`,
    '',
    prose,
    '',
    '## What it may do',
    '',
    ...permissionsInWords(manifest).map((p) => `- ${p}`),
    '',
    '## Inputs',
    '',
    ...(inputs.length
      ? ['| Input | Type | Default | Description |', '| --- | --- | --- | --- |', ...inputs]
      : ['It takes no inputs.']),
    '',
    '## Install',
    '',
    '```sh',
    `ionflux install ${metadata.name} --workspace <id> --server URL --token T${binds.length ? ` ${binds.join(' ')}` : ''}`,
    '```',
    '',
  ].join('\n');
}

/**
 * Publishes the example agents as the "IONFLUX" publisher when the catalog lacks their current version (on first
 * start, and after an example's version is raised). The key signing them is made for this seed and only its public
 * half is kept: the server never holds a private key.
 */
export async function seedMarketplaceCatalog(ctx: AppContext, marketplace: Marketplace): Promise<number> {
  if (!fs.existsSync(EXAMPLE_AGENTS_DIR)) return 0;
  const files = fs
    .readdirSync(EXAMPLE_AGENTS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const missing: ReturnType<typeof buildAgentPackage>[] = [];
  for (const file of files) {
    const yaml = fs.readFileSync(path.join(EXAMPLE_AGENTS_DIR, file), 'utf8');
    const draft = buildAgentPackage({
      yaml,
      category: EXAMPLE_CATEGORIES[file.replace(/\.yaml$/, '')] ?? 'productivity',
    });
    const existing = await findMarketplaceAgent(ctx.db, draft.metadata.name);
    if (existing && (await listVersions(ctx.db, existing.id)).some((v) => v.version === draft.metadata.version))
      continue;
    draft.metadata.readme = exampleReadme(yaml, draft.manifest, draft.metadata);
    missing.push(draft);
  }
  if (missing.length === 0) return 0;
  const key = generatePublisherKey();
  const publisher =
    (await findPublisherByName(ctx.db, PLATFORM_PUBLISHER)) ??
    (await insertPublisher(ctx.db, { workspaceId: null, name: PLATFORM_PUBLISHER }));
  await insertPublisherKey(ctx.db, {
    publisherId: publisher.id,
    keyId: keyIdOf(key.publicKeyPem),
    publicKey: key.publicKeyPem,
  });
  for (const pkg of missing) await marketplace.publishAsPlatform(signAgentPackage(pkg, key.privateKeyPem));
  return missing.length;
}
