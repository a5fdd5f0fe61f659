import type { SequenceFlow } from './bpmn.ts';
import { type FlowNode, isWaitNode, startEventOf, successorsOf } from './flow-model.ts';
import type { ProcessInstance } from './process-instance.ts';

/**
 * The sequence flows an instance's tokens took. The store keeps element instances only where a token
 * waited (tasks, subprocesses), so the flows are derived from them with the engine's own rule for the
 * elements between (token-flow.ts): a token enters a scope at its none start event, leaves an event,
 * gateway or pass-through task at once along `successorsOf`, and leaves a task or subprocess when its
 * element instance completed. A flow is taken when its source was left along it. Tokens a
 * modification moved took no flow to their new element, and none is shown; an instance started at
 * given elements (start instructions) shows the flows from the start event as if it passed them.
 */
export function takenSequenceFlows(
  instance: ProcessInstance,
  nodes: readonly FlowNode[],
  flows: readonly SequenceFlow[],
): SequenceFlow[] {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const visited = new Set(instance.elementInstances.map((element) => element.elementId));
  const completed = new Set(
    instance.elementInstances.filter((element) => element.state === 'COMPLETED').map((e) => e.elementId),
  );
  const left = new Set<string>();
  const pending: string[] = [];
  const reach = (node: FlowNode | undefined) => {
    if (node && !left.has(node.id)) pending.push(node.id);
  };
  reach(startEventOf(nodes));
  for (const elementId of visited) reach(byId.get(elementId));
  while (pending.length > 0) {
    const node = byId.get(pending.pop() as string);
    if (!node || left.has(node.id)) continue;
    if (node.kind === 'subProcess') reach(startEventOf(nodes, node.id));
    const waits = isWaitNode(node) || node.kind === 'subProcess';
    if (node.kind === 'endEvent' || (waits && !completed.has(node.id))) continue;
    left.add(node.id);
    for (const target of successorsOf(node)) reach(byId.get(target));
  }
  return flows.filter(
    (flow) =>
      left.has(flow.sourceId) && successorsOf(byId.get(flow.sourceId) as FlowNode).includes(flow.targetId),
  );
}
