/**
 * One async lock per key: `run(key, fn)` waits for earlier `fn`s with the same key. Used to persist and broadcast
 * the messages of one channel strictly in sequence order within this process.
 *
 * @example await channelLocks.run(channelId, async () => { await persist(); broadcast(); });
 */
export class KeyedMutex {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const current = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => current);
    this.#tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      // Forget the key once nobody queued behind us, so the map does not grow with every channel ever used.
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    }
  }
}
