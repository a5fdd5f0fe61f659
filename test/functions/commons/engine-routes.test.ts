import type { Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HttpEvent, HttpResult } from '#commons/http.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamodb.ts';
import { httpEvent } from '../../helpers/http-events.ts';

type Handler = (event: HttpEvent, context: Context) => Promise<HttpResult>;
const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as Context;
let dynamo: TestDynamo;
const load = async (name: string) =>
  ((await import(`../../../functions/api/${name}.ts`)) as { handler: Handler }).handler;

/** A deployment configured for a Camunda 8 cluster: the built-in engine's own routes are not its. */
beforeAll(async () => {
  dynamo = await startTestDynamo();
  dynamo.pointSdk();
  process.env.ENGINE = 'camunda8';
});
afterAll(() => {
  delete process.env.ENGINE;
  return dynamo.stop();
});

describe('routes of the built-in engine with another engine configured', () => {
  it("refuses a route on the built-in engine's records with a problem naming the engine", async () => {
    const handler = await load('create-process-instance');
    const response = await handler(
      httpEvent({ method: 'POST', path: '/v2/process-instances', body: {} }),
      context,
    );
    expect(response.statusCode).toBe(501);
    const problem = JSON.parse(String(response.body));
    expect(problem).toMatchObject({ status: 501, title: 'NOT_SUPPORTED_BY_ENGINE' });
    expect(problem.detail).toContain('ENGINE=camunda8');
  });

  it('serves a batch route whatever the engine', async () => {
    const handler = await load('search-batch-operations');
    const response = await handler(
      httpEvent({ method: 'POST', path: '/v2/batch-operations/search', body: {} }),
      context,
    );
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(String(response.body))).toMatchObject({ items: [], page: { totalItems: 0 } });
  });

  it('asks for credentials before it says anything about the engine', async () => {
    const handler = await load('search-process-instances');
    const response = await handler(
      httpEvent({ method: 'POST', path: '/v2/process-instances/search', body: {}, claims: null }),
      context,
    );
    expect(response.statusCode).toBe(401);
  });
});
