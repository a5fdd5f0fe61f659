import { ProcessInstanceKey } from '@camunda8/orchestration-cluster-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHUNK_MAX_RECEIVE_COUNT } from '#resources/chunk-queue-settings.ts';
import { apiClient, eventually } from '../helpers/api-client.ts';
import { Camunda8Target, seedInstances } from '../helpers/camunda8-target.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * A Camunda 8 cluster out of reach for longer than a chunk's deliveries: the service (ENGINE=camunda8)
 * holds the chunk pending and says why the batch waits, instead of dead-lettering it, and finishes
 * the batch once the cluster is back. Short retry delays keep each attempt to a fraction of a second.
 */
let target: Camunda8Target;
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;

beforeAll(async () => {
  target = await Camunda8Target.start();
  runtime = await startRuntime({
    port: 0,
    config: {
      ENGINE: 'camunda8',
      ...target.basicEnvironment(),
      CHUNK_SIZE: '20',
      QUERY_RETRY_MAX: '1',
      QUERY_RETRY_INITIAL_DELAY_MS: '100',
      QUERY_RETRY_MAX_DELAY_MS: '400',
      CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS: '1',
    },
    pollIntervalMs: 100,
  });
  api = apiClient(runtime.url);
});
afterAll(async () => {
  await runtime?.stop();
  await target?.dispose();
});

describe('a Camunda 8 cluster out of reach mid-batch', () => {
  it('holds the chunk beyond its deliveries, shows why the batch waits, and finishes with exact counts once the cluster is back', async () => {
    // Prepare: 20 instances, cancelled at 4 per second, so the cluster goes away mid-chunk.
    const keys = await seedInstances(target.seeder(), 'c8-outage', 20);
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId: 'c8-outage' },
      itemsPerSecond: 4,
    });
    expect(created.status).toBe(200);
    const key = created.body.batchOperationKey as string;
    let seen: unknown;
    const batchNow = async () => {
      seen = (await api.get(`/v2/batch-operations/${key}`)).body;
      return seen as { operationsCompletedCount: number; waitingForEngine?: { attempts: number } };
    };
    await eventually(
      async () => ((await batchNow()).operationsCompletedCount >= 2 ? true : undefined),
      () => JSON.stringify(seen),
    );

    // Act: the cluster stops for longer than the queue's deliveries of a chunk, then comes back.
    await target.stop();
    const waiting = await eventually(
      async () => {
        const body = await batchNow();
        return (body.waitingForEngine?.attempts ?? 0) > CHUNK_MAX_RECEIVE_COUNT ? body : undefined;
      },
      () => JSON.stringify(seen),
      120_000,
    );
    await target.restart();
    const batch = await api.finalBatch(key, 120_000);

    // Assess: visibly waiting, nothing dead-lettered or failed, every instance canceled once.
    expect(waiting).toMatchObject({
      state: 'ACTIVE',
      waitingForEngine: { reason: expect.stringMatching(/Camunda 8 cluster/) },
    });
    expect(batch).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 20,
      operationsCompletedCount: 20,
      operationsFailedCount: 0,
    });
    expect(batch.waitingForEngine).toBeUndefined();
    const seeder = target.seeder();
    const states = await Promise.all(
      keys.map(
        async (instanceKey) =>
          (
            await seeder.getProcessInstance(
              { processInstanceKey: ProcessInstanceKey.assumeExists(instanceKey) },
              { consistency: { waitUpToMs: 0 } },
            )
          ).state,
      ),
    );
    expect(states).toEqual(keys.map(() => 'TERMINATED'));
  });
});
