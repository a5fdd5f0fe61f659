import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '#domain/instance/bpmn.ts';

const fixture = (name: string) =>
  readFileSync(resolve(import.meta.dirname, '../../../fixtures', name), 'utf8');

/** A one-process BPMN document around the given flow elements. */
const processXml = (elements: string) =>
  `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d"><bpmn:process id="p" isExecutable="true">${elements}</bpmn:process></bpmn:definitions>`;

describe('BPMN parsing', () => {
  it('reads the executable process, its element ids, its flow and the first task after the start event', async () => {
    const [process] = await parseBpmn(fixture('e2e-order.bpmn'), 'e2e-order.bpmn');
    expect(process).toEqual({
      processDefinitionId: 'e2e-order',
      name: 'Order',
      elementIds: ['order-received', 'check-stock', 'ship', 'order-done'],
      initialElementId: 'check-stock',
      flowNodes: [
        { id: 'order-received', kind: 'startEvent', outgoing: ['check-stock'] },
        { id: 'check-stock', kind: 'serviceTask', outgoing: ['ship'], jobType: 'check-stock', jobRetries: 3 },
        { id: 'ship', kind: 'userTask', outgoing: ['order-done'] },
        { id: 'order-done', kind: 'endEvent', outgoing: [] },
      ],
      sequenceFlows: [
        { id: 'f1', sourceId: 'order-received', targetId: 'check-stock' },
        { id: 'f2', sourceId: 'check-stock', targetId: 'ship' },
        { id: 'f3', sourceId: 'ship', targetId: 'order-done' },
      ],
    });
  });

  it('follows a gateway default flow, lists nested elements and skips non-executable processes', async () => {
    const processes = await parseBpmn(fixture('gateway-process.bpmn'), 'gateway-process.bpmn');
    expect(processes).toHaveLength(1);
    expect(processes[0].initialElementId).toBe('manual');
    expect(processes[0].elementIds).toEqual(
      expect.arrayContaining(['decide', 'auto', 'manual', 'sub', 'sub-start', 'inner']),
    );
    expect(processes[0].flowNodes.find((node) => node.id === 'inner')).toMatchObject({ scopeId: 'sub' });
    expect(processes[0].sequenceFlows.map((flow) => flow.id)).toEqual(['s1', 'toAuto', 'toManual', 's2']);
  });

  it('has no initial element when the start event leads straight to an end event', async () => {
    const [process] = await parseBpmn(fixture('straight-through.bpmn'), 'straight-through.bpmn');
    expect(process.initialElementId).toBeUndefined();
  });

  it('reads the job retries of a task definition', async () => {
    const [process] = await parseBpmn(fixture('e2e-payment.bpmn'), 'e2e-payment.bpmn');
    expect(process.flowNodes[1]).toMatchObject({ jobType: 'e2e-charge-card', jobRetries: 2 });
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

  it.each([
    [
      'an element the engine does not execute, naming it',
      '<bpmn:startEvent id="s"/><bpmn:parallelGateway id="fork"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="fork"/>',
      "element 'fork' (bpmn:ParallelGateway) is not supported",
    ],
    [
      'an event with an event definition',
      '<bpmn:startEvent id="s"><bpmn:timerEventDefinition/></bpmn:startEvent>',
      "element 's' (bpmn:StartEvent) is not supported: only none events are",
    ],
    [
      'a service task without a job type, as Zeebe does',
      '<bpmn:startEvent id="s"/><bpmn:serviceTask id="work"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="work"/>',
      "service task 'work' has no job type",
    ],
    [
      'a condition on a sequence flow',
      '<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g"/><bpmn:endEvent id="e"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="g"/><bpmn:sequenceFlow id="f2" sourceRef="g" targetRef="e"><bpmn:conditionExpression>=x &gt; 1</bpmn:conditionExpression></bpmn:sequenceFlow>',
      "sequence flow 'f2' has a condition",
    ],
    ['a process without a none start event', '<bpmn:userTask id="t"/>', 'has 0 none start events'],
    [
      'a loop that never waits',
      '<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="a"/><bpmn:manualTask id="b"/><bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a"/><bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="b"/><bpmn:sequenceFlow id="f3" sourceRef="b" targetRef="a"/>',
      'would loop through',
    ],
  ])('rejects %s', async (_, elements, message) => {
    await expect(parseBpmn(processXml(elements), 'bad.bpmn')).rejects.toThrow(message);
  });
});
