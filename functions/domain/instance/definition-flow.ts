import { InvalidStateError } from '../errors.ts';
import { type ParsedProcess, parseBpmn, type SequenceFlow } from './bpmn.ts';
import type { FlowNode } from './flow-model.ts';
import type { ProcessDefinition } from './process-definition.ts';

/** The definition's process as its deployed BPMN describes it. */
async function parsedProcessOf(definition: ProcessDefinition): Promise<ParsedProcess> {
  const processes = await parseBpmn(definition.bpmnXml, definition.resourceName).catch((error: unknown) => {
    throw new InvalidStateError(
      `Process definition '${definition.processDefinitionKey}' cannot be executed: ${error instanceof Error ? error.message : String(error)}`,
    );
  });
  const process = processes.find(
    (candidate) => candidate.processDefinitionId === definition.processDefinitionId,
  );
  if (!process) {
    throw new InvalidStateError(
      `Process definition '${definition.processDefinitionKey}' has no executable process '${definition.processDefinitionId}' in its BPMN`,
    );
  }
  return process;
}

/**
 * The flow of a definition: stored with it since the engine exists, read from its BPMN for those
 * deployed before.
 */
export async function flowNodesOf(definition: ProcessDefinition): Promise<readonly FlowNode[]> {
  if (definition.flowNodes) return definition.flowNodes;
  return (await parsedProcessOf(definition)).flowNodes;
}

/** The definition's sequence flows, read from its BPMN (only the diagram's reads need their ids). */
export async function sequenceFlowsOf(definition: ProcessDefinition): Promise<readonly SequenceFlow[]> {
  return (await parsedProcessOf(definition)).sequenceFlows;
}
