import { describe, expect, it } from 'vitest';
import type { BatchOperation, ProcessDefinition } from '../../console/src/api/types.ts';
import {
  buildCamunda7Selection,
  buildFilter,
  emptyFilterForm,
  requestBody,
} from '../../console/src/filter.ts';
import {
  CAMUNDA7_QUERIES,
  emptyOperationForm,
  firstOperationProblem,
  migrationTargets,
  OPERATIONS,
  type OperationForm,
  operationParameters,
  operationsOn,
} from '../../console/src/operations.ts';
import { checkPreview } from '../../console/src/preview-check.ts';
import { addSample, countsOf, phaseOf, rateOf } from '../../console/src/progress.ts';

const form = (patch: Partial<OperationForm>): OperationForm => ({ ...emptyOperationForm(), ...patch });

const batch = (patch: Partial<BatchOperation>): BatchOperation => ({
  batchOperationKey: '1',
  state: 'ACTIVE',
  batchOperationType: 'CANCEL_PROCESS_INSTANCE',
  startDate: '2026-12-01T00:00:00.000Z',
  endDate: null,
  actorType: null,
  actorId: null,
  operationsTotalCount: 100,
  operationsCompletedCount: 0,
  operationsFailedCount: 0,
  errors: [],
  ...patch,
});

describe('the operation step', () => {
  it('lists every batch type of the API, each with its creation path', () => {
    expect(OPERATIONS.map((operation) => operation.type)).toEqual([
      'CANCEL_PROCESS_INSTANCE',
      'RESOLVE_INCIDENT',
      'MIGRATE_PROCESS_INSTANCE',
      'MODIFY_PROCESS_INSTANCE',
      'DELETE_PROCESS_INSTANCE',
      'SUSPEND_PROCESS_INSTANCE',
      'RESUME_PROCESS_INSTANCE',
      'UPDATE_JOB',
      'SET_JOB_RETRIES',
      'SET_EXTERNAL_TASK_RETRIES',
      'RESTART_PROCESS_INSTANCE',
      'SET_VARIABLES',
    ]);
    expect(OPERATIONS.find((operation) => operation.type === 'UPDATE_JOB')?.path).toBe(
      '/v2/jobs/batch-update',
    );
  });

  it('says why Next is disabled for each missing or invalid field', () => {
    expect(firstOperationProblem(form({}))).toBe('Choose an operation');
    expect(firstOperationProblem(form({ type: 'CANCEL_PROCESS_INSTANCE' }))).toBeUndefined();
    expect(firstOperationProblem(form({ type: 'CANCEL_PROCESS_INSTANCE', reason: 'x'.repeat(1001) }))).toBe(
      'The reason has 1001 characters, at most 1000 are allowed',
    );
    expect(firstOperationProblem(form({ type: 'SET_JOB_RETRIES', retries: '2.5' }))).toBe(
      'Retries must be a whole number',
    );
    expect(firstOperationProblem(form({ type: 'UPDATE_JOB' }))).toBe('Set the retries, the timeout or both');
    expect(firstOperationProblem(form({ type: 'MODIFY_PROCESS_INSTANCE' }))).toBe(
      'Choose the process definition whose tokens move',
    );
    expect(
      firstOperationProblem(
        form({
          type: 'MODIFY_PROCESS_INSTANCE',
          sourceDefinitionKey: '7',
          moveInstructions: [{ sourceElementId: 'review', targetElementId: '' }],
        }),
      ),
    ).toBe('The move instruction 1 needs a target element');
    expect(
      firstOperationProblem(
        form({
          type: 'MIGRATE_PROCESS_INSTANCE',
          sourceDefinitionKey: '7',
          targetProcessDefinitionKey: '8',
          mappingInstructions: [
            { sourceElementId: 'a', targetElementId: 'a' },
            { sourceElementId: 'a', targetElementId: 'b' },
          ],
        }),
      ),
    ).toBe("The source element 'a' is mapped twice");
    expect(firstOperationProblem(form({ type: 'SET_VARIABLES', variables: '[1]' }))).toBe(
      'The variables must be a JSON object, e.g. {"approved": true}',
    );
    expect(firstOperationProblem(form({ type: 'CANCEL_PROCESS_INSTANCE', itemsPerSecond: '0' }))).toBe(
      'The rate must be at least 1',
    );
  });

  it("refuses a rate below the deployment's minimum on the first step, and states it", () => {
    // 8 shards × chunks of 100 within 60 s: 13.34 stated, 14 whole items per second.
    const limits = { itemsPerSecondMinimum: 13.34 };
    expect(
      firstOperationProblem(form({ type: 'CANCEL_PROCESS_INSTANCE', itemsPerSecond: '13' }), limits),
    ).toBe('The rate must be at least 14 items/s on this deployment');
    expect(
      firstOperationProblem(form({ type: 'CANCEL_PROCESS_INSTANCE', itemsPerSecond: '1.5' }), limits),
    ).toBe('The rate must be a whole number');
    expect(
      firstOperationProblem(form({ type: 'CANCEL_PROCESS_INSTANCE', itemsPerSecond: '14' }), limits),
    ).toBeUndefined();
  });

  it("turns the fields into the operation's request fields", () => {
    expect(
      operationParameters(
        form({ type: 'CANCEL_PROCESS_INSTANCE', reason: ' outage ', itemsPerSecond: '50' }),
      ),
    ).toEqual({
      reason: 'outage',
      itemsPerSecond: 50,
    });
    expect(
      operationParameters(
        form({
          type: 'MIGRATE_PROCESS_INSTANCE',
          sourceDefinitionKey: '7',
          targetProcessDefinitionKey: '8',
          mappingInstructions: [{ sourceElementId: 'ship', targetElementId: 'ship-v2' }],
        }),
      ),
    ).toEqual({
      migrationPlan: {
        targetProcessDefinitionKey: '8',
        mappingInstructions: [{ sourceElementId: 'ship', targetElementId: 'ship-v2' }],
      },
    });
    expect(operationParameters(form({ type: 'RESTART_PROCESS_INSTANCE', startElementIds: 'a, b' }))).toEqual({
      startInstructions: [{ elementId: 'a' }, { elementId: 'b' }],
    });
    expect(operationParameters(form({ type: 'UPDATE_JOB', timeout: '60000' }))).toEqual({
      changeset: { timeout: 60000 },
    });
  });
});

describe('the filter step', () => {
  it('builds the Camunda filter: definition, version, state, incident, tenant, dates, variables and keys', () => {
    const result = buildFilter({
      ...emptyFilterForm(),
      processDefinitionId: 'order',
      processDefinitionVersion: '2',
      hasIncident: 'true',
      tenantId: 'tenant-a',
      startFrom: '2026-01-01T00:00:00Z',
      variables: [{ name: 'region', value: '"EU"' }],
      processInstanceKeys: '2251799813685252, 2251799813685255\n2251799813685252',
    });
    expect(result).toEqual({
      filter: {
        processDefinitionId: 'order',
        processDefinitionVersion: 2,
        tenantId: 'tenant-a',
        processInstanceKey: { $in: ['2251799813685252', '2251799813685255'] },
        state: 'ACTIVE',
        hasIncident: true,
        startDate: { $gte: '2026-01-01T00:00:00.000Z' },
        variables: [{ name: 'region', value: '"EU"' }],
      },
    });
    expect(requestBody({ filter: result.filter ?? {} }, { reason: 'r' })).toEqual({
      filter: result.filter,
      reason: 'r',
    });
  });

  it("on a Camunda 7 engine, sends the engine's own query and the listed ids as they are", () => {
    const result = buildCamunda7Selection({
      ...emptyFilterForm(),
      camunda7Query: '{"processDefinitionKey": "order", "businessKeyLike": "A-%"}',
      processInstanceKeys: '5c7a2f6e-f1f3-11f1-beac-02fc00000001, 5c7a2f6e-f1f3-11f1-beac-02fc00000001 x-2',
    });
    expect(requestBody(result as { filter: Record<string, unknown> }, { reason: 'r' })).toEqual({
      filter: { processDefinitionKey: 'order', businessKeyLike: 'A-%' },
      processInstanceKeys: ['5c7a2f6e-f1f3-11f1-beac-02fc00000001', 'x-2'],
      reason: 'r',
    });
    expect(
      requestBody(
        buildCamunda7Selection({ ...emptyFilterForm(), processInstanceKeys: 'a b' }) as {
          filter: Record<string, unknown>;
        },
        {},
      ),
    ).toEqual({ processInstanceKeys: ['a', 'b'] });
    expect(buildCamunda7Selection(emptyFilterForm()).problem).toBe(
      'Name the instances: a Camunda 7 query, instance ids, or both',
    );
    expect(buildCamunda7Selection({ ...emptyFilterForm(), camunda7Query: '{"a":' }).problem).toMatch(
      /^The query must be JSON/,
    );
    expect(buildCamunda7Selection({ ...emptyFilterForm(), processInstanceKeys: 'a' }, 'jobs').problem).toBe(
      'Name the items by a Camunda 7 query',
    );
  });

  it("offers a Camunda 7 engine's operations only, each with the query its filter is the body of", () => {
    const types = operationsOn('camunda7').map((operation) => operation.type);
    expect(types).not.toContain('RESOLVE_INCIDENT');
    expect(types).not.toContain('UPDATE_JOB');
    expect(types).toHaveLength(10);
    expect(types.every((type) => CAMUNDA7_QUERIES[type] !== undefined)).toBe(true);
    expect(operationsOn('camunda8')).toBe(OPERATIONS);
  });

  it('refuses a filter that would match everything, a bad key, a variable value that is not JSON, or a reversed range', () => {
    expect(buildFilter(emptyFilterForm()).problem).toMatch(/^Narrow the instances down/);
    expect(buildFilter({ ...emptyFilterForm(), processInstanceKeys: '12a' }).problem).toBe(
      "'12a' is not an instance key (1 to 19 digits)",
    );
    expect(
      buildFilter({
        ...emptyFilterForm(),
        processDefinitionId: 'p',
        variables: [{ name: 'region', value: 'EU' }],
      }).problem,
    ).toMatch(/^The value of 'region' must be JSON/);
    expect(
      buildFilter({
        ...emptyFilterForm(),
        processDefinitionId: 'p',
        startFrom: '2026-02-01T00:00Z',
        startTo: '2026-01-01T00:00Z',
      }).problem,
    ).toBe('The start date range ends before it begins');
  });
});

describe('progress, rate and estimated end', () => {
  it('counts pending items and the percentage, and names the phase', () => {
    const running = batch({ operationsCompletedCount: 30, operationsFailedCount: 10 });
    expect(countsOf(running)).toEqual({
      total: 100,
      completed: 30,
      failed: 10,
      processed: 40,
      pending: 60,
      percent: 40,
    });
    expect(phaseOf(running)).toBe('Execution');
    expect(phaseOf(batch({ operationsTotalCount: 0 }))).toBe('Initialization (collecting items)');
    expect(phaseOf(batch({ state: 'COMPLETED', operationsCompletedCount: 100 }))).toBe('Ended (COMPLETED)');
  });

  it('measures items per second over the recent samples and estimates the end from the pending items', () => {
    const start = Date.parse('2026-12-01T00:01:00.000Z');
    let samples = addSample([], { at: start, processed: 20 });
    samples = addSample(samples, { at: start + 10_000, processed: 40 });
    const rate = rateOf(batch({ operationsCompletedCount: 40 }), samples, start + 10_000);
    expect(rate?.itemsPerSecond).toBe(2);
    expect(rate?.estimatedEnd?.toISOString()).toBe(new Date(start + 10_000 + 30_000).toISOString());
    expect(
      rateOf(batch({ state: 'SUSPENDED', operationsCompletedCount: 40 }), samples, start + 10_000),
    ).toBeUndefined();
  });

  it("never shows a rate above the batch's own limit, however the counts jumped", () => {
    const start = Date.parse('2026-12-01T00:01:00.000Z');
    const samples = addSample(addSample([], { at: start, processed: 0 }), {
      at: start + 1000,
      processed: 50,
    });
    const limited = batch({ operationsCompletedCount: 50, itemsPerSecond: 20 });
    expect(rateOf(limited, samples, start + 1000)?.itemsPerSecond).toBe(20);
    expect(rateOf(limited, samples, start + 1000)?.estimatedEnd?.toISOString()).toBe(
      new Date(start + 1000 + 2500).toISOString(),
    );
  });
});

describe('the preview check', () => {
  it('says the batch holds exactly the previewed instances, or how many changed', () => {
    expect(checkPreview({ total: 2, keys: ['1', '2'] }, { total: 2, keys: ['2', '1'] })).toMatchObject({
      exact: true,
      message: 'The batch holds exactly the 2 previewed instances.',
    });
    expect(
      checkPreview({ total: 3, keys: ['1', '2', '3'] }, { total: 3, keys: ['1', '2', '4'] }),
    ).toMatchObject({
      exact: false,
      added: 1,
      removed: 1,
      message:
        '2 instances changed since the preview: 1 matches now but was not previewed, 1 previewed does not match any more.',
    });
    expect(checkPreview({ total: 5000 }, { total: 4990 })).toMatchObject({
      exact: false,
      removed: 10,
      message: '10 instances changed since the preview: the batch holds 4990, the preview counted 5000.',
    });
  });
});

describe('the migration targets', () => {
  const definition = (key: string, processDefinitionId: string, version: number, tenantId = 'acme') =>
    ({
      processDefinitionKey: key,
      processDefinitionId,
      name: null,
      version,
      versionTag: null,
      tenantId,
    }) satisfies ProcessDefinition;

  it("offers the source's other versions newest first, then other processes of its tenant, in an order that does not depend on the list's", () => {
    // Prepare
    const source = definition('1', 'order', 1);
    const deployed = [
      definition('7', 'billing', 1),
      definition('2', 'order', 2),
      source,
      definition('5', 'order', 2, 'globex'),
      definition('3', 'order', 3),
      definition('6', 'archive', 4),
      definition('8', 'billing', 2),
    ];
    // Act
    const offered = migrationTargets(deployed, source);
    const shuffled = migrationTargets([...deployed].reverse(), source);
    // Assess
    const keys = ({ versions, others }: typeof offered) => ({
      versions: versions.map((target) => target.processDefinitionKey),
      others: others.map((target) => target.processDefinitionKey),
    });
    expect(keys(offered)).toEqual({ versions: ['3', '2'], others: ['6', '8', '7'] });
    expect(keys(shuffled)).toEqual(keys(offered));
  });
});
