import { createBatchForRequest } from '../commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '../commons/http.ts';
import { services } from '../commons/services.ts';
import { filterBatchRequestSchema } from '../domain/batch/lifecycle/create-batch.ts';
import {
  modificationParametersSchema,
  validateModification,
} from '../domain/operations/modify-process-instance.ts';

const modificationBatchRequestSchema = filterBatchRequestSchema.extend(modificationParametersSchema.shape);

/**
 * POST /v2/process-instances/modification: move the tokens of every instance matching the filter
 * (moveInstructions), as a batch. Targets are checked against the definitions the filter pins.
 */
export const handler = jsonApi(async (event) => {
  const { filter, moveInstructions, ...controls } = parseBody(modificationBatchRequestSchema, event.body);
  await validateModification(services().definitions, filter, moveInstructions);
  return createBatchForRequest(event, 'MODIFY_PROCESS_INSTANCE', { filter }, controls, { moveInstructions });
});
