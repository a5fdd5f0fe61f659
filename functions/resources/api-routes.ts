import type { PermissionType, ResourceType } from '#domain/authorization/permissions.ts';
import { OPERATIONS } from '#domain/operations/registry.ts';

/**
 * Who may call a route, as Camunda 8 documents it per endpoint (docs/security.md): no one needs
 * credentials (`public`); any authenticated caller; a caller holding one of the permissions on the
 * resource type (403 otherwise; the handler checks the named resource when there is one); or any
 * caller, who sees only what the permission lets it read (`filtered`: searches, totals included).
 */
export type RouteAccess =
  | { readonly kind: 'public' }
  | { readonly kind: 'authenticated' }
  | {
      readonly kind: 'permission';
      readonly resourceType: ResourceType;
      readonly permissionTypes: readonly PermissionType[];
    }
  | {
      readonly kind: 'filtered';
      readonly resourceType: ResourceType;
      readonly permissionType: PermissionType;
    };

const permission = (resourceType: ResourceType, ...permissionTypes: PermissionType[]): RouteAccess => ({
  kind: 'permission',
  resourceType,
  permissionTypes,
});
const filtered = (resourceType: ResourceType, permissionType: PermissionType): RouteAccess => ({
  kind: 'filtered',
  resourceType,
  permissionType,
});
/** Creating a batch of any type: BATCH `CREATE`, or the type's own `CREATE_BATCH_OPERATION_<TYPE>`. */
const anyBatchCreation = permission(
  'BATCH',
  'CREATE',
  ...OPERATIONS.map((operation) => operation.permission),
);

/**
 * The HTTP API as data: the CDK stack makes one Lambda integration per route and the embedded
 * runtime serves the same handlers on the same paths. Paths follow the Camunda 8 REST API v2.
 */
export interface ApiRoute {
  /** Construct id of the route's function. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /**
   * The handler streams its response (functions/commons/streaming.ts). On AWS such a route is a
   * Lambda function URL in RESPONSE_STREAM mode, not an HTTP API route: API Gateway HTTP APIs buffer
   * a Lambda's response and cap it at 6 MB.
   */
  readonly streaming?: true;
  readonly access: RouteAccess;
  /**
   * Served whatever engine the deployment acts on (batches, their items and controls, authorizations,
   * health). A route without it reads or changes the built-in engine's own records (deployments,
   * instances, jobs, incidents): with another engine configured it answers a problem naming the
   * engine to call instead (functions/commons/engine-routes.ts).
   */
  readonly anyEngine?: true;
  /**
   * A read of the engine's records that goes through the engine's read port
   * (functions/ports/engine-reads.ts): served on every engine that has the reads, with the service's
   * own authorization checks.
   */
  readonly engineReads?: true;
}

/**
 * The creation route of every operation type, from its descriptor (functions/domain/operations/): one
 * handler serves them all and picks the operation by the route's path.
 */
const creationRoutes: ApiRoute[] = OPERATIONS.map((operation) => ({
  id: operation.creation.routeId,
  method: 'POST',
  path: operation.creation.path,
  entry: 'functions/api/create-batch-operation.ts',
  access: permission('BATCH', 'CREATE', operation.permission),
  anyEngine: true,
}));

export const apiRoutes: readonly ApiRoute[] = [
  ...creationRoutes,
  {
    id: 'CreateDeployment',
    method: 'POST',
    path: '/v2/deployments',
    entry: 'functions/api/create-deployment.ts',
    access: permission('RESOURCE', 'CREATE'),
  },
  {
    id: 'CreateProcessInstance',
    method: 'POST',
    path: '/v2/process-instances',
    entry: 'functions/api/create-process-instance.ts',
    access: permission('PROCESS_DEFINITION', 'CREATE_PROCESS_INSTANCE'),
  },
  {
    id: 'SearchProcessInstances',
    method: 'POST',
    path: '/v2/process-instances/search',
    entry: 'functions/api/search-process-instances.ts',
    access: filtered('PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE'),
    engineReads: true,
  },
  {
    id: 'CancelProcessInstance',
    method: 'POST',
    path: '/v2/process-instances/{processInstanceKey}/cancellation',
    entry: 'functions/api/cancel-process-instance.ts',
    access: permission('PROCESS_DEFINITION', 'CANCEL_PROCESS_INSTANCE'),
  },
  {
    id: 'SuspendProcessInstance',
    method: 'POST',
    path: '/v2/process-instances/{processInstanceKey}/suspension',
    entry: 'functions/api/suspend-process-instance.ts',
    access: permission('PROCESS_DEFINITION', 'UPDATE_PROCESS_INSTANCE'),
  },
  {
    id: 'ResumeProcessInstance',
    method: 'POST',
    path: '/v2/process-instances/{processInstanceKey}/resumption',
    entry: 'functions/api/resume-process-instance.ts',
    access: permission('PROCESS_DEFINITION', 'UPDATE_PROCESS_INSTANCE'),
  },
  // One instance migrated or modified, by the batch's own per-item rules (Operate offers them beside the batch).
  {
    id: 'MigrateProcessInstance',
    method: 'POST',
    path: '/v2/process-instances/{processInstanceKey}/migration',
    entry: 'functions/api/migrate-process-instance.ts',
    access: permission('PROCESS_DEFINITION', 'UPDATE_PROCESS_INSTANCE'),
  },
  {
    id: 'ModifyProcessInstance',
    method: 'POST',
    path: '/v2/process-instances/{processInstanceKey}/modification',
    entry: 'functions/api/modify-process-instance.ts',
    access: permission('PROCESS_DEFINITION', 'MODIFY_PROCESS_INSTANCE'),
  },
  {
    id: 'DeleteProcessInstance',
    method: 'POST',
    path: '/v2/process-instances/{processInstanceKey}/deletion',
    entry: 'functions/api/delete-process-instance.ts',
    access: permission('PROCESS_DEFINITION', 'DELETE_PROCESS_INSTANCE'),
  },
  {
    id: 'GetProcessInstance',
    method: 'GET',
    path: '/v2/process-instances/{processInstanceKey}',
    entry: 'functions/api/get-process-instance.ts',
    access: permission('PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE'),
    engineReads: true,
  },
  {
    id: 'SearchBatchOperations',
    method: 'POST',
    path: '/v2/batch-operations/search',
    entry: 'functions/api/search-batch-operations.ts',
    access: filtered('BATCH', 'READ'),
    anyEngine: true,
  },
  {
    id: 'GetBatchOperation',
    method: 'GET',
    path: '/v2/batch-operations/{batchOperationKey}',
    entry: 'functions/api/get-batch-operation.ts',
    access: permission('BATCH', 'READ'),
    anyEngine: true,
  },
  {
    id: 'SuspendBatchOperation',
    method: 'POST',
    path: '/v2/batch-operations/{batchOperationKey}/suspension',
    entry: 'functions/api/suspend-batch-operation.ts',
    access: permission('BATCH', 'UPDATE'),
    anyEngine: true,
  },
  {
    id: 'ResumeBatchOperation',
    method: 'POST',
    path: '/v2/batch-operations/{batchOperationKey}/resumption',
    entry: 'functions/api/resume-batch-operation.ts',
    access: permission('BATCH', 'UPDATE'),
    anyEngine: true,
  },
  {
    id: 'CancelBatchOperation',
    method: 'POST',
    path: '/v2/batch-operations/{batchOperationKey}/cancellation',
    entry: 'functions/api/cancel-batch-operation.ts',
    access: permission('BATCH', 'UPDATE'),
    anyEngine: true,
  },
  {
    id: 'RetryFailedItems',
    method: 'POST',
    path: '/v2/extensions/batch-operations/{batchOperationKey}/failed-items-retry',
    entry: 'functions/api/retry-failed-items.ts',
    access: anyBatchCreation,
    anyEngine: true,
  },
  // Extension: live changes of a running batch (rate, priority, failure threshold).
  {
    id: 'UpdateBatchOperation',
    method: 'PATCH',
    path: '/v2/extensions/batch-operations/{batchOperationKey}',
    entry: 'functions/api/update-batch-operation.ts',
    access: permission('BATCH', 'UPDATE'),
    anyEngine: true,
  },
  // Extension: a scheduled batch started before its time.
  {
    id: 'StartBatchOperation',
    method: 'POST',
    path: '/v2/extensions/batch-operations/{batchOperationKey}/start',
    entry: 'functions/api/start-batch-operation.ts',
    access: permission('BATCH', 'UPDATE'),
    anyEngine: true,
  },
  {
    id: 'SearchBatchOperationItems',
    method: 'POST',
    path: '/v2/batch-operation-items/search',
    entry: 'functions/api/search-batch-operation-items.ts',
    access: filtered('BATCH', 'READ'),
    anyEngine: true,
  },
  {
    id: 'ActivateJobs',
    method: 'POST',
    path: '/v2/jobs/activation',
    entry: 'functions/api/activate-jobs.ts',
    access: permission('PROCESS_DEFINITION', 'UPDATE_PROCESS_INSTANCE'),
  },
  {
    id: 'SearchJobs',
    method: 'POST',
    path: '/v2/jobs/search',
    entry: 'functions/api/search-jobs.ts',
    access: filtered('PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE'),
    engineReads: true,
  },
  {
    id: 'CompleteJob',
    method: 'POST',
    path: '/v2/jobs/{jobKey}/completion',
    entry: 'functions/api/complete-job.ts',
    access: permission('PROCESS_DEFINITION', 'UPDATE_PROCESS_INSTANCE'),
  },
  {
    id: 'FailJob',
    method: 'POST',
    path: '/v2/jobs/{jobKey}/failure',
    entry: 'functions/api/fail-job.ts',
    access: permission('PROCESS_DEFINITION', 'UPDATE_PROCESS_INSTANCE'),
  },
  {
    id: 'UpdateJob',
    method: 'PATCH',
    path: '/v2/jobs/{jobKey}',
    entry: 'functions/api/update-job.ts',
    access: permission('PROCESS_DEFINITION', 'UPDATE_PROCESS_INSTANCE'),
  },
  {
    id: 'SearchIncidents',
    method: 'POST',
    path: '/v2/incidents/search',
    entry: 'functions/api/search-incidents.ts',
    access: filtered('PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE'),
    engineReads: true,
  },
  {
    id: 'ResolveIncident',
    method: 'POST',
    path: '/v2/incidents/{incidentKey}/resolution',
    entry: 'functions/api/resolve-incident.ts',
    access: permission('PROCESS_DEFINITION', 'UPDATE_PROCESS_INSTANCE'),
  },
  {
    id: 'SearchProcessDefinitions',
    method: 'POST',
    path: '/v2/process-definitions/search',
    entry: 'functions/api/search-process-definitions.ts',
    access: filtered('PROCESS_DEFINITION', 'READ_PROCESS_DEFINITION'),
    engineReads: true,
  },
  {
    id: 'GetProcessDefinition',
    method: 'GET',
    path: '/v2/process-definitions/{processDefinitionKey}',
    entry: 'functions/api/get-process-definition.ts',
    access: permission('PROCESS_DEFINITION', 'READ_PROCESS_DEFINITION'),
    engineReads: true,
  },
  {
    id: 'GetProcessDefinitionXml',
    method: 'GET',
    path: '/v2/process-definitions/{processDefinitionKey}/xml',
    entry: 'functions/api/get-process-definition-xml.ts',
    access: permission('PROCESS_DEFINITION', 'READ_PROCESS_DEFINITION'),
    engineReads: true,
  },
  // The reads an operator makes around a batch (Operate's diagram, incidents, hierarchy).
  {
    id: 'GetIncident',
    method: 'GET',
    path: '/v2/incidents/{incidentKey}',
    entry: 'functions/api/get-incident.ts',
    access: permission('PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE'),
    engineReads: true,
  },
  {
    id: 'SearchProcessInstanceIncidents',
    method: 'POST',
    path: '/v2/process-instances/{processInstanceKey}/incidents/search',
    entry: 'functions/api/search-process-instance-incidents.ts',
    access: permission('PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE'),
    engineReads: true,
  },
  {
    id: 'GetProcessInstanceStatistics',
    method: 'GET',
    path: '/v2/process-instances/{processInstanceKey}/statistics/element-instances',
    entry: 'functions/api/get-process-instance-statistics.ts',
    access: permission('PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE'),
    engineReads: true,
  },
  {
    id: 'GetProcessInstanceSequenceFlows',
    method: 'GET',
    path: '/v2/process-instances/{processInstanceKey}/sequence-flows',
    entry: 'functions/api/get-process-instance-sequence-flows.ts',
    access: permission('PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE'),
    engineReads: true,
  },
  {
    id: 'GetProcessInstanceCallHierarchy',
    method: 'GET',
    path: '/v2/process-instances/{processInstanceKey}/call-hierarchy',
    entry: 'functions/api/get-process-instance-call-hierarchy.ts',
    access: permission('PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE'),
    engineReads: true,
  },
  {
    id: 'GetProcessDefinitionStatistics',
    method: 'POST',
    path: '/v2/process-definitions/{processDefinitionKey}/statistics/element-instances',
    entry: 'functions/api/get-process-definition-statistics.ts',
    access: permission('PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE'),
    engineReads: true,
  },
  // Variables: what instances carry, to pick a filter's values from.
  {
    id: 'SearchVariables',
    method: 'POST',
    path: '/v2/variables/search',
    entry: 'functions/api/search-variables.ts',
    access: filtered('PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE'),
    engineReads: true,
  },
  {
    id: 'GetVariable',
    method: 'GET',
    path: '/v2/variables/{variableKey}',
    entry: 'functions/api/get-variable.ts',
    access: permission('PROCESS_DEFINITION', 'READ_PROCESS_INSTANCE'),
    engineReads: true,
  },
  {
    id: 'ThrowJobError',
    method: 'POST',
    path: '/v2/jobs/{jobKey}/error',
    entry: 'functions/api/throw-job-error.ts',
    access: permission('PROCESS_DEFINITION', 'UPDATE_PROCESS_INSTANCE'),
  },
  // Who the credentials name, and the license, as Camunda's web apps read them first.
  {
    id: 'GetCurrentUser',
    method: 'GET',
    path: '/v2/authentication/me',
    entry: 'functions/api/get-current-user.ts',
    access: { kind: 'authenticated' },
    anyEngine: true,
  },
  {
    id: 'GetLicense',
    method: 'GET',
    path: '/v2/license',
    entry: 'functions/api/get-license.ts',
    access: { kind: 'public' },
    anyEngine: true,
  },
  // The connection checks Camunda clients and tools call first.
  {
    id: 'GetTopology',
    method: 'GET',
    path: '/v2/topology',
    entry: 'functions/api/get-topology.ts',
    access: { kind: 'authenticated' },
    anyEngine: true,
  },
  {
    id: 'GetStatus',
    method: 'GET',
    path: '/v2/status',
    entry: 'functions/api/get-status.ts',
    access: { kind: 'public' },
    anyEngine: true,
  },
  // Extensions Camunda lacks, under /v2/extensions so that no Camunda client mistakes them for its API.
  {
    id: 'DryRunBatch',
    method: 'POST',
    path: '/v2/extensions/process-instances/{operation}/dry-run',
    entry: 'functions/api/dry-run-batch.ts',
    access: anyBatchCreation,
    anyEngine: true,
  },
  // A job operation's dry run, under the jobs its batch acts on (dryRunRouteOf in the registry).
  {
    id: 'DryRunJobBatch',
    method: 'POST',
    path: '/v2/extensions/jobs/{operation}/dry-run',
    entry: 'functions/api/dry-run-batch.ts',
    access: anyBatchCreation,
    anyEngine: true,
  },
  // The deployment's limits a client checks before it asks (the lowest itemsPerSecond).
  {
    id: 'GetLimits',
    method: 'GET',
    path: '/v2/extensions/limits',
    entry: 'functions/api/get-limits.ts',
    access: { kind: 'authenticated' },
    anyEngine: true,
  },
  {
    id: 'GetOpenApi',
    method: 'GET',
    path: '/v2/extensions/openapi.json',
    entry: 'functions/api/get-openapi.ts',
    // The description of the API, as Camunda serves its own: readable before signing in.
    access: { kind: 'public' },
    anyEngine: true,
  },
  {
    id: 'GetBatchOperationReport',
    method: 'GET',
    path: '/v2/extensions/batch-operations/{batchOperationKey}/report',
    entry: 'functions/api/get-batch-operation-report.ts',
    streaming: true,
    access: permission('BATCH', 'READ'),
    anyEngine: true,
  },
  // Camunda's authorizations (create, search, get, delete), for users, clients, groups and roles.
  {
    id: 'CreateAuthorization',
    method: 'POST',
    path: '/v2/authorizations',
    entry: 'functions/api/create-authorization.ts',
    access: permission('AUTHORIZATION', 'CREATE'),
    anyEngine: true,
  },
  {
    id: 'SearchAuthorizations',
    method: 'POST',
    path: '/v2/authorizations/search',
    entry: 'functions/api/search-authorizations.ts',
    access: filtered('AUTHORIZATION', 'READ'),
    anyEngine: true,
  },
  {
    id: 'GetAuthorization',
    method: 'GET',
    path: '/v2/authorizations/{authorizationKey}',
    entry: 'functions/api/get-authorization.ts',
    access: permission('AUTHORIZATION', 'READ'),
    anyEngine: true,
  },
  {
    id: 'DeleteAuthorization',
    method: 'DELETE',
    path: '/v2/authorizations/{authorizationKey}',
    entry: 'functions/api/delete-authorization.ts',
    access: permission('AUTHORIZATION', 'DELETE'),
    anyEngine: true,
  },
  // Extension: the batch's audit trail (who did what, when).
  {
    id: 'GetBatchAuditLog',
    method: 'GET',
    path: '/v2/extensions/batch-operations/{batchOperationKey}/audit-log',
    entry: 'functions/api/get-batch-audit-log.ts',
    access: permission('BATCH', 'READ'),
    anyEngine: true,
  },
  // Extensions: liveness and readiness, without credentials (docs/api.md#health).
  {
    id: 'GetLiveness',
    method: 'GET',
    path: '/v2/extensions/health/liveness',
    entry: 'functions/api/get-liveness.ts',
    access: { kind: 'public' },
    anyEngine: true,
  },
  {
    id: 'GetReadiness',
    method: 'GET',
    path: '/v2/extensions/health/readiness',
    entry: 'functions/api/get-readiness.ts',
    access: { kind: 'public' },
    anyEngine: true,
  },
];

/**
 * The path parameters of a request path under a route's path template (`{name}` is one segment), or
 * undefined when the path is not the route's.
 */
export function matchRoutePath(template: string, path: string): Record<string, string> | undefined {
  const names: string[] = [];
  const source = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  const values = new RegExp(`^${source}$`).exec(path)?.slice(1);
  return values && Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(values[index])]));
}
