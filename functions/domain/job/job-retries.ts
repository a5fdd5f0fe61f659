import { z } from 'zod';
import type { EngineStore } from '#ports/engine-store.ts';
import { waitingElement } from '../instance/engine-step.ts';
import type { ProcessInstance } from '../instance/process-instance.ts';
import { isOpen, type Job } from './job.ts';

/**
 * An instance's jobs (and, for external tasks, their incidents) are written with the instance in one
 * transaction, which DynamoDB caps at 100 actions: 1 + 49 jobs + 49 incidents. More open jobs than
 * this on one instance are refused rather than half updated.
 */
export const MAX_JOBS_PER_INSTANCE = 49;

/** Retries as PATCH /v2/jobs/{jobKey} takes them: positive (Zeebe refuses anything else). */
export const retriesSchema = z.number().int().min(1).max(2_147_483_647);

/**
 * The jobs of an instance an operator may still change: open, and of an element instance the
 * instance still waits at (a canceled instance's jobs are canceled lazily and do not count).
 */
export async function openJobsWaitingIn(engine: EngineStore, instance: ProcessInstance): Promise<Job[]> {
  if (instance.state !== 'ACTIVE') return [];
  const jobs = await engine.openJobsOf(instance.processInstanceKey);
  return jobs
    .filter((job) => isOpen(job) && waitingElement(instance, job) !== undefined)
    .sort((a, b) => a.jobKey.localeCompare(b.jobKey));
}

/** The job with new retries and its next revision, as PATCH /v2/jobs/{jobKey} leaves it. */
export function withRetries(job: Job, retries: number): Job {
  return { ...job, retries, revision: job.revision + 1 };
}
