/** A sliding-window request limiter per key (token or client), as TikTok's per-token quotas behave. */
export interface RateLimit {
  windowMs: number;
  max: number;
}

export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: RateLimit,
    private readonly clock: () => number,
  ) {}

  /** Records a request; returns the seconds to wait when the window is full (nothing is recorded then). */
  hit(key: string): { allowed: true; remaining: number } | { allowed: false; retryAfter: number } {
    const now = this.clock();
    const since = now - this.limit.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (list.length >= this.limit.max) {
      this.hits.set(key, list);
      return { allowed: false, retryAfter: Math.max(1, Math.ceil((list[0]! + this.limit.windowMs - now) / 1000)) };
    }
    list.push(now);
    this.hits.set(key, list);
    return { allowed: true, remaining: this.limit.max - list.length };
  }
}
