import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { checkTables } from '#adapters/dynamodb/table-status.ts';
import { logger } from '#commons/logger.ts';

const dynamodb = new DynamoDBClient({});

/**
 * GET /v2/extensions/health/readiness (extension): 200 `{status: "UP"}` when every table is ACTIVE
 * (one DescribeTable each, the function's only permission), else 503 `{status: "DOWN"}` with the
 * reason. No credentials needed. The embedded runtime answers this path itself, checking its
 * emulators, the workflow endpoint and the queue poller as well.
 */
export const handler = async (): Promise<APIGatewayProxyStructuredResultV2> => {
  try {
    const tables = await checkTables(dynamodb);
    return respond(200, { status: 'UP', checks: { dynamodb: 'UP' }, tables });
  } catch (error) {
    logger.warn('Not ready', { error });
    return respond(503, { status: 'DOWN', checks: { dynamodb: 'DOWN' }, reason: String(error) });
  }
};

function respond(statusCode: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
