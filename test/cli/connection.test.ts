import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  describeConnection,
  redactSecrets,
  resolveConnection,
} from '../../cli/connection.ts';
import { UsageError } from '../../cli/errors.ts';
import { runBatchops } from './run-batchops.ts';

const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('resolveConnection', () => {
  it('defaults to the embedded run with its demo/demo user', () => {
    const connection = resolveConnection({}, {});

    expect(connection.url).toBe('http://127.0.0.1:8080');
    expect(authorizationHeader(connection.credentials)).toBe(basic('demo', 'demo'));
  });

  it('takes flags over the environment, and the environment over defaults', () => {
    const env = {
      BATCHOPS_URL: 'https://env.example/api/',
      BATCHOPS_USER: 'env-user',
      BATCHOPS_PASSWORD: 'env-pw',
    };

    const fromEnv = resolveConnection({}, env);
    const fromFlags = resolveConnection(
      { url: 'https://flag.example', user: 'flag-user', password: 'flag-pw' },
      env,
    );

    expect(fromEnv.url).toBe('https://env.example/api');
    expect(authorizationHeader(fromEnv.credentials)).toBe(basic('env-user', 'env-pw'));
    expect(fromFlags.url).toBe('https://flag.example');
    expect(authorizationHeader(fromFlags.credentials)).toBe(basic('flag-user', 'flag-pw'));
  });

  it('sends a bearer token in preference to a user', () => {
    const connection = resolveConnection({ user: 'u', password: 'p' }, { BATCHOPS_TOKEN: 'eyJhbGciOi.x.y' });

    expect(authorizationHeader(connection.credentials)).toBe('Bearer eyJhbGciOi.x.y');
  });

  it('sends no credentials to a remote URL unless given some', () => {
    const connection = resolveConnection({ url: 'https://batch.example.com' }, {});

    expect(authorizationHeader(connection.credentials)).toBe(undefined);
  });

  it('moves credentials out of the URL into Basic auth', () => {
    const connection = resolveConnection({ url: 'https://ops:p%40ss@batch.example.com/' }, {});

    expect(connection.url).toBe('https://batch.example.com');
    expect(authorizationHeader(connection.credentials)).toBe(basic('ops', 'p@ss'));
  });

  it('refuses a user without a password and a URL that is not http(s)', () => {
    expect(() => resolveConnection({ user: 'u' }, {})).toThrow(UsageError);
    expect(() => resolveConnection({ url: 'ftp://x' }, {})).toThrow('--url must be an http(s) URL');
  });

  it("takes a password alone as the embedded run's demo user's on a loopback URL, and refuses it elsewhere", () => {
    const local = resolveConnection({ password: 'changed' }, {});

    expect(authorizationHeader(local.credentials)).toBe(basic('demo', 'changed'));
    expect(() => resolveConnection({ url: 'https://b.example', password: 'x' }, {})).toThrow(
      '--password needs --user (or BATCHOPS_USER): only the embedded run on a loopback URL has a default user (demo)',
    );
  });

  it('never shows a password or token when it describes the connection', () => {
    const withUser = resolveConnection({ url: 'https://b.example', user: 'ops', password: 'hunter22' }, {});
    const withToken = resolveConnection({ url: 'https://b.example', token: 'tok-secret-1' }, {});

    expect(describeConnection(withUser)).toBe('https://b.example (user ops, password ***)');
    expect(describeConnection(withToken)).toBe('https://b.example (bearer token ***)');
    expect(redactSecrets('failed with hunter22 at https://a:b@x.example/', withUser.credentials)).toBe(
      'failed with *** at https://***@x.example/',
    );
  });
});

/**
 * What the CLI sends is recorded by a small server on loopback that answers like an API refusing the
 * credentials (the embedded runtime's own refusals: test/e2e/authentication.test.ts).
 */
describe('credentials on the wire', () => {
  const seen: IncomingHttpHeaders[] = [];
  let url: string;
  const server = createServer((request, response) => {
    seen.push(request.headers);
    response.writeHead(401, { 'content-type': 'application/problem+json' });
    response.end(
      JSON.stringify({
        type: 'about:blank',
        title: 'UNAUTHORIZED',
        status: 401,
        detail: 'Invalid credentials',
        instance: request.url,
      }),
    );
  });
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('sends Basic credentials from flags, exits 3 on a 401 and prints no secret', async () => {
    const run = await runBatchops(['list', '--user', 'alice', '--password', 's3cret-pw'], {
      BATCHOPS_URL: url,
    });

    expect(seen.at(-1)?.authorization).toBe(basic('alice', 's3cret-pw'));
    expect(run.code).toBe(3);
    expect(run.stderr).toBe(
      `batchops: 401 UNAUTHORIZED: Invalid credentials — check --user/--password or --token (${url} (user alice, password ***)) (/v2/batch-operations/search)\n`,
    );
    expect(run.stdout + run.stderr).not.toContain('s3cret-pw');
  });

  it('sends the bearer token from BATCHOPS_TOKEN', async () => {
    const run = await runBatchops(['show', '1'], { BATCHOPS_URL: url, BATCHOPS_TOKEN: 'tok-abc-123' });

    expect(seen.at(-1)?.authorization).toBe('Bearer tok-abc-123');
    expect(run.code).toBe(3);
    expect(run.stdout + run.stderr).not.toContain('tok-abc-123');
  });

  it('sends demo/demo to a loopback URL by default', async () => {
    const run = await runBatchops(['show', '1'], { BATCHOPS_URL: url });

    expect(seen.at(-1)?.authorization).toBe(basic('demo', 'demo'));
    expect(run.code).toBe(3);
  });
});
