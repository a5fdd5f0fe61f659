import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { camunda8EngineFromEnvironment } from '#adapters/camunda8/camunda8-engine.ts';
import { TransientEngineError } from '#domain/errors.ts';
import { QueryFailedError } from '#domain/initialization/item-provider/matching-instance-keys.ts';
import type { EngineItem } from '#ports/engine.ts';
import { accepted, Camunda8Target, seedInstances } from '../../../helpers/camunda8-target.ts';

/**
 * The Camunda 8 adapter against a target that pushes back: it answers 429 beyond a few requests per
 * second (API_RATE_LIMIT_PER_SECOND, per caller), and it is stopped in the middle of a group and
 * started again on the same DATA_DIR. No item fails for either.
 */
const RATE_PER_SECOND = 5;
const NOW = { consistency: { waitUpToMs: 0 } };
/** Patience beyond a restart of the target (which may take a minute on a busy machine). */
const PATIENT = {
  retry: { maxRetries: 400, initialDelayMs: 200, maxDelayMs: 1000, backoffFactor: 2 },
  concurrency: 4,
};

let target: Camunda8Target;
let seeder: ReturnType<Camunda8Target['seeder']>;

beforeAll(async () => {
  target = await Camunda8Target.start({
    API_RATE_LIMIT_PER_SECOND: String(RATE_PER_SECOND),
    API_RATE_LIMIT_BURST: String(RATE_PER_SECOND),
  });
  seeder = target.seeder();
});
afterAll(() => target?.dispose());

const instanceItem = (key: string): EngineItem => ({ itemKey: key, processInstanceKey: key });
const cancel = {
  batchOperationKey: '2251799813700002',
  batchOperationType: 'CANCEL_PROCESS_INSTANCE' as const,
};
const terminatedCount = async (processDefinitionId: string) =>
  (
    await accepted(() =>
      seeder.searchProcessInstances(
        { filter: { processDefinitionId, state: 'TERMINATED' }, page: { limit: 1 } },
        NOW,
      ),
    )
  ).page.totalItems;

describe('backpressure', () => {
  it('selects exactly and completes every item of a group the target throttles, none failed for it', {
    timeout: 180_000,
  }, async () => {
    const keys = await seedInstances(seeder, 'c8-throttled', 30);
    const engine = camunda8EngineFromEnvironment(target.basicEnvironment(), {
      ...PATIENT,
      concurrency: 8,
    });

    const selected: string[] = [];
    const selection = {
      batchOperationType: cancel.batchOperationType,
      filter: { processDefinitionId: 'c8-throttled' },
    };
    const paged = camunda8EngineFromEnvironment(target.basicEnvironment(), { ...PATIENT, pageSize: 2 });
    for await (const item of paged.selectItems(selection, { whole: true }, { queryRetries: 0 }))
      selected.push(item.itemKey);
    const startedAt = Date.now();
    const results = await engine.applyItems(cancel, keys.map(instanceItem));
    const elapsedMs = Date.now() - startedAt;

    expect(selected.sort()).toEqual([...keys].sort());
    expect(results).toEqual(keys.map(() => ({ state: 'COMPLETED' })));
    expect(await terminatedCount('c8-throttled')).toBe(30);
    // The target's token bucket lets the burst through and then 5 per second: the group met its limit.
    expect(elapsedMs).toBeGreaterThanOrEqual(((30 - RATE_PER_SECOND) / RATE_PER_SECOND) * 1000);
  });
});

describe('a target stopped and started again', () => {
  it('finishes a group across the restart, hands work back while the target is down, and fetches a new token', {
    timeout: 600_000,
  }, async () => {
    const keys = await seedInstances(seeder, 'c8-restart', 20);
    const [alone, signedIn] = await seedInstances(seeder, 'c8-restart-alone', 2);
    const patient = camunda8EngineFromEnvironment(target.basicEnvironment(), PATIENT);
    const impatient = camunda8EngineFromEnvironment(target.basicEnvironment(), {
      retry: { maxRetries: 2, initialDelayMs: 50, maxDelayMs: 100, backoffFactor: 2 },
      concurrency: 1,
    });
    // Signed in with OAuth before the stop: the restarted target's issuer has a new key and refuses its token.
    const oauth = camunda8EngineFromEnvironment(target.oauthEnvironment(), PATIENT);
    expect(await oauth.unsupported('CANCEL_PROCESS_INSTANCE')).toBeUndefined();

    // Act: the group starts; once some of it is done, the target stops, and later starts again.
    const group = patient.applyItems(cancel, keys.map(instanceItem));
    const deadline = Date.now() + 120_000;
    let doneBeforeStop = 0;
    while (doneBeforeStop === 0 && Date.now() < deadline)
      doneBeforeStop = await terminatedCount('c8-restart');
    await target.stop();
    const whileDown = await impatient.applyItems(cancel, [instanceItem(alone)]).then(
      () => 'applied',
      (error: unknown) => error,
    );
    const stats = { queryRetries: 0 };
    const selectionWhileDown = await (async () => {
      const selection = {
        batchOperationType: cancel.batchOperationType,
        filter: { processDefinitionId: 'c8-restart' },
      };
      for await (const _ of impatient.selectItems(selection, { whole: true }, stats)) return 'selected';
      return 'nothing';
    })().catch((error: unknown) => error);
    await target.restart();
    const results = await group;
    const afterRestart = await impatient.applyItems(cancel, [instanceItem(alone)]);
    const withNewToken = await oauth.applyItems(cancel, [instanceItem(signedIn)]);

    // Assess: part of the group was done before the stop; after the restart every item is COMPLETED.
    expect(doneBeforeStop).toBeGreaterThan(0);
    expect(doneBeforeStop).toBeLessThan(20);
    expect(results).toEqual(keys.map(() => ({ state: 'COMPLETED' })));
    expect(await terminatedCount('c8-restart')).toBe(20);
    expect(whileDown).toBeInstanceOf(TransientEngineError);
    expect(selectionWhileDown).toBeInstanceOf(QueryFailedError);
    expect(stats.queryRetries).toBe(2);
    expect(afterRestart).toEqual([{ state: 'COMPLETED' }]);
    expect(withNewToken).toEqual([{ state: 'COMPLETED' }]);
    expect(await terminatedCount('c8-restart-alone')).toBe(2);
  });
});
