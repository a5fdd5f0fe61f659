import { createBatchForRequest } from '../commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '../commons/http.ts';
import { operationRequestSchema, splitOperationRequest } from '../domain/batch/lifecycle/create-batch.ts';
import { externalTaskRetriesParametersSchema } from '../domain/operations/set-external-task-retries.ts';

const body = operationRequestSchema(externalTaskRetriesParametersSchema);

/**
 * POST /v2/extensions/process-instances/external-task-retries (extension, from Camunda 7): set the retries of the external tasks (service-task jobs, optionally of one topic) of every named instance, as a
 * SET_EXTERNAL_TASK_RETRIES batch.
 */
export const handler = jsonApi((event) => {
  const { selection, controls, parameters } = splitOperationRequest(parseBody(body, event.body));
  return createBatchForRequest(event, 'SET_EXTERNAL_TASK_RETRIES', selection, controls, parameters);
});
