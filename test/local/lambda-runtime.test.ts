import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '#commons/logger.ts';
import { observed } from '#commons/observed.ts';
import { invoke, type LambdaHandler } from '../../local/lambda-runtime.ts';

/** The JSON lines the logger writes while the spy is on (tests log from WARN up, which goes to stderr). */
function captureLogLines() {
  const lines: Record<string, unknown>[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
    return true;
  });
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('concurrent invocations in the embedded runtime', () => {
  it('keep their log keys and Lambda context apart, as on Lambda', async () => {
    // Prepare: an entry point that appends a key, yields, then logs twice.
    const lines = captureLogLines();
    const pause = () => new Promise((resolve) => setTimeout(resolve, 5));
    const handler = observed(async (event: { batchOperationKey: string }) => {
      logger.appendKeys({ batchOperationKey: event.batchOperationKey });
      await pause();
      logger.warn('first');
      await pause();
      logger.warn('second');
    }) as LambdaHandler;
    // Act: interleaved on one event loop.
    await Promise.all([
      invoke(handler, { batchOperationKey: 'A' }, 'FunctionA'),
      invoke(handler, { batchOperationKey: 'B' }, 'FunctionB'),
    ]);
    logger.warn('outside');
    // Assess
    const invocationLines = lines.filter((line) => line.message !== 'outside');
    expect(invocationLines).toHaveLength(4);
    for (const line of invocationLines) {
      expect(line.function_name).toBe(`Function${line.batchOperationKey}`);
    }
    expect(new Set(invocationLines.map((line) => line.function_request_id)).size).toBe(2);
    expect(lines.find((line) => line.message === 'outside')).not.toHaveProperty('batchOperationKey');
  });
});
