import { describe, expect, it } from 'vitest';
import { parseBpmn } from '#domain/instance/bpmn.ts';
import type { FlowNode } from '#domain/instance/flow-model.ts';
import type { ProcessInstance } from '#domain/instance/process-instance.ts';
import { completeElement, startTokens, withAllocatedKeys } from '#domain/instance/token-flow.ts';
import { processInstance } from '../../../helpers/process-instances.ts';

const processXml = (elements: string) =>
  `<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d"><bpmn:process id="p" isExecutable="true">${elements}</bpmn:process></bpmn:definitions>`;
const flow = (from: string, to: string) =>
  `<bpmn:sequenceFlow id="${from}-${to}" sourceRef="${from}" targetRef="${to}"/>`;
const serviceTask = (id: string, type: string) =>
  `<bpmn:serviceTask id="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" retries="5"/></bpmn:extensionElements></bpmn:serviceTask>`;

async function nodesOf(elements: string): Promise<FlowNode[]> {
  const [process] = await parseBpmn(processXml(elements), 'test.bpmn');
  return process.flowNodes;
}

/** A context with sequential keys from 100 and a fixed clock. */
function context(nodes: FlowNode[]) {
  let key = 100;
  return { nodes, now: '2026-01-01T00:00:00.000Z', nextKey: () => String(key++) };
}

const fresh = (): ProcessInstance => processInstance(1, { elementInstances: [] });
const active = (instance: ProcessInstance) =>
  instance.elementInstances
    .filter((element) => element.state === 'ACTIVE')
    .map((element) => element.elementId);

describe('token flow', () => {
  it('creates a job of the task definition type when a token reaches a service task', async () => {
    const nodes = await nodesOf(
      `<bpmn:startEvent id="s"/>${serviceTask('charge', 'charge-card')}<bpmn:endEvent id="e"/>${flow('s', 'charge')}${flow('charge', 'e')}`,
    );
    const { instance, jobs } = startTokens(context(nodes), fresh());
    expect(instance.state).toBe('ACTIVE');
    expect(instance.elementInstances).toEqual([
      { elementInstanceKey: '100', elementId: 'charge', state: 'ACTIVE' },
    ]);
    expect(jobs).toEqual([
      expect.objectContaining({
        jobKey: '101',
        type: 'charge-card',
        state: 'ACTIVATABLE',
        retries: 5,
        elementId: 'charge',
        elementInstanceKey: '100',
        processInstanceKey: instance.processInstanceKey,
      }),
    ]);
  });

  it('completes the instance with an end date when the completed task leads to an end event', async () => {
    const nodes = await nodesOf(
      `<bpmn:startEvent id="s"/>${serviceTask('charge', 'charge-card')}<bpmn:endEvent id="e"/>${flow('s', 'charge')}${flow('charge', 'e')}`,
    );
    const started = startTokens(context(nodes), fresh()).instance;
    const { instance, jobs } = completeElement({ ...context(nodes), now: 'later' }, started, '100');
    expect(jobs).toEqual([]);
    expect(instance).toMatchObject({ state: 'COMPLETED', endDate: 'later' });
    expect(instance.elementInstances).toEqual([
      { elementInstanceKey: '100', elementId: 'charge', state: 'COMPLETED' },
    ]);
  });

  it('waits at user and receive tasks, creating no job', async () => {
    const nodes = await nodesOf(
      `<bpmn:startEvent id="s"/><bpmn:userTask id="review"/><bpmn:receiveTask id="reply"/><bpmn:endEvent id="e"/>${flow('s', 'review')}${flow('review', 'reply')}${flow('reply', 'e')}`,
    );
    const started = startTokens(context(nodes), fresh());
    expect(active(started.instance)).toEqual(['review']);
    const next = completeElement(context(nodes), started.instance, '100');
    expect(active(next.instance)).toEqual(['reply']);
    expect(next.jobs).toEqual([]);
  });

  it('takes an exclusive gateway default flow, or else its first flow', async () => {
    const withDefault = await nodesOf(
      `<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g" default="g-b"/><bpmn:userTask id="a"/><bpmn:userTask id="b"/>${flow('s', 'g')}${flow('g', 'a')}<bpmn:sequenceFlow id="g-b" sourceRef="g" targetRef="b"/>`,
    );
    const withoutDefault = await nodesOf(
      `<bpmn:startEvent id="s"/><bpmn:exclusiveGateway id="g"/><bpmn:userTask id="a"/><bpmn:userTask id="b"/>${flow('s', 'g')}${flow('g', 'a')}${flow('g', 'b')}`,
    );
    expect(active(startTokens(context(withDefault), fresh()).instance)).toEqual(['b']);
    expect(active(startTokens(context(withoutDefault), fresh()).instance)).toEqual(['a']);
  });

  it('passes manual and undefined tasks at once and sends a token down every flow of a task', async () => {
    const nodes = await nodesOf(
      `<bpmn:startEvent id="s"/><bpmn:manualTask id="m"/><bpmn:task id="t"/>${serviceTask('x', 'x')}${serviceTask('y', 'y')}${flow('s', 'm')}${flow('m', 't')}${flow('t', 'x')}${flow('t', 'y')}`,
    );
    const { instance, jobs } = startTokens(context(nodes), fresh());
    expect(active(instance)).toEqual(['x', 'y']);
    expect(jobs.map((job) => job.type)).toEqual(['x', 'y']);
  });

  it('completes the instance only when its last token is consumed', async () => {
    const nodes = await nodesOf(
      `<bpmn:startEvent id="s"/><bpmn:task id="t"/><bpmn:userTask id="x"/><bpmn:userTask id="y"/>${flow('s', 't')}${flow('t', 'x')}${flow('t', 'y')}`,
    );
    const started = startTokens(context(nodes), fresh()).instance;
    const [x, y] = started.elementInstances;
    const first = completeElement(context(nodes), started, x.elementInstanceKey).instance;
    expect(first.state).toBe('ACTIVE');
    const second = completeElement(context(nodes), first, y.elementInstanceKey).instance;
    expect(second.state).toBe('COMPLETED');
  });

  it('enters an embedded subprocess at its start event and leaves it once its tokens are consumed', async () => {
    const nodes = await nodesOf(
      `<bpmn:startEvent id="s"/><bpmn:subProcess id="sub"><bpmn:startEvent id="sub-s"/><bpmn:userTask id="inner"/><bpmn:endEvent id="sub-e"/>${flow('sub-s', 'inner')}${flow('inner', 'sub-e')}</bpmn:subProcess><bpmn:userTask id="after"/>${flow('s', 'sub')}${flow('sub', 'after')}`,
    );
    const started = startTokens(context(nodes), fresh()).instance;
    expect(active(started)).toEqual(['sub', 'inner']);
    const inner = started.elementInstances[1].elementInstanceKey;
    const left = completeElement(context(nodes), started, inner).instance;
    expect(active(left)).toEqual(['after']);
    expect(left.elementInstances.find((element) => element.elementId === 'sub')?.state).toBe('COMPLETED');
  });

  it('opens the enclosing subprocess of a start instruction inside it', async () => {
    const nodes = await nodesOf(
      `<bpmn:startEvent id="s"/><bpmn:subProcess id="sub"><bpmn:startEvent id="sub-s"/><bpmn:userTask id="inner"/>${flow('sub-s', 'inner')}</bpmn:subProcess>${flow('s', 'sub')}`,
    );
    const { instance } = startTokens(context(nodes), fresh(), ['inner']);
    expect(active(instance)).toEqual(['sub', 'inner']);
  });

  it('refuses to complete an element instance that is not active', async () => {
    const nodes = await nodesOf(`<bpmn:startEvent id="s"/><bpmn:userTask id="t"/>${flow('s', 't')}`);
    const started = startTokens(context(nodes), fresh()).instance;
    const done = completeElement(context(nodes), started, '100').instance;
    expect(() => completeElement(context(nodes), done, '100')).toThrow('is not active');
  });

  it('allocates exactly the keys a step takes', async () => {
    const nodes = await nodesOf(`<bpmn:startEvent id="s"/>${serviceTask('a', 'a')}${flow('s', 'a')}`);
    const requested: number[] = [];
    const { jobs, instance } = await withAllocatedKeys(
      (count) => {
        requested.push(count);
        return Promise.resolve(['k1', 'k2']);
      },
      (nextKey) => startTokens({ nodes, now: 'now', nextKey }, fresh()),
    );
    expect(requested).toEqual([2]);
    expect(instance.elementInstances[0].elementInstanceKey).toBe('k1');
    expect(jobs[0].jobKey).toBe('k2');
  });
});
