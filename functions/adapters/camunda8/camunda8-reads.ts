import {
  type CamundaClient,
  IncidentKey,
  ProcessDefinitionKey,
  ProcessInstanceKey,
} from '@camunda8/orchestration-cluster-api';
import type { InstanceScope } from '#domain/authorization/permissions.ts';
import { narrowToScope } from '#domain/authorization/scope-filter.ts';
import { InvalidArgumentError } from '#domain/errors.ts';
import type { IncidentSearch } from '#domain/incident/search-incidents.ts';
import {
  type ProcessDefinitionSearch,
  searchProcessDefinitions,
} from '#domain/instance/search-process-definitions.ts';
import type { ProcessInstanceSearch } from '#domain/instance/search-process-instances.ts';
import type { JobSearch } from '#domain/job/search-jobs.ts';
import { emptySearchResult } from '#domain/search-page.ts';
import type {
  EngineReads,
  IncidentResult,
  JobSearchItem,
  ProcessDefinitionResult,
  ProcessInstanceResult,
  SearchResult,
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

/** Definitions read per page when a caller's tenants must be checked here (Camunda's largest page). */
const DEFINITIONS_PAGE = 1000;

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
      return await searchProcessDefinitions(
        { listDefinitions: (page) => this.definitionPage(page) },
        request,
        (definition) => tenants.includes(definition.tenantId),
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

  /** Every definition of the cluster, a page at a time (cursor paging), as the built-in store lists its own. */
  private async definitionPage(page: { cursor?: string; limit: number }) {
    const found = await this.read(() =>
      this.client.searchProcessDefinitions(
        { page: { limit: DEFINITIONS_PAGE, ...(page.cursor ? { after: page.cursor } : {}) } } as never,
        READ_NOW,
      ),
    );
    const definitions = found.items.map(definitionResult).map(({ name, versionTag, ...definition }) => ({
      ...definition,
      ...(name === null ? {} : { name }),
      ...(versionTag === null ? {} : { versionTag }),
    }));
    const last = found.items.length < DEFINITIONS_PAGE || !found.page.endCursor;
    return { definitions, ...(last ? {} : { cursor: String(found.page.endCursor) }) };
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

function incidentResult(incident: ClusterIncident): IncidentResult {
  return incident;
}
