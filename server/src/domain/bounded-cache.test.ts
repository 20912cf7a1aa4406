import { describe, expect, it } from '@jest/globals';
import { BoundedCache } from './bounded-cache';

describe('BoundedCache', () => {
  it('evicts the least recently used entries beyond the entry limit', () => {
    const cache = new BoundedCache<string>({ maxEntries: 2, maxWeight: 1000, weigh: (s) => s.length });
    cache.set('a', 'A');
    cache.set('b', 'B');
    expect(cache.get('a')).toBe('A'); // a is now the most recent
    cache.set('c', 'C');
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe('A');
    expect(cache.get('c')).toBe('C');
  });

  it('keeps the total weight bounded and skips values heavier than the whole budget', () => {
    const cache = new BoundedCache<string>({ maxEntries: 10, maxWeight: 10, weigh: (s) => s.length });
    cache.set('a', 'xxxx');
    cache.set('b', 'yyyy');
    cache.set('c', 'zzzz');
    expect(cache.weight).toBeLessThanOrEqual(10);
    expect(cache.get('a')).toBeUndefined();
    cache.set('huge', 'x'.repeat(11));
    expect(cache.get('huge')).toBeUndefined();
    cache.set('b', 'y');
    expect(cache.weight).toBe(5);
  });
});
