import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { camunda7ConnectionFromEnvironment } from '#adapters/camunda7/camunda7-config.ts';
import { Camunda7Engine } from '#adapters/camunda7/camunda7-engine.ts';
import type { Camunda7Reads } from '#adapters/camunda7/camunda7-reads.ts';
import { engineIdField, KEY_FIELDS } from '#adapters/camunda7/engine-keys.ts';
import type { InstanceScope } from '#domain/authorization/permissions.ts';
import { InvalidArgumentError, NotSupportedByEngineError } from '#domain/errors.ts';
import { CAMUNDA_KEY_PATTERN } from '#domain/surrogate-key.ts';
import { InMemoryEngineIdMap } from '../../../fakes/in-memory-ports.ts';
import { type DeployedProcess, OperatonEngine } from '../../../helpers/operaton-engine.ts';

/** The console's and the CLI's reads against a real Operaton engine on loopback, one engine for the file. */
let operaton: OperatonEngine;
let reads: Camunda7Reads;
let review: DeployedProcess;
let instances: string[];
const ANYTHING: InstanceScope = {
  permission: 'READ_PROCESS_INSTANCE',
  processDefinitionIds: '*',
  tenantIds: '*',
};

beforeAll(async () => {
  operaton = await OperatonEngine.start();
  reads = new Camunda7Engine(
    camunda7ConnectionFromEnvironment(operaton.environment()),
    { retry: { maxRetries: 1, initialDelayMs: 10, maxDelayMs: 10, backoffFactor: 1 }, concurrency: 4 },
    new InMemoryEngineIdMap(),
  ).reads();
  await operaton.deploy('c7-review.bpmn', 'c7-reads-other');
  review = await operaton.deploy('c7-review.bpmn', 'c7-reads');
  instances = await operaton.startInstances('c7-reads', 3);
  await operaton.call('DELETE', `/process-instance/${instances[2]}`);
});
afterAll(async () => {
  await operaton?.dispose();
});

/** The engine's id a record carries beside its key field (`processInstance` → `processInstanceEngineId`). */
const engineIdOf = (record: object, name: string) => (record as Record<string, unknown>)[`${name}EngineId`];

/** Every key field of the records is numeric (or null), and the engine's id stands in its `…EngineId` field. */
function expectNumericKeys(records: readonly object[]) {
  for (const record of records as Record<string, unknown>[]) {
    for (const field of KEY_FIELDS.filter((name) => typeof record[name] === 'string')) {
      expect(record[field]).toMatch(CAMUNDA_KEY_PATTERN);
      expect(record[engineIdField(field)]).toEqual(expect.any(String));
      expect(record[engineIdField(field)]).not.toMatch(CAMUNDA_KEY_PATTERN);
    }
  }
}

describe('process definitions of a Camunda 7 engine', () => {
  it('are searched by their BPMN process id, by a numeric key or the engine definition id', async () => {
    const found = await reads.searchProcessDefinitions(
      { filter: { processDefinitionId: 'c7-reads' } },
      ANYTHING,
    );
    expect(found.items).toEqual([
      {
        processDefinitionKey: expect.stringMatching(CAMUNDA_KEY_PATTERN),
        processDefinitionEngineId: review.id,
        processDefinitionId: 'c7-reads',
        name: null,
        resourceName: 'c7-reads.bpmn',
        version: 1,
        versionTag: null,
        tenantId: '<default>',
        hasStartForm: false,
        state: 'ACTIVE',
      },
    ]);
    expect(found.page.totalItems).toBe(1);
    expect(await reads.getProcessDefinition(review.id)).toEqual(found.items[0]);
    expect(await reads.getProcessDefinition(found.items[0].processDefinitionKey)).toEqual(found.items[0]);
    for (const processDefinitionKey of [found.items[0].processDefinitionKey, review.id]) {
      const byKey = await reads.searchProcessDefinitions({ filter: { processDefinitionKey } }, ANYTHING);
      expect(byKey.items).toEqual(found.items);
    }
    expect(await reads.getProcessDefinition('4026742180350563191')).toBeUndefined();
    expect(await reads.getProcessDefinition('c7-reads:9:none')).toBeUndefined();
  });

  it('count only what the caller may read', async () => {
    const scope: InstanceScope = { ...ANYTHING, processDefinitionIds: ['c7-reads-other'] };
    const found = await reads.searchProcessDefinitions(
      { filter: { processDefinitionId: 'c7-reads' } },
      scope,
    );
    expect(found.page.totalItems).toBe(0);
  });

  it('give their BPMN as deployed, and the active instances per activity', async () => {
    expect(await reads.getProcessDefinitionXml(review.id)).toContain('<bpmn:process id="c7-reads"');
    expect(await reads.processDefinitionElementStatistics(review.id, undefined)).toEqual({
      items: [{ elementId: 'wait', active: 2, canceled: 0, incidents: 0, completed: 0 }],
    });
  });
});

describe('process instances of a Camunda 7 engine', () => {
  it('are searched from the history, running and ended, paged by cursors', async () => {
    // Act: pages of 2 over the 3 instances, in id order.
    const first = await reads.searchProcessInstances(
      { filter: { processDefinitionId: 'c7-reads' }, page: { limit: 2 } },
      ANYTHING,
    );
    const second = await reads.searchProcessInstances(
      {
        filter: { processDefinitionId: 'c7-reads' },
        page: { limit: 2, after: String(first.page.endCursor) },
      },
      ANYTHING,
    );

    // Assess
    expect(first.page.totalItems).toBe(3);
    const read = [...first.items, ...second.items];
    expectNumericKeys(read);
    const ids = read.map((instance) => engineIdOf(instance, 'processInstance'));
    expect(ids).toEqual([...instances].sort());
    const ended = read.find((instance) => engineIdOf(instance, 'processInstance') === instances[2]);
    expect(ended).toMatchObject({
      processDefinitionId: 'c7-reads',
      processDefinitionEngineId: review.id,
      state: 'TERMINATED',
      businessId: 'c7-reads-3',
      endDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
    });
  });

  it('are searched by state, and one is read by its id', async () => {
    const active = await reads.searchProcessInstances(
      { filter: { processDefinitionId: 'c7-reads', state: 'ACTIVE' } },
      ANYTHING,
    );
    expect(active.items.map((instance) => engineIdOf(instance, 'processInstance'))).toEqual(
      instances.slice(0, 2).sort(),
    );
    const first = active.items.find((instance) => engineIdOf(instance, 'processInstance') === instances[0]);
    expect(await reads.getProcessInstance(instances[0])).toEqual(first);
    expect(await reads.getProcessInstance(String(first?.processInstanceKey))).toEqual(first);
    const byKey = await reads.searchProcessInstances(
      { filter: { processInstanceKey: String(first?.processInstanceKey) } },
      ANYTHING,
    );
    expect(byKey.items).toEqual([first]);
    expect(await reads.getProcessInstance('no-such-instance')).toBeUndefined();
    expect(await reads.getProcessInstance('4026742180350563191')).toBeUndefined();
  });

  it('refuse a filter field the engine has no query for, naming it', async () => {
    await expect(
      reads.searchProcessInstances({ filter: { processDefinitionId: { $like: 'c7-*' } } }, ANYTHING),
    ).rejects.toThrow(InvalidArgumentError);
    await expect(reads.searchProcessInstances({ filter: { variables: [] } }, ANYTHING)).rejects.toThrow(
      /not by variables/,
    );
  });
});

describe('incidents and jobs of a Camunda 7 engine', () => {
  it('are searched per instance, with the BPMN process id and the engine ids as keys', async () => {
    // Prepare: an incident on the first instance's execution.
    await operaton.createIncident(instances[0], 'wait', 'the reviewer is away');

    // Act
    const incidents = await reads.searchIncidents({ filter: { processInstanceKey: instances[0] } }, ANYTHING);
    const jobs = await reads.searchJobs({ filter: { processDefinitionId: 'c7-reads' } }, ANYTHING);

    // Assess
    expectNumericKeys([...incidents.items, ...jobs.items]);
    expect(incidents.items).toEqual([
      expect.objectContaining({
        processInstanceEngineId: instances[0],
        processDefinitionId: 'c7-reads',
        processDefinitionEngineId: review.id,
        errorType: 'UNKNOWN',
        incidentType: 'review-failed',
        errorMessage: 'the reviewer is away',
        elementId: 'wait',
        state: 'ACTIVE',
      }),
    ]);
    expect(await reads.getIncident(incidents.items[0].incidentKey)).toEqual(incidents.items[0]);
    expect(jobs.items.map((job) => engineIdOf(job, 'processInstance')).sort()).toEqual(
      instances.slice(0, 2).sort(),
    );
    expect(jobs.items.every((job) => job.processDefinitionId === 'c7-reads' && job.retries === 3)).toBe(true);
    expect(jobs.page.totalItems).toBe(2);
  });
});

describe("one instance's reads on a Camunda 7 engine", () => {
  it('count its activities from the history: ended, canceled, and waiting with or without an incident', async () => {
    // instances[0] waits at the timer with an incident (above); instances[2] was deleted there.
    const [waiting] = await operaton.startInstances('c7-reads', 1);
    const count = async (id: string) => (await reads.processInstanceElementStatistics(id)).items;
    expect(await count(instances[0])).toEqual([
      { elementId: 'start', active: 0, canceled: 0, incidents: 0, completed: 1 },
      { elementId: 'wait', active: 0, canceled: 0, incidents: 1, completed: 0 },
    ]);
    expect(await count(instances[2])).toEqual([
      { elementId: 'start', active: 0, canceled: 0, incidents: 0, completed: 1 },
      { elementId: 'wait', active: 0, canceled: 1, incidents: 0, completed: 0 },
    ]);
    expect(await count(waiting)).toEqual([
      { elementId: 'start', active: 0, canceled: 0, incidents: 0, completed: 1 },
      { elementId: 'wait', active: 1, canceled: 0, incidents: 0, completed: 0 },
    ]);
  });

  it('name their call hierarchy from the root down, empty for a root', async () => {
    const caller = await operaton.deploy('c7-caller.bpmn', 'c7-caller');
    const [root] = await operaton.startInstances('c7-caller', 1);
    const [called] = await operaton.call<{ id: string }[]>(
      'GET',
      `/process-instance?superProcessInstance=${root}`,
    );

    const hierarchy = await reads.processInstanceCallHierarchy(called.id);

    expectNumericKeys(hierarchy);
    expect(
      hierarchy.map((entry) => [
        engineIdOf(entry, 'processInstance'),
        engineIdOf(entry, 'processDefinition'),
        entry.processDefinitionName,
      ]),
    ).toEqual([
      [root, caller.id, 'Caller'],
      [called.id, review.id, 'c7-reads'],
    ]);
    expect(await reads.processInstanceCallHierarchy(root)).toEqual([]);
  });

  it('refuse the taken sequence flows, which the history does not record, as not supported by the engine', async () => {
    await expect(reads.processInstanceSequenceFlows(instances[0])).rejects.toThrow(NotSupportedByEngineError);
    await expect(reads.processInstanceSequenceFlows(instances[0])).rejects.toThrow(/ENGINE=camunda7/);
  });
});

describe('variables of a Camunda 7 engine', () => {
  it('are searched from the history as JSON text, cut unless asked whole, and one is read by its key', async () => {
    // The engine keeps a String of at most 4000 characters: control characters, 6 each as JSON text
    // (`\u0001`), make one whose JSON is longer than the 8191 a search shows.
    const long = '\u0001'.repeat(1500);
    const [carrier] = await operaton.startInstances('c7-reads-other', 1, { order: 'A-1', note: long });

    const found = await reads.searchVariables(
      { filter: { processInstanceKey: carrier }, sort: [{ field: 'name', order: 'ASC' }] },
      ANYTHING,
      true,
    );

    expectNumericKeys(found.items);
    expect(found.page.totalItems).toBe(2);
    expect(found.items.map(({ name, value, isTruncated }) => [name, value.length, isTruncated])).toEqual([
      ['note', 8191, true],
      ['order', 5, false],
    ]);
    expect(found.items[1]).toMatchObject({
      value: '"A-1"',
      tenantId: '<default>',
      processInstanceEngineId: carrier,
      scopeEngineId: carrier,
    });
    const whole = await reads.getVariable(found.items[0].variableKey);
    expect(whole).toMatchObject({ name: 'note', value: JSON.stringify(long) });
    expect(whole && 'isTruncated' in whole).toBe(false);
    expect(await reads.getVariable('4026742180350563191')).toBeUndefined();
    const byName = await reads.searchVariables({ filter: { name: { $like: 'ord*' } } }, ANYTHING, true);
    expect(byName.items.map((variable) => variable.value)).toEqual(['"A-1"']);
    await expect(
      reads.searchVariables({ filter: { name: { $like: 'ord*', $neq: 'order' } } }, ANYTHING, true),
    ).rejects.toThrow(/filter.name: a Camunda 7 engine is searched by equality/);
  });

  it("count only the caller's process, and refuse a caller of several processes by name", async () => {
    const only = (ids: string[]): InstanceScope => ({ ...ANYTHING, processDefinitionIds: ids });
    expect(
      (await reads.searchVariables({ filter: { name: 'order' } }, only(['c7-reads']), true)).page.totalItems,
    ).toBe(0);
    expect(
      (await reads.searchVariables({ filter: { name: 'order' } }, only(['c7-reads-other']), true)).page
        .totalItems,
    ).toBe(1);
    expect((await reads.searchVariables({}, only([]), true)).items).toEqual([]);
    await expect(reads.searchVariables({}, only(['c7-reads', 'c7-reads-other']), true)).rejects.toThrow(
      InvalidArgumentError,
    );
  });
});
