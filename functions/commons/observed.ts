import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { logger } from './logger.ts';
import { tracedHandler } from './tracer.ts';

/**
 * A workflow or worker entry point with its cross-cutting concerns in one line: the request id and
 * function on every log line (keys reset per invocation) and an X-Ray segment around the handler.
 */
export function observed<TEvent, TResult>(handler: (event: TEvent, context: Context) => Promise<TResult>) {
  return middy<TEvent, TResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(tracedHandler())
    .handler(handler);
}
