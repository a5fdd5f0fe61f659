import { describe, expect, it } from 'vitest';
import { apiRoutes } from '#resources/api-routes.ts';
import { openApiDocument } from '#resources/openapi.ts';

/** The OpenAPI description is the route table's: nothing served is missing, nothing described is not served. */
describe('the OpenAPI description', () => {
  const document = openApiDocument();
  const described = Object.entries(document.paths).flatMap(([path, operations]) =>
    Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`),
  );

  it('describes exactly the routes of the route table, each once', () => {
    const served = apiRoutes.map((route) => `${route.method} ${route.path}`);
    expect(described.sort()).toEqual([...new Set(served)].sort());
    expect(served).toHaveLength(new Set(served).size);
  });

  it("names each operation by its route's id and declares its path parameters", () => {
    for (const route of apiRoutes) {
      const operation = (
        document.paths[route.path] as Record<string, { operationId: string; parameters?: { name: string }[] }>
      )[route.method.toLowerCase()];
      expect(operation.operationId).toBe(route.id);
      expect((operation.parameters ?? []).map((parameter) => parameter.name)).toEqual(
        [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name),
      );
    }
  });

  it("gives a creation request the JSON Schema of its operation's body", () => {
    const update = document.paths['/v2/jobs/batch-update'] as unknown as {
      post: { requestBody: { required: boolean; content: Record<string, { schema: unknown }> } };
    };
    expect(update.post.requestBody.required).toBe(true);
    expect(update.post.requestBody.content['application/json'].schema).toMatchObject({
      type: 'object',
      required: expect.arrayContaining(['filter', 'changeset']),
      additionalProperties: false,
    });
  });

  type Operation = {
    parameters?: { name: string; schema: Record<string, unknown> }[];
    requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> };
    responses: Record<string, { content?: Record<string, unknown>; links?: Record<string, unknown> }>;
  };
  const operation = (path: string, method: string) =>
    (document.paths as Record<string, Record<string, Operation>>)[path][method];

  it('states what a path parameter takes: the digits of a key, or an operation that has a dry run there', () => {
    expect(operation('/v2/jobs/{jobKey}', 'patch').parameters?.[0].schema).toEqual({
      type: 'string',
      pattern: '^\\d{1,19}$',
    });
    expect(operation('/v2/extensions/jobs/{operation}/dry-run', 'post').parameters?.[0].schema).toEqual({
      type: 'string',
      enum: ['batch-update'],
    });
  });

  it('gives no body to a route whose handler reads none, and the deployment its multipart form', () => {
    expect(operation('/v2/authorizations/{authorizationKey}', 'delete').requestBody).toBeUndefined();
    expect(
      operation('/v2/batch-operations/{batchOperationKey}/suspension', 'post').requestBody,
    ).toBeUndefined();
    expect(Object.keys(operation('/v2/deployments', 'post').requestBody?.content ?? {})).toEqual([
      'multipart/form-data',
    ]);
  });

  it("links a batch creation's key to the batch, its suspension and its items", () => {
    const created = operation('/v2/process-instances/cancellation', 'post').responses['200'];
    expect(Object.keys(created.links ?? {})).toEqual([
      'GetBatchOperation',
      'SuspendBatchOperation',
      'SearchBatchOperationItems',
    ]);
  });

  it("bounds a creation's itemsPerSecond by the deployment's lowest rate and its selection by a filter or keys", () => {
    const schema = operation('/v2/process-instances/cancellation', 'post').requestBody?.content[
      'application/json'
    ].schema as { properties: { itemsPerSecond: Record<string, number> }; anyOf: unknown[] };
    // The default configuration: 8 shards of 100-item chunks, each within 60 s.
    expect(schema.properties.itemsPerSecond).toMatchObject({ minimum: (8 * 100) / 60, maximum: 1_000_000 });
    expect(schema.anyOf).toHaveLength(2);
  });

  it('answers an authorization creation with 201, as Camunda does', () => {
    expect(Object.keys(operation('/v2/authorizations', 'post').responses)).toEqual(['201', 'default']);
  });

  it('is served by the route table itself', () => {
    expect(described).toContain('GET /v2/extensions/openapi.json');
    expect(document.openapi).toBe('3.1.0');
  });
});
