import type { InstanceScope } from '#domain/authorization/permissions.ts';
import type { toIncidentResult } from '#domain/incident/incident.ts';
import type { IncidentSearch } from '#domain/incident/search-incidents.ts';
import type { ElementStatistics } from '#domain/instance/element-statistics.ts';
import type {
  ProcessDefinitionSearch,
  toProcessDefinitionResult,
} from '#domain/instance/search-process-definitions.ts';
import type { ProcessInstanceSearch } from '#domain/instance/search-process-instances.ts';
import type { JobSearch } from '#domain/job/search-jobs.ts';
import type { pageResult } from '#domain/search-page.ts';
import type { toProcessInstanceResult } from '#wire/process-instance-result.ts';

/**
 * The wire shapes of the reads: the built-in engine's answers, with the values only another engine
 * sends widened to Camunda 8's (a root instance key, a business id, a draining definition) and the
 * fields Camunda 8.10 added optional where an 8.9 cluster lacks them.
 */
export type ProcessDefinitionResult = Omit<ReturnType<typeof toProcessDefinitionResult>, 'state'> & {
  state: 'ACTIVE' | 'DRAINING' | 'DELETED';
};
/** Camunda 8's ProcessInstanceResult (the built-in engine adds its extension fields). */
export type ProcessInstanceResult = Omit<
  ReturnType<typeof toProcessInstanceResult>,
  'rootProcessInstanceKey' | 'businessId'
> & { rootProcessInstanceKey: string | null; businessId: string | null };
/** Camunda 8's IncidentResult. */
export type IncidentResult = Omit<ReturnType<typeof toIncidentResult>, 'rootProcessInstanceKey' | 'state'> & {
  rootProcessInstanceKey: string | null;
  state: 'ACTIVE' | 'MIGRATED' | 'RESOLVED' | 'PENDING' | 'UNKNOWN';
};
/**
 * Camunda 8's JobSearchResult item (8.10's `priority` and the instance's `tags` absent from an 8.9
 * cluster); the enums as Camunda's JobStateEnum, JobKindEnum and JobListenerEventTypeEnum spell them.
 */
export interface JobSearchItem {
  jobKey: string;
  type: string;
  worker: string;
  state: string;
  kind: string;
  listenerEventType: string;
  retries: number;
  priority?: number;
  isDenied: boolean | null;
  deniedReason: string | null;
  hasFailedWithRetriesLeft: boolean;
  errorCode: string | null;
  errorMessage: string | null;
  customHeaders: Record<string, string>;
  deadline: string | null;
  endTime: string | null;
  processDefinitionId: string;
  processDefinitionKey: string;
  processInstanceKey: string;
  rootProcessInstanceKey: string | null;
  elementId: string | null;
  elementInstanceKey: string;
  creationTime: string | null;
  lastUpdateTime: string | null;
  tags?: string[];
  tenantId: string;
}

/** Camunda 8's search answer: one page of items and the `page` object (totals, cursors). */
export interface SearchResult<T> {
  items: T[];
  page: ReturnType<typeof pageResult>;
}

/**
 * The reads the console and the CLI make of the engine's records, in Camunda 8's wire shapes
 * (requests as the routes parse them, results as they answer them). One adapter per engine beside its
 * `Engine` (functions/adapters/<engine>/), wired by `engineReads()` in functions/commons/services.ts.
 *
 * Authorization stays the service's: a search takes the caller's `scope` (the definition ids and
 * tenants it may read under the route's permission) and counts only what lies inside it, in the page
 * and in the totals; a get returns the record whatever the scope, and the route answers 404 for one
 * the caller may not read. `undefined` is "the engine has no such record".
 *
 * A request the engine refuses throws InvalidArgumentError with the engine's reason; an engine that
 * refuses the service itself EngineUnavailableError; one out of reach beyond the retry policy
 * TransientEngineError.
 */
export interface EngineReads {
  /** POST /v2/process-definitions/search (scope under READ_PROCESS_DEFINITION). */
  searchProcessDefinitions(
    request: ProcessDefinitionSearch,
    scope: InstanceScope,
  ): Promise<SearchResult<ProcessDefinitionResult>>;
  /** GET /v2/process-definitions/{processDefinitionKey} */
  getProcessDefinition(processDefinitionKey: string): Promise<ProcessDefinitionResult | undefined>;
  /** GET /v2/process-definitions/{processDefinitionKey}/xml: the BPMN as deployed. */
  getProcessDefinitionXml(processDefinitionKey: string): Promise<string | undefined>;
  /**
   * POST /v2/process-definitions/{processDefinitionKey}/statistics/element-instances: element-instance
   * counts over the definition's instances matching a process-instance filter (the console's diagram).
   * No scope: the route has checked the definition, and all its instances share its id and tenant.
   */
  processDefinitionElementStatistics(
    processDefinitionKey: string,
    filter: Record<string, unknown> | undefined,
  ): Promise<{ items: ElementStatistics[] }>;
  /** POST /v2/process-instances/search (scope under READ_PROCESS_INSTANCE). */
  searchProcessInstances(
    request: ProcessInstanceSearch,
    scope: InstanceScope,
  ): Promise<SearchResult<ProcessInstanceResult>>;
  /** GET /v2/process-instances/{processInstanceKey} */
  getProcessInstance(processInstanceKey: string): Promise<ProcessInstanceResult | undefined>;
  /** POST /v2/incidents/search (scope under READ_PROCESS_INSTANCE). */
  searchIncidents(request: IncidentSearch, scope: InstanceScope): Promise<SearchResult<IncidentResult>>;
  /** GET /v2/incidents/{incidentKey} */
  getIncident(incidentKey: string): Promise<IncidentResult | undefined>;
  /** POST /v2/jobs/search (scope under READ_PROCESS_INSTANCE). */
  searchJobs(request: JobSearch, scope: InstanceScope): Promise<SearchResult<JobSearchItem>>;
}
