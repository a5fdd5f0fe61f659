import { InvalidArgumentError } from '../errors.ts';
import { JOB_KINDS, JOB_LISTENER_EVENT_TYPES, JOB_RESULT_STATES, type JobResult } from '../job/job-result.ts';
import { matchesValues } from './evaluate-filter.ts';
import type { FieldSpec } from './fields.ts';
import { asObject, parseComparisons } from './parse-filter.ts';
import type { Comparison } from './process-instance-filter.ts';

/**
 * The fields of Camunda 8.10's JobFilter (job search and the UPDATE_JOB batch), each with its value
 * kind, which decides the operators allowed, as on the process-instance filter (fields.ts). A job's
 * values are read from its wire view (JobSearchResult), so a filter matches what a search shows.
 */
const JOB_FILTER_FIELDS = {
  jobKey: { kind: 'key' },
  type: { kind: 'string' },
  worker: { kind: 'string' },
  state: { kind: 'state', allowedValues: JOB_RESULT_STATES },
  kind: { kind: 'state', allowedValues: JOB_KINDS },
  listenerEventType: { kind: 'state', allowedValues: JOB_LISTENER_EVENT_TYPES },
  processDefinitionId: { kind: 'string' },
  processDefinitionKey: { kind: 'key' },
  processInstanceKey: { kind: 'key' },
  elementId: { kind: 'string' },
  elementInstanceKey: { kind: 'key' },
  tenantId: { kind: 'string' },
  retries: { kind: 'integer' },
  priority: { kind: 'integer' },
  errorCode: { kind: 'string' },
  errorMessage: { kind: 'string' },
  deniedReason: { kind: 'string' },
  hasFailedWithRetriesLeft: { kind: 'boolean' },
  isDenied: { kind: 'boolean' },
  deadline: { kind: 'date' },
  endTime: { kind: 'date' },
  creationTime: { kind: 'date' },
  lastUpdateTime: { kind: 'date' },
} as const satisfies Record<string, FieldSpec>;

export type JobFilterField = keyof typeof JOB_FILTER_FIELDS;

/** A parsed JobFilter: every comparison must hold. */
export interface JobFilter {
  readonly all: readonly (Comparison & { readonly field: JobFilterField })[];
}

const isJobFilterField = (name: string): name is JobFilterField => Object.hasOwn(JOB_FILTER_FIELDS, name);

/**
 * Turns a request's JobFilter JSON into a JobFilter, or throws INVALID_ARGUMENT naming the offending
 * path. A field given as `null` sets no condition (Camunda's schema allows it on `deadline` and `isDenied`).
 */
export function parseJobFilter(json: unknown, path = 'filter'): JobFilter {
  const all: (Comparison & { field: JobFilterField })[] = [];
  for (const [name, value] of Object.entries(asObject(json ?? {}, path))) {
    if (value === undefined || value === null) continue;
    const fieldPath = `${path}.${name}`;
    if (!isJobFilterField(name)) {
      throw new InvalidArgumentError(
        `${fieldPath} is not a JobFilter field; supported: ${Object.keys(JOB_FILTER_FIELDS).join(', ')}`,
      );
    }
    for (const comparison of parseComparisons(name, JOB_FILTER_FIELDS[name], value, fieldPath)) {
      all.push({ field: name, ...comparison });
    }
  }
  return { all };
}

/** Whether a job, as its search result shows it, matches the filter. */
export function matchesJobFilter(filter: JobFilter, job: JobResult): boolean {
  return filter.all.every((comparison) => {
    const value = job[comparison.field];
    return matchesValues(comparison, value === null || typeof value === 'object' ? [] : [value]);
  });
}

/** The one instance a filter pins its jobs to (`processInstanceKey` as a value or `$eq`), if it does. */
export function pinnedProcessInstanceKey(filter: JobFilter): string | undefined {
  const pinned = filter.all.find(
    (comparison) => comparison.field === 'processInstanceKey' && comparison.operator === '$eq',
  );
  return pinned && String(pinned.value);
}

export function isEmptyJobFilter(filter: JobFilter): boolean {
  return filter.all.length === 0;
}
