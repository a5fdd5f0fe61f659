import { scopeOf } from '#commons/authorization.ts';
import { reads } from '#commons/engine-routes.ts';
import { json, jsonApi, parseBody } from '#commons/http.ts';
import { InvalidArgumentError } from '#domain/errors.ts';
import { variableSearchSchema } from '#domain/instance/variables.ts';

/** POST /v2/variables/search[?truncateValues=false]: values longer than the engine's threshold are cut unless asked not to. */
export const handler = jsonApi(async (event) => {
  const truncateValues = event.queryStringParameters?.truncateValues ?? 'true';
  if (truncateValues !== 'true' && truncateValues !== 'false')
    throw new InvalidArgumentError(`truncateValues must be true or false, got '${truncateValues}'`);
  return json(
    200,
    await reads(event).searchVariables(
      parseBody(variableSearchSchema, event.body),
      scopeOf(event, 'READ_PROCESS_INSTANCE'),
      truncateValues === 'true',
    ),
  );
});
