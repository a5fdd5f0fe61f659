import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRoute } from '#resources/api-routes.ts';
import { createHttpApi } from '../../local/http-api.ts';
import { closeServer } from '../../local/step-functions-emulator.ts';

/** The embedded HTTP API must hand handlers the same payload-format-2.0 events API Gateway does. */
const seen: APIGatewayProxyEventV2[] = [];
const echo = (event: unknown) => {
  seen.push(event as APIGatewayProxyEventV2);
  return Promise.resolve({
    statusCode: 201,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ok: true }),
  });
};
/** A streamed body whose second part is produced only once the test has seen the first arrive. */
let releaseSecondPart: () => void = () => undefined;
const stream = () => {
  const secondPart = new Promise<void>((resolve) => {
    releaseSecondPart = resolve;
  });
  return Promise.resolve({
    statusCode: 200,
    headers: { 'content-type': 'text/csv' },
    body: Readable.from(
      (async function* () {
        yield 'first\n';
        await secondPart;
        yield 'second\n';
      })(),
    ),
  });
};
const routes: ApiRoute[] = [
  { id: 'Search', method: 'POST', path: '/v2/things/search', entry: '', access: { kind: 'public' } },
  { id: 'Get', method: 'GET', path: '/v2/things/{thingKey}', entry: '', access: { kind: 'public' } },
];
const streamingRoute: ApiRoute = {
  id: 'Report',
  method: 'GET',
  path: '/v2/things/{thingKey}/report',
  entry: '',
  streaming: true,
  access: { kind: 'public' },
};
const server = createHttpApi([
  ...routes.map((route) => ({ route, handler: echo })),
  { route: streamingRoute, handler: stream },
]);
let base: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => closeServer(server));

describe('embedded HTTP API', () => {
  it('passes path parameters, query string and the route key to the handler', async () => {
    const response = await fetch(`${base}/v2/things/42?expand=true`);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ ok: true });
    expect(seen.at(-1)).toMatchObject({
      version: '2.0',
      routeKey: 'GET /v2/things/{thingKey}',
      rawPath: '/v2/things/42',
      pathParameters: { thingKey: '42' },
      queryStringParameters: { expand: 'true' },
      requestContext: { http: { method: 'GET', path: '/v2/things/42' } },
    });
  });

  it('prefers a literal path over a parameterized one and keeps JSON bodies as text', async () => {
    await fetch(`${base}/v2/things/search`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(seen.at(-1)).toMatchObject({
      routeKey: 'POST /v2/things/search',
      body: '{"a":1}',
      isBase64Encoded: false,
    });
  });

  it('base64-encodes binary bodies such as multipart uploads, as API Gateway does', async () => {
    const form = new FormData();
    form.append('resources', new Blob(['<xml/>']), 'a.bpmn');
    await fetch(`${base}/v2/things/search`, { method: 'POST', body: form });
    const event = seen.at(-1);
    expect(event?.isBase64Encoded).toBe(true);
    expect(Buffer.from(event?.body ?? '', 'base64').toString()).toContain('<xml/>');
  });

  it('answers an unknown path with a 404 problem detail and a wrong method with 405 naming the allowed ones', async () => {
    const missing = await fetch(`${base}/v2/nothing`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(((await missing.json()) as { title: string }).title).toBe('NOT_FOUND');
    const wrongMethod = await fetch(`${base}/v2/things/42`, { method: 'POST' });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
  });

  it('takes a literal segment as its own resource, not as the value of a sibling path parameter', async () => {
    const wrongMethod = await fetch(`${base}/v2/things/search`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
  });

  it('sends a streamed body as it is produced, before the handler has finished it', async () => {
    // Act
    const response = await fetch(`${base}/v2/things/42/report`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    releaseSecondPart();
    let rest = '';
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      rest += new TextDecoder().decode(part.value);
    }

    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv');
    expect(first).toBe('first\n');
    expect(rest).toBe('second\n');
  });
});
