import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../local/data-dir-lock.ts';
import { freePort } from '../../local/free-port.ts';
import { apiClient, eventually, inParallel } from '../helpers/api-client.ts';
import { expectFinishedAcrossRestart, recordedCompleted } from '../helpers/interrupted-batch.ts';

/**
 * `npm start` as an operator runs it, in a process group of its own: SIGTERM to the npm process stops
 * every process of the runtime in order, a second runtime on the same DATA_DIR is refused while the
 * first runs, and a restart finishes the interrupted batch with exact counts and no FAILED item.
 */
const repositoryRoot = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'batch-operations-shutdown-'));
const started: ChildProcess[] = [];

afterAll(() => {
  // Whatever a failed assertion left behind: the whole group, at once.
  for (const child of started) {
    try {
      process.kill(-(child.pid as number), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** `npm start` in its own process group (its pid is the group id), with small chunks worked one item at a time. */
function npmStart(port: number): Run {
  const child = spawn('npm', ['start', '--silent'], {
    cwd: repositoryRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      SHARD_COUNT: '2',
      CHUNK_SIZE: '5',
      WORKER_CONCURRENCY: '1',
      LOG_LEVEL: 'ERROR',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
    },
  });
  started.push(child);
  let output = '';
  child.stdout?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return { child, output: () => output, exited };
}

/** Waits until readiness answers 200; before, the port is closed or it answers 503. */
async function untilReady(run: Run, port: number) {
  const seen: number[] = [];
  const body = await eventually(
    async () => {
      if (run.child.exitCode !== null) throw new Error(`npm start exited: ${run.output()}`);
      try {
        const response = await fetch(`http://127.0.0.1:${port}/v2/extensions/health/readiness`);
        seen.push(response.status);
        const answer = await response.json();
        return response.status === 200 ? answer : undefined;
      } catch {
        return undefined; // not listening yet
      }
    },
    () => `not ready: ${run.output()}`,
    120_000,
  );
  return { body, seen };
}

/** The pids still in the process group (`ps -g`), and any process naming the data directory (Java). */
function leftovers(run: Run): string[] {
  const list = (args: string[]) => {
    try {
      return execFileSync('ps', args, { encoding: 'utf8' })
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean);
    } catch {
      return []; // ps exits 1 when nothing matches
    }
  };
  const inGroup = list(['-o', 'pid=,args=', '-g', String(run.child.pid)]);
  const onDataDir = list(['-eo', 'pid=,args=']).filter((line) => line.includes(dataDir));
  return [...inGroup, ...onDataDir];
}

/** Few instances, paced: the batch takes about 10 s, so the stop comes with most of it still to do. */
const INSTANCES = 40;
const ITEMS_PER_SECOND = 4;

describe('orderly shutdown of npm start', () => {
  it('stops every process on SIGTERM to npm, refuses a second runtime on the DATA_DIR, and a restart finishes the batch exactly', {
    timeout: 420_000,
  }, async () => {
    // Prepare: a running runtime.
    const port = await freePort();
    const first = npmStart(port);
    const ready = await untilReady(first, port);
    expect(ready.body).toMatchObject({
      status: 'UP',
      checks: { runtime: 'UP', dynamodb: 'UP', sqs: 'UP', workflow: 'UP', queuePoller: 'UP' },
    });
    // 503 while it starts (listening before it takes work), then 200 once.
    expect(ready.seen.filter((status) => status !== 503)).toEqual([200]);
    const live = await fetch(`http://127.0.0.1:${port}/v2/extensions/health/liveness`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'UP' }]);

    // Act 1: a second runtime on the same DATA_DIR is refused at once, naming the running one.
    const second = npmStart(await freePort());
    const secondCode = await second.exited;
    expect(secondCode).toBe(2);
    expect(second.output()).toContain(`DATA_DIR ${dataDir} is in use by another batch operations runtime`);
    expect(second.output()).toMatch(/pid \d+/);

    // Act 2: SIGTERM to the npm process only, while a paced cancellation of 40 instances runs.
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
    const recordedBeforeStop = await eventually(
      () => recordedCompleted(api, key),
      () => 'no chunk recorded before the stop',
    );
    const beforeStop = await batch();
    const stoppedAt = Date.now();
    process.kill(first.child.pid as number, 'SIGTERM');
    const code = await first.exited;
    await eventually(
      async () => (leftovers(first).length === 0 ? true : undefined),
      () => `left behind: ${leftovers(first).join('; ')}`,
      30_000,
    );
    expect(code).toBe(0);
    expect(first.output()).not.toMatch(/Worker invocation failed|Batch workflow failed|ECONNREFUSED/);

    // Act 3: a lock left by a killed runtime (a pid no longer alive) is stale and taken over.
    const dead = spawn('true');
    await new Promise((done) => dead.once('exit', done));
    writeFileSync(join(dataDir, LOCK_FILE), JSON.stringify({ pid: dead.pid, startedAt: 'earlier' }));
    const restartedAt = Date.now();
    const restarted = npmStart(port);
    await untilReady(restarted, port);
    const final = await eventually(
      async () => {
        const body = await batch();
        return ['ACTIVE', 'SUSPENDED', 'CREATED'].includes(body.state) ? undefined : body;
      },
      () => 'batch did not end after the restart',
      180_000,
    );

    // Assess: exact counts, no item FAILED because of the stop.
    expect(beforeStop.state).toBe('ACTIVE');
    expect(beforeStop.operationsCompletedCount).toBeLessThan(INSTANCES);
    expect(final).toMatchObject({
      state: 'COMPLETED',
      operationsTotalCount: INSTANCES,
      operationsCompletedCount: INSTANCES,
      operationsFailedCount: 0,
    });
    await expectFinishedAcrossRestart(api, key, {
      items: INSTANCES,
      completedBeforeInterruption: recordedBeforeStop,
      interruptedAt: stoppedAt,
      restartedAt,
    });
    // Ctrl-C: SIGINT to the whole process group (npm relays it once more): one orderly stop.
    process.kill(-(restarted.child.pid as number), 'SIGINT');
    const interrupted = await restarted.exited;
    expect(restarted.output()).not.toContain('forcing the stop');
    expect(interrupted).toBe(0);
    await eventually(
      async () => (leftovers(restarted).length === 0 ? true : undefined),
      () => `left behind: ${leftovers(restarted).join('; ')}`,
      30_000,
    );
  });
});
