import { generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiRoute, apiRoutes } from '#resources/api-routes.ts';
import { apiClient, basicAuthorization, DEMO_CREDENTIALS } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';

let runtime: EmbeddedRuntime;

beforeAll(async () => {
  // Every protected route is called with each kind of bad credentials, from one address: far more
  // failures than a person makes (the backoff that stops a guesser is tested in outsider-probe.test.ts).
  runtime = await startRuntime({
    port: 0,
    config: { AUTH_FAILURES_FREE_PER_USER: '100000', AUTH_FAILURES_FREE_PER_ADDRESS: '100000' },
  });
}, 120_000);
afterAll(() => runtime?.stop());

/** A request path of the route, its parameters filled with plausible values. */
function samplePath(route: ApiRoute): string {
  return route.path.replace('{operation}', 'cancellation').replace(/\{\w+\}/g, '2251799813685249');
}

/** Mints a token at the local issuer with the demo user's Basic credentials. */
async function mint(claims: Record<string, unknown>, expiresInSeconds?: number): Promise<string> {
  const { status, body } = await apiClient(runtime.url).post('/v2/extensions/auth/token', {
    claims,
    expiresInSeconds,
  });
  expect(status).toBe(200);
  return body.access_token;
}

/** A token from an issuer the runtime does not trust: a key pair of its own, the same claims. */
async function foreignToken(): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({ sub: 'demo', aud: 'batch-operations-api' })
    .setProtectedHeader({ alg: 'ES256', kid: 'local-1' })
    .setIssuer(`${runtime.url}/v2/extensions/auth`)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(privateKey);
}

const protectedRoutes = apiRoutes.filter((route) => route.access.kind !== 'public');

async function send(route: ApiRoute, authorization?: string) {
  const response = await fetch(`${runtime.url}${samplePath(route)}`, {
    method: route.method,
    headers: {
      ...(authorization ? { authorization } : {}),
      ...(route.method === 'GET' ? {} : { 'content-type': 'application/json' }),
    },
    body: route.method === 'GET' ? undefined : '{}',
  });
  const text = await response.text();
  return { status: response.status, challenge: response.headers.get('www-authenticate'), text };
}

describe('authentication', () => {
  it.each([
    ['no credentials', async () => undefined, /no credentials/],
    ['a wrong password', async () => basicAuthorization('demo', 'wrong'), /user name or password is wrong/],
    ['an unknown user', async () => basicAuthorization('mallory', 'demo'), /user name or password is wrong/],
    ['an expired token', async () => `Bearer ${await mint({ sub: 'demo' }, -120)}`, /has expired/],
    [
      'a token of a foreign issuer',
      async () => `Bearer ${await foreignToken()}`,
      /not signed by a trusted issuer/,
    ],
    [
      'a token for another audience',
      async () => `Bearer ${await mint({ sub: 'demo', aud: 'another-api' })}`,
      /claim 'aud'/,
    ],
  ])(
    'refuses every protected endpoint with %s: 401, a problem detail and a challenge',
    async (_, credentials, detail) => {
      const authorization = await credentials();
      for (const route of protectedRoutes) {
        const { status, challenge, text } = await send(route, authorization);
        expect({ route: route.id, status }).toEqual({ route: route.id, status: 401 });
        expect(challenge).toMatch(/Basic realm="batch-operations"|Bearer realm="batch-operations"/);
        expect(JSON.parse(text)).toMatchObject({
          title: 'UNAUTHORIZED',
          status: 401,
          detail: expect.stringMatching(detail),
        });
      }
    },
  );

  it('answers the health endpoints and /v2/status without credentials, as Camunda does', async () => {
    for (const path of ['/v2/extensions/health/liveness', '/v2/extensions/health/readiness', '/v2/status']) {
      const response = await fetch(`${runtime.url}${path}`);
      await response.arrayBuffer();
      expect({ path, status: response.status }).toEqual({ path, status: path === '/v2/status' ? 204 : 200 });
    }
  });

  it('takes the demo user with Basic credentials and a token of the local issuer alike', async () => {
    const token = await mint({ sub: 'demo' });
    const viaBasic = await apiClient(runtime.url, DEMO_CREDENTIALS).get('/v2/topology');
    const viaBearer = await apiClient(runtime.url, `Bearer ${token}`).get('/v2/topology');
    expect(viaBasic.status).toBe(200);
    expect(viaBearer).toEqual(viaBasic);
  });

  it('publishes the local issuer keys and grants OAuth client credentials to a known user', async () => {
    const jwks = (await (await fetch(`${runtime.url}/v2/extensions/auth/jwks.json`)).json()) as {
      keys: unknown[];
    };
    expect(jwks.keys).toEqual([
      expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: 'local-1' }),
    ]);
    const grant = (secret: string) =>
      fetch(`${runtime.url}/v2/extensions/auth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'demo',
          client_secret: secret,
        }),
      });
    const granted = await grant('demo');
    const { access_token, token_type } = (await granted.json()) as {
      access_token: string;
      token_type: string;
    };
    expect(token_type).toBe('Bearer');
    expect((await apiClient(runtime.url, `Bearer ${access_token}`).get('/v2/topology')).status).toBe(200);
    expect((await grant('wrong')).status).toBe(401);
  });

  it('mints tokens with chosen claims only for an administrator', async () => {
    const refused = await apiClient(runtime.url, null).post('/v2/extensions/auth/token', {
      claims: { sub: 'x' },
    });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ title: 'UNAUTHORIZED' });
  });
});
