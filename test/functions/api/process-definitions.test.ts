import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamodb.ts';
import { httpEvent, multipart } from '../../helpers/http-events.ts';

/** The process definition routes, invoked as Lambda handlers against DynamoDB Local. */
type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;
let dynamo: TestDynamo;
const handlers: Record<string, Handler> = {};
const context = { awsRequestId: 'test' } as Context;
const fixture = (name: string) => readFileSync(resolve(import.meta.dirname, '../../fixtures', name), 'utf8');

async function call(name: string, request: Parameters<typeof httpEvent>[0]) {
  const result = await handlers[name](httpEvent(request), context);
  return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
}

async function deploy(filename: string, content: string, tenantId?: string) {
  const { body, headers } = multipart(
    [{ field: 'resources', filename, content }],
    tenantId ? { tenantId } : {},
  );
  const response = await call('create-deployment', {
    method: 'POST',
    path: '/v2/deployments',
    body,
    headers,
  });
  expect(response.status).toBe(200);
  return response.body.deployments[0].processDefinition.processDefinitionKey as string;
}

const search = (body: unknown) =>
  call('search-process-definitions', { method: 'POST', path: '/v2/process-definitions/search', body });
const get = (processDefinitionKey: string) =>
  call('get-process-definition', {
    method: 'GET',
    path: `/v2/process-definitions/${processDefinitionKey}`,
    pathParameters: { processDefinitionKey },
  });

const keys: Record<string, string> = {};
beforeAll(async () => {
  dynamo = await startTestDynamo();
  dynamo.pointSdk();
  for (const name of [
    'create-deployment',
    'search-process-definitions',
    'get-process-definition',
    'get-process-definition-xml',
  ]) {
    handlers[name] = ((await import(`../../../functions/api/${name}.ts`)) as { handler: Handler }).handler;
  }
  keys.orderV1 = await deploy('order.bpmn', fixture('e2e-order.bpmn'));
  keys.orderV2 = await deploy('order.bpmn', fixture('e2e-order.bpmn').replace('name="Ship"', 'name="Send"'));
  keys.invoice = await deploy('invoice.bpmn', fixture('e2e-invoice.bpmn'), 'tenant-b');
});
afterAll(() => dynamo.stop());

describe('process definitions', () => {
  it('reads one definition by key in Camunda shape', async () => {
    const response = await get(keys.orderV2);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      processDefinitionKey: keys.orderV2,
      processDefinitionId: 'e2e-order',
      name: 'Order',
      resourceName: 'order.bpmn',
      version: 2,
      versionTag: null,
      tenantId: '<default>',
      hasStartForm: false,
      state: 'ACTIVE',
    });
  });

  it('serves the BPMN of a definition as deployed, as text/xml', async () => {
    const result = await handlers['get-process-definition-xml'](
      httpEvent({
        method: 'GET',
        path: `/v2/process-definitions/${keys.orderV2}/xml`,
        pathParameters: { processDefinitionKey: keys.orderV2 },
      }),
      context,
    );
    expect(result.statusCode).toBe(200);
    expect(result.headers).toEqual({ 'content-type': 'text/xml' });
    expect(result.body).toBe(fixture('e2e-order.bpmn').replace('name="Ship"', 'name="Send"'));
    const unknown = await handlers['get-process-definition-xml'](
      httpEvent({
        method: 'GET',
        path: '/v2/process-definitions/2251799813999999/xml',
        pathParameters: { processDefinitionKey: '2251799813999999' },
      }),
      context,
    );
    expect(unknown.statusCode).toBe(404);
  });

  it('answers 404 for an unknown key and 400 for a malformed one', async () => {
    expect((await get('2251799813999999')).status).toBe(404);
    expect((await get('latest')).status).toBe(400);
  });

  it('searches by id, version, tenant and latest version, in key order', async () => {
    const byId = await search({ filter: { processDefinitionId: 'e2e-order' } });
    expect(byId.body.items.map((item: { version: number }) => item.version)).toEqual([1, 2]);
    expect(byId.body.page.totalItems).toBe(2);
    const latest = await search({ filter: { isLatestVersion: true } });
    expect(
      latest.body.items.map((item: { processDefinitionKey: string }) => item.processDefinitionKey),
    ).toEqual([keys.orderV2, keys.invoice]);
    const tenant = await search({ filter: { tenantId: 'tenant-b', version: 1 } });
    expect(tenant.body.items).toEqual([expect.objectContaining({ processDefinitionId: 'e2e-invoice' })]);
  });

  it('sorts and pages with the after cursor', async () => {
    const first = await search({ sort: [{ field: 'version', order: 'DESC' }], page: { limit: 1 } });
    expect(first.body.items[0].processDefinitionKey).toBe(keys.orderV2);
    const next = await search({
      sort: [{ field: 'version', order: 'DESC' }],
      page: { limit: 5, after: first.body.page.endCursor },
    });
    expect(
      next.body.items.map((item: { processDefinitionKey: string }) => item.processDefinitionKey),
    ).toEqual([keys.orderV1, keys.invoice]);
    // Back from the last one with before, in lower-case order as Camunda's zod schemas spell it.
    const back = await search({
      sort: [{ field: 'version', order: 'desc' }],
      page: { limit: 5, before: next.body.page.endCursor },
    });
    expect(
      back.body.items.map((item: { processDefinitionKey: string }) => item.processDefinitionKey),
    ).toEqual([keys.orderV2, keys.orderV1]);
  });

  it('rejects an unknown filter field or sort field', async () => {
    expect((await search({ filter: { color: 'red' } })).status).toBe(400);
    expect((await search({ sort: [{ field: 'bpmnXml' }] })).status).toBe(400);
  });
});
