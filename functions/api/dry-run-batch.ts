import { callerContext } from '#commons/authorization.ts';
import { operationDryRunAt, readBatchRequest } from '#commons/batch-requests.ts';
import { json, jsonApi, pathParameter } from '#commons/http.ts';
import { engine, services } from '#commons/services.ts';
import { instanceScopeOf } from '#domain/authorization/permissions.ts';
import { dryRunBatch } from '#domain/creation/dry-run-batch.ts';

/**
 * POST /v2/extensions/process-instances/{operation}/dry-run (and /v2/extensions/jobs/{operation}/dry-run
 * for a job operation): the creation request of that operation (`cancellation`, `migration`,
 * `batch-update`, …), validated as creation validates it and answered with the items the batch would
 * hold per shard and a sample of their keys, of the items the caller may read; creates nothing.
 */
export const handler = jsonApi(async (event) => {
  const template = event.routeKey.replace(/^POST /, '');
  const operation = operationDryRunAt(template.replace('{operation}', pathParameter(event, 'operation')));
  const { batchOperationType, selection } = await readBatchRequest(operation, event);
  return json(
    200,
    await dryRunBatch(
      { engine: engine(), shardCount: services().config.SHARD_COUNT },
      {
        batchOperationType,
        ...selection,
        readScope: instanceScopeOf(callerContext(event).permissions, 'READ_PROCESS_INSTANCE'),
      },
    ),
  );
});
