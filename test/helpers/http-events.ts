import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** An API Gateway HTTP API (payload format 2.0) event, as a route's Lambda receives it. */
export function httpEvent(request: {
  method: string;
  path: string;
  pathParameters?: Record<string, string>;
  body?: unknown;
  headers?: Record<string, string>;
  /** The verified claims the authorizer hands over; the embedded run's demo user (every permission) unless given, none with `null`. */
  claims?: Record<string, unknown> | null;
}): APIGatewayProxyEventV2 {
  const claims = request.claims === undefined ? { sub: 'demo' } : request.claims;
  const isBuffer = Buffer.isBuffer(request.body);
  return {
    version: '2.0',
    routeKey: `${request.method} ${request.path}`,
    rawPath: request.path,
    rawQueryString: '',
    headers: {
      ...(request.body !== undefined && !isBuffer ? { 'content-type': 'application/json' } : {}),
      ...request.headers,
    },
    pathParameters: request.pathParameters,
    body:
      request.body === undefined
        ? undefined
        : isBuffer
          ? (request.body as Buffer).toString('base64')
          : JSON.stringify(request.body),
    isBase64Encoded: isBuffer,
    requestContext: {
      accountId: '000000000000',
      apiId: 'test',
      domainName: 'test',
      domainPrefix: 'test',
      http: {
        method: request.method,
        path: request.path,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'test',
      },
      requestId: 'test',
      routeKey: `${request.method} ${request.path}`,
      stage: '$default',
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
  } as APIGatewayProxyEventV2;
}

/** A multipart/form-data body with file parts and text fields, and its content-type header. */
export function multipart(
  files: { field: string; filename: string; content: string }[],
  fields: Record<string, string> = {},
) {
  const boundary = 'test-boundary-0123456789';
  const parts = [
    ...files.map(
      (file) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.filename}"\r\nContent-Type: application/xml\r\n\r\n${file.content}\r\n`,
    ),
    ...Object.entries(fields).map(
      ([name, value]) =>
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
    ),
  ];
  return {
    body: Buffer.from(`${parts.join('')}--${boundary}--\r\n`),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
  };
}
