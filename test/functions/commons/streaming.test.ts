import { Writable } from 'node:stream';
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpEvent } from '#commons/http.ts';
import { isStreamed, type StreamingHandler, streamingApi, textStream } from '#commons/streaming.ts';
import { httpEvent } from '../../helpers/http-events.ts';

/** The streaming route the wrappers are built for; any `streaming` route of apiRoutes would do. */
const ROUTE_ID = 'GetBatchOperationReport';
const context = { awsRequestId: 'test', getRemainingTimeInMillis: () => 60_000 } as Context;

/** An event as a function URL delivers it: payload format 2.0, but no route and no path parameters. */
function functionUrlEvent(method: string, path: string): HttpEvent {
  return { ...httpEvent({ method, path }), routeKey: '$default', pathParameters: undefined };
}

const echoParameters: StreamingHandler = (event) =>
  Promise.resolve({
    statusCode: 200,
    headers: { 'content-type': 'text/plain' },
    body: textStream(
      (async function* () {
        yield await Promise.resolve(`key=${event.pathParameters?.batchOperationKey}\n`);
      })(),
    ),
  });

async function text(result: Awaited<ReturnType<StreamingHandler>>): Promise<string> {
  if (!isStreamed(result)) return result.body ?? '';
  let collected = '';
  for await (const piece of result.body) collected += piece;
  return collected;
}

describe('streamingApi outside Lambda (the embedded runtime)', () => {
  const handler = streamingApi(ROUTE_ID, echoParameters);

  it('reads the path parameters from the path by the route template, as a function URL requires', async () => {
    // Act
    const result = await handler(
      functionUrlEvent('GET', '/v2/extensions/batch-operations/2251799813685301/report'),
      context,
    );

    // Assess
    expect(isStreamed(result)).toBe(true);
    expect(await text(result)).toBe('key=2251799813685301\n');
  });

  it('answers a path that is not the route with a 404 and another method with a 405 problem detail', async () => {
    // Act
    const missing = await handler(functionUrlEvent('GET', '/v2/other'), context);
    const wrongMethod = await handler(
      functionUrlEvent('DELETE', '/v2/extensions/batch-operations/1/report'),
      context,
    );

    // Assess
    expect([missing.statusCode, wrongMethod.statusCode]).toEqual([404, 405]);
    expect(missing.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(await text(wrongMethod))).toMatchObject({ status: 405, title: 'METHOD_NOT_ALLOWED' });
    expect(wrongMethod.headers?.allow).toBe('GET');
  });

  it('refuses a route that is not declared streaming', () => {
    expect(() => streamingApi('GetBatchOperation', echoParameters)).toThrow(/not a streaming route/);
  });
});

describe('streamingApi in the Lambda runtime', () => {
  const runtime = globalThis as { awslambda?: object };
  const outsideLambda = runtime.awslambda;
  afterEach(() => {
    runtime.awslambda = outsideLambda;
  });

  /** Stands in for the runtime's global: records the HTTP prelude and collects the body. */
  function fakeLambdaRuntime() {
    const preludes: unknown[] = [];
    runtime.awslambda = {
      ...outsideLambda,
      streamifyResponse: (handler: unknown) => handler,
      HttpResponseStream: {
        from: (stream: Writable, prelude: unknown) => {
          preludes.push(prelude);
          return stream;
        },
      },
    };
    let body = '';
    const responseStream = new Writable({
      write(piece, _encoding, done) {
        body += piece;
        done();
      },
    });
    return { preludes, responseStream, body: () => body };
  }

  /** What Lambda calls once the handler is wrapped in awslambda.streamifyResponse. */
  function lambdaStreamingHandler() {
    return streamingApi(ROUTE_ID, echoParameters) as unknown as (
      event: HttpEvent,
      stream: Writable,
      context: Context,
    ) => Promise<void>;
  }

  it('pipes the streamed body into the response stream after the status and headers', async () => {
    // Prepare
    const lambda = fakeLambdaRuntime();
    const handler = lambdaStreamingHandler();

    // Act
    await handler(
      functionUrlEvent('GET', '/v2/extensions/batch-operations/7/report'),
      lambda.responseStream,
      context,
    );

    // Assess
    expect(lambda.preludes).toEqual([{ statusCode: 200, headers: { 'content-type': 'text/plain' } }]);
    expect(lambda.body()).toBe('key=7\n');
  });

  it('sends a problem detail as the whole body when the handler fails before streaming', async () => {
    // Prepare
    const lambda = fakeLambdaRuntime();
    const handler = lambdaStreamingHandler();

    // Act
    await handler(functionUrlEvent('GET', '/v2/nothing'), lambda.responseStream, context);

    // Assess
    expect(lambda.preludes).toEqual([
      { statusCode: 404, headers: { 'content-type': 'application/problem+json' } },
    ]);
    expect(JSON.parse(lambda.body())).toMatchObject({ title: 'NOT_FOUND', instance: '/v2/nothing' });
  });
});

describe('textStream', () => {
  it('hands lines over in pieces of about 64 KiB instead of one write per line', async () => {
    // Prepare
    const line = `${'x'.repeat(99)}\n`;
    async function* lines() {
      for (let index = 0; index < 2000; index++) yield await Promise.resolve(line);
    }

    // Act
    const pieces: string[] = [];
    for await (const piece of textStream(lines())) pieces.push(String(piece));

    // Assess
    expect(pieces.join('')).toBe(line.repeat(2000));
    expect(pieces.length).toBeLessThanOrEqual(Math.ceil((2000 * 100) / (64 * 1024)) + 1);
  });
});
