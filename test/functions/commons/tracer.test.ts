import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterEach, describe, expect, it, vi } from 'vitest';

/** tracer.ts decides once, when loaded: each case loads it afresh under its environment. */
async function tracerUnder(env: Record<string, string | undefined>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  return await import('#commons/tracer.ts');
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('tracing', () => {
  it('is off outside Lambda: no handler segment, clients as they are', async () => {
    const { traced, tracedHandler } = await tracerUnder({ AWS_EXECUTION_ENV: undefined });
    const client = new DynamoDBClient({ region: 'us-east-1' });

    expect(tracedHandler()).toEqual([]);
    expect(traced(client)).toBe(client);
    expect(client.middlewareStack.identify().some((name) => /xray|tracer/i.test(name))).toBe(false);
  });

  it('records a segment per invocation and a subsegment per AWS call in Lambda', async () => {
    const { traced, tracedHandler } = await tracerUnder({ AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x' });
    const client = traced(new DynamoDBClient({ region: 'us-east-1' }));

    const middlewares = tracedHandler({ captureResponse: false });
    expect(middlewares).toHaveLength(1);
    expect(typeof middlewares[0].before).toBe('function');
    expect(typeof middlewares[0].after).toBe('function');
    expect(client.middlewareStack.identify().some((name) => /xray|tracer/i.test(name))).toBe(true);
  });

  it('is off in Lambda when Powertools tracing is turned off', async () => {
    const { tracedHandler } = await tracerUnder({
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs20.x',
      POWERTOOLS_TRACE_ENABLED: 'false',
    });

    expect(tracedHandler()).toEqual([]);
  });
});
