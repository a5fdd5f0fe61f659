import * as bpmnModdle from 'bpmn-moddle';
import { InvalidArgumentError } from '../errors.ts';
import { type FlowNode, type FlowNodeKind, validateFlow } from './flow-model.ts';
import { initialWaitElementId } from './token-flow.ts';

/** The parts of bpmn-moddle's element model this service reads. */
interface BpmnElement {
  $type: string;
  id: string;
  name?: string;
  isExecutable?: boolean;
  triggeredByEvent?: boolean;
  flowElements?: BpmnElement[];
  rootElements?: BpmnElement[];
  eventDefinitions?: unknown[];
  loopCharacteristics?: unknown;
  sourceRef?: BpmnElement;
  targetRef?: BpmnElement;
  default?: BpmnElement;
  conditionExpression?: unknown;
  versionTag?: string;
  /** Extension elements from other namespaces arrive generic: `$type` plus their attributes. */
  extensionElements?: { values?: { $type: string; type?: string; retries?: string }[] };
}

type Moddle = {
  fromXML(xml: string): Promise<{ rootElement: BpmnElement; warnings: { message: string }[] }>;
};
const { BpmnModdle } = bpmnModdle as unknown as { BpmnModdle: new () => Moddle };

export interface ParsedProcess {
  processDefinitionId: string;
  name?: string;
  versionTag?: string;
  /** Ids of every flow element, nested subprocesses included. */
  elementIds: string[];
  /** Where a new instance's token waits; absent when the start event leads straight to an end. */
  initialElementId?: string;
  /** The flow the engine moves tokens along. */
  flowNodes: FlowNode[];
  /** Every sequence flow by its id, nested subprocesses included (what a diagram's taken flows name). */
  sequenceFlows: SequenceFlow[];
}

/** A sequence flow of a process: its BPMN id and the elements it connects. */
export interface SequenceFlow {
  id: string;
  sourceId: string;
  targetId: string;
}

/** Zeebe's default when a task definition names no retries. */
const DEFAULT_JOB_RETRIES = 3;

/** Flow elements that are no flow nodes (data) and that the engine therefore passes by. */
const DATA_ELEMENTS = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

const KINDS: Record<string, FlowNodeKind> = {
  'bpmn:StartEvent': 'startEvent',
  'bpmn:EndEvent': 'endEvent',
  'bpmn:ServiceTask': 'serviceTask',
  'bpmn:UserTask': 'userTask',
  'bpmn:ReceiveTask': 'receiveTask',
  // Zeebe completes undefined and manual tasks at once.
  'bpmn:Task': 'passThroughTask',
  'bpmn:ManualTask': 'passThroughTask',
  'bpmn:ExclusiveGateway': 'exclusiveGateway',
  'bpmn:SubProcess': 'subProcess',
};

/**
 * Reads a deployed BPMN 2.0 file: its executable processes, their element ids, and the flow the
 * engine moves tokens along. Rejects what cannot be deployed, or what the engine cannot execute,
 * with a message naming the resource and the element.
 */
export async function parseBpmn(xml: string, resourceName: string): Promise<ParsedProcess[]> {
  let definitions: BpmnElement;
  try {
    ({ rootElement: definitions } = await new BpmnModdle().fromXML(xml));
  } catch (error) {
    throw new InvalidArgumentError(
      `${resourceName} is not valid BPMN 2.0 XML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (definitions?.$type !== 'bpmn:Definitions') {
    throw new InvalidArgumentError(`${resourceName} is not a BPMN 2.0 definitions document`);
  }
  const processes = (definitions.rootElements ?? []).filter(
    (element) => element.$type === 'bpmn:Process' && element.isExecutable,
  );
  if (processes.length === 0) {
    throw new InvalidArgumentError(
      `${resourceName} contains no executable process: mark the process to deploy with isExecutable="true"`,
    );
  }
  return processes.map((process) => {
    const where = `${resourceName}: process ${process.id}`;
    const flowNodes = flowNodesOf(process, undefined, where);
    validateFlow(flowNodes, where);
    const initialElementId = initialWaitElementId(flowNodes);
    return {
      processDefinitionId: process.id,
      ...(process.name ? { name: process.name } : {}),
      elementIds: allElementIds(process),
      ...(initialElementId ? { initialElementId } : {}),
      flowNodes,
      sequenceFlows: sequenceFlowsIn(process),
    };
  });
}

/** The sequence flows of a process or subprocess and of the subprocesses in it (flowNodesOf checked their ends). */
function sequenceFlowsIn(container: BpmnElement): SequenceFlow[] {
  return (container.flowElements ?? []).flatMap((element) =>
    element.$type === 'bpmn:SequenceFlow' && element.sourceRef && element.targetRef
      ? [{ id: element.id, sourceId: element.sourceRef.id, targetId: element.targetRef.id }]
      : sequenceFlowsIn(element),
  );
}

function allElementIds(container: BpmnElement): string[] {
  return (container.flowElements ?? [])
    .filter((element) => element.$type !== 'bpmn:SequenceFlow')
    .flatMap((element) => [element.id, ...allElementIds(element)]);
}

/** The flow nodes of a process or subprocess, nested ones included, each naming its scope. */
function flowNodesOf(container: BpmnElement, scopeId: string | undefined, where: string): FlowNode[] {
  const elements = container.flowElements ?? [];
  // Flows are read from their sourceRef: <outgoing> children are optional in BPMN XML.
  const outgoing = new Map<string, BpmnElement[]>();
  for (const flow of elements) {
    if (flow.$type !== 'bpmn:SequenceFlow') continue;
    if (!flow.sourceRef || !flow.targetRef) {
      throw new InvalidArgumentError(`${where}: sequence flow '${flow.id}' lacks its source or target`);
    }
    if (flow.conditionExpression) {
      throw new InvalidArgumentError(
        `${where}: sequence flow '${flow.id}' has a condition; conditions are not supported (exclusive gateways take their default flow, or else their first)`,
      );
    }
    outgoing.set(flow.sourceRef.id, [...(outgoing.get(flow.sourceRef.id) ?? []), flow]);
  }
  const nodes: FlowNode[] = [];
  for (const element of elements) {
    if (element.$type === 'bpmn:SequenceFlow' || DATA_ELEMENTS.has(element.$type)) continue;
    const kind = KINDS[element.$type];
    const unsupported = (reason: string) =>
      new InvalidArgumentError(
        `${where}: element '${element.id}' (${element.$type}) is not supported: ${reason}`,
      );
    if (!kind)
      throw unsupported(
        'the engine executes none start and end events, service, user, receive, manual and undefined tasks, exclusive gateways and embedded subprocesses',
      );
    if ((element.eventDefinitions ?? []).length > 0) throw unsupported('only none events are');
    if (element.loopCharacteristics) throw unsupported('multi-instance and loop activities are not');
    if (element.triggeredByEvent) throw unsupported('event subprocesses are not');
    const flows = outgoing.get(element.id) ?? [];
    const node: FlowNode = {
      id: element.id,
      kind,
      ...(scopeId ? { scopeId } : {}),
      outgoing: flows.map((flow) => flow.targetRef?.id as string),
    };
    if (kind === 'exclusiveGateway' && element.default?.targetRef)
      node.defaultTarget = element.default.targetRef.id;
    if (kind === 'serviceTask') Object.assign(node, jobDefinition(element, where));
    nodes.push(node);
    if (kind === 'subProcess') nodes.push(...flowNodesOf(element, element.id, where));
  }
  return nodes;
}

/** A service task's job type and retries, from its zeebe:taskDefinition (which Zeebe requires too). */
function jobDefinition(task: BpmnElement, where: string): { jobType: string; jobRetries: number } {
  const definition = task.extensionElements?.values?.find((value) => value.$type === 'zeebe:taskDefinition');
  if (!definition?.type) {
    throw new InvalidArgumentError(
      `${where}: service task '${task.id}' has no job type: add <zeebe:taskDefinition type="..."/> to its extensionElements`,
    );
  }
  const retries = definition.retries === undefined ? DEFAULT_JOB_RETRIES : Number(definition.retries);
  if (!Number.isInteger(retries) || retries < 0) {
    throw new InvalidArgumentError(
      `${where}: service task '${task.id}' has retries '${definition.retries}'; retries must be a whole number`,
    );
  }
  return { jobType: definition.type, jobRetries: retries };
}
