import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiRoute } from '#resources/api-routes.ts';
import { type Authenticator, createAuthenticator } from '../../local/authenticator.ts';
import { CallerRateLimit } from '../../local/caller-rate-limit.ts';
import { FailedAuthentications } from '../../local/failed-authentications.ts';
import { createHttpApi } from '../../local/http-api.ts';
import { closeServer } from '../../local/step-functions-emulator.ts';
import { basicAuthorization } from '../helpers/api-client.ts';

/**
 * Who pays for a request: a verified caller its own budget, an unverified one nobody's (its failures
 * are counted per address and claimed user instead). The clocks stand still: nothing refills.
 */
const route: ApiRoute = {
  id: 'Search',
  method: 'POST',
  path: '/v2/things/search',
  entry: '',
  access: { kind: 'permission', resourceType: 'BATCH', permissionTypes: ['READ'] },
};
const authentication: { authenticator?: Authenticator } = {};
const server = createHttpApi([{ route, handler: () => Promise.resolve({ statusCode: 200, body: '{}' }) }], {
  rateLimit: new CallerRateLimit({ perSecond: 1, burst: 3 }, () => 0),
  failedAuthentications: new FailedAuthentications(
    { freePerUser: 10, freePerAddress: 20, maxLockSeconds: 60, forgetAfterMs: 600_000 },
    () => 0,
  ),
  authentication,
});
let base: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  authentication.authenticator = await createAuthenticator({ AUTH_USERS: 'demo:demo,eve:eve' }, base);
});
afterAll(() => closeServer(server));

async function search(authorization: string) {
  const response = await fetch(`${base}${route.path}`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: '{}',
  });
  const body = (await response.json()) as { title?: string };
  return { status: response.status, title: body.title, retryAfter: response.headers.get('retry-after') };
}

describe('throttling in the embedded HTTP API', () => {
  it("spends no verified caller's budget on wrong passwords, and throttles a verified caller by its own budget", async () => {
    const wrong = [];
    for (let attempt = 0; attempt < 10; attempt++)
      wrong.push((await search(basicAuthorization('demo', 'wrong'))).status);
    const demo = [];
    for (let attempt = 0; attempt < 4; attempt++) demo.push(await search(basicAuthorization('demo', 'demo')));
    const eve = await search(basicAuthorization('eve', 'eve'));

    expect(wrong).toEqual(Array(10).fill(401));
    expect(demo.map(({ status }) => status)).toEqual([200, 200, 200, 429]);
    expect(demo[3]).toMatchObject({ title: 'RESOURCE_EXHAUSTED', retryAfter: '1' });
    expect(eve.status).toBe(200);
  });

  it('stops a guesser who rotates user names at its address, with a wait that it is told', async () => {
    const statuses = [];
    for (let attempt = 0; attempt < 15; attempt++)
      statuses.push(await search(basicAuthorization(`guess-${attempt}`, 'wrong')));

    // The address had 10 failures from the test before: 10 more are free, the next is refused unchecked.
    expect(statuses.slice(0, 10).map(({ status }) => status)).toEqual(Array(10).fill(401));
    expect(statuses[10].status).toBe(401);
    expect(statuses.slice(11).map(({ status, title }) => `${status} ${title}`)).toEqual(
      Array(4).fill('429 TOO_MANY_REQUESTS'),
    );
    expect(statuses[11].retryAfter).toBe('1');
    // Even the right password is not checked from there until the wait is over.
    expect((await search(basicAuthorization('eve', 'eve'))).status).toBe(429);
  });
});
