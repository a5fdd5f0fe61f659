import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/free-port.ts';
import { apiClient, eventually, inParallel } from '../helpers/api-client.ts';
import { expectFinishedAcrossRestart, recordedCompleted } from '../helpers/interrupted-batch.ts';

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

/** `npm start` in its own process group, with small chunks worked one item at a time. */
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

/** Few instances, paced: the batch takes about 10 s, so the kill comes with most of it still to do. */
const INSTANCES = 40;
const ITEMS_PER_SECOND = 4;

describe('restart recovery', () => {
  it('finishes a batch with exact counts after the runtime was killed half-way through it', {
    timeout: 240_000,
  }, async () => {
    // Prepare: a paced cancellation of 40 instances, with some of it done.
    const port = await freePort();
    running = await startService(port);
    const api = apiClient(`http://127.0.0.1:${port}`);
    expect((await api.deploy(['e2e-order.bpmn'])).status).toBe(200);
    await inParallel(INSTANCES, 10, async () => {
      expect((await api.post('/v2/process-instances', { processDefinitionId: 'e2e-order' })).status).toBe(
        200,
      );
    });
    const creation = await api.post('/v2/process-instances/cancellation', {
      filter: { processDefinitionId: 'e2e-order' },
      itemsPerSecond: ITEMS_PER_SECOND,
    });
    expect(creation.status).toBe(200);
    const key = creation.body.batchOperationKey as string;
    const batch = async () => (await api.get(`/v2/batch-operations/${key}`)).body;
    const recordedBeforeKill = await eventually(
      () => recordedCompleted(api, key),
      () => 'no chunk recorded before the kill',
    );
    const beforeKill = await batch();

    // Act: kill everything mid-batch, then start again on the same data.
    const killedAt = Date.now();
    await kill(running, 'SIGKILL');
    const restartedAt = Date.now();
    running = await startService(port);
    const final = await eventually(
      async () => {
        const body = await batch();
        return body.state === 'ACTIVE' ? undefined : body;
      },
      () => 'batch still ACTIVE after the restart',
      120_000,
    );

    // Assess: every item exactly once, some done before the kill and the rest only after the restart.
    expect(beforeKill.state).toBe('ACTIVE');
    expect(beforeKill.operationsCompletedCount).toBeLessThan(INSTANCES);
    expect(final).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: INSTANCES,
      operationsCompletedCount: INSTANCES,
      operationsFailedCount: 0,
    });
    await expectFinishedAcrossRestart(api, key, {
      items: INSTANCES,
      completedBeforeInterruption: recordedBeforeKill,
      interruptedAt: killedAt,
      restartedAt,
    });
    const instances = await api.post('/v2/process-instances/search', {
      filter: { processDefinitionId: 'e2e-order', state: 'CANCELED' },
      page: { limit: 1000 },
    });
    expect(instances.body.page.totalItems).toBe(INSTANCES);
  });
});
