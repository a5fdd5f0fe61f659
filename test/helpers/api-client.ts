import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { FINAL_BATCH_STATES } from '#domain/batch/batch-operation.ts';
import type { BatchBody } from './batch-invariants.ts';

/** Response bodies are asserted field by field, so they are loosely typed here. */
// biome-ignore lint/suspicious/noExplicitAny: JSON under test
type Json = any;

/** The embedded run's default user (every permission), as HTTP Basic credentials. */
export const DEMO_CREDENTIALS = basicAuthorization('demo', 'demo');

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/**
 * A small HTTP client for the service's public API, as a Camunda 8 client would call it: with the
 * given Authorization header (the demo user's unless given; none with `null`).
 */
export function apiClient(baseUrl: string, authorization: string | null = DEMO_CREDENTIALS) {
  const credentials: Record<string, string> = authorization ? { authorization } : {};
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...credentials,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      body: (text ? JSON.parse(text) : undefined) as Json,
    };
  };
  const get = (path: string) => call('GET', path);
  return {
    get,
    post: (path: string, body?: unknown, headers?: Record<string, string>) =>
      call('POST', path, body, headers),
    delete: (path: string) => call('DELETE', path),
    patch: (path: string, body?: unknown) => call('PATCH', path, body),
    /** Any method, with optional extra headers. */
    call,
    /** Polls GET /v2/batch-operations/{key} until the batch is in a final state; its body. */
    finalBatch: (
      batchOperationKey: string,
      timeoutMs = 90_000,
    ): Promise<BatchBody & Record<string, Json>> => {
      let last: unknown;
      return eventually(
        async () => {
          const { body } = await get(`/v2/batch-operations/${batchOperationKey}`);
          last = body;
          return FINAL_BATCH_STATES.includes(body?.state) ? body : undefined;
        },
        () => `batch ${batchOperationKey} still ${JSON.stringify(last)}`,
        timeoutMs,
      );
    },
    /** POST /v2/deployments with BPMN fixture files as multipart `resources`. */
    deploy: async (fixtures: string[], tenantId?: string) => {
      const form = new FormData();
      for (const fixture of fixtures) {
        const xml = readFileSync(resolve(import.meta.dirname, '../fixtures', fixture));
        form.append('resources', new Blob([xml], { type: 'application/xml' }), fixture);
      }
      if (tenantId) form.append('tenantId', tenantId);
      const response = await fetch(`${baseUrl}/v2/deployments`, {
        method: 'POST',
        headers: credentials,
        body: form,
      });
      return { status: response.status, body: (await response.json()) as Json };
    },
  };
}

/** Polls `probe` until it returns a value, failing with the last seen state after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  describe: () => string,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`Timed out after ${timeoutMs} ms: ${describe()}`);
}

/** Runs `work` for 0..count-1 with `limit` in flight. */
export async function inParallel<T>(
  count: number,
  limit: number,
  work: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < count) {
        const index = next++;
        results[index] = await work(index);
      }
    }),
  );
  return results;
}
