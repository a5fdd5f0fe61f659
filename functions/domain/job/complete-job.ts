import { InvalidStateError, NotFoundError } from '../errors.ts';
import { flowNodesOf } from '../instance/definition-flow.ts';
import {
  type EngineDeps,
  endedJob,
  retriesLeftWith,
  retryOnConflict,
  waitingElement,
  withVariables,
} from '../instance/engine-step.ts';
import type { ProcessInstance } from '../instance/process-instance.ts';
import { completeElement, withAllocatedKeys } from '../instance/token-flow.ts';
import type { Job } from './job.ts';

export interface CompleteJobRequest {
  variables?: Record<string, unknown>;
}

/**
 * Completes a job: its variables are merged into the instance's, its element instance completes and
 * the token moves on (to the next task, creating its job, or to an end that completes the instance).
 * Job, instance and new jobs are written in one transaction. A job already completed, failed without
 * retries, or canceled is refused with 409.
 */
export async function completeJob(
  deps: EngineDeps,
  jobKey: string,
  request: CompleteJobRequest,
): Promise<void> {
  await retryOnConflict(`complete job with key '${jobKey}'`, async () => {
    const job = await openJob(deps, jobKey, 'complete');
    const now = deps.now().toISOString();
    const instance = await deps.instances.getInstance(job.processInstanceKey);
    refuseWhileSuspended(instance, job, 'complete');
    if (!instance || !waitingElement(instance, job)) {
      return refuseOrphan(deps, job, now, 'complete');
    }
    const definition = await deps.definitions.getDefinition(instance.processDefinitionKey);
    if (!definition) {
      throw new InvalidStateError(
        `Expected to complete job with key '${jobKey}', but its process definition '${instance.processDefinitionKey}' is gone`,
      );
    }
    const nodes = await flowNodesOf(definition);
    const completed = endedJob(job, 'COMPLETED', now);
    const { instance: moved, jobs } = await withAllocatedKeys(
      (count) => deps.keys.nextKeys(count),
      (nextKey) =>
        completeElement(
          { nodes, now, nextKey },
          withVariables(instance, request.variables),
          job.elementInstanceKey,
        ),
    );
    const hasRetriesLeft = await retriesLeftWith(deps.engine, instance, completed);
    return deps.engine.commit({
      instance: {
        before: instance,
        after: { ...moved, ...(hasRetriesLeft === undefined ? {} : { hasRetriesLeft }) },
      },
      jobs: [{ before: job, after: completed }],
      createJobs: jobs,
    });
  });
}

/** What a worker does to a job, as the refusals name it. */
export type JobCommandVerb = 'complete' | 'fail' | 'throw an error for';

/** The job, if a worker may still complete or fail it (or throw an error for it): 404 when unknown, 409 in any other state. */
export async function openJob(deps: EngineDeps, jobKey: string, verb: JobCommandVerb): Promise<Job> {
  const job = await deps.engine.getJob(jobKey);
  if (!job)
    throw new NotFoundError(`Expected to ${verb} job with key '${jobKey}', but no such job was found`);
  if (job.state !== 'ACTIVATABLE' && job.state !== 'ACTIVATED') {
    throw new InvalidStateError(
      `Expected to ${verb} job with key '${jobKey}', but it is in state '${job.state}'`,
    );
  }
  return job;
}

/**
 * A suspended instance takes no step: a job activated before the suspension can be neither completed
 * nor failed (nor throw an error) until the instance is resumed (409 naming the rule; the job stays ACTIVATED).
 */
export function refuseWhileSuspended(
  instance: ProcessInstance | undefined,
  job: Job,
  verb: JobCommandVerb,
): void {
  if (instance?.state !== 'SUSPENDED') return;
  throw new InvalidStateError(
    `Expected to ${verb} job with key '${job.jobKey}', but its process instance '${job.processInstanceKey}' is SUSPENDED: resume it first`,
  );
}

/**
 * A job whose instance ended or left its element without it (a cancel writes only the instance):
 * the job is canceled now, and the command refused. Returns false when the cancel lost a race.
 */
export async function refuseOrphan(
  deps: EngineDeps,
  job: Job,
  now: string,
  verb: JobCommandVerb,
): Promise<boolean> {
  if (!(await deps.engine.commit({ jobs: [{ before: job, after: endedJob(job, 'CANCELED', now) }] })))
    return false;
  throw new InvalidStateError(
    `Expected to ${verb} job with key '${job.jobKey}', but its process instance '${job.processInstanceKey}' no longer waits at '${job.elementId}'; the job is canceled`,
  );
}
