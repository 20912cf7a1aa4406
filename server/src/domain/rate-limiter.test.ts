import { describe, expect, it } from '@jest/globals';
import { FixedWindowLimiter, TokenBucket } from './rate-limiter';

describe('FixedWindowLimiter', () => {
  it('blocks a key after `limit` hits until its window ends, independently of other keys', () => {
    let now = 1_000;
    const limiter = new FixedWindowLimiter({ limit: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 3; i += 1) {
      expect(limiter.isBlocked('a')).toBe(false);
      limiter.hit('a');
    }
    expect(limiter.isBlocked('a')).toBe(true);
    expect(limiter.isBlocked('b')).toBe(false);
    now += 30_000;
    expect(limiter.retryAfterSeconds('a')).toBe(30);
    now += 30_000;
    expect(limiter.isBlocked('a')).toBe(false);
  });

  it('forgets a key on reset', () => {
    const limiter = new FixedWindowLimiter({ limit: 1, windowMs: 60_000 });
    limiter.hit('a');
    expect(limiter.isBlocked('a')).toBe(true);
    limiter.reset('a');
    expect(limiter.isBlocked('a')).toBe(false);
  });
});

describe('FixedWindowLimiter.tryHit', () => {
  it('allows exactly `limit` attempts per window, counting each before it returns, and gives one back on unhit', () => {
    let now = 0;
    const limiter = new FixedWindowLimiter({ limit: 3, windowMs: 10_000, now: () => now });
    expect([1, 2, 3, 4, 5].map(() => limiter.tryHit('a'))).toEqual([true, true, true, false, false]);
    limiter.unhit('a');
    expect(limiter.tryHit('a')).toBe(true);
    expect(limiter.tryHit('a')).toBe(false);
    now = 10_000;
    expect(limiter.tryHit('a')).toBe(true);
  });
});

describe('TokenBucket', () => {
  it('allows a burst, then refills at the sustained rate', () => {
    let now = 0;
    const bucket = new TokenBucket({ perSecond: 2, burst: 3, now: () => now });
    expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([true, true, true, false]);
    expect(bucket.retryAfterMs()).toBe(500);
    now = 499;
    expect(bucket.take()).toBe(false);
    now = 500;
    expect(bucket.take()).toBe(true);
    now = 100_000;
    expect([1, 2, 3, 4].map(() => bucket.take())).toEqual([true, true, true, false]);
  });
});
