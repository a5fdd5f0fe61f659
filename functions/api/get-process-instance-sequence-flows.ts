import { reads } from '#commons/engine-routes.ts';
import { json, jsonApi } from '#commons/http.ts';
import { readableInstance } from '#commons/instance-read.ts';

/** GET /v2/process-instances/{processInstanceKey}/sequence-flows: the flows the instance's tokens took. */
export const handler = jsonApi(async (event) => {
  const { processInstanceKey } = await readableInstance(event);
  return json(200, await reads(event).processInstanceSequenceFlows(processInstanceKey));
});
