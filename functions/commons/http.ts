import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import httpMultipartBodyParser from '@middy/http-multipart-body-parser';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import { InvalidArgumentError } from '#domain/errors.ts';
import { checkJsonDepth, checkLimit, MAX_REQUEST_BODY_BYTES } from '#domain/limits.ts';
import { authorization } from './authorization.ts';
import { engineRoutes } from './engine-routes.ts';
import { logger } from './logger.ts';
import { ProblemError, problemOf } from './problems.ts';
import { tracedHandler } from './tracer.ts';

export type HttpEvent = APIGatewayProxyEventV2;
export type HttpResult = APIGatewayProxyStructuredResultV2;

/** A JSON response; `undefined` body means 204 No Content. */
export function json(statusCode: number, body?: unknown): HttpResult {
  return body === undefined
    ? { statusCode }
    : { statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}

/** RFC 9457 problem detail, shaped as Camunda 8 returns it. */
export function problem(
  status: number,
  title: string,
  detail: string,
  instance?: string,
  headers?: Record<string, string>,
): HttpResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...headers },
    body: JSON.stringify({ type: 'about:blank', title, status, detail, instance }),
  };
}

/** middy middleware: every error leaves the API as a problem detail; unexpected ones are logged. */
export function problemDetails(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    onError: (request) => {
      const { error, event } = request;
      const path = event?.rawPath;
      const known = problemOf(error);
      if (known) {
        const headers = error instanceof ProblemError ? error.headers : undefined;
        request.response = problem(known.status, known.title, (error as Error).message, path, headers);
        return;
      }
      if (error instanceof UnsupportedMediaTypeError) {
        request.response = problem(415, 'UNSUPPORTED_MEDIA_TYPE', error.message, path);
        return;
      }
      const status = (error as { statusCode?: number } | null)?.statusCode;
      if (status && status >= 400 && status < 500) {
        // Raised by middy's multipart parser (malformed body, unsupported content type).
        request.response = problem(status, 'INVALID_ARGUMENT', describeParserError(error), path);
        return;
      }
      logger.error('Unexpected error', { error, path });
      request.response = problem(
        500,
        'INTERNAL_ERROR',
        'An unexpected error occurred; see the service logs',
        path,
      );
    },
  };
}

function describeParserError(error: unknown): string {
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  const message = error instanceof Error ? error.message : String(error);
  return cause ? `${message}: ${cause}` : message;
}

/** A body whose Content-Type is not JSON on a JSON route: 415, as Camunda (Spring) answers it. */
export class UnsupportedMediaTypeError extends Error {}

const JSON_CONTENT_TYPE = /^application\/([\w.+-]+\+)?json\s*(;|$)/i;

/**
 * middy middleware: parses a JSON request body as Camunda's gateway does. A request without a body
 * (a GET, a POST to a command endpoint) passes whatever its Content-Type, since many clients send
 * `application/json` on every call; a body with another (or no) Content-Type is a 415 naming it;
 * malformed JSON is a 400.
 */
export function jsonBody(): middy.MiddlewareObj<HttpEvent, HttpResult> {
  return {
    before: (request) => {
      const { event } = request;
      const raw = event.body
        ? event.isBase64Encoded
          ? Buffer.from(event.body, 'base64').toString()
          : event.body
        : '';
      if (raw.trim() === '') {
        (event as { body?: unknown }).body = undefined;
        return;
      }
      // API Gateway refuses larger bodies itself; the check keeps every other caller of a handler to it.
      checkLimit('The request body', Buffer.byteLength(raw), MAX_REQUEST_BODY_BYTES, 'bytes');
      const contentType = header(event, 'content-type');
      if (!contentType || !JSON_CONTENT_TYPE.test(contentType)) {
        throw new UnsupportedMediaTypeError(
          contentType
            ? `Content-Type '${contentType}' is not supported; send the body as application/json`
            : 'The request has a body but no Content-Type; send it as application/json',
        );
      }
      let body: unknown;
      try {
        body = JSON.parse(raw);
      } catch (error) {
        throw new InvalidArgumentError(`Invalid or malformed JSON: ${(error as Error).message}`);
      }
      checkJsonDepth(body);
      (event as { body?: unknown }).body = body;
    },
  };
}

type RouteHandler = (event: HttpEvent & { body: unknown }, context: Context) => Promise<HttpResult>;

/**
 * A JSON API handler: body parsing and problem details in one visible line. Requests without a body
 * arrive with `body` undefined.
 */
export function jsonApi(handler: RouteHandler) {
  return middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(tracedHandler())
    .use(problemDetails())
    .use(authorization())
    .use(engineRoutes())
    .use(jsonBody())
    .handler(handler as unknown as middy.MiddyfiedHandler<HttpEvent, HttpResult>);
}

/** A multipart/form-data API handler (uploads): the body arrives parsed into fields and files. */
export function multipartApi(handler: RouteHandler) {
  return middy<HttpEvent, HttpResult>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(tracedHandler())
    .use(problemDetails())
    .use(authorization())
    .use(engineRoutes())
    .use(httpMultipartBodyParser())
    .handler(handler as unknown as middy.MiddyfiedHandler<HttpEvent, HttpResult>);
}

/** An uploaded file as the multipart parser hands it over. */
export interface UploadedFile {
  filename: string;
  content: Buffer;
}

/** Validates a request body against a zod schema and turns failures into INVALID_ARGUMENT. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const path = issue.path.join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    });
    throw new InvalidArgumentError(`Invalid request body: ${issues.join('; ')}`);
  }
  return parsed.data;
}

/** A request header, by its case-insensitive name (API Gateway lower-cases them; the local server too). */
export function header(event: HttpEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === wanted)?.[1];
}

export function pathParameter(event: HttpEvent, name: string): string {
  const value = event.pathParameters?.[name];
  if (!value) throw new InvalidArgumentError(`Missing path parameter ${name}`);
  return value;
}
