import { InvalidStateError, NotFoundError } from '../errors.ts';
import { type EngineDeps, endedJob, retryOnConflict, withIncidents } from '../instance/engine-step.ts';
import type { Job } from '../job/job.ts';
import type { Incident } from './incident.ts';

/**
 * Resolves an incident as Camunda does. A JOB_NO_RETRIES incident is resolvable only once the job
 * has retries again (PATCH /v2/jobs/{jobKey} first); otherwise 409, as Camunda refuses it. Resolving
 * marks the incident RESOLVED, takes it off the instance (clearing `hasIncident` where no other
 * incident remains) and makes the job activatable again. An incident of an instance that ended
 * meanwhile is resolved too; its job is canceled instead.
 */
export async function resolveIncident(
  deps: Pick<EngineDeps, 'engine' | 'instances' | 'now'>,
  incidentKey: string,
): Promise<void> {
  await retryOnConflict(`resolve incident with key '${incidentKey}'`, async () => {
    const incident = await deps.engine.getIncident(incidentKey);
    if (!incident) {
      throw new NotFoundError(
        `Expected to resolve incident with key '${incidentKey}', but no such incident was found`,
      );
    }
    if (incident.state !== 'ACTIVE') {
      throw new InvalidStateError(
        `Expected to resolve incident with key '${incidentKey}', but it is ${incident.state} already`,
      );
    }
    const job = incident.jobKey ? await deps.engine.getJob(incident.jobKey) : undefined;
    if (incident.errorType === 'JOB_NO_RETRIES' && job && job.retries <= 0) {
      throw new InvalidStateError(
        `Expected to resolve incident with key '${incidentKey}', but job with key '${job.jobKey}' has no retries left; update its retries first (PATCH /v2/jobs/${job.jobKey} with changeset.retries)`,
      );
    }
    const now = deps.now().toISOString();
    const resolved: Incident = { ...incident, state: 'RESOLVED' };
    const instance = await deps.instances.getInstance(incident.processInstanceKey);
    const remaining = (instance?.incidents ?? []).filter((open) => open.incidentKey !== incidentKey);
    const jobs: { before: Job; after: Job }[] = [];
    if (job?.state === 'FAILED') {
      const after: Job =
        instance?.state === 'ACTIVE'
          ? { ...job, state: 'ACTIVATABLE', revision: job.revision + 1 }
          : endedJob(job, 'CANCELED', now);
      jobs.push({ before: job, after });
    }
    return deps.engine.commit({
      incidents: [{ before: incident, after: resolved }],
      ...(instance ? { instance: { before: instance, after: withIncidents(instance, remaining) } } : {}),
      jobs,
    });
  });
}
