import { InvalidStateError } from '../errors.ts';
import { parseBpmn } from './bpmn.ts';
import type { FlowNode } from './flow-model.ts';
import type { ProcessDefinition } from './process-definition.ts';

/**
 * The flow of a definition: stored with it since the engine exists, read from its BPMN for those
 * deployed before.
 */
export async function flowNodesOf(definition: ProcessDefinition): Promise<readonly FlowNode[]> {
  if (definition.flowNodes) return definition.flowNodes;
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
  return process.flowNodes;
}
