import { type InstanceScope, isInScope } from '#domain/authorization/permissions.ts';
import { decodeCursor, encodeCursor } from '#domain/cursor.ts';
import { InvalidArgumentError, NotSupportedByEngineError } from '#domain/errors.ts';
import type { IncidentSearch } from '#domain/incident/search-incidents.ts';
import { callHierarchyOf } from '#domain/instance/call-hierarchy.ts';
import type { ElementStatistics } from '#domain/instance/element-statistics.ts';
import {
  type ProcessDefinitionSearch,
  searchProcessDefinitions,
} from '#domain/instance/search-process-definitions.ts';
import type { ProcessInstanceSearch } from '#domain/instance/search-process-instances.ts';
import { VARIABLE_TRUNCATION_LENGTH, type VariableSearch } from '#domain/instance/variables.ts';
import type { JobSearch } from '#domain/job/search-jobs.ts';
import { emptySearchResult, pageResult, type SearchPage } from '#domain/search-page.ts';
import type {
  EngineReads,
  IncidentResult,
  JobSearchItem,
  ProcessDefinitionResult,
  ProcessInstanceResult,
  SearchResult,
  SequenceFlowResult,
  VariableSearchResult,
} from '#ports/engine-reads.ts';
import type { DefinitionSummary } from '#ports/process-definition-store.ts';
import type { Camunda7Keys } from './engine-keys.ts';
import type { Camunda7Dto, EngineOutcome, EngineRequest } from './item-operations.ts';

/** One request of the service to the engine, retried and classified by the engine (camunda7-engine.ts). */
export type ServiceRequest = (request: EngineRequest) => Promise<EngineOutcome>;

/** Camunda 8's default page size. */
const DEFAULT_LIMIT = 100;
/** Definitions listed per request: Camunda 7 deployments hold few next to instances. */
const DEFINITIONS_PAGE = 500;
/** The tenant Camunda 8 names the records of no tenant by. */
const DEFAULT_TENANT = '<default>';

/** A Camunda 7 date (`2026-12-07T05:40:28.260+0000`) as Camunda 8's ISO 8601 (`…Z`). */
function isoDate(date: string | null | undefined): string | null {
  if (!date) return null;
  return new Date(date.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).toISOString();
}

/**
 * The values a Camunda 8 filter field asks equality with: a plain value, `$eq` or `$in`; undefined when
 * absent. Other operators are refused by name, since the engine's queries have no such condition.
 */
function equalValues(field: string, value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' || typeof value === 'number') return [String(value)];
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const { $eq, $in, ...rest } = value as Record<string, unknown>;
    if (Object.keys(rest).length === 0 && ($eq === undefined) !== ($in === undefined)) {
      if ($eq !== undefined) return [String($eq)];
      if (Array.isArray($in)) return $in.map(String);
    }
  }
  throw new InvalidArgumentError(
    `filter.${field}: a Camunda 7 engine is searched by equality (a value, $eq or $in) only, got ${JSON.stringify(value)}`,
  );
}

/** Where a search's page starts and how long it is: `from`, or the offset an earlier answer's cursor carries. */
function pageWindow(page: SearchPage | undefined): { first: number; limit: number } {
  const limit = page?.limit ?? DEFAULT_LIMIT;
  const offsetOf = (cursor: string) => {
    const decoded = decodeCursor(cursor) as { offset?: unknown } | undefined;
    if (typeof decoded?.offset !== 'number')
      throw new InvalidArgumentError(`page: '${cursor}' is not a cursor this service answered`);
    return decoded.offset;
  };
  if (page?.after !== undefined) return { first: offsetOf(page.after), limit };
  if (page?.before !== undefined) return { first: Math.max(0, offsetOf(page.before) - limit), limit };
  return { first: page?.from ?? 0, limit };
}

/** The `page` of an answer: totals, and offset cursors around the page's items. */
function pageOf(total: number, first: number, count: number) {
  return count === 0
    ? pageResult(total)
    : pageResult(total, {
        start: encodeCursor({ offset: first }),
        end: encodeCursor({ offset: first + count }),
      });
}

/**
 * A filter's conditions narrowed to the caller's scope: definition ids (Camunda 7's definition keys)
 * and tenants, each intersected with what the filter asks; undefined when nothing can match.
 */
function scoped(
  keys: string[] | undefined,
  tenants: string[] | undefined,
  scope: InstanceScope,
): { keys?: string[]; tenants?: string[] } | undefined {
  const narrow = (asked: string[] | undefined, allowed: '*' | readonly string[]) =>
    allowed === '*' ? asked : (asked ?? [...allowed]).filter((value) => allowed.includes(value));
  const narrowedKeys = narrow(keys, scope.processDefinitionIds);
  const narrowedTenants = narrow(tenants, scope.tenantIds);
  if (narrowedKeys?.length === 0 || narrowedTenants?.length === 0) return undefined;
  return {
    ...(narrowedKeys ? { keys: narrowedKeys } : {}),
    ...(narrowedTenants ? { tenants: narrowedTenants } : {}),
  };
}

/**
 * Camunda 7's tenant condition of a query, where `<default>` means the records of no tenant: named
 * tenants `tenantIdIn`, the default one `withoutTenantId`, both as the query's `either` form.
 */
function tenantCondition<Query extends { tenantIdIn?: string[] | null; withoutTenantId?: boolean | null }>(
  tenants: string[] | undefined,
  either: (named: string[]) => Query,
): Query | Record<string, never> {
  if (!tenants) return {};
  const named = tenants.filter((tenant) => tenant !== DEFAULT_TENANT);
  if (named.length === tenants.length) return { tenantIdIn: named } as Query;
  return named.length === 0 ? ({ withoutTenantId: true } as Query) : either(named);
}

const INSTANCE_STATES: Record<string, Camunda7Dto['HistoricProcessInstanceQueryDto']> = {
  ACTIVE: { active: true },
  SUSPENDED: { suspended: true },
  COMPLETED: { completed: true },
  // Ended by a cancellation; an instance ended by a terminate end event is INTERNALLY_TERMINATED.
  TERMINATED: { externallyTerminated: true },
};

const INSTANCE_SORT: Record<string, string> = {
  processInstanceKey: 'instanceId',
  processDefinitionKey: 'definitionId',
  processDefinitionId: 'definitionKey',
  processDefinitionName: 'definitionName',
  processDefinitionVersion: 'definitionVersion',
  startDate: 'startTime',
  endDate: 'endTime',
  tenantId: 'tenantId',
  businessId: 'businessKey',
};

/** A Camunda 7 state as Camunda 8's ProcessInstanceStateEnum: either kind of termination is TERMINATED. */
function instanceState(state: string | null | undefined): ProcessInstanceResult['state'] {
  if (state === 'ACTIVE' || state === 'SUSPENDED' || state === 'COMPLETED') return state;
  return 'TERMINATED';
}

/**
 * The console's and the CLI's reads on a Camunda 7 engine. Camunda 8's wire names records by numeric
 * keys: a Camunda 7 record's key fields carry the surrogate keys of its string ids and the ids stand
 * beside them (`processDefinitionKey` and `processDefinitionEngineId` the definition id `order:2:…`;
 * `processDefinitionId` is the BPMN process id, which Camunda 7 calls the definition key). A key
 * field of a filter or a path takes either (engine-keys.ts).
 * Searches take Camunda 8's filters as far as the engine's queries have them: equality (a value, `$eq`,
 * `$in`) on the fields each search names; other fields and operators are refused by name (400).
 * Instances are read from the history, which holds running and finished ones alike.
 */
export class Camunda7Reads implements EngineReads {
  constructor(
    private readonly request: ServiceRequest,
    private readonly keys: Camunda7Keys,
  ) {}

  async searchProcessDefinitions(
    request: ProcessDefinitionSearch,
    scope: InstanceScope,
  ): Promise<SearchResult<ProcessDefinitionResult>> {
    const found = await searchProcessDefinitions(
      {
        listDefinitions: async ({ cursor }) => {
          const first = Number(cursor ?? 0);
          const page = await this.value<Camunda7Dto['ProcessDefinitionDto'][]>({
            method: 'GET',
            path: `/process-definition?sortBy=id&sortOrder=asc&firstResult=${first}&maxResults=${DEFINITIONS_PAGE}`,
          });
          // Keyed before the service's search, so that its filter and sort see the keys a client sees.
          return {
            definitions: await this.keys.keyed(page.map(definitionSummary)),
            ...(page.length < DEFINITIONS_PAGE ? {} : { cursor: String(first + DEFINITIONS_PAGE) }),
          };
        },
      },
      await this.definitionKeysIn(request),
      (definition) => isInScope(scope, definition),
    );
    const ids = await this.keys.idsOf(found.items.map((definition) => definition.processDefinitionKey));
    return {
      ...found,
      items: found.items.map((definition, i) => ({ ...definition, processDefinitionEngineId: ids[i] })),
    };
  }

  async getProcessDefinition(processDefinitionKey: string) {
    const found = await this.one<Camunda7Dto['ProcessDefinitionDto']>(
      `/process-definition/${encodeURIComponent(await this.keys.idOf(processDefinitionKey))}`,
    );
    if (!found) return undefined;
    const summary = definitionSummary(found);
    return await this.keyedOne({
      ...summary,
      name: summary.name ?? null,
      versionTag: summary.versionTag ?? null,
      hasStartForm: false,
      state: found.suspended ? ('DRAINING' as const) : ('ACTIVE' as const),
    });
  }

  async getProcessDefinitionXml(processDefinitionKey: string) {
    const found = await this.one<Camunda7Dto['ProcessDefinitionDiagramDto']>(
      `/process-definition/${encodeURIComponent(await this.keys.idOf(processDefinitionKey))}/xml`,
    );
    return found?.bpmn20Xml ?? undefined;
  }

  /**
   * The engine's activity statistics of the definition's running instances: each activity's active
   * instances and open incidents. Camunda 7 keeps no such counts of finished ones (canceled, completed
   * read 0), and takes no instance filter for them.
   */
  async processDefinitionElementStatistics(
    processDefinitionKey: string,
    filter: Record<string, unknown> | undefined,
  ) {
    if (filter && Object.keys(filter).length > 0) {
      throw new InvalidArgumentError(
        `filter: a Camunda 7 engine counts the activities of all running instances of a definition, without an instance filter (got ${Object.keys(filter).join(', ')})`,
      );
    }
    const found = await this.value<Camunda7Dto['ActivityStatisticsResultDto'][]>({
      method: 'GET',
      path: `/process-definition/${encodeURIComponent(await this.keys.idOf(processDefinitionKey))}/statistics?incidents=true`,
    });
    return {
      items: found.map((activity) => ({
        elementId: String(activity.id),
        active: activity.instances ?? 0,
        canceled: 0,
        incidents: (activity.incidents ?? []).reduce(
          (sum, incident) => sum + (incident.incidentCount ?? 0),
          0,
        ),
        completed: 0,
      })),
    };
  }

  async searchProcessInstances(
    request: ProcessInstanceSearch,
    scope: InstanceScope,
  ): Promise<SearchResult<ProcessInstanceResult>> {
    const filter = (request.filter ?? {}) as Record<string, unknown>;
    const {
      processInstanceKey,
      processDefinitionId,
      processDefinitionKey,
      tenantId,
      state,
      hasIncident,
      parentProcessInstanceKey,
      ...other
    } = filter;
    refuseOthers(
      other,
      'processInstanceKey, processDefinitionId, processDefinitionKey, tenantId, state, hasIncident, parentProcessInstanceKey',
    );
    const narrowed = scoped(
      equalValues('processDefinitionId', processDefinitionId),
      equalValues('tenantId', tenantId),
      scope,
    );
    if (!narrowed) return emptySearchResult();
    const states = equalValues('state', state)?.map((value) => {
      const query = INSTANCE_STATES[value];
      if (!query) throw new InvalidArgumentError(`filter.state: '${value}' is not a process instance state`);
      return query;
    });
    const ids = await this.idsIn('processInstanceKey', processInstanceKey);
    const definitionIds = await this.idsIn('processDefinitionKey', processDefinitionKey);
    const parents = await this.idsIn('parentProcessInstanceKey', parentProcessInstanceKey);
    if ((definitionIds?.length ?? 0) > 1 || (parents?.length ?? 0) > 1 || (states?.length ?? 0) > 1) {
      throw new InvalidArgumentError(
        'filter: a Camunda 7 engine is searched by one processDefinitionKey, parentProcessInstanceKey and state at a time',
      );
    }
    if (hasIncident !== undefined && hasIncident !== true) {
      throw new InvalidArgumentError(
        'filter.hasIncident: a Camunda 7 engine finds the instances with an incident (true) only',
      );
    }
    const query: Camunda7Dto['HistoricProcessInstanceQueryDto'] = {
      ...(ids ? { processInstanceIds: ids } : {}),
      ...(narrowed.keys ? { processDefinitionKeyIn: narrowed.keys } : {}),
      ...(definitionIds ? { processDefinitionId: definitionIds[0] } : {}),
      ...(parents ? { superProcessInstanceId: parents[0] } : {}),
      ...tenantCondition<Camunda7Dto['HistoricProcessInstanceQueryDto']>(narrowed.tenants, (named) => ({
        orQueries: [{ tenantIdIn: named }, { withoutTenantId: true }],
      })),
      ...(states?.[0] ?? {}),
      ...(hasIncident === true ? { withIncidents: true } : {}),
    };
    const { first, limit } = pageWindow(request.page);
    const sorting = [...(request.sort ?? []), { field: 'processInstanceKey', order: 'asc' }].map(
      ({ field, order }) => {
        const sortBy = INSTANCE_SORT[field];
        if (!sortBy)
          throw new InvalidArgumentError(
            `sort: a Camunda 7 engine cannot sort process instances by ${field}`,
          );
        return { sortBy, sortOrder: String(order ?? 'asc').toLowerCase() };
      },
    );
    const [page, count] = await Promise.all([
      this.value<Camunda7Dto['HistoricProcessInstanceDto'][]>({
        method: 'POST',
        path: `/history/process-instance?firstResult=${first}&maxResults=${limit}`,
        body: { ...query, sorting },
      }),
      this.value<Camunda7Dto['CountResultDto']>({
        method: 'POST',
        path: '/history/process-instance/count',
        body: query,
      }),
    ]);
    const withIncident = await this.withIncidents(page.map((instance) => String(instance.id)));
    return {
      items: await this.keys.keyed(
        page.map((instance) => instanceResult(instance, withIncident.has(String(instance.id)))),
      ),
      page: pageOf(count.count ?? 0, first, page.length),
    };
  }

  async getProcessInstance(processInstanceKey: string) {
    const id = await this.keys.idOf(processInstanceKey);
    const found = await this.one<Camunda7Dto['HistoricProcessInstanceDto']>(
      `/history/process-instance/${encodeURIComponent(id)}`,
    );
    if (!found) return undefined;
    return await this.keyedOne(instanceResult(found, (await this.withIncidents([id])).size > 0));
  }

  async searchIncidents(
    request: IncidentSearch,
    scope: InstanceScope,
  ): Promise<SearchResult<IncidentResult>> {
    const {
      processInstanceKey,
      processDefinitionId,
      processDefinitionKey,
      tenantId,
      incidentKey,
      errorType,
      elementId,
      state,
      ...other
    } = (request.filter ?? {}) as Record<string, unknown>;
    refuseOthers(
      other,
      'incidentKey, processInstanceKey, processDefinitionId, processDefinitionKey, tenantId, errorType, elementId, state',
    );
    const narrowed = scoped(
      equalValues('processDefinitionId', processDefinitionId),
      equalValues('tenantId', tenantId),
      scope,
    );
    // Camunda 7's incident query reads open incidents only.
    if (!narrowed || (state !== undefined && !equalValues('state', state)?.includes('ACTIVE')))
      return emptySearchResult();
    if (narrowed.tenants?.includes(DEFAULT_TENANT)) {
      throw new InvalidArgumentError(
        `filter.tenantId: a Camunda 7 engine's incident search takes tenant ids, not the records of no tenant ('${DEFAULT_TENANT}'); name the tenants`,
      );
    }
    const single = (field: string, values: string[] | undefined) => {
      if ((values?.length ?? 0) > 1)
        throw new InvalidArgumentError(
          `filter.${field}: a Camunda 7 engine is searched by one value of it at a time`,
        );
      return values?.[0];
    };
    const params = new URLSearchParams(
      Object.entries({
        incidentId: single('incidentKey', await this.idsIn('incidentKey', incidentKey)),
        processInstanceId: single(
          'processInstanceKey',
          await this.idsIn('processInstanceKey', processInstanceKey),
        ),
        processDefinitionId: single(
          'processDefinitionKey',
          await this.idsIn('processDefinitionKey', processDefinitionKey),
        ),
        // Camunda 8's JOB_NO_RETRIES is Camunda 7's failed job; another value is taken as Camunda 7's type.
        incidentType: single(
          'errorType',
          equalValues('errorType', errorType)?.map((value) =>
            value === 'JOB_NO_RETRIES' ? 'failedJob' : value,
          ),
        ),
        activityId: single('elementId', equalValues('elementId', elementId)),
        processDefinitionKeyIn: narrowed.keys?.join(','),
        tenantIdIn: narrowed.tenants?.join(','),
      }).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );
    const { first, limit } = pageWindow(request.page);
    const [page, count] = await Promise.all([
      this.value<Camunda7Dto['IncidentDto'][]>({
        method: 'GET',
        path: `/incident?${params}&sortBy=incidentId&sortOrder=asc&firstResult=${first}&maxResults=${limit}`,
      }),
      this.value<Camunda7Dto['CountResultDto']>({ method: 'GET', path: `/incident/count?${params}` }),
    ]);
    const keys = await this.definitionKeys(page.map((incident) => String(incident.processDefinitionId)));
    return {
      items: await this.keys.keyed(page.map((incident) => incidentResult(incident, keys))),
      page: pageOf(count.count ?? 0, first, page.length),
    };
  }

  async getIncident(incidentKey: string) {
    const found = await this.one<Camunda7Dto['IncidentDto']>(
      `/incident/${encodeURIComponent(await this.keys.idOf(incidentKey))}`,
    );
    if (!found) return undefined;
    return await this.keyedOne(
      incidentResult(found, await this.definitionKeys([String(found.processDefinitionId)])),
    );
  }

  async searchJobs(request: JobSearch, scope: InstanceScope): Promise<SearchResult<JobSearchItem>> {
    const { processInstanceKey, processDefinitionId, processDefinitionKey, tenantId, jobKey, ...other } =
      request.filter ?? {};
    refuseOthers(other, 'jobKey, processInstanceKey, processDefinitionId, processDefinitionKey, tenantId');
    const narrowed = scoped(
      equalValues('processDefinitionId', processDefinitionId),
      equalValues('tenantId', tenantId),
      scope,
    );
    if (!narrowed) return emptySearchResult();
    const instances = await this.idsIn('processInstanceKey', processInstanceKey);
    const definitionIds = await this.idsIn('processDefinitionKey', processDefinitionKey);
    const ids = await this.idsIn('jobKey', jobKey);
    if ((instances?.length ?? 0) > 1 || (definitionIds?.length ?? 0) > 1) {
      throw new InvalidArgumentError(
        'filter: a Camunda 7 engine is searched by one processInstanceKey and processDefinitionKey at a time',
      );
    }
    const query: Camunda7Dto['JobQueryDto'] = {
      ...(ids ? { jobIds: ids } : {}),
      ...(instances ? { processInstanceId: instances[0] } : {}),
      ...(definitionIds ? { processDefinitionId: definitionIds[0] } : {}),
      ...(narrowed.keys && narrowed.keys.length === 1 ? { processDefinitionKey: narrowed.keys[0] } : {}),
      ...tenantCondition<Camunda7Dto['JobQueryDto']>(narrowed.tenants, (named) => ({
        tenantIdIn: named,
        includeJobsWithoutTenantId: true,
      })),
    };
    if (narrowed.keys && narrowed.keys.length > 1) {
      throw new InvalidArgumentError(
        'filter.processDefinitionId: a Camunda 7 engine searches the jobs of one process at a time',
      );
    }
    const { first, limit } = pageWindow(request.page);
    const [page, count] = await Promise.all([
      this.value<Camunda7Dto['JobDto'][]>({
        method: 'POST',
        path: `/job?firstResult=${first}&maxResults=${limit}`,
        body: { ...query, sorting: [{ sortBy: 'jobId', sortOrder: 'asc' }] },
      }),
      this.value<Camunda7Dto['CountResultDto']>({ method: 'POST', path: '/job/count', body: query }),
    ]);
    return {
      items: await this.keys.keyed(page.map(jobResult)),
      page: pageOf(count.count ?? 0, first, page.length),
    };
  }

  /**
   * Counts from the instance's activity history: an activity instance that ended canceled is
   * `canceled`, one that ended otherwise `completed`, a running one `incidents` when its execution
   * has an open incident and `active` otherwise.
   */
  async processInstanceElementStatistics(processInstanceKey: string) {
    const id = encodeURIComponent(await this.keys.idOf(processInstanceKey));
    const [activities, incidents] = await Promise.all([
      this.value<Camunda7Dto['HistoricActivityInstanceDto'][]>({
        method: 'GET',
        path: `/history/activity-instance?processInstanceId=${id}&sortBy=activityId&sortOrder=asc`,
      }),
      this.value<Camunda7Dto['IncidentDto'][]>({ method: 'GET', path: `/incident?processInstanceId=${id}` }),
    ]);
    const failing = new Set(incidents.map((incident) => `${incident.activityId}/${incident.executionId}`));
    const counts = new Map<string, ElementStatistics>();
    for (const activity of activities) {
      const elementId = String(activity.activityId);
      let count = counts.get(elementId);
      if (!count) {
        count = { elementId, active: 0, canceled: 0, incidents: 0, completed: 0 };
        counts.set(elementId, count);
      }
      if (activity.endTime) count[activity.canceled ? 'canceled' : 'completed']++;
      else if (failing.has(`${elementId}/${activity.executionId}`)) count.incidents++;
      else count.active++;
    }
    return { items: [...counts.values()] };
  }

  processInstanceSequenceFlows(_processInstanceKey: string): Promise<{ items: SequenceFlowResult[] }> {
    return Promise.reject(
      new NotSupportedByEngineError(
        "GET /v2/process-instances/{processInstanceKey}/sequence-flows: a Camunda 7 engine's history records the activities an instance passed, not the sequence flows it took, so this deployment (ENGINE=camunda7) cannot name them; read the activities it passed with GET /v2/process-instances/{processInstanceKey}/statistics/element-instances",
      ),
    );
  }

  /** From the history's super process instances: root first, named by their definitions. */
  async processInstanceCallHierarchy(processInstanceKey: string) {
    const start = await this.historicInstance(await this.keys.idOf(processInstanceKey));
    if (!start) return [];
    const chain = await callHierarchyOf({ getInstance: (id) => this.historicInstance(id) }, start);
    return await this.keys.keyed(chain);
  }

  /**
   * The history's variables: by `name` (a value, `$eq`, `$in`, `$like`), `processInstanceKey` and
   * `tenantId`, in the scope's definition (one: the engine's variable query names one
   * process) and tenants. Values are shown as Camunda 8 does, as JSON text.
   */
  async searchVariables(
    request: VariableSearch,
    scope: InstanceScope,
    truncateValues: boolean,
  ): Promise<SearchResult<VariableSearchResult>> {
    const { name, processInstanceKey, tenantId, ...other } = request.filter ?? {};
    // A variable by its key is GET /v2/variables/{variableKey}: the engine's query has no id condition.
    refuseOthers(other, 'name, processInstanceKey, tenantId');
    const narrowed = scoped(undefined, equalValues('tenantId', tenantId), scope);
    if (!narrowed) return emptySearchResult();
    if ((narrowed.keys?.length ?? 0) > 1) {
      throw new InvalidArgumentError(
        `a Camunda 7 engine searches the variables of one process at a time, and this caller may read the instances of ${narrowed.keys?.join(', ')}: search as a caller of one process or of all`,
      );
    }
    const { $like: like, ...besidesLike } = typeof name === 'object' ? name : {};
    // A pattern alone, or equality (equalValues refuses any other condition by name).
    const names =
      like === undefined || Object.keys(besidesLike).length > 0 ? equalValues('name', name) : undefined;
    const instances = await this.idsIn('processInstanceKey', processInstanceKey);
    const query: Camunda7Dto['HistoricVariableInstanceQueryDto'] = {
      ...(names ? { variableNameIn: names } : {}),
      // Camunda 8's `*` and `?` wildcards as the engine's SQL LIKE's.
      ...(like !== undefined ? { variableNameLike: like.replaceAll('*', '%').replaceAll('?', '_') } : {}),
      ...(instances ? { processInstanceIdIn: instances } : {}),
      ...(narrowed.keys ? { processDefinitionKey: narrowed.keys[0] } : {}),
      ...tenantCondition<Camunda7Dto['HistoricVariableInstanceQueryDto']>(narrowed.tenants, () => {
        throw new InvalidArgumentError(
          `filter.tenantId: a Camunda 7 engine's variable search takes tenant ids or the records of no tenant ('${DEFAULT_TENANT}'), not both`,
        );
      }),
    };
    const { first, limit } = pageWindow(request.page);
    const sorting = [...(request.sort ?? []), { field: 'processInstanceKey', order: 'asc' }].map(
      ({ field, order }) => {
        const sortBy = VARIABLE_SORT[field];
        if (!sortBy)
          throw new InvalidArgumentError(`sort: a Camunda 7 engine cannot sort variables by ${field}`);
        return { sortBy, sortOrder: String(order ?? 'asc').toLowerCase() };
      },
    );
    const [page, count] = await Promise.all([
      this.value<Camunda7Dto['HistoricVariableInstanceDto'][]>({
        method: 'POST',
        path: `/history/variable-instance?firstResult=${first}&maxResults=${limit}&deserializeValues=false`,
        body: { ...query, sorting },
      }),
      this.value<Camunda7Dto['CountResultDto']>({
        method: 'POST',
        path: '/history/variable-instance/count',
        body: query,
      }),
    ]);
    return {
      items: await this.keys.keyed(page.map((variable) => variableResult(variable, truncateValues))),
      page: pageOf(count.count ?? 0, first, page.length),
    };
  }

  async getVariable(variableKey: string) {
    const found = await this.one<Camunda7Dto['HistoricVariableInstanceDto']>(
      `/history/variable-instance/${encodeURIComponent(await this.keys.idOf(variableKey))}?deserializeValues=false`,
    );
    if (!found) return undefined;
    const { isTruncated: _, ...variable } = variableResult(found, false);
    return await this.keyedOne(variable);
  }

  /** A history instance by its engine id, its keys the engine's ids (the call hierarchy keys them at once). */
  private async historicInstance(id: string) {
    const found = await this.one<Camunda7Dto['HistoricProcessInstanceDto']>(
      `/history/process-instance/${encodeURIComponent(id)}`,
    );
    return found && instanceResult(found, false);
  }

  /** A definition search whose `processDefinitionKey` (a value, `$eq` or `$in`) names keys, as the keyed definitions carry. */
  private async definitionKeysIn(request: ProcessDefinitionSearch): Promise<ProcessDefinitionSearch> {
    const asked = request.filter?.processDefinitionKey;
    if (asked === undefined) return request;
    const one = async (value: string) => (await this.keys.asKeys([value]))[0];
    const translated =
      typeof asked === 'string'
        ? await one(asked)
        : typeof asked.$eq === 'string'
          ? { ...asked, $eq: await one(asked.$eq) }
          : Array.isArray(asked.$in)
            ? { ...asked, $in: await this.keys.asKeys(asked.$in) }
            : asked;
    return { ...request, filter: { ...request.filter, processDefinitionKey: translated } };
  }

  /** The engine ids a key field of a filter asks equality with: keys this service answered, or ids. */
  private async idsIn(field: string, value: unknown): Promise<string[] | undefined> {
    const values = equalValues(field, value);
    return values && (await this.keys.idsOf(values));
  }

  private async keyedOne<T extends object>(record: T): Promise<T> {
    return (await this.keys.keyed([record]))[0];
  }

  /** The ids among these instances that have an open incident: one history query. */
  private async withIncidents(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const found = await this.value<Camunda7Dto['HistoricProcessInstanceDto'][]>({
      method: 'POST',
      path: `/history/process-instance?maxResults=${ids.length}`,
      body: { processInstanceIds: ids, withIncidents: true },
    });
    return new Set(found.map((instance) => String(instance.id)));
  }

  /** The BPMN process ids (Camunda 7's definition keys) of these definition ids: one query. */
  private async definitionKeys(definitionIds: string[]): Promise<Map<string, string>> {
    const ids = [...new Set(definitionIds)];
    if (ids.length === 0) return new Map();
    const found = await this.value<Camunda7Dto['ProcessDefinitionDto'][]>({
      method: 'GET',
      path: `/process-definition?processDefinitionIdIn=${ids.map(encodeURIComponent).join(',')}&maxResults=${ids.length}`,
    });
    return new Map(found.map((definition) => [String(definition.id), String(definition.key)]));
  }

  /** An answer's body; the engine's refusal of the request as the caller's 400. */
  private async value<T>(request: EngineRequest): Promise<T> {
    const outcome = await this.request(request);
    if (outcome.ok) return outcome.value as T;
    throw new InvalidArgumentError(`The Camunda 7 engine refused the request: ${outcome.detail}`);
  }

  /** A record, or undefined when the engine has none (404). */
  private async one<T>(path: string): Promise<T | undefined> {
    const outcome = await this.request({ method: 'GET', path });
    if (outcome.ok) return outcome.value as T;
    if (outcome.status === 404) return undefined;
    throw new InvalidArgumentError(`The Camunda 7 engine refused the request: ${outcome.detail}`);
  }
}

function refuseOthers(other: Record<string, unknown>, known: string): void {
  const fields = Object.keys(other);
  if (fields.length > 0) {
    throw new InvalidArgumentError(
      `filter: a Camunda 7 engine is searched by ${known}; not by ${fields.join(', ')}`,
    );
  }
}

function definitionSummary(definition: Camunda7Dto['ProcessDefinitionDto']): DefinitionSummary {
  return {
    processDefinitionKey: String(definition.id),
    processDefinitionId: String(definition.key),
    ...(definition.name ? { name: definition.name } : {}),
    version: definition.version ?? 0,
    ...(definition.versionTag ? { versionTag: definition.versionTag } : {}),
    tenantId: definition.tenantId ?? DEFAULT_TENANT,
    resourceName: definition.resource ?? '',
  };
}

function instanceResult(
  instance: Camunda7Dto['HistoricProcessInstanceDto'],
  hasIncident: boolean,
): ProcessInstanceResult {
  return {
    processInstanceKey: String(instance.id),
    processDefinitionId: String(instance.processDefinitionKey),
    processDefinitionName: instance.processDefinitionName ?? String(instance.processDefinitionKey),
    processDefinitionVersion: instance.processDefinitionVersion ?? 0,
    processDefinitionVersionTag: null,
    processDefinitionKey: String(instance.processDefinitionId),
    parentProcessInstanceKey: instance.superProcessInstanceId ?? null,
    parentElementInstanceKey: null,
    rootProcessInstanceKey: instance.rootProcessInstanceId ?? null,
    startDate: isoDate(instance.startTime) ?? '',
    endDate: isoDate(instance.endTime),
    suspendedDate: null,
    state: instanceState(instance.state),
    hasIncident,
    tenantId: instance.tenantId ?? DEFAULT_TENANT,
    tags: [],
    // Camunda 8.10's business id is what Camunda 7 calls the business key.
    businessId: instance.businessKey ?? null,
  };
}

const VARIABLE_SORT: Record<string, string> = {
  name: 'variableName',
  processInstanceKey: 'instanceId',
  tenantId: 'tenantId',
};

/**
 * A Camunda 7 variable's value as Camunda 8 shows one, JSON text: a JSON or object variable's
 * serialized value as it is, any other value (`deserializeValues=false` keeps them as the engine has
 * them) as JSON.
 */
function variableValue(variable: Camunda7Dto['HistoricVariableInstanceDto']): string {
  const { type, value } = variable as { type?: string | null; value?: unknown };
  if ((type === 'Json' || type === 'Object') && typeof value === 'string') return value;
  return JSON.stringify(value ?? null);
}

function variableResult(
  variable: Camunda7Dto['HistoricVariableInstanceDto'],
  truncate: boolean,
): VariableSearchResult {
  const value = variableValue(variable);
  const isTruncated = truncate && value.length > VARIABLE_TRUNCATION_LENGTH;
  return {
    name: String(variable.name),
    value: isTruncated ? value.slice(0, VARIABLE_TRUNCATION_LENGTH) : value,
    isTruncated,
    tenantId: variable.tenantId ?? DEFAULT_TENANT,
    variableKey: String(variable.id),
    // A process-level variable's activity instance is its process instance.
    scopeKey: String(variable.activityInstanceId ?? variable.processInstanceId),
    processInstanceKey: String(variable.processInstanceId),
    rootProcessInstanceKey: variable.rootProcessInstanceId ?? null,
  };
}

/**
 * Camunda 8's IncidentErrorTypeEnum for Camunda 7's incident types: a failed job or external task is
 * a job out of retries; a custom type is UNKNOWN (its name stays in the `incidentType` extension field).
 */
const ERROR_TYPES: Record<string, IncidentResult['errorType']> = {
  failedJob: 'JOB_NO_RETRIES',
  failedExternalTask: 'JOB_NO_RETRIES',
};

function incidentResult(
  incident: Camunda7Dto['IncidentDto'],
  keys: Map<string, string>,
): IncidentResult & { incidentType: string } {
  return {
    incidentKey: String(incident.id),
    processDefinitionId:
      keys.get(String(incident.processDefinitionId)) ?? String(incident.processDefinitionId),
    processDefinitionKey: String(incident.processDefinitionId),
    processInstanceKey: String(incident.processInstanceId),
    errorType: ERROR_TYPES[String(incident.incidentType)] ?? 'UNKNOWN',
    incidentType: String(incident.incidentType),
    errorMessage: incident.incidentMessage ?? '',
    elementId: String(incident.activityId),
    elementInstanceKey: String(incident.executionId),
    creationTime: isoDate(incident.incidentTimestamp) ?? '',
    state: 'ACTIVE',
    tenantId: incident.tenantId ?? DEFAULT_TENANT,
    jobKey: incident.incidentType === 'failedJob' ? (incident.configuration ?? null) : null,
    rootProcessInstanceKey: null,
  };
}

function jobResult(job: Camunda7Dto['JobDto']): JobSearchItem {
  const failed = Boolean(job.exceptionMessage);
  return {
    jobKey: String(job.id),
    type: String(job.jobDefinitionId),
    worker: '',
    state: failed ? 'FAILED' : 'CREATED',
    kind: 'BPMN_ELEMENT',
    listenerEventType: 'UNSPECIFIED',
    retries: job.retries ?? 0,
    isDenied: null,
    deniedReason: null,
    hasFailedWithRetriesLeft: failed && (job.retries ?? 0) > 0,
    errorCode: null,
    errorMessage: job.exceptionMessage ?? null,
    customHeaders: {},
    deadline: isoDate(job.dueDate),
    endTime: null,
    processDefinitionId: String(job.processDefinitionKey),
    processDefinitionKey: String(job.processDefinitionId),
    processInstanceKey: String(job.processInstanceId),
    rootProcessInstanceKey: null,
    elementId: null,
    elementInstanceKey: String(job.executionId),
    creationTime: isoDate(job.createTime),
    lastUpdateTime: null,
    tenantId: job.tenantId ?? DEFAULT_TENANT,
  };
}
