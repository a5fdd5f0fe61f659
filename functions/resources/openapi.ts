import { z } from 'zod';
import { batchItemSearchSchema } from '#domain/batch/search-batch-items.ts';
import { batchOperationSearchSchema } from '#domain/batch/search-batch-operations.ts';
import { incidentSearchSchema } from '#domain/incident/search-incidents.ts';
import { definitionStatisticsSchema } from '#domain/instance/element-statistics.ts';
import { processDefinitionSearchSchema } from '#domain/instance/search-process-definitions.ts';
import { processInstanceSearchSchema } from '#domain/instance/search-process-instances.ts';
import { variableSearchSchema } from '#domain/instance/variables.ts';
import { jobSearchSchema } from '#domain/job/search-jobs.ts';
import { jobErrorSchema } from '#domain/job/throw-job-error.ts';
import { instanceMigrationSchema } from '#domain/operations/migrate-process-instance.ts';
import { instanceModificationSchema } from '#domain/operations/modify-process-instance.ts';
import { OPERATIONS } from '#domain/operations/registry.ts';
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

/** A creation request, a thrown error and a single-instance migration or modification carry their body; the searches take an empty one. */
const BODY_REQUIRED = new Set([
  ...OPERATIONS.map((operation) => operation.creation.routeId),
  'ThrowJobError',
  'MigrateProcessInstance',
  'ModifyProcessInstance',
]);

function operationOf(route: ApiRoute) {
  const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  const body = requestBodies[route.id];
  const success = NO_CONTENT.has(route.id)
    ? { '204': { description: 'Done.' } }
    : {
        '200': {
          description: 'The result.',
          content: { [MEDIA_TYPES[route.id] ?? 'application/json']: { schema: {} } },
        },
      };
  return {
    operationId: route.id,
    ...(route.path.startsWith('/v2/extensions/') ? { tags: ['Extensions'] } : { tags: ['Camunda'] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.method === 'GET'
      ? {}
      : {
          requestBody: {
            required: BODY_REQUIRED.has(route.id),
            content: { 'application/json': { schema: body ? jsonSchemaOf(body) : { type: 'object' } } },
          },
        }),
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
