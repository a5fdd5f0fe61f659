import { json, jsonApi } from '#commons/http.ts';
import { readableInstance } from '#commons/instance-read.ts';
import { ElementCounter } from '#domain/instance/element-statistics.ts';

/** GET /v2/process-instances/{processInstanceKey}/statistics/element-instances: the instance's counts per element. */
export const handler = jsonApi(async (event) => {
  const counter = new ElementCounter();
  counter.add(await readableInstance(event));
  return json(200, counter.result());
});
