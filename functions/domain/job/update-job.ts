import { InvalidArgumentError, InvalidStateError, NotFoundError } from '../errors.ts';
import { type EngineDeps, retryOnConflict } from '../instance/engine-step.ts';
import { isOpen, type Job } from './job.ts';

export interface JobChangeset {
  retries?: number;
  /** New time-out in ms from now, for an activated job. */
  timeout?: number;
}

/**
 * Updates a job's retries and/or time-out (Camunda's PATCH /v2/jobs/{jobKey}). Retries must be
 * positive (Zeebe refuses anything else); they do not resolve an incident by themselves, but make it
 * resolvable. The time-out applies to an activated job only: its deadline moves to now + timeout.
 */
export async function updateJob(
  deps: Pick<EngineDeps, 'engine' | 'now'>,
  jobKey: string,
  changeset: JobChangeset,
): Promise<void> {
  if (changeset.retries === undefined && changeset.timeout === undefined) {
    throw new InvalidArgumentError('changeset: set retries, timeout or both');
  }
  if (changeset.retries !== undefined && changeset.retries < 1) {
    throw new InvalidArgumentError(
      `Expected to update retries for job with key '${jobKey}' with a positive amount of retries, but the amount given was '${changeset.retries}'`,
    );
  }
  await retryOnConflict(`update job with key '${jobKey}'`, async () => {
    const job = await deps.engine.getJob(jobKey);
    if (!job)
      throw new NotFoundError(`Expected to update job with key '${jobKey}', but no such job was found`);
    if (!isOpen(job)) {
      throw new InvalidStateError(
        `Expected to update job with key '${jobKey}', but it is in state '${job.state}'`,
      );
    }
    if (changeset.timeout !== undefined && job.state !== 'ACTIVATED') {
      throw new InvalidStateError(
        `Expected to update the timeout of job with key '${jobKey}', but it is in state '${job.state}', not ACTIVATED`,
      );
    }
    const after: Job = {
      ...job,
      ...(changeset.retries === undefined ? {} : { retries: changeset.retries }),
      ...(changeset.timeout === undefined ? {} : { deadline: deps.now().getTime() + changeset.timeout }),
      revision: job.revision + 1,
    };
    return deps.engine.commit({ jobs: [{ before: job, after }] });
  });
}
