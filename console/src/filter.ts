/**
 * The wizard's filter form and the Camunda 8 process-instance filter it stands for (or a JobFilter
 * for job operations). Pure, so the rules are unit-tested.
 */

export const INSTANCE_STATES = ['ACTIVE', 'COMPLETED', 'TERMINATED'] as const;

export interface VariableCondition {
  name: string;
  /** A JSON value as text: "EU" with quotes is a string, 42 a number. */
  value: string;
}

export interface FilterForm {
  processDefinitionId: string;
  /** '' for every version. */
  processDefinitionVersion: string;
  state: '' | (typeof INSTANCE_STATES)[number];
  hasIncident: '' | 'true' | 'false';
  tenantId: string;
  /** datetime-local values ('' when open). */
  startFrom: string;
  startTo: string;
  endFrom: string;
  endTo: string;
  variables: VariableCondition[];
  processInstanceKeys: string;
  /** Job operations only: the job type. */
  jobType: string;
  /** On a Camunda 7 engine: the engine's own query as JSON text (the body of its query endpoint). */
  camunda7Query: string;
}

export const emptyFilterForm = (): FilterForm => ({
  processDefinitionId: '',
  processDefinitionVersion: '',
  state: 'ACTIVE',
  hasIncident: '',
  tenantId: '',
  startFrom: '',
  startTo: '',
  endFrom: '',
  endTo: '',
  variables: [],
  processInstanceKeys: '',
  jobType: '',
  camunda7Query: '',
});

export type FilterResult =
  | { filter: Record<string, unknown>; processInstanceKeys?: string[]; problem?: undefined }
  | { filter?: undefined; problem: string };

export const instanceKeys = (text: string) =>
  text
    .split(/[\s,;]+/)
    .map((key) => key.trim())
    .filter(Boolean);

/** The API filter the form stands for, or why it cannot be sent. */
export function buildFilter(form: FilterForm, selects: 'instances' | 'jobs' = 'instances'): FilterResult {
  const filter: Record<string, unknown> = {};
  if (form.processDefinitionId.trim()) filter.processDefinitionId = form.processDefinitionId.trim();
  if (form.processDefinitionVersion.trim()) {
    if (!/^\d+$/.test(form.processDefinitionVersion.trim()))
      return { problem: 'The version must be a whole number' };
    if (!filter.processDefinitionId) return { problem: 'A version needs the process definition id' };
    if (selects === 'instances') filter.processDefinitionVersion = Number(form.processDefinitionVersion);
  }
  if (form.tenantId.trim()) filter.tenantId = form.tenantId.trim();
  const keys = instanceKeys(form.processInstanceKeys);
  const invalidKey = keys.find((key) => !/^\d{1,19}$/.test(key));
  if (invalidKey) return { problem: `'${invalidKey}' is not an instance key (1 to 19 digits)` };
  if (keys.length === 1) filter.processInstanceKey = keys[0];
  else if (keys.length > 1) filter.processInstanceKey = { $in: [...new Set(keys)] };
  if (selects === 'jobs') {
    if (form.jobType.trim()) filter.type = form.jobType.trim();
    return Object.keys(filter).length === 0
      ? { problem: 'Narrow the jobs down: an empty filter would match every job' }
      : { filter };
  }
  if (form.state) filter.state = form.state;
  if (form.hasIncident) filter.hasIncident = form.hasIncident === 'true';
  for (const [field, from, to] of [
    ['startDate', form.startFrom, form.startTo],
    ['endDate', form.endFrom, form.endTo],
  ] as const) {
    const range: Record<string, string> = {};
    if (from) range.$gte = toIso(from);
    if (to) range.$lte = toIso(to);
    if (range.$gte && range.$lte && range.$gte > range.$lte)
      return { problem: `The ${field === 'startDate' ? 'start' : 'end'} date range ends before it begins` };
    if (Object.keys(range).length > 0) filter[field] = range;
  }
  const variables: { name: string; value: string }[] = [];
  for (const [index, condition] of form.variables.entries()) {
    if (!condition.name.trim()) return { problem: `Variable condition ${index + 1} needs a name` };
    try {
      JSON.parse(condition.value);
    } catch {
      return {
        problem: `The value of '${condition.name.trim()}' must be JSON: a string in quotes ("EU"), a number or true/false`,
      };
    }
    variables.push({ name: condition.name.trim(), value: condition.value.trim() });
  }
  if (variables.length > 0) filter.variables = variables;
  const narrowing = Object.keys(filter).filter((field) => field !== 'state');
  if (narrowing.length === 0)
    return {
      problem: 'Narrow the instances down: give a process definition, tenant, dates, variables or keys',
    };
  return { filter };
}

/**
 * On a Camunda 7 engine: the engine's own query (a JSON object, as its query endpoint takes it) and
 * listed instance ids, which the engine unions; or why they cannot be sent. Ids are the engine's
 * strings, not digits; a job or external-task batch names its items by the query alone.
 */
export function buildCamunda7Selection(
  form: FilterForm,
  selects: 'instances' | 'jobs' = 'instances',
): FilterResult {
  const keys = selects === 'instances' ? [...new Set(instanceKeys(form.processInstanceKeys))] : [];
  let query: unknown;
  if (form.camunda7Query.trim()) {
    try {
      query = JSON.parse(form.camunda7Query);
    } catch {
      return { problem: 'The query must be JSON, e.g. {"processDefinitionKey": "order"}' };
    }
    if (!query || typeof query !== 'object' || Array.isArray(query) || Object.keys(query).length === 0)
      return { problem: 'The query must be a JSON object with at least one condition' };
  }
  if (!query && keys.length === 0)
    return {
      problem:
        selects === 'instances'
          ? 'Name the instances: a Camunda 7 query, instance ids, or both'
          : 'Name the items by a Camunda 7 query',
    };
  return {
    filter: (query ?? {}) as Record<string, unknown>,
    ...(keys.length > 0 ? { processInstanceKeys: keys } : {}),
  };
}

/** A datetime-local value (the browser's local time) as an ISO instant. */
function toIso(local: string): string {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
}

/**
 * The body of the creation request (and of its dry run): the filter (left out when empty, a Camunda 7
 * batch of listed ids alone), the listed instance ids where any, and the operation's fields.
 */
export const requestBody = (
  selection: Extract<FilterResult, { filter: object }>,
  parameters: Record<string, unknown>,
) => ({
  ...(Object.keys(selection.filter).length > 0 ? { filter: selection.filter } : {}),
  ...(selection.processInstanceKeys ? { processInstanceKeys: selection.processInstanceKeys } : {}),
  ...parameters,
});
