import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { problem } from '#commons/http.ts';
import { isStreamed, type StreamedResult } from '#commons/streaming.ts';
import { MAX_REQUEST_BODY_BYTES } from '#domain/limits.ts';
import { type ApiRoute, matchRoutePath } from '#resources/api-routes.ts';
import { type Authenticator, answerIssuerRequest, LOCAL_ISSUER_PATH } from './authenticator.ts';
import { addressOf, type CallerRateLimit, claimedUserOf, verifiedCallerOf } from './caller-rate-limit.ts';
import type { StaticFiles } from './console-assets.ts';
import type { FailedAuthentications } from './failed-authentications.ts';
import { invoke, type LambdaHandler } from './lambda-runtime.ts';
import { keepIdleConnections } from './step-functions-emulator.ts';

interface BoundRoute {
  route: ApiRoute;
  handler: LambdaHandler;
}

const HEALTH_PATH = '/v2/extensions/health/';

const TEXT_CONTENT = /^(application\/(.+\+)?json|text\/)/;

/**
 * Serves the API routes over HTTP the way API Gateway's HTTP API does: each request becomes a
 * payload-format-2.0 event for the route's handler, and its result becomes the response. A streamed
 * result (a function URL's response stream on AWS) is piped to the client as it is produced.
 */
export function createHttpApi(
  routes: readonly { route: ApiRoute; handler: LambdaHandler }[],
  options: {
    metricsText?: () => string;
    /** The runtime's own readiness (its emulators, workflow endpoint and poller), for the health paths. */
    health?: { readiness(): Promise<{ ready: boolean; checks: Record<string, string> }> };
    staticFiles?: StaticFiles;
    /**
     * Per-caller throttling of the API routes, by the verified caller once authenticated, else by
     * address (health, metrics and the console are not throttled).
     */
    rateLimit?: CallerRateLimit;
    /** Failed authentications per address and claimed user, refused with backoff before any check. */
    failedAuthentications?: FailedAuthentications;
    /**
     * Checks every request's credentials as API Gateway's authorizer does on AWS (none: the routes
     * answer unauthenticated, for tests of the adapter itself). Read per request: the runtime sets it
     * once it knows its own URL (the local issuer's).
     */
    authentication?: { authenticator?: Authenticator };
  } = {},
): Server {
  // Literal paths win over parameterized ones, as in API Gateway.
  const parameterCount = ({ route }: BoundRoute) => route.path.split('{').length;
  const bound = [...routes].sort((a, b) => parameterCount(a) - parameterCount(b));

  const server = createServer(async (req, res) => {
    // Embedded only: the metrics CloudWatch would hold on AWS, in Prometheus text format.
    if (options.metricsText && req.method === 'GET' && req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(options.metricsText());
      return;
    }
    // Embedded: health answers from the runtime itself (no credentials), ahead of the routes.
    if (options.health && req.method === 'GET' && req.url?.startsWith(HEALTH_PATH)) {
      const path = req.url.split('?')[0];
      if (path === `${HEALTH_PATH}liveness` || path === `${HEALTH_PATH}readiness`) {
        const readiness = path.endsWith('readiness') ? await options.health.readiness() : undefined;
        const up = readiness ? readiness.ready : true;
        res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ status: up ? 'UP' : 'DOWN', ...(readiness ? { checks: readiness.checks } : {}) }),
        );
        return;
      }
    }
    // Embedded only: the web console at `/` (on AWS: S3 behind CloudFront).
    if (options.staticFiles && (await options.staticFiles(req, res))) return;
    const result = await handle(req, bound, options).catch((error: unknown) =>
      problem(
        500,
        'INTERNAL_ERROR',
        `The embedded API failed: ${String(error)}`,
        new URL(req.url ?? '/', 'http://localhost').pathname,
      ),
    );
    res.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
    if (isStreamed(result)) {
      // Sent as produced, never buffered whole. A failure midway destroys the response, so the
      // client sees a cut connection rather than a complete-looking body (the handler logged it).
      await pipeline(result.body, res).catch(() => undefined);
      return;
    }
    res.end(
      result.body === undefined
        ? undefined
        : Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'),
    );
  });
  return keepIdleConnections(server);
}

async function handle(
  req: IncomingMessage,
  routes: BoundRoute[],
  options: Pick<
    Parameters<typeof createHttpApi>[1] & {},
    'authentication' | 'rateLimit' | 'failedAuthentications'
  >,
): Promise<APIGatewayProxyStructuredResultV2 | StreamedResult> {
  const { authentication, rateLimit, failedAuthentications } = options;
  const url = new URL(req.url ?? '/', 'http://localhost');
  const method = req.method ?? 'GET';
  const address = addressOf(req);
  // Only presented credentials count as a failure (a request without any is merely challenged).
  const claimed = req.headers.authorization ? claimedUserOf(req.headers.authorization) : undefined;
  const locked = claimed && failedAuthentications?.lockedFor(address, claimed);
  if (authentication && url.pathname.startsWith(`${LOCAL_ISSUER_PATH}/`)) {
    if (locked) return authenticationLocked(locked, url.pathname);
    const answer = await answerLocalIssuer(req, url.pathname, authentication);
    if (answer) {
      if (answer.statusCode === 401) failedAuthentications?.failed(address, claimed ?? 'none');
      else if (answer.statusCode === 200 && claimed) failedAuthentications?.succeeded(address, claimed);
      return answer;
    }
  }
  const matches = routes.flatMap((candidate) => {
    const parameters = matchRoutePath(candidate.route.path, url.pathname);
    return parameters ? [{ ...candidate, parameters }] : [];
  });
  // A path is one resource: the template with a literal segment where another has a parameter
  // (`/v2/jobs/activation` over `/v2/jobs/{jobKey}`) names it, and only its methods are allowed there.
  const parameterCount = (candidate: (typeof matches)[number]) => Object.keys(candidate.parameters).length;
  const fewest = Math.min(...matches.map(parameterCount));
  const resource = matches.filter((candidate) => parameterCount(candidate) === fewest);
  const match = resource.find((candidate) => candidate.route.method === method);
  if (!match) {
    return resource.length > 0
      ? problem(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}`, url.pathname, {
          // RFC 9110 §15.5.6: a 405 names the methods the resource has.
          allow: resource.map((candidate) => candidate.route.method).join(', '),
        })
      : problem(404, 'NOT_FOUND', `No API route for ${method} ${url.pathname}`, url.pathname);
  }
  const headers = headersOf(req);
  // As API Gateway's authorizer: refused before the handler runs (and before the body is read).
  let claims: Record<string, unknown> | undefined;
  if (authentication && match.route.access.kind !== 'public') {
    const { authenticator } = authentication;
    if (!authenticator) return problem(503, 'UNAVAILABLE', 'The runtime is starting', url.pathname);
    if (locked) return authenticationLocked(locked, url.pathname);
    const outcome = await authenticator.authenticate(headers.authorization);
    if ('refused' in outcome) {
      if (claimed) failedAuthentications?.failed(address, claimed);
      return problem(401, 'UNAUTHORIZED', outcome.refused, url.pathname, {
        'www-authenticate': outcome.challenge,
      });
    }
    if (claimed) failedAuthentications?.succeeded(address, claimed);
    claims = outcome.claims;
  }
  // Throttled by who the caller proved to be: a wrong password spends nobody's budget.
  const retryAfter = rateLimit?.take(claims ? verifiedCallerOf(claims) : `address:${address}`);
  if (retryAfter !== undefined) {
    // Camunda's answer to backpressure: 429 RESOURCE_EXHAUSTED.
    return problem(
      429,
      'RESOURCE_EXHAUSTED',
      `Too many requests from this caller; retry after ${retryAfter} s (API_RATE_LIMIT_PER_SECOND, API_RATE_LIMIT_BURST)`,
      url.pathname,
      { 'retry-after': String(retryAfter) },
    );
  }
  const body = await readBody(req);
  if (!body) {
    return problem(
      400,
      'INVALID_ARGUMENT',
      `The request body is larger than the limit of ${MAX_REQUEST_BODY_BYTES.toLocaleString('en-US')} bytes`,
      url.pathname,
    );
  }
  const isText = TEXT_CONTENT.test(headers['content-type'] ?? 'application/json');
  const routeKey = `${match.route.method} ${match.route.path}`;
  const now = new Date();
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    pathParameters: Object.keys(match.parameters).length > 0 ? match.parameters : undefined,
    body: body.length > 0 ? body.toString(isText ? 'utf8' : 'base64') : undefined,
    isBase64Encoded: body.length > 0 && !isText,
    requestContext: {
      accountId: '000000000000',
      apiId: 'embedded',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'embedded',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
  } as APIGatewayProxyEventV2;
  return (await invoke(match.handler, event, match.route.id)) as
    | APIGatewayProxyStructuredResultV2
    | StreamedResult;
}

/** The refusal of credentials from where too many failed: not even checked until the backoff ends. */
function authenticationLocked(seconds: number, path: string) {
  return problem(
    429,
    'TOO_MANY_REQUESTS',
    `Too many failed authentications from this address (or for this user from it); retry after ${seconds} s with valid credentials`,
    path,
    { 'retry-after': String(seconds) },
  );
}

/**
 * The request body, or undefined when it passes MAX_REQUEST_BODY_BYTES (API Gateway's payload quota).
 * The excess is read and dropped, not buffered, so that the client gets the answer rather than a reset.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on('end', () => resolve(size <= MAX_REQUEST_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    req.on('error', reject);
  });
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Node reads header bytes as Latin-1; clients send non-ASCII values (an Idempotency-Key, a user
 * name) as UTF-8, which API Gateway passes on as such. Values that are not UTF-8 stay as read.
 */
function utf8Header(value: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the test is for bytes above ASCII
  if (!/[^\x00-\x7f]/.test(value)) return value;
  try {
    return fatalUtf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    return value;
  }
}

function headersOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name,
      utf8Header(Array.isArray(value) ? value.join(',') : (value ?? '')),
    ]),
  );
}

/** The local issuer's JWKS and token endpoints (embedded only), as an API result. */
async function answerLocalIssuer(
  req: IncomingMessage,
  path: string,
  authentication: { authenticator?: Authenticator },
): Promise<APIGatewayProxyStructuredResultV2 | undefined> {
  if (!authentication.authenticator) return undefined;
  const headers = headersOf(req);
  const answer = await answerIssuerRequest(authentication.authenticator, {
    method: req.method ?? 'GET',
    path,
    authorization: headers.authorization,
    contentType: headers['content-type'],
    body: ((await readBody(req)) ?? Buffer.alloc(0)).toString('utf8'),
  });
  if (!answer) return undefined;
  return {
    statusCode: answer.status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...answer.headers },
    body: answer.body === undefined ? undefined : JSON.stringify(answer.body),
  };
}
