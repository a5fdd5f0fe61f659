import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ISO_DATE_TIME } from '../../helpers/dates.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamodb.ts';
import { httpEvent, multipart } from '../../helpers/http-events.ts';

/** The deployment and process-instance routes, invoked as Lambda handlers against DynamoDB Local. */
type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;
let dynamo: TestDynamo;
const handlers: Record<string, Handler> = {};
const context = { awsRequestId: 'test' } as Context;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  dynamo.pointSdk();
  Object.assign(process.env, {
    SHARD_COUNT: '3',
  });
  for (const name of [
    'create-deployment',
    'create-process-instance',
    'get-process-instance',
    'search-process-instances',
    'cancel-process-instance',
  ]) {
    handlers[name] = ((await import(`../../../functions/api/${name}.ts`)) as { handler: Handler }).handler;
  }
});
afterAll(() => dynamo.stop());

const fixture = (name: string) => readFileSync(resolve(import.meta.dirname, '../../fixtures', name), 'utf8');

async function call(name: string, request: Parameters<typeof httpEvent>[0]) {
  const result = await handlers[name](httpEvent(request), context);
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    body: result.body ? JSON.parse(result.body) : undefined,
  };
}

function deploy(files: { filename: string; content: string }[], fields?: Record<string, string>) {
  const { body, headers } = multipart(
    files.map((file) => ({ field: 'resources', ...file })),
    fields,
  );
  return call('create-deployment', { method: 'POST', path: '/v2/deployments', body, headers });
}

describe('deployments', () => {
  it('deploys a BPMN file and increments the version per process id, but not for the same XML', async () => {
    const first = await deploy([{ filename: 'order.bpmn', content: fixture('e2e-order.bpmn') }], {
      tenantId: 'deploy-tenant',
    });
    const same = await deploy([{ filename: 'order.bpmn', content: fixture('e2e-order.bpmn') }], {
      tenantId: 'deploy-tenant',
    });
    const changed = await deploy(
      [{ filename: 'order.bpmn', content: fixture('e2e-order.bpmn').replace('name="Ship"', 'name="Send"') }],
      {
        tenantId: 'deploy-tenant',
      },
    );
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      tenantId: 'deploy-tenant',
      deployments: [
        {
          processDefinition: {
            processDefinitionId: 'e2e-order',
            processDefinitionVersion: 1,
            resourceName: 'order.bpmn',
            tenantId: 'deploy-tenant',
          },
        },
      ],
    });
    expect(same.body.deployments[0].processDefinition).toEqual(first.body.deployments[0].processDefinition);
    expect(changed.body.deployments[0].processDefinition.processDefinitionVersion).toBe(2);
  });

  it.each([
    [
      'invalid XML',
      [{ filename: 'broken.bpmn', content: '<bpmn:definitions' }],
      'broken.bpmn is not valid BPMN 2.0 XML',
    ],
    [
      'no executable process',
      [
        {
          filename: 'draft.bpmn',
          content: '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"/>',
        },
      ],
      'draft.bpmn contains no executable process',
    ],
    ['no file', [], 'No resources'],
  ])('rejects %s with a 400 problem detail', async (_, files, detail) => {
    const response = await deploy(files);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('application/problem+json');
    expect(response.body).toMatchObject({ title: 'INVALID_ARGUMENT', status: 400 });
    expect(response.body.detail).toContain(detail);
  });

  it('rejects a body that is not multipart', async () => {
    const response = await call('create-deployment', {
      method: 'POST',
      path: '/v2/deployments',
      body: { resources: 'x' },
    });
    expect(response.status).toBe(415);
    expect(response.body.title).toBe('INVALID_ARGUMENT');
  });
});

describe('process instances', () => {
  beforeAll(async () => {
    await deploy([{ filename: 'gateway.bpmn', content: fixture('gateway-process.bpmn') }]);
    await deploy([{ filename: 'straight.bpmn', content: fixture('straight-through.bpmn') }]);
  });

  it('starts an instance ACTIVE at the first task, and reads it back', async () => {
    const created = await call('create-process-instance', {
      method: 'POST',
      path: '/v2/process-instances',
      body: { processDefinitionId: 'routing', variables: { amount: 5, customer: { id: 'c1' } } },
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      processDefinitionId: 'routing',
      processDefinitionVersion: 1,
      tenantId: '<default>',
      variables: { amount: 5 },
    });
    const key = created.body.processInstanceKey;
    const read = await call('get-process-instance', {
      method: 'GET',
      path: `/v2/process-instances/${key}`,
      pathParameters: { processInstanceKey: key },
    });
    expect(read.body).toMatchObject({
      processInstanceKey: key,
      state: 'ACTIVE',
      hasIncident: false,
      processDefinitionKey: created.body.processDefinitionKey,
    });
    expect(read.body.endDate).toBeNull();
  });

  it('starts at the start instruction element, and refuses one the process does not have', async () => {
    const ok = await call('create-process-instance', {
      method: 'POST',
      path: '/v2/process-instances',
      body: { processDefinitionId: 'routing', startInstructions: [{ elementId: 'auto' }] },
    });
    expect(ok.status).toBe(200);
    const bad = await call('create-process-instance', {
      method: 'POST',
      path: '/v2/process-instances',
      body: { processDefinitionId: 'routing', startInstructions: [{ elementId: 'nowhere' }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain("element 'nowhere' does not exist");
  });

  it('completes an instance at once when its start leads straight to an end', async () => {
    const created = await call('create-process-instance', {
      method: 'POST',
      path: '/v2/process-instances',
      body: { processDefinitionId: 'straight-through' },
    });
    const key = created.body.processInstanceKey;
    const read = await call('get-process-instance', {
      method: 'GET',
      path: `/v2/process-instances/${key}`,
      pathParameters: { processInstanceKey: key },
    });
    expect(read.body).toMatchObject({ state: 'COMPLETED' });
    expect(read.body.endDate).toMatch(ISO_DATE_TIME);
  });

  it.each([
    [{ processDefinitionId: 'unknown' }, 404, "latest version of process definition 'unknown'"],
    [{ processDefinitionKey: '2251799813999999' }, 404, "process definition with key '2251799813999999'"],
    [{ variables: {} }, 400, 'Name the process to start'],
    [{ processDefinitionId: 'routing', color: 'red' }, 400, 'Unrecognized key'],
  ])('rejects %j with %i', async (body, status, detail) => {
    const response = await call('create-process-instance', {
      method: 'POST',
      path: '/v2/process-instances',
      body,
    });
    expect(response.status).toBe(status);
    expect(response.body.detail).toContain(detail);
  });

  it('answers 404 for an unknown instance and 400 for a malformed key', async () => {
    const missing = await call('get-process-instance', {
      method: 'GET',
      path: '/v2/process-instances/1',
      pathParameters: { processInstanceKey: '1' },
    });
    expect(missing.status).toBe(404);
    const malformed = await call('get-process-instance', {
      method: 'GET',
      path: '/v2/process-instances/x',
      pathParameters: { processInstanceKey: 'x' },
    });
    expect(malformed.status).toBe(400);
  });
});

describe('single process instance cancellation', () => {
  const cancel = (key: string, body?: unknown) =>
    call('cancel-process-instance', {
      method: 'POST',
      path: `/v2/process-instances/${key}/cancellation`,
      pathParameters: { processInstanceKey: key },
      body,
    });
  const start = async () => {
    const created = await call('create-process-instance', {
      method: 'POST',
      path: '/v2/process-instances',
      body: { processDefinitionId: 'routing' },
    });
    return created.body.processInstanceKey as string;
  };

  it('cancels an ACTIVE instance with 204 and gives it an end date', async () => {
    const key = await start();
    const response = await cancel(key, { operationReference: 7 });
    expect(response.status).toBe(204);
    expect(response.body).toBeUndefined();
    const read = await call('get-process-instance', {
      method: 'GET',
      path: `/v2/process-instances/${key}`,
      pathParameters: { processInstanceKey: key },
    });
    expect(read.body).toMatchObject({ state: 'TERMINATED' });
    expect(read.body.endDate).toMatch(ISO_DATE_TIME);
  });

  it('sends the cancellation of an unrestricted caller as its conditional write alone, nothing read before it', async () => {
    const key = await start();
    const { dynamoDocumentClient } = await import('#commons/clients.ts');
    const sent: string[] = [];
    const name = 'record-cancellation-requests';
    dynamoDocumentClient().middlewareStack.add(
      (next, context) => (args) => {
        sent.push(`${context.commandName} ${(args.input as { TableName?: string }).TableName}`);
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      expect((await cancel(key)).status).toBe(204);
    } finally {
      dynamoDocumentClient().middlewareStack.remove(name);
    }
    expect(sent).toEqual(['UpdateItemCommand ProcessInstances']);
  });

  it('refuses an instance that is no longer ACTIVE with 409 INVALID_STATE and the engine reason', async () => {
    const key = await start();
    await cancel(key);
    const again = await cancel(key);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ title: 'INVALID_STATE', status: 409 });
    expect(again.body.detail).toContain('but it is TERMINATED');
  });

  it('answers 404 for an unknown key and 400 for a malformed key or an unknown body field', async () => {
    expect((await cancel('2251799813999998')).status).toBe(404);
    expect((await cancel('x')).status).toBe(400);
    const key = await start();
    const unknownField = await cancel(key, { reason: 'x' });
    expect(unknownField.status).toBe(400);
  });
});

describe('process instance search', () => {
  const keys: string[] = [];
  beforeAll(async () => {
    await deploy([{ filename: 'search.bpmn', content: fixture('e2e-invoice.bpmn') }], { tenantId: 'search' });
    for (let index = 0; index < 12; index++) {
      const created = await call('create-process-instance', {
        method: 'POST',
        path: '/v2/process-instances',
        body: {
          processDefinitionId: 'e2e-invoice',
          tenantId: 'search',
          variables: { parity: index % 2 === 0 ? 'even' : 'odd' },
        },
      });
      keys.push(created.body.processInstanceKey);
    }
  });
  const search = (body: unknown) =>
    call('search-process-instances', { method: 'POST', path: '/v2/process-instances/search', body });

  it('filters, counts and pages with from and limit in key order', async () => {
    const first = await search({ filter: { tenantId: 'search' }, page: { from: 0, limit: 5 } });
    const second = await search({ filter: { tenantId: 'search' }, page: { from: 5, limit: 5 } });
    expect(first.body.page).toMatchObject({ totalItems: 12, hasMoreTotalItems: false });
    expect(
      [...first.body.items, ...second.body.items].map(
        (i: { processInstanceKey: string }) => i.processInstanceKey,
      ),
    ).toEqual(keys.slice(0, 10));
  });

  it('pages forward with the after cursor and back with before', async () => {
    const first = await search({ filter: { tenantId: 'search' }, page: { limit: 4 } });
    const next = await search({
      filter: { tenantId: 'search' },
      page: { limit: 4, after: first.body.page.endCursor },
    });
    const back = await search({
      filter: { tenantId: 'search' },
      page: { limit: 4, before: next.body.page.startCursor },
    });
    const keysOf = (r: { body: { items: { processInstanceKey: string }[] } }) =>
      r.body.items.map((i) => i.processInstanceKey);
    expect(keysOf(next)).toEqual(keys.slice(4, 8));
    expect(keysOf(back)).toEqual(keys.slice(0, 4));
  });

  it('sorts by a field in either direction', async () => {
    const newest = await search({
      filter: { tenantId: 'search' },
      sort: [
        { field: 'startDate', order: 'DESC' },
        { field: 'processInstanceKey', order: 'DESC' },
      ],
      page: { limit: 3 },
    });
    expect(newest.body.items.map((i: { processInstanceKey: string }) => i.processInstanceKey)).toEqual(
      keys.slice(-3).reverse(),
    );
  });

  it('filters by variable value', async () => {
    const odd = await search({
      filter: { tenantId: 'search', variables: [{ name: 'parity', value: '"odd"' }] },
    });
    expect(odd.body.page.totalItems).toBe(6);
  });

  it('rejects an unknown sort field and a bad filter', async () => {
    expect((await search({ sort: [{ field: 'color' }] })).status).toBe(400);
    const bad = await search({ filter: { startDate: { $gt: 'soon' } } });
    expect(bad.status).toBe(400);
    expect(bad.body.detail).toContain('filter.startDate.$gt');
  });
});
