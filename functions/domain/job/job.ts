/**
 * A job's state as the engine keeps it (Zeebe's job states): ACTIVATABLE waits for a worker,
 * ACTIVATED is held by one until its deadline, FAILED has no retries left (an incident is open),
 * COMPLETED and CANCELED are final. Canceled: its element instance ended without it (e.g. the
 * instance was canceled).
 */
export const JOB_STATES = ['ACTIVATABLE', 'ACTIVATED', 'FAILED', 'COMPLETED', 'CANCELED'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** A job of a service task, the unit of work a worker activates, completes or fails. */
export interface Job {
  jobKey: string;
  type: string;
  state: JobState;
  retries: number;
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  processDefinitionVersion: number;
  elementId: string;
  elementInstanceKey: string;
  tenantId: string;
  creationTime: string;
  /** Who activated it last (ACTIVATED jobs and after). */
  worker?: string;
  /** Epoch ms until which the activating worker holds it; then it is activatable again (Zeebe's timeout). */
  deadline?: number;
  /** Epoch ms before which a failed job with retries left is not handed out again (retryBackOff). */
  retryAt?: number;
  errorMessage?: string;
  /**
   * The BPMN error code a worker threw (POST /v2/jobs/{jobKey}/error): set while the job is FAILED by
   * it (Camunda's ERROR_THROWN), dropped by the job's next failure.
   */
  errorCode?: string;
  /** Failed at least once and still has retries left (Camunda's `hasFailedWithRetriesLeft`). */
  hasFailedWithRetriesLeft: boolean;
  endTime?: string;
  /** Bumped by every change: the store applies a change only to the revision it was computed from. */
  revision: number;
  /** Job batches (UPDATE_JOB) that changed this job: what makes a redelivered item idempotent. */
  batchOperationIds?: string[];
}

/** A worker may take the job now: activatable (past its back-off), or activated past its deadline. */
export function isActivatable(job: Job, now: number): boolean {
  if (job.state === 'ACTIVATABLE') return (job.retryAt ?? 0) <= now;
  return job.state === 'ACTIVATED' && (job.deadline ?? 0) <= now;
}

/** A job a worker or an operator may still act on (complete, fail, update). */
export const isOpen = (job: Job) =>
  job.state === 'ACTIVATABLE' || job.state === 'ACTIVATED' || job.state === 'FAILED';
