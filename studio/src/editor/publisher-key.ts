import { canonicalJson } from '@ionflux/compiler';

/**
 * The publisher's Ed25519 key in the browser (WebCrypto), in the PEM forms the CLI and the server use: the private
 * key as PKCS#8 (the file `ionflux publish` keeps), the public key as SPKI. The private key never leaves the page.
 */
const ED25519 = { name: 'Ed25519' } as const;
/** The package format the server signs over (server/src/domain/marketplace/package.ts, PACKAGE_FORMAT). */
export const PACKAGE_FORMAT = 'ionflux-agent-package/1';

function pemBody(pem: string, label: string): Uint8Array<ArrayBuffer> {
  const match = new RegExp(`-----BEGIN ${label}-----([\\s\\S]*?)-----END ${label}-----`).exec(pem);
  if (!match) throw new PublisherKeyError(`Not a PEM ${label.toLowerCase()} (-----BEGIN ${label}----- ...)`);
  const binary = atob(match[1]!.replace(/\s+/g, ''));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

function toPem(der: ArrayBuffer, label: string): string {
  const base64 = btoa(String.fromCharCode(...new Uint8Array(der)));
  return `-----BEGIN ${label}-----\n${base64.replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

export class PublisherKeyError extends Error {}

export interface PublisherKey {
  privateKey: CryptoKey;
  /** SPKI PEM: what the server stores and names (keyIdOf). */
  publicKeyPem: string;
}

/** Reads a PKCS#8 PEM Ed25519 private key (the CLI's publisher key file) and derives its public half. */
export async function importPublisherKey(privateKeyPem: string): Promise<PublisherKey> {
  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey('pkcs8', pemBody(privateKeyPem, 'PRIVATE KEY'), ED25519, true, ['sign']);
  } catch (error) {
    if (error instanceof PublisherKeyError) throw error;
    throw new PublisherKeyError('Not an Ed25519 private key (PKCS#8 PEM, as `ionflux publish` keeps it)');
  }
  // WebCrypto exports no public key from a private one, but its JWK holds the public point (x).
  const { x } = await crypto.subtle.exportKey('jwk', privateKey);
  const publicKey = await crypto.subtle.importKey('jwk', { kty: 'OKP', crv: 'Ed25519', x }, ED25519, true, ['verify']);
  return { privateKey, publicKeyPem: toPem(await crypto.subtle.exportKey('spki', publicKey), 'PUBLIC KEY') };
}

/** A new publisher key: its PKCS#8 PEM (for the publisher to keep) and the imported key. */
export async function generatePublisherKey(): Promise<PublisherKey & { privateKeyPem: string }> {
  const pair = (await crypto.subtle.generateKey(ED25519, true, ['sign', 'verify'])) as CryptoKeyPair;
  return {
    privateKey: pair.privateKey,
    privateKeyPem: toPem(await crypto.subtle.exportKey('pkcs8', pair.privateKey), 'PRIVATE KEY'),
    publicKeyPem: toPem(await crypto.subtle.exportKey('spki', pair.publicKey), 'PUBLIC KEY'),
  };
}

/** SHA-256 (hex) of a package's canonical JSON: the digest the server computes (packageDigest). */
export async function packageDigest(pkg: { yaml: string; manifest: unknown; metadata: unknown }): Promise<string> {
  const text = canonicalJson({
    format: PACKAGE_FORMAT,
    yaml: pkg.yaml,
    manifest: pkg.manifest,
    metadata: pkg.metadata,
  });
  const hash = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The Ed25519 signature (base64) of a package digest, over the message the server verifies. */
export async function signPackageDigest(key: CryptoKey, digest: string): Promise<string> {
  const message = new TextEncoder().encode(`${PACKAGE_FORMAT}:${digest}`);
  const signature = await crypto.subtle.sign(ED25519, key, message);
  return btoa(String.fromCharCode(...new Uint8Array(signature)));
}

/** The key id the server names a public key by (keyIdOf): `ed25519:` and the SHA-256 of its SPKI, 16 hex digits. */
export async function keyIdOf(publicKeyPem: string): Promise<string> {
  const hash = await crypto.subtle.digest('SHA-256', pemBody(publicKeyPem, 'PUBLIC KEY'));
  const hex = [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `ed25519:${hex.slice(0, 16)}`;
}

/** A publisher key kept on this device: the private key is not extractable (the page can sign, not read it). */
export interface RememberedKey extends PublisherKey {
  keyId: string;
}

const STORE = 'publisher-keys';

function keyDatabase(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open('ionflux-studio', 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE);
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB is not available'));
  });
}

async function withStore<T>(mode: IDBTransactionMode, use: (store: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await keyDatabase();
  try {
    return await new Promise<T>((resolve, reject) => {
      const transaction = db.transaction(STORE, mode);
      const request = use(transaction.objectStore(STORE));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction failed'));
      transaction.onabort = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

/** Where a key is kept: per account and workspace (another account signed in on this browser does not get it). */
const slot = (userId: string, workspaceId: string) => `${userId}:${workspaceId}`;

/**
 * Keeps a publisher key on this device (IndexedDB) for the account's publishing in a workspace. What is stored is a
 * non-extractable WebCrypto key made from the PEM: the PEM itself is not stored, and the page can only sign with it.
 */
export async function rememberPublisherKey(
  userId: string,
  workspaceId: string,
  privateKeyPem: string,
): Promise<RememberedKey> {
  const { publicKeyPem } = await importPublisherKey(privateKeyPem);
  const privateKey = await crypto.subtle.importKey('pkcs8', pemBody(privateKeyPem, 'PRIVATE KEY'), ED25519, false, [
    'sign',
  ]);
  const remembered: RememberedKey = { privateKey, publicKeyPem, keyId: await keyIdOf(publicKeyPem) };
  await withStore('readwrite', (store) => store.put(remembered, slot(userId, workspaceId)));
  return remembered;
}

/** The key this device keeps for the account in the workspace, if any. */
export async function recallPublisherKey(userId: string, workspaceId: string): Promise<RememberedKey | null> {
  const found = await withStore<RememberedKey | undefined>('readonly', (store) => store.get(slot(userId, workspaceId)));
  return found ?? null;
}

export async function forgetPublisherKey(userId: string, workspaceId: string): Promise<void> {
  await withStore('readwrite', (store) => store.delete(slot(userId, workspaceId)));
}
