/** An item waiting for its batch, and how to answer its submitter. */
interface Submitted<T, R> {
  item: T;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: writes submitted while earlier ones are being written are written together, in one statement, and
 * each submitter is answered once the statement holding its item has completed. An item submitted while nothing is
 * being written goes out at once (at the next microtask, with whatever else arrived in the same tick), so a quiet
 * server adds no wait; under a burst the batches grow with the load instead of the statements multiplying.
 *
 * `write` answers one result per item, in order. When it throws for a batch of several items, each item is written
 * again alone, so one bad item fails only its own submitter.
 *
 * @example
 *   const inserts = new GroupCommit({ maxBatch: 256, maxInFlight: 1, write: (rows) => insertAll(db, rows) });
 *   const inserted = await inserts.submit(row); // resolves after the INSERT holding `row` committed
 */
export class GroupCommit<T, R> {
  readonly #write: (items: T[]) => Promise<R[]>;
  readonly #maxBatch: number;
  readonly #maxInFlight: number;
  #queue: Submitted<T, R>[] = [];
  #inFlight = 0;
  #scheduled = false;

  constructor(args: { write: (items: T[]) => Promise<R[]>; maxBatch: number; maxInFlight: number }) {
    if (args.maxBatch < 1 || args.maxInFlight < 1)
      throw new Error('GroupCommit: maxBatch and maxInFlight must be >= 1');
    this.#write = args.write;
    this.#maxBatch = args.maxBatch;
    this.#maxInFlight = args.maxInFlight;
  }

  /** Resolves with the item's result once the batch that holds it is written. */
  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#schedule();
    });
  }

  /** Whether a batch is being written or items are waiting for one. */
  get busy(): boolean {
    return this.#inFlight > 0 || this.#queue.length > 0;
  }

  /** Items waiting for a batch (not counting those being written). */
  get waiting(): number {
    return this.#queue.length;
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#maxInFlight || this.#queue.length === 0) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      while (this.#inFlight < this.#maxInFlight && this.#queue.length > 0)
        void this.#flush(this.#queue.splice(0, this.#maxBatch));
    });
  }

  async #flush(batch: Submitted<T, R>[]): Promise<void> {
    this.#inFlight += 1;
    try {
      await this.#settle(batch);
    } finally {
      this.#inFlight -= 1;
      this.#schedule();
    }
  }

  async #settle(batch: Submitted<T, R>[]): Promise<void> {
    let results: R[];
    try {
      results = await this.#write(batch.map((entry) => entry.item));
      if (results.length !== batch.length)
        throw new Error(`GroupCommit: write answered ${results.length} results for ${batch.length} items`);
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      // Which item failed is unknown: each is written alone, so the others still succeed.
      await Promise.all(batch.map((entry) => this.#settle([entry])));
      return;
    }
    batch.forEach((entry, index) => entry.resolve(results[index]!));
  }
}
