import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { services } from '../../functions/commons/services.ts';
import { apiClient } from '../helpers/api-client.ts';
import { type EmbeddedRuntime, startRuntime } from '../helpers/embedded-runtime.ts';
import { processInstance } from '../helpers/process-instances.ts';
import { BATCHOPS } from './run-batchops.ts';

/**
 * `batchops … | head`: the reader closes the pipe once it has its lines. The command ends there,
 * quietly and with 0, as `cat` does.
 */
const ITEMS = 300;
let runtime: EmbeddedRuntime;
let batchKey: string;

beforeAll(async () => {
  runtime = await startRuntime({
    port: 0,
    config: { SHARD_COUNT: '2', CHUNK_SIZE: '500' },
    pollIntervalMs: 100,
  });
  const api = apiClient(runtime.url);
  await services().instances.putInstances(
    Array.from({ length: ITEMS }, (_, index) =>
      processInstance(40_000 + index, { processDefinitionId: 'closed-pipe' }),
    ),
  );
  const created = await api.post('/v2/process-instances/cancellation', {
    filter: { processDefinitionId: 'closed-pipe' },
  });
  expect(created.status).toBe(200);
  batchKey = created.body.batchOperationKey;
  expect((await api.finalBatch(batchKey, 150_000)).operationsCompletedCount).toBe(ITEMS);
}, 240_000);
afterAll(() => runtime?.stop());

/**
 * Runs batchops with its stdout a pipe whose reader is gone before the command writes (as `head`
 * is once it has its lines): every write the command makes fails with EPIPE, whatever its size.
 */
function runIntoClosedPipe(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BATCHOPS, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', BATCHOPS_URL: runtime.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stderr }));
  });
}

describe('batchops with its output piped into a reader that stops early', { timeout: 120_000 }, () => {
  it('ends the CSV report quietly with 0', async () => {
    const run = await runIntoClosedPipe(['report', batchKey, '--format', 'csv']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('ends the list of every item quietly with 0', async () => {
    const run = await runIntoClosedPipe(['items', batchKey, '--all', '--limit', '500']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
