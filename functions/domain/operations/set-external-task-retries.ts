import { z } from 'zod';
import { operationRequestSchema } from '#wire/batch-requests.ts';
import type { Incident } from '../incident/incident.ts';
import { withIncidents } from '../instance/engine-step.ts';
import type { Job } from '../job/job.ts';
import { MAX_JOBS_PER_INSTANCE, openJobsWaitingIn, retriesSchema, withRetries } from '../job/job-retries.ts';
import { markedBy, type StepOperation } from './operation-handler.ts';

/**
 * Extension (Camunda 7's setRetries batch for external tasks): the retries to set and, optionally,
 * the topic (this engine's job type) the external tasks must have.
 */
export const externalTaskRetriesParametersSchema = z
  .object({ retries: retriesSchema, topicName: z.string().min(1).optional() })
  .strict();

/**
 * Set external task retries, with Camunda 7's external-task rules. An external task is this engine's
 * service-task job (every job here is one), optionally only those of a topic (job type). Unlike
 * SET_JOB_RETRIES, a task that had failed for good gets going again: its JOB_NO_RETRIES incident is
 * resolved and the job becomes activatable, as Camunda 7 resolves an external task's incident when
 * its retries are set above 0. Jobs, incidents and the instance are one transaction.
 */
export const setExternalTaskRetries: StepOperation = {
  kind: 'step',
  type: 'SET_EXTERNAL_TASK_RETRIES',
  permission: 'CREATE_BATCH_OPERATION_SET_EXTERNAL_TASK_RETRIES',
  itemPermission: 'UPDATE_PROCESS_INSTANCE',
  creation: {
    path: '/v2/extensions/process-instances/external-task-retries',
    routeId: 'SetExternalTaskRetriesBatch',
    body: operationRequestSchema(externalTaskRetriesParametersSchema),
  },
  async decide(deps, instance, context) {
    const { retries, topicName } = externalTaskRetriesParametersSchema.parse(context.parameters);
    const key = instance.processInstanceKey;
    const what = `set the retries of the external tasks${topicName ? ` of topic '${topicName}'` : ''} of process instance with key '${key}'`;
    if (instance.state !== 'ACTIVE') {
      return {
        refused: `Expected to ${what}, but it is ${instance.state}: only ACTIVE instances have external tasks to retry`,
      };
    }
    const tasks = (await openJobsWaitingIn(deps.engine, instance)).filter(
      (job) => topicName === undefined || job.type === topicName,
    );
    if (tasks.length === 0) return { refused: `Expected to ${what}, but it has no open external tasks` };
    if (tasks.length > MAX_JOBS_PER_INSTANCE) {
      return {
        refused: `Expected to ${what}, but it has ${tasks.length} open external tasks, more than the ${MAX_JOBS_PER_INSTANCE} one step can change`,
      };
    }
    const retried = new Set(tasks.map((job) => job.jobKey));
    const stuck = (instance.incidents ?? []).filter(
      (open) => open.errorType === 'JOB_NO_RETRIES' && open.jobKey !== undefined && retried.has(open.jobKey),
    );
    const incidents: Incident[] = [];
    for (const open of stuck) {
      const incident = await deps.engine.getIncident(open.incidentKey);
      if (incident?.state === 'ACTIVE') incidents.push(incident);
    }
    const resolvedJobs = new Set(incidents.map((incident) => incident.jobKey));
    const jobs = tasks.map((job) => ({ before: job, after: retriedTask(job, retries, resolvedJobs) }));
    const remaining = (instance.incidents ?? []).filter(
      (open) => !incidents.some((incident) => incident.incidentKey === open.incidentKey),
    );
    return {
      change: {
        instance: {
          before: instance,
          after: markedBy(
            incidents.length > 0 ? withIncidents(instance, remaining) : instance,
            context.batchOperationKey,
          ),
        },
        jobs,
        incidents: incidents.map((incident) => ({
          before: incident,
          after: { ...incident, state: 'RESOLVED' },
        })),
      },
    };
  },
  missing: (key) =>
    `Expected to set the retries of the external tasks of process instance with key '${key}', but no such process instance was found`,
};

/** The task with its new retries; one that had failed for good (its incident resolved) can be taken again. */
function retriedTask(job: Job, retries: number, resolvedJobs: ReadonlySet<string | undefined>): Job {
  const after = withRetries(job, retries);
  return job.state === 'FAILED' && resolvedJobs.has(job.jobKey) ? { ...after, state: 'ACTIVATABLE' } : after;
}
