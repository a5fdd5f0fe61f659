import { z } from 'zod';
import { type EngineDeps, retryOnConflict, waitingElement } from '../instance/engine-step.ts';
import { openJob, refuseOrphan, refuseWhileSuspended } from './complete-job.ts';
import { withJobIncident } from './fail-job.ts';
import type { Job } from './job.ts';

/** Camunda's JobErrorRequest. */
export const jobErrorSchema = z
  .object({
    errorCode: z.string().min(1),
    errorMessage: z
      .string()
      .nullish()
      .transform((message) => message ?? undefined),
    // Set where the error is caught; validated as Camunda does, nothing catches it here (see throwJobError below).
    variables: z.record(z.string(), z.unknown()).nullish(),
  })
  .strict();

export type ThrowJobErrorRequest = z.infer<typeof jobErrorSchema>;

/**
 * A worker throws a BPMN error for its job, as Zeebe handles one that nothing catches: this engine
 * runs no error events (deployment accepts none events only), so the error is never caught. The job
 * is left ERROR_THROWN (FAILED with its error code, its retries kept) and an UNHANDLED_ERROR_EVENT
 * incident with Zeebe's message opens on its element; resolving the incident makes the job
 * activatable again. Variables sent with the error would be set where it is caught: nowhere here.
 */
export async function throwJobError(
  deps: EngineDeps,
  jobKey: string,
  request: ThrowJobErrorRequest,
): Promise<void> {
  await retryOnConflict(`throw an error for job with key '${jobKey}'`, async () => {
    const job = await openJob(deps, jobKey, 'throw an error for');
    const instance = await deps.instances.getInstance(job.processInstanceKey);
    refuseWhileSuspended(instance, job, 'throw an error for');
    if (!instance || !waitingElement(instance, job)) {
      return refuseOrphan(deps, job, deps.now().toISOString(), 'throw an error for');
    }
    const { deadline: _deadline, retryAt: _retryAt, ...held } = job;
    const thrown: Job = {
      ...held,
      state: 'FAILED',
      errorCode: request.errorCode,
      ...(request.errorMessage ? { errorMessage: request.errorMessage } : {}),
      revision: job.revision + 1,
    };
    const incidentMessage = `Expected to throw an error event with the code '${request.errorCode}' with message '${request.errorMessage ?? ''}', but it was not caught. No error events are available in the scope.`;
    return deps.engine.commit(
      await withJobIncident(
        deps,
        { before: instance, after: instance },
        { before: job, after: thrown },
        'UNHANDLED_ERROR_EVENT',
        incidentMessage,
      ),
    );
  });
}
