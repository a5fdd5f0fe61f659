import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleAssets } from '../../local/console-assets.ts';
import { createHttpApi } from '../../local/http-api.ts';

/** The embedded runtime's static serving of the console, over a build of three files. */
let root: string;
let server: Server;
let url: string;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'console-dist-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(root, 'config.json'), '{"apiUrl":""}');
  writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
  server = createHttpApi([], { staticFiles: consoleAssets(root) });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

describe('the console served by the embedded runtime', () => {
  it('serves index.html at /, never cached', async () => {
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.text()).toContain('<title>console</title>');
  });

  it("serves Vite's hashed assets with their content type, cached for good", async () => {
    const response = await fetch(`${url}/assets/index-abc.js`);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${url}/config.json`)).headers.get('content-type')).toBe(
      'application/json; charset=utf-8',
    );
  });

  it('redirects a deep link typed by hand to its view in the hash, and answers a missing file with 404', async () => {
    const deepLink = await fetch(`${url}/batches/123?items=FAILED`, { redirect: 'manual' });
    expect(deepLink.status).toBe(302);
    expect(deepLink.headers.get('location')).toBe('/#/batches/123?items=FAILED');
    expect(await (await fetch(`${url}/batches/123`)).text()).toContain('<title>console</title>');
    expect((await fetch(`${url}/assets/missing.js`)).status).toBe(404);
    expect((await fetch(`${url}/..%2f..%2fetc%2fpasswd`)).status).toBe(404);
    expect((await fetch(`${url}/%E0.js`)).status).toBe(404);
  });

  it('leaves /v2 to the API, whose unknown routes stay problem details', async () => {
    const response = await fetch(`${url}/v2/no-such-route`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ title: 'NOT_FOUND', status: 404 });
  });
});
