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

  it('is served by the route table itself', () => {
    expect(described).toContain('GET /v2/extensions/openapi.json');
    expect(document.openapi).toBe('3.1.0');
  });
});
