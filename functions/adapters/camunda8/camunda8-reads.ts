import {
  type CamundaClient,
  IncidentKey,
  ProcessDefinitionKey,
  ProcessInstanceKey,
  VariableKey,
} from '@camunda8/orchestration-cluster-api';
import { EngineDefinitions } from '#adapters/engine-definitions.ts';
import type { InstanceScope } from '#domain/authorization/permissions.ts';
import { narrowToScope } from '#domain/authorization/scope-filter.ts';
import { InvalidArgumentError } from '#domain/errors.ts';
import type { IncidentSearch } from '#domain/incident/search-incidents.ts';
import {
  type ProcessDefinitionSearch,
  searchProcessDefinitions,
} from '#domain/instance/search-process-definitions.ts';
import type { ProcessInstanceSearch } from '#domain/instance/search-process-instances.ts';
import type { VariableSearch } from '#domain/instance/variables.ts';
import type { JobSearch } from '#domain/job/search-jobs.ts';
import { emptySearchResult } from '#domain/search-page.ts';
import type { StringFilter } from '#domain/search-support.ts';
import { CAMUNDA_KEY_PATTERN } from '#domain/surrogate-key.ts';
import type {
  EngineReads,
  IncidentResult,
  JobSearchItem,
  ProcessDefinitionResult,
  ProcessInstanceResult,
  SearchResult,
  VariableSearchResult,
} from '#ports/engine-reads.ts';
import type { ClusterAnswer } from './cluster-answers.ts';
import { READ_NOW } from './item-operations.ts';

/**
 * One call of the engine's (functions/adapters/camunda8/camunda8-engine.ts): its value, or the
 * cluster's refusal; transient faults already retried, a refusal of the service already thrown.
 */
export type ServiceCall = <T>(
  op: () => Promise<T>,
) => Promise<{ ok: true; value: T } | ({ ok: false } & Extract<ClusterAnswer, { kind: 'refused' }>)>;

interface SearchRequest {
  filter?: unknown;
  sort?: readonly { field: string; order?: string }[];
  page?: object;
}

/** A search request as the cluster takes it: Camunda's own language, passed through (sort orders as its wire spells them). */
function clusterRequest(request: SearchRequest, filter: Record<string, unknown> | undefined) {
  return {
    ...request,
    ...(filter ? { filter } : {}),
    ...(request.sort
      ? { sort: request.sort.map((entry) => ({ ...entry, order: entry.order?.toUpperCase() })) }
      : {}),
  };
}

/**
 * The console's and the CLI's reads on a Camunda 8 cluster, through the official client: searches
 * pass Camunda's filter language, sort and paging (offset or cursor) through, narrowed to the
 * caller's scope so that the cluster counts and pages only what the caller may read; gets read
 * the record. Results are the cluster's, with the fields an older cluster lacks filled as absent.
 */
export class Camunda8Reads implements EngineReads {
  constructor(
    private readonly client: CamundaClient,
    private readonly call: ServiceCall,
  ) {}

  async searchProcessDefinitions(
    request: ProcessDefinitionSearch,
    scope: InstanceScope,
  ): Promise<SearchResult<ProcessDefinitionResult>> {
    // Camunda's definition filter takes one tenant, not a list: a caller of several tenants (or a
    // tenant condition) has its definitions read whole and searched here, as the built-in engine does.
    const tenant = request.filter?.tenantId;
    const tenants = scope.tenantIds;
    if (tenants !== '*' && typeof tenant !== 'string' && !(tenant === undefined && tenants.length === 1))
      return await searchProcessDefinitions(new EngineDefinitions(this), request, (definition) =>
        tenants.includes(definition.tenantId),
      );
    const filter = narrowToScope(
      { ...request.filter, ...(tenants !== '*' && tenant === undefined ? { tenantId: tenants[0] } : {}) },
      scope,
      ['processDefinitionId'],
    );
    if (!filter || (tenants !== '*' && typeof tenant === 'string' && !tenants.includes(tenant)))
      return emptySearchResult();
    const found = await this.read(() =>
      this.client.searchProcessDefinitions(clusterRequest(request, filter) as never, READ_NOW),
    );
    return { items: found.items.map(definitionResult), page: found.page };
  }

  async getProcessDefinition(processDefinitionKey: string) {
    const found = await this.readOne(() =>
      this.client.getProcessDefinition(
        { processDefinitionKey: ProcessDefinitionKey.assumeExists(processDefinitionKey) },
        READ_NOW,
      ),
    );
    return found && definitionResult(found);
  }

  getProcessDefinitionXml(processDefinitionKey: string) {
    return this.readOne(() =>
      this.client.getProcessDefinitionXml(
        { processDefinitionKey: ProcessDefinitionKey.assumeExists(processDefinitionKey) },
        READ_NOW,
      ),
    );
  }

  async processDefinitionElementStatistics(
    processDefinitionKey: string,
    filter: Record<string, unknown> | undefined,
  ) {
    const found = await this.read(() =>
      this.client.getProcessDefinitionStatistics(
        {
          processDefinitionKey: ProcessDefinitionKey.assumeExists(processDefinitionKey),
          ...(filter ? { filter } : {}),
        } as never,
        READ_NOW,
      ),
    );
    return { items: found.items.map((item) => ({ ...item, elementId: String(item.elementId) })) };
  }

  async searchProcessInstances(
    request: ProcessInstanceSearch,
    scope: InstanceScope,
  ): Promise<SearchResult<ProcessInstanceResult>> {
    const filter = narrowToScope(request.filter as Record<string, unknown> | undefined, scope);
    if (!filter) return emptySearchResult();
    const found = await this.read(() =>
      this.client.searchProcessInstances(clusterRequest(request, filter) as never, READ_NOW),
    );
    return { items: found.items.map(instanceResult), page: found.page };
  }

  async getProcessInstance(processInstanceKey: string) {
    const found = await this.readOne(() =>
      this.client.getProcessInstance(
        { processInstanceKey: ProcessInstanceKey.assumeExists(processInstanceKey) },
        READ_NOW,
      ),
    );
    return found && instanceResult(found);
  }

  async searchIncidents(
    request: IncidentSearch,
    scope: InstanceScope,
  ): Promise<SearchResult<IncidentResult>> {
    const filter = narrowToScope(request.filter, scope);
    if (!filter) return emptySearchResult();
    const found = await this.read(() =>
      this.client.searchIncidents(clusterRequest(request, filter) as never, READ_NOW),
    );
    return { items: found.items.map(incidentResult), page: found.page };
  }

  async getIncident(incidentKey: string) {
    const found = await this.readOne(() =>
      this.client.getIncident({ incidentKey: IncidentKey.assumeExists(incidentKey) }, READ_NOW),
    );
    return found && incidentResult(found);
  }

  async searchJobs(request: JobSearch, scope: InstanceScope): Promise<SearchResult<JobSearchItem>> {
    const filter = narrowToScope(request.filter, scope);
    if (!filter) return emptySearchResult();
    const found = await this.read(() =>
      this.client.searchJobs(clusterRequest(request, filter) as never, READ_NOW),
    );
    return { items: found.items, page: found.page };
  }

  async processInstanceElementStatistics(processInstanceKey: string) {
    const found = await this.readOne(() =>
      this.client.getProcessInstanceStatistics(
        { processInstanceKey: instanceKey(processInstanceKey) },
        READ_NOW,
      ),
    );
    return { items: (found?.items ?? []).map((item) => ({ ...item, elementId: String(item.elementId) })) };
  }

  async processInstanceSequenceFlows(processInstanceKey: string) {
    const found = await this.readOne(() =>
      this.client.getProcessInstanceSequenceFlows(
        { processInstanceKey: instanceKey(processInstanceKey) },
        READ_NOW,
      ),
    );
    return {
      items: (found?.items ?? []).map((flow) => ({
        ...flow,
        processInstanceKey: String(flow.processInstanceKey),
        rootProcessInstanceKey: flow.rootProcessInstanceKey ?? null,
        processDefinitionKey: String(flow.processDefinitionKey),
        processDefinitionId: String(flow.processDefinitionId),
        elementId: String(flow.elementId),
        tenantId: String(flow.tenantId),
      })),
    };
  }

  async processInstanceCallHierarchy(processInstanceKey: string) {
    const found = await this.readOne(() =>
      this.client.getProcessInstanceCallHierarchy(
        { processInstanceKey: instanceKey(processInstanceKey) },
        READ_NOW,
      ),
    );
    return (found ?? []).map((entry) => ({
      processInstanceKey: String(entry.processInstanceKey),
      processDefinitionKey: String(entry.processDefinitionKey),
      processDefinitionName: entry.processDefinitionName,
    }));
  }

  async searchVariables(
    request: VariableSearch,
    scope: InstanceScope,
    truncateValues: boolean,
  ): Promise<SearchResult<VariableSearchResult>> {
    const filter = await this.variableFilterIn(request.filter, scope);
    if (!filter) return emptySearchResult();
    const found = await this.read(() =>
      this.client.searchVariables({ ...clusterRequest(request, filter), truncateValues } as never, READ_NOW),
    );
    return { items: found.items.map(variableResult), page: found.page };
  }

  async getVariable(variableKey: string) {
    // A key of another shape names no variable: unknown (404), as for the built-in engine, not refused.
    if (!CAMUNDA_KEY_PATTERN.test(variableKey)) return undefined;
    const found = await this.readOne(() =>
      this.client.getVariable({ variableKey: VariableKey.assumeExists(variableKey) }, READ_NOW),
    );
    return found && variableResult(found);
  }

  /**
   * A variable filter narrowed to the caller's scope. Camunda 8's variable filter names no process
   * definition and at most one tenant, so a restricted caller searches the variables of the instances
   * it names (`processInstanceKey`: a value, `$eq` or `$in`), kept to those the cluster finds within
   * the scope in one instance search. Undefined when the caller may read none of them.
   */
  private async variableFilterIn(
    filter: VariableSearch['filter'],
    scope: InstanceScope,
  ): Promise<Record<string, unknown> | undefined> {
    if (scope.processDefinitionIds === '*' && scope.tenantIds === '*') return filter ?? {};
    const named = namedKeys(filter?.processInstanceKey);
    if (!named) {
      throw new InvalidArgumentError(
        'filter.processInstanceKey: on a Camunda 8 engine, a caller allowed to read the instances of some process definitions or tenants only names the instances whose variables it searches (a value, $eq or $in), since Camunda 8 searches variables by neither',
      );
    }
    const instances = narrowToScope({ processInstanceKey: { $in: named } }, scope);
    if (!instances || named.length === 0) return undefined;
    const readable = await this.read(() =>
      this.client.searchProcessInstances(
        { filter: instances, page: { limit: named.length } } as never,
        READ_NOW,
      ),
    );
    const keys = readable.items.map((instance) => String(instance.processInstanceKey));
    return keys.length > 0 ? { ...filter, processInstanceKey: { $in: keys } } : undefined;
  }

  /** A read's value; the cluster's refusal of the request (a field it does not know) as the caller's 400. */
  private async read<T>(op: () => Promise<T>): Promise<T> {
    const outcome = await this.call(op);
    if (outcome.ok) return outcome.value;
    throw new InvalidArgumentError(`The Camunda 8 cluster refused the request: ${outcome.detail}`);
  }

  /** A get's value, or undefined when the cluster has no such record. */
  private async readOne<T>(op: () => Promise<T>): Promise<T | undefined> {
    const outcome = await this.call(op);
    if (outcome.ok) return outcome.value;
    if (outcome.status === 404) return undefined;
    throw new InvalidArgumentError(`The Camunda 8 cluster refused the request: ${outcome.detail}`);
  }
}

type ClusterDefinition = Awaited<ReturnType<CamundaClient['getProcessDefinition']>>;
type ClusterInstance = Awaited<ReturnType<CamundaClient['getProcessInstance']>>;
type ClusterIncident = Awaited<ReturnType<CamundaClient['getIncident']>>;

function definitionResult(definition: ClusterDefinition): ProcessDefinitionResult {
  return definition;
}

/** The cluster's instance as the service's wire shows one (Camunda 8.10's fields null on an older cluster). */
function instanceResult(instance: ClusterInstance): ProcessInstanceResult {
  return {
    suspendedDate: null,
    ...instance,
    processDefinitionName: instance.processDefinitionName ?? String(instance.processDefinitionId),
  };
}

const instanceKey = (key: string) => ProcessInstanceKey.assumeExists(key);

/** The keys a filter's key condition names by equality (a value, `$eq`, `$in`); undefined for any other condition. */
function namedKeys(condition: StringFilter | undefined): string[] | undefined {
  if (typeof condition === 'string') return [condition];
  const { $eq, $in, ...other } = condition ?? {};
  if (Object.keys(other).length > 0 || ($eq === undefined) === ($in === undefined)) return undefined;
  return $eq === undefined ? $in : [$eq];
}

/** The cluster's variable as the service's wire shows one (an 8.9 cluster's root key may be absent). */
function variableResult<T extends Awaited<ReturnType<CamundaClient['getVariable']>>>(variable: T) {
  return {
    ...variable,
    tenantId: String(variable.tenantId),
    variableKey: String(variable.variableKey),
    scopeKey: String(variable.scopeKey),
    processInstanceKey: String(variable.processInstanceKey),
    rootProcessInstanceKey:
      variable.rootProcessInstanceKey === undefined || variable.rootProcessInstanceKey === null
        ? null
        : String(variable.rootProcessInstanceKey),
  };
}

function incidentResult(incident: ClusterIncident): IncidentResult {
  return incident;
}
