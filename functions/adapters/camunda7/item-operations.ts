import type { BatchOperationType } from '#domain/batch/batch-operation.ts';
import { cancellationOptionsSchema } from '#domain/batch/batch-operation.ts';
import { externalTaskRetriesParametersSchema } from '#domain/operations/set-external-task-retries.ts';
import { jobRetriesParametersSchema } from '#domain/operations/set-job-retries.ts';
import { setVariablesParametersSchema } from '#domain/operations/set-variables.ts';
import type { EngineBatch, EngineItem } from '#ports/engine.ts';

/**
 * Which of the engine's queries selects a type's items, with the sort that keeps its pages stable
 * (firstResult/maxResults over an unsorted query may repeat or skip entries) and the fields that name
 * an item and its instance.
 */
export interface EngineQuery {
  readonly path: '/process-instance' | '/history/process-instance' | '/job' | '/external-task';
  readonly sortBy: string;
  readonly instanceField: 'id' | 'processInstanceId';
}

const RUNNING: EngineQuery = { path: '/process-instance', sortBy: 'instanceId', instanceField: 'id' };
const HISTORIC: EngineQuery = {
  path: '/history/process-instance',
  sortBy: 'instanceId',
  instanceField: 'id',
};

export interface EngineRequest {
  readonly method: 'DELETE' | 'PUT' | 'POST' | 'GET';
  readonly path: string;
  readonly body?: unknown;
}

/** A read of the engine: its status and body (404 is an answer here, not an error). */
export type EngineRead = (path: string) => Promise<{ status: number; body: unknown }>;

/** One operation type on a Camunda 7 engine: its query, its per-item request and the read that shows its effect. */
export interface ItemOperation {
  readonly query: EngineQuery;
  /** Whether listed instance ids are items of this type (a job or external-task batch names its items by a query only). */
  readonly itemsAreInstances: boolean;
  request(batch: EngineBatch, item: EngineItem): EngineRequest;
  applied(read: EngineRead, batch: EngineBatch, item: EngineItem): Promise<boolean>;
}

const id = (item: EngineItem) => encodeURIComponent(item.itemKey);

async function readBody(read: EngineRead, path: string): Promise<Record<string, unknown> | undefined> {
  const { status, body } = await read(path);
  return status === 200 && body && typeof body === 'object' ? (body as Record<string, unknown>) : undefined;
}

function suspension(suspended: boolean): ItemOperation {
  return {
    query: RUNNING,
    itemsAreInstances: true,
    request: (_batch, item) => ({
      method: 'PUT',
      path: `/process-instance/${id(item)}/suspended`,
      body: { suspended },
    }),
    applied: async (read, _batch, item) =>
      (await readBody(read, `/process-instance/${id(item)}`))?.suspended === suspended,
  };
}

function retries(
  query: EngineQuery,
  resource: '/job' | '/external-task',
  parse: (parameters: unknown) => { retries: number },
): ItemOperation {
  return {
    query,
    itemsAreInstances: false,
    request: (batch, item) => ({
      method: 'PUT',
      path: `${resource}/${id(item)}/retries`,
      body: { retries: parse(batch.parameters).retries },
    }),
    applied: async (read, batch, item) =>
      (await readBody(read, `${resource}/${id(item)}`))?.retries === parse(batch.parameters).retries,
  };
}

/**
 * A variable as Camunda 7's REST API takes it: a string, number or boolean as is (the engine infers
 * String, Integer/Long/Double, Boolean), anything else as a JSON value (type Json, which needs the
 * engine's Spin plugin; without it the engine refuses the item with its reason).
 */
function typedValue(value: unknown): { value: unknown; type?: string } {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value)
    ? { value }
    : { value: JSON.stringify(value), type: 'Json' };
}

/** The operation types this adapter runs per item through the engine's synchronous endpoints. */
export const ITEM_OPERATIONS: Partial<Record<BatchOperationType, ItemOperation>> = {
  CANCEL_PROCESS_INSTANCE: {
    query: RUNNING,
    itemsAreInstances: true,
    request: (batch, item) => {
      const options = cancellationOptionsSchema.parse(batch.parameters ?? {});
      // Cockpit's defaults for a batch cancellation: the instance ends without running its listeners or
      // output mappings. The synchronous delete takes no reason (only the engine's own batch does).
      const query = new URLSearchParams({
        skipCustomListeners: String(options.skipCustomListeners ?? true),
        skipIoMappings: 'true',
      });
      return { method: 'DELETE', path: `/process-instance/${id(item)}?${query}` };
    },
    applied: async (read, _batch, item) =>
      (await readBody(read, `/history/process-instance/${id(item)}`))?.state === 'EXTERNALLY_TERMINATED',
  },
  DELETE_PROCESS_INSTANCE: {
    query: HISTORIC,
    itemsAreInstances: true,
    request: (_batch, item) => ({ method: 'DELETE', path: `/history/process-instance/${id(item)}` }),
    applied: async (read, _batch, item) =>
      (await read(`/history/process-instance/${id(item)}`)).status === 404,
  },
  SET_VARIABLES: {
    query: RUNNING,
    itemsAreInstances: true,
    request: (batch, item) => {
      const { variables } = setVariablesParametersSchema.parse(batch.parameters);
      const modifications = Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [name, typedValue(value)]),
      );
      return { method: 'POST', path: `/process-instance/${id(item)}/variables`, body: { modifications } };
    },
    applied: async (read, batch, item) => {
      const { variables } = setVariablesParametersSchema.parse(batch.parameters);
      const found = await readBody(read, `/process-instance/${id(item)}/variables?deserializeValues=false`);
      return Object.entries(variables).every(([name, value]) => {
        const variable = found?.[name] as { value?: unknown } | undefined;
        return variable !== undefined && variable.value === typedValue(value).value;
      });
    },
  },
  SUSPEND_PROCESS_INSTANCE: suspension(true),
  RESUME_PROCESS_INSTANCE: suspension(false),
  SET_JOB_RETRIES: retries(
    { path: '/job', sortBy: 'jobId', instanceField: 'processInstanceId' },
    '/job',
    (p) => jobRetriesParametersSchema.parse(p),
  ),
  SET_EXTERNAL_TASK_RETRIES: retries(
    { path: '/external-task', sortBy: 'id', instanceField: 'processInstanceId' },
    '/external-task',
    (p) => externalTaskRetriesParametersSchema.parse(p),
  ),
};
