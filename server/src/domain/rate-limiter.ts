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
