import { z } from 'zod';
import { InvalidArgumentError, InvalidStateError, NotFoundError } from '../errors.ts';
import { type EngineDeps, retryOnConflict } from '../instance/engine-step.ts';
import { isOpen, type Job } from './job.ts';

/**
 * Camunda's JobChangeset as this engine takes it: retries and the time-out (ms from now, for an
 * activated job). A field given as `null` is not changed (Camunda: "at least one field must be
 * non-null"). Camunda 8.10's `priority` is not taken: jobs here have no priority, and a 400 naming it
 * beats a silent no-op.
 */
export const jobChangesetSchema = z
  .object({
    // validateChangeset's rules below, as the OpenAPI document states them (meta: JSON Schema).
    retries: z.number().int().nullable().optional().meta({ minimum: 1 }),
    timeout: z.number().int().min(0).nullable().optional(),
  })
  .strict()
  .meta({
    anyOf: ['retries', 'timeout'].map((field) => ({
      required: [field],
      properties: { [field]: { type: 'integer' } },
    })),
  });

export interface JobChangeset {
  retries?: number | null;
  /** New time-out in ms from now, for an activated job. */
  timeout?: number | null;
}

/** The changeset's rule at the door: something to change, and retries positive (Zeebe refuses anything else). */
export function validateChangeset(changeset: JobChangeset, jobKey?: string): void {
  if (changeset.retries == null && changeset.timeout == null) {
    throw new InvalidArgumentError('changeset: set retries, timeout or both');
  }
  if (changeset.retries != null && changeset.retries < 1) {
    throw new InvalidArgumentError(
      `Expected to update retries for ${jobKey ? `job with key '${jobKey}'` : 'jobs'} with a positive amount of retries, but the amount given was '${changeset.retries}'`,
    );
  }
}

/**
 * The job as a changeset leaves it (its next revision), or the engine's reason why it cannot be
 * updated: it is finished, or a time-out is asked of a job no worker holds. Retries do not resolve an
 * incident by themselves, but make it resolvable.
 */
export function jobUpdatedBy(
  job: Job,
  changeset: JobChangeset,
  now: number,
): { job: Job } | { refused: string } {
  if (!isOpen(job)) {
    return { refused: `Expected to update job with key '${job.jobKey}', but it is in state '${job.state}'` };
  }
  if (changeset.timeout != null && job.state !== 'ACTIVATED') {
    return {
      refused: `Expected to update the timeout of job with key '${job.jobKey}', but it is in state '${job.state}', not ACTIVATED`,
    };
  }
  return {
    job: {
      ...job,
      ...(changeset.retries == null ? {} : { retries: changeset.retries }),
      ...(changeset.timeout == null ? {} : { deadline: now + changeset.timeout }),
      revision: job.revision + 1,
    },
  };
}

/**
 * Updates a job's retries and/or time-out (Camunda's PATCH /v2/jobs/{jobKey}): 404 for an unknown
 * job, 409 with the rule for one that cannot be updated.
 */
export async function updateJob(
  deps: Pick<EngineDeps, 'engine' | 'now'>,
  jobKey: string,
  changeset: JobChangeset,
): Promise<void> {
  validateChangeset(changeset, jobKey);
  await retryOnConflict(`update job with key '${jobKey}'`, async () => {
    const job = await deps.engine.getJob(jobKey);
    if (!job)
      throw new NotFoundError(`Expected to update job with key '${jobKey}', but no such job was found`);
    const updated = jobUpdatedBy(job, changeset, deps.now().getTime());
    if ('refused' in updated) throw new InvalidStateError(updated.refused);
    return deps.engine.commit({ jobs: [{ before: job, after: updated.job }] });
  });
}
