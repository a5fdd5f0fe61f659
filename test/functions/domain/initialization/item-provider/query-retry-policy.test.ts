import { describe, expect, it } from 'vitest';
import { decideQueryRetry } from '#domain/initialization/item-provider/query-retry-policy.ts';

const settings = { maxRetries: 3, initialDelayMs: 1000, maxDelayMs: 3000, backoffFactor: 2 };

describe('query retry policy', () => {
  it('retries a retryable error after exponentially growing delays, capped at the maximum', () => {
    const delays = [0, 1, 2].map((retriesSoFar) =>
      decideQueryRetry(settings, { retryable: true, retriesSoFar }),
    );
    expect(delays).toEqual([
      { retry: true, delayMs: 1000 },
      { retry: true, delayMs: 2000 },
      { retry: true, delayMs: 3000 },
    ]);
  });

  it('gives up once the retries are used up, saying so', () => {
    expect(decideQueryRetry(settings, { retryable: true, retriesSoFar: 3 })).toEqual({
      retry: false,
      reason: 'it still failed after 3 retries',
    });
  });

  it('fails a non-retryable error at once', () => {
    expect(decideQueryRetry(settings, { retryable: false, retriesSoFar: 0 })).toEqual({
      retry: false,
      reason: 'the error is not retryable',
    });
  });
});
