import { describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { canonicalJson, sha256Hex, sha256HexPortable, stableUuid } from './hash';

describe('sha256Hex', () => {
  it.each(['', 'abc', 'a'.repeat(55), 'a'.repeat(56), 'a'.repeat(64), 'ünïcødé ✓ 🚀', 'x'.repeat(10_000)])(
    'matches node:crypto for %#',
    (text) => {
      expect(sha256Hex(text)).toBe(createHash('sha256').update(text, 'utf8').digest('hex'));
    },
  );
});

describe('canonicalJson and stableUuid', () => {
  it('ignores key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe(canonicalJson({ a: [{ c: 3, d: 2 }], b: 1 }));
  });
  it('gives a stable RFC 4122 shaped id', () => {
    expect(stableUuid('agent/Fetch')).toBe(stableUuid('agent/Fetch'));
    expect(stableUuid('agent/Fetch')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(stableUuid('agent/Fetch')).not.toBe(stableUuid('agent/Fetch2'));
  });
});
