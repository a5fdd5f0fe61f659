import type { EngineChange, Transition } from '#ports/engine-store.ts';
import { javaStringHashCode } from '../incident/incident.ts';
import {
  type EngineDeps,
  retriesLeftWith,
  retryOnConflict,
  waitingElement,
  withIncidents,
  withVariables,
} from '../instance/engine-step.ts';
import type { OpenIncident, ProcessInstance } from '../instance/process-instance.ts';
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
    const { deadline: _deadline, retryAt: _retryAt, errorCode: _errorCode, ...held } = job;
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
    return deps.engine.commit(
      await withJobIncident(
        deps,
        { before: instance, after: changed },
        { before: job, after: failed },
        'JOB_NO_RETRIES',
        errorMessage,
      ),
    );
  });
}

/**
 * The step that leaves a job FAILED (`job.after`, from a job the instance waits on) with an incident
 * of the type open on its element: recorded as an incident, listed on the instance, and flagged with
 * `hasIncident` on the instance and the element instance. `change.after` is the instance with the
 * command's own changes (variables).
 */
export async function withJobIncident(
  deps: Pick<EngineDeps, 'engine' | 'keys' | 'now'>,
  change: Transition<ProcessInstance>,
  job: Transition<Job>,
  errorType: string,
  errorMessage: string,
): Promise<EngineChange> {
  const [incidentKey] = await deps.keys.nextKeys(1);
  const { jobKey, elementId, elementInstanceKey } = job.after;
  const open: OpenIncident = {
    incidentKey,
    elementId,
    elementInstanceKey,
    errorType,
    errorMessage,
    errorHashCode: javaStringHashCode(errorMessage),
    jobKey,
  };
  const instance = change.after;
  const hasRetriesLeft = await retriesLeftWith(deps.engine, change.before, job.after);
  const after = withIncidents({ ...instance, ...(hasRetriesLeft === undefined ? {} : { hasRetriesLeft }) }, [
    ...(instance.incidents ?? []),
    open,
  ]);
  return {
    instance: { before: change.before, after },
    jobs: [job],
    createIncidents: [
      {
        incidentKey,
        processDefinitionId: instance.processDefinitionId,
        processDefinitionKey: instance.processDefinitionKey,
        processInstanceKey: instance.processInstanceKey,
        errorType,
        errorMessage,
        elementId,
        elementInstanceKey,
        creationTime: deps.now().toISOString(),
        state: 'ACTIVE',
        tenantId: instance.tenantId,
        jobKey,
      },
    ],
  };
}
