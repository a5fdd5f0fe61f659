import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../../functions/domain/instance/bpmn.ts';

const fixture = (name: string) =>
  readFileSync(resolve(import.meta.dirname, '../../../fixtures', name), 'utf8');

describe('BPMN parsing', () => {
  it('reads the executable process, its element ids and the first task after the start event', async () => {
    const [process] = await parseBpmn(fixture('e2e-order.bpmn'), 'e2e-order.bpmn');
    expect(process).toEqual({
      processDefinitionId: 'e2e-order',
      name: 'Order',
      elementIds: ['order-received', 'check-stock', 'ship', 'order-done'],
      initialElementId: 'check-stock',
    });
  });

  it('follows a gateway default flow, lists nested elements and skips non-executable processes', async () => {
    const processes = await parseBpmn(fixture('gateway-process.bpmn'), 'gateway-process.bpmn');
    expect(processes).toHaveLength(1);
    expect(processes[0].initialElementId).toBe('manual');
    expect(processes[0].elementIds).toEqual(
      expect.arrayContaining(['decide', 'auto', 'manual', 'sub', 'sub-start', 'inner']),
    );
  });

  it('has no initial element when the start event leads straight to an end event', async () => {
    const [process] = await parseBpmn(fixture('straight-through.bpmn'), 'straight-through.bpmn');
    expect(process.initialElementId).toBeUndefined();
  });

  it('rejects invalid XML naming the resource', async () => {
    await expect(parseBpmn('<bpmn:definitions', 'broken.bpmn')).rejects.toThrow(
      'broken.bpmn is not valid BPMN 2.0 XML',
    );
  });

  it('rejects a file without an executable process, saying how to fix it', async () => {
    const xml =
      '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><bpmn:process id="p" isExecutable="false"/></bpmn:definitions>';
    await expect(parseBpmn(xml, 'draft.bpmn')).rejects.toThrow(
      'draft.bpmn contains no executable process: mark the process to deploy with isExecutable="true"',
    );
  });
});
