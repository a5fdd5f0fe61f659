import { visibleTo } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import {
  processInstanceSearchSchema,
  searchProcessInstances,
} from '#domain/instance/search-process-instances.ts';

/** POST /v2/process-instances/search */
export const handler = jsonApi(async (event) => {
  const { instances, config } = services();
  return json(
    200,
    await searchProcessInstances(
      instances,
      config.SHARD_COUNT,
      parseBody(processInstanceSearchSchema, event.body),
      visibleTo(event, 'READ_PROCESS_INSTANCE'),
    ),
  );
});
