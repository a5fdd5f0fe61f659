import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EngineDeps } from '#domain/instance/engine-step.ts';
import { keyFromSequence } from '#domain/keys.ts';
import { applyOperation } from '#domain/operations/apply-operation.ts';
import { modifyProcessInstance } from '#domain/operations/modify-process-instance.ts';
import { markedBy, type OperationContext, type StepOperation } from '#domain/operations/operation-handler.ts';
import { engineDepsOn, startTestDynamo, type TestDynamo } from '../../../helpers/dynamodb.ts';
import { processInstance } from '../../../helpers/process-instances.ts';

/**
 * The executor of engine-step operations against DynamoDB Local: exactly once per batch and
 * instance, refusals as item failures, lost races decided again on fresh reads.
 */
let dynamo: TestDynamo;
let deps: EngineDeps;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  deps = engineDepsOn(dynamo.db);
});
afterAll(() => dynamo.stop());

/** A step that counts a variable up on ACTIVE instances, and remembers what it was asked to decide. */
function counterStep(beforeDecide?: (call: number) => Promise<void>) {
  const decided: OperationContext[] = [];
  const handler: StepOperation = {
    ...modifyProcessInstance,
    kind: 'step',
    type: 'MODIFY_PROCESS_INSTANCE',
    async decide(_deps, instance, context) {
      decided.push(context);
      await beforeDecide?.(decided.length);
      if (instance.state !== 'ACTIVE') return { refused: `it is ${instance.state}` };
      const count = Number(instance.variables.count ?? '0') + 1;
      const after = markedBy(
        { ...instance, variables: { ...instance.variables, count: String(count) } },
        context.batchOperationKey,
      );
      return { change: { instance: { before: instance, after } } };
    },
    missing: (key) => `no instance '${key}'`,
  };
  return { handler, decided };
}

describe('applying an engine-step operation', () => {
  it('changes an instance once per batch: a repeated item counts as done without deciding again', async () => {
    // Prepare
    const instance = processInstance(1);
    await deps.instances.putInstances([instance]);
    const { handler, decided } = counterStep();
    const item = {
      batchOperationKey: '900',
      processInstanceKey: instance.processInstanceKey,
      parameters: { a: 1 },
    };
    // Act
    const first = await applyOperation(deps, handler, item);
    const again = await applyOperation(deps, handler, item);
    const otherBatch = await applyOperation(deps, handler, { ...item, batchOperationKey: '901' });
    // Assess
    expect([first, again, otherBatch]).toEqual([
      { state: 'COMPLETED' },
      { state: 'COMPLETED' },
      { state: 'COMPLETED' },
    ]);
    expect(decided.map((context) => context.batchOperationKey)).toEqual(['900', '901']);
    expect(decided[0].parameters).toEqual({ a: 1 });
    const stored = await deps.instances.getInstance(instance.processInstanceKey);
    expect(stored?.variables.count).toBe('2');
    expect(stored?.batchOperationIds).toEqual(['900', '901']);
  });

  it('fails the item with the refusal as its error message and changes nothing', async () => {
    const instance = processInstance(2, { state: 'COMPLETED' });
    await deps.instances.putInstances([instance]);
    const result = await applyOperation(deps, counterStep().handler, {
      batchOperationKey: '902',
      processInstanceKey: instance.processInstanceKey,
    });
    expect(result).toEqual({ state: 'FAILED', errorMessage: 'it is COMPLETED', errorClass: 'INVALID_STATE' });
    expect(await deps.instances.getInstance(instance.processInstanceKey)).toEqual(instance);
  });

  it('decides again on a fresh read when another change won the race', async () => {
    // Prepare: while the first decision is made, another step changes the instance.
    const instance = processInstance(3, { variables: { count: '10' } });
    await deps.instances.putInstances([instance]);
    const { handler, decided } = counterStep(async (call) => {
      if (call !== 1) return;
      const current = await deps.instances.getInstance(instance.processInstanceKey);
      if (!current) return;
      const after = { ...current, variables: { count: '20' } };
      expect(await deps.engine.commit({ instance: { before: current, after } })).toBe(true);
    });
    // Act
    const result = await applyOperation(deps, handler, {
      batchOperationKey: '903',
      processInstanceKey: instance.processInstanceKey,
    });
    // Assess: the first decision (10 → 11) lost; the second counted on from the winner's 20.
    expect(result).toEqual({ state: 'COMPLETED' });
    expect(decided).toHaveLength(2);
    const stored = await deps.instances.getInstance(instance.processInstanceKey);
    expect(stored?.variables.count).toBe('21');
    expect(stored?.batchOperationIds).toEqual(['903']);
  });

  it('fails an item whose instance does not exist, but counts one this batch deleted as done', async () => {
    const { handler } = counterStep();
    const deletedKey = keyFromSequence(4);
    await dynamo.db.send(
      new PutCommand({
        TableName: 'ProcessInstances',
        Item: {
          processInstanceKey: deletedKey,
          deletedDate: '2026-01-01T00:00:00.000Z',
          batchOperationIds: new Set(['904']),
          expiresAt: 1_900_000_000,
        },
      }),
    );
    const missing = await applyOperation(deps, handler, {
      batchOperationKey: '904',
      processInstanceKey: keyFromSequence(5),
    });
    const deletedByThisBatch = await applyOperation(deps, handler, {
      batchOperationKey: '904',
      processInstanceKey: deletedKey,
    });
    const deletedByAnother = await applyOperation(deps, handler, {
      batchOperationKey: '905',
      processInstanceKey: deletedKey,
    });
    expect(missing).toEqual({
      state: 'FAILED',
      errorMessage: `no instance '${keyFromSequence(5)}'`,
      errorClass: 'NOT_FOUND',
    });
    expect(deletedByThisBatch).toEqual({ state: 'COMPLETED' });
    expect(deletedByAnother).toMatchObject({ state: 'FAILED', errorClass: 'NOT_FOUND' });
    expect(await deps.instances.getInstance(deletedKey)).toBeUndefined();
  });

  it('refuses a decided change that does not mark the instance with the batch', async () => {
    const instance = processInstance(6);
    await deps.instances.putInstances([instance]);
    const unmarked: StepOperation = {
      ...counterStep().handler,
      decide: async (_deps, current) => ({ change: { instance: { before: current, after: current } } }),
    };
    await expect(
      applyOperation(deps, unmarked, {
        batchOperationKey: '906',
        processInstanceKey: instance.processInstanceKey,
      }),
    ).rejects.toThrow('does not mark it');
  });
});
