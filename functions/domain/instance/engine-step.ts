import type { EngineStore } from '#ports/engine-store.ts';
import type { KeyGenerator } from '#ports/key-generator.ts';
import type { ProcessDefinitionStore } from '#ports/process-definition-store.ts';
import type { ProcessInstanceStore } from '#ports/process-instance-store.ts';
import { InvalidStateError } from '../errors.ts';
import type { Job } from '../job/job.ts';
import type { OpenIncident, ProcessInstance } from './process-instance.ts';

/** What the engine's commands (job completion, failure, incident resolution) read and write. */
export interface EngineDeps {
  engine: EngineStore;
  instances: ProcessInstanceStore;
  definitions: ProcessDefinitionStore;
  keys: KeyGenerator;
  now: () => Date;
}

/**
 * Attempts of a step that lost a race (another step changed the same records in between) before it
 * gives up: a 409 for an API call, a failed item for a batch.
 */
export const STEP_ATTEMPTS = 5;

/**
 * Runs a step until its commit applies: a step that lost a race reads everything again and is
 * decided anew (it may now be refused with the record's new state). Gives up with a 409 after a few.
 */
export async function retryOnConflict(what: string, attempt: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < STEP_ATTEMPTS; tries++) {
    if (await attempt()) return;
  }
  throw new InvalidStateError(`Expected to ${what}, but its records kept changing concurrently; try again`);
}

/** Variables set by a command, merged into the instance's (values JSON-serialized, as stored). */
export function withVariables(
  instance: ProcessInstance,
  variables: Record<string, unknown> | undefined,
): ProcessInstance {
  if (!variables || Object.keys(variables).length === 0) return instance;
  const serialized = Object.entries(variables).map(([name, value]) => [name, JSON.stringify(value)]);
  return { ...instance, variables: { ...instance.variables, ...Object.fromEntries(serialized) } };
}

/** The instance with these open incidents, and `hasIncident` on it and its element instances to match. */
export function withIncidents(instance: ProcessInstance, incidents: OpenIncident[]): ProcessInstance {
  const withIncident = new Set(incidents.map((incident) => incident.elementInstanceKey));
  return {
    ...instance,
    incidents,
    hasIncident: incidents.length > 0,
    elementInstances: instance.elementInstances.map(({ hasIncident: _, ...element }) =>
      withIncident.has(element.elementInstanceKey) ? { ...element, hasIncident: true } : element,
    ),
  };
}

/**
 * The instance's `hasRetriesLeft` once `job` is as given: true while any of its open jobs failed
 * with retries left. Reads the instance's other jobs only when the flag may have to go.
 */
export async function retriesLeftWith(
  engine: EngineStore,
  instance: ProcessInstance,
  job: Job,
): Promise<boolean | undefined> {
  if (job.hasFailedWithRetriesLeft) return true;
  if (!instance.hasRetriesLeft) return instance.hasRetriesLeft;
  const jobs = await engine.openJobsOf(instance.processInstanceKey);
  return jobs.some((other) => other.jobKey !== job.jobKey && other.hasFailedWithRetriesLeft);
}

/** The job as it ends: final state, end time, nothing left to retry, next revision. */
export function endedJob(job: Job, state: 'COMPLETED' | 'CANCELED', now: string): Job {
  const { deadline: _deadline, retryAt: _retryAt, ...rest } = job;
  return { ...rest, state, endTime: now, hasFailedWithRetriesLeft: false, revision: job.revision + 1 };
}

/** The element instance a job belongs to, if its instance still waits there. */
export function waitingElement(instance: ProcessInstance | undefined, job: Job) {
  if (instance?.state !== 'ACTIVE') return undefined;
  return instance.elementInstances.find(
    (element) => element.elementInstanceKey === job.elementInstanceKey && element.state === 'ACTIVE',
  );
}
