import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient, DEMO_CREDENTIALS } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

/**
 * What an outsider probe got through (issue 31), replayed as the low-privilege user eve: rights on
 * the definition `e2e-order` of the default tenant only. Each request is refused, or answers only
 * what eve may see, and nothing of anyone else's changes.
 */
let runtime: EmbeddedRuntime;
let demo: ReturnType<typeof apiClient>;
let eve: ReturnType<typeof apiClient>;

type Json = Record<string, unknown>;

beforeAll(async () => {
  runtime = await startRuntime({ port: 0 });
  demo = apiClient(runtime.url);
  await grant('eve', 'BATCH', '*', ['CREATE', 'READ']);
  await grant('eve', 'PROCESS_DEFINITION', 'e2e-order', [
    'READ_PROCESS_DEFINITION',
    'READ_PROCESS_INSTANCE',
    'UPDATE_PROCESS_INSTANCE',
    'MODIFY_PROCESS_INSTANCE',
    'CANCEL_PROCESS_INSTANCE',
  ]);
  eve = await clientAs({ sub: 'eve' });
  for (const [fixture, tenant] of [
    ['e2e-order.bpmn', undefined],
    ['e2e-fulfilment.bpmn', undefined],
    ['e2e-order.bpmn', 'acme'],
    ['e2e-payment.bpmn', 'acme'],
  ] as const)
    expect((await demo.deploy([fixture], tenant)).status).toBe(200);
}, 120_000);
afterAll(() => runtime?.stop());

async function clientAs(claims: Json) {
  const { status, body } = await demo.post('/v2/extensions/auth/token', { claims });
  expect(status).toBe(200);
  return apiClient(runtime.url, `Bearer ${body.access_token}`);
}

async function grant(ownerId: string, resourceType: string, resourceId: string, permissionTypes: string[]) {
  const { status } = await demo.post('/v2/authorizations', {
    ownerId,
    ownerType: 'USER',
    resourceType,
    resourceId,
    permissionTypes,
  });
  expect(status).toBe(201);
}

async function startInstance(processDefinitionId: string, tenantId?: string, variables?: Json) {
  const { status, body } = await demo.post('/v2/process-instances', {
    processDefinitionId,
    ...(tenantId ? { tenantId } : {}),
    ...(variables ? { variables } : {}),
  });
  expect(status).toBe(200);
  return body.processInstanceKey as string;
}

const instance = async (key: string) => (await demo.get(`/v2/process-instances/${key}`)).body;

describe('an outsider with rights on one definition', () => {
  it("cannot resolve another tenant's incident: 403, and the incident and its job stay as they were", async () => {
    // Prepare: a payment in tenant acme whose job failed for good.
    const key = await startInstance('e2e-payment', 'acme');
    const activated = await demo.post('/v2/jobs/activation', {
      type: 'e2e-charge-card',
      maxJobsToActivate: 1,
      timeout: 60_000,
      tenantIds: ['acme'],
    });
    const jobKey: string = activated.body.jobs[0].jobKey;
    expect(
      (await demo.post(`/v2/jobs/${jobKey}/failure`, { retries: 0, errorMessage: 'declined' })).status,
    ).toBe(204);
    const incidents = await demo.post('/v2/incidents/search', { filter: { processInstanceKey: key } });
    const incidentKey: string = incidents.body.items[0].incidentKey;

    // Act
    const refused = await eve.post(`/v2/incidents/${incidentKey}/resolution`, {});

    // Assess
    expect(refused.status).toBe(403);
    expect(refused.body.title).toBe('FORBIDDEN');
    expect(refused.body.detail).not.toContain(jobKey);
    const after = await demo.post('/v2/incidents/search', { filter: { incidentKey } });
    expect(after.body.items[0].state).toBe('ACTIVE');
    const job = await demo.post('/v2/jobs/search', { filter: { jobKey } });
    expect(job.body.items[0].state).toBe('FAILED');
    expect((await instance(key)).hasIncident).toBe(true);
  });

  it('learns nothing of another tenant from a dry run: no count, no keys, no variable oracle', async () => {
    // Prepare: two instances of acme, one holding a secret.
    const secret = await startInstance('e2e-order', 'acme', { apiKey: 'sk-live-1234' });
    await startInstance('e2e-order', 'acme');
    const own = await startInstance('e2e-order');

    // Act
    const byTenant = await eve.post('/v2/extensions/process-instances/cancellation/dry-run', {
      filter: { tenantId: 'acme' },
    });
    const oracle = await eve.post('/v2/extensions/process-instances/cancellation/dry-run', {
      filter: { variables: [{ name: 'apiKey', value: { $like: '"sk-*' } }] },
    });
    const jobs = await eve.post('/v2/extensions/jobs/batch-update/dry-run', {
      filter: { type: 'check-stock' },
      changeset: { retries: 5 },
    });
    const ownDryRun = await eve.post('/v2/extensions/process-instances/cancellation/dry-run', {
      filter: { processInstanceKey: { $in: [own, secret] } },
    });

    // Assess
    expect(byTenant.status).toBe(200);
    expect(byTenant.body).toMatchObject({ total: 0, sampleProcessInstanceKeys: [] });
    expect(oracle.body).toMatchObject({ total: 0, sampleProcessInstanceKeys: [] });
    // Only the jobs of eve's own instances: every one of them is of the default tenant.
    const visibleJobs = await eve.post('/v2/jobs/search', { filter: { type: 'check-stock' } });
    expect(jobs.body.total).toBe(visibleJobs.body.page.totalItems);
    expect([...jobs.body.sampleJobKeys].sort()).toEqual(
      visibleJobs.body.items
        .map((job: { jobKey: string }) => job.jobKey)
        .sort()
        .slice(0, 10),
    );
    const allJobs = await demo.post('/v2/jobs/search', { filter: { type: 'check-stock' } });
    expect(allJobs.body.page.totalItems).toBeGreaterThan(visibleJobs.body.page.totalItems);
    expect(ownDryRun.body).toMatchObject({ total: 1, sampleProcessInstanceKeys: [own] });
    expect((await instance(secret)).state).toBe('ACTIVE');
  });

  it('cannot migrate into a definition it may not touch: refused at creation, and a retried batch refuses it per item', async () => {
    // Prepare: eve's own order instance, and the key of a definition eve has no rights on.
    const own = await startInstance('e2e-order');
    const definitions = await demo.post('/v2/process-definitions/search', {
      filter: { processDefinitionId: 'e2e-fulfilment' },
    });
    const target: string = definitions.body.items[0].processDefinitionKey;
    const plan = {
      targetProcessDefinitionKey: target,
      mappingInstructions: [{ sourceElementId: 'check-stock', targetElementId: 'pack' }],
    };

    // Act: the probe's request, and the same target named by a key nobody deployed.
    const refused = await eve.post('/v2/process-instances/migration', {
      filter: { processInstanceKey: own },
      migrationPlan: plan,
    });
    const unknown = await eve.post('/v2/process-instances/migration', {
      filter: { processInstanceKey: own },
      migrationPlan: { ...plan, targetProcessDefinitionKey: '2251799813600000' },
    });

    // Assess: refused as if the target did not exist (no existence oracle), nothing changed.
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toBe(
      `migrationPlan.targetProcessDefinitionKey: no process definition with key '${target}' exists`,
    );
    expect(unknown.status).toBe(400);
    expect((await instance(own)).processDefinitionId).toBe('e2e-order');

    // Prepare: demo's migration batch fails on eve's suspended instance; it is resumed afterwards.
    expect((await demo.post(`/v2/process-instances/${own}/suspension`, {})).status).toBe(204);
    const demoBatch = await demo.post('/v2/process-instances/migration', {
      filter: { processInstanceKey: own },
      migrationPlan: plan,
    });
    expect(demoBatch.status).toBe(200);
    expect(await demo.finalBatch(demoBatch.body.batchOperationKey)).toMatchObject({
      state: 'COMPLETED',
      operationsFailedCount: 1,
    });
    expect((await demo.post(`/v2/process-instances/${own}/resumption`, {})).status).toBe(204);

    // Act: eve retries the failed item, under her own scope.
    const retried = await eve.post(
      `/v2/extensions/batch-operations/${demoBatch.body.batchOperationKey}/failed-items-retry`,
      {},
    );
    expect(retried.status).toBe(200);
    const batch = await eve.finalBatch(retried.body.batchOperationKey);

    // Assess
    expect(batch).toMatchObject({ operationsTotalCount: 1, operationsFailedCount: 1 });
    const items = await eve.post('/v2/batch-operation-items/search', {
      filter: { batchOperationKey: retried.body.batchOperationKey },
    });
    expect(items.body.items[0].errorMessage).toBe(
      `Not authorized to migrate process instance with key '${own}' into process definition with key '${target}': the batch's creator held no 'UPDATE_PROCESS_INSTANCE' permission on it when it created the batch`,
    );
    expect(await instance(own)).toMatchObject({ processDefinitionId: 'e2e-order', state: 'ACTIVE' });
  });

  it('answers a $like with ten wildcards over a long variable at once, and the filter still means what it says', async () => {
    const key = await startInstance('e2e-order', undefined, { v: 'a'.repeat(10_000) });
    const search = (like: string) =>
      eve.post('/v2/process-instances/search', {
        filter: { processInstanceKey: key, variables: [{ name: 'v', value: { $like: like } }] },
      });

    const probe = await search('*a*a*a*a*a*a*a*a*a*b');
    const matching = await search('*a*a*a*a*a*a*a*a*a*a"');

    expect(probe.status).toBe(200);
    expect(probe.body.page.totalItems).toBe(0);
    expect(matching.body.items.map((item: Json) => item.processInstanceKey)).toEqual([key]);
  });
});

describe('the lower findings', () => {
  it("answers a read of what the caller may not see, and a retry of another's batch without READ on it, as for an unknown key", async () => {
    const acme = await startInstance('e2e-order', 'acme');
    const unknownKey = '2251799813600001';
    const demoBatch = await demo.post('/v2/process-instances/cancellation', {
      filter: { processInstanceKey: acme },
    });
    await demo.finalBatch(demoBatch.body.batchOperationKey);
    const reader = await clientAs({ sub: 'mallory' });
    await grant('mallory', 'BATCH', '*', ['CREATE']);

    const other = await eve.get(`/v2/process-instances/${acme}`);
    const unknown = await eve.get(`/v2/process-instances/${unknownKey}`);
    const retried = await reader.post(
      `/v2/extensions/batch-operations/${demoBatch.body.batchOperationKey}/failed-items-retry`,
      {},
    );
    const retriedUnknown = await reader.post(
      `/v2/extensions/batch-operations/${unknownKey}/failed-items-retry`,
      {},
    );

    expect(other.status).toBe(404);
    expect(other.body.detail).toBe(unknown.body.detail.replace(unknownKey, acme));
    expect(retried.status).toBe(404);
    expect(retried.body.detail).toBe(
      retriedUnknown.body.detail.replace(unknownKey, demoBatch.body.batchOperationKey),
    );
    const log = await demo.get(
      `/v2/extensions/batch-operations/${demoBatch.body.batchOperationKey}/audit-log`,
    );
    expect(log.body.items.map((entry: Json) => entry.action)).toEqual(['CREATE']);
  });

  it("names no other tenant's definition in a modification dry run's 400", async () => {
    const definitions = await demo.post('/v2/process-definitions/search', {
      filter: { processDefinitionId: 'e2e-order' },
    });
    const keys = Object.fromEntries(
      definitions.body.items.map((definition: Json) => [
        definition.tenantId,
        definition.processDefinitionKey,
      ]),
    );

    const refused = await eve.post('/v2/extensions/process-instances/modification/dry-run', {
      filter: { processDefinitionId: 'e2e-order' },
      moveInstructions: [{ sourceElementId: 'check-stock', targetElementId: 'nowhere' }],
    });

    expect(refused.status).toBe(400);
    expect(refused.body.detail).toContain(`(key '${keys['<default>']}')`);
    expect(refused.body.detail).not.toContain(keys.acme);
  });

  it.each(['constructor', '__proto__', 'toString'])(
    "refuses a variable named '%s' with a 400 naming it, and starts nothing",
    async (name) => {
      const before = await demo.post('/v2/process-instances/search', {
        filter: { processDefinitionId: 'e2e-order' },
      });

      const response = await fetch(`${runtime.url}/v2/process-instances`, {
        method: 'POST',
        headers: { authorization: DEMO_CREDENTIALS, 'content-type': 'application/json' },
        // Written by hand: JSON.stringify of an object literal would not carry `__proto__` as a key.
        body: `{"processDefinitionId":"e2e-order","variables":{"${name}":{"polluted":true}}}`,
      });
      const body = (await response.json()) as Json;

      expect(response.status).toBe(400);
      expect(body.detail).toContain(`'${name}' cannot be a variable name`);
      const after = await demo.post('/v2/process-instances/search', {
        filter: { processDefinitionId: 'e2e-order' },
      });
      expect(after.body.page.totalItems).toBe(before.body.page.totalItems);
    },
  );
});
