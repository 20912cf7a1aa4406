import { describe, expect, it } from '@jest/globals';
import { GroupCommit } from './group-commit';

/** A write whose completion the test controls: each call is recorded with a way to finish it. */
function controlledWrite() {
  const calls: Array<{ items: number[]; finish: () => void; fail: (error: Error) => void }> = [];
  const write = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({
        items,
        finish: () => resolve(items.map((n) => `stored ${n}`)),
        fail: reject,
      });
    });
  return { calls, write };
}

/** Lets queued microtasks and promise reactions run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('GroupCommit', () => {
  it('writes an item alone when nothing is being written, and what arrives meanwhile in the next batch', async () => {
    const { calls, write } = controlledWrite();
    const commit = new GroupCommit({ write, maxBatch: 100, maxInFlight: 1 });
    const answered: string[] = [];
    const first = commit.submit(1).then((r) => answered.push(r));
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    const later = [2, 3, 4].map((n) => commit.submit(n).then((r) => answered.push(r)));
    await settle();
    // Still one write in flight: 2, 3 and 4 wait for it, and nobody is answered before their write completes.
    expect(calls).toHaveLength(1);
    expect(commit.waiting).toBe(3);
    expect(answered).toEqual([]);
    calls[0]!.finish();
    await first;
    await settle();
    expect(answered).toEqual(['stored 1']);
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    calls[1]!.finish();
    await Promise.all(later);
    expect(answered).toEqual(['stored 1', 'stored 2', 'stored 3', 'stored 4']);
  });

  it('keeps batches within maxBatch and runs up to maxInFlight writes at once', async () => {
    const { calls, write } = controlledWrite();
    const commit = new GroupCommit({ write, maxBatch: 2, maxInFlight: 2 });
    const results = Promise.all([1, 2, 3, 4, 5].map((n) => commit.submit(n)));
    await settle();
    expect(calls.map((c) => c.items)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    calls[1]!.finish();
    await settle();
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4], [5]]);
    calls[0]!.finish();
    calls[2]!.finish();
    expect(await results).toEqual(['stored 1', 'stored 2', 'stored 3', 'stored 4', 'stored 5']);
  });

  it('writes each item of a failed batch alone, so only the bad item fails', async () => {
    const written: number[][] = [];
    const commit = new GroupCommit<number, string>({
      maxBatch: 10,
      maxInFlight: 1,
      write: async (items) => {
        written.push(items);
        if (items.includes(13)) throw new Error('13 cannot be stored');
        return items.map((n) => `stored ${n}`);
      },
    });
    const outcomes = await Promise.allSettled([12, 13, 14].map((n) => commit.submit(n)));
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : (o.reason as Error).message))).toEqual([
      'stored 12',
      '13 cannot be stored',
      'stored 14',
    ]);
    expect(written).toEqual([[12, 13, 14], [12], [13], [14]]);
    // And it keeps taking work afterwards.
    await expect(commit.submit(15)).resolves.toBe('stored 15');
  });

  it('rejects every submitter when the write answers the wrong number of results', async () => {
    const commit = new GroupCommit<number, string>({ maxBatch: 10, maxInFlight: 1, write: async () => [] });
    await expect(commit.submit(1)).rejects.toThrow('answered 0 results for 1 items');
  });
});
