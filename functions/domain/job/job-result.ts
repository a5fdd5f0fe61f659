import type { Job } from './job.ts';

/** Camunda's JobStateEnum: the last thing that happened to a job, as its searches report it. */
export const JOB_RESULT_STATES = [
  'CANCELED',
  'COMPLETED',
  'CREATED',
  'ERROR_THROWN',
  'FAILED',
  'MIGRATED',
  'RETRIES_UPDATED',
  'TIMED_OUT',
] as const;
export type JobResultState = (typeof JOB_RESULT_STATES)[number];

/** Camunda's JobKindEnum and JobListenerEventTypeEnum: every job here is a BPMN element's. */
export const JOB_KINDS = [
  'BPMN_ELEMENT',
  'EXECUTION_LISTENER',
  'TASK_LISTENER',
  'AD_HOC_SUB_PROCESS',
] as const;
export const JOB_LISTENER_EVENT_TYPES = [
  'UNSPECIFIED',
  'BEFORE_ALL',
  'START',
  'END',
  'CANCEL',
  'CREATING',
  'ASSIGNING',
  'UPDATING',
  'COMPLETING',
  'CANCELING',
] as const;

/**
 * A job's state on the wire. The engine keeps where a job is (activatable, activated, failed,
 * finished), not the last command applied to it: an activatable or activated job reads CREATED (Camunda
 * has no ACTIVATED state; an activated job shows its worker and deadline), one that failed reads FAILED
 * (also with retries left, as after Zeebe's FAIL) or ERROR_THROWN (a BPMN error nothing caught), a finished one COMPLETED or CANCELED.
 */
export function jobResultState(job: Job): JobResultState {
  switch (job.state) {
    case 'ACTIVATABLE':
    case 'ACTIVATED':
      return job.hasFailedWithRetriesLeft ? 'FAILED' : 'CREATED';
    case 'FAILED':
      return job.errorCode === undefined ? 'FAILED' : 'ERROR_THROWN';
    case 'COMPLETED':
    case 'CANCELED':
      return job.state;
  }
}

/**
 * Camunda's JobSearchResult (8.10, read by 8.9 clients too): every field present, `null` where the
 * engine keeps no value (user-task listener fields, the call hierarchy's root, the last update time).
 */
export function toJobResult(job: Job, tags: readonly string[] = []) {
  return {
    jobKey: job.jobKey,
    type: job.type,
    worker: job.worker ?? '',
    state: jobResultState(job),
    kind: 'BPMN_ELEMENT' as const,
    listenerEventType: 'UNSPECIFIED' as const,
    retries: job.retries,
    // Jobs here have no priority (Camunda 8.10's default is 0).
    priority: 0,
    isDenied: null,
    deniedReason: null,
    hasFailedWithRetriesLeft: job.hasFailedWithRetriesLeft,
    errorCode: job.errorCode ?? null,
    errorMessage: job.errorMessage ?? null,
    customHeaders: {},
    deadline:
      job.state === 'ACTIVATED' && job.deadline !== undefined ? new Date(job.deadline).toISOString() : null,
    endTime: job.endTime ?? null,
    processDefinitionId: job.processDefinitionId,
    processDefinitionKey: job.processDefinitionKey,
    processInstanceKey: job.processInstanceKey,
    rootProcessInstanceKey: null,
    elementId: job.elementId,
    elementInstanceKey: job.elementInstanceKey,
    creationTime: job.creationTime,
    lastUpdateTime: null,
    tags: [...tags],
    tenantId: job.tenantId,
  };
}
export type JobResult = ReturnType<typeof toJobResult>;
