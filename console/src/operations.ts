/**
 * Every batch operation the API creates, as data: where it is created, whether it has a dry run,
 * which fields the operator fills in, why Next stays disabled, and the request fields it sends.
 * Pure functions only, so the wizard's rules are unit-tested without a browser.
 */

import type { Limits, ProcessDefinition } from './api/types.ts';

export type OperationType =
  | 'CANCEL_PROCESS_INSTANCE'
  | 'RESOLVE_INCIDENT'
  | 'MIGRATE_PROCESS_INSTANCE'
  | 'MODIFY_PROCESS_INSTANCE'
  | 'DELETE_PROCESS_INSTANCE'
  | 'SUSPEND_PROCESS_INSTANCE'
  | 'RESUME_PROCESS_INSTANCE'
  | 'UPDATE_JOB'
  | 'SET_JOB_RETRIES'
  | 'SET_EXTERNAL_TASK_RETRIES'
  | 'RESTART_PROCESS_INSTANCE'
  | 'SET_VARIABLES';

export interface ElementPair {
  sourceElementId: string;
  targetElementId: string;
}

/** What the operator typed in step 1, as text (validated and converted by the operation's spec). */
export interface OperationForm {
  type: OperationType | '';
  reason: string;
  skipCustomListeners: boolean;
  skipIoMappings: boolean;
  retries: string;
  timeout: string;
  topicName: string;
  /** For modification and migration: the definition whose diagram and elements are shown. */
  sourceDefinitionKey: string;
  moveInstructions: ElementPair[];
  targetProcessDefinitionKey: string;
  mappingInstructions: ElementPair[];
  startElementIds: string;
  variables: string;
  itemsPerSecond: string;
}

export const emptyOperationForm = (): OperationForm => ({
  type: '',
  reason: '',
  skipCustomListeners: false,
  skipIoMappings: false,
  retries: '',
  timeout: '',
  topicName: '',
  sourceDefinitionKey: '',
  moveInstructions: [{ sourceElementId: '', targetElementId: '' }],
  targetProcessDefinitionKey: '',
  mappingInstructions: [{ sourceElementId: '', targetElementId: '' }],
  startElementIds: '',
  variables: '',
  itemsPerSecond: '',
});

export type OperationField =
  | 'reason'
  | 'skipCustomListeners'
  | 'moveInstructions'
  | 'migrationPlan'
  | 'retries'
  | 'timeout'
  | 'topicName'
  | 'startInstructions'
  | 'variables';

export interface OperationSpec {
  readonly type: OperationType;
  readonly label: string;
  readonly description: string;
  /** The creation endpoint (POST). */
  readonly path: string;
  /** The `{operation}` of POST /v2/extensions/process-instances/{operation}/dry-run, where there is one. */
  readonly dryRun?: string;
  /** What the filter selects: process instances, or jobs (UPDATE_JOB's JobFilter). */
  readonly selects: 'instances' | 'jobs';
  readonly fields: readonly OperationField[];
  /** True when it acts on finished instances (the filter's state default differs). */
  readonly finishedInstances?: true;
}

export const OPERATIONS: readonly OperationSpec[] = [
  {
    type: 'CANCEL_PROCESS_INSTANCE',
    label: 'Cancel process instances',
    description: 'Terminates every matching active instance.',
    path: '/v2/process-instances/cancellation',
    dryRun: 'cancellation',
    selects: 'instances',
    fields: ['reason', 'skipCustomListeners'],
  },
  {
    type: 'RESOLVE_INCIDENT',
    label: 'Resolve incidents',
    description: 'Resolves every open incident of the matching instances.',
    path: '/v2/process-instances/incident-resolution',
    dryRun: 'incident-resolution',
    selects: 'instances',
    fields: [],
  },
  {
    type: 'MIGRATE_PROCESS_INSTANCE',
    label: 'Migrate process instances',
    description: 'Moves the matching instances to another definition, element by element.',
    path: '/v2/process-instances/migration',
    dryRun: 'migration',
    selects: 'instances',
    fields: ['migrationPlan'],
  },
  {
    type: 'MODIFY_PROCESS_INSTANCE',
    label: 'Modify process instances (move tokens)',
    description: 'Moves the tokens at a source element to a target element.',
    path: '/v2/process-instances/modification',
    dryRun: 'modification',
    selects: 'instances',
    fields: ['moveInstructions'],
  },
  {
    type: 'DELETE_PROCESS_INSTANCE',
    label: 'Delete finished process instances',
    description: 'Deletes the history of finished instances.',
    path: '/v2/process-instances/deletion',
    dryRun: 'deletion',
    selects: 'instances',
    fields: [],
    finishedInstances: true,
  },
  {
    type: 'SUSPEND_PROCESS_INSTANCE',
    label: 'Suspend process instances',
    description: 'Suspends the matching active instances.',
    path: '/v2/process-instances/suspension',
    dryRun: 'suspension',
    selects: 'instances',
    fields: [],
  },
  {
    type: 'RESUME_PROCESS_INSTANCE',
    label: 'Resume process instances',
    description: 'Resumes the matching suspended instances.',
    path: '/v2/process-instances/resumption',
    dryRun: 'resumption',
    selects: 'instances',
    fields: [],
  },
  {
    type: 'UPDATE_JOB',
    label: 'Update jobs',
    description: 'Sets the retries and/or the timeout of the matching jobs.',
    path: '/v2/jobs/batch-update',
    selects: 'jobs',
    fields: ['retries', 'timeout'],
  },
  {
    type: 'SET_JOB_RETRIES',
    label: 'Set job retries',
    description: 'Every open job of the matching instances gets the retries (Camunda 7).',
    path: '/v2/extensions/process-instances/job-retries',
    dryRun: 'job-retries',
    selects: 'instances',
    fields: ['retries'],
  },
  {
    type: 'SET_EXTERNAL_TASK_RETRIES',
    label: 'Set external task retries',
    description: 'The external tasks (of a topic) get the retries; stuck ones start again (Camunda 7).',
    path: '/v2/extensions/process-instances/external-task-retries',
    dryRun: 'external-task-retries',
    selects: 'instances',
    fields: ['retries', 'topicName'],
  },
  {
    type: 'RESTART_PROCESS_INSTANCE',
    label: 'Restart finished process instances',
    description: 'Starts a new instance for each finished one, at the given elements (Camunda 7).',
    path: '/v2/extensions/process-instances/restart',
    dryRun: 'restart',
    selects: 'instances',
    fields: ['startInstructions', 'skipCustomListeners'],
    finishedInstances: true,
  },
  {
    type: 'SET_VARIABLES',
    label: 'Set variables',
    description: 'Sets the given variables on every matching instance.',
    path: '/v2/extensions/process-instances/variables',
    dryRun: 'variables',
    selects: 'instances',
    fields: ['variables'],
  },
];

/**
 * What a Camunda 7 engine's adapter runs, and the query of the engine each type's filter is the body
 * of (docs/engines.md): the wizard offers only these on such an engine.
 */
export const CAMUNDA7_QUERIES: Partial<Record<OperationType, string>> = {
  CANCEL_PROCESS_INSTANCE: 'POST /process-instance',
  SUSPEND_PROCESS_INSTANCE: 'POST /process-instance',
  RESUME_PROCESS_INSTANCE: 'POST /process-instance',
  MIGRATE_PROCESS_INSTANCE: 'POST /process-instance',
  MODIFY_PROCESS_INSTANCE: 'POST /process-instance',
  SET_VARIABLES: 'POST /process-instance',
  DELETE_PROCESS_INSTANCE: 'POST /history/process-instance',
  RESTART_PROCESS_INSTANCE: 'POST /history/process-instance',
  SET_JOB_RETRIES: 'POST /job',
  SET_EXTERNAL_TASK_RETRIES: 'POST /external-task',
};

/** The operations the configured engine runs: every one, or a Camunda 7 engine's. */
export const operationsOn = (engine: string | undefined): readonly OperationSpec[] =>
  engine === 'camunda7' ? OPERATIONS.filter((operation) => operation.type in CAMUNDA7_QUERIES) : OPERATIONS;

export const operationSpec = (type: OperationType | ''): OperationSpec | undefined =>
  OPERATIONS.find((operation) => operation.type === type);

/** The label of a batch's type, also for types the table does not know. */
export const operationLabel = (type: string) => operationSpec(type as OperationType)?.label ?? type;

export const MAX_REASON_LENGTH = 1000;
const MAX_INT32 = 2_147_483_647;

/** Each problem of the form, by field, in words; an empty object when Next may be pressed. */
export function operationProblems(
  form: OperationForm,
  limits?: Pick<Limits, 'itemsPerSecondMinimum'>,
): Partial<Record<OperationField | 'type' | 'itemsPerSecond', string>> {
  const spec = operationSpec(form.type);
  if (!spec) return { type: 'Choose an operation' };
  const problems: Partial<Record<OperationField | 'type' | 'itemsPerSecond', string>> = {};
  const has = (field: OperationField) => spec.fields.includes(field);
  if (has('reason') && form.reason.length > MAX_REASON_LENGTH)
    problems.reason = `The reason has ${form.reason.length} characters, at most ${MAX_REASON_LENGTH} are allowed`;
  if (has('retries') && spec.type !== 'UPDATE_JOB') {
    const problem = positiveInteger(form.retries, 'Retries');
    if (problem) problems.retries = problem;
  }
  if (spec.type === 'UPDATE_JOB') {
    if (form.retries.trim() === '' && form.timeout.trim() === '')
      problems.retries = 'Set the retries, the timeout or both';
    else {
      const retries = form.retries.trim() === '' ? undefined : positiveInteger(form.retries, 'Retries', 0);
      const timeout = form.timeout.trim() === '' ? undefined : positiveInteger(form.timeout, 'The timeout');
      if (retries) problems.retries = retries;
      if (timeout) problems.timeout = timeout;
    }
  }
  if (has('moveInstructions')) {
    const problem = pairsProblem(form.moveInstructions, 'move instruction');
    if (!form.sourceDefinitionKey)
      problems.moveInstructions = 'Choose the process definition whose tokens move';
    else if (problem) problems.moveInstructions = problem;
  }
  if (has('migrationPlan')) {
    const problem = pairsProblem(form.mappingInstructions, 'mapping');
    if (!form.sourceDefinitionKey) problems.migrationPlan = 'Choose the process definition to migrate from';
    else if (!form.targetProcessDefinitionKey)
      problems.migrationPlan = 'Choose the target process definition';
    else if (form.targetProcessDefinitionKey === form.sourceDefinitionKey)
      problems.migrationPlan = 'The target must be another definition (or version) than the source';
    else if (problem) problems.migrationPlan = problem;
    else {
      const sources = form.mappingInstructions.map((pair) => pair.sourceElementId.trim());
      const twice = sources.find((source, index) => sources.indexOf(source) !== index);
      if (twice) problems.migrationPlan = `The source element '${twice}' is mapped twice`;
    }
  }
  if (has('startInstructions') && elementIds(form.startElementIds).length === 0)
    problems.startInstructions = 'Name at least one element to start the new instances at';
  if (has('variables')) {
    const problem = variablesProblem(form.variables);
    if (problem) problems.variables = problem;
  }
  if (form.itemsPerSecond.trim() !== '') {
    // The deployment's minimum (GET /v2/extensions/limits), refused here rather than at creation.
    const minimum = wholeRateMinimum(limits);
    const problem = positiveInteger(form.itemsPerSecond, 'The rate', minimum);
    if (problem)
      problems.itemsPerSecond =
        limits && problem.endsWith(`at least ${minimum}`) ? `${problem} items/s on this deployment` : problem;
  }
  return problems;
}

/** The lowest whole rate the deployment accepts (the field takes whole items per second). */
export const wholeRateMinimum = (limits?: Pick<Limits, 'itemsPerSecondMinimum'>) =>
  Math.max(1, Math.ceil(limits?.itemsPerSecondMinimum ?? 1));

/** The first problem, as shown next to the Next button. */
export const firstOperationProblem = (form: OperationForm, limits?: Pick<Limits, 'itemsPerSecondMinimum'>) =>
  Object.values(operationProblems(form, limits))[0];

/** The operation's own request fields (beside the filter), from a form without problems. */
export function operationParameters(form: OperationForm): Record<string, unknown> {
  const spec = operationSpec(form.type);
  if (!spec) return {};
  const pairs = (list: ElementPair[]) =>
    list.map((pair) => ({
      sourceElementId: pair.sourceElementId.trim(),
      targetElementId: pair.targetElementId.trim(),
    }));
  const parameters: Record<string, unknown> = {};
  switch (spec.type) {
    case 'CANCEL_PROCESS_INSTANCE':
      if (form.reason.trim()) parameters.reason = form.reason.trim();
      if (form.skipCustomListeners) parameters.skipCustomListeners = true;
      break;
    case 'MODIFY_PROCESS_INSTANCE':
      parameters.moveInstructions = pairs(form.moveInstructions);
      break;
    case 'MIGRATE_PROCESS_INSTANCE':
      parameters.migrationPlan = {
        targetProcessDefinitionKey: form.targetProcessDefinitionKey,
        mappingInstructions: pairs(form.mappingInstructions),
      };
      break;
    case 'SET_JOB_RETRIES':
      parameters.retries = Number(form.retries);
      break;
    case 'SET_EXTERNAL_TASK_RETRIES':
      parameters.retries = Number(form.retries);
      if (form.topicName.trim()) parameters.topicName = form.topicName.trim();
      break;
    case 'RESTART_PROCESS_INSTANCE':
      parameters.startInstructions = elementIds(form.startElementIds).map((elementId) => ({ elementId }));
      if (form.skipCustomListeners) parameters.skipCustomListeners = true;
      if (form.skipIoMappings) parameters.skipIoMappings = true;
      break;
    case 'UPDATE_JOB':
      parameters.changeset = {
        ...(form.retries.trim() ? { retries: Number(form.retries) } : {}),
        ...(form.timeout.trim() ? { timeout: Number(form.timeout) } : {}),
      };
      break;
    case 'SET_VARIABLES':
      parameters.variables = JSON.parse(form.variables);
      break;
    default:
      break;
  }
  if (form.itemsPerSecond.trim() !== '' && spec.selects === 'instances')
    parameters.itemsPerSecond = Number(form.itemsPerSecond);
  return parameters;
}

export const elementIds = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((id) => id.trim())
    .filter(Boolean);

function positiveInteger(text: string, what: string, min = 1): string | undefined {
  const value = text.trim();
  if (value === '') return `${what} is required`;
  if (!/^\d+$/.test(value)) return `${what} must be a whole number`;
  const number = Number(value);
  if (number < min) return `${what} must be at least ${min}`;
  if (number > MAX_INT32) return `${what} must be at most ${MAX_INT32}`;
  return undefined;
}

function pairsProblem(pairs: ElementPair[], what: string): string | undefined {
  if (pairs.length === 0) return `Add at least one ${what}`;
  const index = pairs.findIndex((pair) => !pair.sourceElementId.trim() || !pair.targetElementId.trim());
  if (index >= 0) {
    const pair = pairs[index];
    return `The ${what} ${index + 1} needs a ${pair.sourceElementId.trim() ? 'target' : 'source'} element`;
  }
  return undefined;
}

function variablesProblem(text: string): string | undefined {
  if (text.trim() === '') return 'Give the variables as a JSON object, e.g. {"approved": true}';
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return 'The variables must be a JSON object, e.g. {"approved": true}';
    if (Object.keys(value).length === 0) return 'Set at least one variable';
  } catch (error) {
    return `The variables are not valid JSON (${(error as Error).message})`;
  }
  return undefined;
}

/**
 * What the source's instances may migrate to: a definition of the same tenant (a migration never
 * crosses tenants) other than the source, in two groups: the source's own other versions (newest
 * first), then other processes by id and version. Stable: the order depends on nothing else.
 */
export function migrationTargets(definitions: readonly ProcessDefinition[], source: ProcessDefinition) {
  const candidates = definitions
    .filter(
      (definition) =>
        definition.tenantId === source.tenantId &&
        definition.processDefinitionKey !== source.processDefinitionKey,
    )
    .sort(
      (a, b) =>
        a.processDefinitionId.localeCompare(b.processDefinitionId) ||
        b.version - a.version ||
        a.processDefinitionKey.localeCompare(b.processDefinitionKey),
    );
  return {
    versions: candidates.filter(
      (definition) => definition.processDefinitionId === source.processDefinitionId,
    ),
    others: candidates.filter((definition) => definition.processDefinitionId !== source.processDefinitionId),
  };
}
