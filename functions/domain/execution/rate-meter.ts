import type { RecentRate } from '../batch/batch-operation.ts';
import type { ChunkId } from '../batch/chunk.ts';

/** The span a shard's rate is measured over: long enough to smooth pacing steps, short enough to follow a change. */
export const RATE_WINDOW_MS = 5_000;
/** Less than this measured yet: no rate (one group's burst is not a rate). */
const RATE_MIN_SPAN_MS = 1_000;
/** A shard whose worker finished nothing for this long is dropped from the meters. */
const FORGET_AFTER_MS = 60_000;

interface Sample {
  at: number;
  finished: number;
}

/**
 * Items finished per shard over the last RATE_WINDOW_MS, as this process's worker saw them, across
 * chunks (a shard's chunks run one at a time, usually in the same process). Reported on the writes a
 * worker makes anyway (the shard's claim, its in-flight report), never per item.
 */
export function rateMeters() {
  const shards = new Map<string, Sample[]>();
  const keyOf = (id: ChunkId) => `${id.batchOperationKey}#${id.shard}`;
  const samplesOf = (id: ChunkId, now: number) => {
    const samples = shards.get(keyOf(id)) ?? [];
    // One sample older than the window stays: it is where the window's count starts.
    while (samples.length > 1 && samples[1].at <= now - RATE_WINDOW_MS) samples.shift();
    shards.set(keyOf(id), samples);
    return samples;
  };
  return {
    /** `count` items of the shard finished at `now`. */
    record(id: ChunkId, count: number, now: Date): void {
      // Shards quiet for a while are forgotten: a long-lived worker process serves many batches.
      for (const [key, samples] of shards) {
        if ((samples.at(-1)?.at ?? 0) < now.getTime() - FORGET_AFTER_MS) shards.delete(key);
      }
      const samples = samplesOf(id, now.getTime());
      // The first group only starts the count: its items finished at the very start of the span.
      samples.push({ at: now.getTime(), finished: (samples.at(-1)?.finished ?? 0) + count });
    },
    /** The shard's rate over the window up to `now`, or undefined while too little was seen. */
    rate(id: ChunkId, now: Date): RecentRate | undefined {
      const samples = samplesOf(id, now.getTime());
      if (samples.length === 0) return undefined;
      const start = Math.max(samples[0].at, now.getTime() - RATE_WINDOW_MS);
      const span = now.getTime() - samples[0].at;
      if (span < RATE_MIN_SPAN_MS) return undefined;
      const before = samples[0].at >= start ? samples[0].finished : finishedAt(samples, start);
      const finished = (samples.at(-1)?.finished ?? 0) - before;
      const itemsPerSecond = (finished * 1000) / (now.getTime() - start);
      return { itemsPerSecond: Math.round(itemsPerSecond * 1000) / 1000, at: now.toISOString() };
    },
  };
}
export type RateMeters = ReturnType<typeof rateMeters>;

/** The count finished by `at`: the last sample at or before it. */
function finishedAt(samples: readonly Sample[], at: number): number {
  let finished = samples[0].finished;
  for (const sample of samples) {
    if (sample.at > at) break;
    finished = sample.finished;
  }
  return finished;
}
