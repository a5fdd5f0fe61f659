import { visibleTo } from '#commons/authorization.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { services } from '#commons/services.ts';
import { InvalidArgumentError } from '#domain/errors.ts';
import { searchVariables, variableSearchSchema } from '#domain/instance/variables.ts';

/** POST /v2/variables/search[?truncateValues=false]: values longer than Camunda's threshold are cut unless asked not to. */
export const handler = jsonApi(async (event) => {
  const truncateValues = event.queryStringParameters?.truncateValues ?? 'true';
  if (truncateValues !== 'true' && truncateValues !== 'false')
    throw new InvalidArgumentError(`truncateValues must be true or false, got '${truncateValues}'`);
  const { instances, config } = services();
  return json(
    200,
    await searchVariables(
      instances,
      config.SHARD_COUNT,
      parseBody(variableSearchSchema, event.body),
      truncateValues === 'true',
      visibleTo(event, 'READ_PROCESS_INSTANCE'),
    ),
  );
});
