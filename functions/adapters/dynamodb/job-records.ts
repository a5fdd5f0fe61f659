import type { Job } from '#domain/job/job.ts';

/** A job as stored: with the activation index's keys while a worker may take it. */
export type StoredJob = Job & { activatableType?: string; activatableAt?: number };

/** A job with its activation index keys, present only while a worker may take it (now or later). */
export function jobItem(job: Job): StoredJob {
  if (job.state === 'ACTIVATABLE') {
    return { ...job, activatableType: job.type, activatableAt: job.retryAt ?? Date.parse(job.creationTime) };
  }
  if (job.state === 'ACTIVATED')
    return { ...job, activatableType: job.type, activatableAt: job.deadline ?? 0 };
  return job;
}

export function fromJobItem(item: StoredJob): Job {
  const { activatableType: _type, activatableAt: _at, ...job } = item;
  return job;
}
