import { Readable } from 'node:stream';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { NotFoundError } from '#domain/errors.ts';
import { type ApiRoute, apiRoutes, matchRoutePath } from '#resources/api-routes.ts';
import { authorization } from './authorization.ts';
import { type HttpEvent, type HttpResult, problemDetails } from './http.ts';
import { logger } from './logger.ts';
import { ProblemError } from './problems.ts';
import { tracedHandler } from './tracer.ts';

/** A response whose body is produced while it is sent. */
export interface StreamedResult {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

export function isStreamed(result: HttpResult | StreamedResult): result is StreamedResult {
  return result.body instanceof Readable;
}

/**
 * The streaming handler interface: a route answers with a streamed body, or with a plain result (the
 * problem details, decided before the first byte). The embedded HTTP server pipes the body into its
 * response; in Lambda, middy's `streamifyResponse` pipes it into the function URL's response stream.
 */
export type StreamingHandler = (event: HttpEvent, context: Context) => Promise<HttpResult | StreamedResult>;

/** Text is handed to the response in pieces of about this many characters, not a write per line. */
const STREAM_PIECE_CHARS = 64 * 1024;

/**
 * A streaming API handler for a `streaming` route of `apiRoutes`, with logging, tracing and problem
 * details as in `jsonApi`. A function URL has no routes, so the handler checks the method and reads
 * the path parameters from the path itself, by the route's template.
 */
export function streamingApi(routeId: string, handler: StreamingHandler) {
  const route = apiRoutes.find((candidate) => candidate.id === routeId && candidate.streaming);
  if (!route) throw new Error(`${routeId} is not a streaming route of apiRoutes (lib/api-routes.ts)`);
  // Only the Lambda Node.js runtime's `awslambda` global has streamifyResponse (@aws/lambda-invoke-store
  // creates an empty `awslambda` anywhere); elsewhere the handler stays the plain interface above.
  const runtime = (globalThis as { awslambda?: { streamifyResponse?: unknown } }).awslambda;
  const inLambda = typeof runtime?.streamifyResponse === 'function';
  return (
    middy<HttpEvent, HttpResult | StreamedResult>({ streamifyResponse: inLambda })
      .use(injectLambdaContext(logger, { resetKeys: true }))
      // The response is a stream: it must not be serialized into the trace segment.
      .use(tracedHandler({ captureResponse: false }))
      .use(problemDetails())
      .use(routedByPath(route))
      .use(authorization(route))
      .handler(handler)
  );
}

function routedByPath(route: ApiRoute): middy.MiddlewareObj<HttpEvent, HttpResult | StreamedResult> {
  return {
    before: ({ event }) => {
      const parameters = matchRoutePath(route.path, event.rawPath);
      const method = event.requestContext.http.method;
      if (!parameters) throw new NotFoundError(`No API route for ${method} ${event.rawPath}`);
      if (method !== route.method) {
        throw new ProblemError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${event.rawPath}`, {
          allow: route.method,
        });
      }
      event.pathParameters = parameters;
    },
  };
}

/**
 * A body streamed from lines as they are produced, with backpressure: the next line is asked for only
 * when the client has taken the previous piece. A failure after the headers went out can only cut the
 * response short, so it is logged here.
 */
export function textStream(lines: AsyncIterable<string>): Readable {
  return Readable.from(pieces(lines), { objectMode: false });
}

async function* pieces(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let piece = '';
  try {
    for await (const line of lines) {
      piece += line;
      if (piece.length >= STREAM_PIECE_CHARS) {
        yield piece;
        piece = '';
      }
    }
  } catch (error) {
    logger.error('Streamed response failed after its headers were sent', { error });
    throw error;
  }
  if (piece.length > 0) yield piece;
}
