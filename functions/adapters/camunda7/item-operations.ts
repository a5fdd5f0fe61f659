import type { BatchOperationType } from '#domain/batch/batch-operation.ts';
import { cancellationOptionsSchema } from '#domain/batch/batch-operation.ts';
import { EngineUnavailableError } from '#domain/errors.ts';
import { migrationParametersSchema } from '#domain/operations/migrate-process-instance.ts';
import { modificationParametersSchema } from '#domain/operations/modify-process-instance.ts';
import type { ItemErrorClass } from '#domain/operations/operation-handler.ts';
import { restartParametersSchema } from '#domain/operations/restart-process-instance.ts';
import { externalTaskRetriesParametersSchema } from '#domain/operations/set-external-task-retries.ts';
import { jobRetriesParametersSchema } from '#domain/operations/set-job-retries.ts';
import { setVariablesParametersSchema } from '#domain/operations/set-variables.ts';
import type { EngineBatch, EngineItem } from '#ports/engine.ts';
import type { components } from './engine-rest.generated.ts';

/** The Camunda 7 REST API's request and response bodies, generated from its OpenAPI document. */
export type Camunda7Dto = components['schemas'];

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

/** The engine's refusal of one call, with its own message (engine-answers.ts classifies it). */
export interface EngineRefusal {
  readonly status: number;
  readonly detail: string;
  readonly errorClass: ItemErrorClass;
}

/** What one call of the engine answered: its body, or its refusal (transient faults are the engine's to retry). */
export type EngineOutcome = { ok: true; value: unknown } | ({ ok: false } & EngineRefusal);

/** A read of the engine: a GET of `path`, or a POST of `body` to it (a query). */
export type EngineRead = (path: string, body?: unknown) => Promise<EngineOutcome>;

/**
 * The request for some items of a group, made when it is sent (it may read the engine first), or the
 * engine's refusal of that read (e.g. its 404 for an instance that ended) as their outcome.
 */
export type ItemCall = (items: readonly EngineItem[]) => Promise<EngineRequest | EngineRefusal>;

/** Items that one request covers, and how that request is made. */
export interface ItemCalls {
  readonly items: readonly EngineItem[];
  readonly call: ItemCall;
}

/** One operation type on a Camunda 7 engine: its query, its requests and the read that shows its effect. */
export interface ItemOperation {
  readonly query: EngineQuery;
  /** Whether listed instance ids are items of this type (a job or external-task batch names its items by a query only). */
  readonly itemsAreInstances: boolean;
  /**
   * A group of items split into the parts one request each covers: one item each for a per-item
   * endpoint; for a per-group endpoint (migration, restart), the items that one call may take
   * together. A part whose call is refused as a whole is sent again one item at a time.
   */
  calls(read: EngineRead, batch: EngineBatch, items: readonly EngineItem[]): Promise<ItemCalls[]>;
  applied(read: EngineRead, batch: EngineBatch, item: EngineItem): Promise<boolean>;
}

const id = (item: EngineItem) => encodeURIComponent(item.itemKey);

/** The body of a read the engine answered, typed as the REST API documents it; undefined when refused. */
async function readBody<T extends object>(read: EngineRead, path: string): Promise<T | undefined> {
  const outcome = await read(path);
  return outcome.ok && outcome.value && typeof outcome.value === 'object' ? (outcome.value as T) : undefined;
}

/** A per-item endpoint: one request per item. */
function perItem(request: (batch: EngineBatch, item: EngineItem) => EngineRequest): ItemOperation['calls'] {
  return async (_read, batch, items) =>
    items.map((item) => ({ items: [item], call: async () => request(batch, item) }));
}

/** A running or historic instance as the engine describes it: its definition under either name. */
type DescribedInstance = Pick<Camunda7Dto['ProcessInstanceDto'], 'id' | 'definitionId'> &
  Pick<Camunda7Dto['HistoricProcessInstanceDto'], 'processDefinitionId'>;

/**
 * A per-group endpoint that takes the instances of one process definition at a time (Camunda 7's
 * migration and restart): the group's definitions read by one query (`describe`), one part per
 * definition. An instance the query did not find is read alone, so that the engine's own 404 is its
 * outcome (or, found after all, it is sent alone).
 */
function perDefinition(
  describe: {
    /** The query that finds the group's instances, and the read of one instance. */
    path: '/process-instance' | '/history/process-instance';
    /** The field of its answer that holds the instance's definition id. */
    field: 'definitionId' | 'processDefinitionId';
  },
  request: (batch: EngineBatch, definitionId: string, items: readonly EngineItem[]) => EngineRequest,
): ItemOperation['calls'] {
  return async (read, batch, items) => {
    const ids = items.map((item) => item.itemKey);
    const found = await read(`${describe.path}?maxResults=${ids.length}`, { processInstanceIds: ids });
    if (!found.ok) {
      throw new EngineUnavailableError(`The Camunda 7 engine refused POST ${describe.path}: ${found.detail}`);
    }
    const definitionOf = new Map(
      (found.value as DescribedInstance[]).map((instance) => [instance.id, instance[describe.field]]),
    );
    const parts = new Map<string, EngineItem[]>();
    const alone: ItemCalls[] = [];
    for (const item of items) {
      const definitionId = definitionOf.get(item.itemKey);
      if (!definitionId) {
        alone.push({
          items: [item],
          call: async () => {
            const single = await read(`${describe.path}/${id(item)}`);
            if (!single.ok) return single;
            return request(batch, String((single.value as DescribedInstance)[describe.field]), [item]);
          },
        });
      } else {
        parts.set(definitionId, [...(parts.get(definitionId) ?? []), item]);
      }
    }
    return [
      ...[...parts].map(([definitionId, part]) => ({
        items: part,
        call: async (some: readonly EngineItem[]) => request(batch, definitionId, some),
      })),
      ...alone,
    ];
  };
}

function suspension(suspended: boolean): ItemOperation {
  return {
    query: RUNNING,
    itemsAreInstances: true,
    calls: perItem((_batch, item) => ({
      method: 'PUT',
      path: `/process-instance/${id(item)}/suspended`,
      body: { suspended } satisfies Camunda7Dto['SuspensionStateDto'],
    })),
    applied: async (read, _batch, item) =>
      (await readBody<Camunda7Dto['ProcessInstanceDto']>(read, `/process-instance/${id(item)}`))
        ?.suspended === suspended,
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
    calls: perItem((batch, item) => ({
      method: 'PUT',
      path: `${resource}/${id(item)}/retries`,
      body: { retries: parse(batch.parameters).retries } satisfies Camunda7Dto['RetriesDto'],
    })),
    applied: async (read, batch, item) =>
      (
        await readBody<Camunda7Dto['JobDto'] | Camunda7Dto['ExternalTaskDto']>(
          read,
          `${resource}/${id(item)}`,
        )
      )?.retries === parse(batch.parameters).retries,
  };
}

/**
 * A variable as Camunda 7's REST API takes it: a string, number or boolean as is (the engine infers
 * String, Integer/Long/Double, Boolean), anything else as a JSON value (type Json, which needs the
 * engine's Spin plugin; without it the engine refuses the item with its reason).
 */
function typedValue(value: unknown): Camunda7Dto['VariableValueDto'] {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value)
    ? { value }
    : { value: JSON.stringify(value), type: 'Json' };
}

/** Where an instance's tokens wait: the engine's activity instance tree (`GET /process-instance/{id}/activity-instances`). */
type ActivityInstance = Camunda7Dto['ActivityInstanceDto'];

/** The tokens of the tree at an element, as a cancel instruction names each. */
function tokensAt(
  tree: ActivityInstance,
  elementId: string,
): ({ activityInstanceId: string } | { transitionInstanceId: string })[] {
  return [
    ...(tree.childTransitionInstances ?? [])
      .filter((transition) => transition.activityId === elementId)
      .map((transition) => ({ transitionInstanceId: String(transition.id) })),
    ...(tree.childActivityInstances ?? []).flatMap((child) => [
      ...(child.activityId === elementId ? [{ activityInstanceId: String(child.id) }] : []),
      ...tokensAt(child, elementId),
    ]),
  ];
}

const activeElements = (tree: ActivityInstance): (string | null | undefined)[] => [
  ...(tree.childTransitionInstances ?? []).map((transition) => transition.activityId),
  ...(tree.childActivityInstances ?? []).flatMap((child) => [child.activityId, ...activeElements(child)]),
];

/**
 * Camunda 8's move instructions as Camunda 7's per-instance modification: for each token at a source,
 * a start before the target and the token's cancellation (started first, so that canceling an
 * instance's last token does not end it). A move whose source holds no token adds nothing, as in
 * Camunda 8; an instance with no token at any source is refused without a call, since Camunda 7 would
 * start the targets anyway.
 */
const modify: ItemOperation = {
  query: RUNNING,
  itemsAreInstances: true,
  calls: async (read, batch, items) =>
    items.map((item) => ({
      items: [item],
      call: async () => {
        const tree = await read(`/process-instance/${id(item)}/activity-instances`);
        if (!tree.ok) return tree;
        const { moveInstructions } = modificationParametersSchema.parse(batch.parameters);
        const moved = new Set<string>();
        const instructions = moveInstructions.flatMap((move) =>
          tokensAt(tree.value as ActivityInstance, move.sourceElementId)
            .filter((token) => {
              // A token two moves name moves once, by the first.
              const tokenId = Object.values(token)[0];
              if (moved.has(tokenId)) return false;
              moved.add(tokenId);
              return true;
            })
            .flatMap((token): Camunda7Dto['ProcessInstanceModificationInstructionDto'][] => [
              { type: 'startBeforeActivity', activityId: move.targetElementId },
              { type: 'cancel', ...token },
            ]),
        );
        if (instructions.length === 0) {
          const sources = [...new Set(moveInstructions.map((move) => `'${move.sourceElementId}'`))];
          return {
            status: 409,
            detail: `Process instance '${item.itemKey}' has no active activity instance at any source element (${sources.join(', ')}) to move a token from`,
            errorClass: 'INVALID_STATE',
          };
        }
        return {
          method: 'POST',
          path: `/process-instance/${id(item)}/modification`,
          body: {
            skipCustomListeners: true,
            skipIoMappings: true,
            instructions,
          } satisfies Camunda7Dto['ProcessInstanceModificationDto'],
        };
      },
    })),
  /** Moved: no token left at a source, and one at every target. */
  applied: async (read, batch, item) => {
    const tree = await readBody<ActivityInstance>(read, `/process-instance/${id(item)}/activity-instances`);
    if (!tree) return false;
    const { moveInstructions } = modificationParametersSchema.parse(batch.parameters);
    const active = new Set(activeElements(tree));
    return moveInstructions.every(
      (move) => !active.has(move.sourceElementId) && active.has(move.targetElementId),
    );
  },
};

/**
 * Camunda 8's migration plan as Camunda 7's (`POST /migration/execute`, synchronous): the target is a
 * Camunda 7 process definition id, each mapping one instruction between activity ids. A Camunda 7 plan
 * names one source definition, so the group is sent per source definition.
 */
const migrate: ItemOperation = {
  query: RUNNING,
  itemsAreInstances: true,
  calls: perDefinition({ path: '/process-instance', field: 'definitionId' }, (batch, source, items) => {
    const { migrationPlan } = migrationParametersSchema.parse(batch.parameters);
    return {
      method: 'POST',
      path: '/migration/execute',
      body: {
        migrationPlan: {
          sourceProcessDefinitionId: source,
          targetProcessDefinitionId: migrationPlan.targetProcessDefinitionKey,
          instructions: migrationPlan.mappingInstructions.map((mapping) => ({
            sourceActivityIds: [mapping.sourceElementId],
            targetActivityIds: [mapping.targetElementId],
          })),
        },
        processInstanceIds: items.map((item) => item.itemKey),
      } satisfies Camunda7Dto['MigrationExecutionDto'],
    };
  }),
  applied: async (read, batch, item) =>
    (await readBody<Camunda7Dto['ProcessInstanceDto']>(read, `/process-instance/${id(item)}`))
      ?.definitionId ===
    migrationParametersSchema.parse(batch.parameters).migrationPlan.targetProcessDefinitionKey,
};

/** Historic instances read per page while looking for an instance's restart. */
const RESTART_SEARCH_PAGE = 200;

/**
 * Camunda 7's restart of finished instances (`POST /process-definition/{id}/restart`, synchronous): a
 * new instance of the same definition starts before the given activities with the old one's last
 * variables. It takes the instances of one definition, so the group is sent per definition.
 */
const restart: ItemOperation = {
  query: HISTORIC,
  itemsAreInstances: true,
  calls: perDefinition(
    { path: '/history/process-instance', field: 'processDefinitionId' },
    (batch, definitionId, items) => {
      const { startInstructions, skipCustomListeners, skipIoMappings } = restartParametersSchema.parse(
        batch.parameters,
      );
      return {
        method: 'POST',
        path: `/process-definition/${encodeURIComponent(definitionId)}/restart`,
        body: {
          processInstanceIds: items.map((item) => item.itemKey),
          instructions: startInstructions.map(({ elementId }) => ({
            type: 'startBeforeActivity' as const,
            activityId: elementId,
          })),
          ...(skipCustomListeners === undefined ? {} : { skipCustomListeners }),
          ...(skipIoMappings === undefined ? {} : { skipIoMappings }),
        } satisfies Camunda7Dto['RestartProcessInstanceDto'],
      };
    },
  ),
  /**
   * Restarted: an instance of its definition started after it ended names it as
   * `restartedProcessInstanceId` (the engine has no query by that field: the candidates are those
   * started since, with its business key where it has one).
   */
  applied: async (read, _batch, item) => {
    const old = await readBody<Camunda7Dto['HistoricProcessInstanceDto']>(
      read,
      `/history/process-instance/${id(item)}`,
    );
    if (!old?.endTime) return false;
    const query: Camunda7Dto['HistoricProcessInstanceQueryDto'] = {
      processDefinitionId: old.processDefinitionId,
      startedAfter: old.endTime,
      ...(old.businessKey ? { processInstanceBusinessKey: old.businessKey } : {}),
      sorting: [{ sortBy: 'instanceId', sortOrder: 'asc' }],
    };
    for (let firstResult = 0; ; firstResult += RESTART_SEARCH_PAGE) {
      const page = await read(
        `/history/process-instance?firstResult=${firstResult}&maxResults=${RESTART_SEARCH_PAGE}`,
        query,
      );
      const entries = page.ok ? (page.value as Camunda7Dto['HistoricProcessInstanceDto'][]) : [];
      if (entries.some((entry) => entry.restartedProcessInstanceId === item.itemKey)) return true;
      if (entries.length < RESTART_SEARCH_PAGE) return false;
    }
  },
};

/** The operation types this adapter runs through the engine's synchronous per-item and per-group endpoints. */
export const ITEM_OPERATIONS: Partial<Record<BatchOperationType, ItemOperation>> = {
  CANCEL_PROCESS_INSTANCE: {
    query: RUNNING,
    itemsAreInstances: true,
    calls: perItem((batch, item) => {
      const options = cancellationOptionsSchema.parse(batch.parameters ?? {});
      // Cockpit's defaults for a batch cancellation: the instance ends without running its listeners or
      // output mappings. The synchronous delete takes no reason (only the engine's own batch does).
      const query = new URLSearchParams({
        skipCustomListeners: String(options.skipCustomListeners ?? true),
        skipIoMappings: 'true',
      });
      return { method: 'DELETE', path: `/process-instance/${id(item)}?${query}` };
    }),
    applied: async (read, _batch, item) =>
      (
        await readBody<Camunda7Dto['HistoricProcessInstanceDto']>(
          read,
          `/history/process-instance/${id(item)}`,
        )
      )?.state === 'EXTERNALLY_TERMINATED',
  },
  DELETE_PROCESS_INSTANCE: {
    query: HISTORIC,
    itemsAreInstances: true,
    calls: perItem((_batch, item) => ({ method: 'DELETE', path: `/history/process-instance/${id(item)}` })),
    applied: async (read, _batch, item) => {
      const outcome = await read(`/history/process-instance/${id(item)}`);
      return !outcome.ok && outcome.status === 404;
    },
  },
  MIGRATE_PROCESS_INSTANCE: migrate,
  MODIFY_PROCESS_INSTANCE: modify,
  RESTART_PROCESS_INSTANCE: restart,
  SET_VARIABLES: {
    query: RUNNING,
    itemsAreInstances: true,
    calls: perItem((batch, item) => {
      const { variables } = setVariablesParametersSchema.parse(batch.parameters);
      const modifications = Object.fromEntries(
        Object.entries(variables).map(([name, value]) => [name, typedValue(value)]),
      );
      return {
        method: 'POST',
        path: `/process-instance/${id(item)}/variables`,
        body: { modifications } satisfies Camunda7Dto['PatchVariablesDto'],
      };
    }),
    applied: async (read, batch, item) => {
      const { variables } = setVariablesParametersSchema.parse(batch.parameters);
      const found = await readBody<Record<string, Camunda7Dto['VariableValueDto']>>(
        read,
        `/process-instance/${id(item)}/variables?deserializeValues=false`,
      );
      return Object.entries(variables).every(([name, value]) => {
        const variable = found?.[name];
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
