import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '#domain/instance/bpmn.ts';
import type { ElementInstance } from '#domain/instance/process-instance.ts';
import { takenSequenceFlows } from '#domain/instance/taken-sequence-flows.ts';
import { keyFromSequence } from '#domain/keys.ts';
import { processInstance } from '../../../helpers/process-instances.ts';

const parsed = async (name: string) =>
  (await parseBpmn(readFileSync(resolve(import.meta.dirname, '../../../fixtures', name), 'utf8'), name))[0];

/** The ids of the flows an instance with these element instances took. */
async function takenBy(fixture: string, elements: [string, ElementInstance['state']][]) {
  const { flowNodes, sequenceFlows } = await parsed(fixture);
  const instance = processInstance(1, {
    elementInstances: elements.map(([elementId, state], index) => ({
      elementInstanceKey: keyFromSequence(100 + index),
      elementId,
      state,
    })),
  });
  return takenSequenceFlows(instance, flowNodes, sequenceFlows).map((flow) => flow.id);
}

describe('the sequence flows an instance took', () => {
  it('runs from the start event to the task a token waits at, and no further', async () => {
    expect(await takenBy('e2e-order.bpmn', [['check-stock', 'ACTIVE']])).toEqual(['f1']);
  });

  it('leaves a completed task along its flow, and reaches the end of a finished instance', async () => {
    expect(
      await takenBy('e2e-order.bpmn', [
        ['check-stock', 'COMPLETED'],
        ['ship', 'COMPLETED'],
      ]),
    ).toEqual(['f1', 'f2', 'f3']);
  });

  it("takes a gateway's default flow only, as the engine does", async () => {
    expect(await takenBy('gateway-process.bpmn', [['manual', 'ACTIVE']])).toEqual(['s1', 'toManual']);
  });

  it('enters a subprocess at its start event', async () => {
    expect(
      await takenBy('gateway-process.bpmn', [
        ['sub', 'ACTIVE'],
        ['inner', 'ACTIVE'],
      ]),
    ).toContain('s2');
  });

  it('takes no flow out of a task whose token was terminated', async () => {
    expect(await takenBy('e2e-order.bpmn', [['check-stock', 'TERMINATED']])).toEqual(['f1']);
  });
});
