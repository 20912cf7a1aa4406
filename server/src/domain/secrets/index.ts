import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../../errors';

/**
 * Secrets at rest (OAuth tokens of brands and creators): AES-256-GCM with a key chosen from a keyring. The key id is
 * stored next to every ciphertext so keys can rotate: new writes use the current key, old ciphertexts still decrypt
 * with their key until {@link rotateSecret} re-encrypts them.
 *
 * @example
 *   const keyring = parseKeyring('k2:' + k2 + ',k1:' + k1); // k2 is current
 *   const sealed = encryptSecret({ plaintext: 'shpat_...', keyring, associatedData: `brand:${brandId}` });
 *   decryptSecret({ sealed, keyring, associatedData: `brand:${brandId}` }) === 'shpat_...';
 */
export interface SecretKeyring {
  readonly currentKeyId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

/** A sealed secret: `ciphertext` is `ifx1:<keyId>:<iv>:<tag>:<data>` (base64url parts); `keyId` is repeated for queries. */
export interface SealedSecret {
  keyId: string;
  ciphertext: string;
}

const FORMAT = 'ifx1';
const IV_BYTES = 12;
const KEY_BYTES = 32;

/** Builds a keyring from `id:base64,id:base64` (first = current). Throws with a fixable message on bad input. */
export function parseKeyring(value: string): SecretKeyring {
  const keys = new Map<string, Buffer>();
  let currentKeyId: string | undefined;
  for (const entry of value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const colon = entry.indexOf(':');
    const id = entry.slice(0, colon);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (colon <= 0 || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== KEY_BYTES || keys.has(id)) {
      throw new Error(
        `Encryption keys must be unique keyId:base64 entries of ${KEY_BYTES}-byte keys (problem near ${JSON.stringify(id || entry.slice(0, 8))})`,
      );
    }
    keys.set(id, key);
    currentKeyId ??= id;
  }
  if (currentKeyId === undefined) throw new Error('Encryption keyring is empty: give at least one keyId:base64key');
  return { currentKeyId, keys };
}

/** Serializes a keyring back to the `id:base64,...` form (current first). */
export function formatKeyring(keyring: SecretKeyring): string {
  const ids = [keyring.currentKeyId, ...[...keyring.keys.keys()].filter((id) => id !== keyring.currentKeyId)];
  return ids.map((id) => `${id}:${keyring.keys.get(id)!.toString('base64')}`).join(',');
}

/** A fresh random 256-bit key, as used in `IONFLUX_ENCRYPTION_KEYS`. */
export function generateKeyringEntry(keyId: string): string {
  return `${keyId}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

/**
 * Encrypts with the keyring's current key. `associatedData` binds the ciphertext to its owner (e.g. `brand:<id>`), so
 * a ciphertext copied onto another row does not decrypt.
 */
export function encryptSecret(args: {
  plaintext: string;
  keyring: SecretKeyring;
  associatedData: string;
}): SealedSecret {
  const { plaintext, keyring, associatedData } = args;
  const keyId = keyring.currentKeyId;
  const key = keyring.keys.get(keyId)!;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const data = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return {
    keyId,
    ciphertext: [FORMAT, keyId, iv.toString('base64url'), tag.toString('base64url'), data.toString('base64url')].join(
      ':',
    ),
  };
}

/** Decrypts a sealed secret; fails (500-class, never silently) when the key is unknown or the data was tampered with. */
export function decryptSecret(args: {
  sealed: SealedSecret | string;
  keyring: SecretKeyring;
  associatedData: string;
}): string {
  const { keyring, associatedData } = args;
  const ciphertext = typeof args.sealed === 'string' ? args.sealed : args.sealed.ciphertext;
  const parts = ciphertext.split(':');
  if (parts.length !== 5 || parts[0] !== FORMAT) throw new SecretDecryptionError('unrecognized ciphertext format');
  const [, keyId, ivText, tagText, dataText] = parts as [string, string, string, string, string];
  const key = keyring.keys.get(keyId);
  if (!key)
    throw new SecretDecryptionError(
      `key ${JSON.stringify(keyId)} is not in the keyring (was it removed before rotation?)`,
    );
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(ivText, 'base64url'));
    decipher.setAAD(Buffer.from(associatedData, 'utf8'));
    decipher.setAuthTag(Buffer.from(tagText, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(dataText, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretDecryptionError('authentication failed (wrong key, wrong owner or tampered data)');
  }
}

/** True when the secret was sealed with a key other than the current one. */
export function needsRotation(sealed: SealedSecret, keyring: SecretKeyring): boolean {
  return sealed.keyId !== keyring.currentKeyId;
}

/** Re-encrypts with the current key (a no-op copy when already current). */
export function rotateSecret(args: {
  sealed: SealedSecret;
  keyring: SecretKeyring;
  associatedData: string;
}): SealedSecret {
  if (!needsRotation(args.sealed, args.keyring)) return args.sealed;
  const plaintext = decryptSecret(args);
  return encryptSecret({ plaintext, keyring: args.keyring, associatedData: args.associatedData });
}

export class SecretDecryptionError extends AppError {
  constructor(reason: string) {
    super({ status: 500, code: 'secret_decryption_failed', message: `Could not decrypt a stored secret: ${reason}` });
    this.name = 'SecretDecryptionError';
  }
}
