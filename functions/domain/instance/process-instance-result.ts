import type { ProcessInstance } from './process-instance.ts';

/** An instance as Camunda 8's ProcessInstanceResult shows it (absent optional fields are omitted). */
export function toProcessInstanceResult(instance: ProcessInstance) {
  return {
    processInstanceKey: instance.processInstanceKey,
    processDefinitionId: instance.processDefinitionId,
    ...(instance.processDefinitionName ? { processDefinitionName: instance.processDefinitionName } : {}),
    processDefinitionVersion: instance.processDefinitionVersion,
    ...(instance.processDefinitionVersionTag
      ? { processDefinitionVersionTag: instance.processDefinitionVersionTag }
      : {}),
    processDefinitionKey: instance.processDefinitionKey,
    ...(instance.parentProcessInstanceKey
      ? { parentProcessInstanceKey: instance.parentProcessInstanceKey }
      : {}),
    ...(instance.parentElementInstanceKey
      ? { parentElementInstanceKey: instance.parentElementInstanceKey }
      : {}),
    startDate: instance.startDate,
    ...(instance.endDate ? { endDate: instance.endDate } : {}),
    state: instance.state,
    hasIncident: instance.hasIncident,
    tenantId: instance.tenantId,
    tags: instance.tags,
    // Extension: the reason and flags of the batch that canceled the instance.
    ...(instance.cancellation ? { cancellation: instance.cancellation } : {}),
    // Extension: restarts (RESTART_PROCESS_INSTANCE) from and to this instance.
    ...(instance.restartedFrom ? { restartedFrom: instance.restartedFrom } : {}),
    ...(instance.restartedAs ? { restartedAs: instance.restartedAs } : {}),
  };
}
