import { describe, expect, it } from 'vitest';
import { cancelProcessInstance } from '#domain/operations/cancel-process-instance.ts';
import { operationHandlerFor } from '#domain/operations/registry.ts';
import { processInstance } from '../../../helpers/process-instances.ts';

describe('cancel process instance', () => {
  it('applies to ACTIVE and SUSPENDED instances (as Camunda 8.10) and ends them TERMINATED with an end date', () => {
    expect(cancelProcessInstance.command('2026-01-01T00:00:00.000Z')).toEqual({
      requiredStates: ['ACTIVE', 'SUSPENDED'],
      set: { state: 'TERMINATED', endDate: '2026-01-01T00:00:00.000Z', suspendedDate: null },
    });
  });

  it("records a batch's cancellation reason and flag on the instance it cancels, with the batch key", () => {
    const batch = {
      batchOperationKey: '77',
      parameters: { reason: 'faulty release', skipCustomListeners: true },
    };
    expect(cancelProcessInstance.command('2026-01-01T00:00:00.000Z', batch).set).toEqual({
      state: 'TERMINATED',
      endDate: '2026-01-01T00:00:00.000Z',
      suspendedDate: null,
      cancellation: { batchOperationKey: '77', reason: 'faulty release', skipCustomListeners: true },
    });
  });

  it('records nothing extra for a batch without a reason or flag', () => {
    const batch = { batchOperationKey: '78' };
    expect(cancelProcessInstance.command('now', batch).set).not.toHaveProperty('cancellation');
  });

  it('explains why a finished instance cannot be canceled', () => {
    const finished = processInstance(5, { state: 'COMPLETED' });
    expect(cancelProcessInstance.rejection(finished)).toBe(
      `Expected to cancel process instance with key '${finished.processInstanceKey}', but it is COMPLETED: only ACTIVE and SUSPENDED instances can be canceled`,
    );
    expect(cancelProcessInstance.missing('42')).toContain('no such process instance was found');
  });

  it('is the registered handler of CANCEL_PROCESS_INSTANCE batches', () => {
    expect(operationHandlerFor('CANCEL_PROCESS_INSTANCE')).toBe(cancelProcessInstance);
  });
});
