import { describe, expect, it } from '@jest/globals';
import {
  decryptSecret,
  encryptSecret,
  formatKeyring,
  generateKeyringEntry,
  needsRotation,
  parseKeyring,
  rotateSecret,
  SecretDecryptionError,
} from './index';

const oldKeyring = parseKeyring(generateKeyringEntry('k1'));
const k2 = generateKeyringEntry('k2');
const rotatedKeyring = parseKeyring(`${k2},${formatKeyring(oldKeyring)}`);

describe('secrets at rest', () => {
  it('round-trips with the current key and records its id', () => {
    const sealed = encryptSecret({ plaintext: 'shpat_secret-token', keyring: oldKeyring, associatedData: 'brand:1' });
    expect(sealed.keyId).toBe('k1');
    expect(sealed.ciphertext.startsWith('ifx1:k1:')).toBe(true);
    expect(sealed.ciphertext).not.toContain('shpat');
    expect(decryptSecret({ sealed, keyring: oldKeyring, associatedData: 'brand:1' })).toBe('shpat_secret-token');
  });

  it('uses a fresh IV every time', () => {
    const a = encryptSecret({ plaintext: 'same', keyring: oldKeyring, associatedData: 'x' });
    const b = encryptSecret({ plaintext: 'same', keyring: oldKeyring, associatedData: 'x' });
    expect(a.ciphertext).not.toBe(b.ciphertext);
  });

  it('refuses a ciphertext moved to another owner, tampered with, or sealed with an unknown key', () => {
    const sealed = encryptSecret({ plaintext: 'token', keyring: oldKeyring, associatedData: 'brand:1' });
    expect(() => decryptSecret({ sealed, keyring: oldKeyring, associatedData: 'brand:2' })).toThrow(
      SecretDecryptionError,
    );
    const parts = sealed.ciphertext.split(':');
    const data = Buffer.from(parts[4]!, 'base64url');
    data[0] = data[0]! ^ 1;
    parts[4] = data.toString('base64url');
    expect(() => decryptSecret({ sealed: parts.join(':'), keyring: oldKeyring, associatedData: 'brand:1' })).toThrow(
      /tampered/,
    );
    expect(() => decryptSecret({ sealed, keyring: parseKeyring(k2), associatedData: 'brand:1' })).toThrow(
      /not in the keyring/,
    );
    expect(() => decryptSecret({ sealed: 'plain text', keyring: oldKeyring, associatedData: 'brand:1' })).toThrow(
      /format/,
    );
  });

  it('rotates: old ciphertexts still decrypt, and re-encryption moves them to the current key', () => {
    const old = encryptSecret({ plaintext: 'token', keyring: oldKeyring, associatedData: 'creator:9' });
    expect(needsRotation(old, rotatedKeyring)).toBe(true);
    expect(decryptSecret({ sealed: old, keyring: rotatedKeyring, associatedData: 'creator:9' })).toBe('token');
    const rotated = rotateSecret({ sealed: old, keyring: rotatedKeyring, associatedData: 'creator:9' });
    expect(rotated.keyId).toBe('k2');
    expect(needsRotation(rotated, rotatedKeyring)).toBe(false);
    expect(decryptSecret({ sealed: rotated, keyring: parseKeyring(k2), associatedData: 'creator:9' })).toBe('token');
  });

  it('rejects malformed keyrings with a fixable message', () => {
    expect(() => parseKeyring('')).toThrow(/empty/);
    expect(() => parseKeyring('k1:AAAA')).toThrow(/32-byte keys/);
    expect(() => parseKeyring(`${k2},${k2}`)).toThrow(/unique/);
  });
});
