import { createBatchForRequest } from '../commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '../commons/http.ts';
import { services } from '../commons/services.ts';
import { filterBatchRequestSchema } from '../domain/batch/lifecycle/create-batch.ts';
import {
  migrationParametersSchema,
  validateMigrationPlan,
} from '../domain/operations/migrate-process-instance.ts';

const migrationBatchRequestSchema = filterBatchRequestSchema.extend(migrationParametersSchema.shape);

/**
 * POST /v2/process-instances/migration: migrate every instance matching the filter to the plan's
 * target definition, as a batch. The plan is validated now (400), each instance's mapping per item.
 */
export const handler = jsonApi(async (event) => {
  const { filter, migrationPlan, ...controls } = parseBody(migrationBatchRequestSchema, event.body);
  await validateMigrationPlan(services().definitions, filter, migrationPlan);
  return createBatchForRequest(event, 'MIGRATE_PROCESS_INSTANCE', { filter }, controls, { migrationPlan });
});
