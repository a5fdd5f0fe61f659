import { readFileSync } from 'node:fs';
import { JOB_RESULT_STATES } from '#domain/job/job-result.ts';
import { UsageError } from './errors.ts';
import { collect, integerArg, jsonArg, looseJson, type OptionSpec, pairs } from './option-spec.ts';

/** What a batch type's filter selects: process instances (most types) or jobs (`update-jobs`). */
export type FilterKind = 'processInstance' | 'job';

const FILTER_SOURCE: readonly OptionSpec[] = [
  {
    flags: '--filter <json>',
    description: 'the filter as JSON (Camunda 8 filter language)',
    parse: jsonArg('--filter'),
  },
  { flags: '--filter-file <path>', description: 'read the filter from a JSON file' },
];

/** The common filter flags, per kind; each sets one field on top of --filter/--filter-file. */
export const FILTER_OPTIONS: Record<FilterKind, readonly OptionSpec[]> = {
  processInstance: [
    ...FILTER_SOURCE,
    { flags: '--definition <id>', description: 'processDefinitionId' },
    { flags: '--definition-key <key>', description: 'processDefinitionKey' },
    {
      flags: '--version <n>',
      description: 'processDefinitionVersion',
      parse: integerArg('--version', 1),
    },
    {
      flags: '--state <state>',
      description: 'instance state',
      // Camunda's ProcessInstanceStateEnum (SUSPENDED from 8.10): a typo is a usage error (exit 2).
      choices: ['ACTIVE', 'COMPLETED', 'TERMINATED', 'SUSPENDED'],
    },
    { flags: '--tenant <id>', description: 'tenantId' },
    { flags: '--has-incident', description: 'only instances with an open incident' },
    {
      flags: '--var <name=value>',
      description: 'variable equals value (JSON or text; repeatable)',
      parse: collect,
    },
    {
      flags: '--instance <key>',
      description: 'a process instance key, in union with the filter (repeatable)',
      parse: collect,
    },
  ],
  job: [
    ...FILTER_SOURCE,
    { flags: '--definition <id>', description: 'processDefinitionId' },
    { flags: '--definition-key <key>', description: 'processDefinitionKey' },
    {
      flags: '--state <state>',
      description: 'job state',
      choices: [...JOB_RESULT_STATES],
    },
    { flags: '--tenant <id>', description: 'tenantId' },
    { flags: '--job-type <type>', description: 'job type' },
  ],
};

export interface FilterFlags {
  filter?: unknown;
  filterFile?: string;
  definition?: string;
  definitionKey?: string;
  version?: number;
  state?: string;
  tenant?: string;
  hasIncident?: boolean;
  var?: string[];
  instance?: string[];
  jobType?: string;
}

/** A Camunda 7 id: the engine's UUIDs, or ids of its other id generators (letters, digits, `-_.:`). */
const CAMUNDA7_ID = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** The selection part of a creation request: `filter` and/or `processInstanceKeys`. */
export interface Selection {
  filter?: Record<string, unknown>;
  processInstanceKeys?: string[];
}

/** --filter or --filter-file, then the common flags on top; refuses an empty selection. */
export function selectionFrom(flags: FilterFlags): Selection {
  if (flags.filter !== undefined && flags.filterFile !== undefined) {
    throw new UsageError('--filter and --filter-file cannot be used together');
  }
  const base = flags.filterFile !== undefined ? readFilterFile(flags.filterFile) : flags.filter;
  if (base !== undefined && (typeof base !== 'object' || base === null || Array.isArray(base))) {
    throw new UsageError('the filter must be a JSON object');
  }
  const filter: Record<string, unknown> = { ...(base as Record<string, unknown> | undefined) };
  const set = (field: string, value: unknown) => {
    if (value !== undefined) filter[field] = value;
  };
  set('processDefinitionId', flags.definition);
  set('processDefinitionKey', flags.definitionKey);
  set('processDefinitionVersion', flags.version);
  set('state', flags.state);
  set('tenantId', flags.tenant);
  set('type', flags.jobType);
  if (flags.hasIncident) filter.hasIncident = true;
  const variables = pairs('--var', flags.var).map(([name, value]) => ({
    name,
    value: JSON.stringify(looseJson(value)),
  }));
  if (variables.length > 0) {
    filter.variables = [...((filter.variables as unknown[] | undefined) ?? []), ...variables];
  }
  const keys = flags.instance ?? [];
  // A Camunda 8 key is digits; a Camunda 7 engine's instance id a string (a UUID by default): the
  // service checks which its engine takes.
  for (const key of keys) {
    if (!/^\d{1,19}$/.test(key) && !CAMUNDA7_ID.test(key))
      throw new UsageError(`--instance takes a key (digits) or a Camunda 7 instance id, got '${key}'`);
  }
  if (Object.keys(filter).length === 0 && keys.length === 0) {
    throw new UsageError(
      'a filter is required: --filter, --filter-file or a filter flag (--definition, --state, --tenant, ...)',
    );
  }
  return {
    ...(Object.keys(filter).length > 0 ? { filter } : {}),
    ...(keys.length > 0 ? { processInstanceKeys: keys } : {}),
  };
}

/** Reads a JSON file named by a flag, as a usage error when missing or not JSON. */
export function readJsonFile(flag: string, path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? error}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag}: ${path} is not JSON: ${(error as Error).message}`);
  }
}

function readFilterFile(path: string): unknown {
  return readJsonFile('--filter-file', path);
}
