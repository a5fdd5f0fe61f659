import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services, setClock } from '#commons/services.ts';
import { ISO_DATE_TIME } from '../../helpers/dates.ts';
import { startTestDynamo, type TestDynamo } from '../../helpers/dynamodb.ts';
import { httpEvent, multipart } from '../../helpers/http-events.ts';

/** The job and incident routes, invoked as Lambda handlers against DynamoDB Local. */
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
  Object.assign(process.env, { SHARD_COUNT: '3' });
  for (const name of [
    'create-deployment',
    'create-process-instance',
    'get-process-instance',
    'cancel-process-instance',
    'activate-jobs',
    'complete-job',
    'fail-job',
    'update-job',
    'search-incidents',
    'resolve-incident',
  ]) {
    handlers[name] = ((await import(`../../../functions/api/${name}.ts`)) as { handler: Handler }).handler;
  }
});
afterAll(() => dynamo.stop());

/**
 * The handlers' clock: it moves 1 ms per reading (so that what happens in order is dated in order)
 * and leaps when a test moves it; the wall clock and the machine's speed play no part.
 */
let clockMs = Date.UTC(2026, 5, 1);
setClock(() => new Date(clockMs++));

async function call(name: string, request: Parameters<typeof httpEvent>[0]) {
  const result = await handlers[name](httpEvent(request), context);
  return {
    status: result.statusCode,
    headers: result.headers ?? {},
    body: result.body ? JSON.parse(result.body) : undefined,
  };
}

/** Deploys start → service task (of `type`, 2 retries) → user task `review` → end, as process `type`. */
async function deployServiceProcess(type: string) {
  const xml = `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d">
    <bpmn:process id="${type}" isExecutable="true">
      <bpmn:startEvent id="start"/>
      <bpmn:serviceTask id="work"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" retries="2"/></bpmn:extensionElements></bpmn:serviceTask>
      <bpmn:userTask id="review"/>
      <bpmn:endEvent id="end"/>
      <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
      <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="review"/>
      <bpmn:sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
    </bpmn:process></bpmn:definitions>`;
  const { body, headers } = multipart([{ field: 'resources', filename: `${type}.bpmn`, content: xml }]);
  const response = await call('create-deployment', {
    method: 'POST',
    path: '/v2/deployments',
    body,
    headers,
  });
  expect(response.status).toBe(200);
}

async function start(processDefinitionId: string, variables: Record<string, unknown> = {}) {
  const created = await call('create-process-instance', {
    method: 'POST',
    path: '/v2/process-instances',
    body: { processDefinitionId, variables },
  });
  expect(created.status).toBe(200);
  return created.body.processInstanceKey as string;
}

const activate = (body: unknown) =>
  call('activate-jobs', { method: 'POST', path: '/v2/jobs/activation', body });
const activateOne = async (type: string, timeout = 60_000) => {
  const response = await activate({ type, maxJobsToActivate: 1, timeout, worker: 'test-worker' });
  expect(response.status).toBe(200);
  return response.body.jobs[0];
};
const onJob = (name: string, suffix: string, jobKey: string, body?: unknown, method = 'POST') =>
  call(name, { method, path: `/v2/jobs/${jobKey}${suffix}`, pathParameters: { jobKey }, body });
const complete = (jobKey: string, body?: unknown) => onJob('complete-job', '/completion', jobKey, body);
const fail = (jobKey: string, body?: unknown) => onJob('fail-job', '/failure', jobKey, body);
const update = (jobKey: string, body: unknown) => onJob('update-job', '', jobKey, body, 'PATCH');
const resolve = (incidentKey: string, body?: unknown) =>
  call('resolve-incident', {
    method: 'POST',
    path: `/v2/incidents/${incidentKey}/resolution`,
    pathParameters: { incidentKey },
    body,
  });
const searchIncidents = (body: unknown) =>
  call('search-incidents', { method: 'POST', path: '/v2/incidents/search', body });
const getInstance = (processInstanceKey: string) =>
  call('get-process-instance', {
    method: 'GET',
    path: `/v2/process-instances/${processInstanceKey}`,
    pathParameters: { processInstanceKey },
  });
const storedInstance = async (key: string) => (await services().instances.getInstance(key))!;

describe('job activation', () => {
  beforeAll(() => deployServiceProcess('activation'));

  it('hands out a job of the type with the instance variables, once, until its time-out passes', async () => {
    const key = await start('activation', { amount: 12, customer: { id: 'c1' } });
    const before = clockMs;
    const job = await activateOne('activation', 1000);
    const after = clockMs;
    expect(job).toMatchObject({
      type: 'activation',
      processInstanceKey: key,
      processDefinitionId: 'activation',
      processDefinitionVersion: 1,
      elementId: 'work',
      retries: 2,
      worker: 'test-worker',
      tenantId: '<default>',
      variables: { amount: 12, customer: { id: 'c1' } },
      customHeaders: {},
    });
    expect(job.jobKey).toMatch(/^\d+$/);
    expect(job.elementInstanceKey).toBe((await storedInstance(key)).elementInstances[0].elementInstanceKey);
    expect(job.deadline).toBeGreaterThanOrEqual(before + 1000);
    expect(job.deadline).toBeLessThanOrEqual(after + 1000);
    expect((await activate({ type: 'activation', maxJobsToActivate: 5, timeout: 1000 })).body.jobs).toEqual(
      [],
    );
    clockMs += 1001;
    expect((await activateOne('activation')).jobKey).toBe(job.jobKey);
  });

  it('hands out at most maxJobsToActivate, oldest first, only the variables asked for', async () => {
    await deployServiceProcess('many');
    const keys = [await start('many', { a: 1, b: 2 }), await start('many', { a: 3 }), await start('many')];
    const response = await activate({
      type: 'many',
      maxJobsToActivate: 2,
      timeout: 60_000,
      fetchVariable: ['a'],
    });
    expect(response.body.jobs.map((job: { processInstanceKey: string }) => job.processInstanceKey)).toEqual(
      keys.slice(0, 2),
    );
    expect(response.body.jobs[0].variables).toEqual({ a: 1 });
  });

  it('cancels the job of a canceled instance instead of handing it out, and refuses to complete it', async () => {
    await deployServiceProcess('orphan');
    const key = await start('orphan');
    const job = await activateOne('orphan', 1);
    await call('cancel-process-instance', {
      method: 'POST',
      path: `/v2/process-instances/${key}/cancellation`,
      pathParameters: { processInstanceKey: key },
    });
    clockMs += 2;
    expect(await activateOne('orphan')).toBeUndefined();
    expect((await services().engineStore.getJob(job.jobKey))?.state).toBe('CANCELED');
    const refused = await complete(job.jobKey);
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain("in state 'CANCELED'");
  });

  it('takes any maxJobsToActivate, however large, reading the candidates in pages of its own size', async () => {
    await start('activation');
    const response = await activate({ type: 'activation', maxJobsToActivate: 2 ** 53 - 2, timeout: 1000 });
    expect(response.status).toBe(200);
    expect(response.body.jobs).toHaveLength(1);
  });

  it.each([
    [{ maxJobsToActivate: 1, timeout: 1000 }, 'type'],
    [{ type: 'x', maxJobsToActivate: 0, timeout: 1000 }, 'maxJobsToActivate'],
    [{ type: 'x', maxJobsToActivate: 1, timeout: 1000, color: 'red' }, 'Unrecognized key'],
  ])('rejects %j with 400', async (body, detail) => {
    const response = await activate(body);
    expect(response.status).toBe(400);
    expect(response.body.title).toBe('INVALID_ARGUMENT');
    expect(response.body.detail).toContain(detail);
  });
});

describe('job completion', () => {
  beforeAll(() => deployServiceProcess('completion'));

  it('moves the token on to the next task and merges the job variables into the instance', async () => {
    const key = await start('completion', { n: 1 });
    const job = await activateOne('completion');
    const completed = await complete(job.jobKey, { variables: { approved: true, n: 2 } });
    expect(completed.status).toBe(204);
    const moved = await storedInstance(key);
    expect(moved.state).toBe('ACTIVE');
    expect(moved.variables).toEqual({ n: '2', approved: 'true' });
    expect(moved.elementInstances.map(({ elementId, state }) => [elementId, state])).toEqual([
      ['work', 'COMPLETED'],
      ['review', 'ACTIVE'],
    ]);
    expect((await services().engineStore.getJob(job.jobKey))?.state).toBe('COMPLETED');
  });

  it('completes a job that was never activated, and refuses a second completion with 409', async () => {
    const key = await start('completion');
    const [job] = await services().engineStore.openJobsOf(key);
    expect((await complete(job.jobKey)).status).toBe(204);
    const again = await complete(job.jobKey);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ title: 'INVALID_STATE', status: 409 });
    expect(again.body.detail).toContain("but it is in state 'COMPLETED'");
  });

  it('completes the instance with an end date when the task leads to the end', async () => {
    const xml = readFileSync(resolvePath(import.meta.dirname, '../../fixtures/e2e-payment.bpmn'), 'utf8');
    const { body, headers } = multipart([{ field: 'resources', filename: 'e2e-payment.bpmn', content: xml }]);
    await call('create-deployment', { method: 'POST', path: '/v2/deployments', body, headers });
    const key = await start('e2e-payment');
    const job = await activateOne('e2e-charge-card');
    expect((await complete(job.jobKey)).status).toBe(204);
    const read = await getInstance(key);
    expect(read.body).toMatchObject({ state: 'COMPLETED' });
    expect(read.body.endDate).toMatch(ISO_DATE_TIME);
  });

  it('answers 404 for an unknown job and 400 for a malformed key or body', async () => {
    const missing = await complete('2251799813999997');
    expect(missing.status).toBe(404);
    expect(missing.body.detail).toContain('no such job was found');
    expect((await complete('abc')).status).toBe(400);
    expect((await complete('2251799813999997', { variables: [] })).status).toBe(400);
  });
});

describe('job failure, incidents and their resolution', () => {
  beforeAll(() => deployServiceProcess('failing'));

  it('makes a job with retries left activatable again and flags the instance hasRetriesLeft', async () => {
    const key = await start('failing');
    const job = await activateOne('failing');
    expect((await fail(job.jobKey, { retries: 1, errorMessage: 'timeout' })).status).toBe(204);
    expect((await storedInstance(key)).hasRetriesLeft).toBe(true);
    const again = await activateOne('failing');
    expect(again).toMatchObject({ jobKey: job.jobKey, retries: 1 });
    expect((await complete(again.jobKey)).status).toBe(204);
    expect((await storedInstance(key)).hasRetriesLeft).toBe(false);
  });

  it('holds a failed job back for its retryBackOff, and hands it out again once it passed', async () => {
    await deployServiceProcess('backoff');
    await start('backoff');
    const job = await activateOne('backoff');
    await fail(job.jobKey, { retries: 1, retryBackOff: 60_000 });
    expect(await activateOne('backoff')).toBeUndefined();
    clockMs += 60_000;
    expect((await activateOne('backoff')).jobKey).toBe(job.jobKey);
  });

  it('opens a JOB_NO_RETRIES incident at no retries, and resolves it once retries are updated', async () => {
    const key = await start('failing');
    const job = await activateOne('failing');
    expect((await fail(job.jobKey, { retries: 0, errorMessage: 'card declined' })).status).toBe(204);

    // The incident: searchable, on the instance, flagged on the instance and its element instance.
    const found = await searchIncidents({ filter: { processInstanceKey: key } });
    expect(found.body.page.totalItems).toBe(1);
    const [incident] = found.body.items;
    expect(incident).toMatchObject({
      processInstanceKey: key,
      processDefinitionId: 'failing',
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'card declined',
      elementId: 'work',
      elementInstanceKey: job.elementInstanceKey,
      state: 'ACTIVE',
      tenantId: '<default>',
      jobKey: job.jobKey,
    });
    expect((await getInstance(key)).body.hasIncident).toBe(true);
    const stored = await storedInstance(key);
    expect(stored.incidents).toEqual([
      expect.objectContaining({ incidentKey: incident.incidentKey, jobKey: job.jobKey }),
    ]);
    expect(stored.elementInstances[0].hasIncident).toBe(true);
    expect(await activateOne('failing')).toBeUndefined();

    // Camunda refuses to resolve while the job has no retries, and refuses retries below one.
    const early = await resolve(incident.incidentKey);
    expect(early.status).toBe(409);
    expect(early.body.detail).toContain('has no retries left');
    expect((await update(job.jobKey, { changeset: { retries: 0 } })).status).toBe(400);
    expect((await update(job.jobKey, { changeset: { retries: 3 } })).status).toBe(204);
    expect((await resolve(incident.incidentKey, { operationReference: 1 })).status).toBe(204);

    const resolved = await searchIncidents({ filter: { processInstanceKey: key, state: 'RESOLVED' } });
    expect(resolved.body.items.map((item: { incidentKey: string }) => item.incidentKey)).toEqual([
      incident.incidentKey,
    ]);
    expect((await getInstance(key)).body.hasIncident).toBe(false);
    const cleared = await storedInstance(key);
    expect(cleared.incidents).toEqual([]);
    expect(cleared.elementInstances[0].hasIncident).toBeUndefined();
    expect(await activateOne('failing')).toMatchObject({ jobKey: job.jobKey, retries: 3 });
    const twice = await resolve(incident.incidentKey);
    expect(twice.status).toBe(409);
    expect(twice.body.detail).toContain('RESOLVED already');
  });

  it("uses Zeebe's message for a failure without one and refuses to fail a failed job", async () => {
    const key = await start('failing');
    const job = await activateOne('failing');
    await fail(job.jobKey);
    const [incident] = (await searchIncidents({ filter: { processInstanceKey: key } })).body.items;
    expect(incident.errorMessage).toBe('No more retries left.');
    const again = await fail(job.jobKey);
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain("in state 'FAILED'");
  });

  it('updates the time-out of an activated job only', async () => {
    await deployServiceProcess('timeouts');
    await start('timeouts');
    const job = await activateOne('timeouts', 60_000);
    expect((await update(job.jobKey, { changeset: { timeout: 1 } })).status).toBe(204);
    clockMs += 2;
    const again = await activateOne('timeouts', 60_000);
    expect(again.jobKey).toBe(job.jobKey);
    await complete(job.jobKey);
    const refused = await update(job.jobKey, { changeset: { timeout: 1000 } });
    expect(refused.status).toBe(409);
  });

  it.each([
    ['an unknown job', 404, () => fail('2251799813999996')],
    ['an unknown job update', 404, () => update('2251799813999996', { changeset: { retries: 1 } })],
    ['an empty changeset', 400, () => update('2251799813999996', { changeset: {} })],
    ['negative retries', 400, () => fail('2251799813999996', { retries: -1 })],
    ['an unknown incident', 404, () => resolve('2251799813999995')],
    ['a malformed incident key', 400, () => resolve('x')],
  ])('answers %s with %i', async (_, status, act) => {
    const response = await act();
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toBe('application/problem+json');
  });
});

describe('incident search', () => {
  const keys: string[] = [];
  beforeAll(async () => {
    await deployServiceProcess('search-incidents');
    for (let index = 0; index < 5; index++) {
      keys.push(await start('search-incidents'));
      const job = await activateOne('search-incidents');
      await fail(job.jobKey, { errorMessage: index % 2 === 0 ? 'even failure' : 'odd failure' });
    }
  });

  it('filters by state, errorType, definition and message pattern', async () => {
    const all = await searchIncidents({
      filter: { processDefinitionId: 'search-incidents', state: 'ACTIVE', errorType: 'JOB_NO_RETRIES' },
    });
    expect(all.body.page.totalItems).toBe(5);
    const odd = await searchIncidents({
      filter: { processDefinitionId: 'search-incidents', errorMessage: { $like: 'odd*' } },
    });
    expect(odd.body.items.map((item: { processInstanceKey: string }) => item.processInstanceKey)).toEqual([
      keys[1],
      keys[3],
    ]);
  });

  it('pages in key order with from/limit and the after cursor, and sorts', async () => {
    const filter = { processDefinitionId: 'search-incidents' };
    const first = await searchIncidents({ filter, page: { limit: 2 } });
    const next = await searchIncidents({ filter, page: { limit: 2, after: first.body.page.endCursor } });
    const offset = await searchIncidents({ filter, page: { from: 2, limit: 2 } });
    const keysOf = (response: { body: { items: { processInstanceKey: string }[] } }) =>
      response.body.items.map((item) => item.processInstanceKey);
    expect(keysOf(first)).toEqual(keys.slice(0, 2));
    expect(keysOf(next)).toEqual(keys.slice(2, 4));
    expect(keysOf(offset)).toEqual(keys.slice(2, 4));
    const descending = await searchIncidents({
      filter,
      sort: [{ field: 'processInstanceKey', order: 'DESC' }],
    });
    expect(keysOf(descending)).toEqual([...keys].reverse());
  });

  it('rejects an unknown filter field, an unknown state and a foreign cursor', async () => {
    expect((await searchIncidents({ filter: { color: 'red' } })).status).toBe(400);
    expect((await searchIncidents({ filter: { state: 'OPEN' } })).status).toBe(400);
    expect((await searchIncidents({ page: { after: 'bm90LWpzb24' } })).status).toBe(400);
  });
});
