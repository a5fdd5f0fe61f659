import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoProcessInstanceStore } from '#adapters/dynamodb/process-instance-store.ts';
import { matchesFilter } from '#domain/filter/evaluate-filter.ts';
import { parseProcessInstanceFilter } from '#domain/filter/parse-filter.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamodb.ts';
import { randomInstances } from '../../helpers/filter-arbitraries.ts';
import { httpEvent } from '../../helpers/http-events.ts';

/**
 * The filter language through the API: search and the batch dry run (Initialization's own query)
 * find exactly the instances the evaluator matches, and a bad filter is a 400 naming the field.
 */
type Handler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;
const SHARDS = 3;
const instances = randomInstances(120, 424242);
let dynamo: TestDynamo;
const handlers: Record<string, Handler> = {};
const context = { awsRequestId: 'test' } as Context;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  dynamo.pointSdk();
  Object.assign(process.env, { SHARD_COUNT: String(SHARDS) });
  await new DynamoProcessInstanceStore(dynamo.db, 'ProcessInstances', SHARDS).putInstances(instances);
  for (const name of ['search-process-instances', 'dry-run-batch']) {
    handlers[name] = ((await import(`../../../functions/api/${name}.ts`)) as { handler: Handler }).handler;
  }
});
afterAll(() => dynamo.stop());

async function post(name: string, path: string, body: unknown) {
  const pathParameters = name === 'dry-run-batch' ? { operation: 'cancellation' } : undefined;
  const result = await handlers[name](httpEvent({ method: 'POST', path, body, pathParameters }), context);
  return { status: result.statusCode, body: result.body ? JSON.parse(result.body) : undefined };
}

const FILTERS = [
  { errorMessage: { $like: 'time*' }, state: { $in: ['ACTIVE', 'COMPLETED'] } },
  { elementId: 'pay', elementInstanceState: 'ACTIVE', hasElementInstanceIncident: false },
  { tags: ['gold'], batchOperationKey: { $neq: '901' }, hasRetriesLeft: false },
  {
    variables: [{ name: 'region', value: { $in: ['"EU"', '"US"'] } }],
    startDate: { $gte: '2026-01-02T00:00:00Z' },
  },
  {
    $or: [
      { processDefinitionId: { $like: 'order*' }, tenantId: 't1' },
      { incidentErrorHashCode: { $lt: 0 } },
    ],
  },
];

describe('process-instance filters through the API', () => {
  it.each(FILTERS)('search and dry run agree with the evaluator on %j', async (filter) => {
    const parsed = parseProcessInstanceFilter(filter);
    const expected = instances
      .filter((instance) => matchesFilter(parsed, instance))
      .map((i) => i.processInstanceKey);
    expect(expected.length).toBeGreaterThan(0);

    const search = await post('search-process-instances', '/v2/process-instances/search', {
      filter,
      page: { limit: 1000 },
    });
    const dryRun = await post('dry-run-batch', '/v2/extensions/process-instances/cancellation/dry-run', {
      filter,
    });

    expect(search.status).toBe(200);
    expect(search.body.page.totalItems).toBe(expected.length);
    expect(
      search.body.items.map((item: { processInstanceKey: string }) => item.processInstanceKey).sort(),
    ).toEqual(expected.sort());
    expect(dryRun.status).toBe(200);
    expect(dryRun.body.total).toBe(expected.length);
  });

  it.each([
    [{ state: { $notIn: ['ACTIVE'] } }, 'filter.state.$notIn is not allowed on state'],
    [
      { $or: [{ tenantId: 't1' }, { hasIncident: 'yes' }] },
      'filter.$or[1].hasIncident must be true or false',
    ],
    [{ tags: ['9lives'] }, 'filter.tags[0] must be a tag'],
    [
      { elementInstanceState: 'CANCELED' },
      'filter.elementInstanceState must be one of ACTIVE, COMPLETED, TERMINATED',
    ],
  ])('answers %j with a 400 problem naming the field', async (filter, detail) => {
    for (const [name, path] of [
      ['search-process-instances', '/v2/process-instances/search'],
      ['dry-run-batch', '/v2/extensions/process-instances/cancellation/dry-run'],
    ]) {
      const response = await post(name, path, { filter });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ title: 'INVALID_ARGUMENT', status: 400 });
      expect(response.body.detail).toContain(detail);
    }
  });
});
