import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { services } from '#commons/services.ts';
import { PARK_SECONDS, workflowTasks } from '#resources/workflow-tasks.ts';
import { type EmbeddedRuntime, startEmbeddedRuntime } from '../../local/embedded-runtime.ts';
import { apiClient, eventually } from '../helpers/api-client.ts';
import { sharedEmulators } from '../helpers/emulators.ts';
import { processInstance } from '../helpers/process-instances.ts';

/**
 * A suspension outlives its Task state's timeout: the execution parks again with a fresh token, and the
 * batch resumes and finishes whenever it is resumed. The synthesized definition waits PARK_SECONDS (a
 * day) per park; this runtime runs the same definition with a 1-second park, so three parks pass in
 * seconds (aws-local-stepfunctions ends a Task state without TimeoutSeconds after 60 s, which used to
 * fail a batch suspended for longer than a minute).
 */
const AWAIT = workflowTasks.awaitResumption.stateName;
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
const parks = new Map<string, number>();

beforeAll(async () => {
  const definition = structuredClone(inject('stateMachineDefinition')) as {
    States: Record<string, { Branches?: { States: Record<string, { TimeoutSeconds?: number }> }[] }>;
  };
  const awaitState = Object.values(definition.States)
    .flatMap((state) => state.Branches ?? [])
    .map((branch) => branch.States[AWAIT])
    .find((state) => state !== undefined);
  if (awaitState?.TimeoutSeconds !== PARK_SECONDS)
    throw new Error(`No ${AWAIT} state parks ${PARK_SECONDS} s`);
  awaitState.TimeoutSeconds = 1;
  runtime = await startEmbeddedRuntime({
    port: 0,
    config: { CHUNK_SIZE: '5' },
    pollIntervalMs: 100,
    stateMachineDefinition: definition,
    sharedEmulators: sharedEmulators(),
    onStateMachineEvent: (execution, event) => {
      if (event.type === 'StateEntered' && event.state.name === AWAIT)
        parks.set(execution, (parks.get(execution) ?? 0) + 1);
    },
  });
  api = apiClient(runtime.url);
});
afterAll(() => runtime?.stop());

describe('a suspension longer than its Task state may wait', () => {
  it('parks again and again, then resumes and finishes with exact counts', { timeout: 120_000 }, async () => {
    const processDefinitionId = 'long-suspension';
    const instances = Array.from({ length: 20 }, (_, index) =>
      processInstance(70_000 + index, { processDefinitionId }),
    );
    await services().instances.putInstances(instances);
    const created = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId },
      itemsPerSecond: 5,
    });
    expect(created.status).toBe(200);
    const key: string = created.body.batchOperationKey;

    expect((await api.post(`/v2/batch-operations/${key}/suspension`)).status).toBe(204);
    await eventually(
      async () => ((parks.get(key) ?? 0) >= 3 ? true : undefined),
      () => `${AWAIT} entered ${parks.get(key) ?? 0} times`,
    );
    const suspended = await api.get(`/v2/batch-operations/${key}`);
    expect(suspended.body.state).toBe('SUSPENDED');
    expect((await api.post(`/v2/batch-operations/${key}/resumption`)).status).toBe(204);

    const ended = await eventually(
      async () => {
        const { body } = await api.get(`/v2/batch-operations/${key}`);
        return body.state === 'ACTIVE' || body.state === 'SUSPENDED' ? undefined : body;
      },
      () => `batch ${key} still running`,
    );
    expect(ended).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 20,
      operationsCompletedCount: 20,
      operationsFailedCount: 0,
    });
  });
});
