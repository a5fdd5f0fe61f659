import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRoute, apiRoutes } from '#resources/api-routes.ts';
import { apiClient } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * Camunda 8's authorization model end to end: a route's permission (403 without it), searches that
 * show only what the caller may read, and a batch that touches only what its creator was allowed to
 * when it created it.
 */
let runtime: EmbeddedRuntime;
let demo: ReturnType<typeof apiClient>;
/** The batch alice created (the scoped-batch test), which the audit test follows. */
let aliceBatch: string;

beforeAll(async () => {
  runtime = await startRuntime({ port: 0 });
  demo = apiClient(runtime.url);
}, 120_000);
afterAll(() => runtime?.stop());

/** A client calling as the token's subject, its token minted by the local issuer. */
async function clientAs(claims: Record<string, unknown>) {
  const { status, body } = await demo.post('/v2/extensions/auth/token', { claims });
  expect(status).toBe(200);
  return apiClient(runtime.url, `Bearer ${body.access_token}`);
}

async function grant(ownerId: string, resourceType: string, resourceId: string, permissionTypes: string[]) {
  const { status, body } = await demo.post('/v2/authorizations', {
    ownerId,
    ownerType: 'USER',
    resourceType,
    resourceId,
    permissionTypes,
  });
  expect(status).toBe(201);
  return body.authorizationKey as string;
}

async function startInstances(processDefinitionId: string, tenantId: string | undefined, count: number) {
  const keys: string[] = [];
  for (let index = 0; index < count; index++) {
    const { status, body } = await demo.post('/v2/process-instances', {
      processDefinitionId,
      ...(tenantId ? { tenantId } : {}),
    });
    expect(status).toBe(200);
    keys.push(body.processInstanceKey);
  }
  return keys;
}

const samplePath = (route: ApiRoute) =>
  route.path.replace('{operation}', 'cancellation').replace(/\{\w+\}/g, '2251799813685249');

describe('authorization', () => {
  it('refuses every endpoint that needs a permission with 403, and shows a caller without any permission empty searches', async () => {
    const nobody = await clientAs({ sub: 'nobody' });
    for (const route of apiRoutes) {
      if (route.access.kind === 'public' || route.streaming) continue;
      const call =
        route.method === 'GET'
          ? nobody.get(samplePath(route))
          : route.method === 'DELETE'
            ? nobody.delete(samplePath(route))
            : route.method === 'PATCH'
              ? nobody.patch(samplePath(route), {})
              : nobody.post(samplePath(route), {});
      const { status, body } = await call;
      if (route.access.kind === 'permission') {
        expect({ route: route.id, status, title: body?.title }).toEqual({
          route: route.id,
          status: 403,
          title: 'FORBIDDEN',
        });
        expect(body.detail).toContain(`on resource '${route.access.resourceType}'`);
      } else if (route.access.kind === 'filtered') {
        expect({ route: route.id, status, items: body.items, total: body.page.totalItems }).toEqual({
          route: route.id,
          status: 200,
          items: [],
          total: 0,
        });
      } else expect({ route: route.id, status }).toEqual({ route: route.id, status: 200 });
    }
    const report = apiRoutes.find((route) => route.streaming);
    if (report) expect((await nobody.get(samplePath(report))).status).toBe(403);
  });

  it('runs a batch only on the instances its creator may touch: the others fail as not authorized and stay untouched, even once the creator is granted them', async () => {
    // Prepare: two definitions; alice may cancel the instances of one of them only.
    expect((await demo.deploy(['e2e-order.bpmn'])).status).toBe(200);
    expect((await demo.deploy(['e2e-invoice.bpmn'])).status).toBe(200);
    const orders = await startInstances('e2e-order', undefined, 3);
    const invoices = await startInstances('e2e-invoice', undefined, 3);
    await grant('alice', 'BATCH', '*', ['CREATE_BATCH_OPERATION_CANCEL_PROCESS_INSTANCE', 'READ']);
    await grant('alice', 'PROCESS_DEFINITION', 'e2e-order', [
      'CANCEL_PROCESS_INSTANCE',
      'READ_PROCESS_INSTANCE',
    ]);
    const alice = await clientAs({ sub: 'alice' });

    // Act: alice cancels all six by key; then she is granted the other definition too.
    const created = await alice.post('/v2/process-instances/cancellation', {
      filter: { processInstanceKey: { $in: [...orders, ...invoices] } },
    });
    expect(created.status).toBe(200);
    await grant('alice', 'PROCESS_DEFINITION', 'e2e-invoice', ['CANCEL_PROCESS_INSTANCE']);
    const batch = await alice.finalBatch(created.body.batchOperationKey);

    // Assess
    expect(batch).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 6,
      operationsCompletedCount: 3,
      operationsFailedCount: 3,
      actorType: 'USER',
      actorId: 'alice',
    });
    const failed = await alice.post('/v2/batch-operation-items/search', {
      filter: { batchOperationKey: created.body.batchOperationKey, state: 'FAILED' },
    });
    expect(
      failed.body.items.map((item: { processInstanceKey: string }) => item.processInstanceKey).sort(),
    ).toEqual([...invoices].sort());
    expect(failed.body.items[0].errorMessage).toMatch(
      /^Not authorized to perform operation 'CANCEL_PROCESS_INSTANCE' on process instance with key '\d+' \(process definition 'e2e-invoice', tenant '<default>'\)/,
    );
    for (const key of invoices)
      expect((await demo.get(`/v2/process-instances/${key}`)).body.state).toBe('ACTIVE');
    for (const key of orders)
      expect((await demo.get(`/v2/process-instances/${key}`)).body.state).toBe('TERMINATED');
    aliceBatch = created.body.batchOperationKey;
  });

  it('records the actor of every batch, filterable in batch search, and every lifecycle action in its audit log', async () => {
    // Act: demo retries alice's failed items, then cancels a paced batch of its own.
    const retried = await demo.post(`/v2/extensions/batch-operations/${aliceBatch}/failed-items-retry`, {});
    await startInstances('e2e-order', undefined, 40);
    // Paced at the slowest rate a chunk allows (README): seconds to run, time enough to cancel it.
    const slow = await demo.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId: 'e2e-order', tenantId: '<default>', state: 'ACTIVE' },
      itemsPerSecond: 14,
    });
    expect(slow.status).toBe(200);
    expect((await demo.post(`/v2/batch-operations/${slow.body.batchOperationKey}/cancellation`)).status).toBe(
      204,
    );
    const byAlice = await demo.post('/v2/batch-operations/search', {
      filter: { actorId: 'alice', actorType: 'USER' },
    });
    const aliceLog = await demo.get(`/v2/extensions/batch-operations/${aliceBatch}/audit-log`);
    const slowLog = await demo.get(
      `/v2/extensions/batch-operations/${slow.body.batchOperationKey}/audit-log`,
    );

    // Assess
    expect(byAlice.body.items.map((batch: { batchOperationKey: string }) => batch.batchOperationKey)).toEqual(
      [aliceBatch],
    );
    const summary = (entries: Record<string, string>[]) =>
      entries.map(({ action, actorType, actorId, relatedBatchOperationKey }) => ({
        action,
        actorType,
        actorId,
        ...(relatedBatchOperationKey ? { relatedBatchOperationKey } : {}),
      }));
    expect(summary(aliceLog.body.items)).toEqual([
      { action: 'CREATE', actorType: 'USER', actorId: 'alice' },
      {
        action: 'RETRY',
        actorType: 'USER',
        actorId: 'demo',
        relatedBatchOperationKey: retried.body.batchOperationKey,
      },
    ]);
    expect(summary(slowLog.body.items)).toEqual([
      { action: 'CREATE', actorType: 'USER', actorId: 'demo' },
      { action: 'CANCEL', actorType: 'USER', actorId: 'demo' },
    ]);
    expect(Date.parse(slowLog.body.items[1].timestamp)).toBeGreaterThanOrEqual(
      Date.parse(slowLog.body.items[0].timestamp),
    );
  });

  it('keeps tenants apart: searches count only the caller tenant, single reads of another are refused', async () => {
    // Prepare
    expect((await demo.deploy(['e2e-order.bpmn'], 'acme')).status).toBe(200);
    expect((await demo.deploy(['e2e-order.bpmn'], 'globex')).status).toBe(200);
    const acme = await startInstances('e2e-order', 'acme', 2);
    const globex = await startInstances('e2e-order', 'globex', 3);
    await grant('bob', 'PROCESS_DEFINITION', '*', ['READ_PROCESS_INSTANCE']);
    const bob = await clientAs({ sub: 'bob', tenants: ['acme'] });

    // Act
    const found = await bob.post('/v2/process-instances/search', {
      filter: { processDefinitionId: 'e2e-order' },
    });
    const other = await bob.get(`/v2/process-instances/${globex[0]}`);
    const own = await bob.get(`/v2/process-instances/${acme[0]}`);

    // Assess
    expect(found.body.page.totalItems).toBe(2);
    expect(
      found.body.items.map((item: { processInstanceKey: string }) => item.processInstanceKey).sort(),
    ).toEqual([...acme].sort());
    expect(other.status).toBe(404);
    expect(own.status).toBe(200);
  });

  it('stores nothing when the creator lacks the batch permission', async () => {
    const carol = await clientAs({ sub: 'carol' });
    await grant('carol', 'BATCH', '*', ['READ', 'CREATE_BATCH_OPERATION_RESOLVE_INCIDENT']);
    const before = await demo.post('/v2/batch-operations/search', {});

    const refused = await carol.post('/v2/process-instances/cancellation', { filter: { state: 'ACTIVE' } });

    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe(
      "Insufficient permissions to perform operation 'CREATE' or 'CREATE_BATCH_OPERATION_CANCEL_PROCESS_INSTANCE' on resource 'BATCH'",
    );
    const after = await demo.post('/v2/batch-operations/search', {});
    expect(after.body.page.totalItems).toBe(before.body.page.totalItems);
  });

  it('checks instance creation and job commands on the definition they concern', async () => {
    const erin = await clientAs({ sub: 'erin' });
    await grant('erin', 'PROCESS_DEFINITION', 'e2e-invoice', [
      'CREATE_PROCESS_INSTANCE',
      'UPDATE_PROCESS_INSTANCE',
    ]);
    await startInstances('e2e-order', undefined, 1);
    const orderJobs = await demo.post('/v2/jobs/search', { filter: { type: 'check-stock' } });
    const jobKey: string = orderJobs.body.items[0].jobKey;
    const ordersBefore = await demo.post('/v2/process-instances/search', {
      filter: { processDefinitionId: 'e2e-order' },
    });

    const otherDefinition = await erin.post('/v2/process-instances', { processDefinitionId: 'e2e-order' });
    const ownDefinition = await erin.post('/v2/process-instances', { processDefinitionId: 'e2e-invoice' });
    const completion = await erin.post(`/v2/jobs/${jobKey}/completion`, {});
    const update = await erin.patch(`/v2/jobs/${jobKey}`, { changeset: { retries: 9 } });

    expect(otherDefinition.status).toBe(403);
    expect(otherDefinition.body.detail).toContain("'CREATE_PROCESS_INSTANCE'");
    expect(ownDefinition.status).toBe(200);
    expect([completion.status, update.status]).toEqual([403, 403]);
    const erinActivates = await erin.post('/v2/jobs/activation', {
      type: 'check-stock',
      maxJobsToActivate: 10,
      timeout: 60_000,
    });
    expect(erinActivates.status).toBe(200);
    expect(erinActivates.body.jobs).toEqual([]);
    expect(completion.body.detail).toContain("'UPDATE_PROCESS_INSTANCE'");
    const ordersAfter = await demo.post('/v2/process-instances/search', {
      filter: { processDefinitionId: 'e2e-order' },
    });
    expect(ordersAfter.body.page.totalItems).toBe(ordersBefore.body.page.totalItems);
    const job = await demo.post('/v2/jobs/search', { filter: { jobKey } });
    expect(job.body.items[0]).toMatchObject({ jobKey, state: orderJobs.body.items[0].state });
    expect(job.body.items[0].retries).toBe(orderJobs.body.items[0].retries);
    // The jobs erin was not handed out were there: demo, allowed on every definition, gets one.
    const demoActivates = await demo.post('/v2/jobs/activation', {
      type: 'check-stock',
      maxJobsToActivate: 1,
      timeout: 60_000,
    });
    expect(
      demoActivates.body.jobs.map(
        (activated: { processDefinitionId: string }) => activated.processDefinitionId,
      ),
    ).toEqual(['e2e-order']);
  });

  it("checks a single-instance command on the instance's definition: outside it 403 and untouched, inside it applied", async () => {
    const frank = await clientAs({ sub: 'frank' });
    await grant('frank', 'PROCESS_DEFINITION', 'e2e-invoice', ['CANCEL_PROCESS_INSTANCE']);
    const [order] = await startInstances('e2e-order', undefined, 1);
    const [invoice] = await startInstances('e2e-invoice', undefined, 1);

    const refused = await frank.post(`/v2/process-instances/${order}/cancellation`, {});
    const applied = await frank.post(`/v2/process-instances/${invoice}/cancellation`, {});

    expect(refused.status).toBe(403);
    expect(refused.body.detail).toBe(
      "Insufficient permissions to perform operation 'CANCEL_PROCESS_INSTANCE' on resource 'PROCESS_DEFINITION' with id 'e2e-order'",
    );
    expect(applied.status).toBe(204);
    expect((await demo.get(`/v2/process-instances/${order}`)).body.state).toBe('ACTIVE');
    expect((await demo.get(`/v2/process-instances/${invoice}`)).body.state).toBe('TERMINATED');
  });

  it('manages authorizations with Camunda endpoints: create, get, search, delete', async () => {
    const key = await grant('dave', 'BATCH', '*', ['READ']);
    const got = await demo.get(`/v2/authorizations/${key}`);
    expect(got.body).toEqual({
      authorizationKey: key,
      ownerId: 'dave',
      ownerType: 'USER',
      resourceType: 'BATCH',
      resourceId: '*',
      resourcePropertyName: null,
      permissionTypes: ['READ'],
    });
    const found = await demo.post('/v2/authorizations/search', { filter: { ownerId: 'dave' } });
    expect(found.body.items).toEqual([got.body]);
    expect((await demo.delete(`/v2/authorizations/${key}`)).status).toBe(204);
    expect((await demo.get(`/v2/authorizations/${key}`)).status).toBe(404);
  });
});
