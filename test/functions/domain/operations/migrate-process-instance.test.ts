import { describe, expect, it } from 'vitest';
import type { FlowNode } from '#domain/instance/flow-model.ts';
import type { ProcessDefinition } from '#domain/instance/process-definition.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import type { Job } from '#domain/job/job.ts';
import { keyFromSequence } from '#domain/keys.ts';
import {
  decideMigration,
  type MigrationPlan,
  validateMigrationPlan,
} from '#domain/operations/migrate-process-instance.ts';
import type { ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import { processInstance } from '../../../helpers/process-instances.ts';

const NOW = '2026-01-02T00:00:00.000Z';

function definitionOf(
  sequence: number,
  version: number,
  nodes: FlowNode[],
  extra: Partial<ProcessDefinition> = {},
) {
  return {
    processDefinitionKey: keyFromSequence(sequence),
    processDefinitionId: 'order-process',
    version,
    tenantId: '<default>',
    resourceName: 'order.bpmn',
    elementIds: nodes.map((node) => node.id),
    flowNodes: nodes,
    bpmnXml: '',
    ...extra,
  } satisfies ProcessDefinition;
}

/** Version 1: review (user task) → charge (service task). */
const source = definitionOf(1, 1, [
  { id: 'start', kind: 'startEvent', outgoing: ['review'] },
  { id: 'review', kind: 'userTask', outgoing: ['charge'] },
  { id: 'charge', kind: 'serviceTask', outgoing: ['done'], jobType: 'charge' },
  { id: 'done', kind: 'endEvent', outgoing: [] },
]);
/** Version 2: renamed tasks, a new job type, and an audit subprocess. */
const target = definitionOf(
  2,
  2,
  [
    { id: 'start', kind: 'startEvent', outgoing: ['review-order'] },
    { id: 'review-order', kind: 'userTask', outgoing: ['charge-card'] },
    { id: 'charge-card', kind: 'serviceTask', outgoing: ['done'], jobType: 'charge-v2' },
    { id: 'done', kind: 'endEvent', outgoing: [] },
    { id: 'audit', kind: 'subProcess', outgoing: [] },
    { id: 'audit-start', kind: 'startEvent', scopeId: 'audit', outgoing: ['audit-review'] },
    { id: 'audit-review', kind: 'userTask', scopeId: 'audit', outgoing: [] },
  ],
  { name: 'Order v2', versionTag: 'v2' },
);
const otherTenant = definitionOf(3, 1, source.flowNodes, { tenantId: 'tenant-b' });
const all = [source, target, otherTenant];

const definitions: ProcessDefinitionStore = {
  putDefinition: async () => undefined,
  getDefinition: async (key) => all.find((definition) => definition.processDefinitionKey === key),
  findDefinition: async () => undefined,
  listDefinitions: async () => ({ definitions: all }),
};

const plan = (
  mappingInstructions: MigrationPlan['mappingInstructions'],
  targetKey = target.processDefinitionKey,
) => ({
  batchOperationKey: '500',
  parameters: { migrationPlan: { targetProcessDefinitionKey: targetKey, mappingInstructions } },
  now: NOW,
});

/** An instance of version 1 waiting at `charge`, with its job. */
function atCharge(): { instance: ProcessInstance; job: Job } {
  const base = processInstance(1, { processDefinitionKey: source.processDefinitionKey });
  const elementInstanceKey = keyFromSequence(2_000_001);
  const instance: ProcessInstance = {
    ...base,
    elementInstances: [
      { ...base.elementInstances[0], state: 'COMPLETED' },
      { elementInstanceKey, elementId: 'charge', state: 'ACTIVE' },
    ],
  };
  const job: Job = {
    jobKey: keyFromSequence(5_000_001),
    type: 'charge',
    state: 'ACTIVATABLE',
    retries: 3,
    processInstanceKey: instance.processInstanceKey,
    processDefinitionKey: source.processDefinitionKey,
    processDefinitionId: 'order-process',
    processDefinitionVersion: 1,
    elementId: 'charge',
    elementInstanceKey,
    tenantId: '<default>',
    creationTime: NOW,
    hasFailedWithRetriesLeft: false,
    revision: 0,
  };
  return { instance, job };
}

const depsWith = (jobs: Job[] = []) => ({
  engine: { openJobsOf: async () => jobs, getIncident: async () => undefined },
  definitions,
});

describe('migrating an instance (MIGRATE_PROCESS_INSTANCE)', () => {
  it('moves the instance, its active element instances and its jobs to the target definition', async () => {
    // Prepare
    const { instance, job } = atCharge();
    // Act
    const decision = await decideMigration(
      depsWith([job]),
      instance,
      plan([
        { sourceElementId: 'review', targetElementId: 'review-order' },
        { sourceElementId: 'charge', targetElementId: 'charge-card' },
      ]),
    );
    // Assess
    if (!('change' in decision)) throw new Error(decision.refused);
    const { instance: transition, jobs } = decision.change;
    expect(transition.after).toMatchObject({
      processDefinitionKey: target.processDefinitionKey,
      processDefinitionId: 'order-process',
      processDefinitionVersion: 2,
      processDefinitionName: 'Order v2',
      processDefinitionVersionTag: 'v2',
      batchOperationIds: ['500'],
    });
    // Finished element instances stay as history; the active one carries the target's id.
    expect(transition.after.elementInstances.map((element) => element.elementId)).toEqual([
      'review',
      'charge-card',
    ]);
    expect(jobs?.map(({ after }) => after)).toEqual([
      {
        ...job,
        processDefinitionKey: target.processDefinitionKey,
        processDefinitionVersion: 2,
        elementId: 'charge-card',
        type: 'charge-v2',
        revision: 1,
      },
    ]);
  });

  it('fails an instance with an active element the plan does not map, naming the element', async () => {
    const { instance } = atCharge();
    const decision = await decideMigration(
      depsWith(),
      instance,
      plan([{ sourceElementId: 'review', targetElementId: 'review-order' }]),
    );
    expect(decision).toEqual({
      refused: `Expected to migrate process instance with key '${instance.processInstanceKey}' to process definition with key '${target.processDefinitionKey}', but no mapping instruction is defined for active element 'charge'; elements cannot be migrated without a mapping`,
    });
  });

  it('fails a finished instance, a change of element type, and a move across tenants', async () => {
    const refusal = async (instance: ProcessInstance, targetElementId: string, targetKey?: string) => {
      const decision = await decideMigration(
        depsWith(),
        instance,
        plan([{ sourceElementId: 'charge', targetElementId }], targetKey),
      );
      return 'refused' in decision ? decision.refused : 'migrated';
    };
    const { instance } = atCharge();
    expect(await refusal({ ...instance, state: 'COMPLETED' }, 'charge-card')).toContain(
      'but it is COMPLETED: only ACTIVE instances can be migrated',
    );
    expect(await refusal(instance, 'review-order')).toContain(
      "active element 'charge' is a serviceTask and target element 'review-order' a userTask",
    );
    expect(await refusal(instance, 'charge', otherTenant.processDefinitionKey)).toContain(
      "the target belongs to tenant 'tenant-b'",
    );
  });
});

describe('validating a migration plan at creation', () => {
  const validate = (
    filter: unknown,
    mappingInstructions: MigrationPlan['mappingInstructions'],
    targetKey?: string,
  ) =>
    validateMigrationPlan(definitions, filter, {
      targetProcessDefinitionKey: targetKey ?? target.processDefinitionKey,
      mappingInstructions,
    });
  const filter = { processDefinitionKey: source.processDefinitionKey };

  it('accepts a plan whose elements exist on both sides', async () => {
    await expect(
      validate(filter, [{ sourceElementId: 'charge', targetElementId: 'charge-card' }]),
    ).resolves.toBeUndefined();
  });

  it('rejects a missing target definition, unknown elements and a source mapped twice, naming each', async () => {
    await expect(validate(filter, [], '4242')).rejects.toThrow(
      "migrationPlan.targetProcessDefinitionKey: no process definition with key '4242' exists",
    );
    await expect(
      validate(filter, [{ sourceElementId: 'charge', targetElementId: 'charge' }]),
    ).rejects.toThrow(
      "migrationPlan.mappingInstructions[0].targetElementId: target element 'charge' does not exist in target process definition 'order-process' version 2",
    );
    await expect(
      validate(filter, [
        { sourceElementId: 'charge', targetElementId: 'charge-card' },
        { sourceElementId: 'charge', targetElementId: 'review-order' },
      ]),
    ).rejects.toThrow(
      "migrationPlan.mappingInstructions[1].sourceElementId: source element 'charge' is mapped more than once (also in mappingInstructions[0])",
    );
    await expect(
      validate(filter, [{ sourceElementId: 'nowhere', targetElementId: 'charge-card' }]),
    ).rejects.toThrow(
      "migrationPlan.mappingInstructions[0].sourceElementId: source element 'nowhere' does not exist in process definition 'order-process' version 1",
    );
  });
});
