import { describe, expect, it } from 'vitest';
import type { Incident } from '#domain/incident/incident.ts';
import type { OpenIncident, ProcessInstance } from '#domain/instance/process-instance.ts';
import type { Job } from '#domain/job/job.ts';
import { keyFromSequence } from '#domain/keys.ts';
import { operationHandlerFor } from '#domain/operations/registry.ts';
import { decideIncidentResolution, resolveIncident } from '#domain/operations/resolve-incident.ts';
import { processInstance } from '../../../helpers/process-instances.ts';

const NOW = '2026-01-02T00:00:00.000Z';
const context = { batchOperationKey: '700', now: NOW };

/** An instance waiting at `charge` with a JOB_NO_RETRIES incident, its incident record and its failed job. */
function failedAtCharge(sequence: number, overrides: Partial<ProcessInstance> = {}) {
  const base = processInstance(sequence);
  const elementInstanceKey = base.elementInstances[0].elementInstanceKey;
  const jobKey = keyFromSequence(5_000_000 + sequence);
  const open: OpenIncident = {
    incidentKey: keyFromSequence(6_000_000 + sequence),
    elementId: 'review',
    elementInstanceKey,
    errorType: 'JOB_NO_RETRIES',
    errorMessage: 'card declined',
    errorHashCode: 1,
    jobKey,
  };
  const instance: ProcessInstance = {
    ...base,
    hasIncident: true,
    incidents: [open],
    elementInstances: [{ ...base.elementInstances[0], hasIncident: true }],
    ...overrides,
  };
  const incident: Incident = {
    incidentKey: open.incidentKey,
    processDefinitionId: instance.processDefinitionId,
    processDefinitionKey: instance.processDefinitionKey,
    processInstanceKey: instance.processInstanceKey,
    errorType: 'JOB_NO_RETRIES',
    errorMessage: 'card declined',
    elementId: 'review',
    elementInstanceKey,
    creationTime: NOW,
    state: 'ACTIVE',
    tenantId: instance.tenantId,
    jobKey,
  };
  const job: Job = {
    jobKey,
    type: 'charge',
    state: 'FAILED',
    retries: 0,
    processInstanceKey: instance.processInstanceKey,
    processDefinitionKey: instance.processDefinitionKey,
    processDefinitionId: instance.processDefinitionId,
    processDefinitionVersion: 1,
    elementId: 'review',
    elementInstanceKey,
    tenantId: instance.tenantId,
    creationTime: NOW,
    errorMessage: 'card declined',
    hasFailedWithRetriesLeft: false,
    revision: 3,
  };
  return { instance, incident, job };
}

/** The engine's reads, from records held in memory (the decision only reads). */
function engineWith(incidents: Incident[], jobs: Job[]) {
  return {
    engine: {
      getIncident: async (key: string) => incidents.find((incident) => incident.incidentKey === key),
      getJob: async (key: string) => jobs.find((job) => job.jobKey === key),
    },
  };
}

describe('resolving the incidents of an instance (RESOLVE_INCIDENT)', () => {
  it('resolves every open incident, gives a job without retries 1 back and clears the incident flags', async () => {
    // Prepare: two incidents, the second one's job had its retries updated already.
    const first = failedAtCharge(1);
    const second = failedAtCharge(2);
    const instance: ProcessInstance = {
      ...first.instance,
      incidents: [...(first.instance.incidents ?? []), ...(second.instance.incidents ?? [])],
    };
    const updatedJob = { ...second.job, retries: 4 };
    // Act
    const decision = await decideIncidentResolution(
      engineWith([first.incident, second.incident], [first.job, updatedJob]),
      instance,
      context,
    );
    // Assess
    if (!('change' in decision)) throw new Error(`refused: ${decision.refused}`);
    const { instance: transition, incidents, jobs } = decision.change;
    expect(transition.after).toMatchObject({ hasIncident: false, incidents: [], batchOperationIds: ['700'] });
    expect(transition.after.elementInstances.every((element) => !element.hasIncident)).toBe(true);
    expect(incidents?.map(({ after }) => [after.incidentKey, after.state])).toEqual([
      [first.incident.incidentKey, 'RESOLVED'],
      [second.incident.incidentKey, 'RESOLVED'],
    ]);
    expect(jobs?.map(({ after }) => [after.state, after.retries, after.revision])).toEqual([
      ['ACTIVATABLE', 1, 4],
      ['ACTIVATABLE', 4, 4],
    ]);
  });

  it('refuses an instance without an open incident', async () => {
    const instance = processInstance(3);
    const decision = await decideIncidentResolution(engineWith([], []), instance, context);
    expect(decision).toEqual({
      refused: `Expected to resolve the incidents of process instance with key '${instance.processInstanceKey}', but it has no open incident`,
    });
  });

  it('cancels the job instead when the instance has ended', async () => {
    const { instance, incident, job } = failedAtCharge(4, { state: 'TERMINATED', endDate: NOW });
    const decision = await decideIncidentResolution(engineWith([incident], [job]), instance, context);
    if (!('change' in decision)) throw new Error(`refused: ${decision.refused}`);
    expect(decision.change.jobs?.[0].after).toMatchObject({ state: 'CANCELED', endTime: NOW });
  });

  it('is the registered step of RESOLVE_INCIDENT batches', () => {
    expect(operationHandlerFor('RESOLVE_INCIDENT')).toBe(resolveIncident);
    expect(resolveIncident.kind).toBe('step');
  });
});
