export const PROCESS_INSTANCE_STATES = ['ACTIVE', 'COMPLETED', 'CANCELED', 'TERMINATED'] as const;
export type ProcessInstanceState = (typeof PROCESS_INSTANCE_STATES)[number];

export const ELEMENT_INSTANCE_STATES = ['ACTIVE', 'COMPLETED', 'TERMINATED'] as const;
export type ElementInstanceState = (typeof ELEMENT_INSTANCE_STATES)[number];

export interface ElementInstance {
  elementInstanceKey: string;
  elementId: string;
  state: ElementInstanceState;
}

/** A process instance as the instance store keeps it. Variable values are JSON-serialized strings, as in Camunda. */
export interface ProcessInstance {
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  processDefinitionName?: string;
  processDefinitionVersion: number;
  processDefinitionVersionTag?: string;
  tenantId: string;
  state: ProcessInstanceState;
  startDate: string;
  endDate?: string;
  hasIncident: boolean;
  parentProcessInstanceKey?: string;
  parentElementInstanceKey?: string;
  variables: Record<string, string>;
  tags: string[];
  elementInstances: ElementInstance[];
  /** Batch operations that changed this instance: what makes a redelivered command idempotent. */
  batchOperationIds: string[];
}
