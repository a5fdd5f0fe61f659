import type { JobPage } from './engine-store.ts';

/** Which part of all jobs a read covers: one of `segments` disjoint parts, which together are every job. */
export interface JobSegment {
  segment: number;
  segments: number;
}

/**
 * Jobs read in bulk, by the job search and by a job batch's initialization (one segment per shard).
 * Single jobs and their changes are the engine's (EngineStore).
 */
export interface JobStore {
  /** One page of a segment's jobs, in no particular order; `cursor` is absent on the last page. */
  scanJobs(segment: JobSegment, page: { cursor?: string; limit: number }): Promise<JobPage>;
}
