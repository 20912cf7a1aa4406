import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { canonicalJson, sha256Hex, sha256HexPortable, stableUuid } from './hash';

const nodeSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
// Lengths around the 55/56/64-byte padding boundaries of SHA-256's blocks, multi-byte UTF-8 and lone surrogates.
const EDGE_CASES = [
  '',
  'abc',
  'a'.repeat(55),
  'a'.repeat(56),
  'a'.repeat(63),
  'a'.repeat(64),
  'a'.repeat(119),
  'a'.repeat(120),
  'ünïcødé ✓ 🚀',
  '\ud800',
  'x'.repeat(10_000),
];

describe('sha256Hex', () => {
  it.each(EDGE_CASES)('matches node:crypto for %#', (text) => {
    expect(sha256Hex(text)).toBe(nodeSha256(text));
  });
});

describe('sha256HexPortable (the implementation used where node:crypto is missing: browsers, the studio)', () => {
  it.each(EDGE_CASES)('matches node:crypto for %#', (text) => {
    expect(sha256HexPortable(text)).toBe(nodeSha256(text));
  });

  it('matches node:crypto on generated text of every length up to 300 characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => {
        expect(sha256HexPortable(text)).toBe(nodeSha256(text));
      }),
      { seed: 9, numRuns: 500 },
    );
  });
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
  it("gives the id made from node:crypto's SHA-256 of the name, also for names asked again (kept ids) and after many", () => {
    const fromNodeCrypto = (name: string) => {
      const hex = nodeSha256(name);
      const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
    };
    // More names than the ids kept (4,096), each asked twice in a row and again on a second round.
    const names = Array.from({ length: 5000 }, (_, i) => `agent-${i % 7}/Node ${i}`);
    for (let round = 0; round < 2; round++)
      for (const name of names) {
        expect(stableUuid(name)).toBe(fromNodeCrypto(name));
        expect(stableUuid(name)).toBe(fromNodeCrypto(name));
      }
  });
});
