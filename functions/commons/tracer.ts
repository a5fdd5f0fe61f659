import type { Tracer } from '@aws-lambda-powertools/tracer';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import type middy from '@middy/core';
import { SERVICE_NAME } from './metrics.ts';

/**
 * X-Ray segments only where they are recorded: in Lambda (its runtime sets AWS_EXECUTION_ENV) unless
 * POWERTOOLS_TRACE_ENABLED is false. Elsewhere the tracer is not even loaded: importing it loads the
 * X-Ray SDK, whose cls-hooked context puts a destroy hook on every promise (about 12× slower promises
 * in a micro-benchmark), for Powertools to then record nothing outside Lambda.
 */
const tracing =
  process.env.AWS_EXECUTION_ENV?.startsWith('AWS_Lambda') === true &&
  process.env.POWERTOOLS_TRACE_ENABLED !== 'false';

const tracer: Tracer | undefined = tracing
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({ serviceName: SERVICE_NAME })
  : undefined;

/** An AWS SDK v3 client whose calls are subsegments of the invocation's trace (the client itself when not tracing). */
export function traced<T>(client: T): T {
  return tracer ? tracer.captureAWSv3Client(client) : client;
}

/** The handler's segment (the response left out when it is a stream): a middleware list, empty when not tracing. */
export function tracedHandler(options?: { captureResponse: boolean }): middy.MiddlewareObj[] {
  return tracer ? [captureLambdaHandler(tracer, options)] : [];
}
