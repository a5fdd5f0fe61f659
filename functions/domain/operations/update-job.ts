import { z } from 'zod';
import { batchControlsSchema } from '../batch/batch-operation.ts';
import { jobChangesetSchema, jobUpdatedBy, validateChangeset } from '../job/update-job.ts';
import type { JobOperation } from './operation-handler.ts';

/** The type's own request fields, stored with the batch as its parameters. */
export const updateJobParametersSchema = z.object({
  changeset: jobChangesetSchema.superRefine((changeset, context) => {
    try {
      validateChangeset(changeset);
    } catch (error) {
      context.addIssue({ code: 'custom', message: (error as Error).message.replace(/^changeset: /, '') });
    }
  }),
});

/**
 * Update jobs (Camunda 8.10, `POST /v2/jobs/batch-update`): every job the JobFilter matches gets the
 * changeset (retries, time-out), as PATCH /v2/jobs/{jobKey} gives it to one job and by the same rule:
 * a finished job, or a time-out for a job no worker holds, fails its item with the engine's reason.
 * Its items are jobs (item key: the job key), one conditional write each.
 */
export const updateJob: JobOperation = {
  kind: 'job',
  type: 'UPDATE_JOB',
  permission: 'CREATE_BATCH_OPERATION_UPDATE_JOB',
  // Camunda's job update asks UPDATE_PROCESS_INSTANCE on the job's process definition.
  itemPermission: 'UPDATE_PROCESS_INSTANCE',
  creation: {
    path: '/v2/jobs/batch-update',
    routeId: 'UpdateJobsBatch',
    // Camunda's JobBatchUpdateRequest: a JobFilter (required, validated by the job item source), the
    // changeset, and operationReference (taken to correlate the request; nothing reads it back); plus
    // this service's optional controls, as on every batch.
    body: z
      .object({
        filter: z.record(z.string(), z.unknown()),
        ...updateJobParametersSchema.shape,
        ...batchControlsSchema.shape,
        operationReference: z.number().int().min(1).optional(),
      })
      .strict(),
  },
  decide(job, context) {
    const { changeset } = updateJobParametersSchema.parse(context.parameters);
    return jobUpdatedBy(job, changeset, Date.parse(context.now));
  },
  missing: (jobKey) => `Expected to update job with key '${jobKey}', but no such job was found`,
};
