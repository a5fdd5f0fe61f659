import { z } from 'zod';
import { operationRequestSchema } from '#wire/batch-requests.ts';
import { MAX_JOBS_PER_INSTANCE, openJobsWaitingIn, retriesSchema, withRetries } from '../job/job-retries.ts';
import { markedBy, type StepOperation } from './operation-handler.ts';

/** Extension (Camunda 7's setJobRetries batch): the retries to set. */
export const jobRetriesParametersSchema = z.object({ retries: retriesSchema }).strict();

/**
 * Set job retries: every open job of the instance gets the retries, as PATCH /v2/jobs/{jobKey} does
 * for one job. Like that endpoint (and unlike Camunda 7), it does not resolve a JOB_NO_RETRIES
 * incident: the job stays FAILED until the incident is resolved, which the new retries now allow.
 * The jobs and the instance's batch mark are one transaction: all of an instance's jobs or none.
 */
export const setJobRetries: StepOperation = {
  kind: 'step',
  type: 'SET_JOB_RETRIES',
  permission: 'CREATE_BATCH_OPERATION_SET_JOB_RETRIES',
  itemPermission: 'UPDATE_PROCESS_INSTANCE',
  creation: {
    path: '/v2/extensions/process-instances/job-retries',
    routeId: 'SetJobRetriesBatch',
    body: operationRequestSchema(jobRetriesParametersSchema),
  },
  async decide(deps, instance, context) {
    const { retries } = jobRetriesParametersSchema.parse(context.parameters);
    const key = instance.processInstanceKey;
    if (instance.state !== 'ACTIVE') {
      return {
        refused: `Expected to set the retries of the jobs of process instance with key '${key}', but it is ${instance.state}: only ACTIVE instances have jobs to retry`,
      };
    }
    const jobs = await openJobsWaitingIn(deps.engine, instance);
    if (jobs.length === 0) {
      return {
        refused: `Expected to set the retries of the jobs of process instance with key '${key}', but it has no open jobs`,
      };
    }
    if (jobs.length > MAX_JOBS_PER_INSTANCE) {
      return {
        refused: `Expected to set the retries of the jobs of process instance with key '${key}', but it has ${jobs.length} open jobs, more than the ${MAX_JOBS_PER_INSTANCE} one step can change`,
      };
    }
    return {
      change: {
        instance: { before: instance, after: markedBy(instance, context.batchOperationKey) },
        jobs: jobs.map((job) => ({ before: job, after: withRetries(job, retries) })),
      },
    };
  },
  missing: (key) =>
    `Expected to set the retries of the jobs of process instance with key '${key}', but no such process instance was found`,
};
