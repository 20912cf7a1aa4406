import { createHash, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '@ionflux/compiler';
import { manifestOfYaml } from './manifest';
import type { AgentManifest, PackageMetadata, Pricing } from './model';

/**
 * Signed agent packages. A package is the agent YAML, its manifest (derived from the YAML) and its metadata; its
 * digest is the SHA-256 of a canonical JSON form of the three (keys sorted at every level), and the publisher signs
 * the digest with an Ed25519 key (`node:crypto`). The server keeps the public key, the CLI the private one; the
 * server verifies on publish and again on every install, so a package changed after signing is refused.
 */
export const PACKAGE_FORMAT = 'ionflux-agent-package/1';

export interface AgentPackage {
  yaml: string;
  manifest: AgentManifest;
  metadata: PackageMetadata;
}

/** The exact text the digest is computed over. */
export function canonicalPackage(pkg: AgentPackage): string {
  return canonicalJson({ format: PACKAGE_FORMAT, yaml: pkg.yaml, manifest: pkg.manifest, metadata: pkg.metadata });
}

/** SHA-256 (hex) of the canonical package. */
export function packageDigest(pkg: AgentPackage): string {
  return createHash('sha256').update(canonicalPackage(pkg), 'utf8').digest('hex');
}

/** What is signed: the format and the digest (so a signature can never be replayed as another kind of message). */
function signedMessage(digest: string): Buffer {
  return Buffer.from(`${PACKAGE_FORMAT}:${digest}`, 'utf8');
}

/** Ed25519 signature (base64) of a digest. */
export function signDigest(digest: string, privateKey: KeyObject | string): string {
  return sign(null, signedMessage(digest), privateKey).toString('base64');
}

/** Whether `signature` is the Ed25519 signature of `digest` by `publicKeyPem`; false for any malformed input. */
export function verifyDigest(args: { digest: string; signature: string; publicKeyPem: string }): boolean {
  try {
    const key = createPublicKey(args.publicKeyPem);
    if (key.asymmetricKeyType !== 'ed25519') return false;
    return verify(null, signedMessage(args.digest), key, Buffer.from(args.signature, 'base64'));
  } catch {
    return false;
  }
}

/**
 * A public key in the one form the server stores (SPKI PEM), or undefined when the text is no Ed25519 public key.
 */
export function normalizePublicKey(text: string): string | undefined {
  try {
    const key = createPublicKey(text);
    if (key.asymmetricKeyType !== 'ed25519') return undefined;
    return key.export({ type: 'spki', format: 'pem' }).toString();
  } catch {
    return undefined;
  }
}

/** A short, stable name of a public key: `ed25519:` and the first 16 hex digits of the SHA-256 of its DER form. */
export function keyIdOf(publicKeyPem: string): string {
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  return `ed25519:${createHash('sha256').update(der).digest('hex').slice(0, 16)}`;
}

/** A new publisher key pair, both halves PEM (PKCS#8 private, SPKI public). */
export function generatePublisherKey(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** The public half of a private key (PEM). */
export function publicKeyOf(privateKeyPem: string): string {
  return createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString();
}

/**
 * Builds a package from agent YAML: validates it, derives the manifest and takes name, version, display name,
 * description, tags and icon from the agent's metadata (overridable), so what is signed is what the server derives.
 */
export function buildAgentPackage(args: {
  yaml: string;
  readme?: string;
  category: PackageMetadata['category'];
  tags?: string[];
  icon?: string | null;
  pricing?: Pricing;
}): AgentPackage {
  const { ir, manifest } = manifestOfYaml(args.yaml);
  return {
    yaml: args.yaml,
    manifest,
    metadata: {
      name: ir.metadata.name,
      version: ir.metadata.version,
      displayName: ir.metadata.displayName,
      description: ir.metadata.description ?? '',
      readme: args.readme ?? '',
      category: args.category,
      tags: args.tags ?? ir.metadata.tags ?? [],
      icon: args.icon !== undefined ? args.icon : (ir.metadata.icon ?? null),
      pricing: args.pricing ?? { model: 'free' },
    },
  };
}

/** A package signed with a private key: what the CLI uploads. */
export function signAgentPackage(
  pkg: AgentPackage,
  privateKeyPem: string,
): AgentPackage & { digest: string; signature: string; publicKey: string } {
  const digest = packageDigest(pkg);
  return { ...pkg, digest, signature: signDigest(digest, privateKeyPem), publicKey: publicKeyOf(privateKeyPem) };
}
