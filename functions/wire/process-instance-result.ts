import type { ProcessInstance } from '#domain/instance/process-instance.ts';

/**
 * An instance as Camunda 8.10's ProcessInstanceResult shows it: absent values are null, as Camunda
 * 8.9+ lists them.
 */
export function toProcessInstanceResult(instance: ProcessInstance) {
  return {
    processInstanceKey: instance.processInstanceKey,
    processDefinitionId: instance.processDefinitionId,
    // Camunda always names the definition; a BPMN process without a name goes by its id.
    processDefinitionName: instance.processDefinitionName ?? instance.processDefinitionId,
    processDefinitionVersion: instance.processDefinitionVersion,
    processDefinitionVersionTag: instance.processDefinitionVersionTag ?? null,
    processDefinitionKey: instance.processDefinitionKey,
    parentProcessInstanceKey: instance.parentProcessInstanceKey ?? null,
    parentElementInstanceKey: instance.parentElementInstanceKey ?? null,
    // The store keeps an instance's parent, not the root of its call hierarchy.
    rootProcessInstanceKey: null,
    startDate: instance.startDate,
    endDate: instance.endDate ?? null,
    suspendedDate: instance.suspendedDate ?? null,
    state: instance.state,
    hasIncident: instance.hasIncident,
    tenantId: instance.tenantId,
    tags: instance.tags,
    businessId: null,
    // Extension: the reason and flags of the batch that canceled the instance.
    ...(instance.cancellation ? { cancellation: instance.cancellation } : {}),
    // Extension: restarts (RESTART_PROCESS_INSTANCE) from and to this instance.
    ...(instance.restartedFrom ? { restartedFrom: instance.restartedFrom } : {}),
    ...(instance.restartedAs ? { restartedAs: instance.restartedAs } : {}),
  };
}
