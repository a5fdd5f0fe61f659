import { createBatchForRequest } from '../commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '../commons/http.ts';
import { operationRequestSchema, splitOperationRequest } from '../domain/batch/lifecycle/create-batch.ts';
import { restartParametersSchema } from '../domain/operations/restart-process-instance.ts';

const body = operationRequestSchema(restartParametersSchema);

/**
 * POST /v2/extensions/process-instances/restart (extension, from Camunda 7): start a new instance of every named finished instance at the given elements, as a
 * RESTART_PROCESS_INSTANCE batch.
 */
export const handler = jsonApi((event) => {
  const { selection, controls, parameters } = splitOperationRequest(parseBody(body, event.body));
  return createBatchForRequest(event, 'RESTART_PROCESS_INSTANCE', selection, controls, parameters);
});
