/**
 * Camunda's ProcessInstanceStateEnum (8.10): an instance ended by cancellation is TERMINATED (how it
 * was ended is kept in `cancellation` when a batch gave a reason); SUSPENDED from 8.10.
 */
export const PROCESS_INSTANCE_STATES = ['ACTIVE', 'COMPLETED', 'TERMINATED', 'SUSPENDED'] as const;
export type ProcessInstanceState = (typeof PROCESS_INSTANCE_STATES)[number];

export const ELEMENT_INSTANCE_STATES = ['ACTIVE', 'COMPLETED', 'TERMINATED'] as const;
export type ElementInstanceState = (typeof ELEMENT_INSTANCE_STATES)[number];

export interface ElementInstance {
  elementInstanceKey: string;
  elementId: string;
  state: ElementInstanceState;
  /** The element instance has an open incident (filter field `hasElementInstanceIncident`). */
  hasIncident?: boolean;
}

/**
 * An incident still open on the instance, kept on the instance so the filter fields `errorMessage`
 * and `incidentErrorHashCode` read one record. A resolved incident is removed from the list.
 */
export interface OpenIncident {
  incidentKey: string;
  elementId: string;
  elementInstanceKey: string;
  /** Camunda's incident error type, e.g. JOB_NO_RETRIES. */
  errorType: string;
  errorMessage: string;
  /** Camunda's hash of the error message (Java String.hashCode), filter field `incidentErrorHashCode`. */
  errorHashCode: number;
  jobKey?: string;
}

/** Extension: how a batch canceled the instance (recorded when the batch gave a reason or flag). */
export interface InstanceCancellation {
  batchOperationKey: string;
  reason?: string;
  skipCustomListeners?: boolean;
}

/** Extension: the instance a restart batch started from this one. */
export interface InstanceRestart {
  processInstanceKey: string;
  batchOperationKey: string;
}

/** Extension: where a restarted instance came from, with the restart's recorded flags. */
export interface RestartOrigin extends InstanceRestart {
  skipCustomListeners?: boolean;
  skipIoMappings?: boolean;
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
  /** When the instance was suspended; null (or absent) while it is not SUSPENDED. */
  suspendedDate?: string | null;
  hasIncident: boolean;
  parentProcessInstanceKey?: string;
  parentElementInstanceKey?: string;
  variables: Record<string, string>;
  tags: string[];
  elementInstances: ElementInstance[];
  /** Batch operations that changed this instance: what makes a redelivered command idempotent. */
  batchOperationIds: string[];
  /** Open incidents (absent on instances stored before incidents existed: none). */
  incidents?: OpenIncident[];
  /** Some job of the instance failed and still has retries left (filter field `hasRetriesLeft`). */
  hasRetriesLeft?: boolean;
  cancellation?: InstanceCancellation;
  /** This instance was started by a restart of another one (RESTART_PROCESS_INSTANCE). */
  restartedFrom?: RestartOrigin;
  /** The instances restart batches started from this finished one, oldest first. */
  restartedAs?: InstanceRestart[];
}
