import type { Incident } from '#domain/incident/incident.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import type { Job } from '#domain/job/job.ts';

/** A change from a record as read to what it must become; applied only if it is still as read. */
export interface Transition<T> {
  before: T;
  after: T;
}

/**
 * One step of the engine, written all or nothing: an instance created or changed, jobs and incidents
 * created or changed. Every change is conditional on the record being as the step read it, so two
 * steps racing on the same instance or job never both apply.
 */
export interface EngineChange {
  createInstance?: ProcessInstance;
  instance?: Transition<ProcessInstance>;
  createJobs?: readonly Job[];
  jobs?: readonly Transition<Job>[];
  createIncidents?: readonly Incident[];
  incidents?: readonly Transition<Incident>[];
  /**
   * The instance (`instance.before`, still conditional on being as read) is deleted: the store keeps
   * only a tombstone with `instance.after.batchOperationIds` until `expiresAt` (epoch seconds), so a
   * redelivered deletion recognizes its own work (see `ProcessInstanceStore.getTombstone`).
   */
  deleteInstance?: { deletedDate: string; expiresAt: number };
  /**
   * Records deleted with the instance. Deleted in the same transaction when it fits, otherwise
   * beforehand (idempotently, so a retried step deletes nothing twice) and the rest commits after.
   */
  deleteJobs?: readonly Job[];
  deleteIncidents?: readonly Incident[];
}

/** A page of jobs; `cursor` is absent on the last page. */
export interface JobPage {
  jobs: Job[];
  cursor?: string;
}

/** A page of incidents in key order; `cursor` is absent on the last page. */
export interface IncidentPage {
  incidents: Incident[];
  cursor?: string;
}

/** Where candidate incidents of a search are read from: one instance's, one state's, or all. */
export type IncidentAccess =
  | { kind: 'processInstance'; processInstanceKey: string }
  | { kind: 'state'; state: Incident['state'] }
  | { kind: 'all' };

/** The engine's records beyond the instance itself: jobs and incidents, and the steps that change them. */
export interface EngineStore {
  /**
   * Writes a step; false when a record was no longer as read (the caller reads again), or when a
   * record to create exists already.
   */
  commit(change: EngineChange): Promise<boolean>;
  getJob(jobKey: string): Promise<Job | undefined>;
  /**
   * Jobs of a type a worker may take at `now` (epoch ms), in the order they became takeable: activatable ones and activated
   * ones past their deadline. Candidates only (the index lags a little); the caller claims each with
   * a commit.
   */
  findActivatableJobs(type: string, now: number, page: { cursor?: string; limit: number }): Promise<JobPage>;
  /** The jobs of an instance that are not finished. */
  openJobsOf(processInstanceKey: string): Promise<Job[]>;
  /** Every job of an instance, finished ones included. */
  jobsOf(processInstanceKey: string): Promise<Job[]>;
  getIncident(incidentKey: string): Promise<Incident | undefined>;
  queryIncidents(access: IncidentAccess, page: { cursor?: string; limit: number }): Promise<IncidentPage>;
}
