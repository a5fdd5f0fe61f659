import type { InstanceScope } from '#domain/authorization/permissions.ts';
import type { toIncidentResult } from '#domain/incident/incident.ts';
import type { IncidentSearch } from '#domain/incident/search-incidents.ts';
import type { CallHierarchyEntry } from '#domain/instance/call-hierarchy.ts';
import type { ElementStatistics } from '#domain/instance/element-statistics.ts';
import type {
  ProcessDefinitionSearch,
  toProcessDefinitionResult,
} from '#domain/instance/search-process-definitions.ts';
import type { ProcessInstanceSearch } from '#domain/instance/search-process-instances.ts';
import type { VariableSearch, VariableSearchItem } from '#domain/instance/variables.ts';
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

/** Camunda 8's ProcessInstanceSequenceFlowResult: a sequence flow an instance's token took. */
export interface SequenceFlowResult {
  sequenceFlowId: string;
  processInstanceKey: string;
  rootProcessInstanceKey: string | null;
  processDefinitionKey: string;
  processDefinitionId: string;
  elementId: string;
  tenantId: string;
}
/** Camunda 8's VariableSearchResult (a search's item: its value cut unless asked whole). */
export type VariableSearchResult = Omit<VariableSearchItem, 'rootProcessInstanceKey'> & {
  rootProcessInstanceKey: string | null;
};
/** Camunda 8's VariableResult (a get's answer: the full value). */
export type VariableResult = Omit<VariableSearchResult, 'isTruncated'>;

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
  /*
   * The reads about one instance below take the key of an instance the route has read (getProcessInstance)
   * and found readable: no scope. One the engine no longer has reads as empty.
   */
  /** GET /v2/process-instances/{processInstanceKey}/statistics/element-instances: the instance's counts per element. */
  processInstanceElementStatistics(processInstanceKey: string): Promise<{ items: ElementStatistics[] }>;
  /** GET /v2/process-instances/{processInstanceKey}/sequence-flows: the flows its tokens took. */
  processInstanceSequenceFlows(processInstanceKey: string): Promise<{ items: SequenceFlowResult[] }>;
  /**
   * GET /v2/process-instances/{processInstanceKey}/call-hierarchy: from the root instance down to this
   * one, empty for a root (ancestors named whatever the caller may read, as Camunda does).
   */
  processInstanceCallHierarchy(processInstanceKey: string): Promise<CallHierarchyEntry[]>;
  /**
   * POST /v2/variables/search (scope under READ_PROCESS_INSTANCE: the variables of the instances the
   * caller may read); values longer than the engine's threshold cut unless `truncateValues` is false.
   */
  searchVariables(
    request: VariableSearch,
    scope: InstanceScope,
    truncateValues: boolean,
  ): Promise<SearchResult<VariableSearchResult>>;
  /**
   * GET /v2/variables/{variableKey}: its full value; undefined for a key of any shape that names none
   * (the route reads the variable's instance to check the caller may read it).
   */
  getVariable(variableKey: string): Promise<VariableResult | undefined>;
}
