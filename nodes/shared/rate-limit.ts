/**
 * A sliding-window request limiter per key (e.g. per access token): at most `max` requests in any `windowMs`.
 * Client-side pacing, so that a run stays inside a service's published quota instead of collecting 429s.
 */
export interface RateLimit {
  windowMs: number;
  max: number;
}

export class SlidingWindowRateLimiter {
  private readonly hits = new Map<string, number[]>();

  /**
   * @param marginMs extra wait past the window edge: the service stamps a request when it arrives, a little after
   *   we sent it, so waiting exactly to the edge would still land inside its window.
   */
  constructor(
    public limit: RateLimit,
    readonly marginMs = 100,
  ) {}

  /** Milliseconds to wait before a request for `key` fits in the window (0: it fits now). */
  delayFor(key: string, now = Date.now()): number {
    const list = this.prune(key, now);
    if (list.length < this.limit.max) return 0;
    return list[list.length - this.limit.max]! + this.limit.windowMs - now + this.marginMs;
  }

  /** Records a request for `key` now. */
  record(key: string, now = Date.now()): void {
    this.prune(key, now).push(now);
  }

  /**
   * Waits until a request fits, then records it. `wait` sleeps (and may refuse, e.g. past a deadline).
   *
   * @example
   * await limiter.acquire(token, (ms) => http.wait(ms, host));
   */
  async acquire(key: string, wait: (ms: number) => Promise<void>): Promise<void> {
    for (;;) {
      const delay = this.delayFor(key);
      if (delay <= 0) {
        this.record(key);
        return;
      }
      await wait(delay);
    }
  }

  private prune(key: string, now: number): number[] {
    const since = now - this.limit.windowMs;
    const list = (this.hits.get(key) ?? []).filter((t) => t > since);
    this.hits.set(key, list);
    return list;
  }
}
