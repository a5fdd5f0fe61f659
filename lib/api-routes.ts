/**
 * The HTTP API as data: the CDK stack makes one Lambda integration per route and the embedded
 * runtime serves the same handlers on the same paths. Paths follow the Camunda 8 REST API v2.
 */
export interface ApiRoute {
  /** Construct id of the route's function. */
  readonly id: string;
  readonly method: 'GET' | 'POST';
  readonly path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  readonly entry: string;
}

export const apiRoutes: readonly ApiRoute[] = [
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
    id: 'CancelProcessInstancesBatch',
    method: 'POST',
    path: '/v2/process-instances/cancellation',
    entry: 'functions/api/cancel-process-instances-batch.ts',
  },
  {
    id: 'CancelProcessInstance',
    method: 'POST',
    path: '/v2/process-instances/{processInstanceKey}/cancellation',
    entry: 'functions/api/cancel-process-instance.ts',
  },
  {
    id: 'GetProcessInstance',
    method: 'GET',
    path: '/v2/process-instances/{processInstanceKey}',
    entry: 'functions/api/get-process-instance.ts',
  },
  {
    id: 'GetBatchOperation',
    method: 'GET',
    path: '/v2/batch-operations/{batchOperationKey}',
    entry: 'functions/api/get-batch-operation.ts',
  },
  {
    id: 'SearchBatchOperationItems',
    method: 'POST',
    path: '/v2/batch-operation-items/search',
    entry: 'functions/api/search-batch-operation-items.ts',
  },
];
