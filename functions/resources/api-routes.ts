import { OPERATIONS } from '#domain/operations/registry.ts';

/**
 * The HTTP API as data: the CDK stack makes one Lambda integration per route and the embedded
 * runtime serves the same handlers on the same paths. Paths follow the Camunda 8 REST API v2.
 */
export interface ApiRoute {
  /** Construct id of the route's function. */
  readonly id: string;
  readonly method: 'GET' | 'POST' | 'PATCH';
  readonly path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
  /**
   * The handler streams its response (functions/commons/streaming.ts). On AWS such a route is a
   * Lambda function URL in RESPONSE_STREAM mode, not an HTTP API route: API Gateway HTTP APIs buffer
   * a Lambda's response and cap it at 6 MB.
   */
  readonly streaming?: true;
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
}));

export const apiRoutes: readonly ApiRoute[] = [
  ...creationRoutes,
  {
    id: 'CreateDeployment',
    method: 'POST',
    path: '/v2/deployments',
    entry: 'functions/api/create-deployment.ts',
  },
  {
    id: 'CreateProcessInstance',
    method: 'POST',
    path: '/v2/process-instances',
    entry: 'functions/api/create-process-instance.ts',
  },
  {
    id: 'SearchProcessInstances',
    method: 'POST',
    path: '/v2/process-instances/search',
    entry: 'functions/api/search-process-instances.ts',
  },
  {
    id: 'CancelProcessInstance',
    method: 'POST',
    path: '/v2/process-instances/{processInstanceKey}/cancellation',
    entry: 'functions/api/cancel-process-instance.ts',
  },
  {
    id: 'SuspendProcessInstance',
    method: 'POST',
    path: '/v2/process-instances/{processInstanceKey}/suspension',
    entry: 'functions/api/suspend-process-instance.ts',
  },
  {
    id: 'ResumeProcessInstance',
    method: 'POST',
    path: '/v2/process-instances/{processInstanceKey}/resumption',
    entry: 'functions/api/resume-process-instance.ts',
  },
  {
    id: 'GetProcessInstance',
    method: 'GET',
    path: '/v2/process-instances/{processInstanceKey}',
    entry: 'functions/api/get-process-instance.ts',
  },
  {
    id: 'SearchBatchOperations',
    method: 'POST',
    path: '/v2/batch-operations/search',
    entry: 'functions/api/search-batch-operations.ts',
  },
  {
    id: 'GetBatchOperation',
    method: 'GET',
    path: '/v2/batch-operations/{batchOperationKey}',
    entry: 'functions/api/get-batch-operation.ts',
  },
  {
    id: 'SuspendBatchOperation',
    method: 'POST',
    path: '/v2/batch-operations/{batchOperationKey}/suspension',
    entry: 'functions/api/suspend-batch-operation.ts',
  },
  {
    id: 'ResumeBatchOperation',
    method: 'POST',
    path: '/v2/batch-operations/{batchOperationKey}/resumption',
    entry: 'functions/api/resume-batch-operation.ts',
  },
  {
    id: 'CancelBatchOperation',
    method: 'POST',
    path: '/v2/batch-operations/{batchOperationKey}/cancellation',
    entry: 'functions/api/cancel-batch-operation.ts',
  },
  {
    id: 'RetryFailedItems',
    method: 'POST',
    path: '/v2/extensions/batch-operations/{batchOperationKey}/failed-items-retry',
    entry: 'functions/api/retry-failed-items.ts',
  },
  {
    id: 'SearchBatchOperationItems',
    method: 'POST',
    path: '/v2/batch-operation-items/search',
    entry: 'functions/api/search-batch-operation-items.ts',
  },
  {
    id: 'ActivateJobs',
    method: 'POST',
    path: '/v2/jobs/activation',
    entry: 'functions/api/activate-jobs.ts',
  },
  {
    id: 'SearchJobs',
    method: 'POST',
    path: '/v2/jobs/search',
    entry: 'functions/api/search-jobs.ts',
  },
  {
    id: 'CompleteJob',
    method: 'POST',
    path: '/v2/jobs/{jobKey}/completion',
    entry: 'functions/api/complete-job.ts',
  },
  {
    id: 'FailJob',
    method: 'POST',
    path: '/v2/jobs/{jobKey}/failure',
    entry: 'functions/api/fail-job.ts',
  },
  {
    id: 'UpdateJob',
    method: 'PATCH',
    path: '/v2/jobs/{jobKey}',
    entry: 'functions/api/update-job.ts',
  },
  {
    id: 'SearchIncidents',
    method: 'POST',
    path: '/v2/incidents/search',
    entry: 'functions/api/search-incidents.ts',
  },
  {
    id: 'ResolveIncident',
    method: 'POST',
    path: '/v2/incidents/{incidentKey}/resolution',
    entry: 'functions/api/resolve-incident.ts',
  },
  {
    id: 'SearchProcessDefinitions',
    method: 'POST',
    path: '/v2/process-definitions/search',
    entry: 'functions/api/search-process-definitions.ts',
  },
  {
    id: 'GetProcessDefinition',
    method: 'GET',
    path: '/v2/process-definitions/{processDefinitionKey}',
    entry: 'functions/api/get-process-definition.ts',
  },
  {
    id: 'GetProcessDefinitionXml',
    method: 'GET',
    path: '/v2/process-definitions/{processDefinitionKey}/xml',
    entry: 'functions/api/get-process-definition-xml.ts',
  },
  // The connection checks Camunda clients and tools call first.
  {
    id: 'GetTopology',
    method: 'GET',
    path: '/v2/topology',
    entry: 'functions/api/get-topology.ts',
  },
  {
    id: 'GetStatus',
    method: 'GET',
    path: '/v2/status',
    entry: 'functions/api/get-status.ts',
  },
  // Extensions Camunda lacks, under /v2/extensions so that no Camunda client mistakes them for its API.
  {
    id: 'DryRunBatch',
    method: 'POST',
    path: '/v2/extensions/process-instances/{operation}/dry-run',
    entry: 'functions/api/dry-run-batch.ts',
  },
  // A job operation's dry run, under the jobs its batch acts on (dryRunRouteOf in the registry).
  {
    id: 'DryRunJobBatch',
    method: 'POST',
    path: '/v2/extensions/jobs/{operation}/dry-run',
    entry: 'functions/api/dry-run-batch.ts',
  },
  {
    id: 'GetOpenApi',
    method: 'GET',
    path: '/v2/extensions/openapi.json',
    entry: 'functions/api/get-openapi.ts',
  },
  {
    id: 'GetBatchOperationReport',
    method: 'GET',
    path: '/v2/extensions/batch-operations/{batchOperationKey}/report',
    entry: 'functions/api/get-batch-operation-report.ts',
    streaming: true,
  },
  // Extensions: liveness and readiness, without credentials (docs/api.md#health).
  {
    id: 'GetLiveness',
    method: 'GET',
    path: '/v2/extensions/health/liveness',
    entry: 'functions/api/get-liveness.ts',
  },
  {
    id: 'GetReadiness',
    method: 'GET',
    path: '/v2/extensions/health/readiness',
    entry: 'functions/api/get-readiness.ts',
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
