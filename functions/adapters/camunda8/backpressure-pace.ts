/** How far back the accepted answers are counted: the rate the cluster was just accepting. */
const WINDOW_MS = 1000;
/** Counting buckets of the window. */
const BUCKETS = 10;
/** Each quiet second the pace known too fast rises by this factor, probing for capacity freed meanwhile. */
const PROBE_PER_SECOND = 1.05;
/** After this long without backpressure the calls go unpaced again. */
const UNPACED_AFTER_MS = 60_000;
/** How often a waiting request looks at the pace again. */
const RECHECK_MS = 50;
/** The slowest pace: a cluster that accepted nothing in the last second is still asked once a second. */
const MIN_RATE = 1;

export interface PaceClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const systemClock: PaceClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * The pace of one client's requests to a cluster that pushes back (429, or 503 RESOURCE_EXHAUSTED).
 * The official client narrows its concurrency on backpressure, but over a fast network even one call
 * in flight outruns a rate limit, its retries run out, and the worker must then hand the item back and
 * hold its chunk, which costs far more than waiting. So the first backpressure answer paces every
 * request at the rate the cluster accepted in the last second. A refusal while paced marks the pace
 * as too fast and sets it again from what was accepted (once a second: the refusals of requests
 * already on their way say nothing new). Each quiet second raises it: doubling while no pace is
 * known too fast (the first estimate may be low: another caller may have drained the cluster's
 * allowance), else halfway to the pace known too fast, which itself rises by a twentieth, probing
 * for capacity freed meanwhile. A minute without backpressure ends the pacing.
 */
export class BackpressurePace {
  private rate: number | undefined;
  /** The last pace refused: more than the cluster took then. */
  private tooFast: number | undefined;
  private sentAt = Number.NEGATIVE_INFINITY;
  private throttledAt = Number.NEGATIVE_INFINITY;
  private raisedAt = 0;
  private readonly buckets = Array.from({ length: BUCKETS }, () => ({ start: 0, count: 0 }));

  constructor(private readonly clock: PaceClock = systemClock) {}

  /** Requests per second while paced; undefined when unpaced. */
  get itemsPerSecond(): number | undefined {
    return this.rate;
  }

  /**
   * Resolves when the next request may go: one pace's interval after the last one sent. A waiter
   * looks again every RECHECK_MS at most, so a pace raised meanwhile applies to requests already waiting.
   */
  async admit(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      this.rise(now);
      if (this.rate === undefined) return;
      const due = this.sentAt + 1000 / this.rate;
      if (now >= due) {
        this.sentAt = now;
        return;
      }
      await this.clock.sleep(Math.min(due - now, RECHECK_MS));
    }
  }

  /** Notes an answer's status. */
  answered(status: number): void {
    const now = this.clock.now();
    if (status !== 429 && status !== 503) {
      this.count(now);
      return;
    }
    if (now - this.throttledAt < WINDOW_MS) return;
    this.throttledAt = now;
    this.raisedAt = now;
    this.tooFast = this.rate;
    this.rate = Math.max(MIN_RATE, (this.accepted(now) * 1000) / WINDOW_MS);
  }

  private rise(now: number): void {
    if (this.rate === undefined) return;
    if (now - this.throttledAt >= UNPACED_AFTER_MS) {
      this.rate = this.tooFast = undefined;
      return;
    }
    for (; now - this.raisedAt >= 1000; this.raisedAt += 1000) {
      if (this.tooFast === undefined) {
        this.rate *= 2;
        continue;
      }
      this.tooFast *= PROBE_PER_SECOND;
      this.rate = Math.max(this.rate, Math.min(this.rate * 2, (this.rate + this.tooFast) / 2));
    }
  }

  private bucketOf(now: number) {
    const width = WINDOW_MS / BUCKETS;
    const start = Math.floor(now / width) * width;
    const bucket = this.buckets[Math.floor(now / width) % BUCKETS];
    if (bucket.start !== start) {
      bucket.start = start;
      bucket.count = 0;
    }
    return bucket;
  }

  private count(now: number): void {
    this.bucketOf(now).count++;
  }

  private accepted(now: number): number {
    this.bucketOf(now);
    return this.buckets
      .filter((bucket) => now - bucket.start < WINDOW_MS)
      .reduce((sum, bucket) => sum + bucket.count, 0);
  }
}

/** `base` with each request admitted by the pace and its answer noted. */
export function pacedFetch(base: typeof fetch, pace: BackpressurePace): typeof fetch {
  return async (input, init) => {
    await pace.admit();
    const response = await base(input, init);
    pace.answered(response.status);
    return response;
  };
}
