import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services } from '#commons/services.ts';
import { keyFromSequence } from '#domain/keys.ts';
import { apiClient } from '../helpers/api-client.ts';
import { bpmnFile, strictCamundaClient } from '../helpers/camunda-sdk.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { processInstance } from '../helpers/process-instances.ts';

/**
 * The reads an operator makes around a batch, as Camunda's own tools call them: through the official
 * client with strict response validation (any deviation in an enum, a pattern or a nullability
 * fails the call), raw HTTP for the statuses. Three payments: one still charging, one whose job
 * failed for good (an incident), one completed.
 */
const NOW = { consistency: { waitUpToMs: 0 } };
let runtime: EmbeddedRuntime;
let api: ReturnType<typeof apiClient>;
let sdk: ReturnType<typeof strictCamundaClient>;
let processDefinitionKey: string;
let charging: string;
let failed: string;
let completed: string;
let incidentKey: string;

beforeAll(async () => {
  runtime = await startRuntime({ port: 0, config: { SHARD_COUNT: '2' } });
  api = apiClient(runtime.url);
  sdk = strictCamundaClient(runtime.url);
  const deployment = await sdk.createDeployment({ resources: [bpmnFile('e2e-payment.bpmn')] });
  processDefinitionKey = deployment.processes[0].processDefinitionKey;
  const keys: string[] = [];
  for (let order = 0; order < 3; order++) {
    keys.push(
      (
        await sdk.createProcessInstance({
          processDefinitionKey: processDefinitionKey as never,
          variables: { order },
        })
      ).processInstanceKey,
    );
  }
  [charging, failed, completed] = keys;
  const activated = await api.post('/v2/jobs/activation', {
    type: 'e2e-charge-card',
    maxJobsToActivate: 10,
    timeout: 60_000,
    worker: 'operator-reads',
  });
  const jobOf = (key: string) =>
    (activated.body.jobs as { jobKey: string; processInstanceKey: string }[]).find(
      (job) => job.processInstanceKey === key,
    )?.jobKey;
  expect(
    (await api.post(`/v2/jobs/${jobOf(failed)}/failure`, { retries: 0, errorMessage: 'declined' })).status,
  ).toBe(204);
  expect((await api.post(`/v2/jobs/${jobOf(completed)}/completion`, {})).status).toBe(204);
  const incidents = await api.post('/v2/incidents/search', { filter: { processInstanceKey: failed } });
  incidentKey = incidents.body.items[0].incidentKey;
});
afterAll(() => runtime?.stop());

describe('incidents', () => {
  it('reads one incident by its key, in Camunda shape', async () => {
    const incident = await sdk.getIncident({ incidentKey: incidentKey as never }, NOW);

    expect(incident).toMatchObject({
      incidentKey,
      processInstanceKey: failed,
      processDefinitionKey,
      elementId: 'charge-card',
      errorType: 'JOB_NO_RETRIES',
      errorMessage: 'declined',
      state: 'ACTIVE',
    });
  });

  it("searches an instance's incidents, and none of another instance's", async () => {
    const own = await sdk.searchProcessInstanceIncidents({ processInstanceKey: failed as never }, NOW);
    const other = await sdk.searchProcessInstanceIncidents({ processInstanceKey: charging as never }, NOW);

    expect(own.items.map((incident) => incident.incidentKey)).toEqual([incidentKey]);
    expect(own.page.totalItems).toBe(1);
    expect(other.items).toEqual([]);
  });

  it('answers an unknown incident or instance, of any key shape, with 404 NOT_FOUND', async () => {
    for (const response of [
      await api.get('/v2/incidents/2251799813699999'),
      await api.get('/v2/incidents/abc'),
      await api.post('/v2/process-instances/2251799813699999/incidents/search', {}),
      await api.post('/v2/process-instances/abc/incidents/search', {}),
    ]) {
      expect({ status: response.status, title: response.body.title }).toEqual({
        status: 404,
        title: 'NOT_FOUND',
      });
    }
  });
});

describe("the diagram's statistics and flows", () => {
  it("counts one instance's element instances: an active one with an incident under incidents", async () => {
    const statistics = await sdk.getProcessInstanceStatistics({ processInstanceKey: failed as never }, NOW);

    expect(statistics.items).toEqual([
      { elementId: 'charge-card', active: 0, canceled: 0, incidents: 1, completed: 0 },
    ]);
  });

  it('counts every instance of a definition, and only those the filter matches', async () => {
    const all = await sdk.getProcessDefinitionStatistics(
      { processDefinitionKey: processDefinitionKey as never },
      NOW,
    );
    const running = await sdk.getProcessDefinitionStatistics(
      {
        processDefinitionKey: processDefinitionKey as never,
        filter: { state: 'ACTIVE', hasIncident: false },
      },
      NOW,
    );

    expect(all.items).toEqual([
      { elementId: 'charge-card', active: 1, canceled: 0, incidents: 1, completed: 1 },
    ]);
    expect(running.items).toEqual([
      { elementId: 'charge-card', active: 1, canceled: 0, incidents: 0, completed: 0 },
    ]);
  });

  it('names the sequence flows the tokens took: to the waiting task only, or through to the end', async () => {
    const waiting = await sdk.getProcessInstanceSequenceFlows({ processInstanceKey: charging as never }, NOW);
    const done = await sdk.getProcessInstanceSequenceFlows({ processInstanceKey: completed as never }, NOW);

    expect(waiting.items.map((flow) => flow.sequenceFlowId)).toEqual(['p1']);
    expect(done.items.map((flow) => flow.sequenceFlowId)).toEqual(['p1', 'p2']);
    expect(done.items[0]).toMatchObject({
      processInstanceKey: completed,
      processDefinitionKey,
      processDefinitionId: 'e2e-payment',
      elementId: 'p1',
      tenantId: '<default>',
    });
  });

  it('answers statistics of an unknown definition or instance, of any key shape, with 404', async () => {
    for (const response of [
      await api.post('/v2/process-definitions/2251799813699999/statistics/element-instances', {}),
      await api.post('/v2/process-definitions/abc/statistics/element-instances', {}),
      await api.get('/v2/process-instances/2251799813699999/statistics/element-instances'),
      await api.get('/v2/process-instances/abc/sequence-flows'),
    ]) {
      expect({ status: response.status, title: response.body.title }).toEqual({
        status: 404,
        title: 'NOT_FOUND',
      });
    }
  });
});

describe('the call hierarchy', () => {
  it('is empty for a root instance and runs from the root down to the instance for a called one', async () => {
    // Prepare: a called instance of the same definition, stored as the engine would keep it.
    const child = processInstance(9_000_001, {
      processDefinitionKey,
      processDefinitionId: 'e2e-payment',
      parentProcessInstanceKey: charging,
      elementInstances: [],
    });
    await services().instances.putInstances([child]);

    const root = await sdk.getProcessInstanceCallHierarchy({ processInstanceKey: charging as never }, NOW);
    const called = await sdk.getProcessInstanceCallHierarchy(
      { processInstanceKey: child.processInstanceKey as never },
      NOW,
    );

    expect(root).toEqual([]);
    expect(called).toEqual([
      { processInstanceKey: charging, processDefinitionKey, processDefinitionName: 'Payment' },
      {
        processInstanceKey: child.processInstanceKey,
        processDefinitionKey,
        processDefinitionName: 'e2e-payment',
      },
    ]);
    expect((await api.get(`/v2/process-instances/${keyFromSequence(9_000_002)}/call-hierarchy`)).status).toBe(
      404,
    );
  });
});

describe('variables', () => {
  it('searches the variables instances carry by name and value, and reads one by its key', async () => {
    const found = await sdk.searchVariables(
      { filter: { name: 'order', processInstanceKey: failed as never }, truncateValues: false } as never,
      NOW,
    );
    const byValue = await sdk.searchVariables({ filter: { name: 'order', value: '2' } } as never, NOW);

    expect(found.items).toEqual([
      {
        name: 'order',
        value: '1',
        isTruncated: false,
        tenantId: '<default>',
        variableKey: expect.stringMatching(/^\d+$/),
        scopeKey: failed,
        processInstanceKey: failed,
        rootProcessInstanceKey: null,
      },
    ]);
    expect(byValue.items.map((variable) => variable.processInstanceKey)).toEqual([completed]);
    const read = await sdk.getVariable({ variableKey: found.items[0].variableKey }, NOW);
    expect(read).toEqual({
      name: 'order',
      value: '1',
      tenantId: '<default>',
      variableKey: found.items[0].variableKey,
      scopeKey: failed,
      processInstanceKey: failed,
      rootProcessInstanceKey: null,
    });
  });

  it('cuts values longer than 8191 characters in a search unless truncateValues=false, never in a read', async () => {
    const long = 'x'.repeat(9000);
    const started = await api.post('/v2/process-instances', {
      processDefinitionKey,
      variables: { note: long },
    });
    const filter = { filter: { name: 'note', processInstanceKey: started.body.processInstanceKey } };

    const cut = await api.post('/v2/variables/search', filter);
    const whole = await api.post('/v2/variables/search?truncateValues=false', filter);
    const read = await api.get(`/v2/variables/${cut.body.items[0].variableKey}`);

    expect([cut.body.items[0].value.length, cut.body.items[0].isTruncated]).toEqual([8191, true]);
    expect([whole.body.items[0].value, whole.body.items[0].isTruncated]).toEqual([
      JSON.stringify(long),
      false,
    ]);
    expect(read.body.value).toBe(JSON.stringify(long));
  });

  it('finds no variable for an instance or scope key of any other shape, rather than refusing the search', async () => {
    for (const filter of [
      { processInstanceKey: '' },
      { processInstanceKey: '12345678901234567890123' },
      { scopeKey: 'abc' },
    ]) {
      const response = await api.post('/v2/variables/search', { filter });
      expect({ filter, status: response.status, items: response.body.items }).toEqual({
        filter,
        status: 200,
        items: [],
      });
      expect(response.body.page.totalItems).toBe(0);
    }
  });

  it('answers an unknown variable, of any key shape, with 404', async () => {
    for (const key of [`${failed}000000000`, '12', 'abc']) {
      const response = await api.get(`/v2/variables/${key}`);
      expect({ key, status: response.status, title: response.body.title }).toEqual({
        key,
        status: 404,
        title: 'NOT_FOUND',
      });
    }
  });
});

describe('a worker throwing a BPMN error', () => {
  it('leaves the job ERROR_THROWN with an UNHANDLED_ERROR_EVENT incident, whose resolution hands the job out again', async () => {
    // Prepare: a payment of its own process and job type, its job activated.
    const deployment = await sdk.createDeployment({
      resources: [
        bpmnFile('e2e-payment.bpmn', { 'e2e-payment': 'e2e-refund', 'e2e-charge-card': 'e2e-refund' }),
      ],
    });
    const instance = await sdk.createProcessInstance({
      processDefinitionKey: deployment.processes[0].processDefinitionKey as never,
    });
    const activate = () =>
      api.post('/v2/jobs/activation', {
        type: 'e2e-refund',
        maxJobsToActivate: 1,
        timeout: 60_000,
        worker: 'w',
      });
    const [job] = (await activate()).body.jobs;

    await sdk.throwJobError({
      jobKey: job.jobKey,
      errorCode: 'card-declined',
      errorMessage: 'Card declined',
    });

    const jobs = await sdk.searchJobs({ filter: { processInstanceKey: instance.processInstanceKey } }, NOW);
    expect(
      jobs.items.map(({ state, errorCode, errorMessage, retries }) => ({
        state,
        errorCode,
        errorMessage,
        retries,
      })),
    ).toEqual([
      { state: 'ERROR_THROWN', errorCode: 'card-declined', errorMessage: 'Card declined', retries: 2 },
    ]);
    const incidents = await sdk.searchProcessInstanceIncidents(
      { processInstanceKey: instance.processInstanceKey },
      NOW,
    );
    expect(
      incidents.items.map(({ errorType, errorMessage, jobKey }) => ({ errorType, errorMessage, jobKey })),
    ).toEqual([
      {
        errorType: 'UNHANDLED_ERROR_EVENT',
        errorMessage:
          "Expected to throw an error event with the code 'card-declined' with message 'Card declined', but it was not caught. No error events are available in the scope.",
        jobKey: job.jobKey,
      },
    ]);
    expect((await api.get(`/v2/process-instances/${instance.processInstanceKey}`)).body.hasIncident).toBe(
      true,
    );
    expect((await api.post(`/v2/jobs/${job.jobKey}/error`, { errorCode: 'again' })).status).toBe(409);

    expect((await api.post(`/v2/incidents/${incidents.items[0].incidentKey}/resolution`, {})).status).toBe(
      204,
    );
    expect((await activate()).body.jobs.map((again: { jobKey: string }) => again.jobKey)).toEqual([
      job.jobKey,
    ]);
  });

  it('answers an unknown job, of any key shape, with 404 and a missing error code with 400', async () => {
    const unknown = await api.post('/v2/jobs/2251799813699999/error', { errorCode: 'x' });
    const malformed = await api.post('/v2/jobs/abc/error', { errorCode: 'x' });
    const noCode = await api.post('/v2/jobs/2251799813699999/error', { errorMessage: 'no code' });

    expect([unknown.status, malformed.status, noCode.status]).toEqual([404, 404, 400]);
    expect(noCode.body.detail).toContain('errorCode');
  });
});

describe('migrating and modifying one instance', () => {
  let v2: string;
  const shipments: string[] = [];

  beforeAll(async () => {
    const v1 = (await sdk.createDeployment({ resources: [bpmnFile('e2e-shipping-v1.bpmn')] })).processes[0];
    v2 = (await sdk.createDeployment({ resources: [bpmnFile('e2e-shipping-v2.bpmn')] })).processes[0]
      .processDefinitionKey;
    for (let index = 0; index < 3; index++) {
      shipments.push(
        (await sdk.createProcessInstance({ processDefinitionKey: v1.processDefinitionKey }))
          .processInstanceKey,
      );
    }
  });

  it('migrates an instance by the batch rule: mapped elements move, an unmapped active element is refused with 409', async () => {
    await sdk.migrateProcessInstance({
      processInstanceKey: shipments[0] as never,
      targetProcessDefinitionKey: v2 as never,
      mappingInstructions: [{ sourceElementId: 'pack' as never, targetElementId: 'pack-parcel' as never }],
    });
    const unmapped = await api.post(`/v2/process-instances/${shipments[1]}/migration`, {
      targetProcessDefinitionKey: v2,
      mappingInstructions: [],
    });
    const badTarget = await api.post(`/v2/process-instances/${shipments[1]}/migration`, {
      targetProcessDefinitionKey: v2,
      mappingInstructions: [{ sourceElementId: 'pack', targetElementId: 'nowhere' }],
    });

    const migrated = await sdk.getProcessInstanceStatistics(
      { processInstanceKey: shipments[0] as never },
      NOW,
    );
    expect((await api.get(`/v2/process-instances/${shipments[0]}`)).body.processDefinitionKey).toBe(v2);
    expect(migrated.items).toEqual([
      { elementId: 'pack-parcel', active: 1, canceled: 0, incidents: 0, completed: 0 },
    ]);
    expect({ status: unmapped.status, title: unmapped.body.title }).toEqual({
      status: 409,
      title: 'INVALID_STATE',
    });
    expect(unmapped.body.detail).toContain("'pack'");
    expect({ status: badTarget.status, title: badTarget.body.title }).toEqual({
      status: 400,
      title: 'INVALID_ARGUMENT',
    });
    expect((await api.get(`/v2/process-instances/${shipments[1]}`)).body.processDefinitionKey).not.toBe(v2);
  });

  it('moves a token by the batch rule and refuses what the built-in engine cannot run with 400', async () => {
    await sdk.modifyProcessInstance({
      processInstanceKey: shipments[2] as never,
      moveInstructions: [
        {
          sourceElementInstruction: { sourceType: 'byId', sourceElementId: 'pack' as never },
          targetElementId: 'inspect' as never,
        },
      ],
    });
    const activation = await api.post(`/v2/process-instances/${shipments[2]}/modification`, {
      activateInstructions: [{ elementId: 'inspect' }],
    });

    const moved = await sdk.getProcessInstanceStatistics({ processInstanceKey: shipments[2] as never }, NOW);
    expect(moved.items).toEqual([
      { elementId: 'inspect', active: 1, canceled: 0, incidents: 0, completed: 0 },
      { elementId: 'pack', active: 0, canceled: 1, incidents: 0, completed: 0 },
    ]);
    expect({ status: activation.status, title: activation.body.title }).toEqual({
      status: 400,
      title: 'INVALID_ARGUMENT',
    });
    expect(activation.body.detail).toContain('moves tokens only');
  });

  it('answers an unknown instance, of any key shape, with 404', async () => {
    const move = {
      moveInstructions: [
        {
          sourceElementInstruction: { sourceType: 'byId', sourceElementId: 'pack' },
          targetElementId: 'inspect',
        },
      ],
    };
    const plan = { targetProcessDefinitionKey: v2, mappingInstructions: [] };
    for (const response of [
      await api.post('/v2/process-instances/2251799813699999/migration', plan),
      await api.post('/v2/process-instances/abc/migration', plan),
      await api.post('/v2/process-instances/2251799813699999/modification', move),
      await api.post('/v2/process-instances/abc/modification', move),
    ]) {
      expect({ status: response.status, title: response.body.title }).toEqual({
        status: 404,
        title: 'NOT_FOUND',
      });
    }
  });
});

describe('who calls, and the license', () => {
  it('names the caller with its tenants and components, and refuses a call without credentials with 401', async () => {
    const me = await sdk.getAuthentication();
    const anonymous = await apiClient(runtime.url, null).get('/v2/authentication/me');

    expect(me).toMatchObject({
      username: 'demo',
      tenants: [{ tenantId: '<default>', name: 'Default', description: null }],
      authorizedComponents: ['*'],
      canLogout: false,
    });
    expect({ status: anonymous.status, title: anonymous.body.title }).toEqual({
      status: 401,
      title: 'UNAUTHORIZED',
    });
  });

  it('answers the license, without credentials too, as a Camunda without a license key', async () => {
    const license = await sdk.getLicense();
    const anonymous = await apiClient(runtime.url, null).get('/v2/license');

    expect(license).toEqual({
      validLicense: false,
      licenseType: 'unknown',
      isCommercial: false,
      expiresAt: null,
    });
    expect(anonymous.body).toEqual(license);
  });
});

describe('authorization', () => {
  it("answers the reads of an instance outside the caller's READ_PROCESS_INSTANCE as for an unknown key (404)", async () => {
    // Prepare: carol may read instances of another process only.
    const granted = await api.post('/v2/authorizations', {
      ownerId: 'carol',
      ownerType: 'USER',
      resourceType: 'PROCESS_DEFINITION',
      resourceId: 'e2e-order',
      permissionTypes: ['READ_PROCESS_INSTANCE'],
    });
    expect(granted.status).toBe(201);
    const token = await api.post('/v2/extensions/auth/token', { claims: { sub: 'carol' } });
    const carol = apiClient(runtime.url, `Bearer ${token.body.access_token}`);

    for (const response of [
      await carol.get(`/v2/incidents/${incidentKey}`),
      await carol.post(`/v2/process-instances/${failed}/incidents/search`, {}),
      await carol.get(`/v2/process-instances/${failed}/statistics/element-instances`),
      await carol.get(`/v2/process-instances/${failed}/sequence-flows`),
      await carol.get(`/v2/process-instances/${failed}/call-hierarchy`),
      await carol.post(`/v2/process-definitions/${processDefinitionKey}/statistics/element-instances`, {}),
    ]) {
      expect({ status: response.status, title: response.body.title }).toEqual({
        status: 404,
        title: 'NOT_FOUND',
      });
    }
  });
});
