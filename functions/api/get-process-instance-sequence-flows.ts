import { json, jsonApi } from '#commons/http.ts';
import { readableInstance } from '#commons/instance-read.ts';
import { services } from '#commons/services.ts';
import { flowNodesOf, sequenceFlowsOf } from '#domain/instance/definition-flow.ts';
import { takenSequenceFlows } from '#domain/instance/taken-sequence-flows.ts';

/** GET /v2/process-instances/{processInstanceKey}/sequence-flows: the flows the instance's tokens took. */
export const handler = jsonApi(async (event) => {
  const instance = await readableInstance(event);
  const definition = await services().definitions.getDefinition(instance.processDefinitionKey);
  // A definition that is gone (deleted resources) leaves no flow ids to name.
  if (!definition) return json(200, { items: [] });
  const taken = takenSequenceFlows(
    instance,
    await flowNodesOf(definition),
    await sequenceFlowsOf(definition),
  );
  return json(200, {
    items: taken.map((flow) => ({
      sequenceFlowId: flow.id,
      processInstanceKey: instance.processInstanceKey,
      // The store keeps an instance's parent, not the root of its call hierarchy (as incidents).
      rootProcessInstanceKey: null,
      processDefinitionKey: instance.processDefinitionKey,
      processDefinitionId: instance.processDefinitionId,
      elementId: flow.id,
      tenantId: instance.tenantId,
    })),
  });
});
