import type { FlowNode } from './flow-model.ts';

export const DEFAULT_TENANT_ID = '<default>';

export interface ProcessDefinition {
  processDefinitionKey: string;
  processDefinitionId: string;
  name?: string;
  version: number;
  versionTag?: string;
  tenantId: string;
  resourceName: string;
  /** Element ids of the executable process, from the deployed BPMN. */
  elementIds: string[];
  /** Where a new instance's token waits: the first activity after the none start event (none: it ends at once). */
  initialElementId?: string;
  /** The flow the engine moves tokens along (absent on definitions deployed before the engine: read from bpmnXml). */
  flowNodes?: FlowNode[];
  /** The BPMN XML as deployed. */
  bpmnXml: string;
}
