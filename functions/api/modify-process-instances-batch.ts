import { createBatchForRequest } from '../commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '../commons/http.ts';
import { services } from '../commons/services.ts';
import { operationRequestSchema, splitOperationRequest } from '../domain/batch/lifecycle/create-batch.ts';
import {
  modificationParametersSchema,
  validateModification,
} from '../domain/operations/modify-process-instance.ts';

const body = operationRequestSchema(modificationParametersSchema);

/**
 * POST /v2/process-instances/modification: move the tokens of every instance matching the filter
 * (and, extension, every instance in processInstanceKeys) per moveInstructions, as a batch. Targets
 * are checked against the definitions the filter pins.
 */
export const handler = jsonApi(async (event) => {
  const { selection, controls, parameters } = splitOperationRequest(parseBody(body, event.body));
  await validateModification(services().definitions, selection.filter, parameters.moveInstructions);
  return createBatchForRequest(event, 'MODIFY_PROCESS_INSTANCE', selection, controls, parameters);
});
