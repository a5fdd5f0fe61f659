import { requireCommandInScope } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { knownKeyParameter } from '#commons/key-parameter.ts';
import { engineDeps, services } from '#commons/services.ts';
import { applyStepToInstance } from '#domain/instance/instance-operation.ts';
import {
  instanceMigrationSchema,
  migrateProcessInstance,
} from '#domain/operations/migrate-process-instance.ts';

/**
 * POST /v2/process-instances/{processInstanceKey}/migration (204): migrates one instance by the
 * MIGRATE_PROCESS_INSTANCE batch's own rules (400 for a plan that cannot apply, 409 naming the rule the
 * instance breaks, 404 for an unknown instance of any key shape).
 */
export const handler = jsonApi(async (event) => {
  const key = knownKeyParameter(event, 'processInstanceKey', 'Process instance');
  const { operationReference: _, ...migrationPlan } = parseBody(instanceMigrationSchema, event.body);
  await requireCommandInScope(event, migrateProcessInstance.itemPermission, () =>
    services().instances.getInstance(key),
  );
  await applyStepToInstance(engineDeps(), migrateProcessInstance, key, { migrationPlan });
  return json(204);
});
