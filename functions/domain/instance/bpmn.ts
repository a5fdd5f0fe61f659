import * as bpmnModdle from 'bpmn-moddle';
import { InvalidArgumentError } from '../errors.ts';

/** The parts of bpmn-moddle's element model this service reads. */
interface BpmnElement {
  $type: string;
  id: string;
  name?: string;
  isExecutable?: boolean;
  flowElements?: BpmnElement[];
  rootElements?: BpmnElement[];
  eventDefinitions?: unknown[];
  sourceRef?: BpmnElement;
  targetRef?: BpmnElement;
  default?: BpmnElement;
  versionTag?: string;
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
}

/** An element where a token waits: an activity or an intermediate catch event. */
const isWaitElement = (type: string) =>
  /Task$|^bpmn:(SubProcess|CallActivity|Transaction|IntermediateCatchEvent|ReceiveTask)$/.test(type);

/**
 * Reads a deployed BPMN 2.0 file: its executable processes, their element ids, and the element a new
 * instance starts at. Rejects what cannot be deployed with a message naming the resource.
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
  return processes.map((process) => ({
    processDefinitionId: process.id,
    ...(process.name ? { name: process.name } : {}),
    elementIds: allElementIds(process),
    ...initialElement(process, resourceName),
  }));
}

function allElementIds(container: BpmnElement): string[] {
  return (container.flowElements ?? [])
    .filter((element) => element.$type !== 'bpmn:SequenceFlow')
    .flatMap((element) => [element.id, ...allElementIds(element)]);
}

/** From the none start event, follows the default (or first) outgoing flow past gateways. */
function initialElement(process: BpmnElement, resourceName: string): { initialElementId?: string } {
  const start = (process.flowElements ?? []).find(
    (element) => element.$type === 'bpmn:StartEvent' && (element.eventDefinitions ?? []).length === 0,
  );
  if (!start) {
    throw new InvalidArgumentError(
      `${resourceName}: process ${process.id} has no none start event to start instances at`,
    );
  }
  // Flows are read from their sourceRef: <outgoing> children are optional in BPMN XML.
  const outgoing = new Map<string, BpmnElement[]>();
  for (const flow of process.flowElements ?? []) {
    if (flow.$type !== 'bpmn:SequenceFlow' || !flow.sourceRef) continue;
    outgoing.set(flow.sourceRef.id, [...(outgoing.get(flow.sourceRef.id) ?? []), flow]);
  }
  const visited = new Set<string>();
  let current: BpmnElement | undefined = start;
  while (current && !visited.has(current.id)) {
    visited.add(current.id);
    if (isWaitElement(current.$type)) return { initialElementId: current.id };
    if (current.$type === 'bpmn:EndEvent') return {};
    const flow: BpmnElement | undefined = current.default ?? outgoing.get(current.id)?.[0];
    current = flow?.targetRef;
  }
  throw new InvalidArgumentError(
    `${resourceName}: process ${process.id} has no path from its start event to a task or an end event`,
  );
}
