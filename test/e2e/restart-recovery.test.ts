import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { apiClient, eventually, inParallel } from '../helpers/api-client.ts';

/**
 * The embedded runtime is killed with SIGKILL in the middle of a batch and started again on the same
 * DATA_DIR, exactly as `npm start` runs it: the batch goes on to its final state with exact counts.
 */
const repositoryRoot = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'batch-operations-restart-'));
let running: ChildProcess | undefined;

afterAll(async () => {
  if (running) await kill(running, 'SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** `npm start` in its own process group, slowed down (one item at a time, small chunks). */
async function startService(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bin/start.ts'], {
    cwd: repositoryRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      SHARD_COUNT: '2',
      CHUNK_SIZE: '5',
      WORKER_CONCURRENCY: '1',
      LOG_LEVEL: 'ERROR',
    },
  });
  await new Promise<void>((ready, failed) => {
    let output = '';
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      if (output.includes('Batch operations service on')) ready();
    });
    child.once('exit', (code) => failed(new Error(`npm start exited with ${code}: ${output}`)));
  });
  return child;
}

/** Signals the whole process group (the runtime and its emulators) and waits for the runtime to exit. */
async function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = new Promise((done) => child.once('exit', done));
  process.kill(-(child.pid as number), signal);
  await exited;
}

describe('restart recovery', () => {
  it('finishes a batch with exact counts after the runtime was killed half-way through it', {
    timeout: 240_000,
  }, async () => {
    // Prepare: 200 instances through the API.
    const port = await freePort();
    running = await startService(port);
    const api = apiClient(`http://127.0.0.1:${port}`);
    expect((await api.deploy(['e2e-order.bpmn'])).status).toBe(200);
    await inParallel(200, 10, async () => {
      expect((await api.post('/v2/process-instances', { processDefinitionId: 'e2e-order' })).status).toBe(
        200,
      );
    });
    const creation = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId: 'e2e-order' },
    });
    const key = creation.body.batchOperationKey as string;
    const batch = async () => (await api.get(`/v2/batch-operations/${key}`)).body;
    await eventually(
      async () => ((await batch()).operationsCompletedCount >= 20 ? true : undefined),
      () => 'no progress before the kill',
    );

    // Act: kill everything mid-batch, then start again on the same data.
    await kill(running, 'SIGKILL');
    running = await startService(port);
    const afterRestart = await batch();
    const final = await eventually(
      async () => {
        const body = await batch();
        return body.state === 'ACTIVE' ? undefined : body;
      },
      () => 'batch still ACTIVE after the restart',
      120_000,
    );

    // Assess
    expect(afterRestart.state).toBe('ACTIVE');
    expect(afterRestart.operationsCompletedCount).toBeLessThan(200);
    expect(final).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: 200,
      operationsCompletedCount: 200,
      operationsFailedCount: 0,
    });
    const items = await api.post('/v2/batch-operation-items/search', {
      filter: { batchOperationKey: key },
      page: { limit: 1000 },
    });
    expect(items.body.page.totalItems).toBe(200);
    expect(items.body.items.every((item: { state: string }) => item.state === 'COMPLETED')).toBe(true);
    const instances = await api.post('/v2/process-instances/search', {
      filter: { processDefinitionId: 'e2e-order', state: 'CANCELED' },
      page: { limit: 1000 },
    });
    expect(instances.body.page.totalItems).toBe(200);
  });
});
