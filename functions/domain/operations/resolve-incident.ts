import type { EngineStore, Transition } from '#ports/engine-store.ts';
import { filterBatchRequestSchema } from '#wire/batch-requests.ts';
import type { Incident } from '../incident/incident.ts';
import { endedJob, withIncidents } from '../instance/engine-step.ts';
import type { ProcessInstance } from '../instance/process-instance.ts';
import type { Job } from '../job/job.ts';
import {
  markedBy,
  type OperationContext,
  type OperationDecision,
  type StepOperation,
} from './operation-handler.ts';

/**
 * Incidents one step resolves at most: each takes the incident's and its job's write, plus the
 * instance's, within a transaction's 100 writes (DDB_TRANSACT_MAX).
 */
export const MAX_INCIDENTS_PER_STEP = 49;

/**
 * Resolves every open incident of an instance in one step, as the single resolution does for one
 * (functions/domain/incident/resolve-incident.ts), except that a JOB_NO_RETRIES incident's job
 * without retries gets 1 back first, as Zeebe's batch resolution does: the job becomes activatable
 * again (canceled instead when the instance has ended). An instance without an open incident fails.
 */
export async function decideIncidentResolution(
  deps: { engine: Pick<EngineStore, 'getIncident' | 'getJob'> },
  instance: ProcessInstance,
  context: Pick<OperationContext, 'batchOperationKey' | 'now'>,
): Promise<OperationDecision> {
  const open = instance.incidents ?? [];
  const key = instance.processInstanceKey;
  if (open.length === 0) {
    return {
      refused: `Expected to resolve the incidents of process instance with key '${key}', but it has no open incident`,
    };
  }
  if (open.length > MAX_INCIDENTS_PER_STEP) {
    return {
      refused: `Expected to resolve the incidents of process instance with key '${key}', but it has ${open.length} open incidents, more than the ${MAX_INCIDENTS_PER_STEP} one step resolves; resolve some one by one (POST /v2/incidents/{incidentKey}/resolution)`,
    };
  }
  const incidents: Transition<Incident>[] = [];
  const jobs: Transition<Job>[] = [];
  for (const { incidentKey, jobKey } of open) {
    const incident = await deps.engine.getIncident(incidentKey);
    if (incident?.state === 'ACTIVE')
      incidents.push({ before: incident, after: { ...incident, state: 'RESOLVED' } });
    const job = jobKey ? await deps.engine.getJob(jobKey) : undefined;
    if (job?.state !== 'FAILED') continue;
    const after: Job =
      instance.state === 'ACTIVE'
        ? { ...job, state: 'ACTIVATABLE', retries: Math.max(job.retries, 1), revision: job.revision + 1 }
        : endedJob(job, 'CANCELED', context.now);
    jobs.push({ before: job, after });
  }
  return {
    change: {
      instance: { before: instance, after: markedBy(withIncidents(instance, []), context.batchOperationKey) },
      incidents,
      jobs,
    },
  };
}

export const resolveIncident: StepOperation = {
  kind: 'step',
  type: 'RESOLVE_INCIDENT',
  permission: 'CREATE_BATCH_OPERATION_RESOLVE_INCIDENT',
  itemPermission: 'UPDATE_PROCESS_INSTANCE',
  creation: {
    path: '/v2/process-instances/incident-resolution',
    routeId: 'ResolveIncidentsBatch',
    body: filterBatchRequestSchema,
  },
  decide: (deps, instance, context) => decideIncidentResolution(deps, instance, context),
  missing: (key) =>
    `Expected to resolve the incidents of process instance with key '${key}', but no such process instance was found`,
};
