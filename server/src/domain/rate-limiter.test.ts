import { describe, expect, it } from '@jest/globals';
import { FixedWindowLimiter } from './rate-limiter';

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
