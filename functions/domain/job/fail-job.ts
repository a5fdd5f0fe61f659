import { javaStringHashCode } from '../incident/incident.ts';
import {
  type EngineDeps,
  retriesLeftWith,
  retryOnConflict,
  waitingElement,
  withIncidents,
  withVariables,
} from '../instance/engine-step.ts';
import type { OpenIncident } from '../instance/process-instance.ts';
import { openJob, refuseOrphan, refuseWhileSuspended } from './complete-job.ts';
import type { Job } from './job.ts';

export interface FailJobRequest {
  /** Retries the job has left (Camunda's default: 0). */
  retries?: number;
  errorMessage?: string;
  /** Milliseconds before a job with retries left may be activated again. */
  retryBackOff?: number;
  variables?: Record<string, unknown>;
}

/** Zeebe's incident message when the worker gave none. */
const NO_RETRIES_MESSAGE = 'No more retries left.';

/**
 * Fails a job as Zeebe does. With retries left it becomes activatable again (after `retryBackOff`)
 * and the instance shows `hasRetriesLeft`. With none, the job is FAILED and a JOB_NO_RETRIES
 * incident opens on its element: recorded as an incident, listed on the instance, and flagged with
 * `hasIncident` on the instance and the element instance. One transaction.
 */
export async function failJob(deps: EngineDeps, jobKey: string, request: FailJobRequest): Promise<void> {
  await retryOnConflict(`fail job with key '${jobKey}'`, async () => {
    const job = await openJob(deps, jobKey, 'fail');
    const now = deps.now();
    const instance = await deps.instances.getInstance(job.processInstanceKey);
    refuseWhileSuspended(instance, job, 'fail');
    if (!instance || !waitingElement(instance, job)) {
      return refuseOrphan(deps, job, now.toISOString(), 'fail');
    }
    const retries = request.retries ?? 0;
    const changed = withVariables(instance, request.variables);
    const { deadline: _deadline, retryAt: _retryAt, ...held } = job;
    if (retries > 0) {
      const failed: Job = {
        ...held,
        state: 'ACTIVATABLE',
        retries,
        ...(request.errorMessage ? { errorMessage: request.errorMessage } : {}),
        ...(request.retryBackOff ? { retryAt: now.getTime() + request.retryBackOff } : {}),
        hasFailedWithRetriesLeft: true,
        revision: job.revision + 1,
      };
      return deps.engine.commit({
        instance: { before: instance, after: { ...changed, hasRetriesLeft: true } },
        jobs: [{ before: job, after: failed }],
      });
    }
    const errorMessage = request.errorMessage || NO_RETRIES_MESSAGE;
    const failed: Job = {
      ...held,
      state: 'FAILED',
      retries: 0,
      errorMessage,
      hasFailedWithRetriesLeft: false,
      revision: job.revision + 1,
    };
    const [incidentKey] = await deps.keys.nextKeys(1);
    const open: OpenIncident = {
      incidentKey,
      elementId: job.elementId,
      elementInstanceKey: job.elementInstanceKey,
      errorType: 'JOB_NO_RETRIES',
      errorMessage,
      errorHashCode: javaStringHashCode(errorMessage),
      jobKey,
    };
    const hasRetriesLeft = await retriesLeftWith(deps.engine, instance, failed);
    const after = withIncidents({ ...changed, ...(hasRetriesLeft === undefined ? {} : { hasRetriesLeft }) }, [
      ...(instance.incidents ?? []),
      open,
    ]);
    return deps.engine.commit({
      instance: { before: instance, after },
      jobs: [{ before: job, after: failed }],
      createIncidents: [
        {
          incidentKey,
          processDefinitionId: instance.processDefinitionId,
          processDefinitionKey: instance.processDefinitionKey,
          processInstanceKey: instance.processInstanceKey,
          errorType: 'JOB_NO_RETRIES',
          errorMessage,
          elementId: job.elementId,
          elementInstanceKey: job.elementInstanceKey,
          creationTime: now.toISOString(),
          state: 'ACTIVE',
          tenantId: instance.tenantId,
          jobKey,
        },
      ],
    });
  });
}
