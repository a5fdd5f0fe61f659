import type { EngineStore } from '#ports/engine-store.ts';
import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';
import { endedJob, waitingElement } from '../instance/engine-step.ts';
import type { ProcessInstance } from '../instance/process-instance.ts';
import { isActivatable, type Job } from './job.ts';

export interface ActivateJobsRequest {
  type: string;
  maxJobsToActivate: number;
  /** Milliseconds the worker holds the jobs; then they are activatable again. */
  timeout: number;
  worker?: string;
  /** Variable names to hand over; all when absent. */
  fetchVariable?: string[];
  /** Tenants whose jobs to take; every tenant when absent. */
  tenantIds?: string[];
}

/** Candidates read per index page: a few more than asked, as some may be taken meanwhile. */
const CANDIDATE_PAGE_MIN = 10;
/** At most this many per page, however many are asked for: a page is read whole (DynamoDB's Query `Limit`). */
const CANDIDATE_PAGE_MAX = 1000;

/**
 * Hands a worker up to `maxJobsToActivate` jobs of a type, in the order they became takeable: activatable ones (past any
 * retry back-off) and activated ones whose worker's time-out passed. Each is claimed with a
 * conditional write, so two workers never get the same job. A job whose instance no longer waits at
 * its element (a cancel writes only the instance) is canceled here instead of handed out. Answers at
 * once, also when there are none (no long polling).
 */
export async function activateJobs(
  deps: { engine: EngineStore; instances: ProcessInstanceStore; now: () => Date },
  request: ActivateJobsRequest,
  /** Only jobs the caller may work on are handed out; the others stay for their own workers. */
  allowed: (job: Job) => boolean = () => true,
) {
  const now = deps.now();
  const nowMs = now.getTime();
  const instances = new Map<string, Promise<ProcessInstance | undefined>>();
  const activated: { job: Job; instance: ProcessInstance }[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.engine.findActivatableJobs(request.type, nowMs, {
      cursor,
      limit: Math.min(CANDIDATE_PAGE_MAX, Math.max(CANDIDATE_PAGE_MIN, 2 * request.maxJobsToActivate)),
    });
    for (const job of page.jobs) {
      if (activated.length >= request.maxJobsToActivate) break;
      if (!isActivatable(job, nowMs)) continue;
      if (request.tenantIds && !request.tenantIds.includes(job.tenantId)) continue;
      if (!allowed(job)) continue;
      if (!instances.has(job.processInstanceKey)) {
        instances.set(job.processInstanceKey, deps.instances.getInstance(job.processInstanceKey));
      }
      const instance = await instances.get(job.processInstanceKey);
      // A suspended instance's jobs wait, untouched, until it is resumed.
      if (instance?.state === 'SUSPENDED') continue;
      if (!instance || !waitingElement(instance, job)) {
        await deps.engine.commit({
          jobs: [{ before: job, after: endedJob(job, 'CANCELED', now.toISOString()) }],
        });
        continue;
      }
      const { retryAt: _retryAt, ...rest } = job;
      const claimed: Job = {
        ...rest,
        state: 'ACTIVATED',
        worker: request.worker ?? '',
        deadline: nowMs + request.timeout,
        revision: job.revision + 1,
      };
      // Lost to another worker (or the index showed an older revision): skip it.
      if (await deps.engine.commit({ jobs: [{ before: job, after: claimed }] })) {
        activated.push({ job: claimed, instance });
      }
    }
    cursor = page.cursor;
  } while (cursor && activated.length < request.maxJobsToActivate);
  return { jobs: activated.map(({ job, instance }) => toActivatedJob(job, instance, request.fetchVariable)) };
}

/** Camunda 8's ActivatedJobResult. */
function toActivatedJob(job: Job, instance: ProcessInstance, fetchVariable?: string[]) {
  const names = fetchVariable ?? Object.keys(instance.variables);
  const variables = Object.fromEntries(
    names
      .filter((name) => instance.variables[name] !== undefined)
      .map((name) => [name, JSON.parse(instance.variables[name]) as unknown]),
  );
  return {
    jobKey: job.jobKey,
    type: job.type,
    processInstanceKey: job.processInstanceKey,
    processDefinitionKey: job.processDefinitionKey,
    processDefinitionId: job.processDefinitionId,
    processDefinitionVersion: job.processDefinitionVersion,
    elementId: job.elementId,
    elementInstanceKey: job.elementInstanceKey,
    customHeaders: {},
    worker: job.worker ?? '',
    retries: job.retries,
    deadline: job.deadline ?? 0,
    variables,
    tenantId: job.tenantId,
    kind: 'BPMN_ELEMENT',
    listenerEventType: 'UNSPECIFIED',
    tags: instance.tags,
    // The store keeps no call hierarchy; jobs here are never user-task listeners.
    rootProcessInstanceKey: null,
    userTask: null,
  };
}
