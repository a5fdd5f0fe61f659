import { createBatchForRequest } from '../commons/batch-creation-api.ts';
import { jsonApi, parseBody } from '../commons/http.ts';
import { operationRequestSchema, splitOperationRequest } from '../domain/batch/lifecycle/create-batch.ts';
import { jobRetriesParametersSchema } from '../domain/operations/set-job-retries.ts';

const body = operationRequestSchema(jobRetriesParametersSchema);

/**
 * POST /v2/extensions/process-instances/job-retries (extension, from Camunda 7): set the retries of the open jobs of every named instance, as a
 * SET_JOB_RETRIES batch.
 */
export const handler = jsonApi((event) => {
  const { selection, controls, parameters } = splitOperationRequest(parseBody(body, event.body));
  return createBatchForRequest(event, 'SET_JOB_RETRIES', selection, controls, parameters);
});
