import { z } from 'zod';
import { readConfig } from '#commons/config.ts';
import {
  authorizationRequestSchema,
  authorizationSearchSchema,
} from '#domain/authorization/manage-authorizations.ts';
import { batchControlsSchema, liveChangeSchema } from '#domain/batch/batch-operation.ts';
import { batchItemSearchSchema } from '#domain/batch/search-batch-items.ts';
import { batchOperationSearchSchema } from '#domain/batch/search-batch-operations.ts';
import { lowestItemsPerSecond } from '#domain/creation/rate-limit.ts';
import { incidentSearchSchema } from '#domain/incident/search-incidents.ts';
import { definitionStatisticsSchema } from '#domain/instance/element-statistics.ts';
import { processDefinitionSearchSchema } from '#domain/instance/search-process-definitions.ts';
import { processInstanceSearchSchema } from '#domain/instance/search-process-instances.ts';
import { variableSearchSchema } from '#domain/instance/variables.ts';
import { jobSearchSchema } from '#domain/job/search-jobs.ts';
import { jobErrorSchema } from '#domain/job/throw-job-error.ts';
import { KEY_PATTERN } from '#domain/keys.ts';
import { instanceMigrationSchema } from '#domain/operations/migrate-process-instance.ts';
import { instanceModificationSchema } from '#domain/operations/modify-process-instance.ts';
import { creationName, dryRunRouteOf, OPERATIONS } from '#domain/operations/registry.ts';
import {
  activateJobsRequestSchema,
  commandRequestSchema,
  completeJobRequestSchema,
  createProcessInstanceRequestSchema,
  failJobRequestSchema,
  updateJobRequestSchema,
} from '#wire/command-requests.ts';
import { SERVICE_VERSION } from '#wire/topology.ts';
import { type ApiRoute, apiRoutes } from './api-routes.ts';

/** RFC 9457 problem detail, as every error of the API is answered. */
const problemDetailSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().optional(),
});

/**
 * The request bodies the route table's handlers parse with a schema the domain exports, by route id:
 * the searches and every operation's creation body. Other routes take a JSON object their handler
 * checks (see docs/api.md).
 */
const requestBodies: Readonly<Record<string, z.ZodType>> = {
  SearchProcessInstances: processInstanceSearchSchema,
  SearchProcessDefinitions: processDefinitionSearchSchema,
  SearchBatchOperations: batchOperationSearchSchema,
  SearchBatchOperationItems: batchItemSearchSchema,
  SearchIncidents: incidentSearchSchema,
  SearchJobs: jobSearchSchema,
  SearchAuthorizations: authorizationSearchSchema,
  CreateAuthorization: authorizationRequestSchema,
  CreateProcessInstance: createProcessInstanceRequestSchema,
  CancelProcessInstance: commandRequestSchema,
  SuspendProcessInstance: commandRequestSchema,
  ResumeProcessInstance: commandRequestSchema,
  DeleteProcessInstance: commandRequestSchema,
  ResolveIncident: commandRequestSchema,
  ActivateJobs: activateJobsRequestSchema,
  CompleteJob: completeJobRequestSchema,
  FailJob: failJobRequestSchema,
  UpdateJob: updateJobRequestSchema,
  RetryFailedItems: batchControlsSchema.strict(),
  UpdateBatchOperation: liveChangeSchema,
  SearchProcessInstanceIncidents: incidentSearchSchema,
  GetProcessDefinitionStatistics: definitionStatisticsSchema,
  ThrowJobError: jobErrorSchema,
  SearchVariables: variableSearchSchema,
  MigrateProcessInstance: instanceMigrationSchema,
  ModifyProcessInstance: instanceModificationSchema,
  ...Object.fromEntries(OPERATIONS.map((operation) => [operation.creation.routeId, operation.creation.body])),
};

/** Routes that answer 204 without a body; every other answers 200 with JSON (or its own media type). */
const NO_CONTENT = new Set([
  'CancelProcessInstance',
  'SuspendProcessInstance',
  'ResumeProcessInstance',
  'DeleteProcessInstance',
  'SuspendBatchOperation',
  'ResumeBatchOperation',
  'CancelBatchOperation',
  'CompleteJob',
  'FailJob',
  'ThrowJobError',
  'MigrateProcessInstance',
  'ModifyProcessInstance',
  'UpdateJob',
  'ResolveIncident',
  'GetStatus',
]);
/** Routes that answer another success status than 200, as Camunda's do. */
const CREATED = new Set(['CreateAuthorization']);
const MEDIA_TYPES: Readonly<Record<string, string>> = {
  GetProcessDefinitionXml: 'text/xml',
  GetBatchOperationReport: 'text/csv',
};

/** A zod schema as the JSON Schema (2020-12, OpenAPI 3.1's dialect) of what a request may send. */
function jsonSchemaOf(schema: z.ZodType) {
  const { $schema: _dialect, ...jsonSchema } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
  });
  return jsonSchema;
}

/** Routes whose handler reads no body (Camunda's batch suspension, resumption and cancellation). */
const NO_BODY = new Set(['SuspendBatchOperation', 'ResumeBatchOperation', 'CancelBatchOperation']);

/**
 * A request body's JSON Schema with this deployment's own bounds: the lowest `itemsPerSecond` follows
 * its shard count and chunk size (functions/domain/creation/create-batch.ts).
 */
function withDeploymentBounds(schema: Record<string, unknown>) {
  const properties = schema.properties as Record<string, Record<string, unknown>> | undefined;
  if (!properties?.itemsPerSecond) return schema;
  const { SHARD_COUNT, CHUNK_SIZE } = readConfig();
  const itemsPerSecond = {
    ...properties.itemsPerSecond,
    minimum: lowestItemsPerSecond(SHARD_COUNT, CHUNK_SIZE),
  };
  return { ...schema, properties: { ...properties, itemsPerSecond } };
}

/** A creation request, a thrown error and a single-instance migration or modification carry their body; the searches take an empty one. */
const BODY_REQUIRED = new Set([
  ...OPERATIONS.map((operation) => operation.creation.routeId),
  'ThrowJobError',
  'MigrateProcessInstance',
  'ModifyProcessInstance',
]);

/** POST /v2/deployments: Camunda's multipart form, BPMN files in `resources`. */
const deploymentForm = {
  type: 'object',
  properties: {
    resources: { type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' } },
    tenantId: { type: 'string' },
  },
  required: ['resources'],
};

/**
 * A batch creation's answer (Camunda's BatchOperationCreatedResult) and where its key leads: the
 * batch, its suspension, its items (OpenAPI links, which schemathesis's stateful phase follows).
 */
const batchCreated = {
  schema: {
    type: 'object',
    properties: { batchOperationKey: { type: 'string' }, batchOperationType: { type: 'string' } },
    required: ['batchOperationKey', 'batchOperationType'],
  },
  links: {
    GetBatchOperation: {
      operationId: 'GetBatchOperation',
      parameters: { batchOperationKey: '$response.body#/batchOperationKey' },
    },
    SuspendBatchOperation: {
      operationId: 'SuspendBatchOperation',
      parameters: { batchOperationKey: '$response.body#/batchOperationKey' },
    },
    SearchBatchOperationItems: {
      operationId: 'SearchBatchOperationItems',
      requestBody: { filter: { batchOperationKey: '{$response.body#/batchOperationKey}' } },
    },
  },
};

/** A path parameter: a key's digits, or the name of an operation that has a dry run there. */
function parameterSchema(route: ApiRoute, name: string) {
  if (name !== 'operation') return { type: 'string', pattern: KEY_PATTERN.source };
  const operations = OPERATIONS.filter((operation) => dryRunRouteOf(operation) === route.path);
  return { type: 'string', enum: operations.map(creationName) };
}

function operationOf(route: ApiRoute) {
  const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: parameterSchema(route, name),
  }));
  const body = requestBodies[route.id];
  const created = BODY_REQUIRED.has(route.id);
  const success = NO_CONTENT.has(route.id)
    ? { '204': { description: 'Done.' } }
    : {
        [CREATED.has(route.id) ? '201' : '200']: {
          description: 'The result.',
          content: {
            [MEDIA_TYPES[route.id] ?? 'application/json']: { schema: created ? batchCreated.schema : {} },
          },
          ...(created ? { links: batchCreated.links } : {}),
        },
      };
  const bodySchema = body ? withDeploymentBounds(jsonSchemaOf(body)) : { type: 'object' };
  // A body with a required field (or needing one at least) is required: null or no body would be refused.
  const bodyRequired =
    created ||
    route.id === 'CreateDeployment' ||
    'required' in bodySchema ||
    'anyOf' in bodySchema ||
    'minProperties' in bodySchema;
  const requestMediaType =
    route.id === 'CreateDeployment'
      ? { 'multipart/form-data': { schema: deploymentForm } }
      : // An optional body may also be JSON's null, taken as no body (functions/commons/http.ts, parseBody).
        {
          'application/json': {
            schema: bodyRequired ? bodySchema : { anyOf: [bodySchema, { type: 'null' }] },
          },
        };
  return {
    operationId: route.id,
    ...(route.path.startsWith('/v2/extensions/') ? { tags: ['Extensions'] } : { tags: ['Camunda'] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    // GET and DELETE carry no body (RFC 9110 gives it no meaning there).
    ...(route.method === 'GET' || route.method === 'DELETE' || NO_BODY.has(route.id)
      ? {}
      : { requestBody: { required: bodyRequired, content: requestMediaType } }),
    responses: {
      ...success,
      default: {
        description: 'An RFC 9457 problem detail (400, 401, 403, 404, 409, 415, 500).',
        content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetail' } } },
      },
    },
  };
}

/**
 * An OpenAPI 3.1 description of exactly what this service serves, built from its route table: every
 * route (Camunda's paths it covers and its extensions under /v2/extensions) with its path parameters,
 * its request body's JSON Schema where a zod schema describes it, and its answers. Response bodies
 * follow Camunda's published schemas (docs/camunda-compatibility.md) and are not repeated here.
 */
export function openApiDocument() {
  const paths: Record<string, Record<string, ReturnType<typeof operationOf>>> = {};
  for (const route of apiRoutes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operationOf(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Batch operations (Camunda 8 Orchestration Cluster REST API subset)',
      version: SERVICE_VERSION,
      description:
        "Camunda 8.10's REST API for the paths it covers, and this service's extensions under /v2/extensions.",
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'Camunda', description: "Camunda 8's paths, wire-compatible" },
      { name: 'Extensions', description: 'What Camunda lacks' },
    ],
    paths,
    components: { schemas: { ProblemDetail: jsonSchemaOf(problemDetailSchema) } },
  };
}
