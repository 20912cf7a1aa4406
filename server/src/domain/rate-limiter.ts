/**
 * Fixed-window counters in memory (one server process). Used for failed logins: a key is blocked once it reaches
 * `limit` hits within `windowMs`, until the window ends.
 *
 * @example const limiter = new FixedWindowLimiter({ limit: 10, windowMs: 900_000 });
 *          if (limiter.isBlocked(key)) throw tooManyRequests(limiter.retryAfterSeconds(key));
 */
export class FixedWindowLimiter {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  readonly #now: () => number;

  constructor(args: { limit: number; windowMs: number; now?: () => number }) {
    this.#limit = args.limit;
    this.#windowMs = args.windowMs;
    this.#now = args.now ?? Date.now;
  }

  #current(key: string): { count: number; resetAt: number } | undefined {
    const window = this.#windows.get(key);
    if (window && window.resetAt <= this.#now()) {
      this.#windows.delete(key);
      return undefined;
    }
    return window;
  }

  isBlocked(key: string): boolean {
    return (this.#current(key)?.count ?? 0) >= this.#limit;
  }

  /** Seconds until the key's window resets (at least 1). */
  retryAfterSeconds(key: string): number {
    const window = this.#current(key);
    return window ? Math.max(1, Math.ceil((window.resetAt - this.#now()) / 1000)) : 1;
  }

  /**
   * Counts an attempt and says whether it was allowed, in one synchronous step: callers that run something slow
   * afterwards (a password hash) cannot let parallel attempts all pass a check made before any of them counted.
   * A refused attempt is not counted (the window does not grow while someone hammers it).
   */
  tryHit(key: string): boolean {
    if (this.isBlocked(key)) return false;
    this.hit(key);
    return true;
  }

  /** Gives back one attempt counted by {@link tryHit} (e.g. a login that turned out to be right). */
  unhit(key: string): void {
    const window = this.#current(key);
    if (window && window.count > 0) window.count -= 1;
  }

  hit(key: string): void {
    const window = this.#current(key);
    if (window) window.count += 1;
    else this.#windows.set(key, { count: 1, resetAt: this.#now() + this.#windowMs });
    if (this.#windows.size > 100_000) this.prune();
  }

  reset(key: string): void {
    this.#windows.delete(key);
  }

  /** Drops expired windows (memory bound). */
  prune(): void {
    const now = this.#now();
    for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
  }
}

/**
 * A token bucket: `burst` tokens, refilled at `perSecond`. Used per socket connection for its events.
 *
 * @example const bucket = new TokenBucket({ perSecond: 20, burst: 60 });
 *          if (!bucket.take()) ack({ ok: false, error: { code: 'rate_limited', ... } });
 */
export class TokenBucket {
  readonly #perSecond: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor(args: { perSecond: number; burst: number; now?: () => number }) {
    this.#perSecond = args.perSecond;
    this.#burst = args.burst;
    this.#now = args.now ?? Date.now;
    this.#tokens = args.burst;
    this.#updatedAt = this.#now();
  }

  #refill(): void {
    const now = this.#now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#updatedAt) / 1000) * this.#perSecond);
    this.#updatedAt = now;
  }

  /** Takes one token; false (nothing taken) when the bucket is empty. */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until a token is available (0 when one is). */
  retryAfterMs(): number {
    this.#refill();
    return this.#tokens >= 1 ? 0 : Math.ceil(((1 - this.#tokens) / this.#perSecond) * 1000);
  }
}
