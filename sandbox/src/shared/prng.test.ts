import { describe, expect, it } from '@jest/globals';
import { Random, cumulativeWeights, streamFor } from './prng';

describe('Random', () => {
  it('repeats the same sequence for the same key and differs across keys', () => {
    const seq = (r: Random) => Array.from({ length: 5 }, () => r.next());
    expect(seq(streamFor(42, 'orders', '2026-01-05'))).toEqual(seq(streamFor(42, 'orders', '2026-01-05')));
    expect(seq(streamFor(42, 'orders', '2026-01-05'))).not.toEqual(seq(streamFor(42, 'orders', '2026-01-06')));
    expect(seq(streamFor(43, 'orders', '2026-01-05'))).not.toEqual(seq(streamFor(42, 'orders', '2026-01-05')));
  });

  it('draws uniform floats, bounded ints and Poisson counts with the expected means', () => {
    const r = new Random('stats');
    const n = 20_000;
    let sum = 0;
    let ints = 0;
    let poisson = 0;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
      const k = r.int(1, 6);
      expect(k).toBeGreaterThanOrEqual(1);
      expect(k).toBeLessThanOrEqual(6);
      ints += k;
      poisson += r.poisson(4);
    }
    expect(sum / n).toBeCloseTo(0.5, 1);
    expect(ints / n).toBeCloseTo(3.5, 1);
    expect(poisson / n).toBeCloseTo(4, 1);
  });

  it('picks by cumulative weights', () => {
    const r = new Random('weights');
    const cumulative = cumulativeWeights([1, 0, 3]);
    const counts = [0, 0, 0];
    for (let i = 0; i < 8000; i++) counts[r.indexByCumulative(cumulative)]!++;
    expect(counts[1]).toBe(0);
    expect(counts[2]! / counts[0]!).toBeGreaterThan(2.5);
    expect(counts[2]! / counts[0]!).toBeLessThan(3.5);
  });
});
