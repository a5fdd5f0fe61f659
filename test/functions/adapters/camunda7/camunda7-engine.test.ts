import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { camunda7ConnectionFromEnvironment } from '#adapters/camunda7/camunda7-config.ts';
import { Camunda7Engine } from '#adapters/camunda7/camunda7-engine.ts';
import type { InstanceScope } from '#domain/authorization/permissions.ts';
import { EngineUnavailableError } from '#domain/errors.ts';
import { CAMUNDA_KEY_PATTERN } from '#domain/surrogate-key.ts';
import type { EngineBatch, EngineItem, EngineSelection } from '#ports/engine.ts';
import { InMemoryEngineIdMap } from '../../../fakes/in-memory-ports.ts';
import { OperatonEngine } from '../../../helpers/operaton-engine.ts';

/** A creator who may act on every definition in every tenant. */
const EVERYWHERE: InstanceScope = {
  permission: 'UPDATE_PROCESS_INSTANCE',
  processDefinitionIds: '*',
  tenantIds: '*',
};

/** The adapter against a real Operaton engine on loopback (test/engines/operaton), one engine for the file. */
let operaton: OperatonEngine;
const RETRY = { maxRetries: 1, initialDelayMs: 10, maxDelayMs: 10, backoffFactor: 1 };
/** The keys the adapters hand out, one map for the file, as one table serves a deployment. */
const keys = new InMemoryEngineIdMap();

/** The engine id of a key an adapter handed out. */
function id(key: string): string {
  const found = keys.ids.get(key);
  if (found === undefined) throw new Error(`no adapter handed out key ${key}`);
  return found;
}

beforeAll(async () => {
  operaton = await OperatonEngine.start();
});
afterAll(async () => {
  await operaton?.dispose();
});

function adapter(options: { password?: string; pageSize?: number; restUrl?: string } = {}): Camunda7Engine {
  const environment = operaton.environment(options.password);
  if (options.restUrl) environment.CAMUNDA7_REST_URL = options.restUrl;
  return new Camunda7Engine(
    camunda7ConnectionFromEnvironment(environment),
    {
      retry: RETRY,
      concurrency: 4,
      pageSize: options.pageSize ?? 3,
    },
    keys,
  );
}

async function selected(engine: Camunda7Engine, selection: EngineSelection): Promise<EngineItem[]> {
  const items: EngineItem[] = [];
  for await (const item of engine.selectItems(selection, { whole: true }, { queryRetries: 0 }))
    items.push(item);
  return items;
}

const batch = (type: EngineBatch['batchOperationType'], parameters?: unknown): EngineBatch => ({
  batchOperationKey: '2251799813685999',
  batchOperationType: type,
  ...(parameters === undefined ? {} : { parameters }),
});

const running = (key: string) =>
  operaton.call<{ id: string; suspended: boolean }[]>('POST', '/process-instance', {
    processDefinitionKey: key,
  });

describe('selection on a Camunda 7 engine', () => {
  it('reads exactly the instances of a process instance query across pages of 3, each once, in id order', async () => {
    // Prepare: 7 instances match, 2 of another process do not.
    await operaton.deploy('c7-review.bpmn', 'c7-select');
    await operaton.deploy('c7-review.bpmn', 'c7-select-other');
    const matching = await operaton.startInstances('c7-select', 7);
    await operaton.startInstances('c7-select-other', 2);

    // Act
    const items = await selected(adapter(), {
      batchOperationType: 'CANCEL_PROCESS_INSTANCE',
      filter: { processDefinitionKey: 'c7-select' },
    });

    // Assess: numeric keys, as Camunda 8's key fields have them, each standing for its instance id.
    expect(items.map((item) => id(item.itemKey))).toEqual([...matching].sort());
    expect(items.every((item) => item.itemKey === item.processInstanceKey)).toBe(true);
    expect(items.every((item) => CAMUNDA_KEY_PATTERN.test(item.itemKey))).toBe(true);
  });

  it('unions listed ids with the query, listed first and each instance once', async () => {
    // Prepare
    await operaton.deploy('c7-review.bpmn', 'c7-union');
    await operaton.deploy('c7-review.bpmn', 'c7-union-other');
    const matching = await operaton.startInstances('c7-union', 4);
    const [other] = await operaton.startInstances('c7-union-other', 1);

    const [listedByKey] = await keys.keysOf('camunda7', [matching[2]]);

    // Act: one listed instance (by the key this service answered for it) matches the query too, one
    // (by its engine id) does not.
    const items = await selected(adapter(), {
      batchOperationType: 'CANCEL_PROCESS_INSTANCE',
      filter: { processDefinitionKey: 'c7-union' },
      processInstanceKeys: [listedByKey, other],
    });

    // Assess
    const ids = items.map((item) => id(item.itemKey));
    expect(items[0].itemKey).toBe(listedByKey);
    expect(ids.slice(0, 2)).toEqual([matching[2], other]);
    expect([...ids].sort()).toEqual([...matching, other].sort());
  });

  it("counts the union of a query and listed ids by the engine's /count endpoints, each item once, as selection reads it", async () => {
    // Prepare: 5 instances match; of the 3 listed ids one matches too, one is of another process, one does not exist.
    await operaton.deploy('c7-review.bpmn', 'c7-count');
    await operaton.deploy('c7-review.bpmn', 'c7-count-other');
    const matching = await operaton.startInstances('c7-count', 5);
    const [other] = await operaton.startInstances('c7-count-other', 1);
    const selection: EngineSelection = {
      batchOperationType: 'CANCEL_PROCESS_INSTANCE',
      filter: { processDefinitionKey: 'c7-count' },
      processInstanceKeys: [matching[3], other, 'no-such-instance'],
    };
    const engine = adapter();

    // Act
    const counted = await engine.countItems(selection, 4, { queryRetries: 0 });

    // Assess: 5 + 3 - 1, and the 4 smallest keys of that union.
    const read = (await selected(engine, selection)).map((item) => id(item.itemKey));
    expect(counted.total).toBe(7);
    expect(read).toHaveLength(7);
    expect(counted.sample).toEqual([...read].sort().slice(0, 4));
  });

  it('counts the jobs of a job query, listed ids naming no job', async () => {
    await operaton.deploy('c7-review.bpmn', 'c7-count-jobs');
    await operaton.startInstances('c7-count-jobs', 3);
    const selection: EngineSelection = {
      batchOperationType: 'SET_JOB_RETRIES',
      filter: { processDefinitionKey: 'c7-count-jobs' },
    };
    const engine = adapter();
    const counted = await engine.countItems(selection, 10, { queryRetries: 0 });
    expect(counted).toEqual({
      total: 3,
      sample: (await selected(engine, selection)).map((item) => id(item.itemKey)),
    });
  });

  it('selects jobs by a job query, each item a job of its instance', async () => {
    // Prepare: each instance waits at a timer, one job each.
    await operaton.deploy('c7-review.bpmn', 'c7-jobs');
    const instances = await operaton.startInstances('c7-jobs', 4);

    // Act
    const items = await selected(adapter(), {
      batchOperationType: 'SET_JOB_RETRIES',
      filter: { processDefinitionKey: 'c7-jobs' },
      processInstanceKeys: ['listed-ids-name-instances-not-jobs'],
    });

    // Assess
    expect(items.map((item) => id(item.processInstanceKey)).sort()).toEqual([...instances].sort());
    expect(items.every((item) => item.itemKey !== item.processInstanceKey)).toBe(true);
  });
});

describe('operations on a Camunda 7 engine', () => {
  it("cancels exactly the selected instances, and fails one that ended meanwhile with the engine's reason", async () => {
    // Prepare: 5 instances, one deleted on the engine after selection.
    await operaton.deploy('c7-review.bpmn', 'c7-cancel');
    const instances = await operaton.startInstances('c7-cancel', 5);
    await operaton.deploy('c7-review.bpmn', 'c7-cancel-other');
    const [untouched] = await operaton.startInstances('c7-cancel-other', 1);
    const engine = adapter();
    const items = await selected(engine, {
      batchOperationType: 'CANCEL_PROCESS_INSTANCE',
      filter: { processDefinitionKey: 'c7-cancel' },
    });
    const [gone] = items;
    await operaton.call('DELETE', `/process-instance/${id(gone.itemKey)}`);

    // Act
    const results = await engine.applyItems(
      batch('CANCEL_PROCESS_INSTANCE', { reason: 'bad version' }),
      items,
    );

    // Assess
    expect(results[0]).toEqual({
      state: 'FAILED',
      errorClass: 'NOT_FOUND',
      errorMessage: expect.stringContaining(id(gone.itemKey)),
    });
    expect(results.slice(1)).toEqual(items.slice(1).map(() => ({ state: 'COMPLETED' })));
    expect(await running('c7-cancel')).toEqual([]);
    expect((await running('c7-cancel-other')).map((instance) => instance.id)).toEqual([untouched]);
    const history = await operaton.call<{ id: string; state: string }[]>(
      'POST',
      '/history/process-instance',
      {
        processInstanceIds: instances,
      },
    );
    expect(history.map((entry) => entry.state)).toEqual(instances.map(() => 'EXTERNALLY_TERMINATED'));
    expect(await engine.appliedBy(batch('CANCEL_PROCESS_INSTANCE'), items)).toEqual(items.map(() => true));
  });

  it('deletes the historic instances of a historic query, and fails a running one with the engine reason', async () => {
    // Prepare: 3 finished (canceled) instances and 1 running, all of the process.
    await operaton.deploy('c7-review.bpmn', 'c7-delete');
    const instances = await operaton.startInstances('c7-delete', 4);
    for (const id of instances.slice(0, 3)) await operaton.call('DELETE', `/process-instance/${id}`);
    const engine = adapter();
    const items = await selected(engine, {
      batchOperationType: 'DELETE_PROCESS_INSTANCE',
      filter: { processDefinitionKey: 'c7-delete' },
    });
    expect(items.map((item) => id(item.itemKey)).sort()).toEqual([...instances].sort());
    const deleteBatch = batch('DELETE_PROCESS_INSTANCE');
    expect(await engine.appliedBy(deleteBatch, items)).toEqual(items.map(() => false));

    // Act
    const results = await engine.applyItems(deleteBatch, items);

    // Assess
    const byId = new Map(items.map((item, i) => [id(item.itemKey), results[i]]));
    for (const id of instances.slice(0, 3)) expect(byId.get(id)).toEqual({ state: 'COMPLETED' });
    expect(byId.get(instances[3])).toMatchObject({
      state: 'FAILED',
      errorMessage: expect.stringContaining(instances[3]),
    });
    const left = await operaton.call<{ id: string }[]>('POST', '/history/process-instance', {
      processDefinitionKey: 'c7-delete',
    });
    expect(left.map((entry) => entry.id)).toEqual([instances[3]]);
  });

  it('sets the retries of exactly the selected jobs', async () => {
    // Prepare
    await operaton.deploy('c7-review.bpmn', 'c7-retries');
    await operaton.startInstances('c7-retries', 3);
    await operaton.deploy('c7-review.bpmn', 'c7-retries-other');
    await operaton.startInstances('c7-retries-other', 1);
    const engine = adapter();
    const items = await selected(engine, {
      batchOperationType: 'SET_JOB_RETRIES',
      filter: { processDefinitionKey: 'c7-retries' },
    });
    const retriesBatch = batch('SET_JOB_RETRIES', { retries: 7 });

    // Act
    const results = await engine.applyItems(retriesBatch, items);

    // Assess
    expect(results).toEqual(items.map(() => ({ state: 'COMPLETED' })));
    const retriesOf = async (processDefinitionKey: string) =>
      (await operaton.call<{ retries: number }[]>('POST', '/job', { processDefinitionKey })).map(
        (job) => job.retries,
      );
    expect(await retriesOf('c7-retries')).toEqual([7, 7, 7]);
    expect(await retriesOf('c7-retries-other')).toEqual([3]);
    expect(await engine.appliedBy(retriesBatch, items)).toEqual(items.map(() => true));
  });

  it('sets the retries of exactly the external tasks of an external task query', async () => {
    // Prepare: 3 tasks of the process, 1 of another one with the same topic.
    await operaton.deploy('c7-external.bpmn', 'c7-external');
    await operaton.startInstances('c7-external', 3);
    await operaton.deploy('c7-external.bpmn', 'c7-external-other');
    await operaton.startInstances('c7-external-other', 1);
    const engine = adapter();
    const items = await selected(engine, {
      batchOperationType: 'SET_EXTERNAL_TASK_RETRIES',
      filter: { processDefinitionKey: 'c7-external', topicName: 'c7-external' },
    });
    const retriesBatch = batch('SET_EXTERNAL_TASK_RETRIES', { retries: 4 });

    // Act
    const results = await engine.applyItems(retriesBatch, items);

    // Assess: the other process's task has no retries set (null), as started.
    expect(results).toEqual(items.map(() => ({ state: 'COMPLETED' })));
    const retriesOf = async (processDefinitionKey: string) =>
      (
        await operaton.call<{ retries: number | null }[]>('POST', '/external-task', { processDefinitionKey })
      ).map((task) => task.retries);
    expect(await retriesOf('c7-external')).toEqual([4, 4, 4]);
    expect(await retriesOf('c7-external-other')).toEqual([null]);
    expect(await engine.appliedBy(retriesBatch, items)).toEqual(items.map(() => true));
  });

  it('sets variables on exactly the selected instances', async () => {
    // Prepare
    await operaton.deploy('c7-review.bpmn', 'c7-variables');
    const instances = await operaton.startInstances('c7-variables', 3, { region: 'EU' });
    await operaton.deploy('c7-review.bpmn', 'c7-variables-other');
    const [other] = await operaton.startInstances('c7-variables-other', 1, { region: 'EU' });
    const engine = adapter();
    const items = await selected(engine, {
      batchOperationType: 'SET_VARIABLES',
      filter: { processDefinitionKey: 'c7-variables' },
    });
    const variablesBatch = batch('SET_VARIABLES', { variables: { region: 'US', priority: 2 } });
    expect(await engine.appliedBy(variablesBatch, items)).toEqual([false, false, false]);

    // Act
    const results = await engine.applyItems(variablesBatch, items);

    // Assess
    expect(results).toEqual(items.map(() => ({ state: 'COMPLETED' })));
    const variablesOf = async (id: string) => {
      const found = await operaton.call<Record<string, { value: unknown }>>(
        'GET',
        `/process-instance/${id}/variables`,
      );
      return Object.fromEntries(Object.entries(found).map(([name, variable]) => [name, variable.value]));
    };
    for (const id of instances) expect(await variablesOf(id)).toEqual({ region: 'US', priority: 2 });
    expect(await variablesOf(other)).toEqual({ region: 'EU' });
    expect(await engine.appliedBy(variablesBatch, items)).toEqual([true, true, true]);
  });

  it('suspends and activates exactly the selected instances', async () => {
    // Prepare
    await operaton.deploy('c7-review.bpmn', 'c7-suspend');
    await operaton.startInstances('c7-suspend', 3);
    const engine = adapter();
    const items = await selected(engine, {
      batchOperationType: 'SUSPEND_PROCESS_INSTANCE',
      filter: { processDefinitionKey: 'c7-suspend' },
    });

    // Act and assess: suspended, then active again.
    expect(await engine.applyItems(batch('SUSPEND_PROCESS_INSTANCE'), items)).toEqual(
      items.map(() => ({ state: 'COMPLETED' })),
    );
    expect((await running('c7-suspend')).map((instance) => instance.suspended)).toEqual([true, true, true]);
    expect(await engine.appliedBy(batch('SUSPEND_PROCESS_INSTANCE'), items)).toEqual([true, true, true]);
    expect(await engine.applyItems(batch('RESUME_PROCESS_INSTANCE'), items)).toEqual(
      items.map(() => ({ state: 'COMPLETED' })),
    );
    expect((await running('c7-suspend')).map((instance) => instance.suspended)).toEqual([
      false,
      false,
      false,
    ]);
  });

  it('migrates exactly the selected instances per source definition, failing each refused one with the engine reason', async () => {
    // Prepare: 5 instances on version 1 of a process; after selection one is deleted and one moved
    // to an activity the plan does not map; 1 instance of another process.
    const v1 = await operaton.deploy('c7-review.bpmn', 'c7-migrate');
    await operaton.startInstances('c7-migrate', 5);
    const v2 = await operaton.deploy('c7-review.bpmn', 'c7-migrate');
    await operaton.deploy('c7-review.bpmn', 'c7-migrate-other');
    const [other] = await operaton.startInstances('c7-migrate-other', 1);
    const engine = adapter();
    const items = await selected(engine, {
      batchOperationType: 'MIGRATE_PROCESS_INSTANCE',
      filter: { processDefinitionId: v1.id },
    });
    const [, gone, unmapped] = items;
    await operaton.call('DELETE', `/process-instance/${id(gone.itemKey)}`);
    await operaton.call('POST', `/process-instance/${id(unmapped.itemKey)}/modification`, {
      instructions: [
        { type: 'startBeforeActivity', activityId: 'review' },
        { type: 'cancel', activityId: 'wait' },
      ],
    });
    const migration = batch('MIGRATE_PROCESS_INSTANCE', {
      migrationPlan: {
        // The target by the key a read of the definitions answered: the engine gets its id.
        targetProcessDefinitionKey: (await keys.keysOf('camunda7', [v2.id]))[0],
        mappingInstructions: [{ sourceElementId: 'wait', targetElementId: 'wait' }],
      },
    });

    // Act: the definition's group is refused as a whole (for the unmapped one), then sent one by one.
    const results = await engine.applyItems(migration, items);

    // Assess
    expect(results[1]).toEqual({
      state: 'FAILED',
      errorClass: 'NOT_FOUND',
      errorMessage: `Process instance with id ${id(gone.itemKey)} does not exist`,
    });
    expect(results[2]).toEqual({
      state: 'FAILED',
      errorClass: 'INVALID_STATE',
      errorMessage: expect.stringMatching(
        new RegExp(
          `^ENGINE-23004 Cannot migrate process instance '${id(unmapped.itemKey)}'.*There is no migration instruction for this instance's activity`,
          's',
        ),
      ),
    });
    expect([results[0], ...results.slice(3)]).toEqual([0, 3, 4].map(() => ({ state: 'COMPLETED' })));
    const definitionOf = async (id: string) =>
      (await operaton.call<{ definitionId: string }>('GET', `/process-instance/${id}`)).definitionId;
    for (const i of [0, 3, 4]) expect(await definitionOf(id(items[i].itemKey))).toBe(v2.id);
    expect(await definitionOf(id(unmapped.itemKey))).toBe(v1.id);
    expect(await definitionOf(other)).not.toBe(v2.id);
    expect(await engine.appliedBy(migration, items)).toEqual([true, false, false, true, true]);
  });

  it('refuses a migration whose target the engine does not know at creation, with its message', async () => {
    await expect(
      adapter().validateParameters(
        'MIGRATE_PROCESS_INSTANCE',
        { migrationPlan: { targetProcessDefinitionKey: 'c7-nothing:1:x', mappingInstructions: [] } },
        EVERYWHERE,
      ),
    ).rejects.toThrow(/targetProcessDefinitionKey .*c7-nothing:1:x/);
  });

  it("refuses a migration into a definition outside the creator's scope, and takes one inside it", async () => {
    const target = await operaton.deploy('c7-review.bpmn', 'c7-scope-target');
    const plan = { migrationPlan: { targetProcessDefinitionKey: target.id, mappingInstructions: [] } };
    const only = (processDefinitionIds: string[]) => ({ ...EVERYWHERE, processDefinitionIds });
    await expect(
      adapter().validateParameters('MIGRATE_PROCESS_INSTANCE', plan, only(['c7-scope-elsewhere'])),
    ).rejects.toThrow(/that you may migrate instances into/);
    await expect(
      adapter().validateParameters('MIGRATE_PROCESS_INSTANCE', plan, only(['c7-scope-target'])),
    ).resolves.toBeUndefined();
  });

  it('moves the tokens of exactly the selected instances, and fails one that ended meanwhile with the engine reason', async () => {
    // Prepare: 3 instances wait at the timer, one is deleted after selection.
    await operaton.deploy('c7-review.bpmn', 'c7-modify');
    await operaton.startInstances('c7-modify', 3);
    await operaton.deploy('c7-review.bpmn', 'c7-modify-other');
    const [other] = await operaton.startInstances('c7-modify-other', 1);
    const engine = adapter();
    const items = await selected(engine, {
      batchOperationType: 'MODIFY_PROCESS_INSTANCE',
      filter: { processDefinitionKey: 'c7-modify' },
    });
    const [gone] = items;
    await operaton.call('DELETE', `/process-instance/${id(gone.itemKey)}`);
    const modification = batch('MODIFY_PROCESS_INSTANCE', {
      moveInstructions: [{ sourceElementId: 'wait', targetElementId: 'review' }],
    });

    // Act
    const results = await engine.applyItems(modification, items);

    // Assess: each moved instance holds one token, at the target.
    expect(results).toEqual([
      {
        state: 'FAILED',
        errorClass: 'NOT_FOUND',
        errorMessage: `Process instance with id ${id(gone.itemKey)} does not exist`,
      },
      { state: 'COMPLETED' },
      { state: 'COMPLETED' },
    ]);
    const tokens = async (id: string) =>
      (
        await operaton.call<{ childActivityInstances: { activityId: string }[] }>(
          'GET',
          `/process-instance/${id}/activity-instances`,
        )
      ).childActivityInstances.map((child) => child.activityId);
    for (const item of items.slice(1)) expect(await tokens(id(item.itemKey))).toEqual(['review']);
    expect(await tokens(other)).toEqual(['wait']);
    expect(await engine.appliedBy(modification, items)).toEqual([false, true, true]);

    // Act again: an instance with no token at the source is refused, not given a second token.
    expect(await engine.applyItems(modification, items.slice(1, 2))).toEqual([
      {
        state: 'FAILED',
        errorClass: 'INVALID_STATE',
        errorMessage: `Process instance '${id(items[1].itemKey)}' has no active activity instance at any source element ('wait') to move a token from`,
      },
    ]);
    expect(await tokens(id(items[1].itemKey))).toEqual(['review']);
  });

  it('restarts exactly the selected finished instances once, and fails a running one with the engine reason', async () => {
    // Prepare: 3 finished (canceled) instances and 1 running, of one process.
    const definition = await operaton.deploy('c7-review.bpmn', 'c7-restart');
    const instances = await operaton.startInstances('c7-restart', 4);
    const finished = instances.slice(0, 3);
    for (const id of finished) await operaton.call('DELETE', `/process-instance/${id}`);
    const engine = adapter();
    const items = await selected(engine, {
      batchOperationType: 'RESTART_PROCESS_INSTANCE',
      filter: { processDefinitionKey: 'c7-restart', finished: true },
      processInstanceKeys: [instances[3]],
    });
    expect(items.map((item) => id(item.itemKey)).sort()).toEqual([...instances].sort());
    const restart = batch('RESTART_PROCESS_INSTANCE', { startInstructions: [{ elementId: 'wait' }] });
    expect(await engine.appliedBy(restart, items)).toEqual([false, false, false, false]);

    // Act: the definition's group is refused as a whole (one instance runs), then sent one by one.
    const results = await engine.applyItems(restart, items);

    // Assess: one new instance per finished one, started at the timer.
    const byId = new Map(items.map((item, i) => [id(item.itemKey), results[i]]));
    for (const id of finished) expect(byId.get(id)).toEqual({ state: 'COMPLETED' });
    expect(byId.get(instances[3])).toEqual({
      state: 'FAILED',
      errorClass: 'INVALID_STATE',
      errorMessage: `ENGINE-13040 Historic process instance '${instances[3]}' cannot be restarted. It is not completed or terminated.`,
    });
    const history = await operaton.call<{ restartedProcessInstanceId: string | null; state: string }[]>(
      'POST',
      '/history/process-instance',
      { processDefinitionId: definition.id, active: true },
    );
    expect(history.map((entry) => entry.restartedProcessInstanceId).sort()).toEqual(
      [null, ...finished].sort(),
    );
    expect(await engine.appliedBy(restart, items)).toEqual(
      items.map((item) => finished.includes(id(item.itemKey))),
    );
  });

  it('refuses the types it cannot run per item at creation, naming them', async () => {
    expect(await adapter().unsupported('CANCEL_PROCESS_INSTANCE')).toBeUndefined();
    expect(await adapter().unsupported('RESOLVE_INCIDENT')).toContain('not RESOLVE_INCIDENT');
  });
});

/**
 * A network fault in front of the real engine: requests pass through, but the answer to the first one
 * `lose` picks is dropped (the connection closed) after the engine has done it.
 */
async function answerLosingProxy(lose: (method: string, path: string) => boolean) {
  let lost = 0;
  const server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = String(request.url).replace(/^\/engine-rest/, '');
    const answer = await fetch(`${operaton.restUrl}${path}`, {
      method: request.method,
      headers: Object.fromEntries(
        Object.entries(request.headers).filter(([name]) => ['authorization', 'content-type'].includes(name)),
      ) as Record<string, string>,
      ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    });
    const body = Buffer.from(await answer.arrayBuffer());
    if (lost === 0 && lose(String(request.method), path)) {
      lost++;
      request.socket.destroy();
      return;
    }
    response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
    response.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    restUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/engine-rest`,
    lost: () => lost,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('an answer lost after the engine did the call', () => {
  it('is not sent again once the item shows the effect: a restart starts one instance, not two', async () => {
    // Prepare: a finished instance; the answer to its restart is lost on the way back.
    const definition = await operaton.deploy('c7-review.bpmn', 'c7-lost-answer');
    const [instance] = await operaton.startInstances('c7-lost-answer', 1);
    await operaton.call('DELETE', `/process-instance/${instance}`);
    const proxy = await answerLosingProxy((method, path) => method === 'POST' && path.endsWith('/restart'));
    const engine = adapter({ restUrl: proxy.restUrl });

    // Act
    const results = await engine.applyItems(
      batch('RESTART_PROCESS_INSTANCE', { startInstructions: [{ elementId: 'wait' }] }),
      [{ itemKey: instance, processInstanceKey: instance }],
    );
    await proxy.close();

    // Assess: a second call would have started a second instance (Camunda 7's restart is not idempotent).
    expect(proxy.lost()).toBe(1);
    expect(results).toEqual([{ state: 'COMPLETED' }]);
    const restarted = await operaton.call<{ restartedProcessInstanceId: string | null }[]>(
      'POST',
      '/history/process-instance',
      { processDefinitionId: definition.id, active: true },
    );
    expect(restarted.map((entry) => entry.restartedProcessInstanceId)).toEqual([instance]);
  });
});

describe('wrong credentials', () => {
  it('are EngineUnavailableError at creation, on a query and on an item, never a failed item', async () => {
    const engine = adapter({ password: 'wrong' });
    await expect(engine.unsupported('CANCEL_PROCESS_INSTANCE')).rejects.toThrow(
      /refused this service \(HTTP 401\)/,
    );
    await expect(
      selected(engine, {
        batchOperationType: 'CANCEL_PROCESS_INSTANCE',
        filter: { processDefinitionKey: 'x' },
      }),
    ).rejects.toThrow(EngineUnavailableError);
    await expect(
      engine.applyItems(batch('CANCEL_PROCESS_INSTANCE'), [{ itemKey: 'a', processInstanceKey: 'a' }]),
    ).rejects.toThrow(/HTTP 401/);
  });
});
