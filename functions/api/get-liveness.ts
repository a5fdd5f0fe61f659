import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

/**
 * GET /v2/extensions/health/liveness (extension): the service answers. No credentials needed and
 * nothing checked beyond the function itself: readiness says whether it can do work.
 */
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ status: 'UP' }),
});
