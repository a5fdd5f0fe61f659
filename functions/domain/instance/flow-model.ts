import { InvalidArgumentError } from '../errors.ts';

/** What the engine does with a token arriving at an element. */
export type FlowNodeKind =
  | 'startEvent'
  | 'endEvent'
  | 'serviceTask'
  | 'userTask'
  | 'receiveTask'
  | 'passThroughTask'
  | 'exclusiveGateway'
  | 'subProcess';

/** One flow node of a deployed process, as the token flow reads it (kept on the definition). */
export interface FlowNode {
  id: string;
  kind: FlowNodeKind;
  /** The embedded subprocess the node lies in; absent at process level. */
  scopeId?: string;
  /** Targets of the node's outgoing sequence flows, in document order. */
  outgoing: string[];
  /** An exclusive gateway's default flow target. */
  defaultTarget?: string;
  /** A service task's job type (zeebe:taskDefinition type). */
  jobType?: string;
  /** A service task's job retries (zeebe:taskDefinition retries). */
  jobRetries?: number;
}

/** Elements where a token waits for a worker, a user or a message. */
export const isWaitNode = (node: FlowNode) =>
  node.kind === 'serviceTask' || node.kind === 'userTask' || node.kind === 'receiveTask';

/** The none start event of a scope (the process: no scope id). */
export function startEventOf(nodes: readonly FlowNode[], scopeId?: string): FlowNode | undefined {
  return nodes.find((node) => node.kind === 'startEvent' && node.scopeId === scopeId);
}

/** Where a token goes when it leaves a node: a gateway takes one flow, other nodes every flow. */
export function successorsOf(node: FlowNode): string[] {
  if (node.kind !== 'exclusiveGateway') return node.outgoing;
  const target = node.defaultTarget ?? node.outgoing[0];
  return target ? [target] : [];
}

/**
 * What deployment refuses beyond unsupported elements: a scope without exactly one none start event,
 * a flow leaving its scope, and a loop a token would run forever without waiting anywhere.
 */
export function validateFlow(nodes: readonly FlowNode[], where: string): void {
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const scopes = [undefined, ...nodes.filter((node) => node.kind === 'subProcess').map((node) => node.id)];
  for (const scopeId of scopes) {
    const starts = nodes.filter((node) => node.kind === 'startEvent' && node.scopeId === scopeId);
    if (starts.length !== 1) {
      throw new InvalidArgumentError(
        scopeId === undefined
          ? `${where} has ${starts.length} none start events; exactly one is needed to start instances at`
          : `${where}: subprocess '${scopeId}' has ${starts.length} none start events; exactly one is needed`,
      );
    }
  }
  for (const node of nodes) {
    for (const target of node.outgoing) {
      if (byId.get(target)?.scopeId !== node.scopeId) {
        throw new InvalidArgumentError(
          `${where}: the sequence flow from '${node.id}' to '${target}' crosses a subprocess boundary`,
        );
      }
    }
  }
  // Instant steps: leaving a non-waiting node, entering a subprocess, or leaving it from an end inside.
  const instantSteps = (node: FlowNode): string[] => {
    if (isWaitNode(node)) return [];
    if (node.kind === 'subProcess') return [startEventOf(nodes, node.id)?.id ?? ''];
    if (node.kind === 'endEvent') return node.scopeId ? [node.scopeId] : [];
    return successorsOf(node);
  };
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (id: string): void => {
    if (state.get(id) === 'done') return;
    if (state.get(id) === 'visiting') {
      throw new InvalidArgumentError(
        `${where}: a token would loop through '${id}' forever without waiting at a task`,
      );
    }
    state.set(id, 'visiting');
    const node = byId.get(id);
    if (node) for (const next of instantSteps(node)) visit(next);
    state.set(id, 'done');
  };
  for (const node of nodes) visit(node.id);
}
