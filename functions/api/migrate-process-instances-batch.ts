import { createBatchForRequest } from '../commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '../commons/http.ts';
import { services } from '../commons/services.ts';
import { operationRequestSchema, splitOperationRequest } from '../domain/batch/lifecycle/create-batch.ts';
import {
  migrationParametersSchema,
  validateMigrationPlan,
} from '../domain/operations/migrate-process-instance.ts';

const body = operationRequestSchema(migrationParametersSchema);

/**
 * POST /v2/process-instances/migration: migrate every instance matching the filter (and, extension,
 * every instance in processInstanceKeys) to the plan's target definition, as a batch. The plan is
 * validated now (400), each instance's mapping per item.
 */
export const handler = jsonApi(async (event) => {
  const { selection, controls, parameters } = splitOperationRequest(parseBody(body, event.body));
  await validateMigrationPlan(services().definitions, selection.filter, parameters.migrationPlan);
  return createBatchForRequest(event, 'MIGRATE_PROCESS_INSTANCE', selection, controls, parameters);
});
