import { requireCommandInScope } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { knownKeyParameter } from '#commons/key-parameter.ts';
import { engineDeps, services } from '#commons/services.ts';
import { applyStepToInstance } from '#domain/instance/instance-operation.ts';
import {
  instanceModificationSchema,
  modifyProcessInstance,
} from '#domain/operations/modify-process-instance.ts';

/**
 * POST /v2/process-instances/{processInstanceKey}/modification (204): moves one instance's tokens by
 * the MODIFY_PROCESS_INSTANCE batch's own rules (400 for an instruction the engine cannot run, 409
 * naming the rule the instance breaks, 404 for an unknown instance of any key shape).
 */
export const handler = jsonApi(async (event) => {
  const key = knownKeyParameter(event, 'processInstanceKey', 'Process instance');
  const { moveInstructions } = parseBody(instanceModificationSchema, event.body);
  await requireCommandInScope(event, modifyProcessInstance.itemPermission, () =>
    services().instances.getInstance(key),
  );
  await applyStepToInstance(engineDeps(), modifyProcessInstance, key, {
    moveInstructions: moveInstructions.map(({ sourceElementInstruction, targetElementId }) => ({
      sourceElementId: sourceElementInstruction.sourceElementId,
      targetElementId,
    })),
  });
  return json(204);
});
