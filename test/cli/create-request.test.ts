import { describe, expect, it } from 'vitest';
import { UsageError } from '../../cli/errors.ts';
import { selectionFrom } from '../../cli/filter.ts';
import { controlsFrom, OPERATIONS, operationNamed } from '../../cli/operations.ts';

describe('selectionFrom', () => {
  it('puts the common flags on top of --filter', () => {
    const selection = selectionFrom({
      filter: { processDefinitionId: 'old', startDate: { $gte: '2026-01-01T00:00:00Z' } },
      definition: 'demo-order',
      version: 2,
      state: 'ACTIVE',
      tenant: 'acme',
      hasIncident: true,
      var: ['region=EU', 'amount=42', 'vip=true', 'note=a=b'],
      instance: ['2251799813685252'],
    });

    expect(selection).toEqual({
      filter: {
        processDefinitionId: 'demo-order',
        startDate: { $gte: '2026-01-01T00:00:00Z' },
        processDefinitionVersion: 2,
        state: 'ACTIVE',
        tenantId: 'acme',
        hasIncident: true,
        variables: [
          { name: 'region', value: '"EU"' },
          { name: 'amount', value: '42' },
          { name: 'vip', value: 'true' },
          { name: 'note', value: '"a=b"' },
        ],
      },
      processInstanceKeys: ['2251799813685252'],
    });
  });

  it('refuses an empty selection, a filter that is not an object and a malformed --var', () => {
    expect(() => selectionFrom({})).toThrow(UsageError);
    expect(() => selectionFrom({ filter: [1] })).toThrow('the filter must be a JSON object');
    expect(() => selectionFrom({ var: ['region'] })).toThrow("--var takes name=value, got 'region'");
    expect(() => selectionFrom({ instance: ['a/b'] })).toThrow(
      "--instance takes a key (digits) or a Camunda 7 instance id, got 'a/b'",
    );
  });

  it("takes a Camunda 7 engine's instance ids as they are", () => {
    expect(selectionFrom({ instance: ['5c7a2f6e-f1f3-11f1-beac-02fc00000001'] })).toEqual({
      processInstanceKeys: ['5c7a2f6e-f1f3-11f1-beac-02fc00000001'],
    });
  });
});

describe('the operation table', () => {
  it('has every batch type of the API, each with its own path', () => {
    expect(OPERATIONS.map((operation) => operation.batchOperationType).sort()).toEqual(
      [
        'CANCEL_PROCESS_INSTANCE',
        'DELETE_PROCESS_INSTANCE',
        'MIGRATE_PROCESS_INSTANCE',
        'MODIFY_PROCESS_INSTANCE',
        'RESOLVE_INCIDENT',
        'RESTART_PROCESS_INSTANCE',
        'RESUME_PROCESS_INSTANCE',
        'SET_EXTERNAL_TASK_RETRIES',
        'SET_JOB_RETRIES',
        'SET_VARIABLES',
        'SUSPEND_PROCESS_INSTANCE',
        'UPDATE_JOB',
      ].sort(),
    );
    expect(new Set(OPERATIONS.map((operation) => operation.path)).size).toBe(OPERATIONS.length);
  });

  it("turns each type's flags into its request fields", () => {
    const parameters = (name: string, flags: Record<string, unknown>) =>
      operationNamed(name)?.parameters(flags);

    expect(parameters('cancel', { reason: 'bad release' })).toEqual({ reason: 'bad release' });
    expect(parameters('migrate', { targetDefinitionKey: '42', map: ['a=b', 'c=c'] })).toEqual({
      migrationPlan: {
        targetProcessDefinitionKey: '42',
        mappingInstructions: [
          { sourceElementId: 'a', targetElementId: 'b' },
          { sourceElementId: 'c', targetElementId: 'c' },
        ],
      },
    });
    expect(parameters('modify', { move: ['check-stock=ship'] })).toEqual({
      moveInstructions: [{ sourceElementId: 'check-stock', targetElementId: 'ship' }],
    });
    expect(parameters('update-jobs', { retries: 3, timeout: 1000 })).toEqual({
      changeset: { retries: 3, timeout: 1000 },
    });
    expect(parameters('set-variables', { variables: { a: 1 }, set: ['b=two', 'c=3'] })).toEqual({
      variables: { a: 1, b: 'two', c: 3 },
    });
    expect(parameters('job-retries', { retries: 5 })).toEqual({ retries: 5 });
    expect(parameters('external-task-retries', { retries: 2, topic: 'charge' })).toEqual({
      retries: 2,
      topicName: 'charge',
    });
    expect(parameters('restart', { startAt: ['charge-card'], skipIoMappings: true })).toEqual({
      startInstructions: [{ elementId: 'charge-card' }],
      skipIoMappings: true,
    });
  });

  it('refuses a type without its required flags', () => {
    expect(() => operationNamed('job-retries')?.parameters({})).toThrow('create job-retries needs --retries');
    expect(() => operationNamed('modify')?.parameters({})).toThrow(
      'create modify needs --move or --instructions-file',
    );
    expect(() => operationNamed('migrate')?.parameters({})).toThrow(UsageError);
    expect(() => operationNamed('restart')?.parameters({})).toThrow('create restart needs --start-at');
  });

  it('reads the controls: rate and failure threshold', () => {
    expect(controlsFrom({ itemsPerSecond: 50, failureThreshold: '20:100' })).toEqual({
      itemsPerSecond: 50,
      failureThreshold: { percentage: 20, minProcessedItems: 100 },
    });
    expect(controlsFrom({ failureThreshold: '5' })).toEqual({ failureThreshold: { percentage: 5 } });
    expect(() => controlsFrom({ failureThreshold: '120' })).toThrow(UsageError);
  });
});
