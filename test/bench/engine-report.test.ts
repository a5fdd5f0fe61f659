import { describe, expect, it } from 'vitest';
import type { Camunda7BenchmarkResult } from '../../bench/camunda7-benchmark.ts';
import type { Camunda8BenchmarkResult } from '../../bench/camunda8-benchmark.ts';
import { engineRatios } from '../../bench/engine-benchmark.ts';
import { engineResultName, engineTargetChecks } from '../../bench/engine-report.ts';
import { routeOf } from '../../bench/target-calls.ts';

/** A Camunda 8 result with only the fields the checks read. */
function camunda8Result(figures: {
  instances: number;
  targetRate: number;
  service: number;
  floor?: number;
  peakRssMiB?: number;
  left?: number;
}): Camunda8BenchmarkResult {
  return {
    comparisons: figures.floor === undefined ? undefined : { floor: { itemsPerSecond: figures.floor } },
    options: {
      engine: 'camunda8',
      instances: figures.instances,
      targetRate: figures.targetRate,
      baseline: true,
    },
    batch: {
      state: 'COMPLETED',
      completed: figures.instances,
      failed: 0,
      peakRssMiB: { service: figures.peakRssMiB ?? 600 },
    },
    target: { activeAfter: { service: figures.left ?? 0 } },
    ratios: engineRatios({
      service: figures.service,
      floor: figures.floor,
      targetLimit: figures.targetRate > 0 ? figures.targetRate : undefined,
    }),
  } as unknown as Camunda8BenchmarkResult;
}

describe("the engine benchmark's ratios", () => {
  it('compares the service with the floor and with the target’s limit, and leaves out what was not measured', () => {
    expect(engineRatios({ service: 450, floor: 500, targetLimit: 500 })).toEqual({
      serviceToFloor: 0.9,
      serviceToTargetLimit: 0.9,
    });
    expect(engineRatios({ service: 300 })).toEqual({});
  });

  it('compares a Camunda 7 run with the faster of the naive loop and the engine’s own batch', () => {
    expect(engineRatios({ service: 400, naive: 500, engineBatch: 200 })).toEqual({
      serviceToNaive: 0.8,
      serviceToEngineBatch: 2,
      serviceToFasterOther: 0.8,
    });
  });
});

describe("the engine benchmark's targets", () => {
  it('checks service ÷ floor on an unthrottled target and the rate ÷ limit on a throttled one', () => {
    const unthrottled = engineTargetChecks(
      camunda8Result({ instances: 100, targetRate: 0, service: 70, floor: 100 }),
    );
    expect(unthrottled.map(({ target, met }) => [target, met])).toEqual([
      ['every item processed, none failed, none left on the engine', true],
      ['service ÷ floor ≥ 0.8 (target unthrottled)', false],
    ]);
    const throttled = engineTargetChecks(
      camunda8Result({ instances: 100, targetRate: 500, service: 460, floor: 500 }),
    );
    expect(throttled[1]).toEqual({
      target: "service's rate ÷ the target's limit ≥ 0.9",
      figure: '0.92×',
      met: true,
    });
  });

  it('says so when a throttled target is slower than its own limit', () => {
    const checks = engineTargetChecks(
      camunda8Result({ instances: 100, targetRate: 500, service: 36, floor: 49 }),
    );
    expect(checks[1]).toEqual({
      target: "service's rate ÷ the target's limit ≥ 0.9",
      figure: "0.07× (the limit was not reached: the target's own floor is 49 items/s)",
      met: false,
    });
  });

  it('fails the first check when an instance was left on the engine', () => {
    const checks = engineTargetChecks(
      camunda8Result({ instances: 100, targetRate: 0, service: 90, left: 1 }),
    );
    expect(checks[0]).toMatchObject({ met: false, figure: 'COMPLETED, 100 completed, 0 failed, 1 left' });
  });

  it("compares the service's peak memory with a smaller run", () => {
    const large = camunda8Result({ instances: 100_000, targetRate: 0, service: 90, peakRssMiB: 780 });
    const small = camunda8Result({ instances: 20_000, targetRate: 0, service: 90, peakRssMiB: 600 });
    expect(engineTargetChecks(large, small).at(-1)).toEqual({
      target: 'service peak RSS at 100000 ≤ 1.3× at 20000',
      figure: '1.30× (780 vs 600 MiB)',
      met: true,
    });
  });

  it('checks a Camunda 7 run against the faster comparison', () => {
    const result = {
      options: { engine: 'camunda7', instances: 10, targetRate: 0, baseline: true },
      batch: { state: 'COMPLETED', completed: 10, failed: 0, peakRssMiB: { service: 500 } },
      target: { activeAfter: { service: 0 } },
      ratios: engineRatios({ service: 70, naive: 100, engineBatch: 50 }),
    } as unknown as Camunda7BenchmarkResult;
    expect(engineTargetChecks(result)[1]).toMatchObject({ figure: '0.70×', met: false });
  });
});

describe('the result file and the engine calls', () => {
  it('names the file after the engine, the count and the target’s limit', () => {
    expect(engineResultName(camunda8Result({ instances: 20_000, targetRate: 500, service: 1 }))).toBe(
      'camunda8-cancel-20000-rate500',
    );
    expect(engineResultName(camunda8Result({ instances: 20_000, targetRate: 0, service: 1 }))).toBe(
      'camunda8-cancel-20000',
    );
  });

  it('groups calls by route: keys and ids become {key}', () => {
    expect(routeOf('/v2/process-instances/2251799813685249/cancellation')).toBe(
      '/v2/process-instances/{key}/cancellation',
    );
    expect(routeOf('/engine-rest/process-instance/0c4e1a7d-9f0b-11ef-8a8e-0242ac120002')).toBe(
      '/engine-rest/process-instance/{key}',
    );
  });
});
