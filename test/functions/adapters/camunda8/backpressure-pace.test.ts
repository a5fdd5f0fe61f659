import { describe, expect, it } from 'vitest';
import { BackpressurePace, type PaceClock } from '#adapters/camunda8/backpressure-pace.ts';

/** Virtual time: sleeps end in order of their end as `advance` moves the clock, none in real time. */
class VirtualClock implements PaceClock {
  private at = 0;
  private timers: { end: number; wake: () => void }[] = [];

  now(): number {
    return this.at;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      const end = this.at + ms;
      const index = this.timers.findIndex((timer) => timer.end > end);
      this.timers.splice(index === -1 ? this.timers.length : index, 0, { end, wake });
    });
  }

  /** Moves the clock `ms` ahead, waking each sleeper in turn and letting it run before the next. */
  async advance(ms: number): Promise<void> {
    const until = this.at + ms;
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      const next = this.timers[0];
      if (!next || next.end > until) break;
      this.timers.shift();
      this.at = next.end;
      next.wake();
    }
    this.at = until;
  }
}

/** A cluster's per-caller limit as the embedded runtime keeps it: a token bucket, one second of burst. */
function tokenBucket(clock: VirtualClock, perSecond: number) {
  let tokens = perSecond;
  let at = clock.now();
  return {
    limit: perSecond,
    take(): boolean {
      const now = clock.now();
      tokens = Math.min(this.limit, tokens + ((now - at) / 1000) * this.limit);
      at = now;
      if (tokens < 1) return false;
      tokens--;
      return true;
    },
  };
}

/**
 * `lanes` callers, each sending its next request as soon as the last was answered (5 ms on the
 * wire), through one pace, against the bucket; the answers by second of the run.
 */
function callers(
  clock: VirtualClock,
  pace: BackpressurePace,
  bucket: ReturnType<typeof tokenBucket>,
  lanes: number,
) {
  const started = clock.now();
  const bySecond: { accepted: number; refused: number }[] = [];
  let running = true;
  const lane = async () => {
    while (running) {
      await pace.admit();
      await clock.sleep(5);
      const accepted = bucket.take();
      const second = Math.floor((clock.now() - started) / 1000);
      bySecond[second] ??= { accepted: 0, refused: 0 };
      bySecond[second][accepted ? 'accepted' : 'refused']++;
      pace.answered(accepted ? 204 : 429);
    }
  };
  const done = Promise.all(Array.from({ length: lanes }, lane));
  return {
    bySecond,
    stop: () => {
      running = false;
      return done;
    },
  };
}

const total = (seconds: { accepted: number; refused: number }[]) =>
  seconds.reduce(
    (sum, second) => ({
      accepted: sum.accepted + (second?.accepted ?? 0),
      refused: sum.refused + (second?.refused ?? 0),
    }),
    { accepted: 0, refused: 0 },
  );

describe('the pace of requests to a cluster that pushes back', () => {
  it("sends unpaced until the first refusal, then at about the cluster's limit with few refusals", async () => {
    const clock = new VirtualClock();
    const pace = new BackpressurePace(clock);
    const bucket = tokenBucket(clock, 50);
    const run = callers(clock, pace, bucket, 16);

    expect(pace.itemsPerSecond).toBeUndefined();
    await clock.advance(60_000);
    const stopped = run.stop();
    await clock.advance(1000);
    await stopped;

    // Unpaced, 16 callers 5 ms apart would send 3,200 a second; the pace stops that at the first refusals.
    expect(run.bySecond[0].accepted).toBeGreaterThanOrEqual(50);
    expect(run.bySecond[0].refused).toBeLessThan(50);
    expect(run.bySecond[1].accepted).toBeGreaterThanOrEqual(0.9 * 50);
    // From the tenth second on, the callers get at least 90% of the limit, and few requests are refused.
    const settled = total(run.bySecond.slice(10, 60));
    expect(settled.accepted).toBeGreaterThanOrEqual(0.9 * 50 * 50);
    expect(settled.refused).toBeLessThan(0.1 * settled.accepted);
    expect(pace.itemsPerSecond).toBeGreaterThan(40);
    expect(pace.itemsPerSecond).toBeLessThan(80);
  });

  it('finds the limit soon when its first estimate is low: another caller had drained the allowance', async () => {
    const clock = new VirtualClock();
    const pace = new BackpressurePace(clock);
    const bucket = tokenBucket(clock, 50);
    expect(Array.from({ length: 50 }, () => bucket.take()).every(Boolean)).toBe(true);
    const run = callers(clock, pace, bucket, 16);
    await clock.advance(30_000);
    const stopped = run.stop();
    await clock.advance(1000);
    await stopped;

    const settled = total(run.bySecond.slice(10, 30));
    expect(settled.accepted).toBeGreaterThanOrEqual(0.9 * 50 * 20);
    expect(settled.refused).toBeLessThan(0.1 * settled.accepted);
  });

  it('follows a limit that drops and rises, and stops pacing a minute after the last refusal', async () => {
    const clock = new VirtualClock();
    const pace = new BackpressurePace(clock);
    const bucket = tokenBucket(clock, 100);
    const run = callers(clock, pace, bucket, 8);
    await clock.advance(20_000);
    bucket.limit = 20;
    await clock.advance(30_000);
    const atTwenty = total(run.bySecond.slice(30, 50));
    bucket.limit = 1_000_000;
    await clock.advance(30_000);
    const rising = pace.itemsPerSecond ?? 0;
    await clock.advance(31_000);
    const afterAMinute = pace.itemsPerSecond;
    const stopped = run.stop();
    await clock.advance(1000);
    await stopped;

    expect(atTwenty.accepted).toBeGreaterThanOrEqual(0.9 * 20 * 20);
    expect(atTwenty.refused).toBeLessThan(0.1 * atTwenty.accepted);
    // Thirty quiet seconds raise the pace by a twentieth each: 1.05^30 ≈ 4.3 times.
    expect(rising).toBeGreaterThan(3 * 20);
    expect(afterAMinute).toBeUndefined();
  });
});
