import { describe, expect, it } from 'vitest';
import { mapWithConcurrency } from '../../../functions/domain/concurrency.ts';

/** A promise the test settles when it chooses. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Lets every callback already queued run (no clock involved). */
const drain = () => new Promise((resolve) => setImmediate(resolve));

describe('mapWithConcurrency', () => {
  it('keeps the order of results with at most `limit` items in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([1, 2, 3, 4, 5], 2, async (item) => {
      most = Math.max(most, ++inFlight);
      await drain();
      inFlight--;
      return item * 10;
    });
    expect(results).toEqual([10, 20, 30, 40, 50]);
    expect(most).toBe(2);
  });

  it('fails only once the items in flight have settled, and starts no item after the failure', async () => {
    // Prepare: item 0 fails at once while item 1 is still writing; items 2 and 3 wait their turn.
    const writing = deferred<void>();
    const started: number[] = [];
    const finished: number[] = [];
    let outcome: unknown = 'pending';
    // Act
    const mapped = mapWithConcurrency([0, 1, 2, 3], 2, async (item) => {
      started.push(item);
      if (item === 0) throw new Error('worker killed');
      await writing.promise;
      finished.push(item);
      return item;
    }).then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    void mapped.then((settled) => {
      outcome = settled;
    });
    await drain();
    const whileWriting = outcome;
    writing.resolve();
    // Assess
    expect(whileWriting).toBe('pending');
    expect(await mapped).toBe('worker killed');
    expect(finished).toEqual([1]);
    expect(started).toEqual([0, 1]);
  });

  it('throws the first failure when several items fail', async () => {
    const mapped = mapWithConcurrency([0, 1, 2], 3, async (item) => {
      await drain();
      throw new Error(`item ${item}`);
    });
    await expect(mapped).rejects.toThrow('item 0');
  });
});
