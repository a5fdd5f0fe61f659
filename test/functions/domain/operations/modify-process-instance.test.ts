import { describe, expect, it } from 'vitest';
import type { Incident } from '#domain/incident/incident.ts';
import type { FlowNode } from '#domain/instance/flow-model.ts';
import type { ProcessDefinition } from '#domain/instance/process-definition.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import type { Job } from '#domain/job/job.ts';
import { keyFromSequence } from '#domain/keys.ts';
import { decideModification, validateModification } from '#domain/operations/modify-process-instance.ts';
import type { OperationDecision } from '#domain/operations/operation-handler.ts';
import type { DefinitionPage, ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import { processInstance } from '../../../helpers/process-instances.ts';

const NOW = '2026-01-02T00:00:00.000Z';

/** start → review (user task) → charge (service task, type "charge") → done; a subprocess beside. */
const nodes: FlowNode[] = [
  { id: 'start', kind: 'startEvent', outgoing: ['review'] },
  { id: 'review', kind: 'userTask', outgoing: ['charge'] },
  { id: 'charge', kind: 'serviceTask', outgoing: ['done'], jobType: 'charge', jobRetries: 2 },
  { id: 'done', kind: 'endEvent', outgoing: [] },
  { id: 'sub', kind: 'subProcess', outgoing: [] },
  { id: 'sub-start', kind: 'startEvent', scopeId: 'sub', outgoing: ['inner'] },
  { id: 'inner', kind: 'userTask', scopeId: 'sub', outgoing: [] },
];
const definition: ProcessDefinition = {
  processDefinitionKey: keyFromSequence(1),
  processDefinitionId: 'order-process',
  version: 1,
  tenantId: '<default>',
  resourceName: 'order.bpmn',
  elementIds: nodes.map((node) => node.id),
  flowNodes: nodes,
  bpmnXml: '',
};

/** The engine's reads from memory, and keys counted up from 9000. */
function depsWith(jobs: Job[] = [], incidents: Incident[] = []) {
  let next = 9000;
  return {
    engine: {
      openJobsOf: async () => jobs,
      getIncident: async (key: string) => incidents.find((incident) => incident.incidentKey === key),
    },
    definitions: {
      getDefinition: async (key: string) =>
        key === definition.processDefinitionKey ? definition : undefined,
    },
    keys: { nextKeys: async (count: number) => Array.from({ length: count }, () => String(next++)) },
  };
}

const context = (moveInstructions: { sourceElementId: string; targetElementId: string }[]) => ({
  batchOperationKey: '600',
  parameters: { moveInstructions },
  now: NOW,
});

function changeOf(decision: OperationDecision) {
  if (!('change' in decision)) throw new Error(`refused: ${decision.refused}`);
  return decision.change;
}

/** An instance waiting at `charge` whose job failed for good (incident open). */
function stuckAtCharge(): { instance: ProcessInstance; job: Job; incident: Incident } {
  const base = processInstance(1);
  const elementInstanceKey = keyFromSequence(2_000_001);
  const job: Job = {
    jobKey: keyFromSequence(5_000_001),
    type: 'charge',
    state: 'FAILED',
    retries: 0,
    processInstanceKey: base.processInstanceKey,
    processDefinitionKey: definition.processDefinitionKey,
    processDefinitionId: 'order-process',
    processDefinitionVersion: 1,
    elementId: 'charge',
    elementInstanceKey,
    tenantId: '<default>',
    creationTime: NOW,
    hasFailedWithRetriesLeft: false,
    revision: 2,
  };
  const incident: Incident = {
    incidentKey: keyFromSequence(6_000_001),
    processDefinitionId: 'order-process',
    processDefinitionKey: definition.processDefinitionKey,
    processInstanceKey: base.processInstanceKey,
    errorType: 'JOB_NO_RETRIES',
    errorMessage: 'declined',
    elementId: 'charge',
    elementInstanceKey,
    creationTime: NOW,
    state: 'ACTIVE',
    tenantId: '<default>',
    jobKey: job.jobKey,
  };
  const instance: ProcessInstance = {
    ...base,
    hasIncident: true,
    elementInstances: [
      { ...base.elementInstances[0], state: 'COMPLETED' },
      { elementInstanceKey, elementId: 'charge', state: 'ACTIVE', hasIncident: true },
    ],
    incidents: [
      {
        incidentKey: incident.incidentKey,
        elementId: 'charge',
        elementInstanceKey,
        errorType: 'JOB_NO_RETRIES',
        errorMessage: 'declined',
        errorHashCode: 1,
        jobKey: job.jobKey,
      },
    ],
  };
  return { instance, job, incident };
}

describe('moving tokens (MODIFY_PROCESS_INSTANCE)', () => {
  it('terminates the source element instance and activates the target, creating its job', async () => {
    // Prepare: an instance waiting at the user task `review`.
    const instance = processInstance(2);
    // Act
    const change = changeOf(
      await decideModification(
        depsWith(),
        instance,
        context([{ sourceElementId: 'review', targetElementId: 'charge' }]),
      ),
    );
    // Assess
    expect(change.instance.after.elementInstances).toEqual([
      { ...instance.elementInstances[0], state: 'TERMINATED' },
      { elementInstanceKey: '9000', elementId: 'charge', state: 'ACTIVE' },
    ]);
    expect(change.createJobs).toEqual([
      expect.objectContaining({ jobKey: '9001', type: 'charge', retries: 2, elementInstanceKey: '9000' }),
    ]);
    expect(change.instance.after.batchOperationIds).toEqual(['600']);
  });

  it('cancels the job and resolves the incident of a terminated element instance', async () => {
    const { instance, job, incident } = stuckAtCharge();
    const change = changeOf(
      await decideModification(
        depsWith([job], [incident]),
        instance,
        context([{ sourceElementId: 'charge', targetElementId: 'review' }]),
      ),
    );
    expect(change.jobs?.map(({ after }) => after.state)).toEqual(['CANCELED']);
    expect(change.incidents?.map(({ after }) => after.state)).toEqual(['RESOLVED']);
    expect(change.instance.after).toMatchObject({ hasIncident: false, incidents: [] });
    expect(change.instance.after.elementInstances.filter((element) => element.state === 'ACTIVE')).toEqual([
      { elementInstanceKey: '9000', elementId: 'review', state: 'ACTIVE' },
    ]);
  });

  it('completes the instance when the token is moved to an end event', async () => {
    const change = changeOf(
      await decideModification(
        depsWith(),
        processInstance(3),
        context([{ sourceElementId: 'review', targetElementId: 'done' }]),
      ),
    );
    expect(change.instance.after).toMatchObject({ state: 'COMPLETED', endDate: NOW });
  });

  it('applies only the instructions whose source holds a token', async () => {
    const change = changeOf(
      await decideModification(
        depsWith(),
        processInstance(4),
        context([
          { sourceElementId: 'charge', targetElementId: 'done' },
          { sourceElementId: 'review', targetElementId: 'inner' },
        ]),
      ),
    );
    // The target inside the subprocess opens the subprocess first.
    expect(
      change.instance.after.elementInstances
        .filter((element) => element.state === 'ACTIVE')
        .map((element) => element.elementId),
    ).toEqual(['sub', 'inner']);
  });

  it('refuses an instance without a token at any source, naming the sources', async () => {
    const instance = processInstance(5);
    const decision = await decideModification(
      depsWith(),
      instance,
      context([{ sourceElementId: 'charge', targetElementId: 'review' }]),
    );
    expect(decision).toEqual({
      refused: `Expected to modify process instance with key '${instance.processInstanceKey}', but it has no active element instance at any source element ('charge') to move a token from`,
    });
  });

  it('refuses a finished instance, a missing or start-event target, and a subprocess source', async () => {
    const refusal = async (instance: ProcessInstance, sourceElementId: string, targetElementId: string) => {
      const decision = await decideModification(
        depsWith(),
        instance,
        context([{ sourceElementId, targetElementId }]),
      );
      return 'refused' in decision ? decision.refused : 'applied';
    };
    expect(await refusal(processInstance(6, { state: 'TERMINATED' }), 'review', 'charge')).toContain(
      'but it is TERMINATED: only ACTIVE and SUSPENDED instances can be modified',
    );
    expect(await refusal(processInstance(7), 'review', 'nowhere')).toContain(
      "target element 'nowhere' does not exist in process definition 'order-process' version 1",
    );
    expect(await refusal(processInstance(8), 'review', 'start')).toContain("'start' is a start event");
    expect(await refusal(processInstance(9), 'sub', 'review')).toContain(
      "source element 'sub' is a subprocess",
    );
  });
});

describe('validating move instructions at creation', () => {
  const definitions: ProcessDefinitionStore = {
    putDefinition: async () => undefined,
    getDefinition: async (key) => (key === definition.processDefinitionKey ? definition : undefined),
    findDefinition: async () => definition,
    listDefinitions: async (): Promise<DefinitionPage> => ({ definitions: [definition] }),
  };

  it('rejects a target the pinned definition lacks, naming the instruction and the definition', async () => {
    await expect(
      validateModification(definitions, { processDefinitionId: 'order-process' }, [
        { sourceElementId: 'review', targetElementId: 'charge' },
        { sourceElementId: 'review', targetElementId: 'nowhere' },
      ]),
    ).rejects.toThrow(
      `moveInstructions[1].targetElementId: target element 'nowhere' does not exist in process definition 'order-process' version 1 (key '${definition.processDefinitionKey}')`,
    );
    await expect(
      validateModification(definitions, { processDefinitionKey: { $eq: definition.processDefinitionKey } }, [
        { sourceElementId: 'review', targetElementId: 'start' },
      ]),
    ).rejects.toThrow('is a start event');
  });

  it('accepts valid targets, and leaves a filter that pins no definition to the items', async () => {
    await expect(
      validateModification(definitions, { processDefinitionKey: definition.processDefinitionKey }, [
        { sourceElementId: 'review', targetElementId: 'charge' },
      ]),
    ).resolves.toBeUndefined();
    await expect(
      validateModification(definitions, { state: 'ACTIVE' }, [
        { sourceElementId: 'review', targetElementId: 'nowhere' },
      ]),
    ).resolves.toBeUndefined();
  });
});
