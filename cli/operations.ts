import { UsageError } from './errors.ts';
import type { FilterKind } from './filter.ts';
import { readJsonFile } from './filter.ts';
import { collect, integerArg, jsonArg, numberArg, type OptionSpec, pairs } from './option-spec.ts';

type Flags = Record<string, unknown>;

/**
 * One batch operation type as `batchops create <name>` knows it: where its creation request goes,
 * which filter it takes, its own flags and how they become request fields, and where it is counted
 * before creation. Adding a type is adding an entry here.
 */
export interface OperationSpec {
  readonly name: string;
  readonly batchOperationType: string;
  readonly summary: string;
  /** POST path of the creation request. */
  readonly path: string;
  readonly filterKind: FilterKind;
  /** The dry-run path (POST, same body), where the API offers one; a 404 there falls back to `countPath`. */
  readonly dryRunPath?: string;
  /** POST search whose `page.totalItems` counts what the filter matches. */
  readonly countPath: string;
  readonly options: readonly OptionSpec[];
  /** The type's own request fields from its flags (a UsageError when a required one is missing). */
  readonly parameters: (flags: Flags) => Record<string, unknown>;
}

const INSTANCES = '/v2/process-instances';
const EXTENSIONS = '/v2/extensions/process-instances';
const INSTANCE_SEARCH = '/v2/process-instances/search';

const retriesOption = (description: string): OptionSpec => ({
  flags: '--retries <n>',
  description,
  parse: integerArg('--retries', 1),
});

function required<T>(value: T | undefined, flag: string, type: string): T {
  if (value === undefined) throw new UsageError(`create ${type} needs ${flag}`);
  return value;
}

function definedFields(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

export const OPERATIONS: readonly OperationSpec[] = [
  {
    name: 'cancel',
    batchOperationType: 'CANCEL_PROCESS_INSTANCE',
    summary: 'cancel the matching process instances',
    path: `${INSTANCES}/cancellation`,
    dryRunPath: `${EXTENSIONS}/cancellation/dry-run`,
    countPath: INSTANCE_SEARCH,
    filterKind: 'processInstance',
    options: [
      { flags: '--reason <text>', description: 'cancellation reason, recorded on every instance' },
      { flags: '--skip-custom-listeners', description: 'record that listeners are skipped' },
    ],
    parameters: (flags) =>
      definedFields({ reason: flags.reason, skipCustomListeners: flags.skipCustomListeners }),
  },
  {
    name: 'resolve-incidents',
    batchOperationType: 'RESOLVE_INCIDENT',
    summary: 'resolve every open incident of the matching instances',
    path: `${INSTANCES}/incident-resolution`,
    dryRunPath: `${EXTENSIONS}/incident-resolution/dry-run`,
    countPath: INSTANCE_SEARCH,
    filterKind: 'processInstance',
    options: [],
    parameters: () => ({}),
  },
  {
    name: 'migrate',
    batchOperationType: 'MIGRATE_PROCESS_INSTANCE',
    summary: 'migrate the matching instances to another process definition',
    path: `${INSTANCES}/migration`,
    dryRunPath: `${EXTENSIONS}/migration/dry-run`,
    countPath: INSTANCE_SEARCH,
    filterKind: 'processInstance',
    options: [
      {
        flags: '--plan-file <path>',
        description: 'migration plan JSON {targetProcessDefinitionKey, mappingInstructions}',
      },
      {
        flags: '--target-definition-key <key>',
        description: 'target process definition key (instead of a plan file)',
      },
      {
        flags: '--map <source=target>',
        description: 'element mapping (repeatable, with --target-definition-key)',
        parse: collect,
      },
    ],
    parameters: (flags) => {
      if (flags.planFile !== undefined) {
        if (flags.targetDefinitionKey !== undefined || flags.map !== undefined) {
          throw new UsageError('--plan-file cannot be combined with --target-definition-key or --map');
        }
        return { migrationPlan: readJsonFile('--plan-file', flags.planFile as string) };
      }
      const target = required(flags.targetDefinitionKey, '--plan-file or --target-definition-key', 'migrate');
      return {
        migrationPlan: {
          targetProcessDefinitionKey: target,
          mappingInstructions: pairs('--map', flags.map as string[] | undefined).map(([source, to]) => ({
            sourceElementId: source,
            targetElementId: to,
          })),
        },
      };
    },
  },
  {
    name: 'modify',
    batchOperationType: 'MODIFY_PROCESS_INSTANCE',
    summary: 'move tokens of the matching instances from one element to another',
    path: `${INSTANCES}/modification`,
    dryRunPath: `${EXTENSIONS}/modification/dry-run`,
    countPath: INSTANCE_SEARCH,
    filterKind: 'processInstance',
    options: [
      { flags: '--move <source=target>', description: 'move instruction (repeatable)', parse: collect },
      {
        flags: '--instructions-file <path>',
        description: 'move instructions JSON [{sourceElementId, targetElementId}]',
      },
    ],
    parameters: (flags) => {
      const moves = pairs('--move', flags.move as string[] | undefined).map(([source, target]) => ({
        sourceElementId: source,
        targetElementId: target,
      }));
      const fromFile =
        flags.instructionsFile === undefined
          ? []
          : readJsonFile('--instructions-file', flags.instructionsFile as string);
      if (!Array.isArray(fromFile)) throw new UsageError('--instructions-file must hold a JSON array');
      const moveInstructions = [...fromFile, ...moves];
      if (moveInstructions.length === 0)
        throw new UsageError('create modify needs --move or --instructions-file');
      return { moveInstructions };
    },
  },
  {
    name: 'delete',
    batchOperationType: 'DELETE_PROCESS_INSTANCE',
    summary: 'delete the matching finished instances and their history',
    path: `${INSTANCES}/deletion`,
    dryRunPath: `${EXTENSIONS}/deletion/dry-run`,
    countPath: INSTANCE_SEARCH,
    filterKind: 'processInstance',
    options: [],
    parameters: () => ({}),
  },
  {
    name: 'suspend',
    batchOperationType: 'SUSPEND_PROCESS_INSTANCE',
    summary: 'suspend the matching instances (Camunda 8.10)',
    path: `${INSTANCES}/suspension`,
    dryRunPath: `${EXTENSIONS}/suspension/dry-run`,
    countPath: INSTANCE_SEARCH,
    filterKind: 'processInstance',
    options: [],
    parameters: () => ({}),
  },
  {
    name: 'resume',
    batchOperationType: 'RESUME_PROCESS_INSTANCE',
    summary: 'resume the matching suspended instances (Camunda 8.10)',
    path: `${INSTANCES}/resumption`,
    dryRunPath: `${EXTENSIONS}/resumption/dry-run`,
    countPath: INSTANCE_SEARCH,
    filterKind: 'processInstance',
    options: [],
    parameters: () => ({}),
  },
  {
    name: 'update-jobs',
    batchOperationType: 'UPDATE_JOB',
    summary: 'update retries and/or timeout of the matching jobs (Camunda 8.10)',
    path: '/v2/jobs/batch-update',
    dryRunPath: '/v2/extensions/jobs/batch-update/dry-run',
    countPath: '/v2/jobs/search',
    filterKind: 'job',
    options: [
      retriesOption('new retries of every matching job'),
      {
        flags: '--timeout <ms>',
        description: 'new timeout of every matching activated job',
        parse: integerArg('--timeout', 1),
      },
    ],
    parameters: (flags) => {
      const changeset = definedFields({ retries: flags.retries, timeout: flags.timeout });
      if (Object.keys(changeset).length === 0)
        throw new UsageError('create update-jobs needs --retries or --timeout');
      return { changeset };
    },
  },
  {
    name: 'set-variables',
    batchOperationType: 'SET_VARIABLES',
    summary: 'set variables on the matching instances (extension)',
    path: `${EXTENSIONS}/variables`,
    dryRunPath: `${EXTENSIONS}/variables/dry-run`,
    countPath: INSTANCE_SEARCH,
    filterKind: 'processInstance',
    options: [
      {
        flags: '--variables <json>',
        description: 'the variables as a JSON object',
        parse: jsonArg('--variables'),
      },
      { flags: '--variables-file <path>', description: 'read the variables from a JSON file' },
      {
        flags: '--set <name=value>',
        description: 'one variable, value as JSON or text (repeatable)',
        parse: collect,
      },
    ],
    parameters: (flags) => {
      const base =
        flags.variablesFile !== undefined
          ? readJsonFile('--variables-file', flags.variablesFile as string)
          : flags.variables;
      if (base !== undefined && (typeof base !== 'object' || base === null || Array.isArray(base))) {
        throw new UsageError('the variables must be a JSON object');
      }
      const variables: Record<string, unknown> = { ...(base as Record<string, unknown> | undefined) };
      for (const [name, value] of pairs('--set', flags.set as string[] | undefined)) {
        try {
          variables[name] = JSON.parse(value);
        } catch {
          variables[name] = value;
        }
      }
      if (Object.keys(variables).length === 0) {
        throw new UsageError('create set-variables needs --variables, --variables-file or --set');
      }
      return { variables };
    },
  },
  {
    name: 'job-retries',
    batchOperationType: 'SET_JOB_RETRIES',
    summary: 'set the retries of every open job of the matching instances (classic)',
    path: `${EXTENSIONS}/job-retries`,
    dryRunPath: `${EXTENSIONS}/job-retries/dry-run`,
    countPath: INSTANCE_SEARCH,
    filterKind: 'processInstance',
    options: [retriesOption('retries to set (required)')],
    parameters: (flags) => ({ retries: required(flags.retries, '--retries', 'job-retries') }),
  },
  {
    name: 'external-task-retries',
    batchOperationType: 'SET_EXTERNAL_TASK_RETRIES',
    summary: 'set external task retries, restarting failed ones (classic)',
    path: `${EXTENSIONS}/external-task-retries`,
    dryRunPath: `${EXTENSIONS}/external-task-retries/dry-run`,
    countPath: INSTANCE_SEARCH,
    filterKind: 'processInstance',
    options: [
      retriesOption('retries to set (required)'),
      { flags: '--topic <name>', description: 'only external tasks of this topic (job type)' },
    ],
    parameters: (flags) =>
      definedFields({
        retries: required(flags.retries, '--retries', 'external-task-retries'),
        topicName: flags.topic,
      }),
  },
  {
    name: 'restart',
    batchOperationType: 'RESTART_PROCESS_INSTANCE',
    summary: 'restart the matching finished instances as new ones (classic)',
    path: `${EXTENSIONS}/restart`,
    dryRunPath: `${EXTENSIONS}/restart/dry-run`,
    countPath: INSTANCE_SEARCH,
    filterKind: 'processInstance',
    options: [
      {
        flags: '--start-at <elementId>',
        description: 'start instruction (repeatable, required)',
        parse: collect,
      },
      { flags: '--skip-custom-listeners', description: 'record that listeners are skipped' },
      { flags: '--skip-io-mappings', description: 'record that input/output mappings are skipped' },
    ],
    parameters: (flags) =>
      definedFields({
        startInstructions: required(flags.startAt as string[] | undefined, '--start-at', 'restart').map(
          (elementId) => ({ elementId }),
        ),
        skipCustomListeners: flags.skipCustomListeners,
        skipIoMappings: flags.skipIoMappings,
      }),
  },
];

export const FAILURE_THRESHOLD_OPTION: OptionSpec = {
  flags: '--failure-threshold <percent[:min]>',
  description: 'end FAILED once more than percent % of at least min processed items failed',
};
export const PRIORITY_OPTION: OptionSpec = {
  flags: '--priority <n>',
  description:
    "share of the engine's budget (ENGINE_MAX_ITEMS_PER_SECOND) against other running batches: 1-100, default 10",
  parse: (value: string) => {
    const priority = integerArg('--priority', 1)(value);
    if (priority > 100) throw new UsageError(`--priority must be at most 100, got '${value}'`);
    return priority;
  },
};

/** Flags every creation takes: how the batch runs (extensions of the request) and how the CLI acts. */
export const CREATE_OPTIONS: readonly OptionSpec[] = [
  {
    flags: '--items-per-second <n>',
    description:
      "rate limit of the whole batch; at least the deployment's minimum (shards × chunk size / 60 s, refused with exit 2; GET /v2/extensions/limits)",
    parse: numberArg('--items-per-second'),
  },
  FAILURE_THRESHOLD_OPTION,
  PRIORITY_OPTION,
  {
    flags: '--start-at <time>',
    description:
      'start at this ISO 8601 date-time with an offset (e.g. 2031-01-04T22:00:00+01:00) instead of now; waits CREATED until then',
  },
  {
    flags: '--window <"DAYS FROM-TO ZONE">',
    description:
      'run only inside this maintenance window, e.g. "SAT,SUN 22:00-05:00 Europe/Berlin" (repeatable); outside every one it pauses itself',
    parse: collect,
  },
  {
    flags: '--idempotency-key <key>',
    description: 'Idempotency-Key header: a repeat returns the same batch',
  },
  { flags: '-y, --yes', description: 'create without asking for confirmation' },
  { flags: '--dry-run', description: 'print the count and sample keys; create nothing' },
  { flags: '-w, --watch', description: 'follow the batch to its end (exit code by final state)' },
];

/**
 * The controls part of a creation request from the common flags; `scheduled`: the command's
 * `--start-at` is the start time (restart's own `--start-at` names its start elements instead).
 */
export function controlsFrom(flags: Flags, scheduled = true): Record<string, unknown> {
  const controls: Record<string, unknown> = liveControlsFrom(flags);
  if (scheduled && flags.startAt !== undefined) controls.startAt = flags.startAt;
  if (flags.window !== undefined) controls.windows = (flags.window as string[]).map(windowFrom);
  return controls;
}

/** `SAT,SUN 22:00-05:00 Europe/Berlin` as the API's window. */
function windowFrom(text: string) {
  const match = /^\s*([A-Za-z,]+)\s+(\d\d:\d\d)-(\d\d:\d\d)\s+(\S+)\s*$/.exec(text);
  if (!match)
    throw new UsageError(
      `--window takes "DAYS FROM-TO ZONE", e.g. "SAT,SUN 22:00-05:00 Europe/Berlin", got '${text}'`,
    );
  return { days: match[1].toUpperCase().split(','), from: match[2], to: match[3], timeZone: match[4] };
}

/** The controls a running batch takes too (`batchops set`): rate, priority, failure threshold. */
export function liveControlsFrom(flags: Flags): Record<string, unknown> {
  const controls: Record<string, unknown> = {};
  if (flags.itemsPerSecond !== undefined) controls.itemsPerSecond = flags.itemsPerSecond;
  if (flags.rate !== undefined) controls.itemsPerSecond = flags.rate;
  if (flags.priority !== undefined) controls.priority = flags.priority;
  if (flags.failureThreshold !== undefined) {
    const match = /^(\d+(?:\.\d+)?)(?::(\d+))?$/.exec(String(flags.failureThreshold));
    if (!match || Number(match[1]) > 100) {
      throw new UsageError(
        `--failure-threshold takes percent[:min], e.g. 20:100, got '${flags.failureThreshold}'`,
      );
    }
    controls.failureThreshold = {
      percentage: Number(match[1]),
      ...(match[2] !== undefined ? { minProcessedItems: Number(match[2]) } : {}),
    };
  }
  return controls;
}

export function operationNamed(name: string): OperationSpec | undefined {
  return OPERATIONS.find((operation) => operation.name === name);
}
